// SPDX-License-Identifier: BSD-2-Clause
/* lr-bench-fwd: addresses, keys, the generator, the topology and the
 * measurement every run shares. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fwd.h"
#include "linerate/lr_rtp.h"

double fwd_secs_per_run = 1.0;
int fwd_no_gro;
enum fwd_rx fwd_rx_mode = FWD_RX_GSO;

uint64_t fwd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t fwd_thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void fwd_pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

int fwd_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

struct lr_addr fwd_lo(uint16_t port)
{
	struct lr_addr a = {.family = 4, .port = port, .ip = {127, 0, 0, 1}};

	return a;
}

/* A UDP socket bound to ip (host order; INADDR_ANY: every local address)
 * and an ephemeral port, with big buffers. */
int fwd_udp_socket_at(uint32_t ip, uint16_t *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(ip)};
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), big = 8 << 20;

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &al);
	*port = ntohs(a.sin_port);
	return fd;
}

int fwd_udp_socket(uint16_t *port)
{
	return fwd_udp_socket_at(INADDR_LOOPBACK, port);
}

/* Addresses on loopback (127.0.0.0/8 is all local): publisher f sends
 * from 127.1.0.0 + f, subscriber k listens at 127.64.0.1 + k. */
void fwd_flow_ip(unsigned f, uint8_t *ip)
{
	ip[0] = 127, ip[1] = (uint8_t)(1 + (f >> 16)),
	ip[2] = (uint8_t)(f >> 8), ip[3] = (uint8_t)f;
}

void fwd_sink_ip(unsigned k, uint8_t *ip)
{
	k++;
	ip[0] = 127, ip[1] = (uint8_t)(64 + (k >> 16)),
	ip[2] = (uint8_t)(k >> 8), ip[3] = (uint8_t)k;
}

/* Subscribers the legs spread over: one per leg up to 64, then one per
 * 16 legs (what an SFU's subscriber receives), so that 100,000 flows
 * are not 1,500 SSRCs sent to each of 64 peers. */
unsigned fwd_sinks_for(unsigned fanout, unsigned flows)
{
	unsigned legs = flows * fanout, n = legs / 16;

	return legs < 64 ? legs : n < 64 ? 64 : n;
}

void fwd_policy(struct lr_srtp_policy *p, unsigned suite, unsigned seed)
{
	const struct lr_srtp_suite_info *si = lr_srtp_suite_get(suite);

	memset(p, 0, sizeof(*p));
	p->suite = (uint16_t)suite;
	p->key_len = si->key_len;
	p->salt_len = si->salt_len;
	for (unsigned i = 0; i < p->key_len; i++)
		p->key[i] = (uint8_t)(seed * 31 + i);
	for (unsigned i = 0; i < p->salt_len; i++)
		p->salt[i] = (uint8_t)(seed * 17 + i);
}

void fwd_rtp_burst(uint8_t (*bufs)[1536], unsigned n, uint16_t *seq,
		   uint32_t ssrc, unsigned size, struct lr_pkt *pk,
		   struct lr_pkt **pp)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t *b = bufs[i];

		memset(b, 0, 12);
		b[0] = 0x80;
		b[1] = 96;
		lr_wr16(b + 2, (*seq)++);
		lr_wr32(b + 4, *seq * 3000u);
		lr_wr32(b + 8, ssrc);
		memset(b + 12, 0xab, size);
		pk[i] = (struct lr_pkt){
			.data = b, .len = 12 + size, .room = 1536};
		pp[i] = &pk[i];
	}
}

/* ---- the generator: flows' publishers ---- */

/* Wait until the forwarder is at most FWD_LAG behind. If it takes
 * nothing more for 2 ms, the rest was dropped by the kernel (a full
 * socket queue): counted as gone, so the wait does not last forever. */
static void gen_pace(struct gen *g)
{
	uint64_t t0 = fwd_now_ns(), last = UINT64_MAX;

	while (!atomic_load(&g->stop)) {
		uint64_t c = g->consumed(g->consumed_arg) + g->written_off;

		if (g->sent <= c + FWD_LAG)
			return;
		if (c != last) {
			last = c;
			t0 = fwd_now_ns();
		} else if (fwd_now_ns() - t0 > 2000000) {
			g->written_off += g->sent - FWD_LAG - c;
			return;
		}
		usleep(100);
	}
}

