/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to session.c and session_libsrtp2.c. */
#ifndef LR_SESSION_PRIV_H
#define LR_SESSION_PRIV_H

#include "linerate/lr_srtp.h"

struct lr_srtp_session;

/* One implementation's session operations, chosen at creation. */
struct lr__srtp_session_ops {
	unsigned (*protect)(struct lr_srtp_session *s, struct lr_pkt **p,
			    unsigned n);
	unsigned (*unprotect)(struct lr_srtp_session *s, struct lr_pkt **p,
			      unsigned n);
	unsigned (*protect_rtcp)(struct lr_srtp_session *s, struct lr_pkt **p,
				 unsigned n);
	unsigned (*unprotect_rtcp)(struct lr_srtp_session *s, struct lr_pkt **p,
				   unsigned n);
	int (*rekey)(struct lr_srtp_session *s,
		     const struct lr_srtp_policy *pol);
	int (*add_stream)(struct lr_srtp_session *s, uint32_t ssrc);
	/* NULL: the implementation cannot hand its streams over */
	int (*export_stream)(struct lr_srtp_session *s, uint32_t ssrc,
			     struct lr_srtp_stream_state *out);
	void (*stats)(const struct lr_srtp_session *s,
		      struct lr_srtp_stats *out);
	void (*destroy)(struct lr_srtp_session *s);
};

struct lr_srtp_session {
	const struct lr__srtp_session_ops *ops;
	enum lr_srtp_impl impl;
	void *priv; /* the implementation's state */
};

/* session_libsrtp2.c (library lr_srtp_libsrtp2): 0 or -errno; fills
 * s->ops and s->priv. session.c declares it weak: NULL when the program
 * does not link that library. */
int lr__srtp_libsrtp2_open(struct lr_srtp_session *s,
			   const struct lr_srtp_config *cfg);

#endif
