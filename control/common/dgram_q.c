/* SPDX-License-Identifier: BSD-2-Clause */
/* Datagram queues. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lr_dgram_q.h"

int lr__dgram_push(struct lr__dgram_q *q, const void *data, size_t len)
{
	struct lr__dgram *g;

	if ((q->max_bytes && q->bytes + len > q->max_bytes) ||
	    (q->max_count && q->count >= q->max_count)) {
		q->drops++;
		return -ENOBUFS;
	}
	g = malloc(sizeof(*g) + len);
	if (!g)
		return -ENOMEM;
	g->next = NULL;
	g->len = len;
	memcpy(g->data, data, len);
	if (q->tail)
		q->tail->next = g;
	else
		q->head = g;
	q->tail = g;
	q->count++;
	q->bytes += len;
	return 0;
}

size_t lr__dgram_peek(const struct lr__dgram_q *q)
{
	return q->head ? q->head->len : 0;
}

size_t lr__dgram_pop(struct lr__dgram_q *q, void *buf, size_t cap)
{
	struct lr__dgram *g = q->head;
	size_t len;

	if (!g)
		return 0;
	len = g->len;
	memcpy(buf, g->data, len < cap ? len : cap);
	q->head = g->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	q->bytes -= len;
	free(g);
	return len;
}

void lr__dgram_clear(struct lr__dgram_q *q)
{
	struct lr__dgram *g = q->head, *n;

	for (; g; g = n) {
		n = g->next;
		free(g);
	}
	q->head = q->tail = NULL;
	q->count = q->bytes = 0;
}
