/*
 * What lr_sctp accepts and holds on receive (issue 12: max-message-size
 * was advertised but not enforced, and reassembly buffers never shrank,
 * so 1024 channels could hold about 1 GiB): a message one byte over our
 * max_message_size is refused, counted and its channel closed (RFC 8831
 * §6.6) while the other channels go on; messages a PR-SCTP sender
 * abandons part way on many channels are dropped, not joined to the
 * next, and never hold more than one message's buffer. Part of the
 * test_sctp program.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include <arpa/inet.h>

#include "sctp_helpers.h"

static const struct rec *first_message(const struct side *sd, int id)
{
	for (unsigned i = 0; i < sd->nev; i++)
		if (sd->ev[i].type == LR_SCTP_EV_MESSAGE && sd->ev[i].id == id)
			return &sd->ev[i];
	return NULL;
}

/* Issue 12: a=max-message-size was advertised, but up to 1 MiB was
 * taken whatever it said. x[1] accepts 64 KiB; x[0] (a peer that does not
 * care what x[1] advertised) sends 64 KiB + 1 on channel a and 64 KiB on
 * channel b. The first is refused and counted, a's "error" and "closing"
 * fire and a is closed on both sides by stream resets; b's message
 * arrives whole and b carries on both ways. */
static void test_one_byte_over_max_message_size(void)
{
	enum {
		MMS = 65536
	};
	struct lr_sctp_config cfg[2] = {
		{.remote_max_message_size = 4 * MMS},
		{.remote_max_message_size = 4 * MMS, .max_message_size = MMS},
	};
	struct net n;
	uint8_t *buf = malloc(MMS + 1);
	const struct rec *r;
	int a, b;

	CU_ASSERT_FATAL(buf != NULL);
	lr_test_fill(buf, MMS + 1);
	net_init_cfg(&n, cfg, 0, 0, 21);
	connect_both(&n);
	a = lr_sctp_channel_open(n.x[0].s, "a", NULL);
	b = lr_sctp_channel_open(n.x[0].s, "b", NULL);
	pump(&n, later(&n, 1));
	CU_ASSERT_EQUAL_FATAL(lr_sctp_channel_state(n.x[1].s, (uint16_t)a),
			      LR_DC_OPEN);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, (uint16_t)a, buf, MMS + 1, 1),
			0);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, (uint16_t)b, buf, MMS, 1), 0);
	pump(&n, later(&n, 2));
	CU_ASSERT_EQUAL(lr_sctp_stats(n.x[1].s)->rx_too_big, 1);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_MESSAGE, a), 0);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_ERROR, a), 1);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_CLOSING, a), 1);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_CHANNEL_CLOSED, a), 1);
	CU_ASSERT_EQUAL(count(&n.x[0], LR_SCTP_EV_CHANNEL_CLOSED, a), 1);
	CU_ASSERT_EQUAL(lr_sctp_channel_state(n.x[0].s, (uint16_t)a),
			LR_DC_CLOSED);
	/* b: exactly the limit, whole */
	CU_ASSERT_EQUAL_FATAL(count(&n.x[1], LR_SCTP_EV_MESSAGE, b), 1);
	CU_ASSERT_EQUAL_FATAL(n.x[1].big_len, MMS);
	CU_ASSERT(!memcmp(n.x[1].big, buf, MMS));
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_ERROR, b), 0);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, (uint16_t)b, "more", 4, 0), 0);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[1].s, (uint16_t)b, "back", 4, 0), 0);
	pump(&n, later(&n, 1));
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_MESSAGE, b), 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r = first_message(&n.x[0], b));
	CU_ASSERT(r->len == 4 && !memcmp(&r->tag, "back", 4));
	CU_ASSERT_EQUAL(lr_sctp_state(n.x[1].s), LR_SCTP_CONNECTED);
	/* what was held for the refused message is gone */
	CU_ASSERT_EQUAL(lr_sctp_stats(n.x[1].s)->rx_buffered, 0);
	CU_ASSERT(lr_sctp_stats(n.x[1].s)->rx_buffered_max <= MMS);
	free(buf);
	net_free(&n);
}

/* The filter of the next test: drops every packet x[0] sends that holds
 * the last fragment of a message of several (RFC 9260 §3.3.1: a DATA
 * chunk, type 0, with E and not B), and counts them in n->ctx. */
