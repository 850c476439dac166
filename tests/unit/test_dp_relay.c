/*
 * The RTCP relay's defences (issue 12, defect 3: "the data plane's RTCP
 * relay amplifies and exhausts"), on the sock and uring backends. Real
 * peers on loopback: every relayed packet is checked by the peer's
 * libsrtp2 receiver (which also refuses an SRTCP index twice), byte for
 * byte. No test depends on timing: the limits' intervals are 60 s, so
 * within a test none passes and every count is exact; each wait is for
 * counters to reach what the input must produce (a bound, not a
 * measure), after which the counts are final and compared exactly.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "dp_peers.h"
#include "linerate/lr_rtp.h"

#define LONG_MS 60000
#define GW	0xfeedu	  /* the gateway's RTCP SSRC towards a publisher */
#define CP	0xc0ffeeu /* the control plane's own RTCP SSRC */

static struct lr_dp *relay_dp(unsigned workers, unsigned queue,
			      unsigned nack_max)
{
	struct lr_addr local = loop_addr(0);
	struct lr_dp_config c = {.backend = dp_backend,
				 .local = &local,
				 .nlocal = 1,
				 .workers = workers,
				 .relay_pli_interval_ms = LONG_MS,
				 .relay_nack_max = nack_max,
				 .relay_nack_interval_ms = LONG_MS,
				 .relay_sr_interval_ms = LONG_MS,
				 .relay_queue = queue};
	struct lr_dp *dp;

	CU_ASSERT_EQUAL_FATAL(lr_dp_new(&c, &dp), 0);
	return dp;
}

/* Peer p's session: its keys, no routes, nothing relayed. */
static struct lr_dp_session desc(struct lr_dp *dp, const struct peer *p)
{
	return (struct lr_dp_session){.local = dp_local(dp, 0),
				      .remote = p->addr,
				      .tx = p->from_dp,
				      .rx = p->to_dp};
}

/* A route of publisher p's SSRC to session `to`, seen there as `as`. */
static struct lr_dp_route route(const struct peer *p, uint64_t to, uint32_t as)
{
	return (struct lr_dp_route){.ssrc = p->ssrc,
				    .to = to,
				    .out_ssrc = as,
				    .pt_from = -1,
				    .pt_to = -1,
				    .seq_delta = 100,
				    .ts_delta = 1000};
}

/* The compound c[0..len) from p, SRTCP-protected by libsrtp2, sent. */
static void send_rtcp(struct peer *p, struct lr_dp *dp, const uint8_t *c,
		      size_t len)
{
	uint8_t b[1600];
	int n = (int)len;
	struct lr_addr to = dp_local(dp, 0);

	memcpy(b, c, len);
	CU_ASSERT_EQUAL_FATAL(srtp_protect_rtcp(p->tx, b, &n),
			      srtp_err_status_ok);
	send_to(p, &to, b, (size_t)n);
}

/* The next datagram p gets, unprotected as SRTCP by libsrtp2 into buf:
 * its length, or -1 (none within 2 s, or not authentic). */
static int recv_rtcp1(struct peer *p, uint8_t *buf)
{
	ssize_t got = peer_recv(p, buf, 1600, 2000);
	int len = (int)got;

	if (got < 0)
		return -1;
	if (srtp_unprotect_rtcp(p->rx, buf, &len) != srtp_err_status_ok) {
		CU_FAIL("libsrtp2 refused a relayed packet");
		return -1;
	}
	return len;
}

/* The data plane's counters once they reach what the input must make
 * (or after 5 s, for the assertions to show what they reached). */
static struct lr_dp_stats counts(struct lr_dp *dp, uint64_t relayed,
				 uint64_t limited, uint64_t full)
{
	struct lr_dp_stats st;

	for (int i = 0; i < 500; i++) {
		lr_dp_stats(dp, &st);
		if (st.rtcp_relayed >= relayed &&
		    st.drops[LR_DROP_RATE_LIMITED] >= limited &&
		    st.drops[LR_DROP_QUEUE_FULL] >= full)
			break;
		usleep(10000);
	}
	return st;
}

