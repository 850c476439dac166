/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals of the dpdk backend (dpdk.c: port, queues, loop, ARP;
 * dpdk_l3.c: IPv4/IPv6/UDP and neighbour discovery; dpdk_neigh.c: the
 * neighbour table). */
#ifndef LR_DPDK_INTERNAL_H
#define LR_DPDK_INTERNAL_H

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_spinlock.h>
#include <rte_udp.h>

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "backend.h"

#define NB_DESC	     1024
#define NB_MBUF	     8191
#define NEIGH_MIN    1024 /* neighbour cache slots, at least (power of two) */
#define NEIGH_PROBE  8	  /* slots a lookup looks at */
#define HANDOFF_RING 4096 /* frames waiting for their flow's worker */
/* Our ARP requests and neighbour solicitations still awaiting their
 * answer, per port, at most (open addressing, NEIGH_PROBE slots looked
 * at); an answer counts while NEIGH_PENDING_MS have not passed, and no
 * second request for the address goes out meanwhile. */
#define NEIGH_PENDING	 256
#define NEIGH_PENDING_MS 1000
#define NEIGH_HOLD	 4    /* frames waiting for one request's answer */
#define NEIGH_LOCK_MS	 1000 /* cfg.dpdk_neigh_lock_ms 0 */

/* One slot of the neighbour table. Workers read it without a lock: seq
 * is odd while the slot is written, and a reader that saw it move reads
 * again (a sequence lock). Writers take the table's lock. 32 bytes, two
 * to a cache line: a lookup misses once. */
struct neigh {
	_Atomic uint32_t seq;
	uint8_t family, valid;
	uint8_t ip[16];
	struct rte_ether_addr mac;
	uint32_t stamp; /* ms (low 32 bits) it was written at; writers' */
} __attribute__((aligned(32)));

/* Frames waiting for the answer to a request of ours for their next
 * hop, no destination MAC yet: sent when it comes, else freed. */
struct neigh_held {
	unsigned n;
	struct rte_mbuf *m[NEIGH_HOLD];
	uint16_t len[NEIGH_HOLD]; /* their payload bytes */
};

/* A request of ours awaiting its answer (until: ms; 0, free). */
struct neigh_pend {
	uint64_t until;
	uint8_t family;
	uint8_t ip[16];
	struct neigh_held held;
};

/* The neighbour table (dpdk_neigh.c), one per port: every worker learns
 * into it (an ARP reply lands on any queue) and looks next hops up in
 * it. It learns only what it can believe (issue 12, defect 6): answers
 * to our own requests (pend[]), authentic packets' sources, and the
 * unsolicited only when configured; a MAC changes at most once per
 * lock_ms. Open addressing, 4 slots per session. gen moves (from 1, 64 bits:
 * never wraps) when a mapping the table gave out changes: a MAC
 * replaced, an entry taken over. Sessions cache their next hop's MAC
 * under it (lr__dpsess.l2, l2_gen). */
struct dpdk_neigh {
	struct neigh *slot;
	unsigned mask;
	_Atomic uint64_t gen;
	rte_spinlock_t lock; /* writers, and pend[] */
	uint32_t lock_ms;    /* a MAC changes once per lock_ms (0: freely) */
	struct neigh_pend *pend; /* NEIGH_PENDING */
};

/* The next hop for one family (cfg.dpdk_gw4/6, dpdk_prefix4/6). */
struct dpdk_route {
	uint8_t prefix;	       /* bits of a local address that are the link */
	struct lr_addr gw;     /* family 0: no gateway, every peer on link */
	const uint8_t *gw_src; /* the local address on its link, or NULL */
};

/* The port and what its workers share (dp->be): made and freed by the
 * front (ops->setup, teardown).
 * Worker q polls rx queue q and sends on tx queue q. */
struct dpdk_port {
	uint16_t id;
	unsigned nq; /* queues: one per worker */
	struct rte_ether_addr mac;
	int csum_offload; /* the port computes IPv4 and UDP checksums */
	int configured;	  /* rte_eth_dev_configure worked: stop it */
	int af_xdp;	  /* net_af_xdp: packed pools, closed at the end */
	char vdev[64];	  /* the device cfg.dpdk_vdev made ("": none) */
	struct dpdk_route route[2]; /* [0] IPv4, [1] IPv6 */
	struct dpdk_neigh nt;
	struct rte_mempool *pool[LR_DP_MAX_WORKERS];
	/* Frames that came in on another worker's queue, for worker q's
	 * flows (nq > 1; many producers, one consumer). */
	struct rte_ring *handoff[LR_DP_MAX_WORKERS];
};

struct dpdk {
	struct dpdk_port *pt;
	/* copies of pt's, read on every frame */
	uint16_t port, queue;
	unsigned nq;
	struct rte_mempool *pool; /* the queue's */
	struct rte_ether_addr mac;
	int csum_offload;
	struct dpdk_route route[2];
	struct dpdk_neigh *nt;
	struct {	      /* the last (ip, mac) rx learnt, at gen */
		uint64_t gen; /* 0: none */
		uint8_t family;
		uint8_t ip[16];
		struct rte_ether_addr mac;
	} rx_last;
	int handed;	 /* the frames being parsed came through handoff */
	int learn_any;	 /* cfg.dpdk_learn_unsolicited */
	uint64_t now_ms; /* CLOCK_MONOTONIC, read once per round */
	struct lr__dpbuf **rx; /* rx_burst's: its caller's array */
	unsigned nrx;
	struct rte_mbuf *out[LR_DP_BURST];
	unsigned nout;
	/* frames for other workers, passed on at the end of the burst */
	struct rte_mbuf *ho[LR_DP_MAX_WORKERS][LR_DP_BURST];
	unsigned nho[LR_DP_MAX_WORKERS];
};

