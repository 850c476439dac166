/*
 * control/dtls: certificates and fingerprints (RFC 8122), DTLS 1.2
 * handshakes between two lr_dtls on the simulator's virtual clock, each
 * DTLS-SRTP profile (RFC 5764 §4.1.2, RFC 7714 §14.2) with the exported
 * keys (RFC 5764 §4.2) carrying SRTP through the core, fingerprint
 * mismatch, loss and the retransmission timer (RFC 6347 §4.2.4), MTU,
 * application data and close_notify.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "dtls_helpers.h"
#include "linerate/lr_srtp.h"

/* ---- certificates ---- */

static void test_cert_fingerprints(void)
{
	uint8_t der[4096], md[64];
	char fp[LR_CERT_FP_MAX], hex[4];
	unsigned mdlen;
	int n = lr_cert_der(cert_a, der, sizeof(der));
	static const struct {
		const char *name, *ossl;
		int len;
	} h[] = {{"sha-256", "SHA256", 32},
		 {"sha-384", "SHA384", 48},
		 {"sha-512", "SHA512", 64}};

	CU_ASSERT_FATAL(n > 0);
	for (unsigned i = 0; i < 3; i++) {
		int l = lr_cert_fingerprint(cert_a, h[i].name, fp, sizeof(fp));
		size_t hl = strlen(h[i].name);

		/* "sha-256 " + 32 x "XX:" - 1 */
		CU_ASSERT_EQUAL(l, (int)hl + 1 + h[i].len * 3 - 1);
		CU_ASSERT_EQUAL((int)strlen(fp), l);
		CU_ASSERT(!strncmp(fp, h[i].name, hl) && fp[hl] == ' ');
		/* Independently: the digest of the DER (RFC 8122 §5). */
		CU_ASSERT_FATAL(EVP_Digest(der, (size_t)n, md, &mdlen,
					   EVP_get_digestbyname(h[i].ossl),
					   NULL));
		CU_ASSERT_EQUAL((int)mdlen, h[i].len);
		for (unsigned k = 0; k < mdlen; k++) {
			snprintf(hex, sizeof(hex), "%02X", md[k]);
			CU_ASSERT(!memcmp(fp + hl + 1 + 3 * k, hex, 2));
		}
	}
	CU_ASSERT_EQUAL(lr_cert_fingerprint(cert_a, "md5", fp, sizeof(fp)),
			-EINVAL);
	CU_ASSERT_EQUAL(lr_cert_fingerprint(cert_a, "sha-512", fp, 20),
			-ENOSPC);
}

static void test_cert_params(void)
{
	struct lr_cert *c;

	CU_ASSERT_EQUAL(lr_cert_expires(cert_a), NOW_UNIX + 30 * 86400LL);
	CU_ASSERT_EQUAL(lr_cert_expires(cert_rsa), NOW_UNIX + 365 * 86400LL);
	CU_ASSERT_EQUAL(lr_cert_kind(cert_rsa), LR_CERT_RSA_2048);
	CU_ASSERT_EQUAL(lr_cert_kind(cert_a), LR_CERT_ECDSA_P256);
	CU_ASSERT_EQUAL(
		lr_cert_generate(LR_CERT_ECDSA_P256, NOW_UNIX, 0, 0, &c),
		-EINVAL); /* serial 0 */
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_EQUAL(lr_cert_generate(7, NOW_UNIX, 0, 5, &c), -EINVAL);
	CU_ASSERT_EQUAL(
		lr_cert_generate(LR_CERT_ECDSA_P256, NOW_UNIX, 0, 5, &c), 0);
	CU_ASSERT_EQUAL(lr_cert_expires(c), NOW_UNIX + 30 * 86400LL);
	lr_cert_free(c);
}

