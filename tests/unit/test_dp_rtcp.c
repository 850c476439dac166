/*
 * RTCP through the data plane on the sock and uring backends: what a
 * peer sends is punted decrypted with its session's id; what the
 * control plane sends back with lr_dp_send_rtcp reaches the peer
 * protected with the session's SRTCP context, checked by an independent
 * libsrtp2 receiver (which also refuses an SRTCP index seen twice, so a
 * second worker protecting the same session would show). Malformed
 * compounds are refused before they are queued (RFC 3550 §6.4, A.2).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "dp_peers.h"
#include "linerate/lr_rtp.h"

static const uint8_t pli[12] = {0x81, 206,  0, 2, 0,	0, /* PLI */
				0x12, 0x34, 0, 0, 0x56, 0x78};
static const uint8_t rr_sdes[24] = {
	0x80, 201, 0,	1,   0,	  0,   0x12, 0x34, /* RR, no report blocks */
	0x81, 202, 0,	3,   0,	  0,   0x12, 0x34, /* SDES, one chunk */
	1,    4,   'a', 'b', 'c', 'd', 0,    0};   /* CNAME "abcd", end */

/* n datagrams p got, each unprotected as SRTCP and compared with what
 * was sent (want[i], wlen[i]); how many matched. */
static unsigned recv_rtcp(struct peer *p, unsigned n,
			  const uint8_t *const *want, const size_t *wlen)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < n; i++) {
		uint8_t buf[1600];
		ssize_t got = peer_recv(p, buf, sizeof(buf), 2000);
		int len = (int)got;

		if (got < 0)
			break;
		if (srtp_unprotect_rtcp(p->rx, buf, &len) ==
			    srtp_err_status_ok &&
		    (size_t)len == wlen[i] && !memcmp(buf, want[i], wlen[i]))
			ok++;
	}
	return ok;
}

static struct lr_dp_stats stats_when(struct lr_dp *dp, uint64_t sent,
				     uint64_t unknown)
{
	struct lr_dp_stats st;

	for (int i = 0; i < 200; i++) {
		lr_dp_stats(dp, &st);
		if (st.rtcp_sent >= sent &&
		    st.drops[LR_DROP_UNKNOWN_FLOW] >= unknown)
			break;
		usleep(10000);
	}
	return st;
}

static void reaches_peer(unsigned suite, int v6)
{
	const uint8_t *sent[4] = {pli, rr_sdes, pli, pli};
	const size_t slen[4] = {sizeof(pli), sizeof(rr_sdes), sizeof(pli),
				sizeof(pli)};
	struct lr_dp *dp = dp_open(v6);
	struct lr_dp_stats st;
	struct peer p;
	uint8_t extra[16];

	peer_open(&p, v6, suite);
	CU_ASSERT_EQUAL(install(dp, 1, &p, v6, NULL, 0), 0);
	for (unsigned i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, sent[i], slen[i]), 0);
	CU_ASSERT_EQUAL(recv_rtcp(&p, 4, sent, slen), 4);
	CU_ASSERT_EQUAL(peer_recv(&p, extra, sizeof(extra), 50), -1);
	st = stats_when(dp, 4, 0);
	CU_ASSERT_EQUAL(st.rtcp_sent, 4);
	peer_close(&p);
	lr_dp_free(dp);
}

static void test_rtcp_reaches_peer(void)
{
	reaches_peer(LR_SRTP_AEAD_AES_128_GCM, 0);
	reaches_peer(LR_SRTP_AES128_CM_SHA1_80, 0);
	reaches_peer(LR_SRTP_AES128_CM_SHA1_32, 1);
}

/* The peer's RTCP goes up decrypted with its session's id; the answer
 * goes back down protected. */