static size_t put_pli(uint8_t *o, uint32_t sender, uint32_t media)
{
	memcpy(o, (const uint8_t[]){0x81, 206, 0, 2}, 4);
	lr_wr32(o + 4, sender);
	lr_wr32(o + 8, media);
	return 12;
}

/* A NACK with n entries: pid[i], BLP 0. */
static size_t put_nack(uint8_t *o, uint32_t sender, uint32_t media,
		       const uint16_t *pid, unsigned n)
{
	memcpy(o, (const uint8_t[]){0x81, 205, 0, (uint8_t)(2 + n)}, 4);
	lr_wr32(o + 4, sender);
	lr_wr32(o + 8, media);
	for (unsigned i = 0; i < n; i++) {
		lr_wr16(o + 12 + 4 * i, pid[i]);
		lr_wr16(o + 14 + 4 * i, 0);
	}
	return 12 + 4 * n;
}

/* An SR of ssrc with no report blocks. */
static size_t put_sr(uint8_t *o, uint32_t ssrc)
{
	memset(o, 0, 28);
	o[0] = 0x80;
	o[1] = 200;
	lr_wr16(o + 2, 6);
	lr_wr32(o + 4, ssrc);
	lr_wr32(o + 8, 0xe1000000u); /* NTP seconds */
	lr_wr32(o + 16, 90000);	     /* RTP timestamp */
	lr_wr32(o + 20, 77);	     /* packets */
	lr_wr32(o + 24, 7700);	     /* octets */
	return 28;
}

/* Defect 3 (a): relayed feedback keeps no sender SSRC of the
 * subscriber's. NACKs from four sender SSRCs reach the publisher, each
 * from the gateway's rtcp_ssrc; the publisher's two tx slots (one for
 * rtcp_ssrc) still take the control plane's own RTCP, and nothing is
 * dropped no_stream_slot. Before the fix each sender SSRC took a slot:
 * the third NACK and the control plane's RTCP were dropped. A publisher
 * with no rtcp_ssrc gets no relayed feedback: it is punted. */
static void test_relay_one_sender_ssrc(void)
{
	struct lr_dp *dp = relay_dp(1, 0, 0);
	struct peer pub, sub;
	struct lr_dp_route r;
	struct lr_dp_session s;
	struct lr_dp_stats st;
	struct lr_dp_punt pu;
	uint8_t c[64], b[1600], want[16];
	uint16_t pid;

	peer_open(&pub, 0, LR_SRTP_AES128_CM_SHA1_80);
	peer_open(&sub, 0, LR_SRTP_AES128_CM_SHA1_80);
	r = route(&pub, 2, 0x77);
	s = desc(dp, &pub);
	s.routes = &r, s.nroutes = 1, s.tx_ssrcs = 2, s.rtcp_ssrc = GW;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 1, &s), 0);
	s = desc(dp, &sub);
	s.relay_feedback = 1;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 2, &s), 0);
	for (unsigned i = 0; i < 4; i++) {
		pid = (uint16_t)(200 + i);
		send_rtcp(&sub, dp, c, put_nack(c, 0x1000 + i, 0x77, &pid, 1));
		st = counts(dp, i + 1, 0, 0);
		CU_ASSERT_EQUAL_FATAL(st.rtcp_relayed, i + 1);
		pid = (uint16_t)(100 + i);
		put_nack(want, GW, pub.ssrc, &pid, 1);
		CU_ASSERT_EQUAL(recv_rtcp1(&pub, b), 16);
		CU_ASSERT(!memcmp(b, want, 16));
	}
	put_pli(c, CP, pub.ssrc);
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, c, 12), 0);
	CU_ASSERT_EQUAL(recv_rtcp1(&pub, b), 12);
	CU_ASSERT(!memcmp(b, c, 12));
	lr_dp_stats(dp, &st);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_NO_STREAM_SLOT], 0);
	CU_ASSERT_EQUAL(st.rtcp_sent, 5);
	/* no rtcp_ssrc: the subscriber's PLI goes up, not to the publisher */
	s = desc(dp, &pub);
	s.routes = &r, s.nroutes = 1;
	CU_ASSERT_EQUAL(lr_dp_session_update(dp, 1, &s), 0);
	send_rtcp(&sub, dp, c, put_pli(c, 0x1000, 0x77));
	CU_ASSERT_FATAL(wait_punt(dp, &pu));
	CU_ASSERT(pu.session == 2 && pu.len == 12 && !memcmp(pu.buf, c, 12));
	lr_dp_stats(dp, &st);
	CU_ASSERT_EQUAL(st.rtcp_relayed, 4);
	peer_close(&pub);
	peer_close(&sub);
	lr_dp_free(dp);
}

