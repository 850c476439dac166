/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Sessions and the two ways to find them: by the caller's id, and by the
 * 5-tuple a packet came on (local address index + the peer's address).
 * Chained hash tables; only the worker that owns the core reads or
 * writes them. A session's memory comes from env->zalloc at install.
 */
#include "fwd.h"

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static unsigned id_bucket(const struct lr__fwd *fw, uint64_t id)
{
	return (unsigned)(mix(id) & (fw->nbuckets - 1));
}

unsigned lr__flow_tuple_bucket(const struct lr__fwd *fw, uint16_t lidx,
			       const struct lr_addr *a)
{
	uint64_t h = (uint64_t)lidx << 48 | (uint64_t)a->port << 32;
	uint64_t lo, hi = 0;

	memcpy(&lo, a->ip, 8);
	if (a->family == 6)
		memcpy(&hi, a->ip + 8, 8);
	else
		lo &= 0xffffffffull;
	return (unsigned)(mix(h ^ mix(lo) ^ mix(hi + 1)) & (fw->nbuckets - 1));
}

void lr__flow_each(struct lr__fwd *fw,
		   void (*fn)(struct lr__dpsess *s, void *arg), void *arg)
{
	for (unsigned i = 0; fw->by_id && i < fw->nbuckets; i++)
		for (struct lr__dpsess *s = fw->by_id[i]; s; s = s->next_id)
			fn(s, arg);
}

struct lr__dpsess *lr__flow_by_id(struct lr__fwd *fw, uint64_t id)
{
	struct lr__dpsess *s = fw->by_id[id_bucket(fw, id)];

	while (s && s->id != id)
		s = s->next_id;
	return s;
}

struct lr__dpsess *lr__flow_in_bucket(struct lr__fwd *fw, unsigned bucket,
				      uint16_t lidx,
				      const struct lr_addr *remote)
{
	struct lr__dpsess *s = fw->by_tuple[bucket];

	while (s && (s->lidx != lidx || !lr_addr_eq(&s->remote, remote)))
		s = s->next_tuple;
	return s;
}

struct lr__dpsess *lr__flow_by_tuple(struct lr__fwd *fw, uint16_t lidx,
				     const struct lr_addr *remote)
{
	return lr__flow_in_bucket(fw, lr__flow_tuple_bucket(fw, lidx, remote),
				  lidx, remote);
}

void lr__flow_targets(struct lr__fwd *fw, struct lr__dpsess *s)
{
	if (s->to_gen == fw->topo_gen)
		return;
	for (unsigned i = 0; i < s->nroutes; i++)
		s->to[i] = lr__flow_by_id(fw, s->routes[i].to);
	s->to_gen = fw->topo_gen;
}

/* Every session's resolved targets are stale from here on. */
static void topo_changed(struct lr__fwd *fw)
{
	if (!++fw->topo_gen)
		fw->topo_gen = 1; /* 0 is "never resolved" */
}

static void link_tuple(struct lr__fwd *fw, struct lr__dpsess *s)
{
	unsigned b = lr__flow_tuple_bucket(fw, s->lidx, &s->remote);

	s->next_tuple = fw->by_tuple[b];
	fw->by_tuple[b] = s;
}

static void unlink_tuple(struct lr__fwd *fw, struct lr__dpsess *s)
{
	struct lr__dpsess **pp =
		&fw->by_tuple[lr__flow_tuple_bucket(fw, s->lidx, &s->remote)];

	while (*pp && *pp != s)
		pp = &(*pp)->next_tuple;
	if (*pp)
		*pp = s->next_tuple;
}

static int check(const struct lr__fwd *fw, const struct lr_dp_session *d,
		 int *lidx)
{
	*lidx = lr__addr_index(fw->local, fw->nlocal, &d->local);
	if (*lidx < 0 || (d->remote.family != 4 && d->remote.family != 6) ||
	    d->remote.family != d->local.family || !d->remote.port ||
	    d->nroutes > LR_DP_MAX_ROUTES ||
	    d->nremote_ssrcs > LR_DP_MAX_SSRCS ||
	    d->nrx_state > LR_DP_MAX_SSRCS || d->ntx_state > DP_TX_STREAMS ||
	    d->rx_ssrcs > LR_DP_MAX_SSRCS || d->tx_ssrcs > LR_DP_MAX_TX_SSRCS ||
	    d->tx.suite != d->rx.suite || d->tx.key_len != d->rx.key_len)
		return -EINVAL;
	for (unsigned i = 0; i < d->nroutes; i++)
		if (!d->routes[i].to)
			return -EINVAL;
	return 0;
}

static void set_routes(struct lr__dpsess *s, const struct lr_dp_session *d)
{
	if (d->nroutes)
		memcpy(s->routes, d->routes, d->nroutes * sizeof(d->routes[0]));
	s->nroutes = d->nroutes;
	s->to_gen = 0;
}

/* Which worker owns the flow and its streams: the environment's to say
 * (several workers), else this one. */
static int own_install(struct lr__fwd *fw, struct lr__dpsess *s,
		       const struct lr_dp_session *d, void *own)
{
	if (fw->env->own_install)
		return fw->env->own_install(fw, s, d, own);
	s->rx_own = 1;
	return 0;
}

int lr__flow_install(struct lr__fwd *fw, uint64_t id,
		     const struct lr_dp_session *d, void *own)
{
	struct lr__dpsess *s;
	int lidx, r;
	unsigned b, nrx, ntx;
	size_t bytes;

	if (!id)
		return -EINVAL;
	if (lr__flow_by_id(fw, id))
		return -EEXIST;
	r = check(fw, d, &lidx);
	if (r)
		return r;
	if (lr__flow_by_tuple(fw, (uint16_t)lidx, &d->remote))
		return -EEXIST; /* one session per 5-tuple */
	if (fw->nsessions >= fw->nbuckets / 2)
		return -ENOSPC;
	nrx = d->rx_ssrcs ? d->rx_ssrcs : LR_DP_MAX_SSRCS;
	ntx = d->tx_ssrcs ? d->tx_ssrcs : fw->cfg.max_tx_streams;
	if (d->nremote_ssrcs > nrx || d->nrx_state > nrx || d->ntx_state > ntx)
		return -EINVAL;
	bytes = sizeof(*s) + (nrx + ntx) * sizeof(s->streams[0]);
	s = fw->env->zalloc(bytes);
	if (!s)
		return -ENOMEM;
	s->id = id;
	s->remote = d->remote;
	s->lidx = (uint16_t)lidx;
	s->bytes = bytes;
	r = lr_srtp_ctx_init(&s->rx, fw->crypto, LR_SRTP_INBOUND, &d->rx,
			     s->streams, nrx, d->nremote_ssrcs == 0);
	if (!r)
		r = lr_srtp_ctx_init(&s->tx, fw->crypto, LR_SRTP_OUTBOUND,
				     &d->tx, s->streams + nrx, ntx, 1);
	for (unsigned i = 0; !r && i < d->nremote_ssrcs; i++)
		r = lr_srtp_stream_add(&s->rx, d->remote_ssrcs[i]);
	for (unsigned i = 0; !r && i < d->nrx_state; i++)
		r = lr_srtp_stream_import(&s->rx, &d->rx_state[i]);
	if (!r)
		r = own_install(fw, s, d, own);
	/* one worker: it holds every stream (else they are in own) */
	for (unsigned i = 0; !r && !own && i < d->ntx_state; i++)
		r = lr_srtp_stream_import(&s->tx, &d->tx_state[i]);
	set_routes(s, d);
	s->relay_feedback = d->relay_feedback;
	s->relay_reports = d->relay_reports;
	s->rtcp_ssrc = d->rtcp_ssrc;
	memcpy(s->punt_pt, d->punt_pt, sizeof(s->punt_pt));
	if (!r)
		r = lr__fb_link(fw, s);
	if (!r && (r = lr__fb_streams(fw, s, 1)))
		lr__fb_unlink(fw, s);
	if (r) { /* lr__fb_link links nothing when it fails */
		lr__fwd_sess_free(fw, s);
		return r;
	}
	b = id_bucket(fw, id);
	s->next_id = fw->by_id[b];
	fw->by_id[b] = s;
	link_tuple(fw, s);
	fw->nsessions++;
	fw->session_bytes += s->bytes;
	topo_changed(fw); /* routes to it resolve now */
	return 0;
}

/* New keys for both directions, or neither: 0, or an error and s as it
 * was (a tx policy that fails leaves rx on its old keys too). */
static int rekey(struct lr__dpsess *s, const struct lr_dp_session *d)
{
	struct lr_srtp_keyset rk, tk;
	int r;

	r = lr_srtp_ctx_rekey_prepare(&s->rx, &d->rx, &rk);
	if (r)
		return r;
	r = lr_srtp_ctx_rekey_prepare(&s->tx, &d->tx, &tk);
	if (r) {
		lr_srtp_ctx_rekey_discard(&s->rx, &rk);
		return r;
	}
	lr_srtp_ctx_rekey_commit(&s->rx, &rk);
	lr_srtp_ctx_rekey_commit(&s->tx, &tk);
	return 0;
}

/* Between bursts: new keys keep the streams (ROC, replay windows), and
 * packets still on the way under the old keys pass (lr_srtp_ctx_rekey).
 * Nothing changes unless everything that can fail has passed (but the
 * feedback links, whose failure only punts the feedback). */
int lr__flow_update(struct lr__fwd *fw, uint64_t id,
		    const struct lr_dp_session *d, void *ho)
{
	struct lr__dpsess *s = lr__flow_by_id(fw, id);
	int lidx, r;

	if (!s)
		return -ENOENT;
	r = check(fw, d, &lidx);
	if (!r && d->rx.key_len)
		r = rekey(s, d);
	if (r)
		return r;
	for (unsigned i = 0; i < d->nremote_ssrcs; i++)
		lr_srtp_stream_add(&s->rx, d->remote_ssrcs[i]);
	if (lidx != s->lidx || !lr_addr_eq(&d->remote, &s->remote)) {
		unlink_tuple(fw, s);
		s->lidx = (uint16_t)lidx;
		s->remote = d->remote;
		s->l2_gen = 0; /* another peer: its next hop is not known */
		link_tuple(fw, s);
		/* its flow may now be another worker's */
		if (fw->env->own_moved)
			fw->env->own_moved(fw, s, ho);
	}
	set_routes(s, d);
	s->relay_feedback = d->relay_feedback;
	s->relay_reports = d->relay_reports;
	s->rtcp_ssrc = d->rtcp_ssrc;
	memcpy(s->punt_pt, d->punt_pt, sizeof(s->punt_pt));
	r = lr__fb_link(fw, s); /* -ENOMEM: its feedback is punted */
	if (!r && (r = lr__fb_streams(fw, s, 0)))
		s->rtcp_ssrc = 0; /* no slot: feedback for it is punted */
	return r;
}

int lr__flow_remove(struct lr__fwd *fw, uint64_t id)
{
	struct lr__dpsess **pp = &fw->by_id[id_bucket(fw, id)], *s;

	while (*pp && (*pp)->id != id)
		pp = &(*pp)->next_id;
	s = *pp;
	if (!s)
		return -ENOENT;
	*pp = s->next_id;
	unlink_tuple(fw, s);
	lr__fb_unlink(fw, s);
	fw->nsessions--;
	fw->session_bytes -= s->bytes;
	lr__fwd_sess_free(fw, s);
	topo_changed(fw); /* nothing may point at s any more */
	return 0;
}
