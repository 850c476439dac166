/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ring of spsc.h. Indices run freely (mod 2^32) and are masked
 * on use; tail - head is the number of items. The producer writes a slot,
 * then stores tail with release; the consumer loads tail with acquire
 * before it reads the slot, and stores head with release after, which
 * the producer loads with acquire before it writes that slot again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spsc.h"

int lr__spsc_init(struct lr__spsc *q, unsigned slots, size_t size)
{
	memset(q, 0, sizeof(*q));
	if (slots < 2 || (slots & (slots - 1)) || !size)
		return -EINVAL;
	q->size = size;
	q->slot = calloc(slots, size);
	if (!q->slot)
		return -ENOMEM;
	q->mask = slots - 1;
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	return 0;
}

void lr__spsc_fini(struct lr__spsc *q)
{
	free(q->slot);
	q->slot = NULL;
}

void *lr__spsc_slot(struct lr__spsc *q)
{
	unsigned t = atomic_load_explicit(&q->tail, memory_order_relaxed);

	if (!q->slot)
		return NULL;
	if (t - q->head_seen > q->mask) {
		q->head_seen =
			atomic_load_explicit(&q->head, memory_order_acquire);
		if (t - q->head_seen > q->mask)
			return NULL; /* full */
	}
	return q->slot + (size_t)(t & q->mask) * q->size;
}

void lr__spsc_push(struct lr__spsc *q)
{
	unsigned t = atomic_load_explicit(&q->tail, memory_order_relaxed);

	atomic_store_explicit(&q->tail, t + 1, memory_order_release);
}

void *lr__spsc_peek(struct lr__spsc *q)
{
	unsigned h = atomic_load_explicit(&q->head, memory_order_relaxed);

	if (!q->slot)
		return NULL;
	if (h == q->tail_seen) {
		q->tail_seen =
			atomic_load_explicit(&q->tail, memory_order_acquire);
		if (h == q->tail_seen)
			return NULL; /* empty */
	}
	return q->slot + (size_t)(h & q->mask) * q->size;
}

void lr__spsc_pop(struct lr__spsc *q)
{
	unsigned h = atomic_load_explicit(&q->head, memory_order_relaxed);

	atomic_store_explicit(&q->head, h + 1, memory_order_release);
}
