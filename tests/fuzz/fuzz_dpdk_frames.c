/*
 * libFuzzer: the dpdk backend's Ethernet/ARP/ND/IPv4/IPv6/UDP stack on
 * arbitrary frames. The first input byte sets what a port would say
 * (bad IP or L4 checksum flags), whether there are two workers (so a
 * frame may be for the other's flows), whether IPv4 has a gateway,
 * whether unsolicited ARP/ND is believed (dpdk_learn_unsolicited),
 * whether the frame's sender was asked for first (a request of ours
 * pending for the ARP sender's or the NA target's address, holding a
 * frame) and whether a second passes on the virtual clock (requests
 * expire, the lock on changes lifts); the rest is one frame, handed to
 * lr__dpdk_on_frame() in an mbuf, and a datagram taken is then passed to
 * the backend as authentic (as if its SRTP had verified). Each frame
 * must be accounted for exactly once: taken as a datagram, passed to
 * another worker, taken as ARP/ND (rx_arp_nd) or dropped with a reason;
 * every mbuf (the frame's, and any answer the stack built) must be back
 * in the pool afterwards, but for the frames requests hold. Nothing may
 * be learnt (issue 12, defect 6) from a frame that answers no request
 * and is not authentic unless unsolicited ARP/ND is believed. The
 * neighbour table lives on across inputs, so learning and taking over
 * entries are exercised too. White box: the worker's state is built
 * here, with no thread and no port (answers are freed, not sent). The
 * EAL runs without hugepages.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "backend/dpdk_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lr_dp *dp;
static struct lr__worker *wk;
static struct dpdk *d;
static struct lr__dpbuf *rx[LR_DP_BURST];
static struct rte_mempool *pool;
static struct dpdk_neigh nt;

static void setup(void)
{
	char *argv[] = {"fuzz", "--no-huge", "--no-pci",	  "--no-shconf",
			"-m",	"128",	     "--log-level=error", NULL};
	struct lr_addr l4 = {.family = 4, .port = 5000, .ip = {127, 0, 0, 1}};
	struct lr_addr l6 = {.family = 6, .port = 5000, .ip = {[15] = 1}};

	if (rte_eal_init(7, argv) < 0)
		abort();
	pool = rte_pktmbuf_pool_create("fuzz", 1023, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	struct lr__fwd_cfg fc = {.pool = 256, .max_sessions = 16};

	dp = calloc(1, sizeof(*dp));
	wk = calloc(1, sizeof(*wk));
	d = calloc(1, sizeof(*d));
	if (!pool || !dp || !wk || !d)
		abort();
	dp->ops = &lr__dp_dpdk_ops; /* releases an engine buffer's mbuf */
	dp->cfg.workers = 1;
	dp->nlocal = 2;
	dp->local[0] = l4;
	dp->local[1] = l6;
	wk->dp = dp;
	wk->be = d;
	d->rx = rx;
	/* the worker's environment: lent mbufs go back through the ops */
	if (lr__fwd_init(&wk->fwd, &lr__worker_env, &fc, dp->local, 2, NULL) ||
	    lr__neigh_init(&nt, 64))
		abort();
	nt.lock_ms = NEIGH_LOCK_MS;
	d->nt = &nt;
	d->pool = pool;
	d->mac = (struct rte_ether_addr){{0x02, 0, 0, 0, 0, 1}};
	d->nq = 1;
}

/* What accounts for frames: held frames that expire, or that wait for
 * an answer not believed, count tx_failed, never the frame itself. */
static uint64_t counted(void)
{
	uint64_t n = wk->fwd.st.rx_arp_nd;

	for (unsigned k = 0; k < LR_DROP__MAX; k++)
		n += k == LR_DROP_TX_FAILED ? 0 : wk->fwd.st.drops[k];
	return n;
}

/* Frames the table's requests hold; requests pending. */
static unsigned held(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NEIGH_PENDING; i++)
		n += nt.pend[i].held.n;
	return n;
}

