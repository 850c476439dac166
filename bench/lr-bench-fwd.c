// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-fwd: SRTP forwarding, packets per second on ONE worker core.
 *
 * A generator thread (pinned to the other CPU) protects RTP with each
 * flow's keys and sends it over loopback UDP to the data plane, as fast
 * as it can (32 datagrams per UDP GSO message, so it outruns the
 * worker); the data plane (its worker pinned to the last CPU)
 * decrypts, routes to 1 or 10 legs and re-encrypts per leg; the legs go
 * to sink sockets nobody reads (the kernel drops what overflows, as a
 * slow receiver would). Reported: legs forwarded per second and the
 * worker's CPU use, over a fixed time.
 *
 * Baselines, same run, same generator:
 *   recvfrom     the same SRTP work with one recvfrom/sendto per packet
 *                (what a naive gateway does)
 *   relay-mmsg   plain UDP relay with recvmmsg/sendmmsg, no crypto (the
 *                socket I/O limit)
 *   crypto-only  the unprotect + per-leg protect work in memory, bursts
 *                of 64, no I/O (the crypto limit)
 *
 * One JSON object per line:
 *   {"backend":..,"size":..,"fanout":..,"flows":..,"suite":..,"pps":..,
 *    "cpu_pct":..}
 * then a table with the ratios the issue asks about.
 *
 *   lr-bench-fwd [--secs S] [--quick] [--only sock|uring|dpdk|...]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "linerate/lr_dp.h"
#include "linerate/lr_rtp.h"
#include "linerate/lr_srtp.h"
#ifdef LR_HAVE_DPDK
#include <rte_ethdev.h>

#include "lr_wire.h"
#endif

#define MAXFLOWS  100000
#define GEN_BURST 32 /* packets of one flow per generator message */

static double secs_per_run = 1.0;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

static int ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

static struct lr_dp_addr lo(uint16_t port)
{
	struct lr_dp_addr a = {.family = 4, .port = port, .ip = {127, 0, 0, 1}};

	return a;
}

/* A UDP socket bound to ip (host order; INADDR_ANY: every local address)
 * and an ephemeral port, with big buffers. */
static int udp_socket_at(uint32_t ip, uint16_t *port)
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

static int udp_socket(uint16_t *port)
{
	return udp_socket_at(INADDR_LOOPBACK, port);
}

/* Addresses on loopback (127.0.0.0/8 is all local): publisher f sends
 * from 127.1.0.0 + f, subscriber k listens at 127.64.0.1 + k. */
static void flow_ip(unsigned f, uint8_t *ip)
{
	ip[0] = 127, ip[1] = (uint8_t)(1 + (f >> 16)),
	ip[2] = (uint8_t)(f >> 8), ip[3] = (uint8_t)f;
}

static void sink_ip(unsigned k, uint8_t *ip)
{
	k++;
	ip[0] = 127, ip[1] = (uint8_t)(64 + (k >> 16)),
	ip[2] = (uint8_t)(k >> 8), ip[3] = (uint8_t)k;
}

/* Subscribers the legs spread over: one per leg up to 64, then one per
 * 16 legs (what an SFU's subscriber receives), so that 100,000 flows
 * are not 1,500 SSRCs sent to each of 64 peers. */
static unsigned sinks_for(unsigned fanout, unsigned flows)
{
	unsigned legs = flows * fanout, n = legs / 16;

	return legs < 64 ? legs : n < 64 ? 64 : n;
}

static void policy(struct lr_srtp_policy *p, unsigned suite, unsigned seed)
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

/* ---- the generator: flows' publishers ---- */

/* One socket bound to every local address sends each flow's bursts from
 * that flow's own address (IP_PKTINFO), 32 datagrams per UDP GSO
 * message, round robin over the flows. */
struct gen {
	unsigned suite, size, flows;
	int plain;
	int fd;
	uint16_t port;
	uint16_t *seq;
	struct lr_srtp_worker *w; /* one crypto instance for every flow */
	struct lr_srtp_session **tx;
	struct lr_dp_addr to;
	atomic_int stop;
	uint64_t sent;
	pthread_t th;
};