/* Defect 3 (a), sender reports: an SR on a route of every SSRC would
 * be about whatever SSRC the input names, so it is not relayed. Before
 * the fix each SR SSRC became a stream on the subscriber's tx context:
 * with two slots the control plane's own RTCP to it was dropped
 * no_stream_slot after two of them. */
static void test_relay_sr_no_stream_from_input(void)
{
	struct lr_dp *dp = relay_dp(1, 0, 0);
	struct peer pub, sub;
	struct lr_dp_route r = {.to = 2, .pt_from = -1, .pt_to = -1};
	struct lr_dp_session s;
	struct lr_dp_stats st;
	struct lr_dp_punt pu;
	uint8_t c[64], b[1600];

	peer_open(&pub, 0, LR_SRTP_AEAD_AES_128_GCM);
	peer_open(&sub, 0, LR_SRTP_AEAD_AES_128_GCM);
	s = desc(dp, &sub);
	s.tx_ssrcs = 2;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 2, &s), 0);
	s = desc(dp, &pub);
	s.routes = &r, s.nroutes = 1, s.relay_reports = 1;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 1, &s), 0);
	for (unsigned i = 0; i < 3; i++) {
		send_rtcp(&pub, dp, c, put_sr(c, 0x5000 + i));
		CU_ASSERT_FATAL(wait_punt(dp, &pu)); /* the SR goes up */
		CU_ASSERT(pu.session == 1 && pu.len == 28);
	}
	lr_dp_stats(dp, &st); /* the relay has seen all three */
	CU_ASSERT_EQUAL(st.rtcp_relayed, 0);
	put_pli(c, CP, 0x42);
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 2, c, 12), 0);
	CU_ASSERT_EQUAL(recv_rtcp1(&sub, b), 12);
	CU_ASSERT(!memcmp(b, c, 12));
	lr_dp_stats(dp, &st);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_NO_STREAM_SLOT], 0);
	CU_ASSERT_EQUAL(st.rtcp_sent, 1);
	peer_close(&pub);
	peer_close(&sub);
	lr_dp_free(dp);
}

/* Defect 3 (b): one 1464-byte compound of 122 PLIs for one stream
 * becomes one PLI to the publisher (121 counted rate_limited), not 122
 * datagrams; the same compound again within the interval, and a FIR,
 * relay nothing; another subscriber's PLI for the stream is cut by the
 * publisher's RTCP worker (one request per stream from all of them),
 * counted on that subscriber. */
