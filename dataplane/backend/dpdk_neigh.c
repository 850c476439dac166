/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The dpdk backend's neighbour table: IP address -> MAC, one per port,
 * shared by its workers. Every authentic packet a worker takes may teach
 * it (the common case: what it knows already, checked without a lock);
 * a worker whose session's cached next hop went stale looks it up.
 * Readers take no lock: each slot has a sequence count that is odd while
 * it is written, and a read that saw it move is done again. Writers (a
 * new peer, a changed MAC: rare) take a spinlock.
 *
 * What it believes (issue 12, defect 6: anyone could rebind a peer's
 * address to their own MAC with one spoofed frame): an answer to a
 * request of ours still pending (the requests, per port, are here too,
 * under the same lock, each with up to NEIGH_HOLD frames waiting for
 * it), the source of an authentic packet, and what the caller says it
 * trusts. A known address's MAC changes at most once per lock_ms.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_pause.h>
#include <rte_prefetch.h>

#include "dpdk_internal.h"

static unsigned nhash(uint8_t family, const uint8_t *ip)
{
	uint32_t h = 2166136261u;

	for (unsigned i = 0; i < (family == 6 ? 16u : 4u); i++)
		h = (h ^ ip[i]) * 16777619u;
	return h;
}

static int slot_is(const struct neigh *n, uint8_t family, const uint8_t *ip)
{
	return n->valid && n->family == family &&
	       !memcmp(n->ip, ip, family == 6 ? 16 : 4);
}

void lr__neigh_prefetch(const struct dpdk_neigh *t, uint8_t family,
			const uint8_t *ip)
{
	rte_prefetch0(&t->slot[nhash(family, ip) & t->mask]);
}

int lr__neigh_init(struct dpdk_neigh *t, unsigned slots)
{
	t->slot = aligned_alloc(64, slots * sizeof(*t->slot));
	t->pend = calloc(NEIGH_PENDING, sizeof(*t->pend));
	if (!t->slot || !t->pend) {
		lr__neigh_fini(t);
		return -ENOMEM;
	}
	memset(t->slot, 0, slots * sizeof(*t->slot));
	t->mask = slots - 1;
	t->lock_ms = 0;
	atomic_init(&t->gen, 1);
	rte_spinlock_init(&t->lock);
	return 0;
}

void lr__neigh_fini(struct dpdk_neigh *t)
{
	for (unsigned i = 0; t->pend && i < NEIGH_PENDING; i++)
		rte_pktmbuf_free_bulk(t->pend[i].held.m, t->pend[i].held.n);
	free(t->pend);
	free(t->slot);
	t->pend = NULL;
	t->slot = NULL;
}

/* Slot n's answer for (family, ip), read consistently: 1 and *mac if it
 * holds ip, else 0. */
static int slot_read(const struct neigh *n, uint8_t family, const uint8_t *ip,
		     struct rte_ether_addr *mac)
{
	for (;;) {
		uint32_t s =
			atomic_load_explicit(&n->seq, memory_order_acquire);
		int hit;

		if (s & 1) {
			rte_pause();
			continue;
		}
		hit = slot_is(n, family, ip);
		if (hit)
			*mac = n->mac;
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&n->seq, memory_order_relaxed) == s)
			return hit;
	}
}

int lr__neigh_lookup(const struct dpdk_neigh *t, const struct lr_addr *a,
		     struct rte_ether_addr *mac)
{
	unsigned h = nhash(a->family, a->ip);

	for (unsigned i = 0; i < NEIGH_PROBE; i++)
		if (slot_read(&t->slot[(h + i) & t->mask], a->family, a->ip,
			      mac))
			return 1;
	return 0;
}

