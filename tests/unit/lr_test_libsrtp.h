/* libsrtp2 as the independent party in tests: policies from ours. */
#ifndef LR_TEST_LIBSRTP_H
#define LR_TEST_LIBSRTP_H

#include <srtp2/srtp.h>

#include "linerate/lr_srtp_core.h"

/* A libsrtp2 policy for suite with key = master key || salt (kept by the
 * caller while the session lives), any SSRC, window 128. */
void lr_test_ls_policy(srtp_policy_t *p, unsigned suite, uint8_t *key,
		       int inbound);
/* A libsrtp2 session with our policy's keys; keybuf (>= 46 bytes) must
 * outlive srtp_create. srtp_err_status_ok or an error. */
int lr_test_ls_session(srtp_t *s, const struct lr_srtp_policy *pol,
		       uint8_t *keybuf, int inbound);

/* A policy for suite with random keys (lr_test_fill). */
void lr_test_policy(struct lr_srtp_policy *p, unsigned suite);

/* A test peer's keys both ways for suite: random policies to_dp (what
 * the peer protects with) and from_dp (what the data plane protects for
 * it), and libsrtp2 sessions tx (outbound, to_dp) and rx (inbound,
 * from_dp) over the key buffers txkey and rxkey (>= 46 bytes each, kept
 * while the sessions live). srtp_err_status_ok or an error. */
int lr_test_ls_peer(unsigned suite, struct lr_srtp_policy *to_dp,
		    struct lr_srtp_policy *from_dp, srtp_t *tx, srtp_t *rx,
		    uint8_t *txkey, uint8_t *rxkey);

#endif