static void assert_mirrored(struct pair *p, uint16_t profile)
{
	struct lr_srtp_policy ctx, crx, stx, srx;
	unsigned kl = profile == LR_DTLS_SRTP_AEAD_AES_256_GCM ? 32 : 16;
	unsigned sl = profile >= LR_DTLS_SRTP_AEAD_AES_128_GCM ? 12 : 14;

	CU_ASSERT_EQUAL_FATAL(lr_dtls_srtp_keys(p->e[0].d, &ctx, &crx), 0);
	CU_ASSERT_EQUAL_FATAL(lr_dtls_srtp_keys(p->e[1].d, &stx, &srx), 0);
	CU_ASSERT_EQUAL(ctx.suite, profile);
	CU_ASSERT_EQUAL(ctx.key_len, kl);
	CU_ASSERT_EQUAL(ctx.salt_len, sl);
	CU_ASSERT(!memcmp(&ctx, &srx, sizeof(ctx)));
	CU_ASSERT(!memcmp(&crx, &stx, sizeof(crx)));
	CU_ASSERT(memcmp(ctx.key, crx.key, kl) != 0);
	CU_ASSERT(memcmp(ctx.salt, crx.salt, sl) != 0);
}

/* RTP from a to b with a's tx keys and b's rx keys, through the core. */
static void assert_srtp_flows(struct lr_dtls *a, struct lr_dtls *b)
{
	struct lr_srtp_policy atx, arx, btx, brx;
	struct lr_srtp_session *tx, *rx;
	uint8_t buf[256], plain[172];
	struct lr_pkt pkt = {.data = buf, .room = sizeof(buf)}, *pp = &pkt;
	uint32_t ssrc = 0x11223344;
	struct lr_srtp_config tc = {
		.dir = LR_SRTP_OUTBOUND, .ssrcs = &ssrc, .nssrcs = 1};
	struct lr_srtp_config rc = {.dir = LR_SRTP_INBOUND, .any_ssrc = 1};

	CU_ASSERT_EQUAL_FATAL(lr_dtls_srtp_keys(a, &atx, &arx), 0);
	CU_ASSERT_EQUAL_FATAL(lr_dtls_srtp_keys(b, &btx, &brx), 0);
	tc.policy = atx;
	rc.policy = brx;
	CU_ASSERT_EQUAL_FATAL(lr_srtp_session_new(&tx, &tc), 0);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_session_new(&rx, &rc), 0);
	for (unsigned seq = 0; seq < 50; seq++) {
		lr_test_fill(plain, sizeof(plain));
		plain[0] = 0x80;
		plain[1] = 111;
		plain[2] = (uint8_t)(seq >> 8);
		plain[3] = (uint8_t)seq;
		plain[8] = 0x11, plain[9] = 0x22, plain[10] = 0x33;
		plain[11] = 0x44;
		memcpy(buf, plain, sizeof(plain));
		pkt.len = sizeof(plain);
		CU_ASSERT_EQUAL(lr_srtp_session_protect(tx, &pp, 1), 1);
		CU_ASSERT(pkt.len > sizeof(plain));
		CU_ASSERT_EQUAL(lr_srtp_session_unprotect(rx, &pp, 1), 1);
		CU_ASSERT_EQUAL(pkt.len, sizeof(plain));
		CU_ASSERT(!memcmp(buf, plain, sizeof(plain)));
	}
	lr_srtp_session_free(tx);
	lr_srtp_session_free(rx);
}

