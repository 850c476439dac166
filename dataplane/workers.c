/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Workers: lr_dp_new with cfg->workers = N makes N workers that share
 * nothing on the fast path, each with its thread, pool, sessions and
 * sockets (worker.h). The sockets of one local address form an SO_REUSEPORT
 * group, and a classic BPF program on the group picks the worker from
 * the peer's address and port, so userspace knows which worker a flow
 * is on (lr_dp_inject goes there, and that worker's replay windows see
 * every packet of the flow).
 * Every session is on every worker: a publisher's packets arrive at one
 * worker, which protects its legs with its copy of each subscriber's
 * outgoing context. Copies of one stream must not both be used (an
 * index twice: keystream reused, or a replay accepted), so each stream
 * has one owner at a time, handed over when it moves (owner.c). The
 * public calls fan out over all of them (front.c). dpdk has no sockets:
 * worker i polls queue i of the port, and the backend passes a frame to
 * the worker this file's function names (backend/dpdk.c).
 */
#define _GNU_SOURCE
#include <unistd.h>

#include "front.h"

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
	sum->rtcp_relay_in += w->rtcp_relay_in;
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
