/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The dpdk backend's IPv4 (RFC 791), IPv6 (RFC 8200), UDP (RFC 768) and
 * IPv6 neighbour discovery (RFC 4861 §4.3-4.4, §7.2): frames in to the
 * engine's buffers, datagrams out to frames. Every length is checked
 * before it is used; what is not ours is dropped.
 */
#include <string.h>

#include "dpdk_internal.h"

#define ICMP6 58
#define ND_NS 135
#define ND_NA 136

static int local_index(const struct lr_dp *dp, uint8_t family,
		       const uint8_t *ip, uint16_t port_be)
{
	for (unsigned i = 0; i < dp->nlocal; i++)
		if (dp->local[i].family == family &&
		    rte_cpu_to_be_16(dp->local[i].port) == port_be &&
		    !memcmp(dp->local[i].ip, ip, family == 6 ? 16 : 4))
			return (int)i;
	return -1;
}

static int our_ipv6(const struct lr_dp *dp, const uint8_t *ip)
{
	for (unsigned i = 0; i < dp->nlocal; i++)
		if (dp->local[i].family == 6 &&
		    !memcmp(dp->local[i].ip, ip, 16))
			return (int)i;
	return -1;
}

/* A UDP datagram for local address li: into an engine buffer. */
static void take(struct lr_dp *dp, struct dpdk *d, int li, uint8_t family,
		 const uint8_t *src, const struct rte_udp_hdr *u, size_t ulen)
{
	struct lr__dpbuf *b;
	size_t plen = ulen - sizeof(*u);

	if (plen > 1500 || d->nrx == LR_DP_BURST)
		return;
	b = lr__buf_get(dp);
	if (!b) {
		dp->st.drops[LR_DROP_NO_BUFFER]++;
		return;
	}
	memcpy(b->data, u + 1, plen);
	b->pkt.len = (uint32_t)plen;
	memset(&b->remote, 0, sizeof(b->remote));
	b->remote.family = family;
	b->remote.port = rte_be_to_cpu_16(u->src_port);
	memcpy(b->remote.ip, src, family == 6 ? 16 : 4);
	b->lidx = (uint16_t)li;
	b->local = dp->local[li];
	d->rx[d->nrx++] = b;
}

