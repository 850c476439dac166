/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The burst pipeline (one worker, one burst of <= LR_DP_BURST packets):
 *
 *   demux (RFC 7983) -> session by 5-tuple -> SRTP/SRTCP unprotect, one
 *   core burst per session -> legs by route (copy for all but the last,
 *   SSRC/PT/seq/ts rewrite) -> SRTP protect, one core burst per target
 *   session -> tx
 *
 * Everything a packet can fail on is counted by reason, per session and
 * for the worker. Nothing here locks or allocates: buffers come from the
 * worker's pool.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp_internal.h"
#include "linerate/lr_demux.h"
#include "linerate/lr_rtp.h"

struct lr__dpbuf *lr__buf_get(struct lr_dp *dp)
{
	struct lr__dpbuf *b = dp->free_bufs;

	if (!b)
		return NULL;
	dp->free_bufs = b->next;
	dp->nfree--;
	b->next = NULL;
	b->sess = NULL;
	b->pkt.data = b->data;
	b->pkt.room = sizeof(b->data);
	b->pkt.drop = 0;
	b->pkt.priv = NULL;
	return b;
}

void lr__buf_put(struct lr_dp *dp, struct lr__dpbuf *b)
{
	if (b->pkt.priv) {
		dp->ops->release(dp, b->pkt.priv);
		b->pkt.priv = NULL;
	}
	b->next = dp->free_bufs;
	dp->free_bufs = b;
	dp->nfree++;
}

static void drop(struct lr_dp *dp, struct lr__dpsess *s, struct lr__dpbuf *b,
		 unsigned why)
{
	if (why >= LR_DROP__MAX)
		why = LR_DROP_NONE;
	dp->st.drops[why]++;
	if (s)
		s->st.drops[why]++;
	lr__buf_put(dp, b);
}

/* Group the packets of one session (stable: arrival order kept). Moves
 * the run for sess to the front of a[lo..n) and returns its length. */
static unsigned gather(struct lr__dpbuf **a, unsigned lo, unsigned n,
		       const struct lr__dpsess *sess)
{
	unsigned k = lo;

	for (unsigned i = lo; i < n; i++) {
		if (a[i]->sess != sess)
			continue;
		struct lr__dpbuf *t = a[i];

		memmove(&a[k + 1], &a[k], (i - k) * sizeof(a[0]));
		a[k++] = t;
	}
	return k - lo;
}

static void rewrite(struct lr__dpbuf *b, const struct lr_dp_route *r)
{
	uint8_t *p = b->pkt.data;

	if (r->out_ssrc)
		lr_wr32(p + 8, r->out_ssrc);
	if (r->pt_to >= 0 && lr_rtp_pt(p) == (uint8_t)r->pt_from)
		lr_rtp_set_pt(p, (uint8_t)r->pt_to);
	if (r->seq_delta)
		lr_wr16(p + 2, (uint16_t)(lr_rtp_seq(p) + r->seq_delta));
	if (r->ts_delta)
		lr_wr32(p + 4, lr_rtp_ts(p) + r->ts_delta);
}

/* The legs of the last (session, SSRC) routed in this burst: a burst's
 * packets come grouped by session, so the targets are looked up once per
 * group, not once per packet and leg. Valid within one burst only
 * (sessions change between bursts). */
struct legs {
	const struct lr__dpsess *s;
	uint32_t ssrc;
	unsigned n;
	const struct lr_dp_route *r[LR_DP_MAX_ROUTES];
	struct lr__dpsess *to[LR_DP_MAX_ROUTES];
};

static void find_legs(struct lr_dp *dp, struct lr__dpsess *s, uint32_t ssrc,
		      struct legs *l)
{
	l->s = s;
	l->ssrc = ssrc;
	l->n = 0;
	lr__flow_targets(dp, s);
	for (unsigned i = 0; i < s->nroutes; i++) {
		const struct lr_dp_route *r = &s->routes[i];

		if ((r->ssrc && r->ssrc != ssrc) || !s->to[i])
			continue; /* another SSRC's, or its target is gone */
		l->r[l->n] = r;
		l->to[l->n++] = s->to[i];
	}
}