static void test_rtcp_punted_and_answered(void)
{
	struct lr_dp *dp = dp_open(0);
	struct lr_addr to = dp_local(dp, 0);
	struct lr_dp_punt pu;
	struct peer p;
	uint8_t buf[64];
	const uint8_t *want[1] = {pli};
	const size_t wlen[1] = {sizeof(pli)};
	int len = sizeof(rr_sdes), got = 0;

	peer_open(&p, 0, LR_SRTP_AEAD_AES_128_GCM);
	CU_ASSERT_EQUAL(install(dp, 7, &p, 0, NULL, 0), 0);
	memcpy(buf, rr_sdes, sizeof(rr_sdes));
	CU_ASSERT_EQUAL_FATAL(srtp_protect_rtcp(p.tx, buf, &len),
			      srtp_err_status_ok);
	send_to(&p, &to, buf, (size_t)len);
	got = wait_punt(dp, &pu);
	CU_ASSERT_FATAL(got);
	CU_ASSERT_EQUAL(pu.why, LR_DP_PUNT_RTCP);
	CU_ASSERT_EQUAL(pu.session, 7);
	CU_ASSERT_EQUAL(pu.len, sizeof(rr_sdes));
	CU_ASSERT(!memcmp(pu.buf, rr_sdes, sizeof(rr_sdes)));
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, pu.session, pli, sizeof(pli)), 0);
	CU_ASSERT_EQUAL(recv_rtcp(&p, 1, want, wlen), 1);
	peer_close(&p);
	lr_dp_free(dp);
}

/* Malformed: refused before queueing. RTCP for no session: counted, and
 * nothing sent. */
static void test_rtcp_refused(void)
{
	static uint8_t big[LR_DP_RTCP_MAX + 4];
	uint8_t b[32];
	struct lr_dp *dp = dp_open(0);
	struct lr_dp_stats st;
	struct peer p;
	const uint8_t *want[1] = {pli};
	const size_t wlen[1] = {sizeof(pli)};

	peer_open(&p, 0, LR_SRTP_AEAD_AES_128_GCM);
	CU_ASSERT_EQUAL(install(dp, 1, &p, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 0, pli, sizeof(pli)), -EINVAL);
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, NULL, 12), -EINVAL);
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, pli, 4), -EINVAL); /* no SSRC */
	memcpy(b, pli, sizeof(pli));
	b[0] = 0x41; /* version 1 */
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, b, sizeof(pli)), -EINVAL);
	memcpy(b, pli, sizeof(pli));
	b[1] = 96; /* an RTP payload type, not RTCP */
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, b, sizeof(pli)), -EINVAL);
	memcpy(b, pli, sizeof(pli));
	b[3] = 3; /* says 16 bytes */
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, b, sizeof(pli)), -EINVAL);
	memcpy(b, pli, sizeof(pli));
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, b, sizeof(pli) + 2), -EINVAL);
	memcpy(b, rr_sdes, sizeof(rr_sdes));
	b[0] |= 0x20; /* padding on the first of two */
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, b, sizeof(rr_sdes)), -EINVAL);
	/* one APP packet of 1484 bytes: whole, but too long to protect */
	big[0] = 0x80;
	big[1] = 204;
	lr_wr16(big + 2, (uint16_t)(sizeof(big) / 4 - 1));
	CU_ASSERT(lr_rtcp_compound_ok(big, sizeof(big)));
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, big, sizeof(big)), -EINVAL);
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, big, LR_DP_RTCP_MAX), -EINVAL);
	lr_wr16(big + 2, (uint16_t)(LR_DP_RTCP_MAX / 4 - 1));
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 99, big, LR_DP_RTCP_MAX), 0);
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 1, pli, sizeof(pli)), 0);
	CU_ASSERT_EQUAL(recv_rtcp(&p, 1, want, wlen), 1);
	CU_ASSERT_EQUAL(peer_recv(&p, b, sizeof(b), 50), -1);
	st = stats_when(dp, 1, 1);
	CU_ASSERT_EQUAL(st.rtcp_sent, 1);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_UNKNOWN_FLOW], 1);
	peer_close(&p);
	lr_dp_free(dp);
}

/* Two workers: each session's RTCP is protected by one of them (id mod
 * 2), so its SRTCP index never repeats, however many are sent. */
