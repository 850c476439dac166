/*
 * The network's side of the dpdk data-plane tests (dpdk_peers.h): peers
 * on an lr_wire, the pump that answers for them and collects what the
 * data plane sends them, and the data plane's config and sessions.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_arp.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "linerate/lr_rtp.h"
#include "dpdk_peers.h"

struct lr_wire *W;
int eal_ok;
unsigned arp_requests_seen;

static struct wpeer *peers[16];
static unsigned npeers;

struct lr_addr dp_local(int v6)
{
	struct lr_addr a = {.family = v6 ? 6 : 4, .port = 5000};

	if (v6)
		a.ip[15] = 1;
	else
		a.ip[0] = 127, a.ip[3] = 1;
	return a;
}

static void one(struct rte_mbuf *m)
{
	CU_ASSERT_FATAL(m != NULL);
	lr_wire_send(W, &m, 1);
}

void wire_udp(struct wpeer *p, const void *data, size_t len)
{
	struct lr_addr to = dp_local(p->family == 6);

	one(lr_wire_udp(W, &p->mac, p->family, p->ip, p->port, to.ip, to.port,
			data, len, 1));
}

void wire_arp(struct wpeer *p, uint16_t op, const uint8_t *tip)
{
	one(lr_wire_arp(W, &p->mac, p->ip, op, tip));
}

void wire_na(struct wpeer *p)
{
	one(lr_wire_na(W, &p->mac, p->ip));
}

void udp_from(const struct wpeer *p, const struct rte_ether_addr *mac,
	      const void *b, size_t len)
{
	struct lr_addr to = dp_local(p->family == 6);

	one(lr_wire_udp(W, mac, p->family, p->ip, p->port, to.ip, to.port, b,
			len, 1));
}

void forged_from(struct wpeer *p, const struct rte_ether_addr *mac)
{
	uint8_t b[12 + 100 + 16];

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)lr_test_rand();
	b[0] = 0x80;
	b[1] = 111;
	lr_wr16(b + 2, p->seq++);
	lr_wr32(b + 8, p->ssrc);
	udp_from(p, mac, b, sizeof(b));
}

void arp_from(const struct rte_ether_addr *mac, const uint8_t *sip, uint16_t op,
	      const uint8_t *tip)
{
	one(lr_wire_arp(W, mac, sip, op, tip));
}

void na_from(const struct rte_ether_addr *mac, const uint8_t *ip)
{
	one(lr_wire_na(W, mac, ip));
}

/* An NA made over. */
void ns_from(const struct rte_ether_addr *mac, const uint8_t *src)
{
	struct rte_mbuf *m = lr_wire_na(W, mac, src);
	uint8_t *f, *icmp;
	struct rte_ipv6_hdr *ip;
	struct lr_addr me = dp_local(1);
	uint16_t ck;

	CU_ASSERT_FATAL(m != NULL);
	f = rte_pktmbuf_mtod(m, uint8_t *);
	ip = (void *)(f + 14);
	icmp = f + 14 + 40;
	icmp[0] = 135;
	memset(icmp + 2, 0, 6); /* checksum, flags */
	memcpy(icmp + 8, me.ip, 16);
	icmp[24] = 1; /* source link-layer address: mac */
	ck = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &ck, 2);
	one(m);
}

void announce_as(const struct wpeer *p, const struct rte_ether_addr *mac)
{
	if (p->family == 6)
		na_from(mac, p->ip);
	else
		arp_from(mac, p->ip, 1, p->ip);
}

static struct wpeer *peer_by(uint8_t family, const uint8_t *ip, uint16_t port)
{
	for (unsigned i = 0; i < npeers; i++)
		if (peers[i]->family == family &&
		    !memcmp(peers[i]->ip, ip, family == 6 ? 16 : 4) &&
		    (!port || peers[i]->port == port))
			return peers[i];
	return NULL;
}

/* The network's side of one queue: answer ARP and NS for our peers
 * (on queue 0), deliver UDP to them. */
