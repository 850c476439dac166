/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The front of the data plane: the lr_dp_* calls of the control thread.
 * Sessions, statistics and state go to every worker as commands, applied
 * between bursts (the worker's lock is taken once a round, when the
 * atomic pending flag says there is something); datagrams to send,
 * inject or protect as RTCP go on a worker's queue; punts come back on
 * each worker's ring (lr_dp_poll_punt), the front's eventfd written at
 * most once per burst that punted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "front.h"
#include "linerate/lr_rtp.h"
#include "worker.h"

/* The counts of s within what a command copies, and their arrays
 * there: 1 (NULL: no description), or 0. */
static int desc_ok(const struct lr_dp_session *s)
{
	return !s ||
	       !(s->nremote_ssrcs > LR_DP_MAX_SSRCS ||
		 s->nroutes > LR_DP_MAX_ROUTES ||
		 s->nrx_state > LR_DP_MAX_SSRCS ||
		 s->ntx_state > DP_TX_STREAMS ||
		 (s->nremote_ssrcs && !s->remote_ssrcs) ||
		 (s->nroutes && !s->routes) || (s->nrx_state && !s->rx_state) ||
		 (s->ntx_state && !s->tx_state));
}

/* own: install, the session's claim table; remove, where the one the
 * worker had goes. ho: update, the flow's streams if they move. */
static int session_cmd(struct lr__worker *w, enum dp_op op, uint64_t id,
		       const struct lr_dp_session *s, struct lr__dpown **own,
		       struct lr__dprxho *ho)
{
	struct lr__dpcmd *c;
	int r;

	if (!desc_ok(s))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->op = op;
	c->id = id;
	if (s) {
		c->desc = *s;
		if (s->nremote_ssrcs)
			memcpy(c->ssrcs, s->remote_ssrcs,
			       s->nremote_ssrcs * sizeof(c->ssrcs[0]));
		if (s->nroutes)
			memcpy(c->routes, s->routes,
			       s->nroutes * sizeof(c->routes[0]));
		if (s->nrx_state)
			memcpy(c->rx_state, s->rx_state,
			       s->nrx_state * sizeof(c->rx_state[0]));
		if (s->ntx_state)
			memcpy(c->tx_state, s->tx_state,
			       s->ntx_state * sizeof(c->tx_state[0]));
		c->desc.remote_ssrcs = c->ssrcs;
		c->desc.routes = c->routes;
		c->desc.rx_state = c->rx_state;
		c->desc.tx_state = c->tx_state;
		if (op != DP_INSTALL)
			c->desc.nrx_state = c->desc.ntx_state = 0;
	}
	c->own = op == DP_INSTALL ? *own : NULL;
	c->rxho = ho;
	r = lr__worker_cmd(w, c);
	if (op == DP_REMOVE && c->own)
		*own = c->own;
	memset(c, 0, sizeof(*c)); /* the keys */
	free(c);
	return r;
}

/* Every worker holds every session (a flow's packets reach one worker,
 * its legs may go to any peer); an install that fails on one worker is
 * taken back from those that had it. With several, the workers share
 * the session's claim table (flow/owner.c), freed when the last copy
 * goes. */
int lr_dp_session_install(struct lr_dp *dp, uint64_t id,
			  const struct lr_dp_session *s)
{
	struct lr__dpown *own = NULL, *gone = NULL;
	int r = 0;
	unsigned i;

	if (dp->nw > 1) {
		unsigned ntx =
			s->tx_ssrcs ? s->tx_ssrcs : dp->cfg.max_tx_streams;

		/* lr__own_new reads tx_state before any command runs */
		if (ntx > LR_DP_MAX_TX_SSRCS || !desc_ok(s))
			return -EINVAL;
		r = lr__own_new(dp, s, ntx, &own);
	}
	for (i = 0; i < dp->nw && !r; i++)
		r = session_cmd(dp->w[i], DP_INSTALL, id, s, &own, NULL);
	if (r) {
		for (unsigned k = 0; k + 1 < i; k++)
			session_cmd(dp->w[k], DP_REMOVE, id, NULL, &gone, NULL);
		lr__own_free(own);
	}
	return r;
}