/* dpdk_neigh.c. slots: a power of two; lock_ms 0 (set it after init).
 * lookup: 1 and *mac, or 0. Times are ms of one monotonic clock. */
int lr__neigh_init(struct dpdk_neigh *t, unsigned slots);
void lr__neigh_fini(struct dpdk_neigh *t);
enum {
	NEIGH_KNOWN,
	NEIGH_NEW,
	NEIGH_CHANGED
};
/* ip is at mac: NEIGH_KNOWN (so it was), NEIGH_NEW, NEIGH_CHANGED, or
 * -EBUSY (a change less than lock_ms after the last: refused). */
int lr__neigh_learn(struct dpdk_neigh *t, uint8_t family, const uint8_t *ip,
		    const struct rte_ether_addr *mac, uint64_t now);
/* Our requests (ARP, NS) for ip. Pending ones that expired unanswered
 * are let go as they are met, their held frames freed and counted in
 * *lost (the caller's tx_failed).
 * solicit, before one goes out: 1 (send it; it is pending now), 0 (one
 * is pending: do not), -ENOSPC (too many are pending).
 * answer, an ARP reply or NA saying ip is at mac: lr__neigh_learn's
 * result if a request for ip is pending, which it ends (the frames it
 * held move to *held); -ENOENT, not learnt, if it answers nothing we
 * asked.
 * hold: frame m (payload bytes len) waits for the pending request for
 * ip to be answered: 1, or 0 (none is pending, or it holds NEIGH_HOLD:
 * m is still the caller's). */
int lr__neigh_solicit(struct dpdk_neigh *t, uint8_t family, const uint8_t *ip,
		      uint64_t now, uint64_t *lost);
int lr__neigh_answer(struct dpdk_neigh *t, uint8_t family, const uint8_t *ip,
		     const struct rte_ether_addr *mac, uint64_t now,
		     uint64_t *lost, struct neigh_held *held);
int lr__neigh_hold(struct dpdk_neigh *t, uint8_t family, const uint8_t *ip,
		   struct rte_mbuf *m, uint16_t len, uint64_t now,
		   uint64_t *lost);
int lr__neigh_lookup(const struct dpdk_neigh *t, const struct lr_addr *a,
		     struct rte_ether_addr *mac);
/* Ask for ip's home slot (a frame's source, before it is learnt from). */
void lr__neigh_prefetch(const struct dpdk_neigh *t, uint8_t family,
			const uint8_t *ip);
static inline uint64_t lr__neigh_gen(const struct dpdk_neigh *t)
{
	return atomic_load_explicit(&t->gen, memory_order_acquire);
}

/* The workers' clock, read once per round (dpdk.now_ms). */
static inline uint64_t lr__dpdk_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
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

void lr__dpdk_out(struct lr__worker *wk, struct dpdk *d, struct rte_mbuf *m);
int lr__dpdk_our_ipv4(const struct lr__worker *wk, uint32_t ip_be);
void lr__dpdk_arp_send(struct lr__worker *wk, struct dpdk *d, uint16_t op,
		       const struct rte_ether_addr *tha, uint32_t tip_be,
		       uint32_t sip_be);
void lr__dpdk_on_arp(struct lr__worker *wk, struct dpdk *d, const uint8_t *p,
		     size_t len);
/* What a learn or an answer said (r), counted; the frames the answer's
 * request held (NULL: none) sent to mac. */
void lr__dpdk_learnt(struct lr__worker *wk, struct dpdk *d, int r,
		     const struct rte_ether_addr *mac,
		     const struct neigh_held *held);
/* dpdk_xdp.c. is_af_xdp: 1 if port is net_af_xdp's. pool: n mbufs of
 * the default size on sock, packed (no object kept inside one page) or
 * as rte_pktmbuf_pool_create makes them; NULL if not. umem_check: 0 if
 * every mbuf of mp lies inside the UMEM net_af_xdp would register for
 * it, else -ERANGE (said on stderr). vdev_up: the device of devargs
 * made, its name (up to the first ',') in name[len] and its port in
 * *port; 0 or -errno (said on stderr). vdev_down: it removed (its port
 * closed first by its driver). */
int lr__dpdk_is_af_xdp(uint16_t port);
struct rte_mempool *lr__dpdk_pool(const char *name, unsigned n, int packed,
				  int sock);
int lr__dpdk_umem_check(struct rte_mempool *mp);
int lr__dpdk_vdev_up(const char *devargs, char *name, size_t len,
		     uint16_t *port);
void lr__dpdk_vdev_down(const char *name);
/* dpdk_l3.c */
/* 1 if the frame's mbuf became an engine buffer (rx), 0 if the caller
 * still owns it (answered, or dropped and counted). */
int lr__dpdk_on_frame(struct lr__worker *wk, struct dpdk *d,
		      struct rte_mbuf *m);
void lr__dpdk_transmit(struct lr__worker *wk, struct dpdk *d,
		       struct lr__dpbuf **tx, unsigned n);
/* The engine's authentic packets (ops->authentic): their sources' MACs
 * learnt. */
void lr__dpdk_authentic(struct lr__worker *wk, struct lr__dpbuf **b,
			unsigned n);

#endif
