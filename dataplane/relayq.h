/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Relayed RTCP between two workers, on the ring of spsc.h.
 */
#ifndef LR_DP_RELAYQ_H
#define LR_DP_RELAYQ_H

#include <stdint.h>

#include "linerate/lr_dp.h"
#include "spsc.h"

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

/* The ring between two workers: an spsc.h ring of lr__relay_item. */
struct lr__relayq {
	struct lr__spsc q;
};

static inline int lr__relayq_init(struct lr__relayq *r, unsigned slots)
{
	return lr__spsc_init(&r->q, slots, sizeof(struct lr__relay_item));
}

static inline void lr__relayq_fini(struct lr__relayq *r)
{
	lr__spsc_fini(&r->q);
}

static inline struct lr__relay_item *lr__relayq_slot(struct lr__relayq *r)
{
	return lr__spsc_slot(&r->q);
}

static inline void lr__relayq_push(struct lr__relayq *r)
{
	lr__spsc_push(&r->q);
}

static inline struct lr__relay_item *lr__relayq_peek(struct lr__relayq *r)
{
	return lr__spsc_peek(&r->q);
}

static inline void lr__relayq_pop(struct lr__relayq *r)
{
	lr__spsc_pop(&r->q);
}

#endif
