/*
 * control/sctp: DCEP (RFC 8832 §5) encoding, and two lr_sctp on the
 * simulator (usrsctp, AF_CONN, no threads, virtual clock): association
 * set-up, in-band and negotiated channels (RFC 8832 §6, RFC 8831 §6.5),
 * string/binary/empty PPIDs (RFC 8831 §6.6, §8), a 1 MiB message and
 * 1,000 small ones in order under 10 % loss, unordered and partially
 * reliable channels, max-message-size, bufferedAmount with its low
 * threshold, and closing by stream reset (RFC 8831 §6.7).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_dcep.h"
#include "linerate/lr_sctp.h"
#include "lr_sim.h"
#include "lr_test.h"

static uint64_t lr_test_sctp_clock; /* see net_init() */

/* ---- DCEP ---- */

static void test_dcep_open_roundtrip(void)
{
	/* RFC 8832 §5.1 layout, written out by hand. */
	static const uint8_t want[] = {
		0x03, 0x81, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04,
		0x00, 0x03, 'c',  'h',	'a',  't',  'x',  'm',	'l',
	};
	struct lr_dcep_open
		o = {.type = LR_DC_PARTIAL_RELIABLE_REXMIT_UNORDERED,
		     .priority = 256,
		     .reliability = 5,
		     .label = (const uint8_t *)"chat",
		     .label_len = 4,
		     .protocol = (const uint8_t *)"xml",
		     .protocol_len = 3},
		p;
	uint8_t buf[64];

	CU_ASSERT_EQUAL(lr_dcep_build_open(&o, buf, sizeof(buf)),
			(int)sizeof(want));
	CU_ASSERT(!memcmp(buf, want, sizeof(want)));
	CU_ASSERT_EQUAL(lr_dcep_build_open(&o, buf, 10), -ENOSPC);
	CU_ASSERT_EQUAL(lr_dcep_parse(want, sizeof(want), &p), LR_DCEP_OPEN);
	CU_ASSERT_EQUAL(p.type, 0x81);
	CU_ASSERT_EQUAL(p.priority, 256);
	CU_ASSERT_EQUAL(p.reliability, 5);
	CU_ASSERT_EQUAL(p.label_len, 4);
	CU_ASSERT(!memcmp(p.label, "chat", 4));
	CU_ASSERT_EQUAL(p.protocol_len, 3);
	CU_ASSERT(!memcmp(p.protocol, "xml", 3));
}

static void test_dcep_errors(void)
{
	uint8_t m[16] = {0x03, 0x00, 0, 0, 0,	0,   0,	 0,
			 0,    2,    0, 1, 'a', 'b', 'c'};
	struct lr_dcep_open p;
	static const uint8_t ack[] = {0x02}, ack2[] = {0x02, 0};

	CU_ASSERT_EQUAL(lr_dcep_parse(ack, 1, &p), LR_DCEP_ACK);
	CU_ASSERT_EQUAL(lr_dcep_parse(ack2, 2, &p), -LR_DCEP_ERR_ACK_LENGTH);
	CU_ASSERT_EQUAL(lr_dcep_parse(m, 0, &p), -LR_DCEP_ERR_EMPTY);
	CU_ASSERT_EQUAL(lr_dcep_parse(m, 15, &p), LR_DCEP_OPEN);
	CU_ASSERT_EQUAL(lr_dcep_parse(m, 14, &p), -LR_DCEP_ERR_LENGTHS);
	CU_ASSERT_EQUAL(lr_dcep_parse(m, 16, &p), -LR_DCEP_ERR_LENGTHS);
	CU_ASSERT_EQUAL(lr_dcep_parse(m, 11, &p), -LR_DCEP_ERR_SHORT);
	m[1] = 0x03;
	CU_ASSERT_EQUAL(lr_dcep_parse(m, 15, &p), -LR_DCEP_ERR_CHANNEL_TYPE);
	m[0] = 0x04;
	CU_ASSERT_EQUAL(lr_dcep_parse(m, 15, &p), -LR_DCEP_ERR_UNKNOWN);
	CU_ASSERT_STRING_EQUAL(lr_dcep_err_str(LR_DCEP_ERR_LENGTHS),
			       "label/protocol lengths");
}

