/* SPDX-License-Identifier: BSD-2-Clause */
/* The BIO over our datagram queues: OpenSSL's only I/O. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dtls_internal.h"

static int bio_write(BIO *b, const char *data, int len)
{
	struct lr__dgram_q *q = BIO_get_data(b);

	BIO_clear_retry_flags(b);
	if (len < 0)
		return -1;
	/* A full queue drops the datagram like a full socket buffer would;
	 * DTLS retransmission recovers handshake flights. */
	if (lr__dgram_push(q, data, (size_t)len) == -ENOMEM)
		return -1;
	return len;
}

static int bio_read(BIO *b, char *buf, int cap)
{
	struct lr__dgram_q *q = BIO_get_data(b);

	BIO_clear_retry_flags(b);
	if (!q->head) {
		BIO_set_retry_read(b);
		return -1;
	}
	if (cap < 0)
		return -1;
	/* A datagram larger than the reader's buffer is truncated, as a
	 * UDP socket would; DTLS then rejects the damaged record. */
	size_t n = lr__dgram_pop(q, buf, (size_t)cap);
	return (int)(n < (size_t)cap ? n : (size_t)cap);
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct lr__dgram_q *q = BIO_get_data(b);

	(void)num;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_PENDING:
		return (long)lr__dgram_peek(q);
	case BIO_CTRL_WPENDING:
		/* Written datagrams are already "sent": nothing is pending
		 * inside this BIO that a flush could push out. */
		return 0;
	case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
		if (BIO_get_app_data(b) && ptr)
			return lr__dtls_bio_timer(BIO_get_app_data(b), ptr);
		return 0;
	case BIO_CTRL_DGRAM_QUERY_MTU:
	case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
		return 0;
	default:
		return 0;
	}
}

static int bio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static int bio_destroy(BIO *b)
{
	BIO_set_data(b, NULL);
	return 1;
}

BIO_METHOD *lr__dtls_bio_method(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
				     "linerate datagram queue");

	if (!m)
		return NULL;
	if (!BIO_meth_set_write(m, bio_write) ||
	    !BIO_meth_set_read(m, bio_read) ||
	    !BIO_meth_set_ctrl(m, bio_ctrl) ||
	    !BIO_meth_set_create(m, bio_create) ||
	    !BIO_meth_set_destroy(m, bio_destroy)) {
		BIO_meth_free(m);
		return NULL;
	}
	return m;
}

BIO *lr__dtls_bio_new(BIO_METHOD *m, struct lr__dgram_q *q, void *owner)
{
	BIO *b = BIO_new(m);

	if (b) {
		BIO_set_data(b, q);
		BIO_set_app_data(b, owner);
	}
	return b;
}
