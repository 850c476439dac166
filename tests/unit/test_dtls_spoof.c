/*
 * lr_dtls against forged input (issue 12, defect 2), and the
 * fingerprint hashes other than sha-256 (issue 12's acceptance list):
 * plaintext (epoch 0) alerts before, during and after the handshake,
 * alone or in one datagram with a real flight; after the handshake also
 * an epoch-0 ClientHello and a record that fails its authentication;
 * sha-384 and sha-512 fingerprints, right and wrong. Part of the
 * test_dtls program.
 */
#include <errno.h>
#include <string.h>

#include "dtls_helpers.h"

/* RFC 6347 §4.1 record header: type, version, epoch(2), seq(6),
 * length(2); then an alert (RFC 5246 §7.2): level 2 (fatal) and its
 * description. 15 bytes, with a sequence number the real peer has not
 * used yet (OpenSSL drops a repeated one). */
static size_t plain_alert(uint8_t *out, uint8_t desc, uint16_t seq)
{
	memset(out, 0, 15);
	out[0] = 21; /* alert */
	out[1] = 0xfe;
	out[2] = 0xfd; /* DTLS 1.2; epoch 0 */
	out[9] = (uint8_t)(seq >> 8);
	out[10] = (uint8_t)seq;
	out[12] = 2; /* length */
	out[13] = 2; /* fatal */
	out[14] = desc;
	return 15;
}

/* Issue 12, defect 2: one 15-byte plaintext fatal alert put the DTLS
 * server into FAILED. Alerts before the ClientHello, and two in one
 * datagram to each side in the middle of the handshake: dropped and
 * counted, and the handshake goes on exactly as without them (same
 * completion times as test_handshake_default, no retransmission). */
static void test_plain_alert_during_handshake(void)
{
	struct pair p;
	struct opts o = {0};
	uint8_t two[30];
	uint64_t now;

	pair_init(&p, &o);
	lr_dtls_start(p.e[1].d, 0);
	plain_alert(two, 40, 1000); /* handshake_failure */
	CU_ASSERT_EQUAL(lr_dtls_handle_input(p.e[1].d, 0, two, 15), 0);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTING);
	lr_dtls_start(p.e[0].d, 0);
	flush(&p, 0);
	/* The ClientHello reaches the server at 20 ms; its flight is on the
	 * way to the client (40 ms). */
	run(&p, 30000);
	now = lr_sim_now(p.sim);
	CU_ASSERT_EQUAL(now, 20000);
	plain_alert(two, 10, 1001);	 /* unexpected_message */
	plain_alert(two + 15, 42, 1002); /* bad_certificate */
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(lr_dtls_handle_input(p.e[i].d, now, two, 30),
				0);
		CU_ASSERT_EQUAL(lr_dtls_state(p.e[i].d), LR_DTLS_CONNECTING);
	}
	run(&p, 600ull * 1000000);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(lr_dtls_state(p.e[i].d), LR_DTLS_CONNECTED);
		CU_ASSERT_EQUAL(lr_dtls_stats(p.e[i].d)->retransmits, 0);
		CU_ASSERT_EQUAL(lr_dtls_stats(p.e[i].d)->rx_rejected, 0);
	}
	CU_ASSERT_EQUAL(lr_dtls_stats(p.e[1].d)->rx_plain_alerts, 3);
	CU_ASSERT_EQUAL(lr_dtls_stats(p.e[0].d)->rx_plain_alerts, 2);
	CU_ASSERT_EQUAL(p.e[1].t_connected, 60000);
	CU_ASSERT_EQUAL(p.e[0].t_connected, 80000);
	pair_free(&p);
}

/* Issue 12, defect 2: every record of a datagram is looked at. The real
 * ClientHello between two forged alerts in one datagram: the ClientHello
 * is handled, both alerts are dropped, the handshake completes. */
