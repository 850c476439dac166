/*
 * lr_pc takes DTLS only from an address ICE authenticated (issue 12,
 * defect 2): a stranger's ClientHello ahead of the real peer's, forged
 * plaintext alerts from the peer's own address in the middle of the
 * handshake, DTLS from an address that never proved the ICE credentials,
 * and the queue of DTLS that comes before it can be judged, flooded from
 * many sources and from one, and holding the real peer's ClientHello
 * that comes before our answer is applied (an ICE-lite offerer). Part of
 * the test_pc program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_helpers.h"
#include "pc_tests.h"

/* An address that never sent a STUN check. */
static struct lr_addr stranger(unsigned k)
{
	return lr_sim_v4(198, 51, 100, (uint8_t)(1 + k % 250),
			 (uint16_t)(20000 + k));
}

/* A real ClientHello (epoch 0) from a DTLS client of a stranger's. */
static size_t client_hello(uint8_t *out, size_t cap)
{
	char fp[LR_CERT_FP_MAX];
	struct lr_dtls_config c = {
		.cert = certs[2], .client = 1, .remote_fingerprint = fp};
	struct lr_dtls *d;
	int n;

	CU_ASSERT_FATAL(
		lr_cert_fingerprint(certs[0], "sha-256", fp, sizeof(fp)) > 0);
	CU_ASSERT_FATAL(lr_dtls_new(&c, &d) == 0);
	lr_dtls_start(d, 0);
	n = lr_dtls_poll_transmit(d, out, cap);
	lr_dtls_free(d);
	CU_ASSERT_FATAL(n > 0);
	return (size_t)n;
}

/* A forged plaintext fatal alert (RFC 6347 §4.1 header, epoch 0). */
static size_t plain_alert(uint8_t *out, uint16_t seq)
{
	memset(out, 0, 15);
	out[0] = 21;
	out[1] = 0xfe;
	out[2] = 0xfd;
	out[9] = (uint8_t)(seq >> 8);
	out[10] = (uint8_t)seq;
	out[12] = 2;
	out[13] = 2;  /* fatal */
	out[14] = 40; /* handshake_failure */
	return 15;
}

/* A counter of the transport's getStats() object, or UINT64_MAX if it
 * is not there. */
static uint64_t stat_of(const struct lr_pc *pc, const char *name)
{
	static char js[16384];
	char key[80];
	const char *at;

	snprintf(key, sizeof(key), "\"%s\":", name);
	if (lr_pc_get_stats(pc, js, sizeof(js)) <= 0 || !(at = strstr(js, key)))
		return UINT64_MAX;
	return strtoull(at + strlen(key), NULL, 10);
}

static int dgram_in(struct world *w, int to, const struct lr_addr *from,
		    const uint8_t *buf, size_t len)
{
	return lr_pc_handle_packet(w->p[to].pc, lr_sim_now(w->sim),
				   &w->p[to].addr, from, buf, len);
}

/* Issue 12, defect 2: one ClientHello from a third party before the
 * real peer's broke the handshake (lr_dtls answered whoever came
 * first). The stranger's is held, then dropped when the real peer's
 * starts the handshake; after that a stranger's DTLS is refused at once
 * and never reaches lr_dtls (a forged alert from it is not counted
 * there). */
static void test_stranger_client_hello_first(void)
{
	struct world w;
	struct wopts o = {.seed = 21};
	struct lr_addr x = stranger(1);
	uint8_t ch[1500], al[15];
	size_t n = 0;

	world_init(&w, &o);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	CU_ASSERT_EQUAL_FATAL(negotiate(&w, 0, 1), 0);
	/* p[0] is the DTLS server (it offered, p[1] answered active) and
	 * waits: a stranger is first. */
	CU_ASSERT_EQUAL(lr_pc_dtls_state(w.p[0].pc), LR_DTLS_CONNECTING);
	n = client_hello(ch, sizeof(ch));
	CU_ASSERT_EQUAL(dgram_in(&w, 0, &x, ch, n), 0);
	run(&w, 5);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[i].pc),
				LR_PC_CONNECTED);
		CU_ASSERT_EQUAL(w.p[i].nkeys, 1);
	}
	CU_ASSERT_EQUAL(stat_of(w.p[0].pc, "linerateDtlsUnauthenticated"), 1);
	CU_ASSERT_EQUAL(dgram_in(&w, 0, &x, ch, n), -EACCES);
	CU_ASSERT_EQUAL(dgram_in(&w, 0, &x, al, plain_alert(al, 900)), -EACCES);
	CU_ASSERT_EQUAL(stat_of(w.p[0].pc, "linerateDtlsUnauthenticated"), 3);
	CU_ASSERT_EQUAL(stat_of(w.p[0].pc, "linerateDtlsPlainAlerts"), 0);
	CU_ASSERT_EQUAL(stat_of(w.p[0].pc, "linerateDtlsEarlyDropped"), 0);
	send_audio(&w, 0, 5, 100);
	CU_ASSERT_EQUAL(rtp_with(&w.p[1], 0, 100, 105), 5);
	world_free(&w);
}

