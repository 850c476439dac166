/*
 * The data plane's conformance suite on the dpdk backend. Two ethdev ports
 * of the ring driver are wired back to back in this process: the data
 * plane owns one, the test is the network on the other. The test's side
 * is its own small Ethernet/ARP/ND/IPv4/IPv6/UDP stack (written apart
 * from the backend's: lr_wire, dpdk_peers.c), with libsrtp2 peers
 * sending and checking SRTP.
 * No hugepages, no PCI, no NIC; addresses are loopback-range bytes that
 * never leave the process.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "linerate/lr_dp.h"
#include "linerate/lr_rtp.h"
#include "dpdk_peers.h"
#include "lr_test.h"
#include "lr_test_libsrtp.h"
#include "lr_wire.h"

static struct lr_wire lrt; /* the network, W while this suite runs */

static void leg(int v6, unsigned suite)
{
	struct lr_dp *dp = dp_open();
	struct wpeer *pub = wpeer_new(v6, suite, 0);
	struct wpeer *sub = wpeer_new(v6, suite, 0);
	struct lr_dp_route r = {
		.to = 2, .out_ssrc = 0x77, .pt_from = -1, .pt_to = -1};

	reach(dp, sub); /* the data plane learns sub's MAC */
	CU_ASSERT_EQUAL(install(dp, 2, sub, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(dp, 1, pub, &r, 1), 0);
	for (uint32_t k = 0; k < 100; k++)
		send_rtp(pub, k);
	CU_ASSERT_EQUAL(wait_for(sub, 100), 100);
	CU_ASSERT_EQUAL(check_got(sub, 0x77), 100);
	wpeers_free();
	lr_dp_free(dp);
}

static void test_forward_every_suite(void)
{
	static const unsigned suites[] = {
		LR_SRTP_AES128_CM_SHA1_80, LR_SRTP_AES128_CM_SHA1_32,
		LR_SRTP_AEAD_AES_128_GCM, LR_SRTP_AEAD_AES_256_GCM};

	for (unsigned i = 0; i < 4; i++)
		leg(0, suites[i]);
}

static void test_ipv6(void)
{
	leg(1, LR_SRTP_AEAD_AES_128_GCM);
}

static void test_fanout_10(void)
{
	struct lr_dp *dp = dp_open();
	struct wpeer *pub = wpeer_new(0, LR_SRTP_AES128_CM_SHA1_80, 0),
		     *sub[10];
	struct lr_dp_route r[10];

	for (unsigned i = 0; i < 10; i++) {
		sub[i] = wpeer_new(0, LR_SRTP_AES128_CM_SHA1_80, 0);
		r[i] = (struct lr_dp_route){.to = 100 + i,
					    .out_ssrc = 1000 + i,
					    .pt_from = -1,
					    .pt_to = -1};
	}
	for (unsigned i = 0; i < 10; i++) {
		reach(dp, sub[i]);
		CU_ASSERT_EQUAL(install(dp, 100 + i, sub[i], NULL, 0), 0);
	}
	CU_ASSERT_EQUAL(install(dp, 1, pub, r, 10), 0);
	for (uint32_t k = 0; k < 50; k++)
		send_rtp(pub, k);
	for (unsigned i = 0; i < 10; i++) {
		CU_ASSERT_EQUAL(wait_for(sub[i], 50), 50);
		CU_ASSERT_EQUAL(check_got(sub[i], 1000 + i), 50);
	}
	wpeers_free();
	lr_dp_free(dp);
}

/* ARP for the data plane's address is answered; a peer it has not heard
 * from is asked for (ARP), the packet for it waits for the answer, and
 * then it and the rest reach it. STUN is punted; a control-plane send
 * leaves as a frame. Forged, replayed and unknown-flow packets are
 * counted. */
static void test_arp_punt_drops(void)
{
	struct lr_dp *dp = dp_open();
	struct wpeer *pub = wpeer_new(0, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct wpeer *sub = wpeer_new(0, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct wpeer *stranger = wpeer_new(0, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct lr_dp_route r = {
		.to = 2, .out_ssrc = 5, .pt_from = -1, .pt_to = -1};
	struct lr_dp_session_stats ss;
	struct lr_dp_stats st;
	struct lr_dp_punt pu;
	struct lr_addr me = dp_local(0), to = {.family = 4};
	uint8_t stun[20] = {0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42};
	uint8_t b[256] = {0x80, 111};
	int len = 112, got = 0;

	install(dp, 2, sub, NULL, 0);
	install(dp, 1, pub, &r, 1);
	send_rtp(pub, 0); /* sub unknown: held, ARP sent, answered */
	CU_ASSERT_EQUAL(wait_for(sub, 1), 1);
	CU_ASSERT_EQUAL(sub->asked, 1);
	for (uint32_t k = 1; k < 11; k++)
		send_rtp(pub, k);
	CU_ASSERT_EQUAL(wait_for(sub, 11), 11);
	/* replay one, forge one, a stranger */
	lr_wr16(b + 2, 9999);
	lr_wr32(b + 8, pub->ssrc);
	srtp_protect(pub->tx, b, &len);
	wire_udp(pub, b, (size_t)len);
	wire_udp(pub, b, (size_t)len);
	b[30] ^= 1;
	lr_wr16(b + 2, 10000);
	wire_udp(pub, b, (size_t)len);
	send_rtp(stranger, 1);
	wire_udp(pub, stun, sizeof(stun));
	settle(100);
	while (lr_dp_poll_punt(dp, &pu))
		got |= pu.why == LR_DP_PUNT_STUN	   ? 1
		       : pu.why == LR_DP_PUNT_UNKNOWN_FLOW ? 2
							   : 0;
	CU_ASSERT_EQUAL(got, 3);
	lr_dp_session_stats(dp, 1, &ss);
	CU_ASSERT_EQUAL(ss.drops[LR_DROP_REPLAY], 1);
	CU_ASSERT_EQUAL(ss.drops[LR_DROP_AUTH], 1);
	lr_dp_stats(dp, &st);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_UNKNOWN_FLOW], 1);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_TX_FAILED], 0);
	/* the control plane sends to sub */
	to.port = sub->port;
	memcpy(to.ip, sub->ip, 4);
	sub->ngot = 0;
	CU_ASSERT_EQUAL(lr_dp_send(dp, &me, &to, "dtls!", 5), 0);
	CU_ASSERT_EQUAL(wait_for(sub, 1), 1);
	CU_ASSERT(sub->glen[0] == 5 && !memcmp(sub->got[0], "dtls!", 5));
	wpeers_free();
	lr_dp_free(dp);
}