/* With several workers the flow's new owner is updated last: the old
 * one hands the streams over in its update (and stops taking the
 * flow), the new one takes them in its own; if the update stops before
 * (an error), they are handed to it anyway, so that the flow has one
 * owner. */
int lr_dp_session_update(struct lr_dp *dp, uint64_t id,
			 const struct lr_dp_session *s)
{
	struct lr__dprxho *ho = NULL;
	unsigned last = 0;
	int r = 0;

	if (dp->nw > 1) {
		ho = calloc(1, sizeof(*ho));
		if (!ho)
			return -ENOMEM;
		if (s && (s->remote.family == 4 || s->remote.family == 6))
			last = lr__dp_steer(dp, &s->remote);
	}
	for (unsigned k = 0; k < dp->nw && !r; k++) {
		unsigned i = (last + 1 + k) % dp->nw;

		r = session_cmd(dp->w[i], DP_UPDATE, id, s, NULL, ho);
	}
	if (ho && ho->valid && !ho->taken)
		session_cmd(dp->w[last], DP_RX_TAKE, id, NULL, NULL, ho);
	if (ho) {
		memset(ho, 0, sizeof(*ho));
		free(ho);
	}
	return r;
}

int lr_dp_session_remove(struct lr_dp *dp, uint64_t id)
{
	struct lr__dpown *own = NULL;
	int r = 0;

	for (unsigned i = 0; i < dp->nw; i++) {
		int x = session_cmd(dp->w[i], DP_REMOVE, id, NULL, &own, NULL);

		if (!r)
			r = x;
	}
	lr__own_free(own); /* no worker has the session now */
	return r;
}

/* Summed over the workers; sessions are on every worker, so their count
 * is one worker's (their memory is everyone's). */
void lr_dp_stats(struct lr_dp *dp, struct lr_dp_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < dp->nw; i++) {
		struct lr_dp_stats w = {0};
		struct lr__dpcmd c = {.op = DP_STATS, .stats = &w};

		lr__worker_cmd(dp->w[i], &c);
		lr__dp_stats_add(out, &w);
		out->sessions = w.sessions;
	}
}

int lr_dp_worker_stats(struct lr_dp *dp, unsigned i, struct lr_dp_stats *out)
{
	struct lr__dpcmd c = {.op = DP_STATS, .stats = out};

	memset(out, 0, sizeof(*out));
	if (i >= dp->nw)
		return -ENOENT;
	return lr__worker_cmd(dp->w[i], &c);
}

int lr_dp_session_stats(struct lr_dp *dp, uint64_t id,
			struct lr_dp_session_stats *out)
{
	int r = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < dp->nw && !r; i++) {
		struct lr_dp_session_stats w = {0};
		struct lr__dpcmd c = {.op = DP_SSTATS, .id = id, .sstats = &w};

		r = lr__worker_cmd(dp->w[i], &c);
		out->rx_packets += w.rx_packets;
		out->rx_bytes += w.rx_bytes;
		out->tx_packets += w.tx_packets;
		out->tx_bytes += w.tx_bytes;
		for (unsigned k = 0; k < LR_DROP__MAX; k++)
			out->drops[k] += w.drops[k];
	}
	return r;
}

static int stream_state(struct lr_dp *dp, enum dp_op op, uint64_t id,
			uint32_t ssrc, struct lr_srtp_stream_state *out)
{
	int found = 0;

	for (unsigned i = 0; i < dp->nw; i++) {
		struct lr_srtp_stream_state w = {.ssrc = ssrc};
		struct lr__dpcmd c = {.op = op, .id = id, .txstate = &w};

		if (lr__worker_cmd(dp->w[i], &c) || w.ssrc != ssrc)
			continue;
		if (!found++ || w.rtp_index > out->rtp_index)
			*out = w;
	}
	return found ? 0 : -ENOENT;
}

int lr_dp_session_tx_state(struct lr_dp *dp, uint64_t id, uint32_t ssrc,
			   struct lr_srtp_stream_state *out)
{
	return stream_state(dp, DP_TXSTATE, id, ssrc, out);
}