static void *gen_run(void *arg)
{
	struct gen *g = arg;
	static __thread uint8_t bufs[GEN_BURST][1536];
	struct msghdr mh;
	struct iovec iov[GEN_BURST];
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(g->to.port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	unsigned f = 0;
	/* IP_PKTINFO (the flow's source address) and UDP_SEGMENT */
	union {
		uint8_t b[CMSG_SPACE(sizeof(struct in_pktinfo)) +
			  CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} cm;

	pin(0);
	while (!atomic_load(&g->stop)) {
		struct lr_pkt pk[GEN_BURST], *pp[GEN_BURST];
		struct in_pktinfo pi = {0};
		struct cmsghdr *c;
		unsigned n = GEN_BURST;
		uint16_t seg;

		/* one burst of one flow at a time, round robin */
		for (unsigned i = 0; i < n; i++) {
			uint8_t *b = bufs[i];

			memset(b, 0, 12);
			b[0] = 0x80;
			b[1] = 96;
			lr_wr16(b + 2, g->seq[f]++);
			lr_wr32(b + 4, g->seq[f] * 3000u);
			lr_wr32(b + 8, 0x10000 + f);
			memset(b + 12, 0xab, g->size);
			pk[i] = (struct lr_pkt){
				.data = b, .len = 12 + g->size, .room = 1536};
			pp[i] = &pk[i];
		}
		if (!g->plain)
			n = lr_srtp_session_protect(g->tx[f], pp, n);
		/* one UDP GSO message per burst: the generator must not be
		 * what limits the measurement */
		for (unsigned i = 0; i < n; i++)
			iov[i] = (struct iovec){pp[i]->data, pp[i]->len};
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = n;
		mh.msg_name = &to;
		mh.msg_namelen = sizeof(to);
		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof(cm.b);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		flow_ip(f, (uint8_t *)&pi.ipi_spec_dst);
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		c = CMSG_NXTHDR(&mh, c);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(seg));
		seg = (uint16_t)pp[0]->len;
		memcpy(CMSG_DATA(c), &seg, sizeof(seg));
		if (n && sendmsg(g->fd, &mh, 0) > 0)
			g->sent += n;
		f = (f + 1) % g->flows;
	}
	return NULL;
}

static void gen_close(struct gen *g)
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

static int gen_open(struct gen *g, unsigned suite, unsigned size,
		    unsigned flows, int plain)
{
	memset(g, 0, sizeof(*g));
	g->suite = suite;
	g->size = size;
	g->flows = flows;
	g->plain = plain;
	g->fd = udp_socket_at(INADDR_ANY, &g->port);
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

		policy(&c.policy, suite, f);
		if (lr_srtp_session_new(&g->tx[f], &c))
			goto fail;
	}
	return 0;
fail:
	gen_close(g);
	return -1;
}

/* ---- measured targets ---- */

struct result {
	double pps, cpu_pct;
};

/* Warm up, then legs forwarded per second and the worker's CPU share
 * over secs_per_run. */
/* The measured time is cut into WINDOWS windows and the median window's
 * rate is reported: two vCPUs on a shared host see bursts of someone
 * else's load, which a mean would carry into the ratios. */
#define WINDOWS 5

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_rate(uint64_t (*count)(void *), void *arg)
{
	double rate[WINDOWS];
	uint64_t c = count(arg), t = now_ns();

	for (int w = 0; w < WINDOWS; w++) {
		uint64_t c1, t1;

		usleep((useconds_t)(secs_per_run * 1e6 / WINDOWS));
		c1 = count(arg);
		t1 = now_ns();
		rate[w] = (double)(c1 - c) * 1e9 / (double)(t1 - t);
		c = c1;
		t = t1;
	}
	qsort(rate, WINDOWS, sizeof(rate[0]), cmp_double);
	return rate[WINDOWS / 2];
}

static uint64_t dp_forwarded(void *dp)
{
	struct lr_dp_stats st;

	lr_dp_stats(dp, &st);
	return st.forwarded;
}

static struct result measure(struct lr_dp *dp)
{
	struct result res;
	uint64_t t0, c0;

