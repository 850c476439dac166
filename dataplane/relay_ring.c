/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RTCP relay between workers. The worker that received a compound
 * (fwd/rtcp_relay.c) queues what it relays to the worker that protects
 * the target session's RTCP (id mod workers: one worker per session, so
 * an SRTCP index is never used twice) on a bounded ring per (producer,
 * consumer) pair (relayq.h, on spsc.c), allocated when the data plane
 * starts: no lock and no allocation per packet, and a full ring drops
 * the packet, counted queue_full. A producer wakes each consumer it
 * queued to once per burst (not dpdk's, whose workers poll, nor
 * itself); a consumer drains its rings every round, between bursts, and
 * the core protects each item (fwd/relay_seal.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "relayq.h"
#include "worker.h"

uint32_t lr__relay_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000u +
			  (uint64_t)ts.tv_nsec / 1000000u);
}

int lr__relay_init(struct lr__worker *w, unsigned workers)
{
	unsigned slots = w->dp->cfg.relay_queue;
	int r = 0;

	if (!workers || workers > LR_DP_MAX_WORKERS || !slots ||
	    (slots & (slots - 1)))
		return -EINVAL;
	w->relay_in = calloc(workers, sizeof(*w->relay_in));
	if (!w->relay_in)
		return -ENOMEM;
	w->nrelay_in = workers;
	for (unsigned i = 0; i < workers && !r; i++)
		r = lr__relayq_init(&w->relay_in[i], slots);
	return r;
}

void lr__relay_fini(struct lr__worker *w)
{
	for (unsigned i = 0; i < w->nrelay_in; i++)
		lr__relayq_fini(&w->relay_in[i]);
	free(w->relay_in);
	w->relay_in = NULL;
	w->nrelay_in = 0;
}

/* The worker that protects session to's RTCP. */
static unsigned owner(const struct lr__worker *w, uint64_t to)
{
	return (unsigned)(to % lr__dp_nworkers(w->dp));
}

static struct lr__relayq *ring_to(const struct lr__worker *w, uint64_t to)
{
	const struct lr__worker *c = w->dp->w[owner(w, to)];

	return c && w->index < c->nrelay_in ? &c->relay_in[w->index] : NULL;
}

struct lr__relay_item *lr__relay_slot(struct lr__worker *w, uint64_t to)
{
	struct lr__relayq *q = ring_to(w, to);

	return q ? lr__relayq_slot(q) : NULL;
}

void lr__relay_push(struct lr__worker *w, uint64_t to)
{
	lr__relayq_push(ring_to(w, to));
	w->relay_woke |= 1ull << owner(w, to);
}

void lr__relay_wake(struct lr__worker *w)
{
	uint64_t m = w->relay_woke;

	w->relay_woke = 0;
	for (unsigned c = 0; m; c++, m >>= 1)
		if ((m & 1) && c != w->index)
			lr__worker_kick(w->dp->w[c]);
}

unsigned lr__relay_drain(struct lr__worker *w, struct lr__dpbuf **tx,
			 unsigned max)
{
	struct lr__fwd *f = &w->fwd;
	unsigned n = 0, nq = w->nrelay_in, left = 0, now_read = 0;
	uint32_t now = 0;

	for (unsigned k = 0; k < nq; k++) {
		struct lr__relayq *q = &w->relay_in[(w->relay_next + k) % nq];
		struct lr__relay_item *it;

		while ((it = lr__relayq_peek(q))) {
			struct lr__dpbuf *b;

			if (n == max) {
				left = 1; /* the next round takes it */
				break;
			}
			b = lr__buf_get(f);
			if (!b)
				f->st.drops[LR_DROP_NO_BUFFER]++;
			else if (lr__relay_seal(f, it, b, &now, &now_read))
				tx[n++] = b;
			else
				lr__buf_put(f, b);
			lr__relayq_pop(q);
		}
	}
	if (nq)
		w->relay_next = (w->relay_next + 1) % nq;
	if (left)
		lr__worker_kick(w); /* do not sleep on it */
	return n;
}
