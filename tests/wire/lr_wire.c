/* The network side of a DPDK data plane under test (see lr_wire.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <pthread.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "lr_wire.h"

_Static_assert(LR_WIRE_MAX_QUEUES <= RTE_PMD_RING_MAX_RX_RINGS &&
		       LR_WIRE_MAX_QUEUES <= RTE_PMD_RING_MAX_TX_RINGS,
	       "the ring driver takes fewer queues");

/* nq rings named name_<tag><q>: one writer, one reader each. */
static int rings(struct rte_ring **r, const char *name, char tag, unsigned nq)
{
	char n[RTE_RING_NAMESIZE];

	for (unsigned q = 0; q < nq; q++) {
		snprintf(n, sizeof(n), "%s_%c%u", name, tag, q);
		r[q] = rte_ring_create(n, 4096, 0,
				       RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!r[q])
			return -1;
	}
	return 0;
}

int lr_wire_open_queues(struct lr_wire *w, const char *name, unsigned nq)
{
	char *argv[] = {"linerate-wire",     "--no-huge", "--no-pci",
			"--no-shconf",	     "-m",	  "512",
			"--log-level=error", NULL};
	char n[64];
	struct rte_ring *a[LR_WIRE_MAX_QUEUES], *b[LR_WIRE_MAX_QUEUES];
	struct rte_eth_conf conf;
	int dp, wp;

	memset(w, 0, sizeof(*w));
	if (nq < 1 || nq > LR_WIRE_MAX_QUEUES)
		return -1;
	w->nq = nq;
	/* one EAL per process: start it unless it runs */
	if (rte_lcore_count() == 0) {
		/* the EAL pins this thread to one CPU, and threads started
		 * from it (the data plane's workers) would inherit it: the
		 * test's threads keep the CPUs they had */
		cpu_set_t cpus;
		int have = !pthread_getaffinity_np(pthread_self(), sizeof(cpus),
						   &cpus);
		int r = rte_eal_init(7, argv);

		if (have)
			pthread_setaffinity_np(pthread_self(), sizeof(cpus),
					       &cpus);
		if (r < 0)
			return -1;
	}
	if (rings(a, name, 'a', nq) || rings(b, name, 'b', nq))
		return -1;
	/* the data plane reads a and writes b; the network the other way */
	snprintf(n, sizeof(n), "%s_dp", name);
	dp = rte_eth_from_rings(n, a, nq, b, nq, 0);
	snprintf(n, sizeof(n), "%s_net", name);
	wp = rte_eth_from_rings(n, b, nq, a, nq, 0);
	snprintf(n, sizeof(n), "%s_pool", name);
	w->pool = rte_pktmbuf_pool_create(n, 8191, 256, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (dp < 0 || wp < 0 || !w->pool)
		return -1;
	w->dp_port = (uint16_t)dp;
	w->port = (uint16_t)wp;
	memset(&conf, 0, sizeof(conf));
	/* all nq: a queue not configured and set up cannot be polled or
	 * sent on, though its ring is there */
	if (rte_eth_dev_configure(w->port, (uint16_t)nq, (uint16_t)nq, &conf))
		return -1;
	for (uint16_t q = 0; q < nq; q++)
		if (rte_eth_rx_queue_setup(w->port, q, 1024, 0, NULL,
					   w->pool) ||
		    rte_eth_tx_queue_setup(w->port, q, 1024, 0, NULL))
			return -1;
	if (rte_eth_dev_start(w->port) ||
	    rte_eth_macaddr_get(w->dp_port, &w->dp_mac))
		return -1;
	return 0;
}

int lr_wire_open(struct lr_wire *w, const char *name)
{
	return lr_wire_open_queues(w, name, 1);
}

struct rte_mbuf *lr_wire_udp(struct lr_wire *w,
			     const struct rte_ether_addr *mac, int family,
			     const uint8_t *src, uint16_t sport,
			     const uint8_t *dst, uint16_t dport,
			     const void *data, size_t len, int udp_csum)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	struct rte_ether_hdr *e;
	struct rte_udp_hdr *u;
	size_t l3;

	if (!m)
		return NULL;
	e = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	e->dst_addr = w->dp_mac;
	e->src_addr = *mac;
	if (family == 4) {
		struct rte_ipv4_hdr *ip = (void *)(e + 1);

		e->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		memset(ip, 0, sizeof(*ip));
		ip->version_ihl = 0x45;
		ip->total_length =
			rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + 8 + len));
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_UDP;
		memcpy(&ip->src_addr, src, 4);
		memcpy(&ip->dst_addr, dst, 4);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		u = (void *)(ip + 1);
		l3 = sizeof(*ip);
	} else {
		struct rte_ipv6_hdr *ip = (void *)(e + 1);

		e->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		memset(ip, 0, sizeof(*ip));
		ip->vtc_flow = rte_cpu_to_be_32(0x60000000);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(8 + len));
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, src, 16);
		memcpy(ip->dst_addr, dst, 16);
		u = (void *)(ip + 1);
		l3 = sizeof(*ip);
	}
	u->src_port = rte_cpu_to_be_16(sport);
	u->dst_port = rte_cpu_to_be_16(dport);
	u->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + len));
	u->dgram_cksum = 0;
	memcpy(u + 1, data, len);
	if (family == 6)
		u->dgram_cksum = rte_ipv6_udptcp_cksum((void *)(e + 1), u);
	else if (udp_csum)
		u->dgram_cksum = rte_ipv4_udptcp_cksum((void *)(e + 1), u);
	m->data_len = m->pkt_len = (uint32_t)(sizeof(*e) + l3 + 8 + len);
	return m;
}

