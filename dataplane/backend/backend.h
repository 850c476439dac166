/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The backend interface: I/O only. A backend moves datagrams between
 * the network and a worker's buffers; the worker's loop (worker.c) and
 * the forwarding core do everything else. Each keeps its per-worker
 * state in w->be and what the workers share (a DPDK port) in dp->be.
 */
#ifndef LR_DP_BACKEND_H
#define LR_DP_BACKEND_H

#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>

#include "../front.h"
#include "../worker.h"

struct lr__backend_ops {
	const char *name;
	/* The workers' shared state, before the first worker opens and
	 * after the last has closed (control thread; NULL: none). */
	int (*setup)(struct lr_dp *dp);
	void (*teardown)(struct lr_dp *dp);
	/* A worker's I/O (sockets, a ring, a queue), on its own thread
	 * before its loop starts and after it ends: 0, or the -errno
	 * lr_dp_new fails with. */
	int (*open)(struct lr__worker *w);
	void (*close)(struct lr__worker *w);
	/* Up to max received datagrams into pool buffers (or buffers
	 * lending the backend's storage, pkt.priv): how many. */
	unsigned (*rx_burst)(struct lr__worker *w, struct lr__dpbuf **b,
			     unsigned max);
	/* b[0..n) to their remotes; every buffer goes back to the pool
	 * (now or when its send completes); failures count tx_failed. */
	void (*tx_burst)(struct lr__worker *w, struct lr__dpbuf **b,
			 unsigned n);
	/* Storage a buffer borrowed (pkt.priv) is done with (NULL: the
	 * backend lends none). */
	void (*release)(struct lr__worker *w, void *priv);
	/* Packets b[0..n) just authenticated: what the backend may believe
	 * of their sources (dpdk: their MACs). NULL: nothing. */
	void (*authentic)(struct lr__worker *w, struct lr__dpbuf **b,
			  unsigned n);
	/* Nothing came: sleep until input, a wake-up or about 100 ms (a
	 * polling backend returns at once, or after a short pause). */
	void (*wait)(struct lr__worker *w);
	/* Any thread: the worker has something to do (NULL: it polls). */
	void (*wake)(struct lr__worker *w);
};

extern const struct lr__backend_ops lr__dp_sock_ops;
extern const struct lr__backend_ops lr__dp_uring_ops;
extern const struct lr__backend_ops lr__dp_dpdk_ops;

/* UDP GSO limits (UDP_MAX_SEGMENTS; the sum under 64 KiB). */
#define DP_GSO_SEGS  64
#define DP_GSO_BYTES 60000

/* The largest datagram the socket backends take (more: dropped). */
#define DP_RX_ROOM 1500

#ifndef UDP_GRO
#define UDP_GRO 104 /* linux/udp.h */
#endif

/* The segment size a UDP_GRO control message carries; 0 for any other
 * control message (socket backends: a received GRO message). */
static inline unsigned lr__dp_gro_seg(const struct cmsghdr *c)
{
	int v;

	if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO)
		return 0;
	memcpy(&v, CMSG_DATA(c), sizeof(v));
	return v > 0 ? (unsigned)v : 0;
}

/* sock_io.c: what the socket backends (sock, uring) share -- addresses,
 * one UDP socket per local address per worker (an SO_REUSEPORT group
 * steered by lr__dp_steer's BPF twin when there are several workers),
 * the wake-up eventfd, GSO sends. */
struct sockaddr_storage;
socklen_t lr__dp_to_sa(const struct lr_addr *a, struct sockaddr_storage *ss);
void lr__dp_from_sa(const struct sockaddr_storage *ss, struct lr_addr *a);

#endif
