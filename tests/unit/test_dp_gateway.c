/*
 * What linerated (issue 13) needs of the data plane, on each backend:
 *  - a publisher's sparse payload type (telephone-event, RFC 4733) is
 *    also handed to the control plane, decrypted (lr_dp_session.punt_pt),
 *    while it is still routed like the rest;
 *  - lr_dp_session_rx_state says what a publisher's stream brought
 *    (the gateway's receiver reports);
 *  - lr_dp_session_tx_state says where a viewer's outgoing stream
 *    stands, so that a new publisher routed to the same SSRC carries the
 *    numbering on (a viewer's SRTP index must not jump back): checked by
 *    libsrtp2 as the viewer, which must accept the second publisher's
 *    packets after the first one's.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "dp_peers.h"
#include "linerate/lr_dp.h"
#include "linerate/lr_rtp.h"

/* An RTP packet of payload type pt (make_rtp's otherwise). */
static int make_pt(struct peer *p, uint32_t k, uint8_t pt, uint8_t *buf)
{
	int len = 12 + 8;

	memset(buf, 0, 64);
	buf[0] = 0x80;
	buf[1] = pt;
	lr_wr16(buf + 2, p->seq++);
	lr_wr32(buf + 4, k * 960);
	lr_wr32(buf + 8, p->ssrc);
	lr_wr32(buf + 12, 0x0b8a0320u); /* '#', end, volume 10, 800 */
	lr_wr32(buf + 16, k);
	CU_ASSERT_FATAL(srtp_protect(p->tx, buf, &len) == srtp_err_status_ok);
	return len;
}

static void test_punt_pt(void)
{
	struct lr_dp *dp = dp_open(0);
	struct peer pub, sub;
	struct lr_dp_route r = {.to = 2, .pt_from = -1, .pt_to = -1};
	struct lr_dp_session s;
	struct lr_addr to = dp_local(dp, 0);
	struct lr_dp_punt pu;
	uint8_t buf[2048];
	unsigned punts = 0;

	peer_open(&pub, 0, LR_SRTP_AES128_CM_SHA1_80);
	peer_open(&sub, 0, LR_SRTP_AES128_CM_SHA1_80);
	CU_ASSERT_EQUAL(install(dp, 2, &sub, 0, NULL, 0), 0);
	s = (struct lr_dp_session){.local = to,
				   .remote = pub.addr,
				   .tx = pub.from_dp,
				   .rx = pub.to_dp,
				   .routes = &r,
				   .nroutes = 1,
				   .punt_pt = {101, 102}};
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 1, &s), 0);
	for (uint32_t k = 0; k < 20; k++) {
		int len = k % 2 ? make_pt(&pub, k, k % 4 == 1 ? 101 : 102, buf)
				: make_rtp(&pub, k, buf);

		send_to(&pub, &to, buf, (size_t)len);
	}
	/* all 20 routed, the 10 of payload types 101 and 102 also punted */
	CU_ASSERT_EQUAL(receive_legs(&sub, 20, NULL, NULL, (unsigned[20]){0}),
			20);
	while (punts < 10 && wait_punt(dp, &pu)) {
		CU_ASSERT_EQUAL(pu.why, LR_DP_PUNT_RTP);
		CU_ASSERT_EQUAL(pu.session, 1);
		CU_ASSERT_EQUAL(pu.len, 20); /* decrypted: no tag */
		CU_ASSERT_EQUAL(lr_rtp_pt(pu.buf), punts % 2 ? 102 : 101);
		CU_ASSERT_EQUAL(lr_rd32(pu.buf + 12), 0x0b8a0320u);
		punts++;
	}
	CU_ASSERT_EQUAL(punts, 10);
	CU_ASSERT_FALSE(lr_dp_poll_punt(dp, &pu));
	peer_close(&pub);
	peer_close(&sub);
	lr_dp_free(dp);
}

