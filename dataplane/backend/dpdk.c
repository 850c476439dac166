/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The dpdk backend: one ethdev port, rx/tx bursts, and just enough of
 * Ethernet, ARP, IPv6 neighbour discovery, IPv4, IPv6 and UDP for the
 * configured local addresses. Received UDP for a local address:port goes
 * through the engine like any datagram; everything else for us (ARP, ND)
 * is answered here; anything else is dropped and counted. Outgoing
 * datagrams need the next hop's MAC: the peer's when it is on the link
 * (inside the local address's prefix, or no gateway configured), else
 * the gateway's; learnt from what it sent, from ARP or neighbour
 * advertisements; when unknown, one is asked for and the datagram is
 * counted tx_failed. A session caches its next hop's MAC until the table
 * changes (neigh_gen). IPv4 and UDP checksums go to the port when it
 * offers to compute them, and are computed here otherwise.
 *
 * No copies on the media path: a received datagram stays in its mbuf,
 * which the engine's buffer borrows (pkt.priv); the engine decrypts and
 * re-encrypts in place and the frame leaves in the same mbuf, its
 * headers rewritten in the headroom. Only fan-out legs beyond the first
 * are copies (each leg is encrypted with its own keys).
 * The worker polls; when a round finds nothing it sleeps 20 us.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_lcore.h>

#include "dpdk_internal.h"

static unsigned nhash(uint8_t family, const uint8_t *ip)
{
	uint32_t h = 2166136261u;

	for (unsigned i = 0; i < (family == 6 ? 16u : 4u); i++)
		h = (h ^ ip[i]) * 16777619u;
	return h;
}

static int neigh_is(const struct neigh *n, uint8_t family, const uint8_t *ip)
{
	return n->valid && n->family == family &&
	       !memcmp(n->ip, ip, family == 6 ? 16 : 4);
}

void lr__dpdk_learn(struct dpdk *d, uint8_t family, const uint8_t *ip,
		    const struct rte_ether_addr *mac)
{
	unsigned h = nhash(family, ip);
	struct neigh *n = NULL;

	/* its slot, else the first free one, else the home slot is taken
	 * over (the table has 4 slots per session: rare) */
	for (unsigned i = 0; i < NEIGH_PROBE; i++) {
		struct neigh *x = &d->neigh[(h + i) & d->neigh_mask];

		if (neigh_is(x, family, ip)) {
			if (rte_is_same_ether_addr(&x->mac, mac))
				return; /* known: the common case, per packet */
			n = x;
			break;
		}
		if (!x->valid && !n)
			n = x;
	}
	/* A changed MAC or a taken-over entry changes an answer a lookup
	 * may have given (and a session cached): a new generation. Filling
	 * a free slot changes none (a lookup for ip found nothing, and the
	 * others find what they found), so a new peer does not make every
	 * session look its next hop up again. */
	if (!n) {
		n = &d->neigh[h & d->neigh_mask];
		lr__dpdk_gen_bump(d);
	} else if (n->valid) {
		lr__dpdk_gen_bump(d);
	}
	n->family = family;
	memset(n->ip, 0, sizeof(n->ip));
	memcpy(n->ip, ip, family == 6 ? 16 : 4);
	n->mac = *mac;
	n->valid = 1;
}

const struct neigh *lr__dpdk_lookup(const struct dpdk *d,
				    const struct lr_dp_addr *a)
{
	unsigned h = nhash(a->family, a->ip);

	for (unsigned i = 0; i < NEIGH_PROBE; i++) {
		const struct neigh *n = &d->neigh[(h + i) & d->neigh_mask];

		if (neigh_is(n, a->family, a->ip))
			return n;
	}
	return NULL;
}

static void flush_out(struct lr_dp *dp, struct dpdk *d)
{
	unsigned sent = 0;

	while (sent < d->nout) {
		uint16_t k = rte_eth_tx_burst(d->port, 0, d->out + sent,
					      (uint16_t)(d->nout - sent));

		if (!k)
			break;
		sent += k;
	}
	dp->st.tx_packets += sent; /* frames, ARP and ND included */
	for (unsigned i = sent; i < d->nout; i++) {
		rte_pktmbuf_free(d->out[i]);
		dp->st.drops[LR_DROP_TX_FAILED]++;
	}
	d->nout = 0;
}

void lr__dpdk_out(struct lr_dp *dp, struct dpdk *d, struct rte_mbuf *m)
{
	if (d->nout == LR_DP_BURST)
		flush_out(dp, d);
	d->out[d->nout++] = m;
}

/* ---- ARP (RFC 826) and IPv6 ND (RFC 4861) ---- */

int lr__dpdk_our_ipv4(const struct lr_dp *dp, uint32_t ip_be)
{
	for (unsigned i = 0; i < dp->nlocal; i++)
		if (dp->local[i].family == 4 &&
		    !memcmp(dp->local[i].ip, &ip_be, 4))
			return (int)i;
	return -1;
}

void lr__dpdk_arp_send(struct lr_dp *dp, struct dpdk *d, uint16_t op,
		       const struct rte_ether_addr *tha, uint32_t tip_be,
		       uint32_t sip_be)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(d->pool);
	struct rte_ether_hdr *e;
	struct rte_arp_hdr *a;

	if (!m)
		return;
	e = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	a = (struct rte_arp_hdr *)(e + 1);
	memset(&e->dst_addr, op == RTE_ARP_OP_REQUEST ? 0xff : 0,
	       sizeof(e->dst_addr));
	if (op == RTE_ARP_OP_REPLY)
		e->dst_addr = *tha;
	e->src_addr = d->mac;
	e->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = d->mac;
	a->arp_data.arp_sip = sip_be;
	memset(&a->arp_data.arp_tha, 0, sizeof(a->arp_data.arp_tha));
	if (op == RTE_ARP_OP_REPLY)
		a->arp_data.arp_tha = *tha;
	a->arp_data.arp_tip = tip_be;
	m->data_len = m->pkt_len = sizeof(*e) + sizeof(*a);
	lr__dpdk_out(dp, d, m);
}