/* Issue 12, defect 2: a forged 15-byte plaintext fatal alert put the
 * DTLS server into FAILED. Here it comes from the peer's own address
 * (spoofed, so the address check lets it through) to both sides in the
 * middle of the handshake: counted, and both connect. */
static void test_forged_alerts_mid_handshake(void)
{
	struct world w;
	struct wopts o = {.seed = 22};
	uint8_t al[15];
	int k;

	world_init(&w, &o);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	CU_ASSERT_EQUAL_FATAL(negotiate(&w, 0, 1), 0);
	/* until p[1], the client, has ICE and has sent its ClientHello
	 * (1 ms steps: run() alone stops before the next event) */
	for (k = 0; k < 2000 && lr_pc_dtls_state(w.p[1].pc) == LR_DTLS_NEW;
	     k++) {
		lr_sim_advance(w.sim, lr_sim_now(w.sim) + 1000);
		run(&w, 0);
	}
	CU_ASSERT_EQUAL_FATAL(lr_pc_dtls_state(w.p[1].pc), LR_DTLS_CONNECTING);
	CU_ASSERT_EQUAL(lr_pc_dtls_state(w.p[0].pc), LR_DTLS_CONNECTING);
	CU_ASSERT_EQUAL(dgram_in(&w, 0, &w.p[1].addr, al, plain_alert(al, 901)),
			0);
	CU_ASSERT_EQUAL(dgram_in(&w, 1, &w.p[0].addr, al, plain_alert(al, 902)),
			0);
	run(&w, 5);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[i].pc),
				LR_PC_CONNECTED);
		CU_ASSERT_EQUAL(stat_of(w.p[i].pc, "linerateDtlsPlainAlerts"),
				1);
		CU_ASSERT_EQUAL(
			stat_of(w.p[i].pc, "linerateDtlsUnauthenticated"), 0);
	}
	world_free(&w);
}

/* Offer from p[0], answer from p[1]; p[0] does not apply it yet. The
 * answer's text is kept in `answer`. */
static void half_negotiate(struct world *w, char *answer, size_t cap)
{
	CU_ASSERT_FATAL(
		lr_pc_create_offer(w->p[0].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w->p[0].pc, LR_PC_OFFER, sdp_buf, NULL),
			      0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w->p[1].pc, LR_PC_OFFER, sdp_buf, NULL),
			      0);
	CU_ASSERT_FATAL(lr_pc_create_answer(w->p[1].pc, answer, cap) > 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w->p[1].pc, LR_PC_ANSWER, answer, NULL),
			      0);
}

/* Issue 12, defect 2: before the answer was applied, DTLS from anyone
 * was queued (16 KiB in all) and then all given to lr_dtls. Now each
 * source waits in its own bounded place: 4 sources, 4 datagrams and
 * 8 KiB each. 100 strangers: 4 are held, 96 refused; one of them sends
 * 100 more: 3 more are held, 97 refused; another one byte more than its
 * 8 KiB can take (refused), then exactly what it can (held). All
 * counted. The real peer connects, and the 8 held datagrams are dropped
 * when its handshake starts. */
