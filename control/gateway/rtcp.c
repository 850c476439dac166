/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Receiver reports, per leg (RFC 3550 §6.4, RFC 7667 §3.7: the gateway
 * is each leg's RTP end, as an SFU is):
 *  - a viewer's reports end here (the data plane hands them up with the
 *    feedback it did not relay; they are counted and dropped): they
 *    describe the viewer's leg, not the publisher's;
 *  - each publisher gets the gateway's own report every GW_RR_EVERY,
 *    from our SSRC (rtcp_ssrc), one block per track: the extended
 *    highest sequence number and the count of authentic packets come
 *    from the data plane's stream state (lr_dp_session_rx_state), the
 *    loss from their differences since the last report (RFC 3550
 *    §A.3), LSR and DLSR from the publisher's last sender report
 *    (§6.4.1, so it can measure the round trip); the data plane keeps
 *    no arrival times, so jitter is reported as 0.
 */
#include <string.h>

#include "gw.h"
#include "linerate/lr_rtp.h"

#define GW_RR_EVERY 1000000 /* us */
#define RTCP_SR	    200
#define RTCP_RR	    201

/* A publisher's compound: note each sender report's time (LSR). */
static void sender_reports(struct gw_session *s, const uint8_t *p, size_t len)
{
	for (size_t off = 0; off + 8 <= len;) {
		size_t n = 4 + 4u * lr_rd16(p + off + 2);

		if (off + n > len)
			return;
		if (p[off + 1] == RTCP_SR && n >= 28) {
			uint32_t ssrc = lr_rd32(p + off + 4);

			for (int k = 0; k < GW_KINDS; k++)
				if (s->ssrc[k] == ssrc) {
					s->rr[k].lsr = lr_rd32(p + off + 10);
					s->rr[k].lsr_at = s->gw->now;
					/* where its clock stands */
					s->in_ts[k].ts = lr_rd32(p + off + 16);
					s->in_ts[k].at = s->gw->now;
					s->in_ts[k].have = 1;
				}
		}
		off += n;
	}
}

void gw_rtcp_in(struct gw_session *s, const uint8_t *p, size_t len)
{
	s->gw->m.rtcp_terminated++;
	if (s->kind == GW_PUBLISH)
		sender_reports(s, p, len);
}

/* One report block (RFC 3550 §6.4.1) for track k: 24 bytes at b. */
static int block(struct gw *g, struct gw_session *s, int k, uint8_t *b)
{
	struct gw_rr *r = &s->rr[k];
	struct lr_srtp_stream_state st;
	uint32_t ext, exp_i, rec_i, dlsr = 0;
	int64_t lost_i;
	uint8_t frac = 0;

	if (!s->ssrc[k] ||
	    lr_dp_session_rx_state(g->dp, s->id, s->ssrc[k], &st) ||
	    !st.packets)
		return 0;
	ext = (uint32_t)st.rtp_index;
	if (r->have) {
		exp_i = ext - r->ext;
		rec_i = (uint32_t)(st.packets - r->packets);
		lost_i = (int64_t)exp_i - rec_i;
		if (exp_i && lost_i > 0)
			frac = (uint8_t)((lost_i << 8) / exp_i);
		r->cum_lost += lost_i;
	}
	r->have = 1;
	r->ext = ext;
	r->packets = st.packets;
	if (r->lsr_at)
		dlsr = (uint32_t)((g->now - r->lsr_at) * 65536u / 1000000u);
	lr_wr32(b, s->ssrc[k]);
	b[4] = frac;
	/* cumulative lost: 24-bit signed, clamped (RFC 3550 §6.4.1) */
	{
		int64_t c = r->cum_lost;

		if (c > 0x7fffff)
			c = 0x7fffff;
		if (c < -0x800000)
			c = -0x800000;
		b[5] = (uint8_t)(c >> 16);
		b[6] = (uint8_t)(c >> 8);
		b[7] = (uint8_t)c;
	}
	lr_wr32(b + 8, ext);
	lr_wr32(b + 12, 0); /* jitter: not measured here */
	lr_wr32(b + 16, r->lsr_at ? r->lsr : 0);
	lr_wr32(b + 20, r->lsr_at ? dlsr : 0);
	return 1;
}

static void report(struct gw *g, struct gw_session *s)
{
	uint8_t p[8 + 24 * GW_KINDS];
	unsigned n = 0;

	for (int k = 0; k < GW_KINDS; k++)
		n += (unsigned)block(g, s, k, p + 8 + 24 * n);
	p[0] = (uint8_t)(0x80 | n);
	p[1] = RTCP_RR;
	lr_wr16(p + 2, (uint16_t)(1 + 6 * n));
	lr_wr32(p + 4, s->rtcp_ssrc);
	if (n && !lr_dp_send_rtcp(g->dp, s->id, p, 8 + 24 * n))
		g->m.rr_sent++;
}

void gw_rtcp_timers(struct gw *g)
{
	for (struct gw_session *s = g->sessions; s; s = s->next) {
		if (s->dead || !s->installed || s->kind != GW_PUBLISH ||
		    g->now < s->rr_next)
			continue;
		s->rr_next = g->now + GW_RR_EVERY;
		report(g, s);
	}
}