static int drop_last_fragments(struct net *n, int from, const uint8_t *pkt,
			       size_t len)
{
	size_t off = 12; /* the common header */

	if (from != 0)
		return 0;
	while (off + 4 <= len) {
		size_t cl = (size_t)pkt[off + 2] << 8 | pkt[off + 3];

		if (pkt[off] == 0 && (pkt[off + 1] & 3) == 1) {
			++*(unsigned *)n->ctx;
			return 1;
		}
		if (cl < 4)
			break;
		off += (cl + 3) & ~(size_t)3;
	}
	return 0;
}

/* Issue 12: the reassembly buffer of a message a PR-SCTP sender gave up
 * part way (maxRetransmits 0, its last fragment lost) stayed with its
 * channel and the channel's next message was appended to it; with many
 * channels those leftovers added up. 16 such channels, one 200 KiB
 * message each: x[1] has most of each (partial delivery), then usrsctp
 * says it was abandoned: dropped and counted, and nothing is held any
 * more. Then each channel's next message arrives as itself (4 bytes, not
 * 200 KiB + 4), and a large message on a new channel whole; x[1]
 * never held more than one message's buffer. */
static void test_abandoned_messages_on_many_channels(void)
{
	enum {
		NCH = 16,
		BIG = 200 * 1024
	};
	struct lr_dc_init in = LR_DC_INIT_DEFAULT;
	const struct lr_sctp_stats *st;
	struct net n;
	uint8_t *buf = malloc(BIG);
	unsigned dropped = 0;
	int ch[NCH], after;

	CU_ASSERT_FATAL(buf != NULL);
	net_init(&n, 0, 0, 22);
	connect_both(&n);
	in.max_retransmits = 0;
	for (int k = 0; k < NCH; k++)
		ch[k] = lr_sctp_channel_open(n.x[0].s, "pr", &in);
	pump(&n, later(&n, 1));
	n.ctx = &dropped;
	n.drop = drop_last_fragments;
	st = lr_sctp_stats(n.x[1].s);
	for (int k = 0; k < NCH; k++) {
		memset(buf, k, BIG);
		CU_ASSERT_EQUAL(
			lr_sctp_send(n.x[0].s, (uint16_t)ch[k], buf, BIG, 1),
			0);
		pump(&n, later(&n, 3));
		CU_ASSERT_EQUAL(dropped, (unsigned)k + 1);
		CU_ASSERT_EQUAL(st->rx_partial_aborted, (uint64_t)k + 1);
		CU_ASSERT_EQUAL(st->rx_buffered, 0);
	}
	n.drop = NULL;
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_MESSAGE, -1), 0);
	for (int k = 0; k < NCH; k++) {
		uint32_t tag = htonl(0x6e657874u + (uint32_t)k);

		CU_ASSERT_EQUAL(
			lr_sctp_send(n.x[0].s, (uint16_t)ch[k], &tag, 4, 1), 0);
	}
	pump(&n, later(&n, 2));
	for (int k = 0; k < NCH; k++) {
		const struct rec *r = first_message(&n.x[1], ch[k]);
		uint32_t tag = htonl(0x6e657874u + (uint32_t)k);

		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT_EQUAL(r->len, 4);
		CU_ASSERT(!memcmp(&r->tag, &tag, 4));
	}
	/* A large message on a new channel arrives whole (usrsctp 0.9.5
	 * itself delivers none larger than its partial delivery point on a
	 * stream whose partial delivery was aborted). */
	after = lr_sctp_channel_open(n.x[0].s, "after", NULL);
	pump(&n, later(&n, 1));
	memset(buf, 0x40, BIG);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, (uint16_t)after, buf, BIG, 1),
			0);
	pump(&n, later(&n, 2));
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_MESSAGE, after), 1);
	CU_ASSERT_EQUAL_FATAL(n.x[1].big_len, BIG);
	CU_ASSERT(!memcmp(n.x[1].big, buf, BIG));
	CU_ASSERT_EQUAL(st->rx_buffered, 0);
	CU_ASSERT(st->rx_buffered_max > 0 && st->rx_buffered_max <= 256 * 1024);
	CU_ASSERT_EQUAL(st->rx_too_big, 0);
	free(buf);
	net_free(&n);
}

void sctp_limits_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_one_byte_over_max_message_size);
	LR_ADD_TEST(s, test_abandoned_messages_on_many_channels);
}