	usleep(200000);
	c0 = lr_dp_worker_cpu_ns(dp);
	t0 = now_ns();
	res.pps = median_rate(dp_forwarded, dp);
	res.cpu_pct = (double)(lr_dp_worker_cpu_ns(dp) - c0) * 100.0 /
		      (double)(now_ns() - t0);
	return res;
}

/* The subscribers' side: one socket on every local address, so that a
 * datagram to any 127.64.x.y lands in it; nobody reads it (the kernel
 * drops what overflows, as with a slow receiver). */
static int sink_fd = -1;
static uint16_t sink_port;

static struct lr_dp_addr sink_addr(unsigned k, uint16_t port)
{
	struct lr_dp_addr a = {.family = 4, .port = port};

	sink_ip(k, a.ip);
	return a;
}

/* Memory of the sessions of the largest topology installed, for the
 * report: the data plane's own count, and the heap it took (crypto key
 * schedules included). */
static struct {
	unsigned sessions;
	uint64_t struct_bytes, heap_bytes;
} mem;

static uint64_t heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* The data plane as every run sets it up: worker pinned to the last CPU,
 * room for the topology's sessions. */
static struct lr_dp_config fwd_config(enum lr_dp_backend be,
				      const struct lr_dp_addr *local,
				      unsigned fanout, unsigned flows)
{
	struct lr_dp_config c = {.backend = be,
				 .local = local,
				 .nlocal = 1,
				 .max_sessions =
					 flows + sinks_for(fanout, flows) + 16,
				 .pin = 1,
				 .cpu = (unsigned)(ncpu() - 1)};

	return c;
}

#define SINK_ID(k) ((1ull << 32) + (k))

/* The topology: flows x fanout legs spread over sinks_for() subscribers
 * at sink_addr(k, sport), each leg its own SSRC, and one publisher per
 * flow at flow_ip(f):pport whose rx keys are policy(suite, f). Sessions
 * get the SSRC slots they use: a publisher sends one SSRC, a subscriber
 * receives its share of the legs. */
static void install_topology(struct lr_dp *dp, const struct lr_dp_addr *local,
			     unsigned suite, unsigned fanout, unsigned flows,
			     uint16_t pport, uint16_t sport)
{
	unsigned nsink = sinks_for(fanout, flows),
		 per_sink = (flows * fanout + nsink - 1) / nsink;
	uint64_t h0 = heap_used();
	struct lr_dp_stats st;

	for (unsigned k = 0; k < nsink; k++) {
		struct lr_dp_session s = {.local = *local,
					  .remote = sink_addr(k, sport),
					  .rx_ssrcs = 1,
					  .tx_ssrcs = per_sink};

		policy(&s.tx, suite, 5000 + k);
		policy(&s.rx, suite, 6000 + k);
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

		flow_ip(f, s.remote.ip);
		for (unsigned k = 0; k < fanout; k++)
			r[k] = (struct lr_dp_route){
				.to = SINK_ID((f * fanout + k) % nsink),
				.out_ssrc = 0x20000 + f * 16 + k,
				.pt_from = -1,
				.pt_to = -1};
		policy(&s.rx, suite, f);
		policy(&s.tx, suite, 7000 + f);
		if (lr_dp_session_install(dp, 1 + f, &s))
			fprintf(stderr, "install of flow %u failed\n", f);
	}
	lr_dp_stats(dp, &st);
	if (st.sessions > mem.sessions) {
		mem.sessions = (unsigned)st.sessions;
		mem.struct_bytes = st.session_bytes;
		mem.heap_bytes = heap_used() - h0;
	}
}

static struct result run_dp(enum lr_dp_backend be, unsigned suite,
			    unsigned size, unsigned fanout, unsigned flows)
{
	struct lr_dp_addr local = lo(0), bound;
	struct lr_dp_config c = fwd_config(be, &local, fanout, flows);
	struct result res = {0};
	struct lr_dp *dp;
	struct gen g;

	if (lr_dp_new(&c, &dp))
		return res;
	lr_dp_local_addr(dp, 0, &bound);
	if (gen_open(&g, suite, size, flows, 0)) {
		lr_dp_free(dp);
		return res;
	}
	g.to = bound;
	install_topology(dp, &bound, suite, fanout, flows, g.port, sink_port);
	pthread_create(&g.th, NULL, gen_run, &g);
	res = measure(dp);
	atomic_store(&g.stop, 1);
	pthread_join(g.th, NULL);
	gen_close(&g);
	lr_dp_free(dp);
	return res;
}

