/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The dpdk backend: one ethdev port, rx/tx bursts, and just enough of
 * Ethernet, ARP, IPv6 neighbour discovery, IPv4, IPv6 and UDP for the
 * configured local addresses. Received UDP for a local address:port goes
 * through the engine like any datagram; everything else for us (ARP, ND)
 * is answered here; anything else is dropped and counted. Outgoing
 * datagrams need the next hop's MAC: the peer's when it is on the link
 * (inside the local address's prefix, or no gateway configured), else
 * the gateway's; learnt from the answers to our ARP requests and
 * neighbour solicitations, and from the frames of packets that
 * authenticated (issue 12, defect 6: never from what anyone says
 * unasked, unless configured to); when unknown, it is asked for and the
 * first datagrams to it wait for the answer (dpdk_neigh.c). A session
 * caches its next hop's MAC until the table changes (its generation).
 * IPv4 and UDP checksums go to the port when it offers to compute them,
 * and are computed here otherwise.
 *
 * No copies on the media path: a received datagram stays in its mbuf,
 * which the engine's buffer borrows (pkt.priv); the engine decrypts and
 * re-encrypts in place and the frame leaves in the same mbuf, its
 * headers rewritten in the headroom. Only fan-out legs beyond the first
 * are copies (each leg is encrypted with its own keys).
 * The worker polls; when a round finds nothing it sleeps 20 us.
 *
 * Workers (cfg.workers = N): worker i owns rx and tx queue i. A peer's
 * datagrams are its worker's (lr__dp_steer_n, the function the socket
 * backends' BPF computes): one that arrived on another queue is parsed
 * there, then passed through the owner's handoff ring, so that each
 * flow's replay window and SRTP state see all of its packets on one
 * core whatever the port's RSS did. ARP and ND are answered by whichever
 * worker got them, into the one neighbour table.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_lcore.h>

#include "dpdk_internal.h"

static void flush_out(struct lr__worker *wk, struct dpdk *d)
{
	unsigned sent = 0;

	while (sent < d->nout) {
		uint16_t k = rte_eth_tx_burst(d->port, d->queue, d->out + sent,
					      (uint16_t)(d->nout - sent));

		if (!k)
			break;
		sent += k;
	}
	wk->fwd.st.tx_packets += sent; /* frames, ARP and ND included */
	for (unsigned i = sent; i < d->nout; i++) {
		rte_pktmbuf_free(d->out[i]);
		wk->fwd.st.drops[LR_DROP_TX_FAILED]++;
	}
	d->nout = 0;
}

void lr__dpdk_out(struct lr__worker *wk, struct dpdk *d, struct rte_mbuf *m)
{
	if (d->nout == LR_DP_BURST)
		flush_out(wk, d);
	d->out[d->nout++] = m;
}

/* ---- ARP (RFC 826) and IPv6 ND (RFC 4861) ---- */

int lr__dpdk_our_ipv4(const struct lr__worker *wk, uint32_t ip_be)
{
	for (unsigned i = 0; i < wk->dp->nlocal; i++)
		if (wk->dp->local[i].family == 4 &&
		    !memcmp(wk->dp->local[i].ip, &ip_be, 4))
			return (int)i;
	return -1;
}

void lr__dpdk_arp_send(struct lr__worker *wk, struct dpdk *d, uint16_t op,
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
	lr__dpdk_out(wk, d, m);
}

void lr__dpdk_learnt(struct lr__worker *wk, struct dpdk *d, int r,
		     const struct rte_ether_addr *mac,
		     const struct neigh_held *held)
{
	if (r == -EBUSY)
		wk->fwd.st.neigh_limited++;
	else if (r == NEIGH_NEW || r == NEIGH_CHANGED)
		wk->fwd.st.neigh_learnt++;
	for (unsigned i = 0; held && i < held->n; i++) {
		struct rte_mbuf *m = held->m[i];

		if (r < 0) { /* the next hop stays what it was: not there */
			rte_pktmbuf_free(m);
			wk->fwd.st.drops[LR_DROP_TX_FAILED]++;
			continue;
		}
		rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr = *mac;
		wk->fwd.st.tx_bytes += held->len[i];
		lr__dpdk_out(wk, d, m);
	}
}

/* What an ARP packet says of its sender (sip at sha) is believed when
 * it is a reply to our request for sip, pending (to one of our
 * addresses), or when the configuration believes anyone on the link
 * (cfg.dpdk_learn_unsolicited). Never 0.0.0.0 (a probe, RFC 5227) nor
 * one of ours. Replies to nothing we asked and gratuitous ARP (sip ==
 * tip) count neigh_unsolicited when they are not believed. */
static void arp_learn(struct lr__worker *wk, struct dpdk *d,
		      const struct rte_arp_hdr *a)
{
	uint32_t sip = a->arp_data.arp_sip, tip = a->arp_data.arp_tip;
	const struct rte_ether_addr *sha = &a->arp_data.arp_sha;
	int reply = a->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	struct neigh_held held = {.n = 0};
	int r = -ENOENT;

	if (!sip || lr__dpdk_our_ipv4(wk, sip) >= 0 ||
	    rte_is_zero_ether_addr(sha) || !rte_is_unicast_ether_addr(sha))
		return;
	if (reply && sip != tip && lr__dpdk_our_ipv4(wk, tip) >= 0)
		r = lr__neigh_answer(
			d->nt, 4, (const uint8_t *)&sip, sha, d->now_ms,
			&wk->fwd.st.drops[LR_DROP_TX_FAILED], &held);
	if (r == -ENOENT && d->learn_any)
		r = lr__neigh_learn(d->nt, 4, (const uint8_t *)&sip, sha,
				    d->now_ms);
	if (r == -ENOENT && (reply || sip == tip))
		wk->fwd.st.neigh_unsolicited++;
	lr__dpdk_learnt(wk, d, r, sha, &held);
}

void lr__dpdk_on_arp(struct lr__worker *wk, struct dpdk *d, const uint8_t *p,
		     size_t len)
{
	const struct rte_arp_hdr *a = (const void *)p;
	uint32_t sip, tip;

	if (len < sizeof(*a) || a->arp_hlen != RTE_ETHER_ADDR_LEN ||
	    a->arp_plen != 4) {
		wk->fwd.st.drops[LR_DROP_BAD_FRAME]++;
		return;
	}
	if (a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		wk->fwd.st.drops[LR_DROP_NOT_OURS]++;
		return;
	}
	wk->fwd.st.rx_arp_nd++;
	sip = a->arp_data.arp_sip;
	tip = a->arp_data.arp_tip;
	arp_learn(wk, d, a);
	/* asked for our address: answered to whoever asked, at the MAC it
	 * gave, without believing it (a frame of ours to it asks first) */
	if (a->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) &&
	    lr__dpdk_our_ipv4(wk, tip) >= 0)
		lr__dpdk_arp_send(wk, d, RTE_ARP_OP_REPLY, &a->arp_data.arp_sha,
				  sip, tip);
}

