/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The dpdk backend's IPv4 (RFC 791), IPv6 (RFC 8200), UDP (RFC 768) and
 * IPv6 neighbour discovery (RFC 4861 §4.3-4.4, §7.2): frames in to the
 * engine's buffers, datagrams out to frames. Every length is checked
 * before it is used; what is not ours is dropped.
 */
#include <errno.h>
#include <string.h>

#include "csum.h"
#include "dpdk_internal.h"

#define ICMP6 58
#define ND_NS 135
#define ND_NA 136

static int local_index(const struct lr__worker *wk, uint8_t family,
		       const uint8_t *ip, uint16_t port_be)
{
	for (unsigned i = 0; i < wk->dp->nlocal; i++)
		if (wk->dp->local[i].family == family &&
		    rte_cpu_to_be_16(wk->dp->local[i].port) == port_be &&
		    !memcmp(wk->dp->local[i].ip, ip, family == 6 ? 16 : 4))
			return (int)i;
	return -1;
}

static int our_ipv6(const struct lr__worker *wk, const uint8_t *ip)
{
	for (unsigned i = 0; i < wk->dp->nlocal; i++)
		if (wk->dp->local[i].family == 6 &&
		    !memcmp(wk->dp->local[i].ip, ip, 16))
			return (int)i;
	return -1;
}

/* A frame dropped here: counted for the worker, the mbuf stays the
 * caller's (0). */
static int drop(struct lr__worker *wk, enum lr_drop_reason why)
{
	wk->fwd.st.drops[why]++;
	return 0;
}

/* A UDP datagram for local address li becomes an engine buffer over the
 * mbuf itself (no copy): 1 if the mbuf was taken, 0 if it is the
 * caller's still. */
static int take(struct lr__worker *wk, struct dpdk *d, struct rte_mbuf *m,
		int li, uint8_t family, const uint8_t *src,
		const struct rte_udp_hdr *u, size_t ulen)
{
	struct lr__dpbuf *b;
	uint8_t *payload = (uint8_t *)(uintptr_t)(u + 1);
	size_t plen = ulen - sizeof(*u);

	if (plen > 1500) /* a jumbo datagram: more than the engine takes */
		return drop(wk, LR_DROP_BAD_FRAME);
	if (d->nrx == LR_DP_BURST) /* cannot be: a burst is at most that */
		return drop(wk, LR_DROP_NO_BUFFER);
	b = lr__buf_get(&wk->fwd);
	if (!b) {
		wk->fwd.st.drops[LR_DROP_NO_BUFFER]++;
		return 0;
	}
	b->pkt.data = payload;
	b->pkt.len = (uint32_t)plen;
	b->pkt.room = (uint32_t)((uint8_t *)m->buf_addr + m->buf_len - payload);
	b->pkt.priv = m;
	memset(&b->remote, 0, sizeof(b->remote));
	b->remote.family = family;
	b->remote.port = rte_be_to_cpu_16(u->src_port);
	memcpy(b->remote.ip, src, family == 6 ? 16 : 4);
	b->lidx = (uint16_t)li;
	b->local = wk->dp->local[li];
	d->rx[d->nrx++] = b;
	return 1;
}

/* A datagram from src to local address li: to the worker whose flows
 * its peer's are (one worker sees every packet of a flow, so its replay
 * window is whole), else taken. 1 if the mbuf was taken or passed on.
 * Nothing is learnt from it here: its source MAC is believed only once
 * its packet has authenticated (lr__dpdk_authentic). */
static int deliver(struct lr__worker *wk, struct dpdk *d, struct rte_mbuf *m,
		   int li, uint8_t family, const uint8_t *src,
		   const struct rte_udp_hdr *u, size_t ulen)
{
	if (d->nq > 1 && !d->handed) {
		unsigned w = lr__dp_steer_n(
			family, src, rte_be_to_cpu_16(u->src_port), d->nq);

		if (w != d->queue) {
			d->ho[w][d->nho[w]++] = m;
			return 1;
		}
	}
	return take(wk, d, m, li, family, src, u, ulen);
}