static void pump_queue(uint16_t q)
{
	struct rte_mbuf *m[32];
	uint16_t n = rte_eth_rx_burst(W->port, q, m, 32);

	for (uint16_t i = 0; i < n; i++) {
		uint8_t *p = rte_pktmbuf_mtod(m[i], uint8_t *);
		struct rte_ether_hdr *e = (void *)p;
		uint16_t type = rte_be_to_cpu_16(e->ether_type);
		const uint8_t *udp = NULL, *dst = NULL;
		uint8_t fam = 0;

		CU_ASSERT(!memcmp(&e->src_addr, &W->dp_mac, 6));
		if (type == RTE_ETHER_TYPE_ARP) {
			struct rte_arp_hdr *a = (void *)(e + 1);
			struct wpeer *w = peer_by(
				4, (const uint8_t *)&a->arp_data.arp_tip, 0);

			if (a->arp_opcode == rte_cpu_to_be_16(2) && w)
				w->answered++;
			if (a->arp_opcode == rte_cpu_to_be_16(1)) {
				arp_requests_seen++;
				if (w) {
					w->asked++;
					memcpy(w->asked_from,
					       &a->arp_data.arp_sip, 4);
				}
				if (w && !w->mute)
					wire_arp(w, 2,
						 (const uint8_t *)&a->arp_data
							 .arp_sip);
			}
		} else if (type == RTE_ETHER_TYPE_IPV4) {
			struct rte_ipv4_hdr *ip = (void *)(e + 1);

			CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), 0); /* valid */
			fam = 4;
			dst = (const uint8_t *)&ip->dst_addr;
			udp = (const uint8_t *)(ip + 1);
			/* over a correct datagram the sum folds to 0, which
			 * UDP writes as 0xffff */
			CU_ASSERT_EQUAL(
				rte_ipv4_udptcp_cksum(ip, (const void *)udp),
				0xffff);
		} else if (type == RTE_ETHER_TYPE_IPV6) {
			struct rte_ipv6_hdr *ip = (void *)(e + 1);

			if (ip->proto == IPPROTO_UDP) {
				fam = 6;
				dst = ip->dst_addr;
				udp = (const uint8_t *)(ip + 1);
				CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum(
							ip, (const void *)udp),
						0xffff);
			} else if (ip->proto == 58 &&
				   ((uint8_t *)(ip + 1))[0] == 135) {
				struct wpeer *w =
					peer_by(6, (uint8_t *)(ip + 1) + 8, 0);

				if (w) {
					w->asked++;
					memcpy(w->asked_from, ip->src_addr, 16);
				}
				if (w && !w->mute)
					wire_na(w);
			} else if (ip->proto == 58 &&
				   ((uint8_t *)(ip + 1))[0] == 136) {
				struct wpeer *w = peer_by(6, ip->dst_addr, 0);

				if (w)
					w->answered++;
			}
		}
		if (udp) {
			const struct rte_udp_hdr *u = (const void *)udp;
			struct wpeer *w = peer_by(
				fam, dst, rte_be_to_cpu_16(u->dst_port));
			size_t len = rte_be_to_cpu_16(u->dgram_len) - 8;

			if (w && w->ngot < 256 && len <= 256) {
				memcpy(w->got[w->ngot], u + 1, len);
				w->gdst[w->ngot] = e->dst_addr;
				w->glen[w->ngot++] = len;
			}
		}
		rte_pktmbuf_free(m[i]);
	}
}

/* A data plane with a worker per queue sends on all of them. */
void wire_pump(void)
{
	for (unsigned q = 0; q < W->nq; q++)
		pump_queue((uint16_t)q);
}

void settle(unsigned ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		wire_pump();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
			 (t.tv_nsec - t0.tv_nsec) / 1000000 <
		 ms);
}

unsigned wait_for(struct wpeer *p, unsigned n)
{
	for (int i = 0; i < 400 && p->ngot < n; i++)
		settle(5);
	return p->ngot;
}

struct wpeer *wpeer_new(int v6, unsigned suite, int announce)
{
	struct wpeer *p = calloc(1, sizeof(*p));
	unsigned k = npeers;

	p->family = v6 ? 6 : 4;
	if (v6)
		p->ip[0] = 0xfd, p->ip[15] = (uint8_t)(10 + k);
	else
		p->ip[0] = 127, p->ip[2] = 1, p->ip[3] = (uint8_t)(10 + k);
	p->port = (uint16_t)(6000 + k);
	p->mac = (struct rte_ether_addr){{0x02, 0, 0, 0, 0, (uint8_t)(10 + k)}};
	CU_ASSERT_FATAL(lr_test_ls_peer(suite, &p->to_dp, &p->from_dp, &p->tx,
					&p->rx, p->txkey,
					p->rxkey) == srtp_err_status_ok);
	p->ssrc = (uint32_t)lr_test_rand() | 1;
	peers[npeers++] = p;
	if (announce) {
		if (v6)
			wire_na(p);
		else
			wire_arp(p, 1, p->ip); /* gratuitous */
	}
	return p;
}

