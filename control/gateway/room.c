/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rooms: one publisher, its viewers. The publisher's data-plane session
 * carries a route per (track, viewer): its SSRC to the viewer's SSRC for
 * that kind (the one the viewer's answer announced), its payload type to
 * the viewer's for the same codec, and a sequence offset that carries on
 * the numbering the viewer had from an earlier publisher (SRTP's index
 * must not jump back). Viewers' keyframe requests and NACKs reach the
 * publisher through the data plane's feedback relay; the publisher's
 * sender reports reach the viewers the same way. A new viewer gets a
 * keyframe request sent for it (at most one per GW_PLI_GAP; a second
 * joiner within it is served by one sent when it has passed); a
 * publisher that leaves says RTCP BYE to each viewer for its tracks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw.h"
#include "linerate/lr_rtp.h"
#include "session_sdp.h"

#define GW_PLI_GAP 500000 /* us */

struct gw_room *gw_room_get(struct gw *g, const char *name, int create)
{
	struct gw_room *r;

	for (r = g->rooms; r; r = r->next)
		if (!strcmp(r->name, name))
			return r;
	if (!create || g->nrooms >= g->cfg.limits.max_rooms)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->next = g->rooms;
	g->rooms = r;
	g->nrooms++;
	return r;
}

void gw_room_maybe_free(struct gw *g, struct gw_room *r)
{
	struct gw_room **p;

	if (r->pub || r->viewers)
		return;
	for (p = &g->rooms; *p && *p != r; p = &(*p)->next)
		;
	if (*p) {
		*p = r->next;
		g->nrooms--;
		free(r);
	}
}

int gw_room_join(struct gw_room *r, struct gw_session *s)
{
	s->room = r;
	if (s->kind == GW_PUBLISH) {
		r->pub = s;
	} else {
		s->viewer_no = ++r->next_viewer_no;
		s->rnext = r->viewers;
		if (r->viewers)
			r->viewers->rprev = s;
		r->viewers = s;
		r->nviewers++;
	}
	return 0;
}

/* RTCP BYE for the viewer's tracks (RFC 3550 §6.6), after an empty
 * receiver report (§6.1: a compound starts with one). */
static void bye(struct gw *g, struct gw_session *v)
{
	uint8_t p[8 + 4 + 4 * GW_KINDS];
	unsigned n = 0;
	uint32_t first = 0;

	for (int k = 0; k < GW_KINDS; k++)
		if (v->ssrc[k]) {
			lr_wr32(p + 12 + 4 * n++, v->ssrc[k]);
			if (!first)
				first = v->ssrc[k];
		}
	if (!n || !v->installed)
		return;
	p[0] = 0x80;
	p[1] = 201;
	lr_wr16(p + 2, 1);
	lr_wr32(p + 4, first);
	p[8] = (uint8_t)(0x80 | n);
	p[9] = 203;
	lr_wr16(p + 10, (uint16_t)n);
	lr_dp_send_rtcp(g->dp, v->id, p, 12 + 4 * n);
}

uint32_t gw_ts_at(const struct gw_tsref *r, uint32_t clock, uint64_t now)
{
	return r->ts + (uint32_t)((now - r->at) * clock / 1000000u);
}

/* The publisher leaves: where each viewer's clocks stand, for the next
 * one to go on from. */
static void remember_clocks(struct gw *g, struct gw_room *r,
			    const struct gw_session *p)
{
	for (struct gw_session *v = r->viewers; v; v = v->rnext)
		for (int k = 0; k < GW_KINDS; k++) {
			if (!p->in_ts[k].have || !p->clock[k] ||
			    v->seq_for[k] != p->id)
				continue;
			v->out_ts[k].ts =
				gw_ts_at(&p->in_ts[k], p->clock[k], g->now) +
				v->ts_delta[k];
			v->out_ts[k].at = g->now;
			v->out_ts[k].have = 1;
		}
}

void gw_room_leave(struct gw_session *s)
{
	struct gw_room *r = s->room;
	struct gw *g = s->gw;

	if (!r)
		return;
	if (s->kind == GW_PUBLISH && r->pub == s) {
		r->pub = NULL;
		remember_clocks(g, r, s);
		if (s->installed)
			for (struct gw_session *v = r->viewers; v; v = v->rnext)
				bye(g, v);
	} else if (s->kind == GW_PLAY) {
		if (s->rprev)
			s->rprev->rnext = s->rnext;
		else if (r->viewers == s)
			r->viewers = s->rnext;
		if (s->rnext)
			s->rnext->rprev = s->rprev;
		s->rnext = s->rprev = NULL;
		r->nviewers--;
	}
	s->room = NULL;
	if (s->kind == GW_PLAY && s->installed)
		gw_room_sync(r); /* the routes to it go first */
	gw_chat_room_state(r);
	gw_room_maybe_free(g, r);
}

/* The timestamp offset that puts publisher p's clock of kind k a little
 * after where v's stood when its last publisher left: a receiver takes
 * a keyframe with an earlier frame number only if its timestamp is
 * newer (Chromium's frame buffer), and its jitter buffer wants time to
 * go on. 0 for a viewer's first publisher. */
static uint32_t ts_delta(struct gw *g, const struct gw_session *p,
			 const struct gw_session *v, int k)
{
	uint32_t c = p->clock[k], want;

	if (!v->out_ts[k].have || !p->in_ts[k].have || !c)
		return 0;
	want = gw_ts_at(&v->out_ts[k], c, g->now) + c / 10; /* +100 ms */
	return want - gw_ts_at(&p->in_ts[k], c, g->now);
}

/* Where viewer v's numbering of kind k stands: the offset that makes
 * the publisher's next packet follow the last one v was sent. */
static uint16_t seq_delta(struct gw *g, const struct gw_session *p,
			  const struct gw_session *v, int k)
{
	struct lr_srtp_stream_state st;

	if (!p->have_seq[k] ||
	    lr_dp_session_tx_state(g->dp, v->id, v->ssrc[k], &st) ||
	    !st.packets)
		return 0;
	return (uint16_t)((uint16_t)(st.rtp_index + 1) - p->first_seq[k]);
}

unsigned gw_room_routes(const struct gw_room *r, struct lr_dp_route *out,
			unsigned cap)
{
	const struct gw_session *p = r->pub;
	unsigned n = 0;

	if (!p)
		return 0;
	for (struct gw_session *v = r->viewers; v; v = v->rnext) {
		if (!v->installed || v->dead)
			continue;
		for (int k = 0; k < GW_KINDS; k++) {
			struct lr_dp_route *rt = &out[n];
			int pt;

			if (!p->ssrc[k] || !v->ssrc[k] || p->pt[k] < 0)
				continue;
			pt = gw_session_pt_of(v, k, p->codec[k]);
			if (pt < 0)
				continue; /* the viewer cannot decode it */
			if (n == cap)
				return n;
			memset(rt, 0, sizeof(*rt));
			rt->ssrc = p->ssrc[k];
			rt->to = v->id;
			rt->out_ssrc = v->ssrc[k];
			rt->pt_from = (int16_t)p->pt[k];
			rt->pt_to = pt == p->pt[k] ? -1 : (int16_t)pt;
			if (v->seq_for[k] != p->id) {
				v->seq_for[k] = p->id;
				v->seq_delta[k] = seq_delta(p->gw, p, v, k);
				v->ts_delta[k] = ts_delta(p->gw, p, v, k);
			}
			rt->seq_delta = v->seq_delta[k];
			rt->ts_delta = v->ts_delta[k];
			n++;
		}
	}
	return n;
}

/* What the gateway adds to session s's data-plane description, the
 * same at install and update: its local address; a publisher's routes
 * (into routes[LR_DP_MAX_ROUTES]), its RTCP SSRC, its SRs relayed, its
 * telephone-events punted; a viewer's feedback relayed. */
void gw_room_desc(struct gw_session *s, struct lr_dp_session *d,
		  struct lr_dp_route *routes)
{
	d->local = s->gw->dp_local[s->lidx];
	if (s->kind != GW_PUBLISH) {
		d->relay_feedback = 1;
		return;
	}
	d->routes = routes;
	d->nroutes =
		s->room ? gw_room_routes(s->room, routes, LR_DP_MAX_ROUTES) : 0;
	d->rtcp_ssrc = s->rtcp_ssrc;
	d->relay_reports = 1;
	gw_session_punt_pts(s, d->punt_pt);
}

void gw_log_rc(const struct gw_session *s, const char *event, int rc)
{
	char e[16];

	snprintf(e, sizeof(e), "%d", rc);
	gw_log(&s->gw->log, GW_LOG_ERROR, event, "session", s->rid, "error", e,
	       NULL);
}

/* The data plane's view of session s anew: its address (after an ICE
 * restart), and a publisher's routes. */
int gw_room_update_session(struct gw_session *s)
{
	struct lr_dp_session d = {0};
	struct lr_dp_route *routes;
	int rc;

	if (!s->installed)
		return 0;
	routes = calloc(LR_DP_MAX_ROUTES, sizeof(*routes));
	if (!routes)
		return -ENOMEM;
	d.remote = s->dp_remote;
	gw_room_desc(s, &d, routes);
	rc = lr_dp_session_update(s->gw->dp, s->id, &d);
	free(routes);
	if (rc)
		gw_log_rc(s, "update_failed", rc);
	return rc;
}

int gw_room_sync(struct gw_room *r)
{
	return r && r->pub ? gw_room_update_session(r->pub) : 0;
}

static void send_pli(struct gw *g, struct gw_session *p)
{
	uint8_t b[20];

	/* an empty RR, then the PLI (RFC 4585 §6.3.1) from our SSRC */
	b[0] = 0x80;
	b[1] = 201;
	lr_wr16(b + 2, 1);
	lr_wr32(b + 4, p->rtcp_ssrc);
	b[8] = 0x81;
	b[9] = 206;
	lr_wr16(b + 10, 2);
	lr_wr32(b + 12, p->rtcp_ssrc);
	lr_wr32(b + 16, p->ssrc[1]);
	if (!lr_dp_send_rtcp(g->dp, p->id, b, sizeof(b)))
		g->m.keyframe_requests++;
	p->pli_at = g->now;
	p->pli_due = 0;
}

void gw_room_keyframe(struct gw_room *r)
{
	struct gw_session *p = r ? r->pub : NULL;
	struct gw *g;

	if (!p || !p->installed || !p->ssrc[1] || !r->viewers)
		return;
	g = p->gw;
	if (!p->pli_at || g->now - p->pli_at >= GW_PLI_GAP)
		send_pli(g, p);
	else if (!p->pli_due)
		p->pli_due = p->pli_at + GW_PLI_GAP;
}

void gw_room_timers(struct gw *g)
{
	for (struct gw_room *r = g->rooms; r; r = r->next) {
		struct gw_session *p = r->pub;

		if (p && p->installed && p->pli_due && g->now >= p->pli_due)
			send_pli(g, p);
	}
}