/* What an authentic packet's frame says of its source's MAC (issue 12,
 * defect 6: before, every UDP frame taught it, and one spoofed frame
 * moved a peer's media to the spoofer). Its session is the one of its
 * source address and port, and its SRTP or SRTCP tag verified, so the
 * frame came from the peer (or one who can replay its fresh packets
 * first). A burst holds runs from one peer: what was learnt last is
 * still in the table while the generation has not moved (any change to
 * an entry bumps it), so a repeat skips the cold table. With a gateway,
 * a source off the link came through a router: its MAC is the router's,
 * not to be learnt as the peer's. */
static void rx_learn(struct lr__worker *wk, struct dpdk *d,
		     const struct lr__dpbuf *b,
		     const struct rte_ether_addr *mac)
{
	const uint8_t *src = b->remote.ip;
	uint8_t family = b->remote.family;
	size_t len = family == 6 ? 16 : 4;
	uint64_t gen = lr__neigh_gen(d->nt);
	int r;

	if (d->rx_last.gen == gen && d->rx_last.family == family &&
	    rte_is_same_ether_addr(&d->rx_last.mac, mac) &&
	    !memcmp(d->rx_last.ip, src, len))
		return;
	if (!lr__dpdk_on_link(d, family, wk->dp->local[b->lidx].ip, src))
		return;
	r = lr__neigh_learn(d->nt, family, src, mac, d->now_ms);
	lr__dpdk_learnt(wk, d, r, mac, NULL);
	if (r < 0)
		return; /* refused: the next packet asks again */
	/* the generation before the learn: if it moved, the next frame
	 * looks again */
	d->rx_last.gen = gen;
	d->rx_last.family = family;
	memcpy(d->rx_last.ip, src, len);
	d->rx_last.mac = *mac;
}

void lr__dpdk_authentic(struct lr__worker *wk, struct lr__dpbuf **b, unsigned n)
{
	struct dpdk *d = wk->be;

	for (unsigned i = 0; i < n; i++) {
		const struct rte_mbuf *m = b[i]->pkt.priv;

		/* a received frame's mbuf, its Ethernet header where it was
		 * (injected datagrams have none) */
		if (m)
			rx_learn(wk, d, b[i],
				 &rte_pktmbuf_mtod(m,
						   const struct rte_ether_hdr *)
					  ->src_addr);
	}
}

static int on_ipv4(struct lr__worker *wk, struct dpdk *d, struct rte_mbuf *m,
		   const uint8_t *p, size_t len)
{
	const struct rte_ipv4_hdr *ip = (const void *)p;
	const struct rte_udp_hdr *u;
	size_t hl, tl, ulen;
	int li;

	if (len < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		return drop(wk, LR_DROP_BAD_FRAME);
	hl = (size_t)(ip->version_ihl & 0x0f) * 4;
	tl = rte_be_to_cpu_16(ip->total_length);
	/* the sum over a header with a right checksum folds to 0 */
	if (hl < sizeof(*ip) || tl < hl || tl > len || rte_ipv4_cksum(ip))
		return drop(wk, LR_DROP_BAD_FRAME);
	if (ip->next_proto_id != IPPROTO_UDP ||
	    (rte_be_to_cpu_16(ip->fragment_offset) & 0x3fff))
		return drop(wk, LR_DROP_NOT_OURS); /* not UDP, a fragment */
	if (tl < hl + sizeof(*u))
		return drop(wk, LR_DROP_BAD_FRAME);
	u = (const void *)(p + hl);
	ulen = rte_be_to_cpu_16(u->dgram_len);
	if (ulen < sizeof(*u) || ulen > tl - hl)
		return drop(wk, LR_DROP_BAD_FRAME);
	li = local_index(wk, 4, (const uint8_t *)&ip->dst_addr, u->dst_port);
	if (li < 0)
		return drop(wk, LR_DROP_NOT_OURS);
	return deliver(wk, d, m, li, 4, (const uint8_t *)&ip->src_addr, u,
		       ulen);
}

static void nd_send(struct lr__worker *wk, struct dpdk *d, uint8_t type,
		    const struct rte_ether_addr *eth_dst, const uint8_t *dst,
		    const uint8_t *src, const uint8_t *target)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(d->pool);
	struct rte_ether_hdr *e;
	struct rte_ipv6_hdr *ip;
	uint8_t *icmp;
	const size_t il = 8 + 16 + 8; /* header, target, one option */

	if (!m)
		return;
	e = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip = (struct rte_ipv6_hdr *)(e + 1);
	icmp = (uint8_t *)(ip + 1);
	e->dst_addr = *eth_dst;
	e->src_addr = d->mac;
	e->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)il);
	ip->proto = ICMP6;
	ip->hop_limits = 255; /* RFC 4861 §7.1.1 */
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	memset(icmp, 0, il);
	icmp[0] = type;
	if (type == ND_NA)
		icmp[4] = 0x60; /* solicited, override */
	memcpy(icmp + 8, target, 16);
	icmp[24] = type == ND_NA ? 2 : 1; /* target / source link-layer */
	icmp[25] = 1;
	memcpy(icmp + 26, &d->mac, RTE_ETHER_ADDR_LEN);
	{
		uint16_t ck = rte_ipv6_udptcp_cksum(ip, icmp);

		memcpy(icmp + 2, &ck, 2);
	}
	m->data_len = m->pkt_len = (uint32_t)(sizeof(*e) + sizeof(*ip) + il);
	lr__dpdk_out(wk, d, m);
}

