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

#include <string.h>

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

/* The next hop for one family (cfg.dpdk_gw4/6, dpdk_prefix4/6). */
struct dpdk_route {
	uint8_t prefix;	       /* bits of a local address that are the link */
	struct lr_dp_addr gw;  /* family 0: no gateway, every peer on link */
	const uint8_t *gw_src; /* the local address on its link, or NULL */
};

struct dpdk {
	uint16_t port;
	struct rte_mempool *pool;
	struct rte_ether_addr mac;
	int csum_offload;    /* the port computes IPv4 and UDP checksums */
	struct neigh *neigh; /* open addressing: 4 slots per session */
	unsigned neigh_mask;
	/* Bumped (never to 0) when a mapping the table gave out changes: a
	 * MAC replaced, an entry taken over. Sessions cache their next
	 * hop's MAC under it (lr__dpsess.l2, l2_gen). */
	uint32_t neigh_gen;
	struct {	      /* the last (ip, mac) rx learnt, at gen */
		uint32_t gen; /* 0: none */
		uint8_t family;
		uint8_t ip[16];
		struct rte_ether_addr mac;
	} rx_last;
	struct dpdk_route route[2]; /* [0] IPv4, [1] IPv6 */
	struct lr__dpbuf *rx[LR_DP_BURST], *tx[TX_MAX];
	unsigned nrx;
	struct rte_mbuf *out[LR_DP_BURST];
	unsigned nout;
};

/* A table change: what sessions cached is stale. */
static inline void lr__dpdk_gen_bump(struct dpdk *d)
{
	if (!++d->neigh_gen)
		d->neigh_gen = 1;
}

/* 1 if a and b have their first bits bits in common (bits <= 128). */
static inline int lr__dpdk_same_prefix(const uint8_t *a, const uint8_t *b,
				       unsigned bits)
{
	unsigned n = bits / 8, r = bits % 8;

	if (memcmp(a, b, n))
		return 0;
	return !r || !((a[n] ^ b[n]) & (uint8_t)(0xff00u >> r));
}

/* 1 if remote is on the link of local for routing: inside its prefix,
 * or its family has no gateway (local and remote: the same family). */
static inline int lr__dpdk_on_link(const struct dpdk *d, uint8_t family,
				   const uint8_t *local, const uint8_t *remote)
{
	const struct dpdk_route *r = &d->route[family == 6];

	return !r->gw.family || lr__dpdk_same_prefix(local, remote, r->prefix);
}

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