int lr_dp_session_rx_state(struct lr_dp *dp, uint64_t id, uint32_t ssrc,
			   struct lr_srtp_stream_state *out)
{
	return stream_state(dp, DP_RXSTATE, id, ssrc, out);
}

static int queue_send(struct lr_dp *dp, unsigned wi,
		      const struct lr_addr *local, const struct lr_addr *remote,
		      const void *buf, size_t len, int inject)
{
	int li = local ? lr__addr_index(dp->local, dp->nlocal, local) : -1;

	if (!len || len > 1500 || li < 0 || !remote)
		return -EINVAL;
	return lr__worker_queue(dp->w[wi], (uint16_t)li, remote, buf, len,
				inject, 0);
}

/* One worker protects a session's RTCP: each worker has its own copy of
 * the session's streams, and two copies would use an SRTCP index twice
 * (under one key: the same keystream). The control thread's RTCP goes
 * on this (unbounded, locked) queue; the workers' relayed RTCP on the
 * bounded rings of relay_ring.c, to the same worker. */
int lr_dp_send_rtcp(struct lr_dp *dp, uint64_t id, const void *buf, size_t len)
{
	if (!id || !buf || len > LR_DP_RTCP_MAX ||
	    !lr_rtcp_compound_ok(buf, len))
		return -EINVAL;
	return lr__worker_queue(dp->w[id % dp->nw], 0, NULL, buf, len, 0, id);
}

int lr_dp_send(struct lr_dp *dp, const struct lr_addr *local,
	       const struct lr_addr *remote, const void *buf, size_t len)
{
	return queue_send(dp, 0, local, remote, buf, len, 0);
}

/* To the worker the kernel gives that peer's datagrams, so that its
 * streams' replay state sees them. */
int lr_dp_inject(struct lr_dp *dp, const struct lr_addr *local,
		 const struct lr_addr *remote, const void *buf, size_t len)
{
	if (!remote)
		return -EINVAL;
	return queue_send(dp, lr__dp_steer(dp, remote), local, remote, buf, len,
			  1);
}

/* The oldest punt of the next worker that has one (round robin). */
static int take_punt(struct lr_dp *dp, struct lr_dp_punt *p)
{
	for (unsigned k = 0; k < dp->nw; k++) {
		unsigned i = (dp->punt_rr + k) % dp->nw;
		struct lr__spsc *q = &dp->w[i]->punts;
		const struct lr_dp_punt *x = lr__spsc_peek(q);

		if (!x)
			continue;
		p->why = x->why;
		p->session = x->session;
		p->local = x->local;
		p->remote = x->remote;
		p->len = x->len;
		memcpy(p->buf, x->buf, x->len);
		lr__spsc_pop(q);
		dp->punt_rr = (i + 1) % dp->nw;
		return 1;
	}
	return 0;
}

int lr_dp_poll_punt(struct lr_dp *dp, struct lr_dp_punt *p)
{
	uint64_t v;

	if (take_punt(dp, p))
		return 1;
	if (read(dp->punt_fd, &v, sizeof(v)) < 0) {
		/* nothing was signalled */
	}
	/* what a worker pushed between the look and the read (its wake-up
	 * was the one just read) */
	return take_punt(dp, p);
}

uint64_t lr_dp_worker_cpu_ns(struct lr_dp *dp)
{
	clockid_t c;
	struct timespec ts;
	uint64_t sum = 0;

	for (unsigned i = 0; i < dp->nw; i++)
		if (!pthread_getcpuclockid(dp->w[i]->thread, &c) &&
		    !clock_gettime(c, &ts))
			sum += (uint64_t)ts.tv_sec * 1000000000u +
			       (uint64_t)ts.tv_nsec;
	return sum;
}

int lr_dp_punt_fd(const struct lr_dp *dp)
{
	return dp->punt_fd;
}

