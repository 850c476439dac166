/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One owner per SRTP stream when there are several workers (see
 * dp_internal.h). Every worker has a copy of every session, and each
 * copy has its own SRTP contexts; an index used by two copies under one
 * key is keystream used twice (outbound) or a replay accepted (inbound).
 *
 * Inbound: the flow's owner is the worker the steering names for the
 * peer's address (lr__dp_steer); only its copy of the rx context is
 * used (the others drop not_owner: a datagram can reach another worker,
 * IPv4 options defeat the BPF steering). A move of the address hands
 * the streams over from the old owner to the new one (through the
 * update commands, which the control thread runs one worker after the
 * other, the new owner last).
 *
 * Outbound: each session has a claim table, made by the control thread
 * at install and shared by the workers: a slot per SSRC it sends, in
 * one 64-bit word (CAS):
 *
 *   SSRC (32) | holder (8) | state (2) | requester + 1 (8)
 *
 *   EMPTY   no SSRC yet: the first worker to need one takes the slot,
 *           with a fresh stream
 *   PARKED  the state is in the slot (install's tx_state, a hand-over):
 *           the first worker to need it takes it
 *   LIVE    the state is in the holder's tx context, which alone
 *           protects the SSRC
 *
 * A worker that needs an SSRC another holds marks itself as requester
 * and puts (session id, table generation, slot) on the holder's request
 * ring; between bursts the holder hands the stream over (export into the
 * slot, give up its use) and parks it; the requester takes it with its
 * next packet (unless the old holder needed it again first: a stream
 * fed from two workers at once goes to whoever has packets, it does not
 * sit parked between two that each asked too late). Until then that
 * worker's packets for the SSRC are dropped (not_owner): never
 * protected from a state of its own. One request at a time per slot; a
 * full ring drops queue_full.
 *
 * Lifetime: a request names its session by id and generation and is
 * looked up in the serving worker's own table, so one left in a ring
 * after the session is gone (or installed again) is ignored; the table
 * itself is freed by the control thread once every worker has removed
 * the session (no worker reaches it but through its own copy).
 *
 * The steady state reads nothing shared: a stream the worker holds is
 * protected as before (the core checks one flag); the table is read
 * only when a packet needs a stream the worker does not hold.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "worker.h"

static struct lr__dpown *own_of(const struct lr__dpsess *s)
{
	return s->own;
}
#include "linerate/lr_rtp.h"

#define RING   1024 /* requests waiting for one worker (power of 2) */
#define TRIES  16   /* CAS races before a packet gives up (not_owner) */
#define NONE   0xffu
#define EMPTY  0u
#define PARKED 1u
#define LIVE   2u

static inline uint32_t w_ssrc(uint64_t w)
{
	return (uint32_t)w;
}

static inline unsigned w_holder(uint64_t w)
{
	return (unsigned)(w >> 32) & 0xff;
}

static inline unsigned w_state(uint64_t w)
{
	return (unsigned)(w >> 40) & 0x3;
}

static inline unsigned w_req(uint64_t w) /* requester + 1, 0: none */
{
	return (unsigned)(w >> 48) & 0xff;
}

static inline uint64_t w_make(uint32_t ssrc, unsigned holder, unsigned state,
			      unsigned req)
{
	return (uint64_t)ssrc | (uint64_t)holder << 32 | (uint64_t)state << 40 |
	       (uint64_t)req << 48;
}

/* A request: which session's which slot (its holder is the ring's). */
struct req {
	uint64_t id, gen;
	uint32_t slot;
};

/* Bounded ring, many producers (the other workers), one consumer (the
 * owner of the ring): each cell's sequence number says whose turn it is
 * (D. Vyukov's bounded queue). */
struct lr__dpreqs {
	_Atomic uint64_t head; /* producers */
	uint64_t tail;	       /* the consumer's */
	struct {
		_Atomic uint64_t seq;
		struct req r;
	} cell[RING];
};

int lr__own_init(struct lr__worker *wk)
{
	wk->reqs = calloc(1, sizeof(*wk->reqs));
	if (!wk->reqs)
		return -ENOMEM;
	for (uint64_t i = 0; i < RING; i++)
		atomic_init(&wk->reqs->cell[i].seq, i);
	atomic_init(&wk->reqs->head, 0);
	return 0;
}

void lr__own_fini(struct lr__worker *wk)
{
	free(wk->reqs);
	wk->reqs = NULL;
}

static int ring_push(struct lr__dpreqs *q, const struct req *r)
{
	uint64_t pos = atomic_load_explicit(&q->head, memory_order_relaxed);

	for (;;) {
		uint64_t seq = atomic_load_explicit(&q->cell[pos % RING].seq,
						    memory_order_acquire);
		int64_t d = (int64_t)(seq - pos);

		if (d < 0)
			return -ENOSPC;
		if (d > 0) {
			pos = atomic_load_explicit(&q->head,
						   memory_order_relaxed);
			continue;
		}
		if (atomic_compare_exchange_weak_explicit(
			    &q->head, &pos, pos + 1, memory_order_relaxed,
			    memory_order_relaxed))
			break;
	}
	q->cell[pos % RING].r = *r;
	atomic_store_explicit(&q->cell[pos % RING].seq, pos + 1,
			      memory_order_release);
	return 0;
}

static int ring_pop(struct lr__dpreqs *q, struct req *r)
{
	uint64_t pos = q->tail;

	if (atomic_load_explicit(&q->cell[pos % RING].seq,
				 memory_order_acquire) != pos + 1)
		return 0;
	*r = q->cell[pos % RING].r;
	atomic_store_explicit(&q->cell[pos % RING].seq, pos + RING,
			      memory_order_release);
	q->tail = pos + 1;
	return 1;
}

/* ---- control thread ---- */

int lr__own_new(struct lr_dp *front, const struct lr_dp_session *d,
		unsigned nslots, struct lr__dpown **out)
{
	struct lr__dpown *o;
	unsigned n = 0;

	*out = NULL;
	if (d->ntx_state > nslots)
		return -EINVAL;
	o = calloc(1, sizeof(*o) + nslots * sizeof(o->slot[0]));
	if (!o)
		return -ENOMEM;
	o->gen = ++front->own_gen;
	o->nslots = nslots;
	for (unsigned i = 0; i < nslots; i++)
		atomic_init(&o->slot[i].word, w_make(0, NONE, EMPTY, 0));
	/* lr_pc's streams: their SRTP state parked for whichever worker
	 * sends on them first (their SRTCP state goes to the session's
	 * SRTCP worker, lr__own_install) */
	for (unsigned i = 0; i < d->ntx_state; i++) {
		const struct lr_srtp_stream_state *t = &d->tx_state[i];
		unsigned k = 0;

		while (k < n &&
		       w_ssrc(atomic_load(&o->slot[k].word)) != t->ssrc)
			k++;
		if (lr_srtp_stream_from_state(&o->slot[k].st, t)) {
			lr__own_free(o);
			return -EINVAL;
		}
		o->slot[k].st.own = LR_SRTP_OWN_RTP;
		atomic_store(&o->slot[k].word,
			     w_make(t->ssrc, NONE, PARKED, 0));
		n += k == n;
	}
	*out = o;
	return 0;
}

void lr__own_free(struct lr__dpown *o)
{
	if (!o)
		return;
	memset(o, 0, sizeof(*o) + o->nslots * sizeof(o->slot[0]));
	free(o);
}

/* ---- workers: inbound ---- */

int lr__own_install(struct lr__fwd *f, struct lr__dpsess *s,
		    const struct lr_dp_session *d, void *own)
{
	struct lr__worker *wk = lr__worker_of(f);
	unsigned n = lr__dp_nworkers(wk->dp), rtcp = (unsigned)(s->id % n);
	int r = 0;

	s->rx_own = lr__dp_steer(wk->dp, &s->remote) == wk->index;
	s->own = own;
	if (!own) /* one worker: it owns everything, as before */
		return 0;
	/* SRTP streams are taken from the table; SRTCP is this session's
	 * worker's, which makes its streams as it needs them */
	lr_srtp_ctx_own(&s->tx, rtcp == wk->index ? LR_SRTP_OWN_RTCP : 0);
	for (unsigned i = 0; !r && rtcp == wk->index && i < d->ntx_state; i++) {
		struct lr_srtp_stream st;

		r = lr_srtp_stream_from_state(&st, &d->tx_state[i]);
		if (!r)
			r = lr_srtp_stream_take_over(&s->tx, &st,
						     LR_SRTP_OWN_RTCP);
	}
	return r;
}

/* The flow leaves: its streams, whole, into ho; this copy stops. */
static void rx_give(struct lr__dpsess *s, struct lr__dprxho *ho)
{
	ho->n = 0;
	while (s->rx.nstreams && ho->n < LR_DP_MAX_SSRCS) {
		uint32_t ssrc = s->rx.streams[0].ssrc;

		if (lr_srtp_stream_hand_over(&s->rx, ssrc, 0, &ho->st[ho->n]))
			break; /* cannot be: streams settle in each burst */
		ho->n++;
	}
	lr_srtp_stream_forget_all(&s->rx);
	ho->retired = !s->rx.keys[s->rx.cur ^ 1].live;
	ho->grace = s->rx.grace;
	s->rx_own = 0;
	ho->valid = 1;
}

void lr__own_rx_take(struct lr__worker *wk, struct lr__dpsess *s,
		     struct lr__dprxho *ho)
{
	(void)wk;
	lr_srtp_stream_forget_all(&s->rx); /* a copy from an earlier turn */
	for (unsigned i = 0; i < ho->n; i++)
		lr_srtp_stream_take_over(&s->rx, &ho->st[i],
					 LR_SRTP_OWN_RTP | LR_SRTP_OWN_RTCP);
	/* a re-key's previous keys: this copy saw none of the packets
	 * that retire them, the giver did */
	if (ho->retired)
		lr_srtp_ctx_retire(&s->rx);
	else if (ho->grace < s->rx.grace)
		s->rx.grace = ho->grace;
	s->rx_own = 1;
	ho->taken = 1;
}

void lr__own_rx_moved(struct lr__fwd *f, struct lr__dpsess *s, void *handover)
{
	struct lr__worker *wk = lr__worker_of(f);
	struct lr__dprxho *ho = handover;
	int mine = lr__dp_steer(wk->dp, &s->remote) == wk->index;

	if (!ho)
		return;
	if (s->rx_own && !mine)
		rx_give(s, ho);
	else if (!s->rx_own && mine && ho->valid && !ho->taken)
		lr__own_rx_take(wk, s, ho);
}

/* ---- workers: outbound ---- */

/* The slot of ssrc, else the first empty one (slots fill in order and
 * never empty again), else NULL: the table is full. */
static struct lr__dpclaim *find_slot(struct lr__dpown *o, uint32_t ssrc)
{
	for (unsigned i = 0; i < o->nslots; i++) {
		uint64_t w = atomic_load_explicit(&o->slot[i].word,
						  memory_order_acquire);

		if (w_state(w) == EMPTY || w_ssrc(w) == ssrc)
			return &o->slot[i];
	}
	return NULL;
}

/* A take that cannot go into the context (full: the SRTCP worker's
 * streams share it): the state goes back to the slot. */
static void untake(struct lr__dpclaim *c, uint32_t ssrc)
{
	uint64_t w = atomic_load_explicit(&c->word, memory_order_relaxed);

	while (!atomic_compare_exchange_weak_explicit(
		&c->word, &w, w_make(ssrc, NONE, PARKED, 0),
		memory_order_release, memory_order_relaxed))
		;
}

/* Take state st (parked in c, or a fresh one) into the context: we just
 * made ourselves c's live holder. */
static unsigned take(struct lr__dpsess *s, struct lr__dpclaim *c,
		     const struct lr_srtp_stream *st)
{
	if (!lr_srtp_stream_take_over(&s->tx, st, LR_SRTP_OWN_RTP))
		return 0;
	if (st != &c->st)
		c->st = *st; /* ours to write while we are its live holder */
	untake(c, st->ssrc);
	return LR_DROP_NO_STREAM_SLOT;
}

/* Ask the holder for the stream; we are its requester from here. */
static unsigned ask(struct lr__worker *wk, struct lr__dpsess *s,
		    struct lr__dpclaim *c, uint64_t w)
{
	struct lr__worker *h = wk->dp->w[w_holder(w)];
	struct req r = {.id = s->id,
			.gen = own_of(s)->gen,
			.slot = (uint32_t)(c - own_of(s)->slot)};

	if (!ring_push(h->reqs, &r)) {
		lr__worker_kick(h);
		return LR_DROP_NOT_OWNER;
	}
	/* its ring is full: not asking after all (only the holder changes
	 * the word while it is marked, and it has nothing to serve) */
	w = atomic_load_explicit(&c->word, memory_order_relaxed);
	while (w_req(w) == wk->index + 1 &&
	       !atomic_compare_exchange_weak_explicit(
		       &c->word, &w, w & ~(0xffull << 48), memory_order_relaxed,
		       memory_order_relaxed))
		;
	return LR_DROP_QUEUE_FULL;
}

/* Make ssrc's stream of target s this worker's: 0 (held now), or the
 * drop reason for the packet that needed it. */
static unsigned claim(struct lr__worker *wk, struct lr__dpsess *s,
		      uint32_t ssrc)
{
	unsigned me = wk->index;

	for (unsigned t = 0; t < TRIES; t++) {
		struct lr__dpclaim *c = find_slot(s->own, ssrc);
		uint64_t w;

		if (!c)
			return LR_DROP_NO_STREAM_SLOT;
		w = atomic_load_explicit(&c->word, memory_order_acquire);
		if (w_state(w) == EMPTY) {
			/* the first use of ssrc: a fresh stream */
			struct lr_srtp_stream fresh = {.ssrc = ssrc};

			if (atomic_compare_exchange_strong_explicit(
				    &c->word, &w, w_make(ssrc, me, LIVE, 0),
				    memory_order_acq_rel, memory_order_acquire))
				return take(s, c, &fresh);
			continue; /* someone filled it: look again */
		}
		if (w_ssrc(w) != ssrc)
			continue;
		if (w_state(w) == PARKED) {
			if (atomic_compare_exchange_strong_explicit(
				    &c->word, &w, w_make(ssrc, me, LIVE, 0),
				    memory_order_acq_rel, memory_order_acquire))
				return take(s, c, &c->st);
			continue;
		}
		/* live: ours (its state lost, fail closed: cannot be), or
		 * another's, asked already or to ask now */
		if (w_holder(w) == me || w_req(w))
			return LR_DROP_NOT_OWNER;
		if (atomic_compare_exchange_strong_explicit(
			    &c->word, &w, w | (uint64_t)(me + 1) << 48,
			    memory_order_acq_rel, memory_order_acquire))
			return ask(wk, s, c, w);
	}
	return LR_DROP_NOT_OWNER;
}

unsigned lr__own_retry(struct lr__fwd *f, struct lr__dpsess *s,
		       struct lr_pkt **pk, unsigned n)
{
	struct lr__worker *wk = lr__worker_of(f);
	struct lr_pkt *again[LR_DP_BURST], *fail[LR_DP_BURST];
	unsigned na = 0, nf = 0, ok, last_r = 0;
	uint32_t last = 0;
	int have = 0;

	for (unsigned i = 0; i < n; i++) {
		struct lr_pkt *p = pk[i];
		uint32_t ssrc;
		const struct lr_srtp_stream *st;

		if (p->drop != LR_DROP_NOT_OWNER) {
			fail[nf++] = p;
			continue;
		}
		ssrc = lr_rtp_ssrc(p->data);
		st = lr_srtp_stream_get(&s->tx, ssrc);
		if (st && (st->own & LR_SRTP_OWN_RTP)) {
			again[na++] = p; /* claimed for an earlier packet */
			continue;
		}
		if (!have || ssrc != last) {
			last = ssrc;
			last_r = claim(wk, s, ssrc);
			have = 1;
		}
		if (!last_r) {
			again[na++] = p;
		} else {
			p->drop = (uint16_t)last_r;
			fail[nf++] = p;
		}
	}
	ok = na ? lr_srtp_protect(&s->tx, again, na) : 0;
	memcpy(pk, again, na * sizeof(*pk));
	memcpy(pk + na, fail, nf * sizeof(*pk));
	return ok;
}

/* One request: hand the stream over to its requester, if it is still
 * ours to give. */
static void serve_one(struct lr__worker *wk, const struct req *r)
{
	struct lr__dpsess *s = lr__flow_by_id(&wk->fwd, r->id);
	struct lr__dpclaim *c;
	uint64_t w;

	if (!s || !s->own || own_of(s)->gen != r->gen ||
	    r->slot >= own_of(s)->nslots)
		return; /* the session went (or came back): nothing to do */
	c = &own_of(s)->slot[r->slot];
	w = atomic_load_explicit(&c->word, memory_order_acquire);
	if (w_state(w) != LIVE || w_holder(w) != wk->index || !w_req(w))
		return; /* not ours (any more): nothing to hand over */
	/* the requester marked it: nobody else writes the word now */
	if (lr_srtp_stream_hand_over(&s->tx, w_ssrc(w), LR_SRTP_OWN_RTP,
				     &c->st)) {
		/* held but not in the context (cannot be): its state is
		 * lost, so nobody may send on it again (fail closed) */
		atomic_store_explicit(&c->word,
				      w_make(w_ssrc(w), wk->index, LIVE, 0),
				      memory_order_release);
		return;
	}
	atomic_store_explicit(&c->word, w_make(w_ssrc(w), NONE, PARKED, 0),
			      memory_order_release);
}

void lr__own_serve(struct lr__worker *wk)
{
	struct req r;

	while (wk->reqs && ring_pop(wk->reqs, &r))
		serve_one(wk, &r);
}