/* One authentic RTP packet of session s becomes 0..N legs in out[]. */
static unsigned route(struct lr_dp *dp, struct lr__dpsess *s,
		      struct lr__dpbuf *b, struct lr__dpbuf **out,
		      struct legs *l)
{
	uint32_t ssrc = lr_rtp_ssrc(b->pkt.data);
	const struct lr_dp_route **legs = l->r;
	struct lr__dpsess **to = l->to;
	unsigned nl, n = 0;

	if (l->s != s || l->ssrc != ssrc)
		find_legs(dp, s, ssrc, l);
	nl = l->n;
	if (!nl) {
		drop(dp, s, b, LR_DROP_NO_ROUTE);
		return 0;
	}
	for (unsigned i = 0; i < nl; i++) {
		struct lr__dpbuf *c = b;

		if (i + 1 < nl) { /* every leg but the last gets a copy */
			c = lr__buf_get(dp);
			if (!c) {
				dp->st.drops[LR_DROP_NO_BUFFER]++;
				s->st.drops[LR_DROP_NO_BUFFER]++;
				continue;
			}
			memcpy(c->data, b->pkt.data, b->pkt.len);
			c->pkt.len = b->pkt.len;
		}
		rewrite(c, legs[i]);
		c->sess = to[i];
		c->lidx = to[i]->lidx;
		c->local = dp->local[to[i]->lidx];
		c->remote = to[i]->remote;
		out[n++] = c;
	}
	return n;
}

/* A copy of b for the control thread, on this worker's ring: no lock,
 * no allocation, no system call (punt_wake, once a burst, is the one). */
void lr__engine_punt(struct lr_dp *dp, enum lr_dp_punt_why why,
		     uint64_t session, const struct lr__dpbuf *b)
{
	struct lr_dp_punt *p = NULL;

	if (b->pkt.len > sizeof(p->buf) || !(p = lr__spsc_slot(&dp->punts))) {
		dp->st.punt_dropped++;
		return;
	}
	p->why = why;
	p->session = session;
	p->local = b->local;
	p->remote = b->remote;
	p->len = b->pkt.len;
	memcpy(p->buf, b->pkt.data, b->pkt.len);
	lr__spsc_push(&dp->punts);
	dp->st.punted++;
	dp->punt_woke = 1;
}

/* The control thread is told once per burst that punted. */
static void punt_wake(struct lr_dp *dp)
{
	uint64_t one = 1;

	if (!dp->punt_woke)
		return;
	dp->punt_woke = 0;
	if (write(dp->front->punt_fd, &one, sizeof(one)) < 0) {
		/* the counter saturates only if nobody reads: fine */
	}
}

/* Unprotect the RTP (rtcp=0) or RTCP runs of each session in a[0..n):
 * returns how many authentic packets are left at the front of a[]. */
static unsigned unprotect(struct lr_dp *dp, struct lr__dpbuf **a, unsigned n,
			  int rtcp)
{
	struct lr_pkt *pk[LR_DP_BURST];
	unsigned lo = 0, kept = 0;

	while (lo < n) {
		struct lr__dpsess *s = a[lo]->sess;
		unsigned k = gather(a, lo, n, s), ok;

		if (!s->rx_own) {
			/* another worker's flow (it came here past the
			 * steering, or it is being handed over): this
			 * copy's streams are not the ones in use */
			for (unsigned i = 0; i < k; i++)
				drop(dp, s, a[lo + i], LR_DROP_NOT_OWNER);
			lo += k;
			continue;
		}
		for (unsigned i = 0; i < k; i++)
			pk[i] = &a[lo + i]->pkt;
		ok = rtcp ? lr_srtcp_unprotect(&s->rx, pk, k)
			  : lr_srtp_unprotect(&s->rx, pk, k);
		/* The core reordered pk[]: put the buffers in its order. */
		for (unsigned i = 0; i < k; i++)
			a[lo + i] = (struct lr__dpbuf *)(void *)pk[i];
		for (unsigned i = ok; i < k; i++)
			drop(dp, s, a[lo + i], a[lo + i]->pkt.drop);
		for (unsigned i = 0; i < ok; i++) {
			s->st.rx_packets++;
			s->st.rx_bytes += a[lo + i]->pkt.len;
			a[kept++] = a[lo + i];
		}
		lo += k;
	}
	return kept;
}

static unsigned protect(struct lr_dp *dp, struct lr__dpbuf **a, unsigned n,
			struct lr__dpbuf **tx)
{
	struct lr_pkt *pk[LR_DP_BURST];
	unsigned lo = 0, nt = 0;

