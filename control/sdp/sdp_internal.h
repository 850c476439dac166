/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LR_SDP_INTERNAL_H
#define LR_SDP_INTERNAL_H

#include "linerate/lr_sdp.h"

/* attr.c: check the grammar of attribute name with value (NULL for a
 * flag), in a media section or not. 0, or -EINVAL (-E2BIG for a limit)
 * with a reason in why. */
int lr__sdp_check_attr(const char *name, size_t name_len, const char *value,
		       int media, const char **why);

/* rid.c: the a=ssrc-group value (0 or -EINVAL), and the rules across
 * the lines of media section m (0 or -errno with err filled). */
int lr__sdp_check_ssrc_group(const char *value);
int lr__sdp_check_section(const struct lr_sdp *s, unsigned m,
			  struct lr_sdp_error *err);

/* sctp.c: a data channel section's SCTP port in either syntax must
 * agree with itself (0 or -EINVAL with err filled). */
int lr__sdp_check_sctp(const struct lr_sdp *s, unsigned m,
		       struct lr_sdp_error *err);

/* sdp.c: fill err (if not NULL) and return rc. */
int lr__sdp_fail(struct lr_sdp_error *err, uint32_t lineno, int rc,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Small scanners shared by the attribute parsers. */
int lr__sdp_uint(const char **p, uint64_t max, uint64_t *out);
int lr__sdp_token(const char **p, char *out, size_t cap);
void lr__sdp_spaces(const char **p);

#endif