/* ---- two associations ---- */

#define MAXEV 4096

struct rec {
	enum lr_sctp_ev_type type;
	uint16_t id;
	int binary;
	size_t len;
	uint32_t tag; /* first 4 bytes of a message */
};

struct side {
	struct lr_sctp *s;
	struct lr_sim_addr addr;
	int host;
	struct rec ev[MAXEV];
	unsigned nev;
	uint8_t *big; /* the largest message received */
	size_t big_len;
};

struct net {
	struct lr_sim *sim;
	struct side x[2]; /* x[0] is the DTLS client */
};

static void net_init(struct net *n, double loss, double reorder, uint64_t seed)
{
	struct lr_sim_link l = {
		.delay_us = 10000, .loss = loss, .reorder = reorder};

	memset(n, 0, sizeof(*n));
	n->sim = lr_sim_new(seed);
	lr_sim_set_link(n->sim, &l);
	/* usrsctp's clock is per process: start where earlier tests left
	 * it, so it never runs backwards. */
	lr_sim_advance(n->sim, lr_test_sctp_clock);
	for (int i = 0; i < 2; i++) {
		struct lr_sctp_config cfg = {
			.dtls_client = i == 0,
			.remote_max_message_size = LR_SCTP_MAX_MESSAGE_SIZE,
		};

		CU_ASSERT_EQUAL_FATAL(lr_sctp_new(&cfg, &n->x[i].s), 0);
		n->x[i].host = lr_sim_add_host(n->sim, -1);
		n->x[i].addr = lr_sim_v4(192, 0, 2, (uint8_t)(20 + i), 5000);
		lr_sim_host_addr(n->sim, n->x[i].host, &n->x[i].addr);
	}
}

static void net_free(struct net *n)
{
	lr_test_sctp_clock = lr_sim_now(n->sim);
	for (int i = 0; i < 2; i++) {
		lr_sctp_free(n->x[i].s);
		free(n->x[i].big);
	}
	lr_sim_free(n->sim);
}

static void collect(struct side *sd)
{
	struct lr_sctp_event ev;

	while (lr_sctp_poll_event(sd->s, &ev)) {
		struct rec *r = &sd->ev[sd->nev < MAXEV ? sd->nev : MAXEV - 1];

		if (sd->nev < MAXEV)
			sd->nev++;
		r->type = ev.type;
		r->id = ev.id;
		r->binary = ev.binary;
		r->len = ev.len;
		r->tag = 0;
		if (ev.len >= 4)
			memcpy(&r->tag, ev.data, 4);
		if (ev.type == LR_SCTP_EV_MESSAGE && ev.len > sd->big_len) {
			free(sd->big);
			sd->big = ev.data;
			sd->big_len = ev.len;
			ev.data = NULL;
		}
		lr_sctp_event_clear(&ev);
	}
}

static void pump(struct net *n, uint64_t until)
{
	uint8_t buf[2048];
	struct lr_sim_addr src, dst;

	for (;;) {
		uint64_t now = lr_sim_now(n->sim), next;
		int len;

		for (int i = 0; i < 2; i++) {
			struct side *sd = &n->x[i];

			while ((len = lr_sim_recv(n->sim, sd->host, &src, &dst,
						  buf, sizeof(buf))) > 0)
				lr_sctp_handle_input(sd->s, now, buf,
						     (size_t)len);
			lr_sctp_handle_timeout(sd->s, now);
			while ((len = lr_sctp_poll_transmit(sd->s, buf,
							    sizeof(buf))) > 0) {
				CU_ASSERT(len <= 1160);
				lr_sim_send(n->sim, &sd->addr,
					    &n->x[1 - i].addr, buf,
					    (size_t)len);
			}
			collect(sd);
		}
		next = lr_sim_next(n->sim);
		for (int i = 0; i < 2; i++) {
			uint64_t t = lr_sctp_poll_timeout(n->x[i].s);

			if (t < next)
				next = t;
		}
		if (next > until)
			break;
		lr_sim_advance(n->sim, next);
	}
}

static uint64_t later(struct net *n, double seconds)
{
	return lr_sim_now(n->sim) + (uint64_t)(seconds * 1e6);
}

