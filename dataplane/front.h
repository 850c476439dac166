/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The front: what a caller of lr_dp_* holds. The configuration, the
 * local addresses, the workers and the control thread's side of their
 * queues; the backend's shared state (dpdk: the port). It forwards
 * nothing itself: each worker (worker.h) runs the forwarding core
 * (fwd/fwd.h) over the backend's I/O (backend/backend.h).
 */
#ifndef LR_DP_FRONT_H
#define LR_DP_FRONT_H

#include "fwd/fwd.h"
#include "linerate/lr_dp.h"

struct lr__worker;
struct lr__backend_ops;

struct lr_dp {
	struct lr_dp_config cfg; /* defaults filled in, local NULL */
	const struct lr__backend_ops *ops;
	struct lr_addr local[DP_MAX_LOCAL]; /* as bound (ports known) */
	unsigned nlocal;
	struct lr__worker **w; /* nw of them */
	unsigned nw;
	int punt_fd;	  /* eventfd: punts waiting (once a burst) */
	unsigned punt_rr; /* the worker whose punts are read first */
	uint64_t own_gen; /* claim tables made (owner.c) */
	void *be;	  /* the backend's shared state */
	int be_up;	  /* ops->setup done: ops->teardown at the end */
};

/* The workers there are (from the start: cfg.workers, 1 at least). */
static inline unsigned lr__dp_nworkers(const struct lr_dp *dp)
{
	return dp->cfg.workers ? dp->cfg.workers : 1;
}

/* workers.c: which worker a peer's flow belongs to (it owns the flow's
 * inbound streams, owner.c): the one the kernel gives its datagrams to
 * (sock, uring), the one dpdk passes them to. Any thread. The same over
 * n workers for a peer (family, ip in network order, port). */
unsigned lr__dp_steer(const struct lr_dp *dp, const struct lr_addr *remote);
unsigned lr__dp_steer_n(uint8_t family, const uint8_t *ip, uint16_t port,
			unsigned n);
unsigned lr__dp_worker_cpu(const struct lr_dp_config *cfg, unsigned index);
void lr__dp_stats_add(struct lr_dp_stats *sum, const struct lr_dp_stats *w);

#endif
