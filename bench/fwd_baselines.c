// SPDX-License-Identifier: BSD-2-Clause
/* lr-bench-fwd's baselines: the naive gateway (recvfrom/sendto per
 * packet), the plain relay (recvmmsg/sendmmsg, no crypto) and the crypto
 * limit (no I/O), with the payload in the cache (crypto-only) or not
 * (crypto-only-cold). */
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

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "fwd.h"
#include "linerate/lr_rtp.h"

/* The naive gateway: recvfrom, the same SRTP work per packet, sendto. */
struct naive {
	int fd, plain, mmsg;
	unsigned fanout, flows;
	struct lr_srtp_session **rx, *tx[10];
	struct lr_srtp_worker *w;
	atomic_int stop;
	uint64_t fwd, cpu;
	uint64_t taken; /* datagrams received */
	pthread_t th;
};

static void *naive_run(void *arg)
{
	struct naive *n = arg;
	static __thread uint8_t buf[64][1536];
	struct sockaddr_in to[10];
	uint64_t c0;

	fwd_pin(fwd_ncpu() - 1);
	for (unsigned k = 0; k < n->fanout; k++) {
		to[k] = (struct sockaddr_in){.sin_family = AF_INET,
					     .sin_port = htons(fwd_sink_port)};
		fwd_sink_ip(k, (uint8_t *)&to[k].sin_addr);
	}
	c0 = fwd_thread_ns();
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
			__atomic_fetch_add(&n->taken, (uint64_t)got,
					   __ATOMIC_RELAXED);
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
		__atomic_fetch_add(&n->taken, 1, __ATOMIC_RELAXED);
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
	n->cpu = fwd_thread_ns() - c0;
	return NULL;
}

static uint64_t naive_forwarded(void *n)
{
	return __atomic_load_n(&((struct naive *)n)->fwd, __ATOMIC_RELAXED);
}

static uint64_t naive_taken(void *n)
{
	return __atomic_load_n(&((struct naive *)n)->taken, __ATOMIC_RELAXED);
}

struct result fwd_run_naive(int mmsg, unsigned suite, unsigned size,
			    unsigned fanout, unsigned flows)
{
	struct naive n = {.mmsg = mmsg, .fanout = fanout, .flows = flows};
	struct result res = {0};
	struct gen g;
	uint16_t port;

	n.fd = fwd_udp_socket(&port);
	n.rx = calloc(flows, sizeof(*n.rx));
	n.w = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	if (!n.rx || !n.w || fwd_gen_open(&g, suite, size, flows, mmsg)) {
		free(n.rx);
		if (n.w)
			lr_srtp_worker_free(n.w);
		close(n.fd);
		return res;
	}
	g.to = fwd_lo(port);
	for (unsigned f = 0; !mmsg && f < flows; f++) {
		struct lr_srtp_config c = {
			.dir = LR_SRTP_INBOUND, .any_ssrc = 1, .worker = n.w};

		fwd_policy(&c.policy, suite, f);
		lr_srtp_session_new(&n.rx[f], &c);
	}
	for (unsigned k = 0; !mmsg && k < fanout; k++) {
		struct lr_srtp_config c = {.dir = LR_SRTP_OUTBOUND,
					   .any_ssrc = 1,
					   .max_streams = flows,
					   .worker = n.w};

		fwd_policy(&c.policy, suite, 5000 + k);
		lr_srtp_session_new(&n.tx[k], &c);
	}
	g.consumed = naive_taken;
	g.consumed_arg = &n;
	pthread_create(&n.th, NULL, naive_run, &n);
	pthread_create(&g.th, NULL, fwd_gen_run, &g);
	usleep(200000);
	res.pps = fwd_median_rate(naive_forwarded, &n);
	atomic_store(&g.stop, 1);
	atomic_store(&n.stop, 1);
	pthread_join(g.th, NULL);
	pthread_join(n.th, NULL);
	/* the worker spins (non-blocking): one core, all of it */
	res.cpu_pct = 100.0;
	fwd_gen_close(&g);
	for (unsigned f = 0; f < flows; f++)
		lr_srtp_session_free(n.rx[f]);
	free(n.rx);
	for (unsigned k = 0; k < fanout; k++)
		lr_srtp_session_free(n.tx[k]);
	lr_srtp_worker_free(n.w);
	close(n.fd);
	return res;
}

