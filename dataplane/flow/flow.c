/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sessions and the two ways to find them: by the caller's id, and by the
 * 5-tuple a packet came on (local address index + the peer's address).
 * Chained hash tables; only the worker thread reads or writes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../dp_internal.h"

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static unsigned id_bucket(const struct lr_dp *dp, uint64_t id)
{
	return (unsigned)(mix(id) & (dp->nbuckets - 1));
}

unsigned lr__flow_tuple_bucket(const struct lr_dp *dp, uint16_t lidx,
			       const struct lr_addr *a)
{
	uint64_t h = (uint64_t)lidx << 48 | (uint64_t)a->port << 32;
	uint64_t lo, hi = 0;

	memcpy(&lo, a->ip, 8);
	if (a->family == 6)
		memcpy(&hi, a->ip + 8, 8);
	else
		lo &= 0xffffffffull;
	return (unsigned)(mix(h ^ mix(lo) ^ mix(hi + 1)) & (dp->nbuckets - 1));
}

int lr__flow_init(struct lr_dp *dp)
{
	unsigned want = dp->cfg.max_sessions ? dp->cfg.max_sessions : 4096;

	dp->topo_gen = 1;
	dp->nbuckets = 64;
	while (dp->nbuckets < 2 * want)
		dp->nbuckets <<= 1;
	dp->by_id = calloc(dp->nbuckets, sizeof(*dp->by_id));
	dp->by_tuple = calloc(dp->nbuckets, sizeof(*dp->by_tuple));
	if (!dp->by_id || !dp->by_tuple)
		return -ENOMEM;
	return lr__fb_init(dp);
}

/* s->own is the control thread's to free (flow/owner.c) */
static void sess_free(struct lr__dpsess *s)
{
	lr_srtp_ctx_clear(&s->rx);
	lr_srtp_ctx_clear(&s->tx);
	free(s->fb);		/* unlinked, or the whole table goes */
	memset(s, 0, s->bytes); /* no keys or indices left in freed memory */
	free(s);
}

void lr__flow_fini(struct lr_dp *dp)
{
	for (unsigned i = 0; dp->by_id && i < dp->nbuckets; i++) {
		struct lr__dpsess *s = dp->by_id[i], *n;

		for (; s; s = n) {
			n = s->next_id;
			/* the workers are stopped: the first frees the
			 * claim tables they shared */
			if (!dp->index)
				lr__own_free(s->own);
			sess_free(s);
		}
	}
	free(dp->by_id);
	free(dp->by_tuple);
	dp->by_id = dp->by_tuple = NULL;
	lr__fb_fini(dp);
}

struct lr__dpsess *lr__flow_by_id(struct lr_dp *dp, uint64_t id)
{
	struct lr__dpsess *s = dp->by_id[id_bucket(dp, id)];

	while (s && s->id != id)
		s = s->next_id;
	return s;
}

struct lr__dpsess *lr__flow_in_bucket(struct lr_dp *dp, unsigned bucket,
				      uint16_t lidx,
				      const struct lr_addr *remote)
{
	struct lr__dpsess *s = dp->by_tuple[bucket];

	while (s && (s->lidx != lidx || !lr_addr_eq(&s->remote, remote)))
		s = s->next_tuple;
	return s;
}

struct lr__dpsess *lr__flow_by_tuple(struct lr_dp *dp, uint16_t lidx,
				     const struct lr_addr *remote)
{
	return lr__flow_in_bucket(dp, lr__flow_tuple_bucket(dp, lidx, remote),
				  lidx, remote);
}

void lr__flow_targets(struct lr_dp *dp, struct lr__dpsess *s)
{
	if (s->to_gen == dp->topo_gen)
		return;
	for (unsigned i = 0; i < s->nroutes; i++)
		s->to[i] = lr__flow_by_id(dp, s->routes[i].to);
	s->to_gen = dp->topo_gen;
}

/* Every session's resolved targets are stale from here on. */
static void topo_changed(struct lr_dp *dp)
{
	if (!++dp->topo_gen)
		dp->topo_gen = 1; /* 0 is "never resolved" */
}

int lr__flow_local_index(const struct lr_dp *dp, const struct lr_addr *a)
{
	for (unsigned i = 0; i < dp->nlocal; i++)
		if (lr_addr_eq(&dp->local[i], a))
			return (int)i;
	return -1;
}

static void link_tuple(struct lr_dp *dp, struct lr__dpsess *s)
{
	unsigned b = lr__flow_tuple_bucket(dp, s->lidx, &s->remote);

	s->next_tuple = dp->by_tuple[b];
	dp->by_tuple[b] = s;
}

static void unlink_tuple(struct lr_dp *dp, struct lr__dpsess *s)
{
	struct lr__dpsess **pp =
		&dp->by_tuple[lr__flow_tuple_bucket(dp, s->lidx, &s->remote)];

	while (*pp && *pp != s)
		pp = &(*pp)->next_tuple;
	if (*pp)
		*pp = s->next_tuple;
}

static int check(const struct lr_dp *dp, const struct lr_dp_session *d,
		 int *lidx)
{
	*lidx = lr__flow_local_index(dp, &d->local);
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

int lr__flow_install(struct lr_dp *dp, uint64_t id,
		     const struct lr_dp_session *d)
{
	return lr__flow_install_own(dp, id, d, NULL);
}

int lr__flow_install_own(struct lr_dp *dp, uint64_t id,
			 const struct lr_dp_session *d, struct lr__dpown *own)
{
	struct lr__dpsess *s;
	int lidx, r;
	unsigned b, nrx, ntx;
	size_t bytes;

	if (!id)
		return -EINVAL;
	if (lr__flow_by_id(dp, id))
		return -EEXIST;
	r = check(dp, d, &lidx);
	if (r)
		return r;
	if (lr__flow_by_tuple(dp, (uint16_t)lidx, &d->remote))
		return -EEXIST; /* one session per 5-tuple */
	if (dp->nsessions >= dp->nbuckets / 2)
		return -ENOSPC;
	nrx = d->rx_ssrcs ? d->rx_ssrcs : LR_DP_MAX_SSRCS;
	ntx = d->tx_ssrcs ? d->tx_ssrcs : dp->cfg.max_tx_streams;
	if (d->nremote_ssrcs > nrx || d->nrx_state > nrx || d->ntx_state > ntx)
		return -EINVAL;
	bytes = sizeof(*s) + (nrx + ntx) * sizeof(s->streams[0]);
	s = calloc(1, bytes);
	if (!s)
		return -ENOMEM;
	s->id = id;
	s->remote = d->remote;
	s->lidx = (uint16_t)lidx;
	s->bytes = bytes;
	r = lr_srtp_ctx_init(&s->rx, dp->crypto, LR_SRTP_INBOUND, &d->rx,
			     s->streams, nrx, d->nremote_ssrcs == 0);
	if (!r)
		r = lr_srtp_ctx_init(&s->tx, dp->crypto, LR_SRTP_OUTBOUND,
				     &d->tx, s->streams + nrx, ntx, 1);
	for (unsigned i = 0; !r && i < d->nremote_ssrcs; i++)
		r = lr_srtp_stream_add(&s->rx, d->remote_ssrcs[i]);
	for (unsigned i = 0; !r && i < d->nrx_state; i++)
		r = lr_srtp_stream_import(&s->rx, &d->rx_state[i]);
	if (!r)
		r = lr__own_install(dp, s, d, own);
	/* one worker: it holds every stream (else they are in own) */
	for (unsigned i = 0; !r && !own && i < d->ntx_state; i++)
		r = lr_srtp_stream_import(&s->tx, &d->tx_state[i]);
	set_routes(s, d);
	s->relay_feedback = d->relay_feedback;
	s->relay_reports = d->relay_reports;
	s->rtcp_ssrc = d->rtcp_ssrc;
	memcpy(s->punt_pt, d->punt_pt, sizeof(s->punt_pt));
	if (!r)
		r = lr__fb_link(dp, s);
	if (!r && (r = lr__fb_streams(dp, s, 1)))
		lr__fb_unlink(dp, s);
	if (r) { /* lr__fb_link links nothing when it fails */
		sess_free(s);
		return r;
	}
	b = id_bucket(dp, id);
	s->next_id = dp->by_id[b];
	dp->by_id[b] = s;
	link_tuple(dp, s);
	dp->nsessions++;
	dp->session_bytes += s->bytes;
	topo_changed(dp); /* routes to it resolve now */
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

int lr__flow_update(struct lr_dp *dp, uint64_t id,
		    const struct lr_dp_session *d)
{
	return lr__flow_update_ho(dp, id, d, NULL);
}

/* Between bursts: new keys keep the streams (ROC, replay windows), and
 * packets still on the way under the old keys pass (lr_srtp_ctx_rekey).
 * Nothing changes unless everything that can fail has passed (but the
 * feedback links, whose failure only punts the feedback). */
int lr__flow_update_ho(struct lr_dp *dp, uint64_t id,
		       const struct lr_dp_session *d, struct lr__dprxho *ho)
{
	struct lr__dpsess *s = lr__flow_by_id(dp, id);
	int lidx, r;

	if (!s)
		return -ENOENT;
	r = check(dp, d, &lidx);
	if (!r && d->rx.key_len)
		r = rekey(s, d);
	if (r)
		return r;
	for (unsigned i = 0; i < d->nremote_ssrcs; i++)
		lr_srtp_stream_add(&s->rx, d->remote_ssrcs[i]);
	if (lidx != s->lidx || !lr_addr_eq(&d->remote, &s->remote)) {
		unlink_tuple(dp, s);
		s->lidx = (uint16_t)lidx;
		s->remote = d->remote;
		s->l2_gen = 0; /* another peer: its next hop is not known */
		link_tuple(dp, s);
		/* its flow may now be another worker's */
		lr__own_rx_moved(dp, s, ho);
	}
	set_routes(s, d);
	s->relay_feedback = d->relay_feedback;
	s->relay_reports = d->relay_reports;
	s->rtcp_ssrc = d->rtcp_ssrc;
	memcpy(s->punt_pt, d->punt_pt, sizeof(s->punt_pt));
	r = lr__fb_link(dp, s); /* -ENOMEM: its feedback is punted */
	if (!r && (r = lr__fb_streams(dp, s, 0)))
		s->rtcp_ssrc = 0; /* no slot: feedback for it is punted */
	return r;
}

int lr__flow_remove(struct lr_dp *dp, uint64_t id)
{
	struct lr__dpsess **pp = &dp->by_id[id_bucket(dp, id)], *s;

	while (*pp && (*pp)->id != id)
		pp = &(*pp)->next_id;
	s = *pp;
	if (!s)
		return -ENOENT;
	*pp = s->next_id;
	unlink_tuple(dp, s);
	lr__fb_unlink(dp, s);
	dp->nsessions--;
	dp->session_bytes -= s->bytes;
	sess_free(s);
	topo_changed(dp); /* nothing may point at s any more */
	return 0;
}