static unsigned pending(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NEIGH_PENDING; i++)
		n += nt.pend[i].until > d->now_ms;
	return n;
}

/* A request of ours for the address the frame f (len bytes) would
 * answer for, as if sent: an ARP packet's sender, an ICMPv6 message's
 * target. It holds a frame, while few are held. */
static void asked(const uint8_t *f, size_t len)
{
	const uint8_t *ip = NULL;
	uint8_t family = 4;
	uint64_t lost = 0;
	struct rte_mbuf *m;

	if (len >= 14 + 28 && f[12] == 0x08 && f[13] == 0x06) {
		ip = f + 14 + 14;
	} else if (len >= 14 + 40 + 24 && f[12] == 0x86 && f[13] == 0xdd) {
		ip = f + 14 + 40 + 8;
		family = 6;
	}
	if (!ip)
		return;
	lr__neigh_solicit(&nt, family, ip, d->now_ms, &lost);
	if (held() >= 64 || !(m = rte_pktmbuf_alloc(pool)))
		return;
	m->data_len = m->pkt_len = 60;
	if (!lr__neigh_hold(&nt, family, ip, m, 18, d->now_ms, &lost))
		rte_pktmbuf_free(m);
	wk->fwd.st.drops[LR_DROP_TX_FAILED] += lost;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m;
	uint64_t before, learnt;
	int trusted;
	unsigned handed = 0;

	if (!dp)
		setup();
	if (size < 1)
		return 0;
	/* two workers, this one worker 0 or 1: a frame may be the other's */
	d->nq = data[0] & 4 ? 2 : 1;
	d->queue = d->nq == 2 ? (data[0] >> 3) & 1 : 0;
	/* IPv4 peers outside 127.0.0.0/24 go through 127.0.0.254 */
	memset(d->route, 0, sizeof(d->route));
	if (data[0] & 0x10) {
		d->route[0].prefix = 24;
		d->route[0].gw =
			(struct lr_addr){.family = 4, .ip = {127, 0, 0, 254}};
		d->route[0].gw_src = dp->local[0].ip;
	}
	d->learn_any = !!(data[0] & 0x20);
	d->now_ms += 1 + (data[0] & 0x80 ? NEIGH_PENDING_MS : 0);
	if (data[0] & 0x40)
		asked(data + 1, size - 1);
	learnt = wk->fwd.st.neigh_learnt;
	trusted = (data[0] & 0x20) || pending();
	m = rte_pktmbuf_alloc(pool);
	if (!m)
		abort(); /* the pool must never leak */
	if (size - 1 > rte_pktmbuf_tailroom(m))
		size = rte_pktmbuf_tailroom(m) + 1;
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), data + 1, size - 1);
	m->data_len = m->pkt_len = (uint32_t)(size - 1);
	if (data[0] & 1)
		m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	if (data[0] & 2)
		m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_BAD;
	before = counted();
	if (!lr__dpdk_on_frame(wk, d, m))
		rte_pktmbuf_free(m);
	for (unsigned w = 0; w < LR_DP_MAX_WORKERS; w++) {
		for (unsigned i = 0; i < d->nho[w]; i++)
			rte_pktmbuf_free(d->ho[w][i]);
		handed += d->nho[w];
		d->nho[w] = 0;
	}
	/* once: a datagram taken, passed on, or counted */
	if (counted() - before + d->nrx + handed != 1)
		abort();
	/* believed: an answer to a request, an authentic packet, or
	 * anyone (trusted) */
	if (!trusted && wk->fwd.st.neigh_learnt != learnt)
		abort();
	lr__dpdk_authentic(wk, d->rx, d->nrx);
	for (unsigned i = 0; i < d->nrx; i++)
		lr__buf_put(&wk->fwd, d->rx[i]); /* frees its mbuf */
	d->nrx = 0;
	for (unsigned i = 0; i < d->nout; i++) /* answers: ARP, NA */
		rte_pktmbuf_free(d->out[i]);
	d->nout = 0;
	if (rte_mempool_in_use_count(pool) != held())
		abort();
	return 0;
}