static unsigned count(const struct side *sd, enum lr_sctp_ev_type t, int id)
{
	unsigned c = 0;

	for (unsigned i = 0; i < sd->nev; i++)
		c += sd->ev[i].type == t && (id < 0 || sd->ev[i].id == id);
	return c;
}

static void connect_both(struct net *n)
{
	lr_sctp_start(n->x[0].s, lr_sim_now(n->sim));
	lr_sctp_start(n->x[1].s, lr_sim_now(n->sim));
	pump(n, later(n, 2));
	CU_ASSERT_EQUAL_FATAL(lr_sctp_state(n->x[0].s), LR_SCTP_CONNECTED);
	CU_ASSERT_EQUAL_FATAL(lr_sctp_state(n->x[1].s), LR_SCTP_CONNECTED);
	CU_ASSERT_EQUAL(count(&n->x[0], LR_SCTP_EV_CONNECTED, -1), 1);
	CU_ASSERT_EQUAL(count(&n->x[1], LR_SCTP_EV_CONNECTED, -1), 1);
}

static void test_dcep_channels(void)
{
	struct net n;
	struct lr_dc_init in = LR_DC_INIT_DEFAULT, got;
	int a, b, a2;

	net_init(&n, 0, 0, 1);
	/* Made before the association is up: announced when it is. */
	in.protocol = "chat-v1";
	a = lr_sctp_channel_open(n.x[0].s, "lobby", &in);
	CU_ASSERT_EQUAL(a, 0); /* DTLS client: even */
	CU_ASSERT_EQUAL(lr_sctp_channel_state(n.x[0].s, 0), LR_DC_CONNECTING);
	connect_both(&n);
	pump(&n, later(&n, 1));
	CU_ASSERT_EQUAL(lr_sctp_channel_state(n.x[0].s, 0), LR_DC_OPEN);
	CU_ASSERT_EQUAL(count(&n.x[0], LR_SCTP_EV_OPEN, 0), 1);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_DATA_CHANNEL, 0), 1);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_OPEN, 0), 1);
	CU_ASSERT_STRING_EQUAL(lr_sctp_channel_label(n.x[1].s, 0), "lobby");
	CU_ASSERT_STRING_EQUAL(lr_sctp_channel_protocol(n.x[1].s, 0),
			       "chat-v1");
	/* The server's channels are odd; options travel in the OPEN. */
	in = (struct lr_dc_init)LR_DC_INIT_DEFAULT;
	in.unordered = 1;
	in.max_retransmits = 3;
	b = lr_sctp_channel_open(n.x[1].s, "", &in);
	CU_ASSERT_EQUAL(b, 1);
	a2 = lr_sctp_channel_open(n.x[0].s, "second", NULL);
	CU_ASSERT_EQUAL(a2, 2);
	pump(&n, later(&n, 1));
	CU_ASSERT_EQUAL(lr_sctp_channel_init(n.x[0].s, 1, &got), 0);
	CU_ASSERT_EQUAL(got.unordered, 1);
	CU_ASSERT_EQUAL(got.max_retransmits, 3);
	CU_ASSERT_EQUAL(got.max_packet_lifetime, -1);
	CU_ASSERT_STRING_EQUAL(lr_sctp_channel_label(n.x[0].s, 1), "");
	CU_ASSERT_EQUAL(lr_sctp_channel_state(n.x[1].s, 2), LR_DC_OPEN);
	/* Bad inits (createDataChannel's TypeErrors) and a taken id. */
	in = (struct lr_dc_init)LR_DC_INIT_DEFAULT;
	in.max_retransmits = 1;
	in.max_packet_lifetime = 1;
	CU_ASSERT_EQUAL(lr_sctp_channel_open(n.x[0].s, "x", &in), -EINVAL);
	in = (struct lr_dc_init)LR_DC_INIT_DEFAULT;
	in.negotiated = 1;
	CU_ASSERT_EQUAL(lr_sctp_channel_open(n.x[0].s, "x", &in), -EINVAL);
	in.id = 2;
	CU_ASSERT_EQUAL(lr_sctp_channel_open(n.x[0].s, "x", &in), -EEXIST);
	CU_ASSERT_EQUAL(lr_sctp_stats(n.x[0].s)->dcep_errors, 0);
	net_free(&n);
}

