/*
 * Shared by the lr_dtls tests (test_dtls.c, test_dtls_spoof.c, one
 * program): the suite's certificates and two lr_dtls endpoints on the
 * simulator's virtual clock, a client and a server.
 */
#ifndef DTLS_HELPERS_H
#define DTLS_HELPERS_H

#include "linerate/lr_dtls.h"
#include "lr_sim.h"
#include "lr_test.h"

#define NOW_UNIX 1795000000 /* 2026-11-18, any fixed time will do */

/* Made by the suite's setup, freed by its teardown. */
extern struct lr_cert *cert_a, *cert_b, *cert_rsa;
int dtls_certs_setup(void);
int dtls_certs_teardown(void);

/* c's sha-256 fingerprint, "sha-256 AB:..." (LR_CERT_FP_MAX). */
void fp_of(const struct lr_cert *c, char *out);

struct end {
	struct lr_dtls *d;
	struct lr_addr addr;
	int host;
	unsigned max_dgram;
	unsigned sent;
	uint64_t t_connected;
};

struct pair {
	struct lr_sim *sim;
	struct end e[2]; /* e[0] client, e[1] server */
};

struct opts {
	const uint16_t *cprof, *sprof;
	unsigned ncprof, nsprof;
	const struct lr_cert *ccert, *scert;
	const char *bad_fp_for; /* "client" or "server" gets a wrong fp */
	/* What the client (cfp) and the server (sfp) expect of the other's
	 * certificate, instead of its sha-256 fingerprint. */
	const char *cfp, *sfp;
	double loss;
	uint16_t mtu;
	uint64_t seed;
};

void pair_init(struct pair *p, const struct opts *o);
void pair_free(struct pair *p);
/* e[i]'s datagrams onto the link to the other. */
void flush(struct pair *p, int i);
/* Run until both are connected/failed/closed, the network is quiet, or
 * `until` (virtual us). */
void run(struct pair *p, uint64_t until);
/* Start both (the client sends) and run for up to 600 s. */
void handshake(struct pair *p);

/* test_dtls_spoof.c's tests, added to the one suite after the others. */
void dtls_spoof_add_tests(CU_pSuite s);

#endif
