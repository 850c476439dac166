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
 */
#include <string.h>

#include "dp_internal.h"
#include "linerate/lr_rtp.h"

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

	if (p[1] == PSFB && fmt == 4) { /* FIR: the SSRC is in its entry */
		if (n != 20)
			return NULL;
		f = lr__fb_find(dp, s->id, lr_rd32(p + 12));
		if (!f)
			return NULL;
		memcpy(out, p, n);
		lr_wr32(out + 12, f->in_ssrc);
		return f->from;
	}
	if (!((p[1] == PSFB && fmt == 1 && n == 12) ||
	      (p[1] == RTPFB && fmt == 1 && n >= 16)))
		return NULL;
	f = lr__fb_find(dp, s->id, lr_rd32(p + 8));
	if (!f)
		return NULL;
	memcpy(out, p, n);
	lr_wr32(out + 8, f->in_ssrc);
	for (size_t o = 12; p[1] == RTPFB && o + 4 <= n; o += 4)
		lr_wr16(out + o, (uint16_t)(lr_rd16(p + o) - f->seq_delta));
	return f->from;
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
		const struct lr__dpsess *to = rewrite(dp, s, p + off, n, out);

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
