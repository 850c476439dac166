// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-handshake: full WebRTC session set-ups per second on one core.
 *
 * A session is two lr_pc in this process on the network simulator (virtual
 * clock, no waiting): offer/answer, ICE checks to a selected pair, the
 * DTLS 1.2 handshake with certificate fingerprint checks, SRTP keys
 * exported and SRTP sessions made ("keys ready" on both sides), and with
 * --data also the SCTP association and a data channel open. Both sides
 * run here, so one session is the work of two endpoints.
 *
 * Baseline in the same process: the bare OpenSSL DTLS 1.2 handshake
 * between two SSL objects over memory BIOs, with the same certificates,
 * ciphers, use_srtp profiles and fingerprint digest, one SSL_CTX reused:
 * the least any DTLS-SRTP endpoint pair can do. The ratio says how close
 * lr_pc's whole session comes to that.
 *
 * Times are CPU time of this process (CLOCK_PROCESS_CPUTIME_ID) over all
 * sessions. One JSON object per line, then a table.
 *
 *   lr-bench-handshake [--sessions N] [--quick] [--profile K]
 *
 * --profile K runs variant K alone (0: shared contexts, 1: + SCTP,
 * 2: per-session contexts, 3: + SCTP), for perf.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "linerate/lr_pc.h"
#include "linerate/lr_srtp.h"
#include "lr_sim.h"
#include "lr_sim.h"

#define NOW_UNIX 1795000000

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- lr_pc sessions ---- */

struct side {
	struct lr_pc *pc;
	struct lr_addr addr;
	int host, ready, open;
};

static uint64_t sim_clock;

static void drain(struct lr_sim *sim, struct side *s, struct side *o)
{
	struct lr_pc_event ev;
	struct lr_pc_transmit t;

	while (lr_pc_poll_transmit(s->pc, &t)) {
		struct lr_addr a = t.local, b = t.remote;

		lr_sim_send(sim, &a, &b, t.buf, t.len);
	}
	while (lr_pc_poll_event(s->pc, &ev)) {
		if (ev.type == LR_PC_EV_ICE_CANDIDATE &&
		    lr_pc_remote_description(o->pc))
			lr_pc_add_ice_candidate(o->pc, ev.cand);
		if (ev.type == LR_PC_EV_KEYS_READY)
			s->ready = 1;
		if (ev.type == LR_PC_EV_DC_OPEN)
			s->open = 1;
		lr_pc_event_clear(&ev);
	}
}

struct shared {
	const struct lr_cert *cert[2];
	struct lr_dtls_ctx *ctx[2]; /* NULL: per-session contexts */
	struct lr_srtp_worker *worker[2];
};

static int session(const struct shared *sh, int data, uint64_t seed)
{
	static char sdp[65536];
	struct lr_sim *sim = lr_sim_new(seed);
	struct side s[2] = {{0}};
	uint8_t buf[2048];
	struct lr_addr src, dst;
	int ok = 0;

	lr_sim_advance(sim, sim_clock);
	for (int i = 0; i < 2; i++) {
		struct lr_addr sa;
		struct lr_pc_config c = {.cert = sh->cert[i],
					 .dtls_ctx = sh->ctx[i],
					 .srtp_worker = sh->worker[i],
					 .nlocal = 1,
					 .rand = lr_rand_system()};

		s[i].addr = lr_sim_v4(192, 0, 2, (uint8_t)(10 + i), 5000);
		c.local = &s[i].addr;
		s[i].host = lr_sim_add_host(sim, -1);
		sa = s[i].addr;
		lr_sim_host_addr(sim, s[i].host, &sa);
		if (lr_pc_new(&c, lr_sim_now(sim), &s[i].pc))
			goto out;
	}
	lr_pc_add_transceiver(s[0].pc, "audio", LR_SDP_SENDRECV);
	if (data)
		lr_pc_create_data_channel(s[0].pc, "bench", NULL);
	if (lr_pc_create_offer(s[0].pc, sdp, sizeof(sdp)) < 0 ||
	    lr_pc_set_local_description(s[0].pc, LR_PC_OFFER, sdp, NULL) ||
	    lr_pc_set_remote_description(s[1].pc, LR_PC_OFFER, sdp, NULL) ||
	    lr_pc_create_answer(s[1].pc, sdp, sizeof(sdp)) < 0 ||
	    lr_pc_set_local_description(s[1].pc, LR_PC_ANSWER, sdp, NULL) ||
	    lr_pc_set_remote_description(s[0].pc, LR_PC_ANSWER, sdp, NULL))
		goto out;
	while (lr_sim_now(sim) < sim_clock + 60000000ull) {
		uint64_t now = lr_sim_now(sim), next;
		int n;

		for (int i = 0; i < 2; i++) {
			while ((n = lr_sim_recv(sim, s[i].host, &src, &dst, buf,
						sizeof(buf))) > 0) {
				struct lr_addr l = dst, r = src;

				lr_pc_handle_packet(s[i].pc, now, &l, &r, buf,
						    (size_t)n);
			}
			lr_pc_handle_timeout(s[i].pc, now);
			drain(sim, &s[i], &s[1 - i]);
		}
		if (s[0].ready && s[1].ready &&
		    (!data || (s[0].open && s[1].open))) {
			ok = 1;
			break;
		}
		next = lr_sim_next(sim);
		for (int i = 0; i < 2; i++)
			if (lr_pc_poll_timeout(s[i].pc) < next)
				next = lr_pc_poll_timeout(s[i].pc);
		lr_sim_advance(sim, next > now ? next : now + 1);
	}
out:
	sim_clock = lr_sim_now(sim) + 1000000;
	for (int i = 0; i < 2; i++)
		lr_pc_free(s[i].pc);
	lr_sim_free(sim);
	return ok;
}