static int nd_unspecified(const uint8_t *ip)
{
	static const uint8_t any[16];

	return !memcmp(ip, any, 16);
}

/* What an NA (na) or NS says: ip is at mac. An NA is believed when it
 * answers our solicitation for ip, pending; else, as an NS, only when
 * the configuration believes anyone on the link
 * (cfg.dpdk_learn_unsolicited); an NA not believed counts
 * neigh_unsolicited. Never a multicast MAC, nor one of our addresses,
 * nor :: (an NS's from duplicate address detection). */
static void nd_learn(struct lr__worker *wk, struct dpdk *d, const uint8_t *ip,
		     const struct rte_ether_addr *mac, int na)
{
	struct neigh_held held = {.n = 0};
	int r = -ENOENT;

	if (our_ipv6(wk, ip) >= 0 || nd_unspecified(ip) || ip[0] == 0xff ||
	    rte_is_zero_ether_addr(mac) || !rte_is_unicast_ether_addr(mac))
		return;
	if (na)
		r = lr__neigh_answer(d->nt, 6, ip, mac, d->now_ms,
				     &wk->fwd.st.drops[LR_DROP_TX_FAILED],
				     &held);
	if (r == -ENOENT && d->learn_any)
		r = lr__neigh_learn(d->nt, 6, ip, mac, d->now_ms);
	if (r == -ENOENT && na)
		wk->fwd.st.neigh_unsolicited++;
	lr__dpdk_learnt(wk, d, r, mac, &held);
}

static void on_nd(struct lr__worker *wk, struct dpdk *d,
		  const struct rte_ether_hdr *e, const struct rte_ipv6_hdr *ip,
		  const uint8_t *icmp, size_t len)
{
	const uint8_t *target = icmp + 8;

	if (len < 4 || (icmp[0] != ND_NS && icmp[0] != ND_NA)) {
		wk->fwd.st.drops[LR_DROP_NOT_OURS]++; /* other ICMPv6 */
		return;
	}
	/* RFC 4861 §7.1.1-2: whole, from the link, code 0, its checksum
	 * (over a message with a right one, checksum field and
	 * pseudo-header included, the complemented sum is 0; DPDK writes
	 * 0 as 0xffff for UDP only) */
	if (len < 24 || ip->hop_limits != 255 || icmp[1] != 0 ||
	    rte_ipv6_udptcp_cksum(ip, icmp) != 0) {
		wk->fwd.st.drops[LR_DROP_BAD_FRAME]++;
		return;
	}
	if (icmp[0] == ND_NS && our_ipv6(wk, target) < 0) {
		wk->fwd.st.drops[LR_DROP_NOT_OURS]++; /* someone else's */
		return;
	}
	wk->fwd.st.rx_arp_nd++;
	if (icmp[0] == ND_NS) {
		/* answered at the MAC it came from, not believed unless
		 * configured (a frame of ours to it solicits first) */
		if (d->learn_any)
			nd_learn(wk, d, ip->src_addr, &e->src_addr, 0);
		nd_send(wk, d, ND_NA, &e->src_addr, ip->src_addr, target,
			target);
	} else {
		nd_learn(wk, d, target, &e->src_addr, 1);
	}
}