void lr__dpdk_on_arp(struct lr_dp *dp, struct dpdk *d, const uint8_t *p,
		     size_t len)
{
	const struct rte_arp_hdr *a = (const void *)p;
	uint32_t sip, tip;

	if (len < sizeof(*a) ||
	    a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return;
	sip = a->arp_data.arp_sip;
	tip = a->arp_data.arp_tip;
	lr__dpdk_learn(d, 4, (const uint8_t *)&sip, &a->arp_data.arp_sha);
	if (a->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) &&
	    lr__dpdk_our_ipv4(dp, tip) >= 0)
		lr__dpdk_arp_send(dp, d, RTE_ARP_OP_REPLY, &a->arp_data.arp_sha,
				  sip, tip);
}

/* ---- the loop ---- */

static int eal_up(const struct lr_dp *dp)
{
	char buf[512], *argv[32], *save = NULL;
	int argc = 0, r;
	const char *args = dp->cfg.eal_args
				   ? dp->cfg.eal_args
				   : "--no-huge --no-pci --no-shconf -m 256 "
				     "--log-level=error";

	snprintf(buf, sizeof(buf), "linerate %s", args);
	for (char *t = strtok_r(buf, " ", &save); t && argc < 31;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	if (rte_lcore_count() > 0)
		return 0; /* the process has an EAL already (one per process) */
	r = rte_eal_init(argc, argv);
	return r < 0 ? -rte_errno : 0;
}

#define CSUM_OFFLOAD                                                           \
	(RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM)

/* ---- the next hop (cfg.dpdk_gw4/6, dpdk_prefix4/6) ---- */

__attribute__((format(printf, 1, 2))) static int bad_route(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "linerate: dpdk: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return -EINVAL;
}

/* One family's gateway and prefix, checked (0 or -EINVAL) and set. */
static int route_init(const struct lr_dp *dp, struct dpdk_route *r, int v6)
{
	static const uint8_t none[16];
	const uint8_t *gw = v6 ? dp->cfg.dpdk_gw6 : dp->cfg.dpdk_gw4;
	unsigned len = v6 ? 16 : 4,
		 bits = v6 ? dp->cfg.dpdk_prefix6 : dp->cfg.dpdk_prefix4;
	uint8_t family = v6 ? 6 : 4;
	int inside = v6 && gw[0] == 0xfe && (gw[1] & 0xc0) == 0x80;
	char a[INET6_ADDRSTRLEN];

	memset(r, 0, sizeof(*r));
	if (bits > len * 8)
		return bad_route("dpdk_prefix%u is %u, past %u", family, bits,
				 len * 8);
	r->prefix = (uint8_t)bits;
	if (!memcmp(gw, none, len))
		return 0;
	inet_ntop(v6 ? AF_INET6 : AF_INET, gw, a, sizeof(a));
	if (!bits)
		return bad_route("gateway %s needs dpdk_prefix%u (0: every "
				 "peer is on the link)",
				 a, family);
	if (v6 ? gw[0] == 0xff : gw[0] == 0 || gw[0] >= 224)
		return bad_route("gateway %s is not a unicast address", a);
	for (unsigned i = 0; i < dp->nlocal; i++) {
		const uint8_t *l = dp->local[i].ip;

		if (dp->local[i].family != family)
			continue;
		if (!memcmp(l, gw, len))
			return bad_route("gateway %s is a local address", a);
		if (!lr__dpdk_same_prefix(l, gw, bits))
			continue;
		if (!v6 && bits <= 30) {
			uint32_t host = ~(~0u << (32 - bits)),
				 g = (uint32_t)gw[0] << 24 |
				     (uint32_t)gw[1] << 16 |
				     (uint32_t)gw[2] << 8 | gw[3];

			if (!(g & host) || (g & host) == host)
				return bad_route("gateway %s is the network "
						 "or broadcast address of its "
						 "/%u",
						 a, bits);
		}
		if (!r->gw_src)
			r->gw_src = l;
		inside = 1;
	}
	if (!inside)
		return bad_route("gateway %s is inside the /%u of no local "
				 "IPv%u address",
				 a, bits, family);
	r->gw.family = family;
	memcpy(r->gw.ip, gw, len);
	return 0;
}

static int dpdk_open(struct lr_dp *dp)
{
	struct dpdk_route route[2];
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	struct dpdk *d;
	char name[32];
	unsigned n;
	int r;

	for (unsigned i = 0; i < dp->nlocal; i++)
		if (!dp->local[i].port)
			return -EINVAL; /* no ephemeral ports without a stack */
	r = route_init(dp, &route[0], 0);
	if (!r)
		r = route_init(dp, &route[1], 1);
	if (r)
		return r;
	r = eal_up(dp);
	if (r)
		return r;
	if (!rte_eth_dev_is_valid_port(dp->cfg.dpdk_port))
		return -ENODEV;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	dp->backend = d;
	d->port = dp->cfg.dpdk_port;
	d->neigh_gen = 1;
	memcpy(d->route, route, sizeof(d->route));
	for (n = NEIGH_MIN;
	     n < 4 * (dp->cfg.max_sessions ? dp->cfg.max_sessions : 4096);)
		n <<= 1;
	d->neigh = calloc(n, sizeof(*d->neigh));
	if (!d->neigh)
		return -ENOMEM;
	d->neigh_mask = n - 1;
	snprintf(name, sizeof(name), "lr_dp_%u_%p", d->port, (void *)dp);
	d->pool = rte_pktmbuf_pool_create(name, NB_MBUF, 256, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	if (!d->pool)
		return -ENOMEM;
	memset(&conf, 0, sizeof(conf));
	if (!rte_eth_dev_info_get(d->port, &info) &&
	    (info.tx_offload_capa & CSUM_OFFLOAD) == CSUM_OFFLOAD) {
		conf.txmode.offloads = CSUM_OFFLOAD;
		d->csum_offload = 1;
	}
	if (rte_eth_dev_configure(d->port, 1, 1, &conf) ||
	    rte_eth_rx_queue_setup(d->port, 0, NB_DESC,
				   (unsigned)rte_eth_dev_socket_id(d->port),
				   NULL, d->pool) ||
	    rte_eth_tx_queue_setup(d->port, 0, NB_DESC,
				   (unsigned)rte_eth_dev_socket_id(d->port),
				   NULL) ||
	    rte_eth_dev_start(d->port) || rte_eth_macaddr_get(d->port, &d->mac))
		return -EIO;
	return 0;
}

static void dpdk_close(struct lr_dp *dp)
{
	struct dpdk *d = dp->backend;

	if (!d)
		return;
	rte_eth_dev_stop(d->port);
	rte_mempool_free(d->pool);
	free(d->neigh);
	free(d);
	dp->backend = NULL;
}

static void run_engine(struct lr_dp *dp, struct dpdk *d)
{
	unsigned n;

	if (!d->nrx)
		return;
	n = lr__engine_burst(dp, d->rx, d->nrx, d->tx);
	d->nrx = 0;
	lr__dpdk_transmit(dp, d, d->tx, n);
}

static void *dpdk_run(void *arg)
{
	struct lr_dp *dp = arg;
	struct dpdk *d = dp->backend;
	struct rte_mbuf *m[LR_DP_BURST];

	while (!atomic_load(&dp->stop)) {
		unsigned ninj,
			n = lr__dp_service(dp, d->tx, TX_MAX, d->rx, &ninj);
		uint16_t got;

		lr__dpdk_transmit(dp, d, d->tx, n);
		if (ninj) {
			d->nrx = ninj;
			run_engine(dp, d);
		}
		got = rte_eth_rx_burst(d->port, 0, m, LR_DP_BURST);
		/* the frames were written by another core (or a NIC): pull
		 * them towards this one while the first are being parsed */
		for (uint16_t i = 0; i < got; i++) {
			const char *p = rte_pktmbuf_mtod(m[i], const char *);

			for (unsigned o = 0; o < m[i]->data_len; o += 64)
				rte_prefetch1(p + o);
		}
		for (uint16_t i = 0; i < got; i++)
			if (!lr__dpdk_on_frame(dp, d, m[i]))
				rte_pktmbuf_free(m[i]);
		run_engine(dp, d);
		flush_out(dp, d);
		if (!got && !n && !ninj) {
			struct timespec ts = {.tv_nsec = 20000};

			nanosleep(&ts, NULL); /* idle: do not spin a test box */
		}
	}
	return NULL;
}

static void dpdk_release(struct lr_dp *dp, void *mbuf)
{
	(void)dp;
	rte_pktmbuf_free(mbuf);
}

const struct lr__dp_backend_ops lr__dp_dpdk_ops = {
	.name = "dpdk",
	.open = dpdk_open,
	.close = dpdk_close,
	.run = dpdk_run,
	.release = dpdk_release,
};
