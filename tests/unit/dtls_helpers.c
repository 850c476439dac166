/*
 * Helpers of the lr_dtls tests (dtls_helpers.h): certificates, and a
 * client and a server on the simulator with the loop that runs them.
 */
#include <string.h>

#include "dtls_helpers.h"

struct lr_cert *cert_a, *cert_b, *cert_rsa;

int dtls_certs_setup(void)
{
	if (lr_cert_generate(LR_CERT_ECDSA_P256, NOW_UNIX, 30, 1001, &cert_a) ||
	    lr_cert_generate(LR_CERT_ECDSA_P256, NOW_UNIX, 30, 1002, &cert_b) ||
	    lr_cert_generate(LR_CERT_RSA_2048, NOW_UNIX, 365, 1003, &cert_rsa))
		return -1;
	return 0;
}

int dtls_certs_teardown(void)
{
	lr_cert_free(cert_a);
	lr_cert_free(cert_b);
	lr_cert_free(cert_rsa);
	return 0;
}

void fp_of(const struct lr_cert *c, char *out)
{
	CU_ASSERT_FATAL(lr_cert_fingerprint(c, "sha-256", out, LR_CERT_FP_MAX) >
			0);
}

void pair_init(struct pair *p, const struct opts *o)
{
	const struct lr_cert *certs[2] = {o->ccert ? o->ccert : cert_a,
					  o->scert ? o->scert : cert_b};
	char fp[2][LR_CERT_FP_MAX], wrong[LR_CERT_FP_MAX];
	struct lr_sim_link link = {.delay_us = 20000, .loss = o->loss};

	memset(p, 0, sizeof(*p));
	p->sim = lr_sim_new(o->seed ? o->seed : 7);
	lr_sim_set_link(p->sim, &link);
	fp_of(certs[0], fp[0]);
	fp_of(certs[1], fp[1]);
	fp_of(cert_rsa, wrong);
	for (int i = 0; i < 2; i++) {
		struct lr_dtls_config cfg = {
			.cert = certs[i],
			.client = i == 0,
			.remote_fingerprint = fp[1 - i],
			.mtu = o->mtu,
			.profiles = i == 0 ? o->cprof : o->sprof,
			.nprofiles = i == 0 ? o->ncprof : o->nsprof,
		};
		if (o->bad_fp_for &&
		    !strcmp(o->bad_fp_for, i == 0 ? "client" : "server"))
			cfg.remote_fingerprint = wrong;
		if (i == 0 && o->cfp)
			cfg.remote_fingerprint = o->cfp;
		if (i == 1 && o->sfp)
			cfg.remote_fingerprint = o->sfp;
		p->e[i].host = lr_sim_add_host(p->sim, -1);
		p->e[i].addr = lr_sim_v4(192, 0, 2, (uint8_t)(10 + i), 5000);
		lr_sim_host_addr(p->sim, p->e[i].host, &p->e[i].addr);
		CU_ASSERT_EQUAL_FATAL(lr_dtls_new(&cfg, &p->e[i].d), 0);
	}
}

void pair_free(struct pair *p)
{
	for (int i = 0; i < 2; i++)
		lr_dtls_free(p->e[i].d);
	lr_sim_free(p->sim);
}

void flush(struct pair *p, int i)
{
	uint8_t buf[2048];
	int n;

	while ((n = lr_dtls_poll_transmit(p->e[i].d, buf, sizeof(buf))) > 0) {
		if ((unsigned)n > p->e[i].max_dgram)
			p->e[i].max_dgram = (unsigned)n;
		p->e[i].sent++;
		lr_sim_send(p->sim, &p->e[i].addr, &p->e[1 - i].addr, buf,
			    (size_t)n);
	}
	CU_ASSERT(n >= 0);
}

static int settled(const struct pair *p)
{
	for (int i = 0; i < 2; i++)
		if (lr_dtls_state(p->e[i].d) == LR_DTLS_CONNECTING ||
		    lr_dtls_state(p->e[i].d) == LR_DTLS_NEW)
			return 0;
	return 1;
}

/* Run until both are connected/failed/closed, the network is quiet, or
 * `until` (virtual us). */
void run(struct pair *p, uint64_t until)
{
	uint8_t buf[2048];
	struct lr_addr src, dst;

	for (;;) {
		uint64_t now = lr_sim_now(p->sim), next;
		int n;

		for (int i = 0; i < 2; i++) {
			while ((n = lr_sim_recv(p->sim, p->e[i].host, &src,
						&dst, buf, sizeof(buf))) > 0)
				lr_dtls_handle_input(p->e[i].d, now, buf,
						     (size_t)n);
			lr_dtls_handle_timeout(p->e[i].d, now);
			if (!p->e[i].t_connected &&
			    lr_dtls_state(p->e[i].d) == LR_DTLS_CONNECTED)
				p->e[i].t_connected = now;
			flush(p, i);
		}
		next = lr_sim_next(p->sim);
		for (int i = 0; i < 2; i++) {
			uint64_t t = lr_dtls_poll_timeout(p->e[i].d);

			if (t < next)
				next = t;
		}
		if (next == UINT64_MAX || next > until ||
		    (settled(p) && lr_sim_next(p->sim) == UINT64_MAX))
			break;
		lr_sim_advance(p->sim, next);
	}
}

void handshake(struct pair *p)
{
	lr_dtls_start(p->e[1].d, 0);
	lr_dtls_start(p->e[0].d, 0);
	flush(p, 0);
	run(p, 600ull * 1000000);
}
