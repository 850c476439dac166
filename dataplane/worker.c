/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The worker: one thread, one loop for every backend.
 *
 *   open the backend's I/O (lr_dp_new waits for this: runs, or -errno)
 *   round: commands and the control thread's datagrams, relayed RTCP
 *          from the other workers, streams they asked for (service)
 *          -> rx_burst -> the forwarding core -> tx_burst
 *          nothing to do: wait (until input, a wake-up or ~100 ms)
 *
 * The backend does I/O only (backend/backend.h); the forwarding core
 * (fwd/) does the rest, and calls back here for what it needs of the
 * process (struct lr__fwd_env below): the pool's memory at set-up, the
 * punt ring, the relay rings, the clock, the backend's release and
 * authentic hooks, the stream owners of several workers. Nothing on
 * the packet path locks, allocates or calls the system: a punt is a
 * copy into this worker's ring, and the control thread is woken once
 * per burst that punted (one eventfd write).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "backend/backend.h"
#include "linerate/lr_srtp.h"
#include "worker.h"

static void *zalloc(size_t n)
{
	return calloc(1, n);
}

static void release(struct lr__fwd *f, void *priv)
{
	struct lr__worker *w = lr__worker_of(f);

	w->dp->ops->release(w, priv);
}

static void authentic(struct lr__fwd *f, struct lr__dpbuf **b, unsigned n)
{
	struct lr__worker *w = lr__worker_of(f);

	if (w->dp->ops->authentic)
		w->dp->ops->authentic(w, b, n);
}

/* A copy of b for the control thread, on this worker's ring: no lock,
 * no allocation, no system call (burst_end's wake-up is the one). */
void lr__worker_punt(struct lr__fwd *f, enum lr_dp_punt_why why,
		     uint64_t session, const struct lr__dpbuf *b)
{
	struct lr__worker *w = lr__worker_of(f);
	struct lr_dp_punt *p = NULL;

	if (b->pkt.len > sizeof(p->buf) || !(p = lr__spsc_slot(&w->punts))) {
		f->st.punt_dropped++;
		return;
	}
	lr__punt_copy(p, why, session, b);
	lr__spsc_push(&w->punts);
	f->st.punted++;
	w->punt_woke = 1;
}

static uint32_t now_ms(struct lr__fwd *f)
{
	(void)f;
	return lr__relay_now_ms();
}

static struct lr__relay_item *relay_slot(struct lr__fwd *f, uint64_t to)
{
	return lr__relay_slot(lr__worker_of(f), to);
}

static void relay_push(struct lr__fwd *f, uint64_t to)
{
	lr__relay_push(lr__worker_of(f), to);
}

/* The control thread is told once per burst that punted; the workers
 * this one relayed RTCP to, once each. */
static void burst_end(struct lr__fwd *f)
{
	struct lr__worker *w = lr__worker_of(f);
	uint64_t one = 1;

	if (w->relay_woke)
		lr__relay_wake(w);
	if (!w->punt_woke)
		return;
	w->punt_woke = 0;
	if (write(w->dp->punt_fd, &one, sizeof(one)) < 0) {
		/* the counter saturates only if nobody reads: fine */
	}
}

const struct lr__fwd_env lr__worker_env = {
	.zalloc = zalloc,
	.free = free,
	.release = release,
	.authentic = authentic,
	.punt = lr__worker_punt,
	.now_ms = now_ms,
	.relay_slot = relay_slot,
	.relay_push = relay_push,
	.burst_end = burst_end,
	.own_install = lr__own_install,
	.own_moved = lr__own_rx_moved,
	.own_retry = lr__own_retry,
};

void lr__worker_kick(struct lr__worker *w)
{
	if (w->dp->ops->wake)
		w->dp->ops->wake(w);
}