static void test_relay_pli_flood(void)
{
	struct lr_dp *dp = relay_dp(1, 0, 0);
	struct peer pub, sub, sub2;
	struct lr_dp_route r[2];
	struct lr_dp_session s;
	struct lr_dp_session_stats ss;
	struct lr_dp_stats st;
	uint8_t c[1464], b[1600], want[12];

	peer_open(&pub, 0, LR_SRTP_AEAD_AES_128_GCM);
	peer_open(&sub, 0, LR_SRTP_AEAD_AES_128_GCM);
	peer_open(&sub2, 0, LR_SRTP_AEAD_AES_128_GCM);
	r[0] = route(&pub, 2, 0x77);
	r[1] = route(&pub, 3, 0x78);
	s = desc(dp, &pub);
	s.routes = r, s.nroutes = 2, s.rtcp_ssrc = GW;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 1, &s), 0);
	s = desc(dp, &sub);
	s.relay_feedback = 1;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 2, &s), 0);
	s = desc(dp, &sub2);
	s.relay_feedback = 1;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 3, &s), 0);
	for (unsigned i = 0; i < 122; i++)
		put_pli(c + 12 * i, 0x2000 + i, 0x77);
	send_rtcp(&sub, dp, c, sizeof(c));
	st = counts(dp, 1, 121, 0);
	CU_ASSERT_EQUAL(st.rtcp_relayed, 1);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_RATE_LIMITED], 121);
	put_pli(want, GW, pub.ssrc);
	CU_ASSERT_EQUAL(recv_rtcp1(&pub, b), 12);
	CU_ASSERT(!memcmp(b, want, 12));
	send_rtcp(&sub, dp, c, sizeof(c));
	memcpy(c, (const uint8_t[]){0x84, 206, 0, 4, 0, 0,    0, 1, 0, 0,
				    0,	  0,   0, 0, 0, 0x77, 9, 0, 0, 0},
	       20);
	send_rtcp(&sub, dp, c, 20); /* a FIR */
	st = counts(dp, 1, 121 + 122 + 1, 0);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_RATE_LIMITED], 244);
	send_rtcp(&sub2, dp, c, put_pli(c, 0x3000, 0x78));
	st = counts(dp, 1, 245, 0);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_RATE_LIMITED], 245);
	CU_ASSERT_EQUAL(st.rtcp_relayed, 1);
	CU_ASSERT_EQUAL(st.rtcp_sent, 1);
	CU_ASSERT_EQUAL(lr_dp_session_stats(dp, 2, &ss), 0);
	CU_ASSERT_EQUAL(ss.drops[LR_DROP_RATE_LIMITED], 244);
	CU_ASSERT_EQUAL(lr_dp_session_stats(dp, 3, &ss), 0);
	CU_ASSERT_EQUAL(ss.drops[LR_DROP_RATE_LIMITED], 1);
	peer_close(&pub);
	peer_close(&sub);
	peer_close(&sub2);
	lr_dp_free(dp);
}

/* Defect 3 (b), NACKs: relay_nack_max entries per (subscriber, stream)
 * and interval, the rest cut (once per NACK packet cut from); one
 * subscriber's NACKs for a stream in one compound are merged into one
 * NACK; a FIR goes to the publisher with the gateway's sequence number,
 * media source 0. */
static void test_relay_nack_cap(void)
{
	static const uint16_t pids[5] = {200, 210, 220, 230, 240};
	static const uint16_t back[3] = {100, 110, 120};
	struct lr_dp *dp = relay_dp(1, 0, 3);
	struct peer pub, sub, sub2;
	struct lr_dp_route r[2];
	struct lr_dp_session s;
	struct lr_dp_stats st;
	uint8_t c[128], b[1600], want[64];
	size_t n;

	peer_open(&pub, 0, LR_SRTP_AES128_CM_SHA1_32);
	peer_open(&sub, 0, LR_SRTP_AES128_CM_SHA1_32);
	peer_open(&sub2, 0, LR_SRTP_AES128_CM_SHA1_32);
	r[0] = route(&pub, 2, 0x77);
	r[1] = route(&pub, 3, 0x78);
	s = desc(dp, &pub);
	s.routes = r, s.nroutes = 2, s.rtcp_ssrc = GW;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 1, &s), 0);
	s = desc(dp, &sub);
	s.relay_feedback = 1;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 2, &s), 0);
	s = desc(dp, &sub2);
	s.relay_feedback = 1;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 3, &s), 0);
	send_rtcp(&sub, dp, c, put_nack(c, 9, 0x77, pids, 5));
	st = counts(dp, 1, 1, 0);
	CU_ASSERT_EQUAL(st.rtcp_relayed, 1);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_RATE_LIMITED], 1);
	put_nack(want, GW, pub.ssrc, back, 3);
	CU_ASSERT_EQUAL(recv_rtcp1(&pub, b), 24);
	CU_ASSERT(!memcmp(b, want, 24));
	/* its window is spent: two more NACKs are cut */
	n = put_nack(c, 9, 0x77, pids, 1);
	n += put_nack(c + n, 9, 0x77, pids + 1, 1);
	send_rtcp(&sub, dp, c, n);
	/* the other subscriber's two NACKs: one, both entries; its FIR */
	n = put_nack(c, 8, 0x78, pids, 1);
	n += put_nack(c + n, 8, 0x78, pids + 1, 1);
	memcpy(c + n, (const uint8_t[]){0x84, 206, 0, 4, 0, 0,	  0, 8, 0, 0,
					0,    0,   0, 0, 0, 0x78, 9, 0, 0, 0},
	       20);
	send_rtcp(&sub2, dp, c, n + 20);
	st = counts(dp, 2, 3, 0);
	CU_ASSERT_EQUAL(st.rtcp_relayed, 2);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_RATE_LIMITED], 3);
	memcpy(want, (const uint8_t[]){0x84, 206, 0, 4}, 4);
	lr_wr32(want + 4, GW);
	lr_wr32(want + 8, 0);
	lr_wr32(want + 12, pub.ssrc);
	memset(want + 16, 0, 4); /* the gateway's first FIR number */
	put_nack(want + 20, GW, pub.ssrc, back, 2);
	CU_ASSERT_EQUAL(recv_rtcp1(&pub, b), 40);
	CU_ASSERT(!memcmp(b, want, 40));
	peer_close(&pub);
	peer_close(&sub);
	peer_close(&sub2);
	lr_dp_free(dp);
}

