/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which DTLS datagrams reach lr_dtls: only those from an address that
 * proved it knows the ICE credentials (lr_ice_remote_authenticated: a
 * connectivity check that passed MESSAGE-INTEGRITY, a signed response
 * to one of ours, or the selected pair), as RFC 8445 §11.1 and RFC 8842
 * imply: the DTLS peer is the ICE peer. Anyone else could otherwise start
 * a handshake of their own with our DTLS server ahead of the real peer's.
 *
 * DTLS may come before it can be judged or used: before our answer is
 * applied (no lr_dtls yet, maybe no remote credentials) or before the
 * sender's STUN check (reordering). Such datagrams wait in a small queue
 * per source (PC_EARLY_SOURCES sources, PC_EARLY_DGRAMS datagrams and
 * PC_EARLY_BYTES bytes each; an authenticated newcomer may take the slot
 * of an unauthenticated source), and go to lr_dtls once lr_dtls exists
 * and their source is authenticated. When the first authenticated
 * datagram has gone to lr_dtls the handshake has its peer: whatever is
 * still queued is discarded and later DTLS from an unauthenticated
 * address is refused at once. Every datagram not given to lr_dtls is
 * counted: rx_dtls_unauth (its source never authenticated) or
 * rx_dtls_early_drops (no room to wait).
 */
#include <errno.h>
#include <string.h>

#include "pc_internal.h"

static int authenticated(const struct lr_pc *pc, const struct lr_addr *a)
{
	return pc->ice && lr_ice_remote_authenticated(pc->ice, a);
}

static void slot_free(struct lr__early_src *e)
{
	lr__dgram_clear(&e->q);
	memset(e, 0, sizeof(*e));
}

void lr__pc_early_clear(struct lr_pc *pc)
{
	for (int i = 0; i < PC_EARLY_SOURCES; i++)
		slot_free(&pc->early[i]);
}

/* The slot of src: its own, a free one, or (for an authenticated
 * source) one an unauthenticated source held, whose datagrams are
 * dropped. NULL if there is none. */
static struct lr__early_src *slot_for(struct lr_pc *pc,
				      const struct lr_addr *src, int auth)
{
	struct lr__early_src *free_slot = NULL, *victim = NULL;

	for (int i = 0; i < PC_EARLY_SOURCES; i++) {
		struct lr__early_src *e = &pc->early[i];

		if (e->used && lr_addr_eq(&e->addr, src))
			return e;
		if (!e->used && !free_slot)
			free_slot = e;
		else if (e->used && !victim && !authenticated(pc, &e->addr))
			victim = e;
	}
	if (!free_slot && auth && victim) {
		pc->rx_dtls_early_drops += victim->q.count;
		slot_free(victim);
		free_slot = victim;
	}
	if (!free_slot)
		return NULL;
	free_slot->used = 1;
	free_slot->addr = *src;
	free_slot->q.max_count = PC_EARLY_DGRAMS;
	free_slot->q.max_bytes = PC_EARLY_BYTES;
	return free_slot;
}

static int queue_early(struct lr_pc *pc, const struct lr_addr *src, int auth,
		       const uint8_t *buf, size_t len)
{
	struct lr__early_src *e = slot_for(pc, src, auth);

	if (!e || lr__dgram_push(&e->q, buf, len)) {
		pc->rx_dtls_early_drops++;
		return -ENOBUFS;
	}
	return 0;
}

static int to_dtls(struct lr_pc *pc, const uint8_t *buf, size_t len)
{
	int r = lr_dtls_handle_input(pc->dtls, pc->now, buf, len);

	pc->dtls_peer_seen = 1;
	if (r)
		pc->rx_dtls_refused++;
	return r;
}

void lr__pc_dtls_release(struct lr_pc *pc)
{
	uint8_t buf[PC_EARLY_BYTES];
	size_t n;

	if (!pc->dtls)
		return;
	for (int i = 0; i < PC_EARLY_SOURCES; i++) {
		struct lr__early_src *e = &pc->early[i];

		if (!e->used || !authenticated(pc, &e->addr))
			continue;
		while ((n = lr__dgram_pop(&e->q, buf, sizeof(buf))))
			to_dtls(pc, buf, n);
		slot_free(e);
	}
	if (!pc->dtls_peer_seen)
		return;
	/* The handshake has its peer: the rest never will. */
	for (int i = 0; i < PC_EARLY_SOURCES; i++) {
		struct lr__early_src *e = &pc->early[i];

		if (!e->used)
			continue;
		pc->rx_dtls_unauth += e->q.count;
		slot_free(e);
	}
}

int lr__pc_dtls_input(struct lr_pc *pc, const struct lr_addr *src,
		      const uint8_t *buf, size_t len)
{
	int auth = authenticated(pc, src);

	if (auth && pc->dtls) {
		lr__pc_dtls_release(pc); /* what came first goes first */
		return to_dtls(pc, buf, len);
	}
	if (!auth && pc->dtls_peer_seen) {
		pc->rx_dtls_unauth++;
		return -EACCES;
	}
	return queue_early(pc, src, auth, buf, len);
}