static int on_ipv6(struct lr__worker *wk, struct dpdk *d, struct rte_mbuf *m,
		   const struct rte_ether_hdr *e, const uint8_t *p, size_t len)
{
	const struct rte_ipv6_hdr *ip = (const void *)p;
	const struct rte_udp_hdr *u;
	size_t pl, ulen;
	int li;

	if (len < sizeof(*ip) || (rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
		return drop(wk, LR_DROP_BAD_FRAME);
	pl = rte_be_to_cpu_16(ip->payload_len);
	if (pl > len - sizeof(*ip))
		return drop(wk, LR_DROP_BAD_FRAME);
	if (ip->proto == ICMP6) {
		on_nd(wk, d, e, ip, p + sizeof(*ip), pl);
		return 0;
	}
	if (ip->proto != IPPROTO_UDP)
		return drop(wk, LR_DROP_NOT_OURS); /* extension headers too */
	if (pl < sizeof(*u))
		return drop(wk, LR_DROP_BAD_FRAME);
	u = (const void *)(p + sizeof(*ip));
	ulen = rte_be_to_cpu_16(u->dgram_len);
	if (ulen < sizeof(*u) || ulen > pl)
		return drop(wk, LR_DROP_BAD_FRAME);
	li = local_index(wk, 6, ip->dst_addr, u->dst_port);
	if (li < 0)
		return drop(wk, LR_DROP_NOT_OURS);
	return deliver(wk, d, m, li, 6, ip->src_addr, u, ulen);
}

int lr__dpdk_on_frame(struct lr__worker *wk, struct dpdk *d, struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	size_t len = rte_pktmbuf_data_len(m);
	const struct rte_ether_hdr *e = (const void *)p;
	uint16_t type;

	/* a port that checks L3/L4 checksums says so; one that does not
	 * (the ring driver) leaves them unknown, and SRTP's tag still
	 * guards the payload */
	if (m->nb_segs != 1 || len < sizeof(*e) ||
	    (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
		    RTE_MBUF_F_RX_L4_CKSUM_BAD ||
	    (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
		    RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return drop(wk, LR_DROP_BAD_FRAME);
	type = rte_be_to_cpu_16(e->ether_type);
	p += sizeof(*e);
	len -= sizeof(*e);
	if (type == RTE_ETHER_TYPE_IPV4)
		return on_ipv4(wk, d, m, p, len);
	if (type == RTE_ETHER_TYPE_IPV6)
		return on_ipv6(wk, d, m, e, p, len);
	if (type == RTE_ETHER_TYPE_ARP)
		lr__dpdk_on_arp(wk, d, p, len);
	else
		drop(wk, LR_DROP_NOT_OURS);
	return 0;
}

/* Ask who has ip (family's): ARP request, or NS to its solicited-node
 * address; from our address src. One request per address is out at a
 * time (for NEIGH_PENDING_MS, unless answered), NEIGH_PENDING per port
 * at most: the rest are not sent and count neigh_solicit_limited (the
 * answers believed are the ones to these). 1 if it was sent, 0 if one
 * is out already, -ENOSPC if none could be. */
static int solicit(struct lr__worker *wk, struct dpdk *d, uint8_t family,
		   const uint8_t *ip, const uint8_t *src)
{
	int r = lr__neigh_solicit(d->nt, family, ip, d->now_ms,
				  &wk->fwd.st.drops[LR_DROP_TX_FAILED]);

	if (r <= 0) {
		wk->fwd.st.neigh_solicit_limited++;
		return r;
	}
	wk->fwd.st.neigh_solicits++;
	if (family == 4) {
		uint32_t tip, sip;
		struct rte_ether_addr zero = {{0}};

		memcpy(&tip, ip, 4);
		memcpy(&sip, src, 4);
		lr__dpdk_arp_send(wk, d, RTE_ARP_OP_REQUEST, &zero, tip, sip);
	} else {
		uint8_t sn[16] = {0xff, 0x02, [11] = 1, [12] = 0xff};
		struct rte_ether_addr mc = {{0x33, 0x33, 0xff}};

		memcpy(sn + 13, ip + 13, 3);
		memcpy(mc.addr_bytes + 3, ip + 13, 3);
		nd_send(wk, d, ND_NS, &mc, sn, src, ip);
	}
	return 1;
}

/* The UDP checksum: the port's where it can (the pseudo-header sum goes
 * in the field and the flags ask for the rest), ours otherwise. */
static void udp_csum(const struct dpdk *d, struct rte_mbuf *m, int v4, void *ip,
		     struct rte_udp_hdr *u, size_t ulen)
{
	uint64_t fl = v4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6;
	uint16_t ph, ck;

	if (d->csum_offload) {
		if (v4)
			fl |= RTE_MBUF_F_TX_IP_CKSUM;
		fl |= RTE_MBUF_F_TX_UDP_CKSUM;
		m->ol_flags = fl;
		u->dgram_cksum = v4 ? rte_ipv4_phdr_cksum(ip, fl)
				    : rte_ipv6_phdr_cksum(ip, fl);
		return;
	}
	m->ol_flags = 0;
	ph = v4 ? rte_ipv4_phdr_cksum(ip, 0) : rte_ipv6_phdr_cksum(ip, 0);
	ck = (uint16_t)~lr__csum(u, ulen, ph);
	u->dgram_cksum = ck ? ck : 0xffff; /* 0 means "none" (RFC 768) */
}

/* Datagram b to dst as one frame: in b's own mbuf when it came in one
 * (the headers are rewritten in its headroom, no copy), else in a new
 * mbuf with the payload copied. NULL when no mbuf is to be had. */
static struct rte_mbuf *frame(struct dpdk *d, struct lr__dpbuf *b,
			      const struct rte_ether_addr *dst)
{
	int v4 = b->remote.family == 4;
	size_t l3 =
		v4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
	size_t hl = sizeof(struct rte_ether_hdr) + l3 +
		    sizeof(struct rte_udp_hdr),
	       ulen = sizeof(struct rte_udp_hdr) + b->pkt.len;
	struct rte_mbuf *m = b->pkt.priv;
	struct rte_ether_hdr *e;
	struct rte_udp_hdr *u;

	if (m && (size_t)(b->pkt.data - (uint8_t *)m->buf_addr) >= hl) {
		b->pkt.priv = NULL; /* the mbuf leaves with the frame */
		e = (void *)(b->pkt.data - hl);
		m->data_off = (uint16_t)((uint8_t *)e - (uint8_t *)m->buf_addr);
	} else {
		m = rte_pktmbuf_alloc(d->pool);
		if (!m)
			return NULL;
		e = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		memcpy((uint8_t *)e + hl, b->pkt.data, b->pkt.len);
	}
	m->data_len = (uint16_t)(hl + b->pkt.len);
	m->pkt_len = m->data_len;
	m->l2_len = sizeof(*e);
	m->l3_len = l3;
	e->dst_addr = *dst;
	e->src_addr = d->mac;
	if (v4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(e + 1);

		e->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		memset(ip, 0, sizeof(*ip));
		ip->version_ihl = 0x45;
		ip->total_length =
			rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + ulen));
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_UDP;
		memcpy(&ip->src_addr, b->local.ip, 4);
		memcpy(&ip->dst_addr, b->remote.ip, 4);
		if (!d->csum_offload)
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		u = (struct rte_udp_hdr *)(ip + 1);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(e + 1);

		e->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip->vtc_flow = rte_cpu_to_be_32(0x60000000);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)ulen);
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, b->local.ip, 16);
		memcpy(ip->dst_addr, b->remote.ip, 16);
		u = (struct rte_udp_hdr *)(ip + 1);
	}
	u->src_port = rte_cpu_to_be_16(b->local.port);
	u->dst_port = rte_cpu_to_be_16(b->remote.port);
	u->dgram_len = rte_cpu_to_be_16((uint16_t)ulen);
	u->dgram_cksum = 0;
	udp_csum(d, m, v4, e + 1, u, ulen);
	return m;
}