static void test_handshake_default(void)
{
	struct pair p;
	struct opts o = {0};
	char fp[LR_CERT_FP_MAX], want[LR_CERT_FP_MAX];

	pair_init(&p, &o);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[0].d), LR_DTLS_NEW);
	CU_ASSERT_EQUAL(lr_dtls_poll_timeout(p.e[0].d), UINT64_MAX);
	handshake(&p);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(lr_dtls_state(p.e[i].d), LR_DTLS_CONNECTED);
		CU_ASSERT_EQUAL(lr_dtls_version(p.e[i].d), 0xFEFD);
		CU_ASSERT_EQUAL(lr_dtls_extms(p.e[i].d), 1);
		CU_ASSERT_EQUAL(lr_dtls_profile(p.e[i].d),
				LR_DTLS_SRTP_AEAD_AES_128_GCM);
		CU_ASSERT_PTR_NOT_NULL(lr_dtls_cipher(p.e[i].d));
		CU_ASSERT(p.e[i].max_dgram <= 1200);
		CU_ASSERT_EQUAL(lr_dtls_stats(p.e[i].d)->retransmits, 0);
		CU_ASSERT_EQUAL(lr_dtls_poll_timeout(p.e[i].d), UINT64_MAX);
	}
	CU_ASSERT_STRING_EQUAL(lr_dtls_cipher(p.e[0].d),
			       "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
	/* Two round trips of 40 ms: client done after its Finished comes
	 * back, at 80 ms; the server at 60 ms. No timer fired. */
	CU_ASSERT_EQUAL(p.e[1].t_connected, 60000);
	CU_ASSERT_EQUAL(p.e[0].t_connected, 80000);
	CU_ASSERT_EQUAL(lr_dtls_peer_fingerprint(p.e[0].d, "sha-256", fp,
						 sizeof(fp)) > 0,
			1);
	fp_of(cert_b, want);
	CU_ASSERT_STRING_EQUAL(fp, want);
	assert_mirrored(&p, LR_DTLS_SRTP_AEAD_AES_128_GCM);
	assert_srtp_flows(p.e[0].d, p.e[1].d);
	assert_srtp_flows(p.e[1].d, p.e[0].d);
	pair_free(&p);
}

static void one_profile(uint16_t id)
{
	struct pair p;
	struct opts o = {.sprof = &id, .nsprof = 1, .seed = id};

	pair_init(&p, &o);
	handshake(&p);
	CU_ASSERT_EQUAL_FATAL(lr_dtls_state(p.e[0].d), LR_DTLS_CONNECTED);
	CU_ASSERT_EQUAL_FATAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTED);
	CU_ASSERT_EQUAL(lr_dtls_profile(p.e[0].d), id);
	CU_ASSERT_EQUAL(lr_dtls_profile(p.e[1].d), id);
	assert_mirrored(&p, id);
	assert_srtp_flows(p.e[0].d, p.e[1].d);
	assert_srtp_flows(p.e[1].d, p.e[0].d);
	pair_free(&p);
}

static void test_profile_gcm128(void)
{
	one_profile(LR_DTLS_SRTP_AEAD_AES_128_GCM);
}

static void test_profile_gcm256(void)
{
	one_profile(LR_DTLS_SRTP_AEAD_AES_256_GCM);
}

static void test_profile_cm80(void)
{
	one_profile(LR_DTLS_SRTP_AES128_CM_SHA1_80);
}

static void test_profile_cm32(void)
{
	one_profile(LR_DTLS_SRTP_AES128_CM_SHA1_32);
}

/* What Chromium offers (no CM_32, CM_80 first): our server order wins. */
static void test_profile_server_preference(void)
{
	static const uint16_t chromium[] = {LR_DTLS_SRTP_AES128_CM_SHA1_80,
					    LR_DTLS_SRTP_AEAD_AES_256_GCM,
					    LR_DTLS_SRTP_AEAD_AES_128_GCM};
	struct pair p;
	struct opts o = {.cprof = chromium, .ncprof = 3};

	pair_init(&p, &o);
	handshake(&p);
	CU_ASSERT_EQUAL(lr_dtls_profile(p.e[0].d),
			LR_DTLS_SRTP_AEAD_AES_128_GCM);
	pair_free(&p);
}