static void apply(struct lr__worker *w, struct lr__dpcmd *c)
{
	struct lr__fwd *f = &w->fwd;
	struct lr__dpsess *s;

	switch (c->op) {
	case DP_INSTALL:
		c->result = lr__flow_install(f, c->id, &c->desc, c->own);
		break;
	case DP_UPDATE:
		c->result = lr__flow_update(f, c->id, &c->desc, c->rxho);
		break;
	case DP_REMOVE:
		s = lr__flow_by_id(f, c->id);
		c->own = s ? s->own : NULL;
		c->result = lr__flow_remove(f, c->id);
		break;
	case DP_RX_TAKE:
		s = lr__flow_by_id(f, c->id);
		if (s && !s->rx_own)
			lr__own_rx_take(w, s, c->rxho);
		c->result = s ? 0 : -ENOENT;
		break;
	case DP_STATS:
		*c->stats = f->st;
		c->stats->sessions = f->nsessions;
		c->stats->session_bytes = f->session_bytes;
		c->result = 0;
		break;
	case DP_SSTATS:
		s = lr__flow_by_id(f, c->id);
		if (s)
			*c->sstats = s->st;
		c->result = s ? 0 : -ENOENT;
		break;
	case DP_TXSTATE:
	case DP_RXSTATE:
		s = lr__flow_by_id(f, c->id);
		c->result = s ? lr_srtp_stream_export(
					c->op == DP_RXSTATE ? &s->rx : &s->tx,
					c->txstate->ssrc, c->txstate)
			      : -ENOENT;
		break;
	}
}

static void mark_pending(struct lr__worker *w)
{
	atomic_store_explicit(&w->pending, 1, memory_order_release);
	lr__worker_kick(w);
}

/* Put back what this round could not take, ahead of anything newer. */
static void requeue(struct lr__worker *w, struct lr__dpsend *head)
{
	struct lr__dpsend *tail = head;

	while (tail->next)
		tail = tail->next;
	pthread_mutex_lock(&w->mu);
	tail->next = w->sends;
	if (!w->sends)
		w->sends_tail = tail;
	w->sends = head;
	atomic_store_explicit(&w->pending, 1, memory_order_release);
	pthread_mutex_unlock(&w->mu);
}

/* The control plane's datagram x into b: for tx (returns 1), for the
 * engine as if received (inj, returns 2), or dropped and counted (0). */
static int take_send(struct lr__worker *w, const struct lr__dpsend *x,
		     struct lr__dpbuf *b)
{
	struct lr__fwd *f = &w->fwd;
	struct lr__dpsess *s;

	if (x->rtcp) { /* RTCP of session x->rtcp, protected for its peer */
		s = lr__flow_by_id(f, x->rtcp);
		if (!s) {
			f->st.drops[LR_DROP_UNKNOWN_FLOW]++;
			return 0;
		}
		memcpy(b->data, x->buf, x->len);
		b->pkt.len = (uint32_t)x->len;
		return lr__rtcp_seal(f, s, b);
	}
	memcpy(b->data, x->buf, x->len);
	b->pkt.len = (uint32_t)x->len;
	b->lidx = x->lidx;
	b->local = f->local[x->lidx];
	b->remote = x->remote;
	return x->inject ? 2 : 1;
}