static void test_rtcp_workers(void)
{
	struct lr_addr local = loop_addr(0);
	struct lr_dp_config c = {.backend = dp_backend,
				 .local = &local,
				 .nlocal = 1,
				 .workers = 2};
	struct lr_dp *dp;
	struct lr_dp_stats w[2];
	struct peer p[2];
	const uint8_t *want[8];
	size_t wlen[8];

	for (unsigned i = 0; i < 8; i++)
		want[i] = pli, wlen[i] = sizeof(pli);
	CU_ASSERT_EQUAL_FATAL(lr_dp_new(&c, &dp), 0);
	for (unsigned s = 0; s < 2; s++) {
		peer_open(&p[s], 0, LR_SRTP_AES128_CM_SHA1_80);
		CU_ASSERT_EQUAL(install(dp, 3 + s, &p[s], 0, NULL, 0), 0);
	}
	/* session 3 (worker 1), then session 4 (worker 0), each sent in a
	 * row */
	for (unsigned s = 0; s < 2; s++) {
		for (unsigned i = 0; i < 8; i++)
			CU_ASSERT_EQUAL(
				lr_dp_send_rtcp(dp, 3 + s, pli, sizeof(pli)),
				0);
		CU_ASSERT_EQUAL(recv_rtcp(&p[s], 8, want, wlen), 8);
		stats_when(dp, 8 * (s + 1), 0);
		CU_ASSERT_EQUAL(lr_dp_worker_stats(dp, 0, &w[0]), 0);
		CU_ASSERT_EQUAL(lr_dp_worker_stats(dp, 1, &w[1]), 0);
		CU_ASSERT_EQUAL(w[1].rtcp_sent, 8);
		CU_ASSERT_EQUAL(w[0].rtcp_sent, 8 * s);
	}
	for (unsigned s = 0; s < 2; s++)
		peer_close(&p[s]);
	lr_dp_free(dp);
}

/* A subscriber's feedback on a routed stream goes to its publisher
 * (relay_feedback): the PLI and NACK arrive at the publisher as one
 * compound SRTCP-protected with its keys, from the gateway's SSRC for
 * it (rtcp_ssrc), naming its own SSRC and sequence numbers; the FIR
 * on the same stream is coalesced into that keyframe request (counted
 * rate_limited); the receiver report beside them and feedback on a
 * stream no route gives are punted. Without relay_feedback all of it is
 * punted. (Issue 12, defect 3 (a) and (b): one sender SSRC, one packet
 * per publisher and compound.) */