/* The naive gateway: recvfrom, the same SRTP work per packet, sendto. */
struct naive {
	int fd, plain, mmsg;
	unsigned fanout, flows;
	struct lr_srtp_session **rx, *tx[10];
	struct lr_srtp_worker *w;
	atomic_int stop;
	uint64_t fwd, cpu;
	pthread_t th;
};

static void *naive_run(void *arg)
{
	struct naive *n = arg;
	static __thread uint8_t buf[64][1536];
	struct sockaddr_in to[10];
	uint64_t c0;

	pin(ncpu() - 1);
	for (unsigned k = 0; k < n->fanout; k++) {
		to[k] = (struct sockaddr_in){.sin_family = AF_INET,
					     .sin_port = htons(sink_port)};
		sink_ip(k, (uint8_t *)&to[k].sin_addr);
	}
	c0 = thread_ns();
	while (!atomic_load(&n->stop)) {
		if (n->mmsg) { /* relay-mmsg */
			struct mmsghdr m[64];
			struct iovec iov[64];
			int got;

			for (int i = 0; i < 64; i++) {
				iov[i] = (struct iovec){buf[i], 1536};
				memset(&m[i].msg_hdr, 0, sizeof(m[i].msg_hdr));
				m[i].msg_hdr.msg_iov = &iov[i];
				m[i].msg_hdr.msg_iovlen = 1;
			}
			got = recvmmsg(n->fd, m, 64, MSG_DONTWAIT, NULL);
			if (got <= 0)
				continue;
			for (unsigned k = 0; k < n->fanout; k++) {
				struct mmsghdr o[64];
				struct iovec oi[64];

				for (int i = 0; i < got; i++) {
					oi[i] = (struct iovec){buf[i],
							       m[i].msg_len};
					memset(&o[i].msg_hdr, 0,
					       sizeof(o[i].msg_hdr));
					o[i].msg_hdr.msg_iov = &oi[i];
					o[i].msg_hdr.msg_iovlen = 1;
					o[i].msg_hdr.msg_name = &to[k];
					o[i].msg_hdr.msg_namelen =
						sizeof(to[k]);
				}
				int r = sendmmsg(n->fd, o, (unsigned)got, 0);

				if (r > 0)
					__atomic_fetch_add(&n->fwd, (uint64_t)r,
							   __ATOMIC_RELAXED);
			}
			continue;
		}
		/* recvfrom: one packet, the SRTP work, one sendto per leg */
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(n->fd, buf[0], 1536, MSG_DONTWAIT,
				       (struct sockaddr *)&from, &fl);
		struct lr_pkt p = {.data = buf[0], .room = 1536}, *pp = &p;
		unsigned f;

		if (len <= 0)
			continue;
		p.len = (uint32_t)len;
		f = (lr_rtp_ssrc(buf[0]) - 0x10000) % n->flows;
		if (lr_srtp_session_unprotect(n->rx[f], &pp, 1) != 1)
			continue;
		for (unsigned k = 0; k < n->fanout; k++) {
			uint8_t out[1536];
			struct lr_pkt q = {.data = out,
					   .len = p.len,
					   .room = 1536},
				      *qq = &q;

			memcpy(out, buf[0], p.len);
			if (lr_srtp_session_protect(n->tx[k], &qq, 1) != 1)
				continue;
			if (sendto(n->fd, out, q.len, 0,
				   (struct sockaddr *)&to[k],
				   sizeof(to[k])) > 0)
				__atomic_fetch_add(&n->fwd, 1,
						   __ATOMIC_RELAXED);
		}
	}
	n->cpu = thread_ns() - c0;
	return NULL;
}

static uint64_t naive_forwarded(void *n)
{
	return __atomic_load_n(&((struct naive *)n)->fwd, __ATOMIC_RELAXED);
}