/* Defect 3 (b), sender reports: a publisher compound of 52 SRs of its
 * SSRC with 32 routes (to 32 subscribers) queued 1664 sends before the
 * fix; now each subscriber gets one SR as it sees the stream (32 sends,
 * the 51 repeats counted rate_limited), and the same compound within
 * the interval relays nothing. The SRs still go up. */
static void test_relay_sr_fanout(void)
{
	enum {
		NT = 32, /* of LR_DP_MAX_ROUTES: enough to show the bound */
		NSR = 52
	};
	struct lr_dp *dp = relay_dp(1, 0, 0);
	struct peer pub, sub[NT];
	struct lr_dp_route r[NT];
	struct lr_dp_session s;
	struct lr_dp_stats st;
	struct lr_dp_punt pu;
	uint8_t c[NSR * 28], b[1600], want[28];

	peer_open(&pub, 0, LR_SRTP_AEAD_AES_128_GCM);
	for (unsigned i = 0; i < NT; i++) {
		peer_open(&sub[i], 0, LR_SRTP_AEAD_AES_128_GCM);
		s = desc(dp, &sub[i]);
		CU_ASSERT_EQUAL(lr_dp_session_install(dp, 10 + i, &s), 0);
		r[i] = route(&pub, 10 + i, 0x100 + i);
		r[i].ts_delta = i;
	}
	s = desc(dp, &pub);
	s.routes = r, s.nroutes = NT, s.relay_reports = 1;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 1, &s), 0);
	for (unsigned i = 0; i < NSR; i++)
		put_sr(c + 28 * i, pub.ssrc);
	for (unsigned round = 0; round < 2; round++) {
		send_rtcp(&pub, dp, c, sizeof(c));
		CU_ASSERT_FATAL(wait_punt(dp, &pu));
		CU_ASSERT(pu.len == sizeof(c) && !memcmp(pu.buf, c, sizeof(c)));
		st = counts(dp, NT, (NSR - 1) + round * NSR, 0);
		CU_ASSERT_EQUAL(st.rtcp_relayed, NT);
		CU_ASSERT_EQUAL(st.drops[LR_DROP_RATE_LIMITED],
				(NSR - 1) + round * NSR);
	}
	for (unsigned i = 0; i < NT; i++) {
		put_sr(want, 0x100 + i);
		lr_wr32(want + 16, 90000 + i);
		CU_ASSERT_EQUAL(recv_rtcp1(&sub[i], b), 28);
		CU_ASSERT(!memcmp(b, want, 28));
	}
	peer_close(&pub);
	for (unsigned i = 0; i < NT; i++)
		peer_close(&sub[i]);
	lr_dp_free(dp);
}

/* Defect 3 (c): the relay queue is bounded and preallocated. One worker
 * (it produces in a burst, consumes between bursts): a compound naming
 * the streams of 8 publishers makes 8 packets for a queue of 4; 4 go,
 * 4 are dropped and counted queue_full (worker and subscriber). Before
 * the fix the queue took all 8 (and without bound). The queue then
 * takes the next compound: nothing is stuck. */