static void test_no_common_profile(void)
{
	static const uint16_t c[] = {LR_DTLS_SRTP_AES128_CM_SHA1_32};
	static const uint16_t s[] = {LR_DTLS_SRTP_AEAD_AES_256_GCM};
	struct pair p;
	struct opts o = {.cprof = c, .ncprof = 1, .sprof = s, .nsprof = 1};
	struct lr_srtp_policy tx, rx;

	pair_init(&p, &o);
	handshake(&p);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(lr_dtls_state(p.e[i].d), LR_DTLS_FAILED);
		CU_ASSERT_EQUAL(lr_dtls_srtp_keys(p.e[i].d, &tx, &rx), -EAGAIN);
	}
	CU_ASSERT_EQUAL(lr_dtls_failure(p.e[1].d), LR_DTLS_FAIL_NO_SRTP);
	pair_free(&p);
}

static void mismatch(const char *who)
{
	struct pair p;
	struct opts o = {.bad_fp_for = who};
	int bad = !strcmp(who, "client") ? 0 : 1;
	struct lr_srtp_policy tx, rx;

	pair_init(&p, &o);
	handshake(&p);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[bad].d), LR_DTLS_FAILED);
	CU_ASSERT_EQUAL(lr_dtls_failure(p.e[bad].d), LR_DTLS_FAIL_FINGERPRINT);
	CU_ASSERT_EQUAL(lr_dtls_stats(p.e[bad].d)->fingerprint_mismatch, 1);
	CU_ASSERT_EQUAL(lr_dtls_srtp_keys(p.e[bad].d, &tx, &rx), -EAGAIN);
	/* Its alert (bad_certificate) goes out in plaintext, at epoch 0,
	 * where anyone could forge one (issue 12, defect 2): the other side
	 * counts and drops it, and fails when its flight goes unanswered
	 * (max_retransmits, about 3 minutes). Neither ends up with keys. */
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[1 - bad].d), LR_DTLS_FAILED);
	CU_ASSERT_EQUAL(lr_dtls_failure(p.e[1 - bad].d), LR_DTLS_FAIL_TIMEOUT);
	CU_ASSERT_EQUAL(lr_dtls_stats(p.e[1 - bad].d)->rx_plain_alerts, 1);
	CU_ASSERT_EQUAL(lr_dtls_srtp_keys(p.e[1 - bad].d, &tx, &rx), -EAGAIN);
	pair_free(&p);
}

static void test_fingerprint_mismatch_client(void)
{
	mismatch("client");
}

static void test_fingerprint_mismatch_server(void)
{
	mismatch("server");
}

static void test_bad_fingerprint_strings(void)
{
	static const char *bad[] = {
		"sha-256",
		"sha-256 ",
		"md5 AB:CD",
		"sha-256 AB:CD",
		"sha-256 ZZ:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:"
		"00:00:00:00:00:00:00:00:00:00:00:00:00:00",
		"sha-256 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:"
		"00:00:00:00:00:00:00:00:00:00:00:00:00:00:",
		"sha-256 0000:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:"
		"00:00:00:00:00:00:00:00:00:00:00:00:00:00",
	};
	struct lr_dtls_config cfg = {.cert = cert_a};
	struct lr_dtls *d;
	char ok[LR_CERT_FP_MAX];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg.remote_fingerprint = bad[i];
		CU_ASSERT_EQUAL(lr_dtls_new(&cfg, &d), -EINVAL);
		CU_ASSERT_PTR_NULL(d);
	}
	/* Lower-case hex and an upper-case hash name are accepted. */
	fp_of(cert_b, ok);
	for (char *c = ok; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'F' ? *c | 0x20 : *c);
	ok[0] = 'S', ok[1] = 'H', ok[2] = 'A';
	cfg.remote_fingerprint = ok;
	CU_ASSERT_EQUAL(lr_dtls_new(&cfg, &d), 0);
	lr_dtls_free(d);
}

/* 30 % loss each way: the flights are retransmitted on the virtual
 * clock until both sides are connected with the same keys. */