static struct result run_naive(int mmsg, unsigned suite, unsigned size,
			       unsigned fanout, unsigned flows)
{
	struct naive n = {.mmsg = mmsg, .fanout = fanout, .flows = flows};
	struct result res = {0};
	struct gen g;
	uint16_t port;

	n.fd = udp_socket(&port);
	n.rx = calloc(flows, sizeof(*n.rx));
	n.w = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	if (!n.rx || !n.w || gen_open(&g, suite, size, flows, mmsg)) {
		free(n.rx);
		if (n.w)
			lr_srtp_worker_free(n.w);
		close(n.fd);
		return res;
	}
	g.to = lo(port);
	for (unsigned f = 0; !mmsg && f < flows; f++) {
		struct lr_srtp_config c = {
			.dir = LR_SRTP_INBOUND, .any_ssrc = 1, .worker = n.w};

		policy(&c.policy, suite, f);
		lr_srtp_session_new(&n.rx[f], &c);
	}
	for (unsigned k = 0; !mmsg && k < fanout; k++) {
		struct lr_srtp_config c = {.dir = LR_SRTP_OUTBOUND,
					   .any_ssrc = 1,
					   .max_streams = flows,
					   .worker = n.w};

		policy(&c.policy, suite, 5000 + k);
		lr_srtp_session_new(&n.tx[k], &c);
	}
	pthread_create(&n.th, NULL, naive_run, &n);
	pthread_create(&g.th, NULL, gen_run, &g);
	usleep(200000);
	res.pps = median_rate(naive_forwarded, &n);
	atomic_store(&g.stop, 1);
	atomic_store(&n.stop, 1);
	pthread_join(g.th, NULL);
	pthread_join(n.th, NULL);
	/* the worker spins (non-blocking): one core, all of it */
	res.cpu_pct = 100.0;
	gen_close(&g);
	for (unsigned f = 0; f < flows; f++)
		lr_srtp_session_free(n.rx[f]);
	free(n.rx);
	for (unsigned k = 0; k < fanout; k++)
		lr_srtp_session_free(n.tx[k]);
	lr_srtp_worker_free(n.w);
	close(n.fd);
	return res;
}

/* The crypto limit: unprotect a burst, protect it once per leg. */
static struct result run_crypto(unsigned suite, unsigned size, unsigned fanout)
{
	struct lr_srtp_config gc = {.dir = LR_SRTP_OUTBOUND, .any_ssrc = 1};
	struct lr_srtp_config rc = {.dir = LR_SRTP_INBOUND, .any_ssrc = 1};
	struct lr_srtp_session *gen, *rx, *tx[10];
	static uint8_t buf[64][1536], out[64][1536];
	struct result res = {0};
	double rate[WINDOWS];
	uint16_t seq = 0;

	pin(ncpu() - 1);
	policy(&gc.policy, suite, 1);
	rc.policy = gc.policy;
	lr_srtp_session_new(&gen, &gc);
	lr_srtp_session_new(&rx, &rc);
	for (unsigned k = 0; k < fanout; k++) {
		struct lr_srtp_config tc = {.dir = LR_SRTP_OUTBOUND,
					    .any_ssrc = 1};

		policy(&tc.policy, suite, 5000 + k);
		lr_srtp_session_new(&tx[k], &tc);
	}
	for (int w = 0; w < WINDOWS; w++) {
		uint64_t timed = 0, legs = 0,
			 t_end = now_ns() +
				 (uint64_t)(secs_per_run * 1e9 / WINDOWS);

		while (now_ns() < t_end) {
			struct lr_pkt p[64], *pp[64], q[64], *qq[64];
			uint64_t c0;

			/* untimed: fresh input */
			for (int i = 0; i < 64; i++) {
				memset(buf[i], 0, 12);
				buf[i][0] = 0x80;
				buf[i][1] = 96;
				lr_wr16(buf[i] + 2, seq++);
				lr_wr32(buf[i] + 8, 0x10000);
				memset(buf[i] + 12, 0xab, size);
				p[i] = (struct lr_pkt){.data = buf[i],
						       .len = 12 + size,
						       .room = 1536};
				pp[i] = &p[i];
			}
			lr_srtp_session_protect(gen, pp, 64);
			c0 = thread_ns();
			lr_srtp_session_unprotect(rx, pp, 64);
			/* as the engine does: every leg but the last is a copy,
			 * the last is the decrypted packet itself */
			for (unsigned k = 0; k + 1 < fanout; k++) {
				for (int i = 0; i < 64; i++) {
					memcpy(out[i], p[i].data, p[i].len);
					q[i] = (struct lr_pkt){.data = out[i],
							       .len = p[i].len,
							       .room = 1536};
					qq[i] = &q[i];
				}
				legs += lr_srtp_session_protect(tx[k], qq, 64);
			}
			legs += lr_srtp_session_protect(tx[fanout - 1], pp, 64);
			timed += thread_ns() - c0;
		}
		rate[w] = (double)legs * 1e9 / (double)timed;
	}
	qsort(rate, WINDOWS, sizeof(rate[0]), cmp_double);
	res.pps = rate[WINDOWS / 2];
	res.cpu_pct = 100.0;
	lr_srtp_session_free(gen);
	lr_srtp_session_free(rx);
	for (unsigned k = 0; k < fanout; k++)
		lr_srtp_session_free(tx[k]);
	return res;
}

