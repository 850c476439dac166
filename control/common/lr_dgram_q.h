/* SPDX-License-Identifier: BSD-2-Clause */
/* A FIFO of whole datagrams (or messages), for the sans-IO machines'
 * input and output queues. Internal to control/. */
#ifndef LR_DGRAM_Q_H
#define LR_DGRAM_Q_H

#include <stddef.h>
#include <stdint.h>

/* A FIFO of datagrams, each kept whole. */
struct lr__dgram {
	struct lr__dgram *next;
	size_t len;
	uint8_t data[];
};

struct lr__dgram_q {
	struct lr__dgram *head, *tail;
	size_t count, bytes;
	size_t max_bytes; /* pushes beyond this are refused */
	uint64_t drops;	  /* ... and counted here */
	size_t max_count; /* likewise beyond this many datagrams (0: any) */
};

/* 0, -ENOBUFS (over max_bytes or max_count), -ENOMEM. */
int lr__dgram_push(struct lr__dgram_q *q, const void *data, size_t len);
/* Length of the head datagram, or 0 if empty. */
size_t lr__dgram_peek(const struct lr__dgram_q *q);
/* Copy the head datagram (truncated to cap, as a UDP read would) and
 * drop it. Its full length, or 0 if empty. */
size_t lr__dgram_pop(struct lr__dgram_q *q, void *buf, size_t cap);
void lr__dgram_clear(struct lr__dgram_q *q);

#endif