	for (unsigned i = 0; i < n; i++)
		if (!i || a[i]->sess != a[i - 1]->sess)
			lr_srtp_ctx_prefetch(&a[i]->sess->tx);
	while (lo < n) {
		struct lr__dpsess *s = a[lo]->sess;
		unsigned k = gather(a, lo, n, s), ok;

		/* at most a core burst at a time */
		if (k > LR_DP_BURST)
			k = LR_DP_BURST;
		for (unsigned i = 0; i < k; i++)
			pk[i] = &a[lo + i]->pkt;
		ok = lr_srtp_protect(&s->tx, pk, k);
		if (ok < k && s->own) /* streams held by other workers */
			ok += lr__own_retry(dp, s, pk + ok, k - ok);
		for (unsigned i = 0; i < k; i++)
			a[lo + i] = (struct lr__dpbuf *)(void *)pk[i];
		for (unsigned i = ok; i < k; i++)
			drop(dp, s, a[lo + i], a[lo + i]->pkt.drop);
		for (unsigned i = 0; i < ok; i++) {
			s->st.tx_packets++;
			s->st.tx_bytes += a[lo + i]->pkt.len;
			tx[nt++] = a[lo + i];
		}
		lo += k;
	}
	dp->st.forwarded += nt;
	return nt;
}

static void warm(const void *p, size_t len)
{
	for (size_t o = 0; o < len; o += 64)
		__builtin_prefetch((const char *)p + o);
}

/*
 * With many flows every run of a burst starts with cache (and TLB)
 * misses: its bucket, its session, its keys and stream, its targets.
 * They are asked for one level at a time for every run of the burst,
 * so that they overlap, instead of each run waiting for the last.
 * head[] are the first packets of the runs (a run: consecutive media
 * from one peer), bucket[] their buckets; their sessions go in hs[].
 */
static void find_sessions(struct lr_dp *dp, struct lr__dpbuf **in,
			  const uint8_t *head, const unsigned *bucket,
			  unsigned nh, struct lr__dpsess **hs)
{
	for (unsigned h = 0; h < nh; h++) {
		const struct lr__dpsess *s = dp->by_tuple[bucket[h]];

		if (s)
			__builtin_prefetch(s);
	}
	for (unsigned h = 0; h < nh; h++) {
		const struct lr__dpbuf *b = in[head[h]];
		struct lr__dpsess *s =
			lr__flow_in_bucket(dp, bucket[h], b->lidx, &b->remote);

		hs[h] = s;
		if (s) {
			warm(&s->rx, sizeof(s->rx));
			warm(&s->nroutes,
			     offsetof(struct lr__dpsess, st) -
				     offsetof(struct lr__dpsess, nroutes));
		}
	}
	for (unsigned h = 0; h < nh; h++) {
		const struct lr__dpsess *s = hs[h];

		if (!s)
			continue;
		lr_srtp_ctx_prefetch(&s->rx);
		warm(s->routes, s->nroutes * sizeof(s->routes[0]));
		if (s->to_gen != dp->topo_gen)
			continue;
		for (unsigned i = 0; i < s->nroutes; i++)
			if (s->to[i])
				warm(&s->to[i]->tx, sizeof(s->to[i]->tx));
	}
}

/* The backend believes what authentic packets say of their sources
 * (ops->authentic; dpdk: the peer's MAC), never what any packet says. */
static void authentic(struct lr_dp *dp, struct lr__dpbuf **a, unsigned n)
{
	if (n && dp->ops && dp->ops->authentic)
		dp->ops->authentic(dp, a, n);
}

unsigned lr__engine_burst(struct lr_dp *dp, struct lr__dpbuf **in, unsigned n,
			  struct lr__dpbuf **tx)
{
	struct lr__dpbuf *rtp[LR_DP_BURST], *rtcp[LR_DP_BURST];
	struct lr__dpbuf **legs = dp->legs;
	unsigned nrtp = 0, nrtcp = 0, nlegs = 0, nh = 0;
	unsigned bucket[LR_DP_BURST];
	uint8_t kind[LR_DP_BURST], run[LR_DP_BURST], head[LR_DP_BURST];
	struct lr__dpsess *hs[LR_DP_BURST];
	struct legs cache = {.s = NULL};
	const struct lr__dpbuf *prev = NULL; /* the previous media packet */
	uint32_t now = 0;		     /* the relay's clock, if read */
	unsigned clock_read = 0;