#ifdef LR_HAVE_DPDK
/* ---- dpdk: the same forwarding with ring-driver ports as the wire ---- */

static struct lr_wire W;
static int wire_ok = -1;

/* The generator's SRTP sessions and sequence numbers are a struct gen's
 * (its socket unused); frames go onto the ring port. */
static void *wgen_run(void *arg)
{
	struct gen *g = arg;
	static __thread uint8_t b[GEN_BURST][1536];
	struct rte_mbuf *m[GEN_BURST], *drain[64];
	uint8_t dst[4] = {127, 0, 0, 1};
	struct rte_ether_addr mac = {{2, 0, 0, 0, 0, 1}};
	unsigned f = 0;

	pin(0);
	while (!atomic_load(&g->stop)) {
		uint8_t src[4];
		struct lr_pkt p[GEN_BURST], *pp[GEN_BURST];
		unsigned n = 0, ok;
		uint16_t k;

		flow_ip(f, src);
		for (unsigned i = 0; i < GEN_BURST; i++) { /* one burst */
			uint8_t *x = b[i];

			memset(x, 0, 12);
			x[0] = 0x80;
			x[1] = 96;
			lr_wr16(x + 2, g->seq[f]++);
			lr_wr32(x + 8, 0x10000 + f);
			memset(x + 12, 0xab, g->size);
			p[i] = (struct lr_pkt){
				.data = x, .len = 12 + g->size, .room = 1536};
			pp[i] = &p[i];
		}
		ok = lr_srtp_session_protect(g->tx[f], pp, GEN_BURST);
		for (unsigned i = 0; i < ok; i++) {
			m[n] = lr_wire_udp(&W, &mac, 4, src, 6000, dst, 5000,
					   pp[i]->data, pp[i]->len, 0);
			if (m[n])
				n++;
		}
		lr_wire_send(&W, m, n);
		/* the legs: received and dropped, as a sink would */
		while ((k = rte_eth_rx_burst(W.port, 0, drain, 64)))
			rte_pktmbuf_free_bulk(drain, k);
		f = (f + 1) % g->flows;
	}
	return NULL;
}

static void wire_drain(void)
{
	struct rte_mbuf *drain[64];
	uint16_t k;

	while ((k = rte_eth_rx_burst(W.port, 0, drain, 64)))
		rte_pktmbuf_free_bulk(drain, k);
}

