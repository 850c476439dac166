/*
 * control/sctp: DCEP (RFC 8832 §5) encoding, and two lr_sctp on the
 * simulator (usrsctp, AF_CONN, no threads, virtual clock): association
 * set-up, in-band and negotiated channels (RFC 8832 §6, RFC 8831 §6.5),
 * string/binary/empty PPIDs (RFC 8831 §6.6, §8), a 1 MiB message and
 * 1,000 small ones in order under 10 % loss, unordered and partially
 * reliable channels (an unordered reliable channel not holding messages
 * back behind a lost one; maxRetransmits 0/1/2 and maxPacketLifeTime
 * message by message, on the virtual clock, with a black-out longer than
 * the lifetime), max-message-size, bufferedAmount with its low
 * threshold, and closing by stream reset (RFC 8831 §6.7).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_dcep.h"
#include "sctp_helpers.h"

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

/* ---- ordering and partial reliability, message by message ---- */

#define PR_MSGS 300
/* The longest a datagram spends on the link in these tests: the delay,
 * twice more when reordered, 1 us more for a duplicate (tests/sim). */
#define MAX_TRANSIT_US (3 * 10000 + 2)
#define LIFETIME_MS    100

struct tally {
	unsigned got;	      /* distinct messages delivered */
	unsigned dups;	      /* deliveries of a message seen before */
	unsigned strays;      /* tags that were never sent */
	unsigned inversions;  /* delivered after a later-sent one */
	int inorder;	      /* the k-th delivery was the k-th message */
	int increasing;	      /* tags only went up (gaps allowed) */
	uint64_t max_latency; /* delivery time - send time, us */
	uint8_t seen[PR_MSGS];
};

/* Every message on channel id at sd, checked against the virtual times
 * the messages were sent (sent_at, by tag). */
static void tally(const struct side *sd, int id, const uint64_t *sent_at,
		  struct tally *t)
{
	unsigned k = 0;
	uint32_t max = 0;

	memset(t, 0, sizeof(*t));
	t->inorder = t->increasing = 1;
	for (unsigned i = 0; i < sd->nev; i++) {
		const struct rec *r = &sd->ev[i];

		if (r->type != LR_SCTP_EV_MESSAGE || r->id != id)
			continue;
		if (r->len != 4 || r->tag >= PR_MSGS) {
			t->strays++;
			continue;
		}
		if (t->seen[r->tag])
			t->dups++;
		else
			t->got++;
		t->seen[r->tag] = 1;
		t->inorder &= r->tag == k;
		if (k && r->tag <= max)
			t->increasing = 0;
		if (r->tag < max)
			t->inversions++;
		if (r->tag > max)
			max = r->tag;
		if (r->at - sent_at[r->tag] > t->max_latency)
			t->max_latency = r->at - sent_at[r->tag];
		k++;
	}
}

/* One 4-byte message (its index) on each channel every 20 ms. */
static void send_spaced(struct net *n, const int *ids, unsigned nids,
			uint64_t *sent_at)
{
	for (uint32_t i = 0; i < PR_MSGS; i++) {
		sent_at[i] = lr_sim_now(n->sim);
		for (unsigned c = 0; c < nids; c++)
			CU_ASSERT_EQUAL(lr_sctp_send(n->x[0].s,
						     (uint16_t)ids[c], &i, 4,
						     1),
					0);
		pump(n, later(n, 0.02));
	}
	pump(n, later(n, 60));
	for (unsigned c = 0; c < nids; c++)
		CU_ASSERT_EQUAL(
			lr_sctp_buffered_amount(n->x[0].s, (uint16_t)ids[c]),
			0);
}

/* 20 % loss and no reordering on the link, so the simulator delivers
 * datagrams in the order they were sent: an unordered reliable channel
 * gets every message exactly once, and some of them before an earlier
 * message that was lost and had to be resent. It did not hold them back
 * (RFC 4960 §6.6, the U bit; RFC 8831 §6.1). The ordered channel beside
 * it, on the same packets, delivers strictly in send order. */
