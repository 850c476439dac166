/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * RTCP leaving the core for a session's peer: SRTCP-protected with the
 * session's context. Relayed RTCP (rtcp_relay.c) arrives here on the
 * worker that protects the target session's RTCP (one worker per
 * session, so an SRTCP index is never used twice). That worker, being
 * the only one that sends the publisher's RTCP, is where keyframe
 * requests from all subscribers of a stream meet: it lets one through
 * per relay_pli_interval_ms and numbers FIRs (RFC 5104 §4.3.1.2: a new
 * number per new request from this sender). The compound's sender
 * SSRC's stream must exist (made at install: lr__fb_streams), else it
 * is dropped, unknown_ssrc: relayed RTCP never makes a stream.
 */
#include "fwd.h"
#include "linerate/lr_rtp.h"

#define PSFB 206

static void count(struct lr__fwd *f, struct lr__dpsess *s, unsigned why,
		  unsigned n)
{
	f->st.drops[why] += n;
	if (s)
		s->st.drops[why] += n;
}

int lr__rtcp_seal(struct lr__fwd *f, struct lr__dpsess *s, struct lr__dpbuf *b)
{
	struct lr_pkt *pk = &b->pkt;

	if (lr_srtcp_protect(&s->tx, &pk, 1) != 1) {
		count(f, s, pk->drop, 1);
		return 0;
	}
	b->sess = s;
	b->lidx = s->lidx;
	b->local = f->local[s->lidx];
	b->remote = s->remote;
	f->st.rtcp_sent++;
	return 1;
}

/* The first feedback entry of publisher s for its SSRC ssrc: where the
 * stream's keyframe limit and FIR number are kept on this worker. */
static struct lr__dpfb *stream_of(struct lr__dpsess *s, uint32_t ssrc)
{
	for (unsigned i = 0; i < s->nfb; i++)
		if (s->fb[i].in_ssrc == ssrc)
			return &s->fb[i];
	return NULL;
}

/* Keyframe requests in the feedback compound p[0..len) for publisher s
 * that are too soon after the last one sent its stream are cut (counted
 * on src, the subscriber, and the worker); FIRs get their number.
 * What is left: its length. */
static size_t keyframes(struct lr__fwd *f, struct lr__dpsess *s,
			struct lr__dpsess *src, uint8_t *p, size_t len,
			uint32_t now)
{
	size_t off = 0, kept = 0;
	unsigned cut = 0;

	while (off < len) {
		size_t n = 4 + 4u * lr_rd16(p + off + 2);
		unsigned fmt = p[off] & 0x1f;
		int fir = p[off + 1] == PSFB && fmt == 4;
		struct lr__dpfb *e = NULL;

		if (p[off + 1] == PSFB && (fmt == 1 || fir))
			e = stream_of(s, lr_rd32(p + off + (fir ? 12 : 8)));
		if (e && !lr__relay_passed(e->pub_kf_at, now,
					   f->cfg.relay_pli_interval_ms)) {
			cut++;
			off += n;
			continue;
		}
		if (e) {
			e->pub_kf_at = lr__relay_stamp(now);
			if (fir)
				p[off + 16] = e->fir_seq++;
		}
		memmove(p + kept, p + off, n);
		kept += n;
		off += n;
	}
	count(f, src, LR_DROP_RATE_LIMITED, cut);
	return kept;
}

int lr__relay_seal(struct lr__fwd *f, const struct lr__relay_item *it,
		   struct lr__dpbuf *b, uint32_t *now, unsigned *now_read)
{
	struct lr__dpsess *s = lr__flow_by_id(f, it->to);
	struct lr__dpsess *src = lr__flow_by_id(f, it->from);
	size_t len = it->len;

	if (!s) {
		count(f, src, LR_DROP_UNKNOWN_FLOW, 1);
		return 0;
	}
	if (len > sizeof(it->buf) || len > sizeof(b->data))
		return 0; /* (the producer never makes one) */
	memcpy(b->data, it->buf, len);
	if (it->kind == LR__RELAY_FEEDBACK) {
		if (!(*now_read)++)
			*now = f->env->now_ms ? f->env->now_ms(f) : 0;
		len = keyframes(f, s, src, b->data, len, *now);
		if (!len)
			return 0;
	}
	if (!lr_srtp_stream_get(&s->tx, lr_rtcp_ssrc(b->data, len))) {
		count(f, s, LR_DROP_UNKNOWN_SSRC, 1);
		return 0;
	}
	b->pkt.len = (uint32_t)len;
	if (!lr__rtcp_seal(f, s, b))
		return 0;
	f->st.rtcp_relayed++;
	return 1;
}
