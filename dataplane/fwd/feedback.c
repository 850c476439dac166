/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Where a subscriber's feedback goes: for every route with a definite
 * SSRC on the leg, (target session, SSRC as the target sees it) ->
 * (the publishing session, its SSRC, the route's sequence offset). A
 * PLI, FIR or NACK from the target names the SSRC it sees; this finds
 * whose stream that is (lr__rtcp_relay). Each session owns the nodes of
 * its routes and re-links them when its routes change; a chained hash
 * table as the session tables, read and written by the worker only. The
 * nodes are also chained by target alone (by_to), so that a session
 * installed after its publishers finds the streams their sender reports
 * will be relayed on (lr__fb_streams), and they hold the relay's limits
 * for their (subscriber, stream) and (stream, target) pairs.
 */
#include "fwd.h"

static unsigned fb_bucket(const struct lr__fwd *fw, uint64_t to, uint32_t ssrc)
{
	uint64_t x = to * 0x9e3779b97f4a7c15ull ^ ssrc;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return (unsigned)((x ^ (x >> 29)) & (fw->nbuckets - 1));
}

static unsigned to_bucket(const struct lr__fwd *fw, uint64_t to)
{
	return fb_bucket(fw, to, 0);
}

int lr__fb_init(struct lr__fwd *fw)
{
	fw->by_fb = fw->env->zalloc(fw->nbuckets * sizeof(*fw->by_fb));
	fw->by_to = fw->env->zalloc(fw->nbuckets * sizeof(*fw->by_to));
	return fw->by_fb && fw->by_to ? 0 : -ENOMEM;
}

void lr__fb_fini(struct lr__fwd *fw)
{
	fw->env->free(fw->by_fb);
	fw->env->free(fw->by_to);
	fw->by_fb = fw->by_to = NULL;
}

static void unchain(struct lr__dpfb **pp, const struct lr__dpfb *f, int to)
{
	while (*pp && *pp != f)
		pp = to ? &(*pp)->next_to : &(*pp)->next;
	if (*pp)
		*pp = to ? f->next_to : f->next;
}

void lr__fb_unlink(struct lr__fwd *fw, struct lr__dpsess *s)
{
	for (unsigned i = 0; i < s->nfb; i++) {
		struct lr__dpfb *f = &s->fb[i];

		unchain(&fw->by_fb[fb_bucket(fw, f->to, f->ssrc)], f, 0);
		unchain(&fw->by_to[to_bucket(fw, f->to)], f, 1);
	}
	fw->env->free(s->fb);
	s->fb = NULL;
	s->nfb = 0;
}

/* The SSRC a route's target sees, or 0 if it is not one SSRC (a route of
 * every SSRC kept unchanged). */
static uint32_t leg_ssrc(const struct lr_dp_route *r)
{
	return r->out_ssrc ? r->out_ssrc : r->ssrc;
}

int lr__fb_link(struct lr__fwd *fw, struct lr__dpsess *s)
{
	unsigned n = 0;

	lr__fb_unlink(fw, s);
	for (unsigned i = 0; i < s->nroutes; i++)
		n += s->routes[i].ssrc && leg_ssrc(&s->routes[i]);
	if (!n)
		return 0;
	s->fb = fw->env->zalloc(n * sizeof(*s->fb));
	if (!s->fb)
		return -ENOMEM;
	for (unsigned i = 0; i < s->nroutes; i++) {
		const struct lr_dp_route *r = &s->routes[i];
		struct lr__dpfb *f = &s->fb[s->nfb];
		unsigned b;

		/* a route of every SSRC to one: which stream a PLI means is
		 * not known here (the control plane's to decide) */
		if (!r->ssrc || !leg_ssrc(r))
			continue;
		f->to = r->to;
		f->ssrc = leg_ssrc(r);
		f->from = s;
		f->in_ssrc = r->ssrc;
		f->seq_delta = r->seq_delta;
		f->ts_delta = r->ts_delta;
		b = fb_bucket(fw, f->to, f->ssrc);
		f->next = fw->by_fb[b];
		fw->by_fb[b] = f;
		b = to_bucket(fw, f->to);
		f->next_to = fw->by_to[b];
		fw->by_to[b] = f;
		s->nfb++;
	}
	return 0;
}

struct lr__dpfb *lr__fb_find(const struct lr__fwd *fw, uint64_t to,
			     uint32_t ssrc)
{
	struct lr__dpfb *f = fw->by_fb[fb_bucket(fw, to, ssrc)];

	while (f && (f->to != to || f->ssrc != ssrc))
		f = f->next;
	return f;
}

/* Streams for relayed RTCP come from here only (a command being
 * applied), never from a packet: an SRTCP stream made per SSRC an input
 * names would fill the table (no_stream_slot for the control plane's
 * own RTCP) and never be freed. A target whose slots are full relays no
 * SR on that SSRC (the drop is counted when one comes). */
int lr__fb_streams(struct lr__fwd *fw, struct lr__dpsess *s, int fresh)
{
	int r = s->rtcp_ssrc ? lr_srtp_stream_add(&s->tx, s->rtcp_ssrc) : 0;

	for (unsigned i = 0; s->relay_reports && i < s->nfb; i++) {
		struct lr__dpsess *t = lr__flow_by_id(fw, s->fb[i].to);

		if (t)
			lr_srtp_stream_add(&t->tx, s->fb[i].ssrc);
	}
	for (const struct lr__dpfb *f = fresh ? fw->by_to[to_bucket(fw, s->id)]
					      : NULL;
	     f; f = f->next_to)
		if (f->to == s->id && f->from->relay_reports)
			lr_srtp_stream_add(&s->tx, f->ssrc);
	return r;
}
