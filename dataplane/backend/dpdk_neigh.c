/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The dpdk backend's neighbour table: IP address -> MAC, one per port,
 * shared by its workers. Every frame a worker takes may teach it (the
 * common case: what it knows already, checked without a lock); a worker
 * whose session's cached next hop went stale looks it up. Readers take
 * no lock: each slot has a sequence count that is odd while it is
 * written, and a read that saw it move is done again. Writers (a new
 * peer, a changed MAC: rare) take a spinlock.
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
	if (!t->slot)
		return -ENOMEM;
	memset(t->slot, 0, slots * sizeof(*t->slot));
	t->mask = slots - 1;
	atomic_init(&t->gen, 1);
	rte_spinlock_init(&t->lock);
	return 0;
}

void lr__neigh_fini(struct dpdk_neigh *t)
{
	free(t->slot);
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

int lr__neigh_lookup(const struct dpdk_neigh *t, const struct lr_dp_addr *a,
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
		       const struct rte_ether_addr *mac)
{
	uint32_t s = atomic_load_explicit(&n->seq, memory_order_relaxed);

	atomic_store_explicit(&n->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	n->family = family;
	memset(n->ip, 0, sizeof(n->ip));
	memcpy(n->ip, ip, family == 6 ? 16 : 4);
	n->mac = *mac;
	n->valid = 1;
	atomic_store_explicit(&n->seq, s + 2, memory_order_release);
}

void lr__neigh_learn(struct dpdk_neigh *t, uint8_t family, const uint8_t *ip,
		     const struct rte_ether_addr *mac)
{
	struct rte_ether_addr known;
	struct lr_dp_addr a = {.family = family};
	unsigned h = nhash(family, ip);
	struct neigh *n = NULL;
	int moved = 0;

	memcpy(a.ip, ip, family == 6 ? 16 : 4);
	if (lr__neigh_lookup(t, &a, &known) &&
	    rte_is_same_ether_addr(&known, mac))
		return; /* known: the common case, per frame, no lock */
	rte_spinlock_lock(&t->lock);
	/* its slot, else the first free one, else the home slot is taken
	 * over (the table has 4 slots per session: rare). Writers hold the
	 * lock, so the slots read plainly here. */
	for (unsigned i = 0; i < NEIGH_PROBE; i++) {
		struct neigh *x = &t->slot[(h + i) & t->mask];

		if (slot_is(x, family, ip)) {
			n = x;
			break;
		}
		if (!x->valid && !n)
			n = x;
	}
	if (n && n->valid && rte_is_same_ether_addr(&n->mac, mac)) {
		rte_spinlock_unlock(&t->lock); /* another worker was first */
		return;
	}
	/* A changed MAC or a taken-over entry changes an answer a lookup
	 * may have given (and a session cached): a new generation, after
	 * the slot is written, so a worker that sees the generation sees
	 * the slot. Filling a free slot changes none (a lookup for ip found
	 * nothing, and the others find what they found), so a new peer does
	 * not make every session look its next hop up again. */
	if (!n) {
		n = &t->slot[h & t->mask];
		moved = 1;
	} else {
		moved = n->valid;
	}
	slot_write(n, family, ip, mac);
	if (moved)
		atomic_fetch_add_explicit(&t->gen, 1, memory_order_release);
	rte_spinlock_unlock(&t->lock);
}