/* ---- baseline: bare OpenSSL DTLS over memory BIOs ---- */

static int verify_cb(int ok, X509_STORE_CTX *st)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n;

	(void)ok;
	if (X509_STORE_CTX_get_error_depth(st) == 0)
		X509_digest(X509_STORE_CTX_get_current_cert(st), EVP_sha256(),
			    md, &n);
	return 1;
}

static SSL_CTX *ctx_for(X509 *x, EVP_PKEY *k)
{
	SSL_CTX *c = SSL_CTX_new(DTLS_method());

	SSL_CTX_set_min_proto_version(c, DTLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(c, DTLS1_2_VERSION);
	SSL_CTX_set_cipher_list(c, "ECDHE-ECDSA-AES128-GCM-SHA256");
	SSL_CTX_set1_groups_list(c, "X25519:P-256:P-384");
	SSL_CTX_use_certificate(c, x);
	SSL_CTX_use_PrivateKey(c, k);
	SSL_CTX_set_tlsext_use_srtp(
		c, "SRTP_AEAD_AES_128_GCM:SRTP_AEAD_AES_256_GCM:"
		   "SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32");
	SSL_CTX_set_options(c, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
	SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
			   verify_cb);
	return c;
}

static void move(SSL *from, SSL *to)
{
	char b[4096];
	int n;

	while ((n = BIO_read(SSL_get_wbio(from), b, sizeof(b))) > 0)
		BIO_write(SSL_get_rbio(to), b, n);
}

static int raw_handshake(SSL_CTX *cc, SSL_CTX *sc)
{
	SSL *c = SSL_new(cc), *s = SSL_new(sc);
	int done_c = 0, done_s = 0, rounds = 0;
	uint8_t km[60];

	SSL_set_bio(c, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
	SSL_set_bio(s, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
	SSL_set_mtu(c, 1200);
	SSL_set_mtu(s, 1200);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	while ((!done_c || !done_s) && rounds++ < 50) {
		done_c |= SSL_do_handshake(c) == 1;
		move(c, s);
		done_s |= SSL_do_handshake(s) == 1;
		move(s, c);
	}
	if (done_c && done_s) {
		SSL_export_keying_material(c, km, 56, "EXTRACTOR-dtls_srtp", 19,
					   NULL, 0, 0);
		SSL_export_keying_material(s, km, 56, "EXTRACTOR-dtls_srtp", 19,
					   NULL, 0, 0);
	}
	ERR_clear_error();
	SSL_free(c);
	SSL_free(s);
	return done_c && done_s;
}

struct cert_pair {
	X509 *x;
	EVP_PKEY *k;
};

static struct cert_pair raw_cert(void)
{
	struct cert_pair p;
	X509_NAME *n;

	p.k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	p.x = X509_new();
	X509_set_version(p.x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(p.x), 7);
	X509_gmtime_adj(X509_getm_notBefore(p.x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(p.x), 86400 * 30);
	n = X509_get_subject_name(p.x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (const unsigned char *)"baseline", -1, -1,
				   0);
	X509_set_issuer_name(p.x, n);
	X509_set_pubkey(p.x, p.k);
	X509_sign(p.x, p.k, EVP_sha256());
	return p;
}

static void line(const char *variant, unsigned n, unsigned ok, double secs,
		 double base)
{
	printf("{\"bench\":\"handshake\",\"variant\":\"%s\",\"sessions\":%u,"
	       "\"ok\":%u,\"per_s\":%.1f,\"cpu_us\":%.1f",
	       variant, n, ok, n / secs, secs / n * 1e6);
	if (base > 0)
		printf(",\"vs_baseline\":%.3f", base / secs);
	printf("}\n");
}

static double run_sessions(const struct shared *sh, int data, unsigned n,
			   unsigned *ok, uint64_t seed0)
{
	double t0 = cpu_s();

	*ok = 0;
	for (unsigned i = 0; i < n; i++)
		*ok += (unsigned)session(sh, data, seed0 + i);
	return cpu_s() - t0;
}

int main(int argc, char **argv)
{
	unsigned n = 300, okr = 0, ok[4];
	struct shared own = {{0}}, gw = {{0}};
	struct cert_pair ra, rb;
	SSL_CTX *cc, *sc;
	double t0, raw_s, cert_s, secs[4];
	static const char *const names[4] = {
		"lr_pc-ice-dtls-srtp", "lr_pc-ice-dtls-srtp-sctp",
		"lr_pc-ice-dtls-srtp-own-contexts",
		"lr_pc-ice-dtls-srtp-sctp-own-contexts"};
	int rc = 0, only = -1;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--sessions") && i + 1 < argc)
			n = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--quick"))
			n = 50;
		else if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			only = atoi(argv[++i]); /* run variant k alone */
	if (only >= 0 && only < 4) {
		struct lr_cert *c[2];
		struct shared sh = {{0}};

		for (int i = 0; i < 2; i++) {
			lr_cert_generate(LR_CERT_ECDSA_P256, NOW_UNIX, 30,
					 (uint64_t)i + 1, &c[i]);
			sh.cert[i] = c[i];
			if (only < 2) {
				lr_dtls_ctx_new(c[i], NULL, 0, &sh.ctx[i]);
				sh.worker[i] =
					lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
			}
		}
		secs[0] = run_sessions(&sh, only & 1, n, &ok[0], 7);
		line(names[only], n, ok[0], secs[0], 0);
		for (int i = 0; i < 2; i++) {
			lr_dtls_ctx_free(sh.ctx[i]);
			lr_srtp_worker_free(sh.worker[i]);
			lr_cert_free(c[i]);
		}
		return ok[0] != n;
	}
	t0 = cpu_s();
	for (unsigned i = 0; i < 20; i++) {
		struct lr_cert *c;

		lr_cert_generate(LR_CERT_ECDSA_P256, NOW_UNIX, 30, i + 1, &c);
		lr_cert_free(c);
	}
	cert_s = (cpu_s() - t0) / 20;
	for (int i = 0; i < 2; i++) {
		struct lr_cert *c;

		if (lr_cert_generate(LR_CERT_ECDSA_P256, NOW_UNIX, 30,
				     (uint64_t)i + 1, &c))
			return 1;
		own.cert[i] = gw.cert[i] = c;
		/* what a gateway does: one DTLS context per certificate,
		 * one SRTP worker per thread */
		if (lr_dtls_ctx_new(c, NULL, 0, &gw.ctx[i]))
			return 1;
		gw.worker[i] = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	}
	ra = raw_cert();
	rb = raw_cert();
	cc = ctx_for(ra.x, ra.k);
	sc = ctx_for(rb.x, rb.k);
	/* warm-up */
	session(&gw, 1, 1);
	raw_handshake(cc, sc);

	t0 = cpu_s();
	for (unsigned i = 0; i < n; i++)
		okr += (unsigned)raw_handshake(cc, sc);
	raw_s = cpu_s() - t0;
	secs[0] = run_sessions(&gw, 0, n, &ok[0], 100);
	secs[1] = run_sessions(&gw, 1, n, &ok[1], 100000);
	secs[2] = run_sessions(&own, 0, n, &ok[2], 200000);
	secs[3] = run_sessions(&own, 1, n, &ok[3], 300000);

	line("openssl-dtls-baseline", n, okr, raw_s, 0);
	for (int k = 0; k < 4; k++)
		line(names[k], n, ok[k], secs[k], raw_s);
	printf("{\"bench\":\"cert\",\"variant\":\"ecdsa-p256-generate\","
	       "\"cpu_us\":%.1f}\n",
	       cert_s * 1e6);
	printf("\nsession set-ups per second, one core, both endpoints in "
	       "this process:\n");
	printf("  %-40s %8.1f /s %8.1f us\n",
	       "OpenSSL DTLS handshake only (baseline)", n / raw_s,
	       raw_s / n * 1e6);
	for (int k = 0; k < 4; k++) {
		printf("  %-40s %8.1f /s %8.1f us  %.2fx of baseline\n",
		       names[k], n / secs[k], secs[k] / n * 1e6,
		       raw_s / secs[k]);
		rc |= ok[k] != n;
	}
	printf("  %-40s %20.1f us\n", "(one ECDSA P-256 certificate)",
	       cert_s * 1e6);
	SSL_CTX_free(cc);
	SSL_CTX_free(sc);
	X509_free(ra.x);
	X509_free(rb.x);
	EVP_PKEY_free(ra.k);
	EVP_PKEY_free(rb.k);
	for (int i = 0; i < 2; i++) {
		lr_dtls_ctx_free(gw.ctx[i]);
		lr_srtp_worker_free(gw.worker[i]);
		lr_cert_free((struct lr_cert *)gw.cert[i]);
	}
	return rc || okr != n;
}