/* What one transmit call asked for: the last peer and each family's
 * gateway (bit v6), and whether a request for it is out (datagrams to
 * it may wait for the answer: lr__neigh_hold). */
struct asking {
	struct lr_addr peer;
	int peer_out;
	unsigned gw, gw_out;
};

/* The MAC b goes to: its session's cached next hop while the table has
 * not changed since, else the table's for the peer (on the link) or the
 * gateway (off it), cached in the session. NULL when unknown: the next
 * hop is asked for, once per run of datagrams to it (a gateway: once per
 * call), and *wait is set to it while a request for it is out. */
static const struct rte_ether_addr *
next_mac(struct lr__worker *wk, struct dpdk *d, const struct lr__dpbuf *b,
	 struct rte_ether_addr *mac, struct asking *k,
	 const struct lr_addr **wait)
{
	struct lr__dpsess *s = b->sess;
	const struct dpdk_route *r = &d->route[b->remote.family == 6];
	const struct lr_addr *hop = &b->remote;
	const uint8_t *src = b->local.ip;
	uint64_t gen = lr__neigh_gen(d->nt);
	int v6 = b->remote.family == 6, out;

	*wait = NULL;
	if (s && s->l2_gen == gen) {
		memcpy(mac, s->l2, sizeof(*mac));
		return mac;
	}
	if (!lr__dpdk_on_link(d, b->remote.family, b->local.ip, b->remote.ip)) {
		hop = &r->gw;
		if (r->gw_src)
			src = r->gw_src;
	}
	if (lr__neigh_lookup(d->nt, hop, mac)) {
		/* cached under the generation read before the lookup: a
		 * change since moved it on, and the next datagram looks again */
		if (s) {
			memcpy(s->l2, mac, sizeof(*mac));
			s->l2_gen = gen;
		}
		return mac;
	}
	if (hop == &r->gw) {
		unsigned bit = 1u << v6;

		if (!(k->gw & bit)) {
			k->gw |= bit;
			if (solicit(wk, d, hop->family, hop->ip, src) >= 0)
				k->gw_out |= bit;
		}
		out = !!(k->gw_out & bit);
	} else {
		if (k->peer.family != hop->family ||
		    memcmp(k->peer.ip, hop->ip, v6 ? 16 : 4)) {
			k->peer = *hop;
			k->peer_out =
				solicit(wk, d, hop->family, hop->ip, src) >= 0;
		}
		out = k->peer_out;
	}
	if (out)
		*wait = hop;
	return NULL;
}