static void test_early_queue_bounded(void)
{
	static char answer[16384];
	struct world w;
	struct wopts o = {.seed = 23};
	uint8_t ch[1500], big[8192];
	size_t n;
	int refused = 0;

	world_init(&w, &o);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	half_negotiate(&w, answer, sizeof(answer));
	n = client_hello(ch, sizeof(ch));
	for (unsigned k = 0; k < 100; k++) {
		struct lr_addr x = stranger(k);
		int r = dgram_in(&w, 0, &x, ch, n);

		CU_ASSERT_EQUAL(r, k < 4 ? 0 : -ENOBUFS);
		refused += r == -ENOBUFS;
	}
	for (unsigned k = 0; k < 100; k++) {
		struct lr_addr x = stranger(0);
		int r = dgram_in(&w, 0, &x, ch, n);

		CU_ASSERT_EQUAL(r, k < 3 ? 0 : -ENOBUFS);
		refused += r == -ENOBUFS;
	}
	memset(big, 0, sizeof(big));
	big[0] = 22; /* DTLS by its first byte (RFC 7983) */
	{
		struct lr_addr x = stranger(1);

		CU_ASSERT_EQUAL(dgram_in(&w, 0, &x, big, 8192 - n + 1),
				-ENOBUFS);
		refused++;
		CU_ASSERT_EQUAL(dgram_in(&w, 0, &x, big, 8192 - n), 0);
	}
	CU_ASSERT_EQUAL(refused, 96 + 97 + 1);
	CU_ASSERT_EQUAL(stat_of(w.p[0].pc, "linerateDtlsEarlyDropped"),
			96 + 97 + 1);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w.p[0].pc, LR_PC_ANSWER, answer, NULL),
			      0);
	run(&w, 5);
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[i].pc),
				LR_PC_CONNECTED);
	CU_ASSERT_EQUAL(stat_of(w.p[0].pc, "linerateDtlsUnauthenticated"), 8);
	world_free(&w);
}

/* With an ICE-lite offerer, the answerer's checks and its ClientHello
 * may come before the answer is applied: the ClientHello is held (its
 * source proved the ICE credentials, so it takes the place of a
 * stranger's when all four are taken) and goes to lr_dtls when the
 * answer makes it. Strangers' ClientHellos held before it are dropped. */
static void test_early_client_hello_from_peer(void)
{
	static char answer[16384];
	struct world w;
	struct wopts o = {.seed = 24};
	struct lr_pc_config c = {.cert = certs[0], .nlocal = 1, .ice_lite = 1};
	uint8_t ch[1500];
	size_t n;

	world_init(&w, &o);
	lr_pc_free(w.p[0].pc);
	c.local = &w.p[0].addr;
	c.rand = lr_sim_drbg_rand(&w.p[0].drbg);
	CU_ASSERT_EQUAL_FATAL(lr_pc_new(&c, lr_sim_now(w.sim), &w.p[0].pc), 0);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	half_negotiate(&w, answer, sizeof(answer));
	n = client_hello(ch, sizeof(ch));
	for (unsigned k = 0; k < 4; k++) {
		struct lr_addr x = stranger(k);

		CU_ASSERT_EQUAL(dgram_in(&w, 0, &x, ch, n), 0);
	}
	run(&w, 2);
	/* p[1] has ICE (it controls: p[0] is lite) and sent its hello */
	CU_ASSERT_EQUAL(lr_pc_dtls_state(w.p[1].pc), LR_DTLS_CONNECTING);
	CU_ASSERT_EQUAL(lr_pc_dtls_state(w.p[0].pc), LR_DTLS_NEW);
	CU_ASSERT_EQUAL(stat_of(w.p[0].pc, "linerateDtlsEarlyDropped"), 1);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w.p[0].pc, LR_PC_ANSWER, answer, NULL),
			      0);
	run(&w, 5);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[i].pc),
				LR_PC_CONNECTED);
		CU_ASSERT_EQUAL(w.p[i].nkeys, 1);
	}
	CU_ASSERT_EQUAL(stat_of(w.p[0].pc, "linerateDtlsUnauthenticated"), 3);
	world_free(&w);
}

void pc_gate_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_stranger_client_hello_first);
	LR_ADD_TEST(s, test_forged_alerts_mid_handshake);
	LR_ADD_TEST(s, test_early_queue_bounded);
	LR_ADD_TEST(s, test_early_client_hello_from_peer);
}