const char *fwd_rx_name(enum fwd_rx m)
{
	return m == FWD_RX_DATAGRAM ? "datagram"
	       : m == FWD_RX_GSO    ? "gso-batch"
				    : "datagram-bursts";
}

unsigned fwd_gen_flow(unsigned f, unsigned i, unsigned flows)
{
	return fwd_rx_mode == FWD_RX_DATAGRAM ? (f + i) % flows : f;
}

unsigned fwd_gen_next(unsigned f, unsigned flows)
{
	return fwd_rx_mode == FWD_RX_DATAGRAM ? (f + GEN_BURST) % flows
					      : (f + 1) % flows;
}

/* The control message of a datagram from flow f: IP_PKTINFO (the flow's
 * source address), and UDP_SEGMENT of seg bytes unless seg is 0. */
union gen_cmsg {
	uint8_t b[CMSG_SPACE(sizeof(struct in_pktinfo)) +
		  CMSG_SPACE(sizeof(uint16_t))];
	struct cmsghdr align;
};

static void gen_msghdr(struct msghdr *mh, struct sockaddr_in *to,
		       struct iovec *iov, size_t niov, union gen_cmsg *cm,
		       unsigned f, uint16_t seg)
{
	struct in_pktinfo pi = {0};
	struct cmsghdr *c;

	memset(mh, 0, sizeof(*mh));
	mh->msg_iov = iov;
	mh->msg_iovlen = niov;
	mh->msg_name = to;
	mh->msg_namelen = sizeof(*to);
	mh->msg_control = cm->b;
	mh->msg_controllen =
		seg ? sizeof(cm->b) : CMSG_SPACE(sizeof(struct in_pktinfo));
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	fwd_flow_ip(f, (uint8_t *)&pi.ipi_spec_dst);
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	if (!seg)
		return;
	c = CMSG_NXTHDR(mh, c);
	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(c), &seg, sizeof(seg));
}

/* FWD_RX_GSO: GEN_BURST packets of flow f, protected, as one UDP GSO
 * message (the generator must not be what limits the measurement).
 * Returns the datagrams sent. */
static unsigned gen_send_gso(struct gen *g, unsigned f,
			     const struct sockaddr_in *to)
{
	static __thread uint8_t bufs[GEN_BURST][1536];
	struct lr_pkt pk[GEN_BURST], *pp[GEN_BURST];
	struct iovec iov[GEN_BURST];
	struct sockaddr_in dst = *to;
	union gen_cmsg cm;
	struct msghdr mh;
	unsigned n = GEN_BURST;

	fwd_rtp_burst(bufs, n, &g->seq[f], 0x10000 + f, g->size, pk, pp);
	if (!g->plain)
		n = lr_srtp_session_protect(g->tx[f], pp, n);
	if (!n)
		return 0;
	for (unsigned i = 0; i < n; i++)
		iov[i] = (struct iovec){pp[i]->data, pp[i]->len};
	gen_msghdr(&mh, &dst, iov, n, &cm, f, (uint16_t)pp[0]->len);
	return sendmsg(g->fd, &mh, 0) > 0 ? n : 0;
}

/* FWD_RX_DATAGRAM(_BURSTS): GEN_BURST packets, the i-th from
 * fwd_gen_flow(f, i) (flow f + i round robin, or f), each protected with
 * its flow's keys and sent as a datagram of its own (its own IP_PKTINFO,
 * no UDP_SEGMENT), all in one sendmmsg. Returns the datagrams sent. */