/* b, whose next hop is being asked for, waits for the answer as a frame
 * with no destination MAC yet (NEIGH_HOLD per request: the first
 * datagrams to a new peer, often the control plane's, are not lost);
 * else it counts tx_failed, and so does the rest of the call's run to
 * that hop. */
static void hold(struct lr__worker *wk, struct dpdk *d, struct lr__dpbuf *b,
		 const struct lr_addr *hop, struct asking *k)
{
	static const struct rte_ether_addr none;
	struct rte_mbuf *m;

	if (!hop) {
		wk->fwd.st.drops[LR_DROP_TX_FAILED]++;
	} else if (!(m = frame(d, b, &none))) {
		wk->fwd.st.drops[LR_DROP_NO_BUFFER]++;
	} else if (!lr__neigh_hold(d->nt, hop->family, hop->ip, m,
				   (uint16_t)b->pkt.len, d->now_ms,
				   &wk->fwd.st.drops[LR_DROP_TX_FAILED])) {
		rte_pktmbuf_free(m); /* it holds enough, or was answered */
		wk->fwd.st.drops[LR_DROP_TX_FAILED]++;
		if (hop == &d->route[hop->family == 6].gw)
			k->gw_out &= ~(1u << (hop->family == 6));
		else
			k->peer_out = 0;
	}
}

void lr__dpdk_transmit(struct lr__worker *wk, struct dpdk *d,
		       struct lr__dpbuf **tx, unsigned n)
{
	struct asking k = {.peer_out = 0};

	for (unsigned i = 0; i < n; i++) {
		struct lr__dpbuf *b = tx[i];
		struct rte_ether_addr buf;
		const struct rte_ether_addr *mac;
		const struct lr_addr *wait;
		struct rte_mbuf *m;

		if (b->remote.family != b->local.family ||
		    (b->remote.family != 4 && b->remote.family != 6)) {
			/* a control-plane send across families: no frame */
			wk->fwd.st.drops[LR_DROP_TX_FAILED]++;
		} else if (!(mac = next_mac(wk, d, b, &buf, &k, &wait))) {
			hold(wk, d, b, wait, &k);
		} else if ((m = frame(d, b, mac))) {
			wk->fwd.st.tx_bytes += b->pkt.len;
			lr__dpdk_out(wk, d, m);
		} else {
			wk->fwd.st.drops[LR_DROP_NO_BUFFER]++;
		}
		lr__buf_put(&wk->fwd, b);
	}
}