static void test_plain_alerts_around_a_flight(void)
{
	struct pair p;
	struct opts o = {0};
	uint8_t d[2048];
	size_t n;
	int ch;

	pair_init(&p, &o);
	lr_dtls_start(p.e[1].d, 0);
	lr_dtls_start(p.e[0].d, 0);
	n = plain_alert(d, 40, 1000);
	ch = lr_dtls_poll_transmit(p.e[0].d, d + n, sizeof(d) - 30 - n);
	CU_ASSERT_FATAL(ch > 0);
	CU_ASSERT_EQUAL(d[n], 22); /* a handshake record */
	n += (size_t)ch;
	n += plain_alert(d + n, 80, 1001); /* internal_error */
	CU_ASSERT_EQUAL(lr_dtls_handle_input(p.e[1].d, 0, d, n), 0);
	CU_ASSERT_EQUAL(lr_dtls_stats(p.e[1].d)->rx_plain_alerts, 2);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTING);
	flush(&p, 1); /* the server's answer to that ClientHello */
	run(&p, 600ull * 1000000);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[0].d), LR_DTLS_CONNECTED);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTED);
	CU_ASSERT_EQUAL(lr_dtls_stats(p.e[1].d)->rx_plain_alerts, 2);
	pair_free(&p);
}

/* A ClientHello from a new client of our own, epoch 0: its length. */
static size_t client_hello(uint8_t *out, size_t cap)
{
	char fp[LR_CERT_FP_MAX];
	struct lr_dtls_config c = {
		.cert = cert_rsa, .client = 1, .remote_fingerprint = fp};
	struct lr_dtls *d;
	int n;

	fp_of(cert_b, fp);
	CU_ASSERT_FATAL(lr_dtls_new(&c, &d) == 0);
	lr_dtls_start(d, 0);
	n = lr_dtls_poll_transmit(d, out, cap);
	lr_dtls_free(d);
	CU_ASSERT_FATAL(n > 0);
	return (size_t)n;
}

/* After the handshake, nothing at epoch 0 is authentic either: a
 * plaintext fatal alert is dropped by us (counted); a new ClientHello is
 * dropped by OpenSSL (its read epoch is 1: no answer, no state change);
 * an epoch-1 alert whose authentication fails is dropped too (RFC 6347
 * §4.1.2.7). The association stays up and carries data both ways. */
static void test_plain_records_after_handshake(void)
{
	struct pair p;
	struct opts o = {0};
	uint8_t d[2048], got[64];
	/* epoch 1, AES-128-GCM: explicit nonce, 2 bytes, tag, all junk */
	uint8_t forged[13 + 8 + 2 + 16] = {21, 0xfe, 0xfd, 0, 1, 0, 0,
					   0,  0,    0x10, 0, 0, 26};
	uint64_t now;
	size_t n;

	memset(forged + 13, 0x5a, sizeof(forged) - 13);
	pair_init(&p, &o);
	handshake(&p);
	CU_ASSERT_EQUAL_FATAL(lr_dtls_state(p.e[0].d), LR_DTLS_CONNECTED);
	CU_ASSERT_EQUAL_FATAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTED);
	now = lr_sim_now(p.sim);
	for (int i = 0; i < 2; i++) {
		n = plain_alert(d, 40, 2000);
		CU_ASSERT_EQUAL(lr_dtls_handle_input(p.e[i].d, now, d, n), 0);
		CU_ASSERT_EQUAL(lr_dtls_handle_input(p.e[i].d, now, forged,
						     sizeof(forged)),
				0);
		CU_ASSERT_EQUAL(lr_dtls_state(p.e[i].d), LR_DTLS_CONNECTED);
		CU_ASSERT_EQUAL(lr_dtls_stats(p.e[i].d)->rx_plain_alerts, 1);
	}
	n = client_hello(d, sizeof(d));
	CU_ASSERT_EQUAL(lr_dtls_handle_input(p.e[1].d, now, d, n), 0);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTED);
	CU_ASSERT_EQUAL(lr_dtls_poll_transmit(p.e[1].d, d, sizeof(d)), 0);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(lr_dtls_send(p.e[i].d, i ? "srv" : "cli", 3),
				3);
		flush(&p, i);
	}
	run(&p, now + 1000000);
	CU_ASSERT_EQUAL(lr_dtls_recv(p.e[1].d, got, sizeof(got)), 3);
	CU_ASSERT(!memcmp(got, "cli", 3));
	CU_ASSERT_EQUAL(lr_dtls_recv(p.e[0].d, got, sizeof(got)), 3);
	CU_ASSERT(!memcmp(got, "srv", 3));
	pair_free(&p);
}

