/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A bounded single-producer single-consumer ring of fixed-size slots:
 * allocated once, two indices, atomics only (no lock, no allocation
 * after init). The producer fills the slot it gets and publishes it; the
 * consumer reads the oldest and releases it. Each side keeps its own
 * copy of the other's index and reads the shared one only when its copy
 * says full (producer) or empty (consumer), so a busy ring does not
 * bounce a cache line per item. Used between workers (relayed RTCP,
 * relayq.h) and from each worker to the control thread (punts).
 */
#ifndef LR_DP_SPSC_H
#define LR_DP_SPSC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct lr__spsc {
	/* the consumer's: the next slot to read, and its view of tail */
	_Alignas(64) atomic_uint head;
	unsigned tail_seen;
	/* the producer's: the next slot to fill, and its view of head */
	_Alignas(64) atomic_uint tail;
	unsigned head_seen;
	_Alignas(64) unsigned mask; /* slots - 1 */
	size_t size;		    /* of a slot */
	uint8_t *slot;
};

/* slots: a power of two, at least 2; size: bytes a slot. 0, -EINVAL or
 * -ENOMEM. */
int lr__spsc_init(struct lr__spsc *q, unsigned slots, size_t size);
void lr__spsc_fini(struct lr__spsc *q);
/* Producer: the slot to fill next, or NULL if the ring is full; it is
 * the consumer's once lr__spsc_push() is called. */
void *lr__spsc_slot(struct lr__spsc *q);
void lr__spsc_push(struct lr__spsc *q);
/* Consumer: the oldest item, or NULL if none; lr__spsc_pop() gives its
 * slot back. */
void *lr__spsc_peek(struct lr__spsc *q);
void lr__spsc_pop(struct lr__spsc *q);

#endif