static void test_loss_retransmits(void)
{
	uint64_t retrans = 0;

	for (uint64_t seed = 1; seed <= 8; seed++) {
		struct pair p;
		struct opts o = {.loss = 0.3, .seed = seed};

		pair_init(&p, &o);
		handshake(&p);
		CU_ASSERT_EQUAL(lr_dtls_state(p.e[0].d), LR_DTLS_CONNECTED);
		CU_ASSERT_EQUAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTED);
		if (lr_dtls_state(p.e[0].d) == LR_DTLS_CONNECTED &&
		    lr_dtls_state(p.e[1].d) == LR_DTLS_CONNECTED)
			assert_mirrored(&p, LR_DTLS_SRTP_AEAD_AES_128_GCM);
		retrans += lr_dtls_stats(p.e[0].d)->retransmits +
			   lr_dtls_stats(p.e[1].d)->retransmits;
		pair_free(&p);
	}
	CU_ASSERT(retrans > 0);
}

/* The client's ClientHello goes nowhere: it is resent after 1, 2, 4 ..
 * seconds (capped at 60) and the handshake fails after max_retransmits. */
static void test_timer_backoff_and_timeout(void)
{
	struct pair p;
	struct opts o = {0};
	uint64_t expect = 0, step = 1000000, last = 0;
	uint8_t buf[2048];
	unsigned sends = 0;

	pair_init(&p, &o);
	lr_dtls_start(p.e[0].d, 0);
	while (lr_dtls_poll_transmit(p.e[0].d, buf, sizeof(buf)) > 0)
		sends++;
	CU_ASSERT_EQUAL(sends, 1);
	for (unsigned k = 0; k < 7; k++) {
		uint64_t t = lr_dtls_poll_timeout(p.e[0].d);

		expect += step;
		CU_ASSERT_EQUAL(t, expect);
		/* Early: nothing happens. */
		lr_dtls_handle_timeout(p.e[0].d, t - 1);
		CU_ASSERT_EQUAL(
			lr_dtls_poll_transmit(p.e[0].d, buf, sizeof(buf)), 0);
		lr_dtls_handle_timeout(p.e[0].d, t);
		CU_ASSERT(lr_dtls_poll_transmit(p.e[0].d, buf, sizeof(buf)) >
			  0);
		CU_ASSERT_EQUAL(buf[0], 22); /* handshake record */
		step = step * 2 > 60000000 ? 60000000 : step * 2;
		last = t;
	}
	CU_ASSERT_EQUAL(lr_dtls_stats(p.e[0].d)->retransmits, 7);
	CU_ASSERT_EQUAL(last, (1 + 2 + 4 + 8 + 16 + 32 + 60) * 1000000ull);
	lr_dtls_handle_timeout(p.e[0].d, lr_dtls_poll_timeout(p.e[0].d));
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[0].d), LR_DTLS_FAILED);
	CU_ASSERT_EQUAL(lr_dtls_failure(p.e[0].d), LR_DTLS_FAIL_TIMEOUT);
	CU_ASSERT_EQUAL(lr_dtls_poll_timeout(p.e[0].d), UINT64_MAX);
	pair_free(&p);
}

/* RSA-2048 certificates make the biggest flights: with MTU 1200 and 600
 * every datagram fits, and the handshake completes. */
static void test_mtu_rsa(void)
{
	static const uint16_t mtus[] = {1200, 600};

	for (unsigned i = 0; i < 2; i++) {
		struct pair p;
		struct opts o = {
			.ccert = cert_rsa, .scert = cert_rsa, .mtu = mtus[i]};

		pair_init(&p, &o);
		handshake(&p);
		CU_ASSERT_EQUAL(lr_dtls_state(p.e[0].d), LR_DTLS_CONNECTED);
		CU_ASSERT_EQUAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTED);
		CU_ASSERT(p.e[0].max_dgram <= mtus[i]);
		CU_ASSERT(p.e[1].max_dgram <= mtus[i]);
		/* The server's first flight needed more than one datagram. */
		CU_ASSERT(p.e[1].sent >= 3);
		CU_ASSERT_STRING_EQUAL(lr_dtls_cipher(p.e[0].d),
				       "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
		pair_free(&p);
	}
}