static void test_negotiated_and_ppids(void)
{
	struct net n;
	struct lr_dc_init in = LR_DC_INIT_DEFAULT;
	uint8_t bin[3] = {1, 2, 3};

	net_init(&n, 0, 0, 2);
	connect_both(&n);
	in.negotiated = 1;
	in.id = 7;
	CU_ASSERT_EQUAL(lr_sctp_channel_open(n.x[0].s, "neg", &in), 7);
	CU_ASSERT_EQUAL(lr_sctp_channel_open(n.x[1].s, "neg", &in), 7);
	CU_ASSERT_EQUAL(lr_sctp_channel_state(n.x[0].s, 7), LR_DC_OPEN);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, 7, "text", 4, 0), 0);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, 7, bin, 3, 1), 0);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, 7, NULL, 0, 0), 0);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, 7, NULL, 0, 1), 0);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[1].s, 7, "back", 4, 0), 0);
	pump(&n, later(&n, 1));
	/* No DCEP for negotiated channels. */
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_DATA_CHANNEL, -1), 0);
	CU_ASSERT_EQUAL_FATAL(count(&n.x[1], LR_SCTP_EV_MESSAGE, 7), 4);
	{
		const struct rec *m[4];
		unsigned k = 0;

		for (unsigned i = 0; i < n.x[1].nev && k < 4; i++)
			if (n.x[1].ev[i].type == LR_SCTP_EV_MESSAGE)
				m[k++] = &n.x[1].ev[i];
		CU_ASSERT(m[0]->len == 4 && !m[0]->binary &&
			  !memcmp(&m[0]->tag, "text", 4));
		CU_ASSERT(m[1]->len == 3 && m[1]->binary);
		CU_ASSERT(m[2]->len == 0 && !m[2]->binary);
		CU_ASSERT(m[3]->len == 0 && m[3]->binary);
	}
	CU_ASSERT_EQUAL(count(&n.x[0], LR_SCTP_EV_MESSAGE, 7), 1);
	net_free(&n);
}

/* 10 % loss: a 1 MiB message and 1,000 small ones arrive whole and in
 * order on a reliable channel. */
static void test_reliable_under_loss(void)
{
	struct net n;
	uint8_t *big = malloc(LR_SCTP_MAX_MESSAGE_SIZE);
	unsigned seen = 0, inorder = 1;
	int id;

	CU_ASSERT_FATAL(big != NULL);
	net_init(&n, 0.10, 0, 3);
	connect_both(&n);
	id = lr_sctp_channel_open(n.x[0].s, "bulk", NULL);
	pump(&n, later(&n, 1));
	lr_test_fill(big, LR_SCTP_MAX_MESSAGE_SIZE);
	memcpy(big, "BIG!", 4);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, (uint16_t)id, big,
				     LR_SCTP_MAX_MESSAGE_SIZE, 1),
			0);
	for (uint32_t i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, (uint16_t)id, &i, 4, 1),
				0);
	pump(&n, later(&n, 120));
	CU_ASSERT_EQUAL_FATAL(n.x[1].big_len, LR_SCTP_MAX_MESSAGE_SIZE);
	CU_ASSERT(!memcmp(n.x[1].big, big, LR_SCTP_MAX_MESSAGE_SIZE));
	for (unsigned i = 0; i < n.x[1].nev; i++) {
		const struct rec *r = &n.x[1].ev[i];

		if (r->type != LR_SCTP_EV_MESSAGE || r->len != 4)
			continue;
		inorder &= r->tag == seen;
		seen++;
	}
	CU_ASSERT_EQUAL(seen, 1000);
	CU_ASSERT(inorder);
	CU_ASSERT_EQUAL(lr_sctp_buffered_amount(n.x[0].s, (uint16_t)id), 0);
	free(big);
	net_free(&n);
}

/* With loss and reordering: an unordered channel without retransmits
 * loses some messages and delivers later ones without waiting; a
 * lifetime of 0 ms behaves the same; the reliable channel beside them
 * gets everything in order. */