/* crypto-only-cold: the burst's packets leave every cache level before
 * the timed work, as a NIC's DMA leaves them. A device's write to memory
 * invalidates the lines the CPUs hold; with Intel's DDIO it allocates them
 * in a slice of the last-level cache, without it (AMD, DDIO off, or DDIO's
 * ways already full at a high rate) they are in DRAM only. Flushing the
 * packets' lines (clflush) is the second case, the cold end: the worker
 * takes the misses to memory on the first read of each packet. Only the
 * packets' bytes go: the descriptors, the sessions and their key schedules
 * stay where the worker keeps them, and the buffers are the same 64 every
 * burst, so their pages stay in the TLB as a recycled receive ring's do.
 * Why not cycle through a buffer set larger than the last-level cache:
 * this machine's LLC reports 480 MiB (a VM on a large host), so that set
 * would be over a gigabyte of 4 KB pages and add TLB misses a NIC's ring
 * does not cause. */
static void flush_packets(struct lr_pkt *p, unsigned n)
{
#if defined(__x86_64__) || defined(__i386__)
	for (unsigned i = 0; i < n; i++) {
		uintptr_t a = (uintptr_t)p[i].data & ~(uintptr_t)63,
			  end = (uintptr_t)p[i].data + p[i].len;

		for (; a < end; a += 64)
			_mm_clflush((const void *)a);
	}
	_mm_mfence(); /* every line gone before the clock starts */
#else
	(void)p, (void)n;
#endif
}

int fwd_crypto_cold_supported(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return 1;
#else
	return 0;
#endif
}

/* The crypto limit: unprotect a burst, protect it once per leg. */
struct result fwd_run_crypto(unsigned suite, unsigned size, unsigned fanout,
			     int cold)
{
	struct lr_srtp_config gc = {.dir = LR_SRTP_OUTBOUND, .any_ssrc = 1};
	struct lr_srtp_config rc = {.dir = LR_SRTP_INBOUND, .any_ssrc = 1};
	struct lr_srtp_session *gen, *rx, *tx[10];
	static uint8_t buf[64][1536] __attribute__((aligned(64))),
		out[64][1536] __attribute__((aligned(64)));
	struct result res = {0};
	double rate[WINDOWS];
	uint16_t seq = 0;

	if (cold && !fwd_crypto_cold_supported())
		return res;
	fwd_pin(fwd_ncpu() - 1);
	fwd_policy(&gc.policy, suite, 1);
	rc.policy = gc.policy;
	lr_srtp_session_new(&gen, &gc);
	lr_srtp_session_new(&rx, &rc);
	for (unsigned k = 0; k < fanout; k++) {
		struct lr_srtp_config tc = {.dir = LR_SRTP_OUTBOUND,
					    .any_ssrc = 1};

		fwd_policy(&tc.policy, suite, 5000 + k);
		lr_srtp_session_new(&tx[k], &tc);
	}
	for (int w = 0; w < WINDOWS; w++) {
		uint64_t timed = 0, legs = 0,
			 t_end = fwd_now_ns() +
				 (uint64_t)(fwd_secs_per_run * 1e9 / WINDOWS);

		while (fwd_now_ns() < t_end) {
			struct lr_pkt p[64], *pp[64], q[64], *qq[64];
			uint64_t c0;

			/* untimed: fresh input (written here, so in this
			 * core's caches unless flushed) */
			fwd_rtp_burst(buf, 64, &seq, 0x10000, size, p, pp);
			lr_srtp_session_protect(gen, pp, 64);
			if (cold)
				flush_packets(p, 64);
			c0 = fwd_thread_ns();
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
			timed += fwd_thread_ns() - c0;
		}
		rate[w] = (double)legs * 1e9 / (double)timed;
	}
	qsort(rate, WINDOWS, sizeof(rate[0]), fwd_cmp_double);
	res.pps = rate[WINDOWS / 2];
	res.cpu_pct = 100.0;
	lr_srtp_session_free(gen);
	lr_srtp_session_free(rx);
	for (unsigned k = 0; k < fanout; k++)
		lr_srtp_session_free(tx[k]);
	return res;
}
