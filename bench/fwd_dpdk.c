// SPDX-License-Identifier: BSD-2-Clause
/* lr-bench-fwd on dpdk: ring-driver ports wired back to back in the
 * process (tests/wire) are the network; the generator builds frames. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fwd.h"
#include "linerate/lr_rtp.h"

#include <rte_ethdev.h>

#include "lr_wire.h"

/* ---- dpdk: the same forwarding with ring-driver ports as the wire ---- */

static struct lr_wire W;
static int wire_ok = -1;

/* The generator's SRTP sessions and sequence numbers are a struct gen's
 * (its socket unused); frames go onto the ring port, GEN_BURST at a time,
 * in fwd_rx_mode's order: round robin over the flows frame by frame
 * (FWD_RX_DATAGRAM), or one flow's GEN_BURST frames in a row (the others:
 * there is no GSO here). */
static unsigned wgen_burst(struct gen *g, unsigned f, struct rte_mbuf **m)
{
	static __thread uint8_t b[GEN_BURST][1536];
	uint8_t dst[4] = {127, 0, 0, 1};
	struct rte_ether_addr mac = {{2, 0, 0, 0, 0, 1}};
	struct lr_pkt p[GEN_BURST], *pp[GEN_BURST];
	unsigned fl[GEN_BURST], n = 0;

	for (unsigned i = 0; i < GEN_BURST; i++) {
		fl[i] = fwd_gen_flow(f, i, g->flows);
		fwd_rtp_burst(b + i, 1, &g->seq[fl[i]], 0x10000 + fl[i],
			      g->size, &p[i], &pp[i]);
	}
	for (unsigned i = 0, j; i < GEN_BURST; i = j) {
		uint8_t src[4];
		unsigned ok;

		for (j = i + 1; j < GEN_BURST && fl[j] == fl[i]; j++)
			;
		fwd_flow_ip(fl[i], src);
		ok = lr_srtp_session_protect(g->tx[fl[i]], pp + i, j - i);
		for (unsigned k = 0; k < ok; k++) {
			m[n] = lr_wire_udp(&W, &mac, 4, src, 6000, dst, 5000,
					   pp[i + k]->data, pp[i + k]->len, 0);
			if (m[n])
				n++;
		}
	}
	return n;
}

static void *wgen_run(void *arg)
{
	struct gen *g = arg;
	struct rte_mbuf *m[GEN_BURST], *drain[64];
	unsigned f = 0;

	fwd_pin(0);
	while (!atomic_load(&g->stop)) {
		uint16_t k;

		lr_wire_send(&W, m, wgen_burst(g, f, m));
		/* the legs: received and dropped, as a sink would */
		while ((k = rte_eth_rx_burst(W.port, 0, drain, 64)))
			rte_pktmbuf_free_bulk(drain, k);
		f = fwd_gen_next(f, g->flows);
	}
	return NULL;
}

static void wire_drain(void)
{
	struct rte_mbuf *drain[64];
	uint16_t k;

	while ((k = rte_eth_rx_burst(W.port, 0, drain, 64)))
		rte_pktmbuf_free_bulk(drain, k);
}

struct result fwd_run_dpdk(unsigned suite, unsigned size, unsigned fanout,
			   unsigned flows)
{
	struct lr_addr local = {
		.family = 4, .port = 5000, .ip = {127, 0, 0, 1}};
	struct lr_dp_config c = fwd_config(LR_DP_DPDK, &local, fanout, flows);
	struct result res = {0};
	struct lr_dp *dp;
	struct gen g;

	if (wire_ok < 0)
		wire_ok = !lr_wire_open(&W, "lrbench");
	if (!wire_ok)
		return res;
	c.dpdk_port = W.dp_port;
	/* the wire is the bench's own: the sinks announce themselves and are
	 * believed, rather than answer a request each */
	c.dpdk_learn_unsolicited = 1;
	if (lr_dp_new(&c, &dp))
		return res;
	if (fwd_gen_open(&g, suite, size, flows, 0)) {
		lr_dp_free(dp);
		return res;
	}
	for (unsigned k = 0; k < fwd_sinks_for(fanout, flows); k++) {
		struct rte_ether_addr mac = {{2, 0, 2, (uint8_t)(k >> 16),
					      (uint8_t)(k >> 8), (uint8_t)k}};
		struct lr_addr a = fwd_sink_addr(k, 7000);
		struct rte_mbuf *arp = lr_wire_arp(&W, &mac, a.ip, 1, a.ip);

		lr_wire_send(&W, &arp, 1); /* the sink announces itself */
		if ((k & 1023) == 1023)
			wire_drain();
	}
	fwd_install_topology(dp, &local, suite, fanout, flows, 6000, 7000);
	pthread_create(&g.th, NULL, wgen_run, &g);
	res = fwd_measure(dp);
	atomic_store(&g.stop, 1);
	pthread_join(g.th, NULL);
	lr_dp_free(dp);
	fwd_gen_close(&g);
	wire_drain(); /* what is left on the wire */
	return res;
}