static unsigned service_queued(struct lr__worker *w, struct lr__dpbuf **tx,
			       unsigned max, struct lr__dpbuf **inj,
			       unsigned *ninj)
{
	struct lr__dpcmd *cmds, *rev = NULL;
	struct lr__dpsend *sends;
	unsigned n = 0;

	pthread_mutex_lock(&w->mu);
	atomic_store_explicit(&w->pending, 0, memory_order_relaxed);
	cmds = w->cmds;
	w->cmds = NULL;
	sends = w->sends;
	w->sends = w->sends_tail = NULL;
	pthread_mutex_unlock(&w->mu);
	while (cmds) { /* in the order they were asked */
		struct lr__dpcmd *nx = cmds->next;

		cmds->next = rev;
		rev = cmds;
		cmds = nx;
	}
	for (struct lr__dpcmd *c = rev, *nx; c; c = nx) {
		nx = c->next;
		apply(w, c);
		pthread_mutex_lock(&w->mu);
		c->done = 1;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	while (sends) {
		struct lr__dpsend *nx = sends->next;
		struct lr__dpbuf *b;
		int k;

		if (n == max || *ninj == LR_DP_BURST) {
			requeue(w, sends); /* the next round takes them */
			break;
		}
		b = lr__buf_get(&w->fwd);
		k = b ? take_send(w, sends, b) : -1;
		if (k == 1)
			tx[n++] = b;
		else if (k == 2)
			inj[(*ninj)++] = b;
		else if (k == 0)
			lr__buf_put(&w->fwd, b);
		else
			w->fwd.st.drops[LR_DROP_NO_BUFFER]++;
		free(sends);
		sends = nx;
	}
	return n;
}

/* Between bursts: commands; the control plane's sends go into tx (their
 * count is returned), its injected datagrams into inj (up to
 * LR_DP_BURST, *ninj of them) for the engine, as if received; the other
 * workers' relayed RTCP and requests for streams. */
static unsigned service(struct lr__worker *w, struct lr__dpbuf **tx,
			unsigned max, struct lr__dpbuf **inj, unsigned *ninj)
{
	unsigned n = 0;

	*ninj = 0;
	lr__own_serve(w); /* streams the other workers asked for */
	if (atomic_load_explicit(&w->pending, memory_order_acquire))
		n = service_queued(w, tx, max, inj, ninj);
	/* the other workers' relayed RTCP: polled every round (cheap while
	 * empty: one load per ring, of a line only its producer writes) */
	return n + lr__relay_drain(w, tx + n, max - n);
}

static void ready(struct lr__worker *w, int rc)
{
	pthread_mutex_lock(&w->mu);
	w->started = rc ? rc : 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* Rounds of input before the next service: commands and relayed RTCP
 * wait at most this many bursts. */
#define RX_ROUND 4

static void *run(void *arg)
{
	struct lr__worker *w = arg;
	const struct lr__backend_ops *ops = w->dp->ops;
	struct lr__fwd *f = &w->fwd;
	struct lr__dpbuf **tx = calloc(DP_TX_MAX, sizeof(*tx));
	struct lr__dpbuf *in[LR_DP_BURST];
	int r = tx ? ops->open(w) : -ENOMEM;

	ready(w, r);
	if (r) {
		free(tx);
		return NULL;
	}
	while (!atomic_load_explicit(&w->stop, memory_order_relaxed)) {
		unsigned n, ninj, got = 0, busy;

		n = service(w, tx, DP_TX_MAX, in, &ninj);
		busy = n || ninj;
		if (n)
			ops->tx_burst(w, tx, n);
		if (ninj)
			ops->tx_burst(w, tx, lr__engine_burst(f, in, ninj, tx));
		for (unsigned k = 0; k < RX_ROUND; k++) {
			got = ops->rx_burst(w, in, LR_DP_BURST);
			if (!got)
				break;
			busy = 1;
			ops->tx_burst(w, tx, lr__engine_burst(f, in, got, tx));
		}
		if (!busy)
			ops->wait(w);
	}
	ops->close(w);
	free(tx);
	return NULL;
}

static struct lr__fwd_cfg fwd_cfg(const struct lr_dp_config *c)
{
	return (struct lr__fwd_cfg){
		.max_sessions = c->max_sessions,
		.max_tx_streams = c->max_tx_streams,
		.pool = c->pool,
		.relay_pli_interval_ms = c->relay_pli_interval_ms,
		.relay_nack_max = c->relay_nack_max,
		.relay_nack_interval_ms = c->relay_nack_interval_ms,
		.relay_sr_interval_ms = c->relay_sr_interval_ms,
	};
}

int lr__worker_new(struct lr_dp *dp, unsigned index, struct lr__worker **out)
{
	const struct lr_dp_config *cfg = &dp->cfg;
	struct lr__fwd_cfg fc = fwd_cfg(cfg);
	struct lr__worker *w = calloc(1, sizeof(*w));
	int r;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->dp = dp;
	w->index = index;
	w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->crypto = lr_srtp_worker_new(cfg->srtp_impl == LR_SRTP_IMPL_LIBSRTP2
					       ? LR_SRTP_IMPL_AUTO
					       : cfg->srtp_impl);
	r = w->wake_fd < 0 ? -errno
	    : w->crypto ? lr__fwd_init(&w->fwd, &lr__worker_env, &fc, dp->local,
				       dp->nlocal, w->crypto)
			: -ENOTSUP;
	if (!r)
		r = lr__spsc_init(&w->punts, DP_PUNT_RING,
				  sizeof(struct lr_dp_punt));
	if (!r)
		r = lr__relay_init(w, lr__dp_nworkers(dp));
	if (!r)
		r = lr__own_init(w);
	if (!r && pthread_create(&w->thread, NULL, run, w)) {
		w->thread = 0; /* lr__worker_free joins only a running one */
		r = -EAGAIN;
	}
	if (!r) { /* its loop runs, or says why not */
		pthread_mutex_lock(&w->mu);
		while (!w->started)
			pthread_cond_wait(&w->cv, &w->mu);
		r = w->started < 0 ? w->started : 0;
		pthread_mutex_unlock(&w->mu);
		if (r) {
			pthread_join(w->thread, NULL);
			w->thread = 0;
		}
	}
	if (!r && cfg->pin) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(lr__dp_worker_cpu(cfg, index), &set);
		r = -pthread_setaffinity_np(w->thread, sizeof(set), &set);
	}
	if (r) {
		lr__worker_stop(w);
		lr__worker_free(w);
		return r;
	}
	*out = w;
	return 0;
}

void lr__worker_stop(struct lr__worker *w)
{
	if (!w || !w->thread)
		return;
	atomic_store(&w->stop, 1);
	lr__worker_kick(w);
	pthread_join(w->thread, NULL);
	w->thread = 0;
}

static void claim_free(struct lr__dpsess *s, void *arg)
{
	(void)arg;
	lr__own_free(s->own);
	s->own = NULL;
}

void lr__worker_free(struct lr__worker *w)
{
	if (!w)
		return;
	/* the workers are stopped: the first frees the claim tables they
	 * shared (owner.c) */
	if (!w->index)
		lr__flow_each(&w->fwd, claim_free, NULL);
	lr__fwd_fini(&w->fwd);
	lr__relay_fini(w);
	lr__own_fini(w);
	while (w->sends) {
		struct lr__dpsend *n = w->sends->next;

		free(w->sends);
		w->sends = n;
	}
	lr__spsc_fini(&w->punts);
	lr_srtp_worker_free(w->crypto);
	if (w->wake_fd >= 0)
		close(w->wake_fd);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

int lr__worker_cmd(struct lr__worker *w, struct lr__dpcmd *c)
{
	int r;

	pthread_mutex_lock(&w->mu);
	c->next = w->cmds;
	w->cmds = c;
	mark_pending(w);
	while (!c->done)
		pthread_cond_wait(&w->cv, &w->mu);
	r = c->result;
	pthread_mutex_unlock(&w->mu);
	return r;
}

int lr__worker_queue(struct lr__worker *w, uint16_t lidx,
		     const struct lr_addr *remote, const void *buf, size_t len,
		     int inject, uint64_t rtcp)
{
	struct lr__dpsend *s = malloc(sizeof(*s) + len);

	if (!s)
		return -ENOMEM;
	memset(s, 0, sizeof(*s));
	s->inject = inject;
	s->rtcp = rtcp;
	s->lidx = lidx;
	if (remote)
		s->remote = *remote;
	s->len = len;
	memcpy(s->buf, buf, len);
	pthread_mutex_lock(&w->mu);
	if (w->sends_tail)
		w->sends_tail->next = s;
	else
		w->sends = s;
	w->sends_tail = s;
	mark_pending(w);
	pthread_mutex_unlock(&w->mu);
	return 0;
}
