/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Route and rewrite: an authentic RTP packet of a session becomes one
 * leg per route that matches its SSRC and whose target is installed --
 * a copy from the pool for every leg but the last, which takes the
 * packet itself -- with the route's SSRC, payload type, sequence number
 * and timestamp rewrite, addressed to the target's peer.
 */
#include "fwd.h"
#include "linerate/lr_rtp.h"

void lr__rewrite(uint8_t *p, const struct lr_dp_route *r)
{
	if (r->out_ssrc)
		lr_wr32(p + 8, r->out_ssrc);
	if (r->pt_to >= 0 && lr_rtp_pt(p) == (uint8_t)r->pt_from)
		lr_rtp_set_pt(p, (uint8_t)r->pt_to);
	if (r->seq_delta)
		lr_wr16(p + 2, (uint16_t)(lr_rtp_seq(p) + r->seq_delta));
	if (r->ts_delta)
		lr_wr32(p + 4, lr_rtp_ts(p) + r->ts_delta);
}

void lr__legs_reset(struct lr__legs *l)
{
	l->s = NULL;
	l->n = 0;
}

static void find_legs(struct lr__fwd *f, struct lr__dpsess *s, uint32_t ssrc,
		      struct lr__legs *l)
{
	l->s = s;
	l->ssrc = ssrc;
	l->n = 0;
	lr__flow_targets(f, s);
	for (unsigned i = 0; i < s->nroutes; i++) {
		const struct lr_dp_route *r = &s->routes[i];

		if ((r->ssrc && r->ssrc != ssrc) || !s->to[i])
			continue; /* another SSRC's, or its target is gone */
		l->r[l->n] = r;
		l->to[l->n++] = s->to[i];
	}
}

unsigned lr__route(struct lr__fwd *f, struct lr__dpsess *s, struct lr__dpbuf *b,
		   struct lr__dpbuf **out, struct lr__legs *l)
{
	uint32_t ssrc = lr_rtp_ssrc(b->pkt.data);
	unsigned nl, n = 0;

	if (l->s != s || l->ssrc != ssrc)
		find_legs(f, s, ssrc, l);
	nl = l->n;
	if (!nl) {
		lr__fwd_drop(f, s, b, LR_DROP_NO_ROUTE);
		return 0;
	}
	for (unsigned i = 0; i < nl; i++) {
		struct lr__dpsess *to = l->to[i];
		struct lr__dpbuf *c = b;

		if (i + 1 < nl) { /* every leg but the last gets a copy */
			c = lr__buf_get(f);
			if (!c) {
				f->st.drops[LR_DROP_NO_BUFFER]++;
				s->st.drops[LR_DROP_NO_BUFFER]++;
				continue;
			}
			memcpy(c->data, b->pkt.data, b->pkt.len);
			c->pkt.len = b->pkt.len;
		}
		lr__rewrite(c->pkt.data, l->r[i]);
		c->sess = to;
		c->lidx = to->lidx;
		c->local = f->local[to->lidx];
		c->remote = to->remote;
		out[n++] = c;
	}
	return n;
}