/* Junk between the flights is refused and counted; the handshake goes
 * on as if it was never there. */
static void test_garbage_input(void)
{
	struct pair p;
	struct opts o = {0};
	uint8_t junk[64];
	static const uint8_t short_rec[] = {22, 0xfe, 0xfd, 0};
	uint8_t fake[40] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 27};

	memset(fake + 13, 0, sizeof(fake) - 13);

	pair_init(&p, &o);
	lr_dtls_start(p.e[1].d, 0);
	memset(junk, 0x80, sizeof(junk)); /* RTP, not DTLS */
	CU_ASSERT_EQUAL(lr_dtls_handle_input(p.e[1].d, 0, junk, sizeof(junk)),
			-EINVAL);
	CU_ASSERT_EQUAL(
		lr_dtls_handle_input(p.e[1].d, 0, short_rec, sizeof(short_rec)),
		-EINVAL);
	CU_ASSERT_EQUAL(lr_dtls_stats(p.e[1].d)->rx_rejected, 2);
	/* Well-framed records with impossible handshake headers: an
	 * unknown message type, a fragment that overruns its message, a
	 * record length past the datagram. */
	fake[13] = 99;
	CU_ASSERT_EQUAL(lr_dtls_handle_input(p.e[1].d, 0, fake, sizeof(fake)),
			-EINVAL);
	fake[13] = 1;
	fake[16] = 5;  /* message length 5 */
	fake[24] = 15; /* fragment length 15 */
	CU_ASSERT_EQUAL(lr_dtls_handle_input(p.e[1].d, 0, fake, sizeof(fake)),
			-EINVAL);
	fake[12] = 28;
	CU_ASSERT_EQUAL(lr_dtls_handle_input(p.e[1].d, 0, fake, sizeof(fake)),
			-EINVAL);
	CU_ASSERT_EQUAL(lr_dtls_stats(p.e[1].d)->rx_rejected, 5);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTING);
	lr_dtls_start(p.e[0].d, 0);
	flush(&p, 0);
	run(&p, 600ull * 1000000);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[0].d), LR_DTLS_CONNECTED);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[1].d), LR_DTLS_CONNECTED);
	pair_free(&p);
}

/* Application data both ways, record boundaries kept; close_notify. */
static void test_app_data_and_close(void)
{
	struct pair p;
	struct opts o = {0};
	uint8_t msg[1100], got[2048];

	pair_init(&p, &o);
	CU_ASSERT_EQUAL(lr_dtls_send(p.e[0].d, "x", 1), -EAGAIN);
	handshake(&p);
	for (int i = 0; i < 2; i++) {
		for (unsigned k = 0; k < 5; k++) {
			memset(msg, (int)(k + 16 * i), sizeof(msg));
			CU_ASSERT_EQUAL(lr_dtls_send(p.e[i].d, msg, 100 + k),
					(int)(100 + k));
		}
		flush(&p, i);
	}
	run(&p, lr_sim_now(p.sim) + 1000000);
	for (int i = 0; i < 2; i++) {
		for (unsigned k = 0; k < 5; k++) {
			int n = lr_dtls_recv(p.e[i].d, got, sizeof(got));

			CU_ASSERT_EQUAL(n, (int)(100 + k));
			CU_ASSERT_EQUAL(got[0], (uint8_t)(k + 16 * (1 - i)));
		}
		CU_ASSERT_EQUAL(lr_dtls_recv(p.e[i].d, got, sizeof(got)), 0);
		CU_ASSERT_EQUAL(lr_dtls_stats(p.e[i].d)->app_rx_records, 5);
	}
	CU_ASSERT_EQUAL(lr_dtls_send(p.e[0].d, msg, 20000), -EMSGSIZE);
	lr_dtls_close(p.e[0].d);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[0].d), LR_DTLS_CLOSED);
	flush(&p, 0);
	run(&p, lr_sim_now(p.sim) + 1000000);
	CU_ASSERT_EQUAL(lr_dtls_state(p.e[1].d), LR_DTLS_CLOSED);
	CU_ASSERT_EQUAL(lr_dtls_send(p.e[1].d, "x", 1), -EPIPE);
	pair_free(&p);
}

