/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LR_SDP_INTERNAL_H
#define LR_SDP_INTERNAL_H

#include "linerate/lr_sdp.h"

/* attr.c: check the grammar of attribute name with value (NULL for a
 * flag). 0, or -EINVAL with a reason in why. */
int lr__sdp_check_attr(const char *name, size_t name_len, const char *value,
		       const char **why);

/* Small scanners shared by the attribute parsers. */
int lr__sdp_uint(const char **p, uint64_t max, uint64_t *out);
int lr__sdp_token(const char **p, char *out, size_t cap);
void lr__sdp_spaces(const char **p);

#endif