	dp->st.bursts++;
	/* Sort out what is media and where each peer's run starts; ask for
	 * the runs' buckets. */
	for (unsigned i = 0; i < n; i++) {
		struct lr__dpbuf *b = in[i];
		enum lr_demux_kind k = lr_demux(b->pkt.data, b->pkt.len);

		kind[i] = (uint8_t)k;
		if (k != LR_DEMUX_RTP && k != LR_DEMUX_RTCP)
			continue;
		if (!prev || prev->lidx != b->lidx ||
		    !lr_addr_eq(&prev->remote, &b->remote)) {
			bucket[nh] =
				lr__flow_tuple_bucket(dp, b->lidx, &b->remote);
			__builtin_prefetch(&dp->by_tuple[bucket[nh]]);
			head[nh++] = (uint8_t)i;
		}
		run[i] = (uint8_t)(nh - 1);
		prev = b;
	}
	find_sessions(dp, in, head, bucket, nh, hs);
	for (unsigned i = 0; i < n; i++) {
		struct lr__dpbuf *b = in[i];
		enum lr_demux_kind k = kind[i];

		dp->st.rx_packets++;
		dp->st.rx_bytes += b->pkt.len;
		if (k == LR_DEMUX_STUN || k == LR_DEMUX_DTLS ||
		    k == LR_DEMUX_OTHER) {
			lr__engine_punt(dp,
					k == LR_DEMUX_STUN   ? LR_DP_PUNT_STUN
					: k == LR_DEMUX_DTLS ? LR_DP_PUNT_DTLS
							     : LR_DP_PUNT_OTHER,
					0, b);
			lr__buf_put(dp, b);
			continue;
		}
		b->sess = hs[run[i]];
		if (!b->sess) {
			/* Media before its session is installed belongs to
			 * the control plane (lr_pc still handles it). */
			lr__engine_punt(dp, LR_DP_PUNT_UNKNOWN_FLOW, 0, b);
			drop(dp, NULL, b, LR_DROP_UNKNOWN_FLOW);
			continue;
		}
		if (k == LR_DEMUX_RTCP)
			rtcp[nrtcp++] = b;
		else
			rtp[nrtp++] = b;
	}
	nrtcp = unprotect(dp, rtcp, nrtcp, 1);
	authentic(dp, rtcp, nrtcp);
	for (unsigned i = 0; i < nrtcp; i++) {
		/* Feedback on a routed stream may go straight to its
		 * publisher (relay_feedback), a publisher's sender reports to
		 * its subscribers (relay_reports); the rest needs the control
		 * plane's logic (which reports to answer, which feedback to
		 * relay where): decrypted, it goes up, and what it sends back
		 * is protected by lr_dp_send_rtcp */
		struct lr__dpbuf *b = rtcp[i];

		if (b->sess->relay_feedback || b->sess->relay_reports) {
			if (!clock_read++) /* the limits: once a burst */
				now = lr__relay_now_ms(dp);
			b->pkt.len = (uint32_t)lr__rtcp_relay(
				dp, b->sess, b->pkt.data, b->pkt.len, now);
		}
		if (b->pkt.len)
			lr__engine_punt(dp, LR_DP_PUNT_RTCP, b->sess->id, b);
		lr__buf_put(dp, rtcp[i]);
	}
	if (dp->relay_woke) /* once a burst per worker queued to */
		lr__relay_wake(dp);
	nrtp = unprotect(dp, rtp, nrtp, 0);
	authentic(dp, rtp, nrtp);
	for (unsigned i = 0; i < nrtp; i++) {
		const struct lr__dpsess *s = rtp[i]->sess;
		uint8_t pt = lr_rtp_pt(rtp[i]->pkt.data);

		if (s->punt_pt[0] &&
		    (pt == s->punt_pt[0] || pt == s->punt_pt[1]))
			lr__engine_punt(dp, LR_DP_PUNT_RTP, s->id, rtp[i]);
		nlegs += route(dp, rtp[i]->sess, rtp[i], legs + nlegs, &cache);
	}
	nlegs = protect(dp, legs, nlegs, tx);
	punt_wake(dp);
	return nlegs;
}