/* A shared context (one SSL_CTX per certificate) serves several
 * associations, and may be freed before them. */
static void test_shared_ctx(void)
{
	static const uint16_t cm80 = LR_DTLS_SRTP_AES128_CM_SHA1_80;
	struct lr_dtls_ctx *ca, *cb;
	char fa[LR_CERT_FP_MAX], fb[LR_CERT_FP_MAX];

	fp_of(cert_a, fa);
	fp_of(cert_b, fb);
	CU_ASSERT_EQUAL_FATAL(lr_dtls_ctx_new(cert_a, NULL, 0, &ca), 0);
	CU_ASSERT_EQUAL(lr_dtls_ctx_new(NULL, NULL, 0, &cb), -EINVAL);
	CU_ASSERT_PTR_NULL(cb);
	CU_ASSERT_EQUAL_FATAL(lr_dtls_ctx_new(cert_b, &cm80, 1, &cb), 0);
	for (int round = 0; round < 3; round++) {
		struct pair p;
		struct opts o = {.seed = 40 + (uint64_t)round};

		pair_init(&p, &o);
		/* replace the two with ones on the shared contexts */
		lr_dtls_free(p.e[0].d);
		lr_dtls_free(p.e[1].d);
		{
			struct lr_dtls_config c0 = {.ctx = ca,
						    .client = 1,
						    .remote_fingerprint = fb};
			struct lr_dtls_config c1 = {.ctx = cb,
						    .remote_fingerprint = fa};

			CU_ASSERT_EQUAL_FATAL(lr_dtls_new(&c0, &p.e[0].d), 0);
			CU_ASSERT_EQUAL_FATAL(lr_dtls_new(&c1, &p.e[1].d), 0);
		}
		if (round == 2) {
			/* the associations keep the contexts alive */
			lr_dtls_ctx_free(ca);
			lr_dtls_ctx_free(cb);
		}
		handshake(&p);
		CU_ASSERT_EQUAL(lr_dtls_state(p.e[0].d), LR_DTLS_CONNECTED);
		CU_ASSERT_EQUAL(lr_dtls_profile(p.e[0].d),
				LR_DTLS_SRTP_AES128_CM_SHA1_80);
		assert_mirrored(&p, LR_DTLS_SRTP_AES128_CM_SHA1_80);
		pair_free(&p);
	}
}

void lr_test_register(void)
{
	CU_pSuite s =
		CU_add_suite("dtls", dtls_certs_setup, dtls_certs_teardown);

	LR_ADD_TEST(s, test_cert_fingerprints);
	LR_ADD_TEST(s, test_cert_params);
	LR_ADD_TEST(s, test_handshake_default);
	LR_ADD_TEST(s, test_profile_gcm128);
	LR_ADD_TEST(s, test_profile_gcm256);
	LR_ADD_TEST(s, test_profile_cm80);
	LR_ADD_TEST(s, test_profile_cm32);
	LR_ADD_TEST(s, test_profile_server_preference);
	LR_ADD_TEST(s, test_no_common_profile);
	LR_ADD_TEST(s, test_fingerprint_mismatch_client);
	LR_ADD_TEST(s, test_fingerprint_mismatch_server);
	LR_ADD_TEST(s, test_bad_fingerprint_strings);
	LR_ADD_TEST(s, test_loss_retransmits);
	LR_ADD_TEST(s, test_timer_backoff_and_timeout);
	LR_ADD_TEST(s, test_mtu_rsa);
	LR_ADD_TEST(s, test_garbage_input);
	LR_ADD_TEST(s, test_app_data_and_close);
	LR_ADD_TEST(s, test_shared_ctx);
	dtls_spoof_add_tests(s);
}