static void test_relay_queue_bounded(void)
{
	enum {
		NP = 8
	};
	struct lr_addr local = loop_addr(0);
	struct lr_dp_config bad = {.backend = dp_backend,
				   .local = &local,
				   .nlocal = 1,
				   .relay_queue = 4097};
	struct lr_dp *dp = NULL;
	struct peer pub[NP], sub;
	struct lr_dp_route r[NP];
	struct lr_dp_session s;
	struct lr_dp_session_stats ss;
	struct lr_dp_stats st;
	uint8_t c[NP * 12], b[1600], want[12];

	/* a queue past 4096 slots, NACK caps past 16 bits: refused */
	CU_ASSERT_EQUAL(lr_dp_new(&bad, &dp), -EINVAL);
	bad.relay_queue = 0;
	bad.relay_nack_max = 65536;
	CU_ASSERT_EQUAL(lr_dp_new(&bad, &dp), -EINVAL);
	CU_ASSERT_PTR_NULL(dp);
	dp = relay_dp(1, 4, 0);
	peer_open(&sub, 0, LR_SRTP_AEAD_AES_128_GCM);
	s = desc(dp, &sub);
	s.relay_feedback = 1;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 2, &s), 0);
	for (unsigned i = 0; i < NP; i++) {
		peer_open(&pub[i], 0, LR_SRTP_AEAD_AES_128_GCM);
		r[i] = route(&pub[i], 2, 0x10 + i);
		s = desc(dp, &pub[i]);
		s.routes = &r[i], s.nroutes = 1, s.rtcp_ssrc = GW + i;
		CU_ASSERT_EQUAL(lr_dp_session_install(dp, 100 + i, &s), 0);
		put_pli(c + 12 * i, 5, 0x10 + i);
	}
	send_rtcp(&sub, dp, c, sizeof(c));
	st = counts(dp, 4, 0, 4);
	CU_ASSERT_EQUAL(st.rtcp_relayed, 4);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_QUEUE_FULL], 4);
	CU_ASSERT_EQUAL(lr_dp_session_stats(dp, 2, &ss), 0);
	CU_ASSERT_EQUAL(ss.drops[LR_DROP_QUEUE_FULL], 4);
	send_rtcp(&sub, dp, c + 48, 48); /* the four that were lost */
	st = counts(dp, 8, 0, 4);
	CU_ASSERT_EQUAL(st.rtcp_relayed, 8);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_QUEUE_FULL], 4);
	for (unsigned i = 0; i < NP; i++) {
		put_pli(want, GW + i, pub[i].ssrc);
		CU_ASSERT_EQUAL(recv_rtcp1(&pub[i], b), 12);
		CU_ASSERT(!memcmp(b, want, 12));
	}
	for (unsigned i = 0; i < NP; i++)
		peer_close(&pub[i]);
	peer_close(&sub);
	lr_dp_free(dp);
}

/* Session id's authentic packets from its peer, once they reach n (or
 * after 5 s). */
static uint64_t rx_reaches(struct lr_dp *dp, uint64_t id, uint64_t n)
{
	struct lr_dp_session_stats ss = {0};

	for (int i = 0; i < 500; i++) {
		lr_dp_session_stats(dp, id, &ss);
		if (ss.rx_packets >= n)
			break;
		usleep(10000);
	}
	return ss.rx_packets;
}

/* The worker lr__dp_steer names for p of two (as test_dp.c). */
static unsigned steer2(const struct peer *p)
{
	const uint8_t *w = p->addr.ip;
	uint32_t v = (uint32_t)w[0] << 24 | (uint32_t)w[1] << 16 |
		     (uint32_t)w[2] << 8 | w[3];

	return (v ^ p->addr.port) % 2;
}

/* Defect 3 (c) across threads: two workers, the subscriber's on one
 * and the publisher's RTCP worker the other, so every relayed NACK
 * crosses a ring (run under ThreadSanitizer too). Each of 200 is
 * relayed or counted queue_full, never both or neither; each relayed
 * one reaches the publisher exactly once, authentic and in order, from
 * the gateway's SSRC (libsrtp2 refuses a repeated SRTCP index). */