static void test_unordered_reliable_under_loss(void)
{
	struct net n;
	struct lr_dc_init un = LR_DC_INIT_DEFAULT;
	uint64_t sent_at[PR_MSGS];
	struct tally tu, to;
	int ids[2];

	net_init(&n, 0.2, 0, 8);
	connect_both(&n);
	un.unordered = 1;
	ids[0] = lr_sctp_channel_open(n.x[0].s, "unordered", &un);
	ids[1] = lr_sctp_channel_open(n.x[0].s, "ordered", NULL);
	CU_ASSERT_FATAL(ids[0] >= 0 && ids[1] >= 0);
	pump(&n, later(&n, 5));
	CU_ASSERT_EQUAL_FATAL(lr_sctp_channel_state(n.x[0].s, (uint16_t)ids[0]),
			      LR_DC_OPEN);
	CU_ASSERT_EQUAL_FATAL(lr_sctp_channel_state(n.x[0].s, (uint16_t)ids[1]),
			      LR_DC_OPEN);
	send_spaced(&n, ids, 2, sent_at);
	tally(&n.x[1], ids[0], sent_at, &tu);
	tally(&n.x[1], ids[1], sent_at, &to);
	CU_ASSERT_EQUAL(tu.got, PR_MSGS);
	CU_ASSERT_EQUAL(tu.dups, 0);
	CU_ASSERT_EQUAL(tu.strays, 0);
	CU_ASSERT(tu.inversions > 0);
	CU_ASSERT(!tu.inorder);
	CU_ASSERT_EQUAL(to.got, PR_MSGS);
	CU_ASSERT_EQUAL(to.dups, 0);
	CU_ASSERT_EQUAL(to.inversions, 0);
	CU_ASSERT(to.inorder);
	net_free(&n);
}

/* maxRetransmits and maxPacketLifeTime above 0 (RFC 8831 §6.1,
 * RFC 3758), under 20 % loss, 10 % reordering and 5 % duplication:
 * - maxRetransmits 1 (ordered) and 2 (unordered) lose some messages but
 *   not all, and deliver more than maxRetransmits 0 does on the same
 *   packets; the ordered one keeps send order across the gaps;
 * - maxPacketLifeTime 100 ms (unordered) loses some but not all, and
 *   nothing arrives later than its lifetime plus the link's transit
 *   (measured on the virtual clock), while the reliable channel next to
 *   it does deliver later than that: the bound is not vacuous;
 * - no message is delivered twice on any of them. */