static void on_ipv4(struct lr_dp *dp, struct dpdk *d,
		    const struct rte_ether_hdr *e, const uint8_t *p, size_t len)
{
	const struct rte_ipv4_hdr *ip = (const void *)p;
	const struct rte_udp_hdr *u;
	size_t hl, tl, ulen;
	int li;

	if (len < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		return;
	hl = (size_t)(ip->version_ihl & 0x0f) * 4;
	tl = rte_be_to_cpu_16(ip->total_length);
	if (hl < sizeof(*ip) || tl < hl || tl > len ||
	    ip->next_proto_id != IPPROTO_UDP ||
	    (rte_be_to_cpu_16(ip->fragment_offset) & 0x3fff) ||
	    rte_ipv4_cksum(ip) != 0)
		return; /* not UDP for us, a fragment, or damaged (the sum
			 * over a header with a right checksum folds to 0) */
	if (tl < hl + sizeof(*u))
		return;
	u = (const void *)(p + hl);
	ulen = rte_be_to_cpu_16(u->dgram_len);
	if (ulen < sizeof(*u) || ulen > tl - hl)
		return;
	li = local_index(dp, 4, (const uint8_t *)&ip->dst_addr, u->dst_port);
	if (li < 0)
		return;
	lr__dpdk_learn(d, 4, (const uint8_t *)&ip->src_addr, &e->src_addr);
	take(dp, d, li, 4, (const uint8_t *)&ip->src_addr, u, ulen);
}

static void nd_send(struct lr_dp *dp, struct dpdk *d, uint8_t type,
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
	lr__dpdk_out(dp, d, m);
}

static void on_nd(struct lr_dp *dp, struct dpdk *d,
		  const struct rte_ether_hdr *e, const struct rte_ipv6_hdr *ip,
		  const uint8_t *icmp, size_t len)
{
	const uint8_t *target;

	if (len < 24 || ip->hop_limits != 255 || icmp[1] != 0)
		return;
	target = icmp + 8;
	if (icmp[0] == ND_NS && our_ipv6(dp, target) >= 0) {
		lr__dpdk_learn(d, 6, ip->src_addr, &e->src_addr);
		nd_send(dp, d, ND_NA, &e->src_addr, ip->src_addr, target,
			target);
	} else if (icmp[0] == ND_NA) {
		lr__dpdk_learn(d, 6, target, &e->src_addr);
	}
}

static void on_ipv6(struct lr_dp *dp, struct dpdk *d,
		    const struct rte_ether_hdr *e, const uint8_t *p, size_t len)
{
	const struct rte_ipv6_hdr *ip = (const void *)p;
	const struct rte_udp_hdr *u;
	size_t pl, ulen;
	int li;

	if (len < sizeof(*ip) || (rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
		return;
	pl = rte_be_to_cpu_16(ip->payload_len);
	if (pl > len - sizeof(*ip))
		return;
	if (ip->proto == ICMP6) {
		on_nd(dp, d, e, ip, p + sizeof(*ip), pl);
		return;
	}
	if (ip->proto != IPPROTO_UDP || pl < sizeof(*u))
		return; /* extension headers are not handled: dropped */
	u = (const void *)(p + sizeof(*ip));
	ulen = rte_be_to_cpu_16(u->dgram_len);
	if (ulen < sizeof(*u) || ulen > pl)
		return;
	li = local_index(dp, 6, ip->dst_addr, u->dst_port);
	if (li < 0)
		return;
	lr__dpdk_learn(d, 6, ip->src_addr, &e->src_addr);
	take(dp, d, li, 6, ip->src_addr, u, ulen);
}

void lr__dpdk_on_frame(struct lr_dp *dp, struct dpdk *d, struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	size_t len = rte_pktmbuf_data_len(m);
	const struct rte_ether_hdr *e = (const void *)p;
	uint16_t type;

	if (m->nb_segs != 1 || len < sizeof(*e))
		return;
	type = rte_be_to_cpu_16(e->ether_type);
	p += sizeof(*e);
	len -= sizeof(*e);
	if (type == RTE_ETHER_TYPE_ARP)
		lr__dpdk_on_arp(dp, d, p, len);
	else if (type == RTE_ETHER_TYPE_IPV4)
		on_ipv4(dp, d, e, p, len);
	else if (type == RTE_ETHER_TYPE_IPV6)
		on_ipv6(dp, d, e, p, len);
}

/* Ask who has a: ARP request, or NS to the solicited-node address. */
static void solicit(struct lr_dp *dp, struct dpdk *d, const struct lr__dpbuf *b)
{
	if (b->remote.family == 4) {
		uint32_t tip, sip;
		struct rte_ether_addr zero = {{0}};

		memcpy(&tip, b->remote.ip, 4);
		memcpy(&sip, b->local.ip, 4);
		lr__dpdk_arp_send(dp, d, RTE_ARP_OP_REQUEST, &zero, tip, sip);
	} else {
		uint8_t sn[16] = {0xff, 0x02, [11] = 1, [12] = 0xff};
		struct rte_ether_addr mc = {{0x33, 0x33, 0xff}};

		memcpy(sn + 13, b->remote.ip + 13, 3);
		memcpy(mc.addr_bytes + 3, b->remote.ip + 13, 3);
		nd_send(dp, d, ND_NS, &mc, sn, b->local.ip, b->remote.ip);
	}
}

static struct rte_mbuf *frame(struct dpdk *d, const struct lr__dpbuf *b,
			      const struct rte_ether_addr *dst)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(d->pool);
	struct rte_ether_hdr *e;
	struct rte_udp_hdr *u;
	size_t ulen = sizeof(*u) + b->pkt.len, l3;

	if (!m)
		return NULL;
	e = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	e->dst_addr = *dst;
	e->src_addr = d->mac;
	if (b->remote.family == 4) {
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
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		u = (struct rte_udp_hdr *)(ip + 1);
		l3 = sizeof(*ip);
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
		l3 = sizeof(*ip);
	}
	u->src_port = rte_cpu_to_be_16(b->local.port);
	u->dst_port = rte_cpu_to_be_16(b->remote.port);
	u->dgram_len = rte_cpu_to_be_16((uint16_t)ulen);
	u->dgram_cksum = 0;
	memcpy(u + 1, b->pkt.data, b->pkt.len);
	u->dgram_cksum =
		b->remote.family == 4
			? rte_ipv4_udptcp_cksum((const void *)(e + 1), u)
			: rte_ipv6_udptcp_cksum((const void *)(e + 1), u);
	m->data_len = m->pkt_len = (uint32_t)(sizeof(*e) + l3 + ulen);
	return m;
}

void lr__dpdk_transmit(struct lr_dp *dp, struct dpdk *d, struct lr__dpbuf **tx,
		       unsigned n)
{
	struct lr_dp_addr asked = {0};

	for (unsigned i = 0; i < n; i++) {
		struct lr__dpbuf *b = tx[i];
		const struct neigh *nb = lr__dpdk_lookup(d, &b->remote);
		struct rte_mbuf *m;

		if (!nb) {
			/* once per run of datagrams to that peer */
			if (!lr__dp_addr_eq(&asked, &b->remote))
				solicit(dp, d, b);
			asked = b->remote;
			dp->st.drops[LR_DROP_TX_FAILED]++;
		} else if ((m = frame(d, b, &nb->mac))) {
			dp->st.tx_bytes += b->pkt.len;
			lr__dpdk_out(dp, d, m);
		} else {
			dp->st.drops[LR_DROP_NO_BUFFER]++;
		}
		lr__buf_put(dp, b);
	}
}
