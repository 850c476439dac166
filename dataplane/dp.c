/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_dp: the control thread's side. Commands (install, update, remove,
 * stats) and control-plane datagrams are queued for the worker, which
 * takes them between bursts; commands return when the worker has applied
 * them (the worker takes the queue's lock once a round, when the atomic
 * `pending` says there is something). Punted packets come back the other
 * way on each worker's own ring (spsc.c): no lock, no allocation, one
 * eventfd write per burst that punted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "dp_internal.h"
#include "linerate/lr_rtp.h"

static const struct lr__dp_backend_ops *backend(enum lr_dp_backend b)
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

int lr__dp_pool_init(struct lr_dp *dp)
{
	unsigned n = dp->cfg.pool ? dp->cfg.pool : 4096;

	if (n < 2 * LR_DP_BURST)
		n = 2 * LR_DP_BURST;
	dp->bufs = calloc(n, sizeof(*dp->bufs));
	if (!dp->bufs)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		lr__buf_put(dp, &dp->bufs[i]);
	return 0;
}

void lr__dp_kick(const struct lr_dp *w)
{
	uint64_t one = 1;

	if (write(w->wake_fd, &one, sizeof(one)) < 0) {
		/* eventfd counter full: the worker is awake anyway */
	}
}

static void wake(struct lr_dp *dp)
{
	atomic_store_explicit(&dp->pending, 1, memory_order_release);
	lr__dp_kick(dp);
}

/* One worker: its sockets (or port), pool, sessions and thread. front is
 * the worker that owns the punt queue (itself for the first). */
int lr__dp_new_one(const struct lr_dp_config *cfg, struct lr_dp *front,
		   unsigned index, struct lr_dp **out)
{
	struct lr_dp *dp;
	int r;

	*out = NULL;
	if (cfg->max_tx_streams > LR_DP_MAX_TX_SSRCS)
		return -EINVAL;
	if (!cfg->nlocal || cfg->nlocal > DP_MAX_LOCAL ||
	    !backend(cfg->backend))
		return cfg->nlocal ? -ENOTSUP : -EINVAL;
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->cfg = *cfg;
	dp->cfg.local = NULL;
	if (!dp->cfg.max_tx_streams)
		dp->cfg.max_tx_streams = DP_TX_STREAMS;
	dp->ops = backend(cfg->backend);
	lr__dp_worker_links(dp, front);
	dp->index = index;
	dp->nlocal = cfg->nlocal;
	memcpy(dp->local, cfg->local, cfg->nlocal * sizeof(cfg->local[0]));
	for (unsigned i = 0; i < DP_MAX_LOCAL; i++)
		dp->fd[i] = -1;
	pthread_mutex_init(&dp->mu, NULL);
	pthread_cond_init(&dp->cv, NULL);
	dp->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	dp->punt_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	dp->crypto = lr_srtp_worker_new(cfg->srtp_impl == LR_SRTP_IMPL_LIBSRTP2
						? LR_SRTP_IMPL_AUTO
						: cfg->srtp_impl);
	r = dp->wake_fd < 0 || dp->punt_fd < 0 ? -errno
	    : !dp->crypto		       ? -ENOTSUP
					       : 0;
	if (!r)
		r = lr__spsc_init(&dp->punts, DP_PUNT_RING,
				  sizeof(struct lr_dp_punt));
	if (!r)
		r = lr__dp_pool_init(dp);
	if (!r)
		r = lr__flow_init(dp);
	if (!r)
		r = lr__relay_init(dp, cfg->workers ? cfg->workers : 1);
	if (!r)
		r = lr__own_init(dp);
	if (!r)
		r = dp->ops->open(dp);
	if (!r && pthread_create(&dp->thread, NULL, dp->ops->run, dp)) {
		dp->thread = 0; /* lr_dp_free joins only a thread that runs */
		r = -EAGAIN;
	}
	if (!r) { /* its loop runs, or says why not */
		pthread_mutex_lock(&dp->mu);
		while (!dp->started)
			pthread_cond_wait(&dp->cv, &dp->mu);
		r = dp->started < 0 ? dp->started : 0;
		pthread_mutex_unlock(&dp->mu);
	}
	if (!r && cfg->pin) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(lr__dp_worker_cpu(cfg, index), &set);
		r = -pthread_setaffinity_np(dp->thread, sizeof(set), &set);
	}
	if (r) {
		lr_dp_free(dp);
		return r;
	}
	*out = dp;
	return 0;
}