static void test_partial_reliability_limits(void)
{
	enum {
		REL,
		RX0,
		RX1,
		RX2,
		LIFE,
		NCH
	};
	static const char *const label[NCH] = {"reliable", "rexmit0", "rexmit1",
					       "rexmit2", "lifetime"};
	struct lr_sim_link l = {
		.delay_us = 10000, .loss = 0.2, .reorder = 0.1, .dup = 0.05};
	struct net n;
	struct lr_dc_init in[NCH];
	uint64_t sent_at[PR_MSGS];
	struct tally t[NCH];
	int ids[NCH];

	for (int c = 0; c < NCH; c++)
		in[c] = (struct lr_dc_init)LR_DC_INIT_DEFAULT;
	in[RX0].unordered = 1;
	in[RX0].max_retransmits = 0;
	in[RX1].max_retransmits = 1;
	in[RX2].unordered = 1;
	in[RX2].max_retransmits = 2;
	in[LIFE].unordered = 1;
	in[LIFE].max_packet_lifetime = LIFETIME_MS;
	net_init(&n, 0, 0, 10);
	connect_both(&n);
	lr_sim_set_link(n.sim, &l);
	for (int c = 0; c < NCH; c++) {
		ids[c] = lr_sctp_channel_open(n.x[0].s, label[c], &in[c]);
		CU_ASSERT_FATAL(ids[c] >= 0);
	}
	pump(&n, later(&n, 10));
	for (int c = 0; c < NCH; c++) {
		struct lr_dc_init got;

		CU_ASSERT_EQUAL_FATAL(
			lr_sctp_channel_state(n.x[0].s, (uint16_t)ids[c]),
			LR_DC_OPEN);
		/* the peer's view of the channel, from the OPEN */
		CU_ASSERT_EQUAL(
			lr_sctp_channel_init(n.x[1].s, (uint16_t)ids[c], &got),
			0);
		CU_ASSERT_EQUAL(got.max_retransmits, in[c].max_retransmits);
		CU_ASSERT_EQUAL(got.max_packet_lifetime,
				in[c].max_packet_lifetime);
	}
	send_spaced(&n, ids, NCH, sent_at);
	for (int c = 0; c < NCH; c++) {
		tally(&n.x[1], ids[c], sent_at, &t[c]);
		CU_ASSERT_EQUAL(t[c].dups, 0);
		CU_ASSERT_EQUAL(t[c].strays, 0);
		if (c != REL) {
			CU_ASSERT(t[c].got > 0);
			CU_ASSERT(t[c].got < PR_MSGS);
		}
	}
	CU_ASSERT_EQUAL(t[REL].got, PR_MSGS);
	CU_ASSERT(t[REL].inorder);
	/* ordered partial reliability: gaps, but never out of order */
	CU_ASSERT(t[RX1].increasing);
	CU_ASSERT(t[RX1].got > t[RX0].got);
	CU_ASSERT(t[RX2].got > t[RX0].got);
	CU_ASSERT(t[LIFE].max_latency <= LIFETIME_MS * 1000 + MAX_TRANSIT_US);
	/* A 300 ms black-out, longer than the lifetime: of what is sent
	 * into it, the reliable channel delivers every message once the
	 * link is back (so later than lifetime + transit), the lifetime
	 * channel none, maxRetransmits 0 and 1 none (the first send and the
	 * one retransmission, at the first T3 expiry, both fall in it),
	 * maxRetransmits 2 all (its second retransmission, at the next T3
	 * expiry, comes after it). */
	{
		struct lr_sim_link clean = {.delay_us = 10000};
		unsigned mark = n.x[1].nev, got[NCH] = {0};
		uint64_t t0, sent2[5], min_rel = UINT64_MAX;

		lr_sim_set_link(n.sim, &clean);
		lr_sim_host_silence(n.sim, n.x[1].host, 1);
		t0 = lr_sim_now(n.sim);
		for (uint32_t i = 0; i < 5; i++) {
			uint32_t tag = 1000 + i;

			sent2[i] = lr_sim_now(n.sim);
			for (int c = 0; c < NCH; c++)
				lr_sctp_send(n.x[0].s, (uint16_t)ids[c], &tag,
					     4, 1);
			pump(&n, later(&n, 0.01));
		}
		pump(&n, t0 + 300000);
		lr_sim_host_silence(n.sim, n.x[1].host, 0);
		pump(&n, later(&n, 30));
		for (unsigned i = mark; i < n.x[1].nev; i++) {
			const struct rec *r = &n.x[1].ev[i];

			if (r->type != LR_SCTP_EV_MESSAGE || r->len != 4 ||
			    r->tag < 1000 || r->tag >= 1005)
				continue;
			for (int c = 0; c < NCH; c++)
				got[c] += r->id == ids[c];
			if (r->id == ids[REL] &&
			    r->at - sent2[r->tag - 1000] < min_rel)
				min_rel = r->at - sent2[r->tag - 1000];
		}
		CU_ASSERT_EQUAL(got[REL], 5);
		CU_ASSERT(min_rel > LIFETIME_MS * 1000 + MAX_TRANSIT_US);
		CU_ASSERT_EQUAL(got[LIFE], 0);
		CU_ASSERT_EQUAL(got[RX1], 0);
		CU_ASSERT_EQUAL(got[RX0], 0);
		CU_ASSERT_EQUAL(got[RX2], 5); /* its 2nd retransmission */
		CU_ASSERT_EQUAL(lr_sctp_state(n.x[0].s), LR_SCTP_CONNECTED);
	}
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
	LR_ADD_TEST(s, test_unordered_reliable_under_loss);
	LR_ADD_TEST(s, test_partial_reliability_limits);
	LR_ADD_TEST(s, test_limits_and_buffered_amount);
	LR_ADD_TEST(s, test_close_by_stream_reset);
	LR_ADD_TEST(s, test_junk_input);
	sctp_limits_add_tests(s);
}
