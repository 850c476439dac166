/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Workers: lr_dp_new with cfg->workers = N makes N workers that share
 * nothing on the fast path, each a whole lr_dp (thread, pool, sessions,
 * sockets). The sockets of one local address form an SO_REUSEPORT
 * group, and a classic BPF program on the group picks the worker from
 * the peer's address and port, so userspace knows which worker a flow
 * is on (lr_dp_inject goes there, and that worker's replay windows see
 * every packet of the flow).
 * Every session is on every worker: a publisher's packets arrive at one
 * worker, which protects its legs with its copy of each subscriber's
 * outgoing context. Copies of one stream must not both be used (an
 * index twice: keystream reused, or a replay accepted), so each stream
 * has one owner at a time, handed over when it moves (flow/owner.c).
 * The caller's lr_dp is worker 0; the others punt into its queue, and
 * the public calls fan out over all of them. dpdk has no sockets:
 * worker i polls queue i of the port, and the backend passes a frame to
 * the worker this file's function names (backend/dpdk.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dp_internal.h"

#ifndef SO_ATTACH_REUSEPORT_CBPF
#define SO_ATTACH_REUSEPORT_CBPF 51
#endif

void lr__dp_worker_links(struct lr_dp *dp, struct lr_dp *front)
{
	dp->front = front ? front : dp;
	dp->self = dp;
	dp->shard = &dp->self; /* worker 0 gets the list of all later */
	dp->nshards = 1;
}

unsigned lr__dp_worker_cpu(const struct lr_dp_config *cfg, unsigned index)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return (unsigned)((cfg->cpu + index) % (unsigned long)(n > 0 ? n : 1));
}

/* The steering function, in C and in BPF: (the last 32 bits of the
 * source address, as a number) XOR (the source port), mod N. */
unsigned lr__dp_steer_n(uint8_t family, const uint8_t *ip, uint16_t port,
			unsigned n)
{
	const uint8_t *w = family == 6 ? ip + 12 : ip;
	uint32_t v = (uint32_t)w[0] << 24 | (uint32_t)w[1] << 16 |
		     (uint32_t)w[2] << 8 | w[3];

	return n < 2 ? 0 : (v ^ port) % n;
}

unsigned lr__dp_steer(const struct lr_dp *dp, const struct lr_addr *remote)
{
	return lr__dp_steer_n(remote->family, remote->ip, remote->port,
			      lr__dp_nworkers(dp));
}

/* The program sees the datagram after its UDP header (the kernel pulls
 * it); the network header is at SKF_NET_OFF. IPv4 is taken to have no
 * options (a datagram with them still lands on one worker, maybe not the
 * one lr__dp_steer names). */
static int steer_attach(int fd, int v6, unsigned n)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 (uint32_t)(SKF_NET_OFF + (v6 ? 20 : 12))),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS,
			 (uint32_t)(SKF_NET_OFF + (v6 ? 40 : 20))),
		BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, n),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]),
				  .filter = code};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog,
			  sizeof(prog))
		       ? -errno
		       : 0;
}

void lr__dp_stats_add(struct lr_dp_stats *sum, const struct lr_dp_stats *w)
{
	sum->rx_packets += w->rx_packets;
	sum->rx_bytes += w->rx_bytes;
	sum->tx_packets += w->tx_packets;
	sum->tx_bytes += w->tx_bytes;
	sum->forwarded += w->forwarded;
	sum->punted += w->punted;
	sum->punt_dropped += w->punt_dropped;
	sum->rx_coalesced += w->rx_coalesced;
	sum->rx_handoff += w->rx_handoff;
	sum->rtcp_sent += w->rtcp_sent;
	sum->rtcp_relayed += w->rtcp_relayed;
	sum->rx_arp_nd += w->rx_arp_nd;
	for (unsigned k = 0; k < LR_DROP__MAX; k++)
		sum->drops[k] += w->drops[k];
	sum->bursts += w->bursts;
	sum->session_bytes += w->session_bytes;
	sum->neigh_learnt += w->neigh_learnt;
	sum->neigh_limited += w->neigh_limited;
	sum->neigh_unsolicited += w->neigh_unsolicited;
	sum->neigh_solicits += w->neigh_solicits;
	sum->neigh_solicit_limited += w->neigh_solicit_limited;
}

void lr__dp_workers_free(struct lr_dp *front)
{
	if (front->shard == &front->self)
		return;
	for (unsigned i = 1; i < front->nshards; i++)
		lr_dp_free(front->shard[i]);
	free(front->shard);
	front->shard = &front->self;
	front->nshards = 1;
}

static int new_dp(const struct lr_dp_config *cfg, struct lr_dp **out);

/* LR_DP_AUTO: uring where its ring starts, else sock; said by
 * lr_dp_backend_name(), never silent. */
int lr_dp_new(const struct lr_dp_config *cfg, struct lr_dp **out)
{
	struct lr_dp_config c = *cfg;
	int r;

	if (cfg->backend != LR_DP_AUTO)
		return new_dp(cfg, out);
#ifdef LR_HAVE_URING
	c.backend = LR_DP_URING;
	r = new_dp(&c, out);
	if (!r)
		return 0;
#endif
	c.backend = LR_DP_SOCK;
	r = new_dp(&c, out);
	return r;
}

static int new_dp(const struct lr_dp_config *cfg, struct lr_dp **out)
{
	unsigned n = cfg->workers ? cfg->workers : 1;
	struct lr_dp_config c;
	struct lr_dp *front;
	int r;

	*out = NULL;
	if (n > LR_DP_MAX_WORKERS)
		return -EINVAL;
	r = lr__dp_new_one(cfg, NULL, 0, &front);
	if (r || n == 1) {
		*out = front;
		return r;
	}
	front->shard = calloc(n, sizeof(*front->shard));
	if (!front->shard) {
		front->shard = &front->self;
		lr_dp_free(front);
		return -ENOMEM;
	}
	front->shard[0] = front;
	/* the others bind what the first was given (its ports) */
	c = *cfg;
	c.local = front->local;
	for (unsigned i = 1; i < n && !r; i++) {
		r = lr__dp_new_one(&c, front, i, &front->shard[i]);
		if (!r)
			front->nshards++;
	}
	/* sockets: the kernel steers (dpdk steers in the backend) */
	for (unsigned i = 0; i < front->nlocal && !r && front->fd[i] >= 0; i++)
		r = steer_attach(front->fd[i], front->local[i].family == 6, n);
	if (r) {
		lr_dp_free(front);
		return r;
	}
	*out = front;
	return 0;
}