void lr__dp_ready(struct lr_dp *dp, int rc)
{
	pthread_mutex_lock(&dp->mu);
	dp->started = rc ? rc : 1;
	pthread_cond_broadcast(&dp->cv);
	pthread_mutex_unlock(&dp->mu);
}

const char *lr_dp_backend_name(const struct lr_dp *dp)
{
	return dp->ops->name;
}

static void stop(struct lr_dp *dp)
{
	if (!dp->thread)
		return;
	atomic_store(&dp->stop, 1);
	wake(dp);
	pthread_join(dp->thread, NULL);
	dp->thread = 0;
}

void lr_dp_free(struct lr_dp *dp)
{
	if (!dp)
		return;
	/* Every worker stops before any is freed: they punt into the
	 * first's queue, queue relayed RTCP to one another (and wake one
	 * another) and ask one another for streams (flow/owner.c). */
	for (unsigned i = 0; i < dp->nshards; i++)
		stop(dp->shard[i]);
	lr__dp_workers_free(dp);
	if (dp->ops)
		dp->ops->close(dp);
	lr__flow_fini(dp);
	lr__relay_fini(dp);
	lr__own_fini(dp);
	while (dp->sends) {
		struct lr__dpsend *n = dp->sends->next;

		free(dp->sends);
		dp->sends = n;
	}
	lr__spsc_fini(&dp->punts);
	free(dp->bufs);
	lr_srtp_worker_free(dp->crypto);
	if (dp->wake_fd >= 0)
		close(dp->wake_fd);
	if (dp->punt_fd >= 0)
		close(dp->punt_fd);
	pthread_mutex_destroy(&dp->mu);
	pthread_cond_destroy(&dp->cv);
	free(dp);
}

int lr_dp_local_addr(const struct lr_dp *dp, unsigned i, struct lr_addr *out)
{
	if (i >= dp->nlocal)
		return -ENOENT;
	*out = dp->local[i];
	return 0;
}