/* ---- the loop ---- */

static int eal_up(const struct lr_dp *dp)
{
	char buf[512], *argv[32], *save = NULL;
	int argc = 0, r, have;
	cpu_set_t cpus;
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
	/* The EAL pins the thread that starts it to its main lcore's CPU.
	 * That is the caller's thread, and every worker started from it
	 * would inherit the one CPU: the caller keeps the CPUs it had, and
	 * workers are pinned only by cfg.pin. */
	have = !pthread_getaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	r = rte_eal_init(argc, argv);
	if (have)
		pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
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

/* The first worker makes the port: one rx and one tx queue per worker,
 * each rx queue with its worker's mbuf pool, a handoff ring per worker,
 * and the neighbour table. RSS, when the port has it for UDP, spreads
 * flows over the queues; the flow's worker is lr__dp_steer_n's (the
 * sockets' function), so frames a queue got for another worker's flows
 * are passed on (rx_handoff). */
static int port_open(struct lr_dp *dp, struct dpdk_port *pt)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	unsigned n, nq = pt->nq;
	int sock = rte_eth_dev_socket_id(pt->id), r;
	char name[RTE_MEMPOOL_NAMESIZE];

	for (n = NEIGH_MIN;
	     n < 4 * (dp->cfg.max_sessions ? dp->cfg.max_sessions : 4096);)
		n <<= 1;
	r = lr__neigh_init(&pt->nt, n);
	if (r)
		return r;
	pt->nt.lock_ms = dp->cfg.dpdk_neigh_lock_ms ? dp->cfg.dpdk_neigh_lock_ms
						    : NEIGH_LOCK_MS;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_info_get(pt->id, &info))
		return -EIO;
	pt->af_xdp = lr__dpdk_is_af_xdp(pt->id);
	if (nq > info.max_rx_queues || nq > info.max_tx_queues) {
		fprintf(stderr,
			"linerate: dpdk: port %u has %u rx and %u tx queues, "
			"%u workers need %u of each\n",
			pt->id, info.max_rx_queues, info.max_tx_queues, nq, nq);
		return -EINVAL;
	}
	if ((info.tx_offload_capa & CSUM_OFFLOAD) == CSUM_OFFLOAD) {
		conf.txmode.offloads = CSUM_OFFLOAD;
		pt->csum_offload = 1;
	}
	if (nq > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_UDP)) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			info.flow_type_rss_offloads &
			(RTE_ETH_RSS_UDP | RTE_ETH_RSS_IP);
	}
	if (rte_eth_dev_configure(pt->id, (uint16_t)nq, (uint16_t)nq, &conf))
		return -EIO;
	pt->configured = 1;
	for (unsigned q = 0; q < nq; q++) {
		snprintf(name, sizeof(name), "lr%u_%u_%p", pt->id, q,
			 (void *)pt);
		pt->pool[q] = lr__dpdk_pool(name, NB_MBUF, pt->af_xdp, sock);
		if (!pt->pool[q])
			return -ENOMEM;
		r = pt->af_xdp ? lr__dpdk_umem_check(pt->pool[q]) : 0;
		if (r)
			return r;
		if (rte_eth_rx_queue_setup(pt->id, (uint16_t)q, NB_DESC,
					   (unsigned)sock, NULL, pt->pool[q]) ||
		    rte_eth_tx_queue_setup(pt->id, (uint16_t)q, NB_DESC,
					   (unsigned)sock, NULL))
			return -EIO;
		if (nq < 2)
			continue;
		snprintf(name, sizeof(name), "lrho%u_%u_%p", pt->id, q,
			 (void *)pt);
		pt->handoff[q] = rte_ring_create(name, HANDOFF_RING, sock,
						 RING_F_SC_DEQ);
		if (!pt->handoff[q])
			return -ENOMEM;
	}
	if (rte_eth_dev_start(pt->id) || rte_eth_macaddr_get(pt->id, &pt->mac))
		return -EIO;
	return 0;
}