static void relay(int on)
{
	struct lr_dp *dp = dp_open(0);
	struct lr_addr to = dp_local(dp, 0);
	struct peer pub, sub;
	struct lr_dp_route r = {.to = 2,
				.out_ssrc = 0x77,
				.pt_from = -1,
				.pt_to = -1,
				.seq_delta = 100};
	struct lr_dp_session s;
	struct lr_dp_punt pu;
	struct lr_dp_stats st;
	uint8_t c[80], got[64], b[1600];
	const uint8_t *want[1] = {got};
	size_t wlen[1] = {28};
	int len, n = 0;

	peer_open(&pub, 0, LR_SRTP_AEAD_AES_128_GCM);
	peer_open(&sub, 0, LR_SRTP_AEAD_AES_128_GCM);
	r.ssrc = pub.ssrc;
	s = (struct lr_dp_session){.local = to,
				   .remote = pub.addr,
				   .tx = pub.from_dp,
				   .rx = pub.to_dp,
				   .routes = &r,
				   .nroutes = 1,
				   .rtcp_ssrc = 0xfeed};
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 1, &s), 0);
	s = (struct lr_dp_session){.local = to,
				   .remote = sub.addr,
				   .tx = sub.from_dp,
				   .rx = sub.to_dp,
				   .relay_feedback = on};
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 2, &s), 0);
	/* RR, PLI and NACK (seq 150 and 151, 152 as it sees them) on 0x77,
	 * a PLI on 0x99 (no route gives it), FIR for 0x77 */
	memcpy(c, (const uint8_t[]){0x80, 201, 0, 1, 0, 0, 0, 5}, 8);
	memcpy(c + 8,
	       (const uint8_t[]){0x81, 206, 0, 2, 0, 0, 0, 5, 0, 0, 0, 0x77},
	       12);
	memcpy(c + 20,
	       (const uint8_t[]){0x81, 205, 0, 3, 0, 0, 0, 5, 0, 0, 0, 0x77, 0,
				 150, 0, 3},
	       16);
	memcpy(c + 36,
	       (const uint8_t[]){0x81, 206, 0, 2, 0, 0, 0, 5, 0, 0, 0, 0x99},
	       12);
	memcpy(c + 48, (const uint8_t[]){0x84, 206, 0, 4, 0, 0,	   0, 5, 0, 0,
					 0,    0,   0, 0, 0, 0x77, 7, 0, 0, 0},
	       20);
	len = 68;
	memcpy(b, c, (size_t)len);
	CU_ASSERT_EQUAL_FATAL(srtp_protect_rtcp(sub.tx, b, &len),
			      srtp_err_status_ok);
	send_to(&sub, &to, b, (size_t)len);
	/* what the publisher must get: the PLI and the NACK from 0xfeed,
	 * its SSRC, seq - 100 */
	memcpy(got, c + 8, 12);
	lr_wr32(got + 4, 0xfeed);
	lr_wr32(got + 8, pub.ssrc);
	memcpy(got + 12, c + 20, 16);
	lr_wr32(got + 16, 0xfeed);
	lr_wr32(got + 20, pub.ssrc);
	lr_wr16(got + 24, 50);
	n = wait_punt(dp, &pu);
	CU_ASSERT_FATAL(n);
	CU_ASSERT_EQUAL(pu.why, LR_DP_PUNT_RTCP);
	CU_ASSERT_EQUAL(pu.session, 2);
	if (on) {
		CU_ASSERT_EQUAL(recv_rtcp(&pub, 1, want, wlen), 1);
		/* left for the control plane: the RR and the PLI on 0x99 */
		CU_ASSERT_EQUAL(pu.len, 20);
		CU_ASSERT(!memcmp(pu.buf, c, 8) &&
			  !memcmp(pu.buf + 8, c + 36, 12));
	} else {
		CU_ASSERT_EQUAL(pu.len, 68);
		CU_ASSERT(!memcmp(pu.buf, c, 68));
	}
	st = stats_when(dp, on ? 1 : 0, 0);
	CU_ASSERT_EQUAL(st.rtcp_relayed, on ? 1 : 0);
	CU_ASSERT_EQUAL(st.rtcp_sent, on ? 1 : 0);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_RATE_LIMITED], on ? 1 : 0);
	/* the publisher's routes change: no route gives 0x77 any more */
	if (on) {
		struct lr_dp_session up = {
			.local = to, .remote = pub.addr, .relay_feedback = 0};

		CU_ASSERT_EQUAL(lr_dp_session_update(dp, 1, &up), 0);
		len = 12;
		memcpy(b, c + 8, 12);
		CU_ASSERT_EQUAL_FATAL(srtp_protect_rtcp(sub.tx, b, &len),
				      srtp_err_status_ok);
		send_to(&sub, &to, b, (size_t)len);
		n = wait_punt(dp, &pu);
		CU_ASSERT(n && pu.len == 12);
		CU_ASSERT_EQUAL(peer_recv(&pub, b, sizeof(b), 50), -1);
	}
	peer_close(&pub);
	peer_close(&sub);
	lr_dp_free(dp);
}

static void test_rtcp_relay(void)
{
	relay(1);
	relay(0);
}

/* A publisher's sender reports go to its subscriber as the subscriber
 * sees the stream (relay_reports): its SSRC, the RTP timestamp moved by
 * the route's offset, NTP time and counts as sent, no report blocks; the
 * SR is still punted. An SR about an SSRC no route forwards goes to
 * nobody. */
