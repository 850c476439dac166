/* SPDX-License-Identifier: BSD-2-Clause */
/* The SDP side of a session: the offer, trickle and ICE restarts. */
#ifndef LINERATED_SESSION_SDP_H
#define LINERATED_SESSION_SDP_H

#include "gw.h"

#define GW_FRAG_CANDS 32

/* An application/trickle-ice-sdpfrag (RFC 8840 §4, RFC 9725 §4.3). */
struct gw_sdpfrag {
	char ufrag[260], pwd[260];
	char cand[GW_FRAG_CANDS][256];
	unsigned ncand;
	int end; /* a=end-of-candidates */
};
/* 0, or -EINVAL with the reason. */
int gw_sdpfrag_parse(const char *text, struct gw_sdpfrag *f, char *err,
		     size_t cap);
/* 1 if the fragment carries credentials other than the peer's current
 * ones (an ICE restart). */
int gw_sdpfrag_is_restart(const struct gw_session *s,
			  const struct gw_sdpfrag *f);

/* The peer's offer: applied, answered (the answer text in out); its
 * length or -errno with the reason in err. */
int gw_session_offer(struct gw_session *s, const char *sdp, char *out,
		     size_t cap, char *err, size_t errcap);
/* Trickled candidates: how many were skipped (not usable here). */
int gw_session_trickle(struct gw_session *s, const struct gw_sdpfrag *f,
		       char *err, size_t errcap);
/* An ICE restart: the peer's offer again with its new credentials; our
 * new credentials and candidates as an sdpfrag in out (its length), a
 * new ETag. -errno with the reason in err. */
int gw_session_restart(struct gw_session *s, const struct gw_sdpfrag *f,
		       char *out, size_t cap, char *err, size_t errcap);

/* The payload type session s's answer gives codec ("VP8/90000") on
 * its kind k track, or -1. */
int gw_session_pt_of(const struct gw_session *s, int k, const char *codec);

/* The value of the first line starting with key ("a=ice-ufrag:") in
 * sdp, or -ENOENT. */
int gw_sdp_value(const char *sdp, const char *key, char *out, size_t cap);

#endif