static void port_close(struct dpdk_port *pt)
{
	void *m;

	if (pt->configured) /* else the EAL or the port may not be there */
		rte_eth_dev_stop(pt->id);
	lr__neigh_fini(&pt->nt); /* frees held frames: before their pools */
	/* The interface as it was found: net_af_xdp detaches its XDP
	 * program and lets go of the UMEM (over the pools) on close. A
	 * device we made goes whole; a port of the EAL's arguments is
	 * closed (gone for a later lr_dp_new: cfg.dpdk_vdev makes it
	 * again), other drivers' ports stay, stopped, for the next. */
	if (pt->vdev[0])
		lr__dpdk_vdev_down(pt->vdev);
	else if (pt->configured && pt->af_xdp)
		rte_eth_dev_close(pt->id);
	for (unsigned q = 0; q < pt->nq; q++) {
		if (pt->handoff[q]) {
			while (!rte_ring_dequeue(pt->handoff[q], &m))
				rte_pktmbuf_free(m);
			rte_ring_free(pt->handoff[q]);
		}
		rte_mempool_free(pt->pool[q]);
	}
	free(pt);
}

/* The front's: the EAL, the port with a queue per worker, the
 * neighbour table (control thread, before the workers). */
static int dpdk_setup(struct lr_dp *dp)
{
	struct dpdk_port *pt;
	int r = 0;

	for (unsigned i = 0; i < dp->nlocal; i++)
		if (!dp->local[i].port)
			return -EINVAL; /* no ephemeral ports without a stack */
	pt = calloc(1, sizeof(*pt));
	if (!pt)
		return -ENOMEM;
	pt->id = dp->cfg.dpdk_port;
	pt->nq = dp->cfg.workers; /* (1 at least: front.c) */
	r = route_init(dp, &pt->route[0], 0);
	if (!r)
		r = route_init(dp, &pt->route[1], 1);
	if (!r)
		r = eal_up(dp);
	if (!r && dp->cfg.dpdk_vdev)
		r = lr__dpdk_vdev_up(dp->cfg.dpdk_vdev, pt->vdev,
				     sizeof(pt->vdev), &pt->id);
	if (!r && !rte_eth_dev_is_valid_port(pt->id))
		r = -ENODEV;
	if (!r)
		r = port_open(dp, pt);
	if (r) {
		port_close(pt);
		return r;
	}
	dp->be = pt;
	return 0;
}

static void dpdk_teardown(struct lr_dp *dp)
{
	if (dp->be)
		port_close(dp->be);
	dp->be = NULL;
}

/* A worker's: queue index of the port, copies of what every frame
 * reads. */
static int dpdk_open(struct lr__worker *wk)
{
	struct dpdk_port *pt = wk->dp->be;
	struct dpdk *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->pt = pt;
	d->port = pt->id;
	d->queue = (uint16_t)wk->index;
	d->nq = pt->nq;
	d->pool = pt->pool[wk->index];
	d->mac = pt->mac;
	d->csum_offload = pt->csum_offload;
	memcpy(d->route, pt->route, sizeof(d->route));
	d->nt = &pt->nt;
	d->learn_any = !!wk->dp->cfg.dpdk_learn_unsolicited;
	d->now_ms = lr__dpdk_now_ms();
	wk->be = d;
	return 0;
}