static unsigned gen_send_datagrams(struct gen *g, unsigned f,
				   const struct sockaddr_in *to)
{
	static __thread uint8_t bufs[GEN_BURST][1536];
	struct lr_pkt pk[GEN_BURST], *pp[GEN_BURST], *ok[GEN_BURST];
	unsigned fl[GEN_BURST], fok[GEN_BURST], n = 0;
	struct mmsghdr mm[GEN_BURST];
	struct iovec iov[GEN_BURST];
	struct sockaddr_in dst = *to;
	union gen_cmsg cm[GEN_BURST];
	int r;

	for (unsigned i = 0; i < GEN_BURST; i++) {
		fl[i] = fwd_gen_flow(f, i, g->flows);
		fwd_rtp_burst(bufs + i, 1, &g->seq[fl[i]], 0x10000 + fl[i],
			      g->size, &pk[i], &pp[i]);
	}
	/* a run of one flow's packets in one call (all of them with one
	 * flow; one each with 32 flows or more) */
	for (unsigned i = 0, j; i < GEN_BURST; i = j) {
		unsigned good;

		for (j = i + 1; j < GEN_BURST && fl[j] == fl[i]; j++)
			;
		good = g->plain ? j - i
				: lr_srtp_session_protect(g->tx[fl[i]], pp + i,
							  j - i);
		for (unsigned k = 0; k < good; k++, n++) {
			ok[n] = pp[i + k];
			fok[n] = fl[i];
		}
	}
	for (unsigned i = 0; i < n; i++) {
		iov[i] = (struct iovec){ok[i]->data, ok[i]->len};
		gen_msghdr(&mm[i].msg_hdr, &dst, &iov[i], 1, &cm[i], fok[i], 0);
	}
	r = n ? sendmmsg(g->fd, mm, n, 0) : 0;
	return r > 0 ? (unsigned)r : 0;
}