static const struct lr__backend_ops *backend(enum lr_dp_backend b)
{
	switch (b) {
	case LR_DP_SOCK:
		return &lr__dp_sock_ops;
#ifdef LR_HAVE_URING
	case LR_DP_URING:
		return &lr__dp_uring_ops;
#endif
#ifdef LR_HAVE_DPDK
	case LR_DP_DPDK:
		return &lr__dp_dpdk_ops;
#endif
	default:
		return NULL;
	}
}

static unsigned dflt(unsigned v, unsigned d)
{
	return v ? v : d;
}

/* The configuration with its defaults, checked: 0, -EINVAL or -ENOTSUP
 * (a backend this build lacks). */
static int config(struct lr_dp_config *c)
{
	unsigned slots = 1;

	if (!c->nlocal || c->nlocal > DP_MAX_LOCAL || !c->local ||
	    c->max_tx_streams > LR_DP_MAX_TX_SSRCS ||
	    c->workers > LR_DP_MAX_WORKERS)
		return -EINVAL;
	if (!backend(c->backend))
		return -ENOTSUP;
	c->workers = dflt(c->workers, 1);
	c->max_tx_streams = dflt(c->max_tx_streams, DP_TX_STREAMS);
	c->relay_pli_interval_ms = dflt(c->relay_pli_interval_ms, 500);
	c->relay_nack_max = dflt(c->relay_nack_max, 64);
	c->relay_nack_interval_ms = dflt(c->relay_nack_interval_ms, 100);
	c->relay_sr_interval_ms = dflt(c->relay_sr_interval_ms, 500);
	c->relay_queue = dflt(c->relay_queue, LR_DP_BURST);
	if (c->relay_queue > 4096 || c->relay_nack_max > 0xffff)
		return -EINVAL;
	while (slots < c->relay_queue)
		slots <<= 1;
	c->relay_queue = slots;
	return 0;
}

static int new_dp(const struct lr_dp_config *cfg, struct lr_dp **out)
{
	struct lr_dp *dp;
	int r;

	*out = NULL;
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->cfg = *cfg;
	dp->punt_fd = -1;
	r = config(&dp->cfg);
	if (r) {
		free(dp);
		return r;
	}
	dp->ops = backend(cfg->backend);
	dp->nlocal = cfg->nlocal;
	memcpy(dp->local, cfg->local, cfg->nlocal * sizeof(cfg->local[0]));
	dp->cfg.local = NULL;
	dp->punt_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	dp->w = calloc(dp->cfg.workers, sizeof(*dp->w));
	r = dp->punt_fd < 0 ? -errno : !dp->w ? -ENOMEM : 0;
	if (!r && dp->ops->setup)
		r = dp->ops->setup(dp); /* leaves nothing when it fails */
	if (r) {
		lr_dp_free(dp);
		return r;
	}
	dp->be_up = 1;
	/* one at a time: the first binds the ports the others share */
	for (unsigned i = 0; i < dp->cfg.workers && !r; i++) {
		r = lr__worker_new(dp, i, &dp->w[i]);
		if (!r)
			dp->nw++;
	}
	if (r) {
		lr_dp_free(dp);
		return r;
	}
	*out = dp;
	return 0;
}

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

const char *lr_dp_backend_name(const struct lr_dp *dp)
{
	return dp->ops->name;
}

void lr_dp_free(struct lr_dp *dp)
{
	if (!dp)
		return;
	/* Every worker stops before any is freed: they punt into the
	 * front's rings, queue relayed RTCP to one another (and wake one
	 * another) and ask one another for streams (owner.c). */
	for (unsigned i = 0; i < dp->nw; i++)
		lr__worker_stop(dp->w[i]);
	for (unsigned i = 0; i < dp->nw; i++)
		lr__worker_free(dp->w[i]);
	if (dp->be_up && dp->ops->teardown)
		dp->ops->teardown(dp);
	free(dp->w);
	if (dp->punt_fd >= 0)
		close(dp->punt_fd);
	free(dp);
}

int lr_dp_local_addr(const struct lr_dp *dp, unsigned i, struct lr_addr *out)
{
	if (i >= dp->nlocal)
		return -ENOENT;
	*out = dp->local[i];
	return 0;
}
