/*
 * lr_wire: the network side of a DPDK data plane under test or bench.
 * Two ring-driver ports on crossed rings, in this process: the data
 * plane owns one, the caller is the network on the other and builds its
 * frames here (Ethernet, ARP, IPv6 NA, IPv4/IPv6 + UDP). Written apart
 * from the backend's own stack, so each checks the other.
 *
 * With nq queues there are nq rings each way: the network's tx queue q
 * is the data plane's rx queue q, and the data plane's tx queue q the
 * network's rx queue q. Each ring has one writer and one reader (a
 * worker of the data plane per queue, one network thread).
 */
#ifndef LR_WIRE_H
#define LR_WIRE_H

#include <rte_ether.h>
#include <rte_mbuf.h>

struct lr_wire {
	uint16_t port;	  /* the network's port */
	uint16_t dp_port; /* the data plane's */
	unsigned nq;	  /* queues each way, on both ports */
	struct rte_mempool *pool;
	struct rte_ether_addr dp_mac;
};

#define LR_WIRE_MAX_QUEUES 16 /* the ring driver's limit */

/* EAL up (no hugepages, no PCI) unless it is already; two ports wired
 * with nq (1..LR_WIRE_MAX_QUEUES) queues each way. name tells this
 * wire's rings, ports and pool from another's in the process. 0, or -1
 * if DPDK cannot run here. */
int lr_wire_open_queues(struct lr_wire *w, const char *name, unsigned nq);
/* One queue each way. */
int lr_wire_open(struct lr_wire *w, const char *name);

/* Frames from a peer (mac, ip) to the data plane; NULL if the pool is
 * empty. family 4 or 6; ips in network order (4 or 16 bytes). udp_csum
 * 0 leaves an IPv4 UDP checksum out (0: none, RFC 768), for benches. */
struct rte_mbuf *lr_wire_udp(struct lr_wire *w,
			     const struct rte_ether_addr *mac, int family,
			     const uint8_t *src, uint16_t sport,
			     const uint8_t *dst, uint16_t dport,
			     const void *data, size_t len, int udp_csum);
/* ARP: op 1 with tip == sip is a gratuitous announcement, op 2 a reply
 * to the data plane. */
struct rte_mbuf *lr_wire_arp(struct lr_wire *w,
			     const struct rte_ether_addr *mac,
			     const uint8_t *sip, uint16_t op,
			     const uint8_t *tip);
/* An unsolicited IPv6 neighbour advertisement for ip. */
struct rte_mbuf *lr_wire_na(struct lr_wire *w, const struct rte_ether_addr *mac,
			    const uint8_t *ip);
/* Send them all to the data plane's rx queue q (retrying a full ring). */
void lr_wire_send_queue(struct lr_wire *w, unsigned q, struct rte_mbuf **m,
			unsigned n);
/* On queue 0. */
void lr_wire_send(struct lr_wire *w, struct rte_mbuf **m, unsigned n);

#endif