static void test_relay_two_workers(void)
{
	enum {
		N = 200
	};
	struct lr_dp *dp = relay_dp(2, 8, N);
	struct peer pub, sub;
	struct lr_dp_route r;
	struct lr_dp_session s;
	struct lr_dp_session_stats ss;
	struct lr_dp_stats st, w;
	uint8_t c[16], b[1600];
	uint64_t pub_id;
	unsigned got = 0;
	int last = -1;

	peer_open(&pub, 0, LR_SRTP_AES128_CM_SHA1_80);
	peer_open(&sub, 0, LR_SRTP_AES128_CM_SHA1_80);
	pub_id = 2 + (steer2(&sub) == 0); /* RTCP worker: the other */
	r = route(&pub, 1, 0x77);
	r.seq_delta = 0;
	s = desc(dp, &pub);
	s.routes = &r, s.nroutes = 1, s.rtcp_ssrc = GW;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, pub_id, &s), 0);
	s = desc(dp, &sub);
	s.relay_feedback = 1;
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 1, &s), 0);
	for (uint16_t k = 0; k < N; k++) {
		send_rtcp(&sub, dp, c, put_nack(c, 3, 0x77, &k, 1));
		if (k % 20 == 19) /* paced: the kernel drops none */
			rx_reaches(dp, 1, k + 1u);
	}
	CU_ASSERT_EQUAL(rx_reaches(dp, 1, N), N);
	/* every one the subscriber's worker took is now queued or counted:
	 * wait for the other worker to have sent what was queued */
	lr_dp_stats(dp, &st);
	st = counts(dp, N - st.drops[LR_DROP_QUEUE_FULL], 0, 0);
	lr_dp_session_stats(dp, 1, &ss);
	CU_ASSERT_EQUAL(st.rtcp_relayed + st.drops[LR_DROP_QUEUE_FULL], N);
	/* each compound was one NACK, taken whole: counted as such */
	CU_ASSERT_EQUAL(st.rtcp_relay_in, N);
	CU_ASSERT_EQUAL(ss.drops[LR_DROP_QUEUE_FULL],
			st.drops[LR_DROP_QUEUE_FULL]);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_RATE_LIMITED], 0);
	/* all sent by the publisher's RTCP worker, none by the other */
	CU_ASSERT_EQUAL(lr_dp_worker_stats(dp, pub_id % 2, &w), 0);
	CU_ASSERT_EQUAL(w.rtcp_relayed, st.rtcp_relayed);
	CU_ASSERT(w.rtcp_relayed > 0);
	while (got < st.rtcp_relayed) {
		int len = recv_rtcp1(&pub, b);

		if (len != 16)
			break;
		CU_ASSERT(lr_rd32(b + 4) == GW && lr_rd32(b + 8) == pub.ssrc);
		CU_ASSERT((int)lr_rd16(b + 12) > last);
		last = lr_rd16(b + 12);
		got++;
	}
	CU_ASSERT_EQUAL(got, st.rtcp_relayed);
	peer_close(&pub);
	peer_close(&sub);
	lr_dp_free(dp);
}

static void add_suite(const char *name, CU_InitializeFunc init)
{
	CU_pSuite s = CU_add_suite(name, init, dp_teardown);

	LR_ADD_TEST(s, test_relay_one_sender_ssrc);
	LR_ADD_TEST(s, test_relay_sr_no_stream_from_input);
	LR_ADD_TEST(s, test_relay_pli_flood);
	LR_ADD_TEST(s, test_relay_nack_cap);
	LR_ADD_TEST(s, test_relay_sr_fanout);
	LR_ADD_TEST(s, test_relay_queue_bounded);
	LR_ADD_TEST(s, test_relay_two_workers);
}

void lr_test_register(void)
{
	add_suite("dp-relay-sock", dp_setup_sock);
#ifdef LR_HAVE_URING
	add_suite("dp-relay-uring", dp_setup_uring);
#else
	(void)dp_setup_uring;
#endif
}