/* Re-keying mid-stream on dpdk: the publisher moves to new keys while
 * 50 packets under the old ones are still on the way; all 250 arrive at
 * the subscriber, each once. */
static void test_rekey_mid_stream(void)
{
	struct lr_dp *dp = dp_open();
	struct wpeer *pub = wpeer_new(0, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct wpeer *sub = wpeer_new(0, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct lr_dp_route r = {
		.to = 2, .out_ssrc = 0x55, .pt_from = -1, .pt_to = -1};
	struct lr_dp_session up = {.local = dp_local(0),
				   .remote = {.family = 4, .port = pub->port},
				   .tx = pub->from_dp,
				   .routes = &r,
				   .nroutes = 1};
	static uint8_t late[50][256], seen[250];
	int late_len[50];
	uint8_t newkey[46];
	srtp_t newtx;
	unsigned distinct = 0;

	memcpy(up.remote.ip, pub->ip, 4);
	reach(dp, sub);
	CU_ASSERT_EQUAL(install(dp, 2, sub, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(dp, 1, pub, &r, 1), 0);
	for (uint32_t k = 0; k < 100; k++)
		send_rtp(pub, k);
	for (uint32_t k = 100; k < 150; k++) /* held back: in flight */
		late_len[k - 100] = make_rtp(pub, k, late[k - 100]);
	lr_test_policy(&up.rx, LR_SRTP_AEAD_AES_128_GCM);
	CU_ASSERT_EQUAL(lr_dp_session_update(dp, 1, &up), 0);
	CU_ASSERT_FATAL(lr_test_ls_session(&newtx, &up.rx, newkey, 0) ==
			srtp_err_status_ok);
	srtp_dealloc(pub->tx);
	pub->tx = newtx;
	for (uint32_t k = 150; k < 250; k++) {
		send_rtp(pub, k);
		if (k < 200)
			wire_udp(pub, late[k - 150], (size_t)late_len[k - 150]);
	}
	CU_ASSERT_EQUAL(wait_for(sub, 250), 250);
	CU_ASSERT_EQUAL(check_got(sub, 0x55), 250);
	for (unsigned i = 0; i < sub->ngot; i++) { /* now in the clear */
		uint32_t k = lr_rd32(sub->got[i] + 12);

		if (k < 250 && !seen[k]++)
			distinct++;
	}
	CU_ASSERT_EQUAL(distinct, 250);
	wpeers_free();
	lr_dp_free(dp);
}

/* A valid frame from p, damaged by f (which says if the IPv4 header
 * checksum is to be made right again afterwards). */
static void wire_bad(struct wpeer *p, int (*f)(uint8_t *, struct rte_mbuf *))
{
	struct lr_addr to = dp_local(p->family == 6);
	uint8_t pay[64] = {0x80, 111};
	struct rte_mbuf *m = lr_wire_udp(W, &p->mac, p->family, p->ip, p->port,
					 to.ip, to.port, pay, sizeof(pay), 1);
	uint8_t *fr;

	CU_ASSERT_FATAL(m != NULL);
	fr = rte_pktmbuf_mtod(m, uint8_t *);
	if (f(fr, m) && p->family == 4) {
		struct rte_ipv4_hdr *ip = (void *)(fr + 14);

		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	lr_wire_send(W, &m, 1);
}

static int bad_ip_csum(uint8_t *f, struct rte_mbuf *m)
{
	(void)m;
	f[14 + 10] ^= 0x40;
	return 0;
}
static int udp_len_past_ip(uint8_t *f, struct rte_mbuf *m)
{
	(void)m;
	lr_wr16(f + 14 + 20 + 4, 200);
	return 1;
}
static int truncated_ip(uint8_t *f, struct rte_mbuf *m)
{
	(void)f;
	m->data_len = m->pkt_len = 14 + 12;
	return 0;
}
static int ip_len_past_frame(uint8_t *f, struct rte_mbuf *m)
{
	(void)m;
	lr_wr16(f + 14 + 2, 1400);
	return 1;
}
/* what a port that checks UDP checksums says of a wrong one */
static int nic_says_l4_bad(uint8_t *f, struct rte_mbuf *m)
{
	(void)f;
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_BAD;
	return 0;
}
static int fragment(uint8_t *f, struct rte_mbuf *m)
{
	(void)m;
	lr_wr16(f + 14 + 6, 0x2000); /* more fragments */
	return 1;
}
static int other_port(uint8_t *f, struct rte_mbuf *m)
{
	(void)m;
	lr_wr16(f + 14 + 20 + 2, 5999);
	return 1;
}
static int other_ethertype(uint8_t *f, struct rte_mbuf *m)
{
	(void)m;
	lr_wr16(f + 12, 0x88cc); /* LLDP */
	return 0;
}
static int v6_ext_header(uint8_t *f, struct rte_mbuf *m)
{
	(void)m;
	f[14 + 6] = 0; /* hop-by-hop options first */
	return 0;
}
static int v6_payload_past_frame(uint8_t *f, struct rte_mbuf *m)
{
	(void)m;
	lr_wr16(f + 14 + 4, 1400);
	return 0;
}

/* Pump until dp has counted bad bad_frame and alien not_ours drops and
 * arp_nd ARP/ND frames more than st0, and the wire's pool has avail
 * mbufs (0: any), or 2 s pass: the frames sent after the last media
 * packet are taken by then. */
static void wait_taken(struct lr_dp *dp, const struct lr_dp_stats *st0,
		       uint64_t bad, uint64_t alien, uint64_t arp_nd,
		       unsigned avail)
{
	struct lr_dp_stats st;

	for (int i = 0; i < 400; i++) {
		lr_dp_stats(dp, &st);
		if (st.drops[LR_DROP_BAD_FRAME] -
				    st0->drops[LR_DROP_BAD_FRAME] >=
			    bad &&
		    st.drops[LR_DROP_NOT_OURS] - st0->drops[LR_DROP_NOT_OURS] >=
			    alien &&
		    st.rx_arp_nd - st0->rx_arp_nd >= arp_nd &&
		    (!avail || rte_mempool_avail_count(W->pool) == avail))
			return;
		settle(5);
	}
}

/* Frames that are malformed or not for us are counted by reason, their
 * mbufs go back to the pool, and media around them still flows. */
static void test_bad_frames(void)
{
	static int (*const bad[])(uint8_t *, struct rte_mbuf *) = {
		bad_ip_csum, udp_len_past_ip, truncated_ip, ip_len_past_frame,
		nic_says_l4_bad};
	static int (*const alien[])(uint8_t *, struct rte_mbuf *) = {
		fragment, other_port, other_ethertype};
	struct lr_dp *dp = dp_open();
	struct wpeer *pub = wpeer_new(0, LR_SRTP_AES128_CM_SHA1_80, 0);
	struct wpeer *sub = wpeer_new(0, LR_SRTP_AES128_CM_SHA1_80, 0);
	struct wpeer *pub6 = wpeer_new(1, LR_SRTP_AES128_CM_SHA1_80, 0);
	struct lr_dp_route r = {
		.to = 2, .out_ssrc = 0x99, .pt_from = -1, .pt_to = -1};
	struct lr_dp_stats st;
	const unsigned rounds = 3000; /* past the pool, were one kept */
	struct lr_dp_stats st0 = {.rx_packets = 0};
	unsigned avail0;

	reach(dp, sub);
	settle(20);
	avail0 = rte_mempool_avail_count(W->pool);
	CU_ASSERT_EQUAL(install(dp, 2, sub, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(dp, 1, pub, &r, 1), 0);
	for (unsigned k = 0; k < rounds; k++) {
		for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			wire_bad(pub, bad[i]);
		for (unsigned i = 0; i < sizeof(alien) / sizeof(alien[0]); i++)
			wire_bad(pub, alien[i]);
		wire_bad(pub6, v6_ext_header);
		wire_bad(pub6, v6_payload_past_frame);
		if (k % 30 == 0)
			send_rtp(pub, k / 30);
		if (k % 8 == 0)
			wire_pump();
	}
	CU_ASSERT_EQUAL(wait_for(sub, rounds / 30), rounds / 30);
	CU_ASSERT_EQUAL(check_got(sub, 0x99), rounds / 30);
	wait_taken(dp, &st0, rounds * 6, rounds * 4, 0, avail0);
	/* every mbuf is back in the pool: the dropped ones freed by the
	 * data plane, the forwarded ones (which leave in the mbuf they came
	 * in) by our side when they arrived */
	CU_ASSERT_EQUAL(rte_mempool_avail_count(W->pool), avail0);
	lr_dp_stats(dp, &st);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_BAD_FRAME], rounds * 6);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_NOT_OURS], rounds * 4);
	CU_ASSERT_STRING_EQUAL(lr_drop_reason_name(LR_DROP_BAD_FRAME),
			       "bad_frame");
	CU_ASSERT_STRING_EQUAL(lr_drop_reason_name(LR_DROP_NOT_OURS),
			       "not_ours");
	wpeers_free();
	lr_dp_free(dp);
}

/* ARP and neighbour discovery frames, broken or not for us, from a
 * rogue MAC claiming a subscriber's address: each counted by its reason
 * and none learnt from (the subscriber's media still goes to its own
 * MAC); the good ones (the subscribers' own announcements, which answer
 * nothing we asked) count rx_arp_nd and neigh_unsolicited. */
static const struct rte_ether_addr rogue = {{0x02, 0xba, 0xd0, 0, 0, 1}};

/* An NA for p's address (or, ns: an NS for target) from mac, changed by
 * how, its checksum made right again unless how says not. */
static void wire_nd(struct wpeer *p, const struct rte_ether_addr *mac, int how)
{
	struct rte_mbuf *m = lr_wire_na(W, mac, p->ip);
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv6_hdr *ip = (void *)(f + 14);
	uint8_t *icmp = f + 14 + 40;
	uint16_t ck;

	switch (how) {
	case 1: /* its checksum wrong */
		icmp[2] ^= 1;
		break;
	case 2: /* not from the link (RFC 4861 §7.1.2) */
		ip->hop_limits = 64;
		break;
	case 3: /* code 1 */
		icmp[1] = 1;
		break;
	case 4: /* shorter than an NA */
		ip->payload_len = rte_cpu_to_be_16(16);
		m->data_len = m->pkt_len = 14 + 40 + 16;
		break;
	case 5: /* an echo request: not ours to answer */
		icmp[0] = 128;
		break;
	case 6: /* an NS for someone else's address */
		icmp[0] = 135;
		icmp[8] = 0xfd;
		icmp[23] = 0x99;
		break;
	}
	if (how != 1 && how != 4) {
		icmp[2] = icmp[3] = 0;
		ck = rte_ipv6_udptcp_cksum(ip, icmp);
		memcpy(icmp + 2, &ck, 2);
	}
	lr_wire_send(W, &m, 1);
}

static void wire_bad_arp(struct wpeer *p, int how)
{
	struct rte_mbuf *m = lr_wire_arp(W, &rogue, p->ip, 1, p->ip);
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

	if (how == 0)
		f[14 + 4] = 8; /* a hardware address of 8 bytes */
	else if (how == 1)
		lr_wr16(f + 14 + 2, 0x86dd); /* for IPv6 */
	else
		m->data_len = m->pkt_len = 14 + 20; /* cut short */
	lr_wire_send(W, &m, 1);
}

static void test_bad_arp_nd(void)
{
	struct lr_dp *dp = dp_open();
	struct wpeer *pub = wpeer_new(0, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct wpeer *sub = wpeer_new(0, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct wpeer *pub6 = wpeer_new(1, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct wpeer *sub6 = wpeer_new(1, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct lr_dp_route r4 = {
		.to = 2, .out_ssrc = 0x44, .pt_from = -1, .pt_to = -1};
	struct lr_dp_route r6 = {
		.to = 4, .out_ssrc = 0x66, .pt_from = -1, .pt_to = -1};
	struct lr_dp_stats st0, st;
	const unsigned rounds = 200;

	reach(dp, sub);
	reach(dp, sub6);
	settle(20);
	lr_dp_stats(dp, &st0);
	CU_ASSERT_EQUAL(install(dp, 2, sub, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(dp, 1, pub, &r4, 1), 0);
	CU_ASSERT_EQUAL(install(dp, 4, sub6, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(dp, 3, pub6, &r6, 1), 0);
	for (unsigned k = 0; k < rounds; k++) {
		for (int how = 1; how <= 6; how++)
			wire_nd(sub6, &rogue, how);
		for (int how = 0; how < 3; how++)
			wire_bad_arp(sub, how);
		wire_nd(sub6, &sub6->mac, 0); /* good: an NA */
		wire_arp(sub, 1, sub->ip);    /* good: gratuitous */
		if (k % 10 == 0) {
			send_rtp(pub, k / 10);
			send_rtp(pub6, k / 10);
		}
		if (k % 8 == 0)
			wire_pump();
	}
	CU_ASSERT_EQUAL(wait_for(sub, rounds / 10), rounds / 10);
	CU_ASSERT_EQUAL(wait_for(sub6, rounds / 10), rounds / 10);
	CU_ASSERT_EQUAL(sent_to(sub, 0, rounds / 10, &sub->mac), rounds / 10);
	CU_ASSERT_EQUAL(sent_to(sub6, 0, rounds / 10, &sub6->mac), rounds / 10);
	CU_ASSERT_EQUAL(check_got(sub6, 0x66), rounds / 10);
	wait_taken(dp, &st0, rounds * 6, rounds * 3, rounds * 2, 0);
	lr_dp_stats(dp, &st);
	/* bad: checksum, hop limit, code, short NA; ARP hlen, short */
	CU_ASSERT_EQUAL(st.drops[LR_DROP_BAD_FRAME] -
				st0.drops[LR_DROP_BAD_FRAME],
			rounds * 6);
	/* not ours: echo request, someone else's NS, ARP for IPv6 */
	CU_ASSERT_EQUAL(st.drops[LR_DROP_NOT_OURS] -
				st0.drops[LR_DROP_NOT_OURS],
			rounds * 3);
	CU_ASSERT_EQUAL(st.rx_arp_nd - st0.rx_arp_nd, rounds * 2);
	CU_ASSERT_EQUAL(st.neigh_unsolicited - st0.neigh_unsolicited,
			rounds * 2);
	CU_ASSERT_EQUAL(st.neigh_learnt - st0.neigh_learnt, 2); /* pubs */
	wpeers_free();
	lr_dp_free(dp);
}

/* A router between the data plane and the subscribers. A subscriber
 * outside the local address's prefix is reached through the gateway:
 * the gateway is asked for (ARP, or NS to a link-local gateway, as
 * routers advertise them), never the subscriber, though it announced
 * itself; its frames carry the gateway's MAC and its own IP (wire_pump
 * hands a frame to the peer of its IP destination and port, and checks
 * every IPv4 header and UDP checksum). A subscriber inside the prefix is
 * asked for and reached at its own MAC, as the control plane's
 * datagrams (no session) go the same ways. */
static void gateway_leg(int v6)
{
	static const uint8_t gw4[4] = {127, 0, 0, 254};
	static const uint8_t gw6[16] = {0xfe, 0x80, [15] = 1};
	const struct rte_ether_addr gw_mac = {{0x02, 0x47, 0x57, 0, 0, 1}};
	struct lr_addr l[2], me = dp_local(v6), to = {.family = v6 ? 6 : 4};
	struct lr_dp_config c = dp_config(l);
	struct lr_dp_route r[2] = {
		{.to = 2, .out_ssrc = 0x21, .pt_from = -1, .pt_to = -1},
		{.to = 3, .out_ssrc = 0x31, .pt_from = -1, .pt_to = -1}};
	struct lr_dp_stats st;
	struct lr_dp *dp;
	struct wpeer *pub, *sub, *near, *gw;
	size_t alen = v6 ? 16 : 4;

	if (v6) {
		memcpy(c.dpdk_gw6, gw6, 16);
		c.dpdk_prefix6 = 64; /* ::/64 is the link */
	} else {
		memcpy(c.dpdk_gw4, gw4, 4);
		c.dpdk_prefix4 = 24; /* 127.0.0.0/24 is the link */
	}
	dp = dp_open_with(&c);
	pub = wpeer_new(v6, LR_SRTP_AEAD_AES_128_GCM, 0); /* off the link */
	sub = wpeer_new(v6, LR_SRTP_AEAD_AES_128_GCM, 1); /* off, announced */
	near = wpeer_new(v6, LR_SRTP_AEAD_AES_128_GCM, 0);
	gw = wpeer_new(v6, LR_SRTP_AEAD_AES_128_GCM, 0);
	if (v6)
		near->ip[0] = 0; /* ::c */
	else
		near->ip[2] = 0; /* 127.0.0.12 */
	memcpy(gw->ip, v6 ? gw6 : gw4, alen);
	gw->mac = gw_mac;
	settle(20); /* sub's announcement is not believed, nor to be used */
	CU_ASSERT_EQUAL(install(dp, 2, sub, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(dp, 3, near, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(dp, 1, pub, r, 2), 0);
	/* both next hops unknown: asked for, packet 0's legs wait for the
	 * answers */
	send_rtp(pub, 0);
	CU_ASSERT_EQUAL(wait_for(sub, 1), 1);
	CU_ASSERT_EQUAL(wait_for(near, 1), 1);
	CU_ASSERT_EQUAL(gw->asked, 1);
	CU_ASSERT_EQUAL(near->asked, 1);
	CU_ASSERT_EQUAL(sub->asked, 0);
	CU_ASSERT(!memcmp(gw->asked_from, me.ip, alen));
	for (uint32_t k = 1; k <= 20; k++)
		send_rtp(pub, k);
	CU_ASSERT_EQUAL(wait_for(sub, 21), 21);
	CU_ASSERT_EQUAL(wait_for(near, 21), 21);
	CU_ASSERT_EQUAL(sent_to(sub, 0, 21, &gw_mac), 21);
	CU_ASSERT_EQUAL(sent_to(near, 0, 21, &near->mac), 21);
	CU_ASSERT_EQUAL(check_got(sub, 0x21), 21);
	CU_ASSERT_EQUAL(check_got(near, 0x31), 21);
	CU_ASSERT_EQUAL(gw->ngot, 0); /* the gateway is a hop, not a peer */
	lr_dp_stats(dp, &st);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_TX_FAILED], 0);
	to.port = sub->port;
	memcpy(to.ip, sub->ip, alen);
	CU_ASSERT_EQUAL(lr_dp_send(dp, &me, &to, "dtls!", 5), 0);
	to.port = near->port;
	memcpy(to.ip, near->ip, alen);
	CU_ASSERT_EQUAL(lr_dp_send(dp, &me, &to, "dtls!", 5), 0);
	CU_ASSERT_EQUAL(wait_for(sub, 22), 22);
	CU_ASSERT_EQUAL(wait_for(near, 22), 22);
	CU_ASSERT(sub->glen[21] == 5 && !memcmp(sub->got[21], "dtls!", 5));
	CU_ASSERT_EQUAL(sent_to(sub, 21, 22, &gw_mac), 1);
	CU_ASSERT_EQUAL(sent_to(near, 21, 22, &near->mac), 1);
	CU_ASSERT_EQUAL(gw->asked + near->asked + sub->asked, 2);
	wpeers_free();
	lr_dp_free(dp);
}

static void test_gateway_ipv4(void)
{
	gateway_leg(0);
}

static void test_gateway_ipv6(void)
{
	gateway_leg(1);
}

/* lr_dp_new with c; what it said on stderr into msg. */
static int dp_new_says(const struct lr_dp_config *c, char *msg, size_t cap)
{
	FILE *t = tmpfile();
	int saved = dup(2), r;
	struct lr_dp *dp = NULL;
	size_t n;

	CU_ASSERT_FATAL(t != NULL && saved >= 0);
	fflush(stderr);
	dup2(fileno(t), 2);
	r = lr_dp_new(c, &dp);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(t);
	n = fread(msg, 1, cap - 1, t);
	msg[n] = 0;
	fclose(t);
	if (!r)
		lr_dp_free(dp);
	return r;
}

struct route_case {
	uint8_t gw4[4], gw6[16], prefix4, prefix6;
	int v6_only;	  /* no IPv4 local address */
	const char *says; /* in the error line; NULL: accepted */
};

/* Gateways and prefixes that cannot be meant are refused with -EINVAL
 * and a line that says why; sane ones are taken. The locals are
 * 127.0.0.1 and ::1. */
static void test_route_config(void)
{
	static const struct route_case cases[] = {
		{.prefix4 = 33, .says = "dpdk_prefix4 is 33"},
		{.prefix6 = 129, .says = "dpdk_prefix6 is 129"},
		{.gw4 = {127, 0, 0, 254}, .says = "needs dpdk_prefix4"},
		{.gw6 = {[15] = 0xfe}, .says = "needs dpdk_prefix6"},
		{.gw4 = {127, 0, 1, 1}, .prefix4 = 24, .says = "inside"},
		{.gw4 = {127, 0, 0, 254},
		 .prefix4 = 24,
		 .v6_only = 1,
		 .says = "inside"},
		{.gw4 = {127, 0, 0, 1}, .prefix4 = 24, .says = "local address"},
		{.gw4 = {224, 0, 0, 1}, .prefix4 = 24, .says = "unicast"},
		{.gw4 = {255, 255, 255, 255}, .prefix4 = 8, .says = "unicast"},
		{.gw4 = {0, 0, 0, 1}, .prefix4 = 8, .says = "unicast"},
		{.gw4 = {127, 0, 0, 255}, .prefix4 = 24, .says = "broadcast"},
		{.gw4 = {127, 0, 0, 0}, .prefix4 = 24, .says = "broadcast"},
		{.gw6 = {0xff, 2, [15] = 1}, .prefix6 = 64, .says = "unicast"},
		{.gw6 = {0xfd, [15] = 1}, .prefix6 = 64, .says = "inside"},
		{.gw6 = {[15] = 1}, .prefix6 = 64, .says = "local address"},
		/* taken */
		{.gw4 = {127, 0, 0, 254}, .prefix4 = 24},
		{.gw4 = {127, 0, 0, 0}, .prefix4 = 31}, /* RFC 3021 */
		{.gw6 = {[15] = 0xfe}, .prefix6 = 64},
		{.gw6 = {0xfe, 0x80, [15] = 1}, .prefix6 = 64},
		{.gw6 = {0xfe, 0x80, [15] = 1}, .prefix6 = 128},
		{.prefix4 = 32, .prefix6 = 128}, /* no gateway: all on link */
		{.prefix4 = 24},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct route_case *k = &cases[i];
		struct lr_addr l[2];
		struct lr_dp_config c = dp_config(l);
		char msg[512];
		int r;

		memcpy(c.dpdk_gw4, k->gw4, 4);
		memcpy(c.dpdk_gw6, k->gw6, 16);
		c.dpdk_prefix4 = k->prefix4;
		c.dpdk_prefix6 = k->prefix6;
		if (k->v6_only) {
			c.local = &l[1];
			c.nlocal = 1;
		}
		r = dp_new_says(&c, msg, sizeof(msg));
		if (k->says) {
			CU_ASSERT_EQUAL(r, -EINVAL);
			CU_ASSERT(strstr(msg, "linerate: dpdk: ") &&
				  strstr(msg, k->says));
		} else {
			CU_ASSERT_EQUAL(r, 0);
			CU_ASSERT(!strstr(msg, "linerate: dpdk: "));
		}
		if ((r == -EINVAL) != !!k->says)
			fprintf(stderr, "case %u: %d, said: %s\n", i, r, msg);
	}
}

/* The control plane's RTCP reaches a session's peer protected with the
 * session's SRTCP context: libsrtp2 takes every packet, in order, each
 * as it was given; bad compounds are refused, and RTCP for no session
 * is counted. */
static void test_send_rtcp(void)
{
	static const uint8_t pli[12] = {0x81, 206,  0, 2, 0,	0,
					0x12, 0x34, 0, 0, 0x56, 0x78};
	static const uint8_t rr_sdes[24] = {
		0x80, 201, 0,	1,   0,	  0,   0x12, 0x34, /* RR, no blocks */
		0x81, 202, 0,	3,   0,	  0,   0x12, 0x34, /* SDES */
		1,    4,   'a', 'b', 'c', 'd', 0,    0};   /* CNAME, end */
	const uint8_t *sent[4] = {pli, rr_sdes, pli, pli};
	const size_t slen[4] = {sizeof(pli), sizeof(rr_sdes), sizeof(pli),
				sizeof(pli)};
	struct lr_dp *dp = dp_open();
	struct wpeer *sub = wpeer_new(0, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct lr_dp_stats st;

	reach(dp, sub);
	CU_ASSERT_EQUAL(install(dp, 2, sub, NULL, 0), 0);
	for (unsigned i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 2, sent[i], slen[i]), 0);
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(dp, 99, pli, sizeof(pli)), 0);
	CU_ASSERT_EQUAL(wait_for(sub, 4), 4);
	for (unsigned i = 0; i < sub->ngot && i < 4; i++) {
		int len = (int)sub->glen[i];

		CU_ASSERT_EQUAL(srtp_unprotect_rtcp(sub->rx, sub->got[i], &len),
				srtp_err_status_ok);
		CU_ASSERT_EQUAL(len, (int)slen[i]);
		CU_ASSERT(!memcmp(sub->got[i], sent[i], slen[i]));
	}
	settle(20);
	CU_ASSERT_EQUAL(sub->ngot, 4);
	lr_dp_stats(dp, &st);
	CU_ASSERT_EQUAL(st.rtcp_sent, 4);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_UNKNOWN_FLOW], 1);
	wpeers_free();
	lr_dp_free(dp);
}

static int setup(void)
{
	return dpdk_suite_setup(&lrt, "lrt", 1);
}

static void test_eal(void)
{
	dpdk_need_eal();
	CU_ASSERT(rte_eth_dev_is_valid_port(W->dp_port));
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("dp-dpdk", setup, dpdk_suite_teardown);

	LR_ADD_TEST(s, test_eal);
	LR_ADD_TEST(s, test_forward_every_suite);
	LR_ADD_TEST(s, test_ipv6);
	LR_ADD_TEST(s, test_fanout_10);
	LR_ADD_TEST(s, test_arp_punt_drops);
	LR_ADD_TEST(s, test_bad_frames);
	LR_ADD_TEST(s, test_bad_arp_nd);
	LR_ADD_TEST(s, test_rekey_mid_stream);
	LR_ADD_TEST(s, test_gateway_ipv4);
	LR_ADD_TEST(s, test_gateway_ipv6);
	LR_ADD_TEST(s, test_route_config);
	LR_ADD_TEST(s, test_send_rtcp);
}
