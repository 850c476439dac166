// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-fwd's pieces (bench/lr-bench-fwd.c has the method):
 *   fwd_setup.c      addresses, keys, the generator, the topology, the
 *                    measurement
 *   fwd_baselines.c  recvfrom, relay-mmsg, crypto-only and crypto-only-cold
 *   fwd_dpdk.c       the dpdk runs on ring-driver ports
 */
#ifndef LR_BENCH_FWD_H
#define LR_BENCH_FWD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "linerate/lr_dp.h"
#include "linerate/lr_srtp.h"

#define MAXFLOWS   100000
#define GEN_BURST  32 /* packets of one flow per generator message */
#define WINDOWS	   5  /* a cell is the median of this many windows */
#define SINK_ID(k) ((1ull << 32) + (k))

extern double fwd_secs_per_run; /* measured time per cell */
extern int fwd_no_gro;		/* --no-gro: sock and uring without UDP GRO */
extern uint16_t fwd_sink_port;	/* the subscribers' port (sockets) */

/* How the generator hands its packets to the kernel (sockets) or the wire
 * (dpdk):
 *   FWD_RX_DATAGRAM   one datagram per packet, the flows round robin packet
 *                     by packet, one sendmmsg per GEN_BURST datagrams: what
 *                     a NIC delivers at media rates, where a flow's packets
 *                     rarely arrive back to back, so the kernel's UDP GRO has
 *                     nothing to merge (on loopback it merges nothing sent
 *                     as separate datagrams anyway; rx_coalesced shows it)
 *   FWD_RX_GSO        GEN_BURST packets of one flow as one UDP GSO message,
 *                     flow after flow: on loopback the message reaches a
 *                     UDP_GRO socket whole, so the data plane's receive side
 *                     is paid once per GEN_BURST packets: the best case
 *   FWD_RX_DATAGRAM_BURSTS  separate datagrams in FWD_RX_GSO's order
 *                     (GEN_BURST of one flow in a row): for analysis only,
 *                     it tells GRO's share from the interleaving's (a NIC's
 *                     GRO would merge such runs; loopback cannot)
 * Default FWD_RX_GSO (what lr-bench-gateway's reference cell has always
 * measured); lr-bench-fwd sets it per cell. dpdk has no GSO: it builds
 * frames in FWD_RX_DATAGRAM's order, or one flow's GEN_BURST frames in a
 * row in the other modes. */
enum fwd_rx {
	FWD_RX_DATAGRAM,
	FWD_RX_GSO,
	FWD_RX_DATAGRAM_BURSTS
};
extern enum fwd_rx fwd_rx_mode;
/* "datagram", "gso-batch" or "datagram-bursts", as the JSON lines say */
const char *fwd_rx_name(enum fwd_rx m);

struct result {
	double pps, cpu_pct;
	/* socket backends: the data plane's rx_packets and rx_coalesced (of
	 * them, datagrams that came in UDP GRO messages) over the cell */
	uint64_t rx_packets, rx_coalesced;
};

/* The publishers: one socket, each flow's bursts from its own address
 * (sockets), or the SRTP sessions and sequence numbers for frames
 * (dpdk). */
struct gen {
	unsigned suite, size, flows;
	int plain;
	int fd;
	uint16_t port;
	uint16_t *seq;
	struct lr_srtp_worker *w; /* one crypto instance for every flow */
	struct lr_srtp_session **tx;
	struct lr_addr to;
	atomic_int stop;
	uint64_t sent;
	/* Pacing (NULL: none): what the forwarder has taken in so far. The
	 * generator stays at most 2 x FWD_LAG datagrams ahead of it, so that no
	 * flow loses 2^15 packets in a row, past which SRTP's index
	 * estimate (RFC 3711 §3.3.1) cannot follow: with a deep socket
	 * queue and GRO, an unpaced flood made gaps that long. */
	uint64_t (*consumed)(void *arg);
	void *consumed_arg;
	uint64_t written_off; /* datagrams the kernel dropped, given up */
	pthread_t th;
};
#define FWD_LAG 2048 /* also how often the generator looks */

/* fwd_setup.c */
uint64_t fwd_now_ns(void);
uint64_t fwd_thread_ns(void);
void fwd_pin(int cpu);
int fwd_ncpu(void);
struct lr_addr fwd_lo(uint16_t port);
int fwd_udp_socket_at(uint32_t ip, uint16_t *port);
int fwd_udp_socket(uint16_t *port);
void fwd_flow_ip(unsigned f, uint8_t *ip);
void fwd_sink_ip(unsigned k, uint8_t *ip);
unsigned fwd_sinks_for(unsigned fanout, unsigned flows);
void fwd_policy(struct lr_srtp_policy *p, unsigned suite, unsigned seed);
/* The flow of the generator's i-th packet from flow f on: the next ones
 * round robin (FWD_RX_DATAGRAM) or f itself; and the flow its next
 * GEN_BURST packets start from. */
unsigned fwd_gen_flow(unsigned f, unsigned i, unsigned flows);
unsigned fwd_gen_next(unsigned f, unsigned flows);
/* n RTP packets of SSRC ssrc (PT 96, sequence numbers from *seq on,
 * advanced; timestamp 3000 per packet), size payload bytes, written into
 * bufs; their descriptors in pk[] and pp[]. */
void fwd_rtp_burst(uint8_t (*bufs)[1536], unsigned n, uint16_t *seq,
		   uint32_t ssrc, unsigned size, struct lr_pkt *pk,
		   struct lr_pkt **pp);
void *fwd_gen_run(void *g);
int fwd_gen_open(struct gen *g, unsigned suite, unsigned size, unsigned flows,
		 int plain);
void fwd_gen_close(struct gen *g);
int fwd_cmp_double(const void *a, const void *b);
double fwd_median_rate(uint64_t (*count)(void *), void *arg);
struct result fwd_measure(struct lr_dp *dp);
struct lr_addr fwd_sink_addr(unsigned k, uint16_t port);
struct lr_dp_config fwd_config(enum lr_dp_backend be,
			       const struct lr_addr *local, unsigned fanout,
			       unsigned flows);
void fwd_install_topology(struct lr_dp *dp, const struct lr_addr *local,
			  unsigned suite, unsigned fanout, unsigned flows,
			  uint16_t pport, uint16_t sport);
/* One cell of a socket backend (sock, uring): legs per second and the
 * worker's CPU use. fwd_sinks_open() first. */
struct result fwd_run_dp(enum lr_dp_backend be, unsigned suite, unsigned size,
			 unsigned fanout, unsigned flows);
/* The memory of the largest topology installed so far, per session. */
void fwd_memory_report(void);
void fwd_sinks_open(void);

/* fwd_baselines.c */
struct result fwd_run_naive(int mmsg, unsigned suite, unsigned size,
			    unsigned fanout, unsigned flows);
/* cold: each burst's packets flushed from every cache level before the
 * timed work (fwd_baselines.c says why), as after a NIC's DMA */
struct result fwd_run_crypto(unsigned suite, unsigned size, unsigned fanout,
			     int cold);
/* 1 where crypto-only-cold can flush lines (x86), else 0 */
int fwd_crypto_cold_supported(void);

/* fwd_dpdk.c */
struct result fwd_run_dpdk(unsigned suite, unsigned size, unsigned fanout,
			   unsigned flows);

#endif
