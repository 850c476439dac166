/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The burst pipeline (one worker, one burst of <= LR_DP_BURST packets):
 *
 *   demux (RFC 7983) -> session by 5-tuple -> SRTP/SRTCP unprotect, one
 *   core burst per session -> RTCP relay (rtcp_relay.c) -> legs by route
 *   (route.c) -> SRTP protect, one core burst per target session -> tx
 *
 * Everything a packet can fail on is counted by reason, per session and
 * for the worker. Nothing here locks, allocates or calls the system:
 * buffers come from the pool, working arrays from f->scr, and what goes
 * elsewhere (punts, relayed RTCP) through the environment's preallocated
 * rings, whose owner is told once per burst (env->burst_end).
 */
#include "fwd.h"
#include "linerate/lr_demux.h"
#include "linerate/lr_rtp.h"

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

static void punt(struct lr__fwd *f, enum lr_dp_punt_why why, uint64_t session,
		 const struct lr__dpbuf *b)
{
	if (f->env->punt)
		f->env->punt(f, why, session, b);
	else
		f->st.punt_dropped++;
}

/* Unprotect the RTP (rtcp=0) or RTCP runs of each session in a[0..n):
 * returns how many authentic packets are left at the front of a[]. */
static unsigned unprotect(struct lr__fwd *f, struct lr__dpbuf **a, unsigned n,
			  int rtcp)
{
	struct lr_pkt **pk = f->scr->pk;
	unsigned lo = 0, kept = 0;

	while (lo < n) {
		struct lr__dpsess *s = a[lo]->sess;
		unsigned k = gather(a, lo, n, s), ok;

		if (!s->rx_own) {
			/* another worker's flow (it came here past the
			 * steering, or it is being handed over): this
			 * copy's streams are not the ones in use */
			for (unsigned i = 0; i < k; i++)
				lr__fwd_drop(f, s, a[lo + i],
					     LR_DROP_NOT_OWNER);
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
			lr__fwd_drop(f, s, a[lo + i], a[lo + i]->pkt.drop);
		for (unsigned i = 0; i < ok; i++) {
			s->st.rx_packets++;
			s->st.rx_bytes += a[lo + i]->pkt.len;
			a[kept++] = a[lo + i];
		}
		lo += k;
	}
	return kept;
}

static unsigned protect(struct lr__fwd *f, struct lr__dpbuf **a, unsigned n,
			struct lr__dpbuf **tx)
{
	struct lr_pkt **pk = f->scr->pk;
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
		if (ok < k && s->own && f->env->own_retry)
			/* streams held by other workers */
			ok += f->env->own_retry(f, s, pk + ok, k - ok);
		for (unsigned i = 0; i < k; i++)
			a[lo + i] = (struct lr__dpbuf *)(void *)pk[i];
		for (unsigned i = ok; i < k; i++)
			lr__fwd_drop(f, s, a[lo + i], a[lo + i]->pkt.drop);
		for (unsigned i = 0; i < ok; i++) {
			s->st.tx_packets++;
			s->st.tx_bytes += a[lo + i]->pkt.len;
			tx[nt++] = a[lo + i];
		}
		lo += k;
	}
	f->st.forwarded += nt;
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
static void find_sessions(struct lr__fwd *f, struct lr__dpbuf **in, unsigned nh)
{
	struct lr__fwd_scratch *x = f->scr;

	for (unsigned h = 0; h < nh; h++) {
		const struct lr__dpsess *s = f->by_tuple[x->bucket[h]];

		if (s)
			__builtin_prefetch(s);
	}
	for (unsigned h = 0; h < nh; h++) {
		const struct lr__dpbuf *b = in[x->head[h]];
		struct lr__dpsess *s = lr__flow_in_bucket(f, x->bucket[h],
							  b->lidx, &b->remote);

		x->hs[h] = s;
		if (s) {
			warm(&s->rx, sizeof(s->rx));
			warm(&s->nroutes,
			     offsetof(struct lr__dpsess, st) -
				     offsetof(struct lr__dpsess, nroutes));
		}
	}
	for (unsigned h = 0; h < nh; h++) {
		const struct lr__dpsess *s = x->hs[h];

		if (!s)
			continue;
		lr_srtp_ctx_prefetch(&s->rx);
		warm(s->routes, s->nroutes * sizeof(s->routes[0]));
		if (s->to_gen != f->topo_gen)
			continue;
		for (unsigned i = 0; i < s->nroutes; i++)
			if (s->to[i])
				warm(&s->to[i]->tx, sizeof(s->to[i]->tx));
	}
}

/* The I/O side believes what authentic packets say of their sources
 * (env->authentic; dpdk: the peer's MAC), never what any packet says. */
static void authentic(struct lr__fwd *f, struct lr__dpbuf **a, unsigned n)
{
	if (n && f->env->authentic)
		f->env->authentic(f, a, n);
}

/* Sort out what is media and where each peer's run starts; ask for the
 * runs' buckets. How many runs. */
static unsigned classify(struct lr__fwd *f, struct lr__dpbuf **in, unsigned n)
{
	struct lr__fwd_scratch *x = f->scr;
	const struct lr__dpbuf *prev = NULL; /* the previous media packet */
	unsigned nh = 0;

	for (unsigned i = 0; i < n; i++) {
		struct lr__dpbuf *b = in[i];
		enum lr_demux_kind k = lr_demux(b->pkt.data, b->pkt.len);

		x->kind[i] = (uint8_t)k;
		if (k != LR_DEMUX_RTP && k != LR_DEMUX_RTCP)
			continue;
		if (!prev || prev->lidx != b->lidx ||
		    !lr_addr_eq(&prev->remote, &b->remote)) {
			x->bucket[nh] =
				lr__flow_tuple_bucket(f, b->lidx, &b->remote);
			__builtin_prefetch(&f->by_tuple[x->bucket[nh]]);
			x->head[nh++] = (uint8_t)i;
		}
		x->run[i] = (uint8_t)(nh - 1);
		prev = b;
	}
	return nh;
}

/* Decrypted RTCP: feedback on a routed stream may go straight to its
 * publisher (relay_feedback), a publisher's sender reports to its
 * subscribers (relay_reports); the rest needs the control plane's logic
 * (which reports to answer, which feedback to relay where): it goes up,
 * and what the control plane sends back is protected by
 * lr_dp_send_rtcp. */
static void rtcp_in(struct lr__fwd *f, struct lr__dpbuf **rtcp, unsigned n)
{
	uint32_t now = 0; /* the relay's clock, if read */
	unsigned clock_read = 0;

	for (unsigned i = 0; i < n; i++) {
		struct lr__dpbuf *b = rtcp[i];

		if (b->sess->relay_feedback || b->sess->relay_reports) {
			if (!clock_read++) /* the limits: once a burst */
				now = f->env->now_ms ? f->env->now_ms(f) : 0;
			b->pkt.len = (uint32_t)lr__rtcp_relay(
				f, b->sess, b->pkt.data, b->pkt.len, now);
		}
		if (b->pkt.len)
			punt(f, LR_DP_PUNT_RTCP, b->sess->id, b);
		else
			f->st.rtcp_relay_in++;
		lr__buf_put(f, b);
	}
}

unsigned lr__engine_burst(struct lr__fwd *f, struct lr__dpbuf **in, unsigned n,
			  struct lr__dpbuf **tx)
{
	struct lr__fwd_scratch *x = f->scr;
	struct lr__dpbuf **rtp = x->rtp, **rtcp = x->rtcp, **legs = x->out;
	unsigned nrtp = 0, nrtcp = 0, nlegs = 0, nh;

	f->st.bursts++;
	nh = classify(f, in, n);
	find_sessions(f, in, nh);
	for (unsigned i = 0; i < n; i++) {
		struct lr__dpbuf *b = in[i];
		enum lr_demux_kind k = x->kind[i];

		f->st.rx_packets++;
		f->st.rx_bytes += b->pkt.len;
		if (k == LR_DEMUX_STUN || k == LR_DEMUX_DTLS ||
		    k == LR_DEMUX_OTHER) {
			punt(f,
			     k == LR_DEMUX_STUN	  ? LR_DP_PUNT_STUN
			     : k == LR_DEMUX_DTLS ? LR_DP_PUNT_DTLS
						  : LR_DP_PUNT_OTHER,
			     0, b);
			lr__buf_put(f, b);
			continue;
		}
		b->sess = x->hs[x->run[i]];
		if (!b->sess) {
			/* Media before its session is installed belongs to
			 * the control plane (lr_pc still handles it). */
			punt(f, LR_DP_PUNT_UNKNOWN_FLOW, 0, b);
			lr__fwd_drop(f, NULL, b, LR_DROP_UNKNOWN_FLOW);
			continue;
		}
		if (k == LR_DEMUX_RTCP)
			rtcp[nrtcp++] = b;
		else
			rtp[nrtp++] = b;
	}
	nrtcp = unprotect(f, rtcp, nrtcp, 1);
	authentic(f, rtcp, nrtcp);
	rtcp_in(f, rtcp, nrtcp);
	nrtp = unprotect(f, rtp, nrtp, 0);
	authentic(f, rtp, nrtp);
	lr__legs_reset(&x->legs);
	for (unsigned i = 0; i < nrtp; i++) {
		const struct lr__dpsess *s = rtp[i]->sess;
		uint8_t pt = lr_rtp_pt(rtp[i]->pkt.data);

		if (s->punt_pt[0] &&
		    (pt == s->punt_pt[0] || pt == s->punt_pt[1]))
			punt(f, LR_DP_PUNT_RTP, s->id, rtp[i]);
		nlegs += lr__route(f, rtp[i]->sess, rtp[i], legs + nlegs,
				   &x->legs);
	}
	nlegs = protect(f, legs, nlegs, tx);
	if (f->env->burst_end)
		f->env->burst_end(f);
	return nlegs;
}