struct rte_mbuf *lr_wire_arp(struct lr_wire *w,
			     const struct rte_ether_addr *mac,
			     const uint8_t *sip, uint16_t op,
			     const uint8_t *tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	struct rte_ether_hdr *e;
	struct rte_arp_hdr *a;

	if (!m)
		return NULL;
	e = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	a = (void *)(e + 1);
	memset(&e->dst_addr, 0xff, 6);
	if (op == 2)
		e->dst_addr = w->dp_mac;
	e->src_addr = *mac;
	e->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = rte_cpu_to_be_16(1);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = *mac;
	memcpy(&a->arp_data.arp_sip, sip, 4);
	memset(&a->arp_data.arp_tha, 0, 6);
	if (op == 2)
		a->arp_data.arp_tha = w->dp_mac;
	memcpy(&a->arp_data.arp_tip, tip, 4);
	m->data_len = m->pkt_len = sizeof(*e) + sizeof(*a);
	return m;
}

struct rte_mbuf *lr_wire_na(struct lr_wire *w, const struct rte_ether_addr *mac,
			    const uint8_t *ip6)
{
	static const uint8_t all_nodes[16] = {0xff, 2, [15] = 1};
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	struct rte_ether_hdr *e;
	struct rte_ipv6_hdr *ip;
	uint8_t *icmp;
	uint16_t ck;

	if (!m)
		return NULL;
	e = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip = (void *)(e + 1);
	icmp = (uint8_t *)(ip + 1);
	memset(&e->dst_addr, 0xff, 6);
	e->src_addr = *mac;
	e->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	memset(ip, 0, sizeof(*ip));
	ip->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip->payload_len = rte_cpu_to_be_16(32);
	ip->proto = 58;
	ip->hop_limits = 255;
	memcpy(ip->src_addr, ip6, 16);
	memcpy(ip->dst_addr, all_nodes, 16);
	memset(icmp, 0, 32);
	icmp[0] = 136;
	icmp[4] = 0x20; /* override */
	memcpy(icmp + 8, ip6, 16);
	icmp[24] = 2;
	icmp[25] = 1;
	memcpy(icmp + 26, mac, 6);
	ck = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &ck, 2);
	m->data_len = m->pkt_len = sizeof(*e) + sizeof(*ip) + 32;
	return m;
}

void lr_wire_send_queue(struct lr_wire *w, unsigned q, struct rte_mbuf **m,
			unsigned n)
{
	unsigned sent = 0;

	while (sent < n)
		sent += rte_eth_tx_burst(w->port, (uint16_t)q, m + sent,
					 (uint16_t)(n - sent));
}

void lr_wire_send(struct lr_wire *w, struct rte_mbuf **m, unsigned n)
{
	lr_wire_send_queue(w, 0, m, n);
}