static void test_partial_reliability(void)
{
	struct net n;
	struct lr_dc_init rx0 = LR_DC_INIT_DEFAULT, tt0 = LR_DC_INIT_DEFAULT;
	int rel, ch_rx, ch_tt;
	unsigned got_rel = 0, got_rx = 0, got_tt = 0, inorder = 1;
	uint32_t next = 0;

	net_init(&n, 0.2, 0.2, 4);
	connect_both(&n);
	rx0.unordered = 1;
	rx0.max_retransmits = 0;
	tt0.max_packet_lifetime = 0;
	rel = lr_sctp_channel_open(n.x[0].s, "reliable", NULL);
	ch_rx = lr_sctp_channel_open(n.x[0].s, "rexmit0", &rx0);
	ch_tt = lr_sctp_channel_open(n.x[0].s, "lifetime0", &tt0);
	pump(&n, later(&n, 5));
	for (uint32_t i = 0; i < 300; i++) {
		lr_sctp_send(n.x[0].s, (uint16_t)rel, &i, 4, 1);
		lr_sctp_send(n.x[0].s, (uint16_t)ch_rx, &i, 4, 1);
		lr_sctp_send(n.x[0].s, (uint16_t)ch_tt, &i, 4, 1);
		pump(&n, later(&n, 0.02));
	}
	pump(&n, later(&n, 60));
	for (unsigned i = 0; i < n.x[1].nev; i++) {
		const struct rec *r = &n.x[1].ev[i];

		if (r->type != LR_SCTP_EV_MESSAGE)
			continue;
		if (r->id == rel) {
			inorder &= r->tag == next++;
			got_rel++;
		}
		got_rx += r->id == ch_rx;
		got_tt += r->id == ch_tt;
	}
	CU_ASSERT_EQUAL(got_rel, 300);
	CU_ASSERT(inorder);
	CU_ASSERT(got_rx > 150 && got_rx < 300);
	CU_ASSERT(got_tt > 150 && got_tt < 300);
	net_free(&n);
}

static void test_limits_and_buffered_amount(void)
{
	struct net n;
	struct lr_sctp_config cfg = {.dtls_client = 1};
	struct lr_sctp *small;
	uint8_t *buf = calloc(1, 300000);
	int id, lows;

	CU_ASSERT_FATAL(buf != NULL);
	/* The peer's max-message-size (default 64 KiB when absent). */
	CU_ASSERT_EQUAL_FATAL(lr_sctp_new(&cfg, &small), 0);
	id = lr_sctp_channel_open(small, "x", NULL);
	CU_ASSERT_EQUAL(lr_sctp_send(small, (uint16_t)id, "x", 1, 0),
			-ENOTCONN);
	lr_sctp_free(small);

	net_init(&n, 0, 0, 5);
	connect_both(&n);
	id = lr_sctp_channel_open(n.x[0].s, "x", NULL);
	pump(&n, later(&n, 1));
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, (uint16_t)id, buf,
				     LR_SCTP_MAX_MESSAGE_SIZE + 1, 1),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, 99, buf, 1, 1), -ENOENT);
	/* More than usrsctp's send buffer takes at once: bufferedAmount
	 * grows, then drains, crossing the threshold once. */
	lr_sctp_set_buffered_low(n.x[0].s, (uint16_t)id, 100000);
	for (int i = 0; i < 10; i++)
		lr_sctp_send(n.x[0].s, (uint16_t)id, buf, 300000, 1);
	CU_ASSERT(lr_sctp_buffered_amount(n.x[0].s, (uint16_t)id) > 100000);
	pump(&n, later(&n, 60));
	CU_ASSERT_EQUAL(lr_sctp_buffered_amount(n.x[0].s, (uint16_t)id), 0);
	lows = (int)count(&n.x[0], LR_SCTP_EV_BUFFERED_LOW, id);
	CU_ASSERT_EQUAL(lows, 1);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_MESSAGE, id), 10);
	free(buf);
	net_free(&n);
}

/* close() resets the outgoing stream; the peer resets its own; both see
 * "close" and the id can be used again. */