/* Queue a command and wait until the worker has done it. */
static int run_cmd(struct lr_dp *dp, struct lr__dpcmd *c)
{
	int r;

	pthread_mutex_lock(&dp->mu);
	c->next = dp->cmds;
	dp->cmds = c;
	wake(dp);
	while (!c->done)
		pthread_cond_wait(&dp->cv, &dp->mu);
	r = c->result;
	pthread_mutex_unlock(&dp->mu);
	return r;
}

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
static int session_cmd(struct lr_dp *dp, enum dp_op op, uint64_t id,
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
	r = run_cmd(dp, c);
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

	if (dp->nshards > 1) {
		unsigned ntx =
			s->tx_ssrcs ? s->tx_ssrcs : dp->cfg.max_tx_streams;

		/* lr__own_new reads tx_state before any command runs */
		if (ntx > LR_DP_MAX_TX_SSRCS || !desc_ok(s))
			return -EINVAL;
		r = lr__own_new(dp, s, ntx, &own);
	}
	for (i = 0; i < dp->nshards && !r; i++)
		r = session_cmd(dp->shard[i], DP_INSTALL, id, s, &own, NULL);
	if (r) {
		for (unsigned k = 0; k + 1 < i; k++)
			session_cmd(dp->shard[k], DP_REMOVE, id, NULL, &gone,
				    NULL);
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

	if (dp->nshards > 1) {
		ho = calloc(1, sizeof(*ho));
		if (!ho)
			return -ENOMEM;
		if (s && (s->remote.family == 4 || s->remote.family == 6))
			last = lr__dp_steer(dp, &s->remote);
	}
	for (unsigned k = 0; k < dp->nshards && !r; k++) {
		unsigned i = (last + 1 + k) % dp->nshards;

		r = session_cmd(dp->shard[i], DP_UPDATE, id, s, NULL, ho);
	}
	if (ho && ho->valid && !ho->taken)
		session_cmd(dp->shard[last], DP_RX_TAKE, id, NULL, NULL, ho);
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

	for (unsigned i = 0; i < dp->nshards; i++) {
		int x = session_cmd(dp->shard[i], DP_REMOVE, id, NULL, &own,
				    NULL);

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
	for (unsigned i = 0; i < dp->nshards; i++) {
		struct lr_dp_stats w = {0};
		struct lr__dpcmd c = {.op = DP_STATS, .stats = &w};

		run_cmd(dp->shard[i], &c);
		lr__dp_stats_add(out, &w);
		out->sessions = w.sessions;
	}
}

int lr_dp_worker_stats(struct lr_dp *dp, unsigned i, struct lr_dp_stats *out)
{
	struct lr__dpcmd c = {.op = DP_STATS, .stats = out};

	memset(out, 0, sizeof(*out));
	if (i >= dp->nshards)
		return -ENOENT;
	return run_cmd(dp->shard[i], &c);
}

int lr_dp_session_stats(struct lr_dp *dp, uint64_t id,
			struct lr_dp_session_stats *out)
{
	int r = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < dp->nshards && !r; i++) {
		struct lr_dp_session_stats w = {0};
		struct lr__dpcmd c = {.op = DP_SSTATS, .id = id, .sstats = &w};

		r = run_cmd(dp->shard[i], &c);
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

	for (unsigned i = 0; i < dp->nshards; i++) {
		struct lr_srtp_stream_state w = {.ssrc = ssrc};
		struct lr__dpcmd c = {.op = op, .id = id, .txstate = &w};

		if (run_cmd(dp->shard[i], &c) || w.ssrc != ssrc)
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

/* A copy of buf for dp's worker, sent (or injected, or protected as
 * RTCP) in its next round, in the order asked. */
static int queue_item(struct lr_dp *dp, const struct lr_addr *local,
		      const struct lr_addr *remote, const void *buf, size_t len,
		      int inject, uint64_t rtcp)
{
	struct lr__dpsend *s = malloc(sizeof(*s) + len);

	if (!s)
		return -ENOMEM;
	memset(s, 0, sizeof(*s));
	s->inject = inject;
	s->rtcp = rtcp;
	if (local)
		s->local = *local;
	if (remote)
		s->remote = *remote;
	s->len = len;
	memcpy(s->buf, buf, len);
	pthread_mutex_lock(&dp->mu);
	if (dp->sends_tail)
		dp->sends_tail->next = s;
	else
		dp->sends = s;
	dp->sends_tail = s;
	wake(dp);
	pthread_mutex_unlock(&dp->mu);
	return 0;
}

static int queue_send(struct lr_dp *dp, const struct lr_addr *local,
		      const struct lr_addr *remote, const void *buf, size_t len,
		      int inject)
{
	if (!len || len > 1500 || lr__flow_local_index(dp, local) < 0)
		return -EINVAL;
	return queue_item(dp, local, remote, buf, len, inject, 0);
}

/* One worker protects a session's RTCP: each worker has its own copy of
 * the session's streams, and two copies would use an SRTCP index twice
 * (under one key: the same keystream). The control thread's RTCP goes
 * on this (unbounded, locked) queue; the workers' relayed RTCP on the
 * bounded rings of relay_out.c, to the same worker. */
int lr_dp_send_rtcp(struct lr_dp *dp, uint64_t id, const void *buf, size_t len)
{
	struct lr_dp *f = dp->front;

	if (!id || !buf || len > LR_DP_RTCP_MAX ||
	    !lr_rtcp_compound_ok(buf, len))
		return -EINVAL;
	return queue_item(f->shard[id % f->nshards], NULL, NULL, buf, len, 0,
			  id);
}

int lr_dp_send(struct lr_dp *dp, const struct lr_addr *local,
	       const struct lr_addr *remote, const void *buf, size_t len)
{
	return queue_send(dp, local, remote, buf, len, 0);
}

/* To the worker the kernel gives that peer's datagrams, so that its
 * streams' replay state sees them. */
int lr_dp_inject(struct lr_dp *dp, const struct lr_addr *local,
		 const struct lr_addr *remote, const void *buf, size_t len)
{
	return queue_send(dp->shard[lr__dp_steer(dp, remote)], local, remote,
			  buf, len, 1);
}

/* The oldest punt of the next worker that has one (round robin). */
static int take_punt(struct lr_dp *dp, struct lr_dp_punt *p)
{
	for (unsigned k = 0; k < dp->nshards; k++) {
		unsigned i = (dp->punt_rr + k) % dp->nshards;
		struct lr__spsc *q = &dp->shard[i]->punts;
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
		dp->punt_rr = (i + 1) % dp->nshards;
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

	for (unsigned i = 0; i < dp->nshards; i++)
		if (!pthread_getcpuclockid(dp->shard[i]->thread, &c) &&
		    !clock_gettime(c, &ts))
			sum += (uint64_t)ts.tv_sec * 1000000000u +
			       (uint64_t)ts.tv_nsec;
	return sum;
}

int lr_dp_punt_fd(const struct lr_dp *dp)
{
	return dp->punt_fd;
}

static void apply(struct lr_dp *dp, struct lr__dpcmd *c)
{
	struct lr__dpsess *s;

	switch (c->op) {
	case DP_INSTALL:
		c->result = lr__flow_install_own(dp, c->id, &c->desc, c->own);
		break;
	case DP_UPDATE:
		c->result = lr__flow_update_ho(dp, c->id, &c->desc, c->rxho);
		break;
	case DP_REMOVE:
		s = lr__flow_by_id(dp, c->id);
		c->own = s ? s->own : NULL;
		c->result = lr__flow_remove(dp, c->id);
		break;
	case DP_RX_TAKE:
		s = lr__flow_by_id(dp, c->id);
		if (s && !s->rx_own)
			lr__own_rx_take(dp, s, c->rxho);
		c->result = s ? 0 : -ENOENT;
		break;
	case DP_STATS:
		*c->stats = dp->st;
		c->stats->sessions = dp->nsessions;
		c->stats->session_bytes = dp->session_bytes;
		c->result = 0;
		break;
	case DP_SSTATS:
		s = lr__flow_by_id(dp, c->id);
		if (s)
			*c->sstats = s->st;
		c->result = s ? 0 : -ENOENT;
		break;
	case DP_TXSTATE:
	case DP_RXSTATE:
		s = lr__flow_by_id(dp, c->id);
		c->result = s ? lr_srtp_stream_export(
					c->op == DP_RXSTATE ? &s->rx : &s->tx,
					c->txstate->ssrc, c->txstate)
			      : -ENOENT;
		break;
	}
}

/* Put back what this round could not take, ahead of anything newer. */
static void requeue(struct lr_dp *dp, struct lr__dpsend *head)
{
	struct lr__dpsend *tail = head;

	while (tail->next)
		tail = tail->next;
	pthread_mutex_lock(&dp->mu);
	tail->next = dp->sends;
	if (!dp->sends)
		dp->sends_tail = tail;
	dp->sends = head;
	atomic_store_explicit(&dp->pending, 1, memory_order_release);
	pthread_mutex_unlock(&dp->mu);
}

int lr__dp_rtcp_seal(struct lr_dp *dp, struct lr__dpsess *s,
		     struct lr__dpbuf *b)
{
	struct lr_pkt *pk = &b->pkt;

	if (lr_srtcp_protect(&s->tx, &pk, 1) != 1) {
		dp->st.drops[pk->drop]++;
		s->st.drops[pk->drop]++;
		return 0;
	}
	b->sess = s;
	b->lidx = s->lidx;
	b->local = dp->local[s->lidx];
	b->remote = s->remote;
	dp->st.rtcp_sent++;
	return 1;
}

/* The control plane's RTCP for session x->rtcp, protected into b for
 * its peer: 1, or 0 and counted. */
static int rtcp_out(struct lr_dp *dp, const struct lr__dpsend *x,
		    struct lr__dpbuf *b)
{
	struct lr__dpsess *s = lr__flow_by_id(dp, x->rtcp);

	if (!s) {
		dp->st.drops[LR_DROP_UNKNOWN_FLOW]++;
		return 0;
	}
	memcpy(b->data, x->buf, x->len);
	b->pkt.len = (uint32_t)x->len;
	return lr__dp_rtcp_seal(dp, s, b);
}

static unsigned service_queued(struct lr_dp *dp, struct lr__dpbuf **tx,
			       unsigned max, struct lr__dpbuf **inj,
			       unsigned *ninj)
{
	struct lr__dpcmd *cmds, *rev = NULL;
	struct lr__dpsend *sends;
	unsigned n = 0;

	pthread_mutex_lock(&dp->mu);
	atomic_store_explicit(&dp->pending, 0, memory_order_relaxed);
	cmds = dp->cmds;
	dp->cmds = NULL;
	sends = dp->sends;
	dp->sends = dp->sends_tail = NULL;
	pthread_mutex_unlock(&dp->mu);
	/* in the order they were asked */
	while (cmds) {
		struct lr__dpcmd *nx = cmds->next;

		cmds->next = rev;
		rev = cmds;
		cmds = nx;
	}
	for (struct lr__dpcmd *c = rev, *nx; c; c = nx) {
		nx = c->next;
		apply(dp, c);
		pthread_mutex_lock(&dp->mu);
		c->done = 1;
		pthread_cond_broadcast(&dp->cv);
		pthread_mutex_unlock(&dp->mu);
	}
	while (sends) {
		struct lr__dpsend *nx = sends->next;
		struct lr__dpbuf *b;

		if (n == max || *ninj == LR_DP_BURST) {
			requeue(dp, sends); /* the next round takes them */
			break;
		}
		b = lr__buf_get(dp);
		if (b && sends->rtcp) {
			if (rtcp_out(dp, sends, b))
				tx[n++] = b;
			else
				lr__buf_put(dp, b);
		} else if (b) {
			memcpy(b->data, sends->buf, sends->len);
			b->pkt.len = (uint32_t)sends->len;
			b->local = sends->local;
			b->remote = sends->remote;
			b->lidx = (uint16_t)lr__flow_local_index(dp,
								 &sends->local);
			if (sends->inject)
				inj[(*ninj)++] = b;
			else
				tx[n++] = b;
		} else {
			dp->st.drops[LR_DROP_NO_BUFFER]++;
		}
		free(sends);
		sends = nx;
	}
	return n;
}

unsigned lr__dp_service(struct lr_dp *dp, struct lr__dpbuf **tx, unsigned max,
			struct lr__dpbuf **inj, unsigned *ninj)
{
	unsigned n = 0;

	*ninj = 0;
	lr__own_serve(dp); /* streams the other workers asked for */
	if (atomic_load_explicit(&dp->pending, memory_order_acquire))
		n = service_queued(dp, tx, max, inj, ninj);
	/* the other workers' relayed RTCP: polled every round (cheap while
	 * empty: one load per ring, of a line only its producer writes) */
	return n + lr__relay_drain(dp, tx + n, max - n);
}