void wpeers_free(void)
{
	for (unsigned i = 0; i < npeers; i++) {
		srtp_dealloc(peers[i]->tx);
		srtp_dealloc(peers[i]->rx);
		free(peers[i]);
	}
	npeers = 0;
}

unsigned sent_to(const struct wpeer *p, unsigned from, unsigned to,
		 const struct rte_ether_addr *mac)
{
	unsigned n = 0;

	for (unsigned i = from; i < to && i < p->ngot; i++)
		n += rte_is_same_ether_addr(&p->gdst[i], mac);
	return n;
}

void reach(struct lr_dp *dp, struct wpeer *p)
{
	struct lr_addr me = dp_local(p->family == 6),
		       to = {.family = p->family, .port = p->port};
	unsigned n = p->ngot;

	memcpy(to.ip, p->ip, sizeof(to.ip));
	CU_ASSERT_EQUAL_FATAL(lr_dp_send(dp, &me, &to, "reach", 5), 0);
	CU_ASSERT_EQUAL_FATAL(wait_for(p, n + 1), n + 1);
	CU_ASSERT(p->glen[n] == 5 && !memcmp(p->got[n], "reach", 5));
	p->ngot = n;
}

/* An RTP packet tagged k (payload word 0), protected by p's libsrtp2
 * sender into b (room for 256 bytes); its length. */
int make_rtp(struct wpeer *p, uint32_t k, uint8_t *b)
{
	int len = 12 + 100;

	memset(b, 0, 256);
	b[0] = 0x80;
	b[1] = 111;
	lr_wr16(b + 2, p->seq++);
	lr_wr32(b + 4, k * 960);
	lr_wr32(b + 8, p->ssrc);
	lr_wr32(b + 12, k);
	CU_ASSERT_FATAL(srtp_protect(p->tx, b, &len) == srtp_err_status_ok);
	return len;
}

void send_rtp(struct wpeer *p, uint32_t k)
{
	uint8_t b[256];
	int len = make_rtp(p, k, b);

	wire_udp(p, b, (size_t)len);
}

unsigned check_got(struct wpeer *p, uint32_t out_ssrc)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < p->ngot; i++) {
		int len = (int)p->glen[i];

		if (srtp_unprotect(p->rx, p->got[i], &len) !=
		    srtp_err_status_ok)
			continue;
		ok += len == 112 && lr_rtp_ssrc(p->got[i]) == out_ssrc;
	}
	return ok;
}

/* The data plane on our port, serving l[0..1] (dp_local). */
struct lr_dp_config dp_config(struct lr_addr l[2])
{
	l[0] = dp_local(0);
	l[1] = dp_local(1);
	return (struct lr_dp_config){.backend = LR_DP_DPDK,
				     .local = l,
				     .nlocal = 2,
				     .dpdk_port = W->dp_port};
}

struct lr_dp *dp_open_with(const struct lr_dp_config *c)
{
	struct lr_dp *dp;

	CU_ASSERT_EQUAL_FATAL(lr_dp_new(c, &dp), 0);
	return dp;
}

struct lr_dp *dp_open(void)
{
	struct lr_addr l[2];
	struct lr_dp_config c = dp_config(l);

	return dp_open_with(&c);
}

int install(struct lr_dp *dp, uint64_t id, struct wpeer *p,
	    const struct lr_dp_route *r, unsigned nr)
{
	struct lr_dp_session s = {
		.local = dp_local(p->family == 6),
		.remote = {.family = p->family, .port = p->port},
		.tx = p->from_dp,
		.rx = p->to_dp,
		.routes = r,
		.nroutes = nr};

	memcpy(s.remote.ip, p->ip, 16);
	return lr_dp_session_install(dp, id, &s);
}

int dpdk_suite_setup(struct lr_wire *w, const char *name, unsigned nq)
{
	if (srtp_init() != srtp_err_status_ok)
		return -1;
	eal_ok = !lr_wire_open_queues(w, name, nq); /* dpdk_need_eal */
	W = w;
	return 0;
}

int dpdk_suite_teardown(void)
{
	srtp_shutdown();
	return 0;
}

void dpdk_need_eal(void)
{
	if (!eal_ok)
		lr_test_skip("DPDK's EAL would not start here");
}