static struct result run_dpdk(unsigned suite, unsigned size, unsigned fanout,
			      unsigned flows)
{
	struct lr_dp_addr local = {
		.family = 4, .port = 5000, .ip = {127, 0, 0, 1}};
	struct lr_dp_config c = fwd_config(LR_DP_DPDK, &local, fanout, flows);
	struct result res = {0};
	struct lr_dp *dp;
	struct gen g;

	if (wire_ok < 0)
		wire_ok = !lr_wire_open(&W, "lrbench");
	if (!wire_ok)
		return res;
	c.dpdk_port = W.dp_port;
	if (lr_dp_new(&c, &dp))
		return res;
	if (gen_open(&g, suite, size, flows, 0)) {
		lr_dp_free(dp);
		return res;
	}
	for (unsigned k = 0; k < sinks_for(fanout, flows); k++) {
		struct rte_ether_addr mac = {{2, 0, 2, (uint8_t)(k >> 16),
					      (uint8_t)(k >> 8), (uint8_t)k}};
		struct lr_dp_addr a = sink_addr(k, 7000);
		struct rte_mbuf *arp = lr_wire_arp(&W, &mac, a.ip, 1, a.ip);

		lr_wire_send(&W, &arp, 1); /* the sink announces itself */
		if ((k & 1023) == 1023)
			wire_drain();
	}
	install_topology(dp, &local, suite, fanout, flows, 6000, 7000);
	pthread_create(&g.th, NULL, wgen_run, &g);
	res = measure(dp);
	atomic_store(&g.stop, 1);
	pthread_join(g.th, NULL);
	lr_dp_free(dp);
	gen_close(&g);
	wire_drain(); /* what is left on the wire */
	return res;
}
#endif

struct row {
	const char *be;
	unsigned size, fanout, flows, suite;
	struct result r;
};
static struct row rows[128];
static unsigned nrows;

static double pps_of(const char *be, unsigned size, unsigned fanout,
		     unsigned flows, unsigned suite)
{
	for (unsigned i = 0; i < nrows; i++)
		if (!strcmp(rows[i].be, be) && rows[i].size == size &&
		    rows[i].fanout == fanout && rows[i].flows == flows &&
		    rows[i].suite == suite)
			return rows[i].r.pps;
	return 0;
}

/* The targets that this backend set can be held to. */
static void check(const char *what, double a, double b, double want)
{
	double ratio = b > 0 ? a / b : 0;

	if (a <= 0 || b <= 0) {
		printf("  n/a  %-50s (not measured in this run)\n", what);
		return;
	}
	printf("  %-4s %-50s %6.2f (>= %.2f)\n",
	       ratio >= want ? "PASS" : "MISS", what, ratio, want);
}

static const char *only; /* --only BACKEND: that row (and baselines) */

