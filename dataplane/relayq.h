/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Relayed RTCP between two workers, on the ring of spsc.h.
 */
#ifndef LR_DP_RELAYQ_H
#define LR_DP_RELAYQ_H

#include <stdint.h>

#include "fwd/fwd.h"
#include "spsc.h"

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