static void test_close_by_stream_reset(void)
{
	struct net n;
	int id;

	net_init(&n, 0, 0, 6);
	connect_both(&n);
	id = lr_sctp_channel_open(n.x[0].s, "bye", NULL);
	pump(&n, later(&n, 1));
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, (uint16_t)id, "last", 4, 0), 0);
	CU_ASSERT_EQUAL(lr_sctp_channel_close(n.x[0].s, (uint16_t)id), 0);
	CU_ASSERT_EQUAL(lr_sctp_channel_state(n.x[0].s, (uint16_t)id),
			LR_DC_CLOSING);
	CU_ASSERT_EQUAL(lr_sctp_send(n.x[0].s, (uint16_t)id, "x", 1, 0),
			-ENOTCONN);
	pump(&n, later(&n, 2));
	/* What was sent before close() arrived. */
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_MESSAGE, id), 1);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_CLOSING, id), 1);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_CHANNEL_CLOSED, id), 1);
	CU_ASSERT_EQUAL(count(&n.x[0], LR_SCTP_EV_CHANNEL_CLOSED, id), 1);
	CU_ASSERT_PTR_NULL(lr_sctp_channel_label(n.x[0].s, (uint16_t)id));
	CU_ASSERT_EQUAL(lr_sctp_channel_open(n.x[0].s, "again", NULL), id);
	pump(&n, later(&n, 1));
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_DATA_CHANNEL, id), 2);
	/* Ending the association closes every channel. */
	lr_sctp_close(n.x[0].s);
	pump(&n, later(&n, 2));
	CU_ASSERT_EQUAL(lr_sctp_state(n.x[0].s), LR_SCTP_CLOSED);
	CU_ASSERT_EQUAL(lr_sctp_state(n.x[1].s), LR_SCTP_CLOSED);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_CLOSED, -1), 1);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_CHANNEL_CLOSED, id), 2);
	net_free(&n);
}

/* Junk from the DTLS layer is dropped by usrsctp (CRC32c, tags); a
 * malformed DCEP message is counted and ignored. */
static void test_junk_input(void)
{
	struct net n;
	uint8_t junk[200];
	struct lr_dc_init in = LR_DC_INIT_DEFAULT;

	net_init(&n, 0, 0, 7);
	connect_both(&n);
	for (int i = 0; i < 100; i++) {
		lr_test_fill(junk, sizeof(junk));
		lr_sctp_handle_input(n.x[1].s, lr_sim_now(n.sim), junk,
				     1 + lr_test_rand() % sizeof(junk));
	}
	in.negotiated = 1;
	in.id = 4;
	lr_sctp_channel_open(n.x[0].s, "n", &in);
	lr_sctp_channel_open(n.x[1].s, "n", &in);
	/* A DCEP message on a negotiated stream: bad OPEN (lengths). */
	{
		extern int lr__sctp_queue(struct lr_sctp *, uint16_t, uint32_t,
					  const void *, size_t, size_t);
		static const uint8_t bad[] = {3, 0, 0, 0, 0, 0,
					      0, 0, 0, 9, 0, 0};

		lr__sctp_queue(n.x[0].s, 4, LR_PPID_DCEP, bad, sizeof(bad), 0);
	}
	lr_sctp_send(n.x[0].s, 4, "ok", 2, 0);
	pump(&n, later(&n, 1));
	CU_ASSERT_EQUAL(lr_sctp_state(n.x[1].s), LR_SCTP_CONNECTED);
	CU_ASSERT_EQUAL(lr_sctp_stats(n.x[1].s)->dcep_errors, 1);
	CU_ASSERT_EQUAL(count(&n.x[1], LR_SCTP_EV_MESSAGE, 4), 1);
	net_free(&n);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("dcep", NULL, NULL);

	LR_ADD_TEST(s, test_dcep_open_roundtrip);
	LR_ADD_TEST(s, test_dcep_errors);
	s = CU_add_suite("sctp", NULL, NULL);
	LR_ADD_TEST(s, test_dcep_channels);
	LR_ADD_TEST(s, test_negotiated_and_ppids);
	LR_ADD_TEST(s, test_reliable_under_loss);
	LR_ADD_TEST(s, test_partial_reliability);
	LR_ADD_TEST(s, test_limits_and_buffered_amount);
	LR_ADD_TEST(s, test_close_by_stream_reset);
	LR_ADD_TEST(s, test_junk_input);
}
