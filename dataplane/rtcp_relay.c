/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Feedback relay (lr_dp_session.relay_feedback): a subscriber's requests
 * about a stream it gets from us go to the publisher of that stream,
 * without the control plane. Picture loss (PLI, RFC 4585 §6.3.1), full
 * intra requests (FIR with one entry, RFC 5104 §4.3.1) and generic NACKs
 * (RFC 4585 §6.2.1) name the SSRC the subscriber sees; the route that
 * made it (flow/feedback.c) gives the publisher's SSRC and the sequence
 * offset, and the packet, so rewritten, is queued to the worker that
 * protects the publisher's RTCP (lr__dp_queue_rtcp), as a reduced-size
 * packet (RFC 5506). What is not relayed stays for the punt.
 *
 * Sender reports (lr_dp_session.relay_reports, on a publisher): each SR
 * (RFC 3550 §6.4.1) about an SSRC a route forwards goes to the route's
 * target as the target sees the stream: its SSRC, the RTP timestamp
 * moved by the route's offset, the NTP time and counts as they were,
 * and no report blocks (those are about what the publisher receives).
 * The SR also stays for the punt, for its report blocks.
 */
#include <string.h>

#include "dp_internal.h"
#include "linerate/lr_rtp.h"

#define SR    200
#define RTPFB 205
#define PSFB  206

/* Packet p[0..n) from s rewritten for its publisher into out: the
 * publisher's session, or NULL if it is not feedback we relay. */
static const struct lr__dpsess *rewrite(const struct lr_dp *dp,
					const struct lr__dpsess *s,
					const uint8_t *p, size_t n,
					uint8_t *out)
{
	unsigned fmt = p[0] & 0x1f;
	const struct lr__dpfb *f;
	size_t at; /* where the SSRC the subscriber sees is */

	if (p[1] == PSFB && fmt == 4 && n == 20)
		at = 12; /* FIR: in its one entry */
	else if ((p[1] == PSFB && fmt == 1 && n == 12) ||
		 (p[1] == RTPFB && fmt == 1 && n >= 16))
		at = 8; /* PLI, NACK: the media source */
	else
		return NULL;
	f = lr__fb_find(dp, s->id, lr_rd32(p + at));
	if (!f)
		return NULL;
	memcpy(out, p, n);
	lr_wr32(out + at, f->in_ssrc);
	for (size_t o = 12; p[1] == RTPFB && o + 4 <= n; o += 4)
		lr_wr16(out + o, (uint16_t)(lr_rd16(p + o) - f->seq_delta));
	return f->from;
}

/* SR p[0..n) from s to each target a route of its sender SSRC has. */
static void relay_sr(struct lr_dp *dp, struct lr__dpsess *s, const uint8_t *p,
		     size_t n)
{
	uint32_t ssrc = lr_rd32(p + 4);
	uint8_t sr[28];

	if (n < 28)
		return;
	lr__flow_targets(dp, s);
	for (unsigned i = 0; i < s->nroutes; i++) {
		const struct lr_dp_route *r = &s->routes[i];

		if ((r->ssrc && r->ssrc != ssrc) || !s->to[i])
			continue; /* another stream's, or no target yet */
		memcpy(sr, p, sizeof(sr));
		sr[0] = 0x80; /* no report blocks, no padding */
		lr_wr16(sr + 2, 6);
		lr_wr32(sr + 4, r->out_ssrc ? r->out_ssrc : ssrc);
		lr_wr32(sr + 16, lr_rd32(p + 16) + r->ts_delta);
		if (!lr__dp_queue_rtcp(dp, r->to, sr, sizeof(sr)))
			dp->st.rtcp_relayed++;
	}
}

size_t lr__rtcp_relay(struct lr_dp *dp, struct lr__dpsess *s, uint8_t *p,
		      size_t len)
{
	uint8_t out[LR_DP_RTCP_MAX];
	size_t off = 0, kept = 0;

	if (!lr_rtcp_compound_ok(p, len) || len > sizeof(out))
		return len; /* not ours to take apart */
	while (off < len) {
		size_t n = 4 + 4u * lr_rd16(p + off + 2);
		const struct lr__dpsess *to =
			s->relay_feedback ? rewrite(dp, s, p + off, n, out)
					  : NULL;

		if (s->relay_reports && p[off + 1] == SR)
			relay_sr(dp, s, p + off, n);

		if (to && !lr__dp_queue_rtcp(dp, to->id, out, n)) {
			dp->st.rtcp_relayed++;
		} else {
			memmove(p + kept, p + off, n);
			kept += n;
		}
		off += n;
	}
	return kept;
}