static void test_tx_state_carries_numbering_on(void)
{
	struct lr_dp *dp = dp_open(0);
	struct peer a, b, sub;
	struct lr_dp_route r = {
		.to = 3, .out_ssrc = 0x11223344, .pt_from = -1, .pt_to = -1};
	struct lr_addr to = dp_local(dp, 0);
	struct lr_srtp_stream_state st;
	uint8_t buf[2048];

	peer_open(&a, 0, LR_SRTP_AEAD_AES_128_GCM);
	peer_open(&b, 0, LR_SRTP_AEAD_AES_128_GCM);
	peer_open(&sub, 0, LR_SRTP_AEAD_AES_128_GCM);
	CU_ASSERT_EQUAL(install(dp, 3, &sub, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(lr_dp_session_tx_state(dp, 3, r.out_ssrc, &st),
			-ENOENT);
	CU_ASSERT_EQUAL(install(dp, 1, &a, 0, &r, 1), 0);
	a.seq = 65500; /* the viewer's stream wraps with the first */
	for (uint32_t k = 0; k < 100; k++) {
		int len = make_rtp(&a, k, buf);

		send_to(&a, &to, buf, (size_t)len);
	}
	CU_ASSERT_EQUAL(receive(&sub, 100, NULL, NULL), 100);
	CU_ASSERT_EQUAL(lr_dp_session_tx_state(dp, 3, r.out_ssrc, &st), 0);
	CU_ASSERT_EQUAL(st.packets, 100);
	CU_ASSERT_EQUAL((uint16_t)st.rtp_index, (uint16_t)(65500 + 99));
	CU_ASSERT_EQUAL(st.rtp_index >> 16, 1); /* the ROC moved on */
	CU_ASSERT_EQUAL(lr_dp_session_tx_state(dp, 9, r.out_ssrc, &st),
			-ENOENT);
	/* and what the first publisher sent, as the data plane took it
	 * (the gateway's receiver reports to it are made of this) */
	CU_ASSERT_EQUAL(lr_dp_session_rx_state(dp, 1, a.ssrc, &st), 0);
	CU_ASSERT_EQUAL(st.packets, 100);
	CU_ASSERT_EQUAL((uint16_t)st.rtp_index, (uint16_t)(65500 + 99));
	CU_ASSERT_EQUAL(lr_dp_session_rx_state(dp, 1, 0x1234, &st), -ENOENT);
	CU_ASSERT_EQUAL(lr_dp_session_tx_state(dp, 3, r.out_ssrc, &st), 0);
	/* the first publisher goes, a second one comes far behind in
	 * numbering: the route's delta puts it right after */
	CU_ASSERT_EQUAL(lr_dp_session_remove(dp, 1), 0);
	b.seq = 40000; /* 2^15 behind: a viewer would take it as old */
	r.seq_delta = (uint16_t)((uint16_t)(st.rtp_index + 1) - b.seq);
	CU_ASSERT_EQUAL(install(dp, 2, &b, 0, &r, 1), 0);
	for (uint32_t k = 0; k < 50; k++) {
		int len = make_rtp(&b, k, buf);

		send_to(&b, &to, buf, (size_t)len);
	}
	/* libsrtp2 (the viewer) takes them all: the index went on */
	CU_ASSERT_EQUAL(receive(&sub, 50, NULL, NULL), 50);
	peer_close(&a);
	peer_close(&b);
	peer_close(&sub);
	lr_dp_free(dp);
}

/* Punts go up on a bounded ring per worker (issue 14, item 3): what
 * finds it full is dropped and counted, never queued without bound;
 * what is taken comes out whole and in order. */
static void test_punt_ring_bounded(void)
{
	struct lr_dp *dp = dp_open(0);
	struct peer p;
	struct lr_addr to = dp_local(dp, 0);
	struct lr_dp_stats st = {0};
	struct lr_dp_punt pu;
	uint8_t stun[24] = {0x00, 0x01, 0x00, 0x04, 0x21, 0x12, 0xa4, 0x42};
	uint64_t taken = 0;
	uint32_t prev = 0;
	unsigned sent = 0, got = 0, in_order = 1;

	peer_open(&p, 0, LR_SRTP_AEAD_AES_128_GCM);
	/* nobody reads the punts: send until the ring overflows (what the
	 * kernel's socket buffer drops never reaches the worker: the counts
	 * below are of what it took) */
	while (sent < 40000 && !st.punt_dropped) {
		for (unsigned k = 0; k < 256; k++) {
			lr_wr32(stun + 20, ++sent);
			send_to(&p, &to, stun, sizeof(stun));
		}
		usleep(2000);
		lr_dp_stats(dp, &st);
	}
	/* until the worker has taken all that came (received or dropped) */
	for (int i = 0; i < 100; i++) {
		usleep(10000);
		lr_dp_stats(dp, &st);
		if (st.rx_packets == taken)
			break;
		taken = st.rx_packets;
	}
	CU_ASSERT(st.punt_dropped > 0);
	CU_ASSERT_EQUAL(st.punted + st.punt_dropped, st.rx_packets);
	CU_ASSERT(st.punted <= 2048); /* the ring's size */
	while (lr_dp_poll_punt(dp, &pu)) {
		uint32_t tag = lr_rd32(pu.buf + 20);

		in_order &= pu.len == sizeof(stun) && tag > prev &&
			    pu.why == LR_DP_PUNT_STUN;
		prev = tag;
		got++;
	}
	CU_ASSERT_EQUAL(got, st.punted);
	CU_ASSERT(in_order);
	peer_close(&p);
	lr_dp_free(dp);
}

static void add_suite(const char *name, CU_InitializeFunc init)
{
	CU_pSuite s = CU_add_suite(name, init, dp_teardown);

	LR_ADD_TEST(s, test_punt_ring_bounded);

	LR_ADD_TEST(s, test_punt_pt);
	LR_ADD_TEST(s, test_tx_state_carries_numbering_on);
}

void lr_test_register(void)
{
	add_suite("dp-gateway-sock", dp_setup_sock);
#ifdef LR_HAVE_URING
	add_suite("dp-gateway-uring", dp_setup_uring);
#else
	(void)dp_setup_uring;
#endif
}
