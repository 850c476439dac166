/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals of the dpdk backend (dpdk.c: port, loop, ARP; dpdk_l3.c:
 * IPv4/IPv6/UDP and neighbour discovery). */
#ifndef LR_DPDK_INTERNAL_H
#define LR_DPDK_INTERNAL_H

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "../dp_internal.h"

#define NB_DESC	    1024
#define NB_MBUF	    8191
#define NEIGH_MIN   1024 /* neighbour cache slots, at least (power of two) */
#define NEIGH_PROBE 8	 /* slots a lookup looks at */
#define TX_MAX	    (LR_DP_BURST * LR_DP_MAX_ROUTES)

struct neigh {
	uint8_t family, valid;
	uint8_t ip[16];
	struct rte_ether_addr mac;
};

struct dpdk {
	uint16_t port;
	struct rte_mempool *pool;
	struct rte_ether_addr mac;
	int csum_offload;    /* the port computes IPv4 and UDP checksums */
	struct neigh *neigh; /* open addressing: 4 slots per session */
	unsigned neigh_mask;
	struct lr__dpbuf *rx[LR_DP_BURST], *tx[TX_MAX];
	unsigned nrx;
	struct rte_mbuf *out[LR_DP_BURST];
	unsigned nout;
};

void lr__dpdk_learn(struct dpdk *d, uint8_t family, const uint8_t *ip,
		    const struct rte_ether_addr *mac);
const struct neigh *lr__dpdk_lookup(const struct dpdk *d,
				    const struct lr_dp_addr *a);
void lr__dpdk_out(struct lr_dp *dp, struct dpdk *d, struct rte_mbuf *m);
int lr__dpdk_our_ipv4(const struct lr_dp *dp, uint32_t ip_be);
void lr__dpdk_arp_send(struct lr_dp *dp, struct dpdk *d, uint16_t op,
		       const struct rte_ether_addr *tha, uint32_t tip_be,
		       uint32_t sip_be);
void lr__dpdk_on_arp(struct lr_dp *dp, struct dpdk *d, const uint8_t *p,
		     size_t len);
/* dpdk_l3.c */
/* 1 if the frame's mbuf became an engine buffer (rx), 0 if the caller
 * still owns it (answered, or dropped and counted). */
int lr__dpdk_on_frame(struct lr_dp *dp, struct dpdk *d, struct rte_mbuf *m);
void lr__dpdk_transmit(struct lr_dp *dp, struct dpdk *d, struct lr__dpbuf **tx,
		       unsigned n);

#endif
