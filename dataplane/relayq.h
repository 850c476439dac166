/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A bounded single-producer single-consumer ring of relayed RTCP between
 * two workers: fixed slots allocated once, two indices, atomics only (no
 * lock, no allocation after init). The producer fills the slot it gets
 * and publishes it; the consumer reads the oldest and releases it. Each
 * side keeps its own copy of the other's index and reads the shared one
 * only when its copy says full (producer) or empty (consumer), so a busy
 * ring does not bounce a cache line per item.
 */
#ifndef LR_DP_RELAYQ_H
#define LR_DP_RELAYQ_H

#include <stdatomic.h>
#include <stdint.h>

#include "linerate/lr_dp.h"

enum lr__relay_kind {
	LR__RELAY_FEEDBACK = 1, /* PLI, FIR, NACK to a publisher */
	LR__RELAY_REPORT,	/* sender reports to a subscriber */
};

/* One relayed compound: for session `to`, caused by session `from`'s
 * RTCP, still to be SRTCP-protected by to's RTCP worker. */
struct lr__relay_item {
	uint64_t to, from;
	uint16_t len;
	uint8_t kind; /* enum lr__relay_kind */
	uint8_t buf[LR_DP_RTCP_MAX];
};

struct lr__relayq {
	/* the consumer's: the next slot to read, and its view of tail */
	_Alignas(64) atomic_uint head;
	unsigned tail_seen;
	/* the producer's: the next slot to fill, and its view of head */
	_Alignas(64) atomic_uint tail;
	unsigned head_seen;
	_Alignas(64) unsigned mask; /* slots - 1 */
	struct lr__relay_item *slot;
};

/* slots: a power of two, at least 2. 0, -EINVAL or -ENOMEM. */
int lr__relayq_init(struct lr__relayq *q, unsigned slots);
void lr__relayq_fini(struct lr__relayq *q);
/* Producer: the slot to fill next, or NULL if the ring is full; it is
 * the consumer's once lr__relayq_push() is called. */
struct lr__relay_item *lr__relayq_slot(struct lr__relayq *q);
void lr__relayq_push(struct lr__relayq *q);
/* Consumer: the oldest item, or NULL if none; lr__relayq_pop() gives its
 * slot back. */
struct lr__relay_item *lr__relayq_peek(struct lr__relayq *q);
void lr__relayq_pop(struct lr__relayq *q);

#endif