static void emit(const char *be, unsigned size, unsigned fanout, unsigned flows,
		 unsigned suite, struct result r)
{
	if (nrows < sizeof(rows) / sizeof(rows[0]))
		rows[nrows++] = (struct row){be, size, fanout, flows, suite, r};
	printf("{\"backend\":\"%s\",\"size\":%u,\"fanout\":%u,\"flows\":%u,"
	       "\"suite\":\"%s\",\"pps\":%.0f,\"cpu_pct\":%.1f}\n",
	       be, size, fanout, flows, lr_srtp_suite_get(suite)->name, r.pps,
	       r.cpu_pct);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const unsigned sizes[] = {200, 1200}, fanouts[] = {1, 10},
			      flowsv[] = {1, 1000, MAXFLOWS};
	static const unsigned suites[] = {LR_SRTP_AEAD_AES_128_GCM,
					  LR_SRTP_AES128_CM_SHA1_80};
	unsigned max_flows = MAXFLOWS;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--secs") && i + 1 < argc)
			secs_per_run = atof(argv[++i]);
		else if (!strcmp(argv[i], "--quick"))
			secs_per_run = 0.3;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--max-flows") && i + 1 < argc)
			max_flows = (unsigned)atoi(argv[++i]);
	sink_fd = udp_socket_at(INADDR_ANY, &sink_port);
	for (unsigned su = 0; su < 2; su++)
		for (unsigned si = 0; si < 2; si++)
			for (unsigned fo = 0; fo < 2; fo++)
				for (unsigned fl = 0; fl < 3; fl++) {
					unsigned s = suites[su], z = sizes[si],
						 o = fanouts[fo],
						 f = flowsv[fl];

					if (f > max_flows)
						continue;
					/* CM_80: the headline cell only */
					if (su && (si == 0 || fo || fl))
						continue;
#define WANT(b) (!only || !strcmp(only, b))
					if (WANT("sock"))
						emit("sock", z, o, f, s,
						     run_dp(LR_DP_SOCK, s, z, o,
							    f));
#ifdef LR_HAVE_URING
					if (WANT("uring"))
						emit("uring", z, o, f, s,
						     run_dp(LR_DP_URING, s, z,
							    o, f));
#endif
#ifdef LR_HAVE_DPDK
					if (WANT("dpdk"))
						emit("dpdk", z, o, f, s,
						     run_dpdk(s, z, o, f));
#endif
					if (WANT("recvfrom"))
						emit("recvfrom", z, o, f, s,
						     run_naive(0, s, z, o, f));
					if (WANT("relay-mmsg"))
						emit("relay-mmsg", z, o, f, s,
						     run_naive(1, s, z, o, f));
					if (!fl && WANT("crypto-only"))
						emit("crypto-only", z, o, 1, s,
						     run_crypto(s, z, o));
				}
	printf("\nlegs forwarded per second, one worker core (kpps):\n");
	printf("  %-12s %5s %6s %6s %-24s %9s %6s\n", "backend", "size",
	       "fanout", "flows", "suite", "kpps", "cpu%");
	for (unsigned i = 0; i < nrows; i++)
		printf("  %-12s %5u %6u %6u %-24s %9.1f %6.1f\n", rows[i].be,
		       rows[i].size, rows[i].fanout, rows[i].flows,
		       lr_srtp_suite_get(rows[i].suite)->name,
		       rows[i].r.pps / 1e3, rows[i].r.cpu_pct);
	{
		const unsigned G = LR_SRTP_AEAD_AES_128_GCM;

		printf("\ntargets (issue 6) measurable here:\n");
		check("sock / recvfrom, 1200 B, fan-out 1, GCM",
		      pps_of("sock", 1200, 1, 1, G),
		      pps_of("recvfrom", 1200, 1, 1, G), 1.5);
		check("sock / relay-mmsg, 1200 B, fan-out 1, GCM",
		      pps_of("sock", 1200, 1, 1, G),
		      pps_of("relay-mmsg", 1200, 1, 1, G), 0.8);
		check("uring / sock, 200 B, fan-out 1, GCM",
		      pps_of("uring", 200, 1, 1, G),
		      pps_of("sock", 200, 1, 1, G), 1.2);
#ifdef LR_HAVE_DPDK
		for (unsigned k = 0; k < 2; k++) {
			unsigned su = k ? LR_SRTP_AES128_CM_SHA1_80 : G;
			char what[96];

			snprintf(what, sizeof(what),
				 "dpdk / crypto-only, 1200 B, fan-out 1, %s",
				 k ? "CM_80" : "GCM");
			check(what, pps_of("dpdk", 1200, 1, 1, su),
			      pps_of("crypto-only", 1200, 1, 1, su), 0.85);
			snprintf(what, sizeof(what),
				 "dpdk / sock, 1200 B, fan-out 1, %s",
				 k ? "CM_80" : "GCM");
			check(what, pps_of("dpdk", 1200, 1, 1, su),
			      pps_of("sock", 1200, 1, 1, su), 3.0);
		}
		printf("  (dpdk runs on ring-driver ports: no NIC here)\n");
#endif
		for (unsigned k = 0; k < 3; k++) {
			static const char *const be[] = {"sock", "uring",
							 "dpdk"};

			for (unsigned fl = 1; fl < 3; fl++) {
				char what[96];

				snprintf(
					what, sizeof(what),
					"%s %u flows / 1 flow, 200 B, fan-out 1",
					be[k], flowsv[fl]);
				check(what,
				      pps_of(be[k], 200, 1, flowsv[fl], G),
				      pps_of(be[k], 200, 1, 1, G), 0.8);
			}
		}
	}
	/* memory per installed session, from the largest topology run:
	 * the data plane's count (session, stream slots, routes) and the
	 * heap the installs took (crypto key schedules included) */
	if (mem.sessions)
		printf("{\"sessions\":%u,\"session_bytes\":%.0f,"
		       "\"session_heap_bytes\":%.0f}\n",
		       mem.sessions, (double)mem.struct_bytes / mem.sessions,
		       (double)mem.heap_bytes / mem.sessions);
	return 0;
}