static void dpdk_close(struct lr__worker *wk)
{
	free(wk->be);
	wk->be = NULL;
}

static void handoff_flush(struct lr__worker *wk, struct dpdk *d)
{
	for (unsigned w = 0; w < d->nq; w++) {
		unsigned n = d->nho[w], k;

		if (!n)
			continue;
		k = rte_ring_enqueue_burst(d->pt->handoff[w],
					   (void *const *)d->ho[w], n, NULL);
		wk->fwd.st.rx_handoff += k;
		for (unsigned i = k; i < n; i++) {
			rte_pktmbuf_free(d->ho[w][i]);
			wk->fwd.st.drops[LR_DROP_NO_BUFFER]++;
		}
		d->nho[w] = 0;
	}
}

/* The neighbour slot m's source will be learnt into, asked for. With
 * many peers on the link each frame's is a cache (and TLB) miss; asked
 * for across the burst, the misses overlap. A repeat of the last source
 * learnt is not looked up (rx_learn). */
static void neigh_ask(const struct dpdk *d, const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint8_t family;
	size_t len;

	if (m->data_len >= 34 && p[12] == 0x08 && p[13] == 0x00)
		family = 4, len = 4, p += 26;
	else if (m->data_len >= 54 && p[12] == 0x86 && p[13] == 0xdd)
		family = 6, len = 16, p += 22;
	else
		return;
	if (d->rx_last.family != family || memcmp(d->rx_last.ip, p, len))
		lr__neigh_prefetch(d->nt, family, p);
}

/* One burst of frames: prefetched, parsed (answering ARP/ND); the
 * datagrams for this worker's flows land in d->rx. */
static void frames(struct lr__worker *wk, struct dpdk *d, struct rte_mbuf **m,
		   unsigned got)
{
	/* the frames were written by another core (or a NIC): pull them
	 * towards this one while the first are being parsed */
	for (unsigned i = 0; i < got; i++) {
		const char *p = rte_pktmbuf_mtod(m[i], const char *);

		for (unsigned o = 0; o < m[i]->data_len; o += 64)
			rte_prefetch1(p + o);
	}
	for (unsigned i = 0; i < got; i++)
		neigh_ask(d, m[i]);
	for (unsigned i = 0; i < got; i++)
		if (!lr__dpdk_on_frame(wk, d, m[i]))
			rte_pktmbuf_free(m[i]);
}

/* Frames off the queue (and those other queues passed on, with
 * several workers), parsed: up to max datagrams into b[]. */
static unsigned dpdk_rx_burst(struct lr__worker *wk, struct lr__dpbuf **b,
			      unsigned max)
{
	struct dpdk *d = wk->be;
	struct rte_mbuf *m[LR_DP_BURST];
	unsigned got;

	if (max > LR_DP_BURST)
		max = LR_DP_BURST;
	d->now_ms = lr__dpdk_now_ms();
	d->rx = b;
	d->nrx = 0;
	got = rte_eth_rx_burst(d->port, d->queue, m, (uint16_t)max);
	frames(wk, d, m, got);
	if (d->nq > 1) {
		handoff_flush(wk, d);
		got = rte_ring_sc_dequeue_burst(d->pt->handoff[d->queue],
						(void **)m, max - d->nrx, NULL);
		d->handed = 1;
		frames(wk, d, m, got);
		d->handed = 0;
	}
	flush_out(wk, d); /* ARP and ND answers */
	return d->nrx;
}

static void dpdk_tx_burst(struct lr__worker *wk, struct lr__dpbuf **tx,
			  unsigned n)
{
	struct dpdk *d = wk->be;

	lr__dpdk_transmit(wk, d, tx, n);
	flush_out(wk, d);
}

/* Idle: do not spin a test box. */
static void dpdk_wait(struct lr__worker *wk)
{
	struct timespec ts = {.tv_nsec = 20000};

	(void)wk;
	nanosleep(&ts, NULL);
}

static void dpdk_release(struct lr__worker *wk, void *mbuf)
{
	(void)wk;
	rte_pktmbuf_free(mbuf);
}

const struct lr__backend_ops lr__dp_dpdk_ops = {
	.name = "dpdk",
	.setup = dpdk_setup,
	.teardown = dpdk_teardown,
	.open = dpdk_open,
	.close = dpdk_close,
	.rx_burst = dpdk_rx_burst,
	.tx_burst = dpdk_tx_burst,
	.release = dpdk_release,
	.authentic = lr__dpdk_authentic,
	.wait = dpdk_wait,
};