void *fwd_gen_run(void *arg)
{
	struct gen *g = arg;
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(g->to.port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	unsigned f = 0;

	fwd_pin(0);
	while (!atomic_load(&g->stop)) {
		unsigned n = fwd_rx_mode == FWD_RX_GSO
				     ? gen_send_gso(g, f, &to)
				     : gen_send_datagrams(g, f, &to);

		g->sent += n;
		f = fwd_gen_next(f, g->flows);
		/* a look at the forwarder every FWD_LAG datagrams (its
		 * counters are read through a command, which costs it a
		 * little): at most 2 x FWD_LAG in flight, which the socket
		 * queue holds even as 1200-byte GRO messages */
		if (g->consumed && (g->sent & (FWD_LAG - 1)) < n)
			gen_pace(g);
	}
	return NULL;
}

void fwd_gen_close(struct gen *g)
{
	if (g->fd >= 0)
		close(g->fd);
	for (unsigned f = 0; g->tx && f < g->flows; f++)
		lr_srtp_session_free(g->tx[f]);
	free(g->tx);
	free(g->seq);
	if (g->w)
		lr_srtp_worker_free(g->w);
}

int fwd_gen_open(struct gen *g, unsigned suite, unsigned size, unsigned flows,
		 int plain)
{
	memset(g, 0, sizeof(*g));
	g->suite = suite;
	g->size = size;
	g->flows = flows;
	g->plain = plain;
	g->fd = fwd_udp_socket_at(INADDR_ANY, &g->port);
	g->seq = calloc(flows, sizeof(*g->seq));
	g->tx = calloc(flows, sizeof(*g->tx));
	g->w = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	if (g->fd < 0 || !g->seq || !g->tx || !g->w)
		goto fail;
	for (unsigned f = 0; !plain && f < flows; f++) {
		struct lr_srtp_config c = {.dir = LR_SRTP_OUTBOUND,
					   .any_ssrc = 1,
					   .max_streams = 1,
					   .worker = g->w};

		fwd_policy(&c.policy, suite, f);
		if (lr_srtp_session_new(&g->tx[f], &c))
			goto fail;
	}
	return 0;
fail:
	fwd_gen_close(g);
	return -1;
}

/* ---- measured targets ---- */

/* Warm up, then legs forwarded per second and the worker's CPU share
 * over fwd_secs_per_run. */
/* The measured time is cut into WINDOWS windows and the median window's
 * rate is reported: two vCPUs on a shared host see bursts of someone
 * else's load, which a mean would carry into the ratios. */

int fwd_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double fwd_median_rate(uint64_t (*count)(void *), void *arg)
{
	double rate[WINDOWS];
	uint64_t c = count(arg), t = fwd_now_ns();

	for (int w = 0; w < WINDOWS; w++) {
		uint64_t c1, t1;

		usleep((useconds_t)(fwd_secs_per_run * 1e6 / WINDOWS));
		c1 = count(arg);
		t1 = fwd_now_ns();
		rate[w] = (double)(c1 - c) * 1e9 / (double)(t1 - t);
		c = c1;
		t = t1;
	}
	qsort(rate, WINDOWS, sizeof(rate[0]), fwd_cmp_double);
	return rate[WINDOWS / 2];
}

static uint64_t fwd_dp_forwarded(void *dp)
{
	struct lr_dp_stats st;

	lr_dp_stats(dp, &st);
	return st.forwarded;
}

struct result fwd_measure(struct lr_dp *dp)
{
	struct result res = {0};
	struct lr_dp_stats st;
	uint64_t t0, c0;

	usleep(200000);
	c0 = lr_dp_worker_cpu_ns(dp);
	t0 = fwd_now_ns();
	res.pps = fwd_median_rate(fwd_dp_forwarded, dp);
	res.cpu_pct = (double)(lr_dp_worker_cpu_ns(dp) - c0) * 100.0 /
		      (double)(fwd_now_ns() - t0);
	/* over the whole cell, warm-up included: how many datagrams came
	 * merged by UDP GRO (the rx mode's check) */
	lr_dp_stats(dp, &st);
	res.rx_packets = st.rx_packets;
	res.rx_coalesced = st.rx_coalesced;
	if (res.pps < 1.0) {
		/* say why, instead of a bare 0 in the table */
		fprintf(stderr,
			"lr-bench-fwd: nothing forwarded: rx %llu punted %llu "
			"punt_dropped %llu",
			(unsigned long long)st.rx_packets,
			(unsigned long long)st.punted,
			(unsigned long long)st.punt_dropped);
		for (unsigned i = 0; i < LR_DROP__MAX; i++)
			if (st.drops[i])
				fprintf(stderr, " %s %llu",
					lr_drop_reason_name(i),
					(unsigned long long)st.drops[i]);
		fputc('\n', stderr);
	}
	return res;
}

/* One cell on a socket backend: the data plane, the generator, the
 * topology, the measurement. */
static uint64_t dp_taken(void *dp)
{
	struct lr_dp_stats st;

	lr_dp_stats(dp, &st);
	return st.rx_packets;
}

struct result fwd_run_dp(enum lr_dp_backend be, unsigned suite, unsigned size,
			 unsigned fanout, unsigned flows)
{
	struct lr_addr local = fwd_lo(0), bound;
	struct lr_dp_config c = fwd_config(be, &local, fanout, flows);
	struct result res = {0};
	struct lr_dp *dp;
	struct gen g;

	if (lr_dp_new(&c, &dp))
		return res;
	lr_dp_local_addr(dp, 0, &bound);
	if (fwd_gen_open(&g, suite, size, flows, 0)) {
		lr_dp_free(dp);
		return res;
	}
	g.to = bound;
	g.consumed = dp_taken;
	g.consumed_arg = dp;
	fwd_install_topology(dp, &bound, suite, fanout, flows, g.port,
			     fwd_sink_port);
	pthread_create(&g.th, NULL, fwd_gen_run, &g);
	res = fwd_measure(dp);
	atomic_store(&g.stop, 1);
	pthread_join(g.th, NULL);
	fwd_gen_close(&g);
	lr_dp_free(dp);
	return res;
}

/* The subscribers' side: one socket on every local address, so that a
 * datagram to any 127.64.x.y lands in it; nobody reads it (the kernel
 * drops what overflows, as with a slow receiver). */
static int fwd_sink_fd = -1;
uint16_t fwd_sink_port;

struct lr_addr fwd_sink_addr(unsigned k, uint16_t port)
{
	struct lr_addr a = {.family = 4, .port = port};

	fwd_sink_ip(k, a.ip);
	return a;
}

/* Memory of the sessions of the largest topology installed, for the
 * report: the data plane's own count, and the heap it took (crypto key
 * schedules included). */
static struct {
	unsigned sessions;
	uint64_t struct_bytes, heap_bytes;
} fwd_mem;

static uint64_t fwd_heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* The data plane as every run sets it up: worker pinned to the last CPU,
 * room for the topology's sessions. */
struct lr_dp_config fwd_config(enum lr_dp_backend be,
			       const struct lr_addr *local, unsigned fanout,
			       unsigned flows)
{
	struct lr_dp_config c = {
		.backend = be,
		.local = local,
		.nlocal = 1,
		.max_sessions = flows + fwd_sinks_for(fanout, flows) + 16,
		.pin = 1,
		.cpu = (unsigned)(fwd_ncpu() - 1),
		.no_udp_gro = fwd_no_gro};

	return c;
}

/* The topology: flows x fanout legs spread over fwd_sinks_for() subscribers
 * at fwd_sink_addr(k, sport), each leg its own SSRC, and one publisher per
 * flow at fwd_flow_ip(f):pport whose rx keys are fwd_policy(suite, f). Sessions
 * get the SSRC slots they use: a publisher sends one SSRC, a subscriber
 * receives its share of the legs. */
void fwd_install_topology(struct lr_dp *dp, const struct lr_addr *local,
			  unsigned suite, unsigned fanout, unsigned flows,
			  uint16_t pport, uint16_t sport)
{
	unsigned nsink = fwd_sinks_for(fanout, flows),
		 per_sink = (flows * fanout + nsink - 1) / nsink;
	uint64_t h0 = fwd_heap_used();
	struct lr_dp_stats st;

	for (unsigned k = 0; k < nsink; k++) {
		struct lr_dp_session s = {.local = *local,
					  .remote = fwd_sink_addr(k, sport),
					  .rx_ssrcs = 1,
					  .tx_ssrcs = per_sink};

		fwd_policy(&s.tx, suite, 5000 + k);
		fwd_policy(&s.rx, suite, 6000 + k);
		if (lr_dp_session_install(dp, SINK_ID(k), &s))
			fprintf(stderr, "install of sink %u failed\n", k);
	}
	for (unsigned f = 0; f < flows; f++) {
		struct lr_dp_route r[10];
		struct lr_dp_session s = {
			.local = *local,
			.remote = {.family = 4, .port = pport},
			.routes = r,
			.nroutes = fanout,
			.rx_ssrcs = 1,
			.tx_ssrcs = 1};

		fwd_flow_ip(f, s.remote.ip);
		for (unsigned k = 0; k < fanout; k++)
			r[k] = (struct lr_dp_route){
				.to = SINK_ID((f * fanout + k) % nsink),
				.out_ssrc = 0x20000 + f * 16 + k,
				.pt_from = -1,
				.pt_to = -1};
		fwd_policy(&s.rx, suite, f);
		fwd_policy(&s.tx, suite, 7000 + f);
		if (lr_dp_session_install(dp, 1 + f, &s))
			fprintf(stderr, "install of flow %u failed\n", f);
	}
	lr_dp_stats(dp, &st);
	if (st.sessions > fwd_mem.sessions) {
		fwd_mem.sessions = (unsigned)st.sessions;
		fwd_mem.struct_bytes = st.session_bytes;
		fwd_mem.heap_bytes = fwd_heap_used() - h0;
	}
}

/* The subscribers' socket: every local address, one port. */
void fwd_sinks_open(void)
{
	fwd_sink_fd = fwd_udp_socket_at(INADDR_ANY, &fwd_sink_port);
}

void fwd_memory_report(void)
{
	/* from the largest topology run: the data plane's count (session,
	 * stream slots, routes) and the heap the installs took (crypto key
	 * schedules included) */
	if (fwd_mem.sessions)
		printf("{\"sessions\":%u,\"session_bytes\":%.0f,"
		       "\"session_heap_bytes\":%.0f}\n",
		       fwd_mem.sessions,
		       (double)fwd_mem.struct_bytes / fwd_mem.sessions,
		       (double)fwd_mem.heap_bytes / fwd_mem.sessions);
}
