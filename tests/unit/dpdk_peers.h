/*
 * Shared by the data plane's tests on the dpdk backend: the network on
 * the other side of an lr_wire, with its peers. Each peer has an address
 * on the wire and libsrtp2 sessions to and from the data plane; the wire
 * pump answers the data plane's ARP and neighbour solicitations for the
 * peers and hands each UDP datagram to the peer it is addressed to,
 * checking every IPv4 header and UDP checksum on the way.
 */
#ifndef DPDK_PEERS_H
#define DPDK_PEERS_H

#include <rte_ether.h>

#include "linerate/lr_dp.h"
#include "lr_test.h"
#include "lr_test_libsrtp.h"
#include "lr_wire.h"

/* The wire the helpers drive: a suite's setup opens one (lr_wire_open)
 * and points W at it, so suites with wires of their own (more queues)
 * share one program and one EAL. eal_ok: the setup's lr_wire_open
 * worked (test_eal skips if not). */
extern struct lr_wire *W;
extern int eal_ok;
/* ARP requests the pump has seen, for any address. */
extern unsigned arp_requests_seen;

struct wpeer {
	uint8_t family;
	uint8_t ip[16];
	uint16_t port;
	struct rte_ether_addr mac;
	srtp_t tx, rx;
	uint8_t txkey[46], rxkey[46];
	struct lr_srtp_policy to_dp, from_dp;
	uint32_t ssrc;
	uint16_t seq;
	uint8_t got[256][256];
	size_t glen[256];
	struct rte_ether_addr gdst[256]; /* the frames' destination MACs */
	unsigned ngot;
	unsigned asked;		/* ARP requests and NS for its address */
	uint8_t asked_from[16]; /* the last one's sender address */
	unsigned answered;	/* ARP replies and NAs to its address */
	int mute;		/* answers no ARP request nor NS */
};

/* The data plane's local address: 127.0.0.1 or ::1, port 5000. */
struct lr_addr dp_local(int v6);

/* Frames from p to the data plane (on the wire's queue 0). */
void wire_udp(struct wpeer *p, const void *data, size_t len);
void wire_arp(struct wpeer *p, uint16_t op, const uint8_t *tip);
void wire_na(struct wpeer *p);

/* Frames from another MAC (a rogue host, a router): UDP claiming p's
 * address and port; RTP with p's SSRC and a tag not of its keys (a
 * forgery); ARP; an NA for ip; an NS for our address (::1) from src;
 * p's address claimed unasked (a gratuitous ARP, or an unsolicited NA).
 * All on the wire's queue 0. */
void udp_from(const struct wpeer *p, const struct rte_ether_addr *mac,
	      const void *b, size_t len);
void forged_from(struct wpeer *p, const struct rte_ether_addr *mac);
void arp_from(const struct rte_ether_addr *mac, const uint8_t *sip, uint16_t op,
	      const uint8_t *tip);
void na_from(const struct rte_ether_addr *mac, const uint8_t *ip);
void ns_from(const struct rte_ether_addr *mac, const uint8_t *src);
void announce_as(const struct wpeer *p, const struct rte_ether_addr *mac);

/* One pass of the network's side over every queue of the wire. */
void wire_pump(void);
/* Pump for ms milliseconds. */
void settle(unsigned ms);
/* Pump until p has n datagrams or 2 s pass; how many it has. */
unsigned wait_for(struct wpeer *p, unsigned n);

/* A new peer (at most 16 at a time), on 127.0.1.x or fd00::x by its
 * index; announce: it says so on the wire (gratuitous ARP or NA). */
struct wpeer *wpeer_new(int v6, unsigned suite, int announce);
void wpeers_free(void);

/* How many of p's frames [from, to) went to mac. */
unsigned sent_to(const struct wpeer *p, unsigned from, unsigned to,
		 const struct rte_ether_addr *mac);

/* The data plane comes to know p's MAC as it does in service: the
 * control plane sends p a datagram (an ICE check, say), which asks for
 * p (ARP or NS), waits for p's answer and arrives; it is then taken out
 * of p's inbox. */
void reach(struct lr_dp *dp, struct wpeer *p);

/* An RTP packet tagged k (payload word 0), protected by p's libsrtp2
 * sender into b (room for 256 bytes); its length. */
int make_rtp(struct wpeer *p, uint32_t k, uint8_t *b);
void send_rtp(struct wpeer *p, uint32_t k);
/* How many of p's datagrams are 100-byte RTP from out_ssrc under its
 * receive session. */
unsigned check_got(struct wpeer *p, uint32_t out_ssrc);

/* The data plane on W's port, serving l[0..1] (dp_local). */
struct lr_dp_config dp_config(struct lr_addr l[2]);
struct lr_dp *dp_open_with(const struct lr_dp_config *c);
struct lr_dp *dp_open(void);
/* Session id with p as its remote, routed by r[0..nr). */
int install(struct lr_dp *dp, uint64_t id, struct wpeer *p,
	    const struct lr_dp_route *r, unsigned nr);

/* A suite's setup: libsrtp2 up, w opened as a wire of nq queues named
 * name (eal_ok says whether it worked) and W pointed at it; and its
 * teardown. */
int dpdk_suite_setup(struct lr_wire *w, const char *name, unsigned nq);
int dpdk_suite_teardown(void);
/* Skips the program (exit 77) when the EAL would not start here. */
void dpdk_need_eal(void);
#endif