static void test_rtcp_relay_reports(void)
{
	struct lr_dp *dp = dp_open(0);
	struct lr_addr to = dp_local(dp, 0);
	struct peer pub, sub;
	struct lr_dp_route r = {.to = 2,
				.out_ssrc = 0x77,
				.pt_from = -1,
				.pt_to = -1,
				.ts_delta = 1000};
	struct lr_dp_session s;
	struct lr_dp_punt pu;
	struct lr_dp_stats st;
	uint8_t sr[52], b[1600], want_sr[28];
	const uint8_t *want[1] = {want_sr};
	const size_t wlen[1] = {28};
	int len, n = 0;

	peer_open(&pub, 0, LR_SRTP_AES128_CM_SHA1_80);
	peer_open(&sub, 0, LR_SRTP_AES128_CM_SHA1_80);
	r.ssrc = pub.ssrc;
	s = (struct lr_dp_session){.local = to,
				   .remote = pub.addr,
				   .tx = pub.from_dp,
				   .rx = pub.to_dp,
				   .routes = &r,
				   .nroutes = 1,
				   .relay_reports = 1};
	CU_ASSERT_EQUAL(install(dp, 2, &sub, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(lr_dp_session_install(dp, 1, &s), 0);
	/* an SR with one report block, then an SR of another SSRC */
	memset(sr, 0, sizeof(sr));
	sr[0] = 0x81;
	sr[1] = 200;
	lr_wr16(sr + 2, 12);
	lr_wr32(sr + 4, pub.ssrc);
	lr_wr32(sr + 8, 0xe0000000u);  /* NTP seconds */
	lr_wr32(sr + 12, 0x80000000u); /* NTP fraction */
	lr_wr32(sr + 16, 90000);       /* RTP timestamp */
	lr_wr32(sr + 20, 1234);	       /* packets */
	lr_wr32(sr + 24, 123400);      /* octets */
	lr_wr32(sr + 28, 0xabcdef);    /* a report block on what it gets */
	memcpy(want_sr, sr, 28);
	want_sr[0] = 0x80;
	lr_wr16(want_sr + 2, 6);
	lr_wr32(want_sr + 4, 0x77);
	lr_wr32(want_sr + 16, 91000);
	len = 52;
	memcpy(b, sr, sizeof(sr));
	CU_ASSERT_EQUAL_FATAL(srtp_protect_rtcp(pub.tx, b, &len),
			      srtp_err_status_ok);
	send_to(&pub, &to, b, (size_t)len);
	CU_ASSERT_EQUAL(recv_rtcp(&sub, 1, want, wlen), 1);
	n = wait_punt(dp, &pu);
	CU_ASSERT(n && pu.session == 1 && pu.len == 52 &&
		  !memcmp(pu.buf, sr, 52));
	lr_wr32(sr + 4, pub.ssrc + 1); /* a stream no route forwards */
	len = 52;
	memcpy(b, sr, sizeof(sr));
	CU_ASSERT_EQUAL_FATAL(srtp_protect_rtcp(pub.tx, b, &len),
			      srtp_err_status_ok);
	send_to(&pub, &to, b, (size_t)len);
	CU_ASSERT_EQUAL(peer_recv(&sub, b, sizeof(b), 100), -1);
	st = stats_when(dp, 1, 0);
	CU_ASSERT_EQUAL(st.rtcp_relayed, 1);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_UNKNOWN_FLOW], 0);
	peer_close(&pub);
	peer_close(&sub);
	lr_dp_free(dp);
}

static void add_suite(const char *name, CU_InitializeFunc init)
{
	CU_pSuite s = CU_add_suite(name, init, dp_teardown);

	LR_ADD_TEST(s, test_rtcp_reaches_peer);
	LR_ADD_TEST(s, test_rtcp_punted_and_answered);
	LR_ADD_TEST(s, test_rtcp_refused);
	LR_ADD_TEST(s, test_rtcp_workers);
	LR_ADD_TEST(s, test_rtcp_relay);
	LR_ADD_TEST(s, test_rtcp_relay_reports);
}

void lr_test_register(void)
{
	add_suite("dp-rtcp-sock", dp_setup_sock);
#ifdef LR_HAVE_URING
	add_suite("dp-rtcp-uring", dp_setup_uring);
#else
	(void)dp_setup_uring;
#endif
}