/* Flip the lowest bit of the last hex digit of "hash XX:...:XY". */
static void flip_last_bit(char *fp)
{
	static const char hex[] = "0123456789ABCDEF";
	char *c = fp + strlen(fp) - 1;
	int v = (int)(strchr(hex, *c) - hex);

	*c = hex[v ^ 1];
}

/* Issue 12's acceptance list: every handshake test used sha-256, so
 * hashing the peer's certificate with another algorithm than the one
 * a=fingerprint names went unnoticed. With sha-384 and sha-512: the
 * right fingerprints connect (and the peer's certificate hashes to
 * them); one bit off fails on the fingerprint; a digest under the wrong
 * name (sha-256's labelled sha-384, sha-384's labelled sha-512) is
 * refused when the association is made. */
static void fingerprints_with(const char *hash)
{
	char cfp[LR_CERT_FP_MAX], sfp[LR_CERT_FP_MAX], got[LR_CERT_FP_MAX],
		other[LR_CERT_FP_MAX];
	struct lr_dtls_config c = {.cert = cert_a, .client = 1};
	struct lr_dtls *d;
	struct pair p;
	struct opts o = {.cfp = cfp, .sfp = sfp};

	CU_ASSERT_FATAL(lr_cert_fingerprint(cert_b, hash, cfp, sizeof(cfp)) >
			0);
	CU_ASSERT_FATAL(lr_cert_fingerprint(cert_a, hash, sfp, sizeof(sfp)) >
			0);
	pair_init(&p, &o);
	handshake(&p);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[0].d), LR_DTLS_CONNECTED);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTED);
	CU_ASSERT(lr_dtls_peer_fingerprint(p.e[0].d, hash, got, sizeof(got)) >
		  0);
	CU_ASSERT_STRING_EQUAL(got, cfp);
	CU_ASSERT(lr_dtls_peer_fingerprint(p.e[1].d, hash, got, sizeof(got)) >
		  0);
	CU_ASSERT_STRING_EQUAL(got, sfp);
	pair_free(&p);

	flip_last_bit(cfp);
	pair_init(&p, &o);
	handshake(&p);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[0].d), LR_DTLS_FAILED);
	CU_ASSERT_EQUAL(lr_dtls_failure(p.e[0].d), LR_DTLS_FAIL_FINGERPRINT);
	CU_ASSERT_EQUAL(lr_dtls_stats(p.e[0].d)->fingerprint_mismatch, 1);
	CU_ASSERT_NOT_EQUAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTED);
	pair_free(&p);

	/* The right hash's digest, but under another name. */
	CU_ASSERT_FATAL(lr_cert_fingerprint(cert_b,
					    !strcmp(hash, "sha-384")
						    ? "sha-256"
						    : "sha-384",
					    other, sizeof(other)) > 0);
	memcpy(other, hash, 7); /* "sha-256 X" -> "sha-384 X" etc. */
	c.remote_fingerprint = other;
	CU_ASSERT_EQUAL(lr_dtls_new(&c, &d), -EINVAL);
	CU_ASSERT_PTR_NULL(d);
}

static void test_fingerprint_sha384(void)
{
	fingerprints_with("sha-384");
}

static void test_fingerprint_sha512(void)
{
	fingerprints_with("sha-512");
}

void dtls_spoof_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_plain_alert_during_handshake);
	LR_ADD_TEST(s, test_plain_alerts_around_a_flight);
	LR_ADD_TEST(s, test_plain_records_after_handshake);
	LR_ADD_TEST(s, test_fingerprint_sha384);
	LR_ADD_TEST(s, test_fingerprint_sha512);
}