static void slot_write(struct neigh *n, uint8_t family, const uint8_t *ip,
		       const struct rte_ether_addr *mac, uint64_t now)
{
	uint32_t s = atomic_load_explicit(&n->seq, memory_order_relaxed);

	atomic_store_explicit(&n->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	n->family = family;
	memset(n->ip, 0, sizeof(n->ip));
	memcpy(n->ip, ip, family == 6 ? 16 : 4);
	n->mac = *mac;
	n->valid = 1;
	n->stamp = (uint32_t)now;
	atomic_store_explicit(&n->seq, s + 2, memory_order_release);
}

/* lr__neigh_learn with the lock held. */
static int learn_locked(struct dpdk_neigh *t, uint8_t family, const uint8_t *ip,
			const struct rte_ether_addr *mac, uint64_t now)
{
	unsigned h = nhash(family, ip);
	struct neigh *n = NULL;
	int mine = 0, moved;

	/* its slot, else the first free one, else the home slot is taken
	 * over (the table has 4 slots per session: rare). Writers hold the
	 * lock, so the slots read plainly here. */
	for (unsigned i = 0; i < NEIGH_PROBE; i++) {
		struct neigh *x = &t->slot[(h + i) & t->mask];

		if (slot_is(x, family, ip)) {
			n = x;
			mine = 1;
			break;
		}
		if (!x->valid && !n)
			n = x;
	}
	if (mine && rte_is_same_ether_addr(&n->mac, mac))
		return NEIGH_KNOWN; /* another worker was first */
	/* A known address moves once per lock_ms at most, whoever claims
	 * it (the clock's low 32 bits: after a wrap, every 49 days, a
	 * change may wait lock_ms once more). */
	if (mine && (uint32_t)now - n->stamp < t->lock_ms)
		return -EBUSY;
	if (!n)
		n = &t->slot[h & t->mask];
	/* A changed MAC or a taken-over entry changes an answer a lookup
	 * may have given (and a session cached): a new generation, after
	 * the slot is written, so a worker that sees the generation sees
	 * the slot. Filling a free slot changes none (a lookup for ip found
	 * nothing, and the others find what they found), so a new peer does
	 * not make every session look its next hop up again. */
	moved = n->valid;
	slot_write(n, family, ip, mac, now);
	if (moved)
		atomic_fetch_add_explicit(&t->gen, 1, memory_order_release);
	return mine ? NEIGH_CHANGED : NEIGH_NEW;
}

int lr__neigh_learn(struct dpdk_neigh *t, uint8_t family, const uint8_t *ip,
		    const struct rte_ether_addr *mac, uint64_t now)
{
	struct rte_ether_addr known;
	struct lr_addr a = {.family = family};
	int r;

	memcpy(a.ip, ip, family == 6 ? 16 : 4);
	if (lr__neigh_lookup(t, &a, &known) &&
	    rte_is_same_ether_addr(&known, mac))
		return NEIGH_KNOWN; /* the common case, per packet, no lock */
	rte_spinlock_lock(&t->lock);
	r = learn_locked(t, family, ip, mac, now);
	rte_spinlock_unlock(&t->lock);
	return r;
}

/* ---- our requests, awaiting their answers (t->lock held) ---- */

static int pend_is(const struct neigh_pend *p, uint8_t family,
		   const uint8_t *ip)
{
	return p->until && p->family == family &&
	       !memcmp(p->ip, ip, family == 6 ? 16 : 4);
}

static void pend_clear(struct neigh_pend *p)
{
	p->until = 0;
	p->held.n = 0;
}

/* ip's pending request (NULL: none), expired ones in the way let go;
 * *spare: the first free slot in ip's window (NULL: none). */
static struct neigh_pend *pend_find(struct dpdk_neigh *t, uint8_t family,
				    const uint8_t *ip, uint64_t now,
				    uint64_t *lost, struct neigh_pend **spare)
{
	unsigned h = nhash(family, ip);

	*spare = NULL;
	for (unsigned i = 0; i < NEIGH_PROBE; i++) {
		struct neigh_pend *p = &t->pend[(h + i) % NEIGH_PENDING];

		if (p->until && p->until <= now) { /* unanswered: let go */
			rte_pktmbuf_free_bulk(p->held.m, p->held.n);
			*lost += p->held.n;
			pend_clear(p);
		}
		if (pend_is(p, family, ip))
			return p;
		if (!p->until && !*spare)
			*spare = p;
	}
	return NULL;
}

int lr__neigh_solicit(struct dpdk_neigh *t, uint8_t family, const uint8_t *ip,
		      uint64_t now, uint64_t *lost)
{
	struct neigh_pend *p, *spare;
	int r = 1;

	rte_spinlock_lock(&t->lock);
	p = pend_find(t, family, ip, now, lost, &spare);
	if (p) {
		r = 0; /* asked less than NEIGH_PENDING_MS ago */
	} else if (!spare) {
		r = -ENOSPC;
	} else {
		spare->until = now + NEIGH_PENDING_MS;
		spare->family = family;
		memset(spare->ip, 0, sizeof(spare->ip));
		memcpy(spare->ip, ip, family == 6 ? 16 : 4);
	}
	rte_spinlock_unlock(&t->lock);
	return r;
}

int lr__neigh_answer(struct dpdk_neigh *t, uint8_t family, const uint8_t *ip,
		     const struct rte_ether_addr *mac, uint64_t now,
		     uint64_t *lost, struct neigh_held *held)
{
	struct neigh_pend *p, *spare;
	int r = -ENOENT;

	held->n = 0;
	rte_spinlock_lock(&t->lock);
	p = pend_find(t, family, ip, now, lost, &spare);
	if (p) { /* one answer per request: the rest are unsolicited */
		*held = p->held;
		pend_clear(p);
		r = learn_locked(t, family, ip, mac, now);
	}
	rte_spinlock_unlock(&t->lock);
	return r;
}

int lr__neigh_hold(struct dpdk_neigh *t, uint8_t family, const uint8_t *ip,
		   struct rte_mbuf *m, uint16_t len, uint64_t now,
		   uint64_t *lost)
{
	struct neigh_pend *p, *spare;
	int r = 0;

	rte_spinlock_lock(&t->lock);
	p = pend_find(t, family, ip, now, lost, &spare);
	if (p && p->held.n < NEIGH_HOLD) {
		p->held.m[p->held.n] = m;
		p->held.len[p->held.n++] = len;
		r = 1;
	}
	rte_spinlock_unlock(&t->lock);
	return r;
}
