// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/* SRTP contexts: keys, re-keying and the per-SSRC stream table. */
#include "srtp_internal.h"

static int policy_check(const struct lr_srtp_policy *pol,
			const struct lr_srtp_suite_info **out)
{
	const struct lr_srtp_suite_info *si = lr_srtp_suite_get(pol->suite);

	if (!si)
		return -EINVAL;
	if (pol->mki_len)
		return -ENOTSUP;
	if (pol->key_len != si->key_len || pol->salt_len != si->salt_len)
		return -EINVAL;
	if (pol->window && (pol->window < LR_SRTP_WINDOW_MIN ||
			    pol->window > LR_SRTP_WINDOW_MAX))
		return -EINVAL;
	*out = si;
	return 0;
}

static void stream_reset(struct lr_srtp_ctx *ctx, struct lr_srtp_stream *st,
			 uint32_t ssrc)
{
	memset(st, 0, sizeof(*st));
	st->ssrc = ssrc;
	/* SRTCP receive window starts out covering 0..127 (replay.c). */
	st->rtcp_index = ctx->dir == LR_SRTP_INBOUND ? 127 : 0;
	st->tent_burst = ctx->burst_no - 1;
}

int lr_srtp_ctx_init(struct lr_srtp_ctx *ctx, struct lr_srtp_worker *w,
		     enum lr_srtp_dir dir, const struct lr_srtp_policy *pol,
		     struct lr_srtp_stream *streams, uint32_t max_streams,
		     int any_ssrc)
{
	const struct lr_srtp_suite_info *si;
	unsigned window;
	int rc;

	memset(ctx, 0, sizeof(*ctx));
	if (!w || !w->ops || !pol || !streams || !max_streams ||
	    (dir != LR_SRTP_OUTBOUND && dir != LR_SRTP_INBOUND))
		return -EINVAL;
	rc = policy_check(pol, &si);
	if (rc)
		return rc;
	rc = lr__srtp_kdf(w, si, pol, &ctx->keys[0]);
	if (rc)
		return rc;
	window = pol->window ? pol->window : LR_SRTP_WINDOW_DEFAULT;
	ctx->w = w;
	ctx->si = si;
	ctx->dir = (uint8_t)dir;
	ctx->any_ssrc = any_ssrc ? 1 : 0;
	ctx->window = (uint16_t)((window + 31) & ~31u); /* as libsrtp */
	ctx->streams = streams;
	ctx->max_streams = max_streams;
	memset(streams, 0, sizeof(*streams) * max_streams);
	return 0;
}

void lr_srtp_ctx_prefetch(const struct lr_srtp_ctx *ctx)
{
	const struct lr_crypto_key *k = &ctx->keys[ctx->cur].rtp;
	const struct lr_srtp_stream *st = &ctx->streams[ctx->last];

	if (k->priv && ctx->w->ops->key_prefetch)
		ctx->w->ops->key_prefetch(k);
	if (ctx->nstreams) {
		/* its head and the newest words of the replay window */
		__builtin_prefetch(st);
		__builtin_prefetch((const char *)st + 64);
	}
}

void lr_srtp_ctx_clear(struct lr_srtp_ctx *ctx)
{
	if (!ctx->w)
		return;
	lr__srtp_keyset_free(ctx->w, &ctx->keys[0]);
	lr__srtp_keyset_free(ctx->w, &ctx->keys[1]);
	ctx->w = NULL;
}

int lr_srtp_ctx_rekey_prepare(struct lr_srtp_ctx *ctx,
			      const struct lr_srtp_policy *pol,
			      struct lr_srtp_keyset *ks)
{
	const struct lr_srtp_suite_info *si;
	unsigned window;
	int rc;

	memset(ks, 0, sizeof(*ks));
	if (!ctx->w || !pol)
		return -EINVAL;
	rc = policy_check(pol, &si);
	if (rc)
		return rc;
	window = pol->window ? pol->window : LR_SRTP_WINDOW_DEFAULT;
	if (si != ctx->si || ((window + 31) & ~31u) != ctx->window)
		return -EINVAL;
	return lr__srtp_kdf(ctx->w, si, pol, ks);
}

void lr_srtp_ctx_rekey_commit(struct lr_srtp_ctx *ctx,
			      struct lr_srtp_keyset *ks)
{
	/* The previous generation goes; inbound, the current becomes
	 * previous for the grace, outbound it goes too. */
	lr__srtp_keyset_free(ctx->w, &ctx->keys[ctx->cur ^ 1]);
	if (ctx->dir == LR_SRTP_INBOUND) {
		ctx->cur ^= 1;
		ctx->grace = LR_SRTP_REKEY_GRACE(ctx->window);
	} else {
		lr__srtp_keyset_free(ctx->w, &ctx->keys[ctx->cur]);
	}
	ctx->keys[ctx->cur] = *ks;
	lr__wipe(ks, sizeof(*ks));
}

void lr_srtp_ctx_rekey_discard(struct lr_srtp_ctx *ctx,
			       struct lr_srtp_keyset *ks)
{
	if (ctx->w)
		lr__srtp_keyset_free(ctx->w, ks);
	lr__wipe(ks, sizeof(*ks));
}

int lr_srtp_ctx_rekey(struct lr_srtp_ctx *ctx, const struct lr_srtp_policy *pol)
{
	struct lr_srtp_keyset ks;
	int rc = lr_srtp_ctx_rekey_prepare(ctx, pol, &ks);

	if (!rc)
		lr_srtp_ctx_rekey_commit(ctx, &ks);
	lr__wipe(&ks, sizeof(ks));
	return rc;
}

void lr_srtp_ctx_retire(struct lr_srtp_ctx *ctx)
{
	if (ctx->w)
		lr__srtp_keyset_free(ctx->w, &ctx->keys[ctx->cur ^ 1]);
	ctx->grace = 0;
}

void lr_srtp_ctx_own(struct lr_srtp_ctx *ctx, unsigned make)
{
	ctx->owned = 1;
	ctx->make_own = (uint8_t)(make & (LR_SRTP_OWN_RTP | LR_SRTP_OWN_RTCP));
}

struct lr_srtp_stream *lr__srtp_stream_find(struct lr_srtp_ctx *ctx,
					    uint32_t ssrc)
{
	uint32_t i;

	if (ctx->last < ctx->nstreams && ctx->streams[ctx->last].ssrc == ssrc)
		return &ctx->streams[ctx->last];
	for (i = 0; i < ctx->nstreams; i++) {
		if (ctx->streams[i].ssrc == ssrc) {
			ctx->last = i;
			return &ctx->streams[i];
		}
	}
	return NULL;
}

struct lr_srtp_stream *lr__srtp_stream_lookup(struct lr_srtp_ctx *ctx,
					      uint32_t ssrc, unsigned *drop)
{
	struct lr_srtp_stream *st = lr__srtp_stream_find(ctx, ssrc);

	if (st)
		return st;
	if (!ctx->any_ssrc) {
		*drop = LR_DROP_UNKNOWN_SSRC;
		return NULL;
	}
	if (ctx->nstreams >= ctx->max_streams) {
		*drop = LR_DROP_NO_STREAM_SLOT;
		return NULL;
	}
	st = &ctx->streams[ctx->nstreams];
	stream_reset(ctx, st, ssrc);
	ctx->last = ctx->nstreams++;
	if (ctx->dir == LR_SRTP_INBOUND) {
		st->provisional = 1;
		ctx->nprov++;
	}
	return st;
}

struct lr_srtp_stream *lr__srtp_stream_claim(struct lr_srtp_ctx *ctx,
					     struct lr_srtp_stream *st,
					     uint32_t ssrc, unsigned use,
					     unsigned *drop)
{
	if (!(ctx->make_own & use)) {
		*drop = LR_DROP_NOT_OWNER;
		return NULL;
	}
	if (!st)
		st = lr__srtp_stream_lookup(ctx, ssrc, drop);
	if (st)
		st->own |= (uint8_t)use;
	return st;
}

static void stream_drop_at(struct lr_srtp_ctx *ctx, uint32_t i)
{
	ctx->nstreams--;
	if (i != ctx->nstreams)
		ctx->streams[i] = ctx->streams[ctx->nstreams];
	memset(&ctx->streams[ctx->nstreams], 0, sizeof(ctx->streams[0]));
	ctx->last = 0;
}

void lr__srtp_streams_settle(struct lr_srtp_ctx *ctx)
{
	uint32_t i = 0;

	if (!ctx->nprov)
		return;
	while (i < ctx->nstreams) {
		struct lr_srtp_stream *st = &ctx->streams[i];

		if (st->provisional && !st->accepted) {
			stream_drop_at(ctx, i);
			continue;
		}
		st->provisional = 0;
		st->accepted = 0;
		i++;
	}
	ctx->nprov = 0;
}

int lr_srtp_stream_add(struct lr_srtp_ctx *ctx, uint32_t ssrc)
{
	struct lr_srtp_stream *st = lr__srtp_stream_find(ctx, ssrc);

	if (st)
		return 0;
	if (ctx->nstreams >= ctx->max_streams)
		return -ENOSPC;
	st = &ctx->streams[ctx->nstreams++];
	stream_reset(ctx, st, ssrc);
	return 0;
}

int lr_srtp_stream_remove(struct lr_srtp_ctx *ctx, uint32_t ssrc)
{
	struct lr_srtp_stream *st = lr__srtp_stream_find(ctx, ssrc);

	if (!st)
		return -ENOENT;
	stream_drop_at(ctx, (uint32_t)(st - ctx->streams));
	return 0;
}

struct lr_srtp_stream *lr_srtp_stream_get(struct lr_srtp_ctx *ctx,
					  uint32_t ssrc)
{
	return lr__srtp_stream_find(ctx, ssrc);
}

int lr_srtp_stream_set_roc(struct lr_srtp_ctx *ctx, uint32_t ssrc, uint32_t roc,
			   uint16_t seq)
{
	struct lr_srtp_stream *st = lr__srtp_stream_find(ctx, ssrc);
	uint64_t next = ((uint64_t)roc << 16) | seq;

	if (!st)
		return -ENOENT;
	if (ctx->dir != LR_SRTP_OUTBOUND)
		return -EINVAL;
	/* The next packet with sequence number seq gets index roc:seq
	 * (0:0 is a fresh stream's: its highest is 0, nothing sent). */
	st->rtp_index = next ? next - 1 : 0;
	memset(st->rtp_win, 0, sizeof(st->rtp_win));
	return 0;
}

int lr_srtp_stream_set_rtcp_index(struct lr_srtp_ctx *ctx, uint32_t ssrc,
				  uint32_t index)
{
	struct lr_srtp_stream *st = lr__srtp_stream_find(ctx, ssrc);

	if (!st)
		return -ENOENT;
	if (ctx->dir != LR_SRTP_OUTBOUND || index > 0x7fffffff)
		return -EINVAL;
	st->rtcp_index = index;
	return 0;
}

int lr_srtp_stream_export(struct lr_srtp_ctx *ctx, uint32_t ssrc,
			  struct lr_srtp_stream_state *out)
{
	struct lr_srtp_stream *st = lr__srtp_stream_find(ctx, ssrc);

	if (!st || st->provisional)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->ssrc = ssrc;
	out->rtp_index = st->rtp_index;
	/* inbound: the highest SRTCP index accepted (0: none), which is
	 * what an import marks used with everything below it; outbound:
	 * the next one to use */
	out->rtcp_index = ctx->dir == LR_SRTP_INBOUND ? lr__srtcp_highest(st)
						      : st->rtcp_index;
	out->packets = st->packets;
	return 0;
}

int lr_srtp_stream_from_state(struct lr_srtp_stream *out,
			      const struct lr_srtp_stream_state *in)
{
	if (in->rtp_index > LR_SRTP_INDEX_MAX || in->rtcp_index > 0x7fffffff)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->ssrc = in->ssrc;
	out->rtp_index = in->rtp_index;
	out->rtcp_index = in->rtcp_index;
	out->packets = in->packets;
	/* everything the old context may have accepted (inbound) or sent
	 * (outbound) is used */
	memset(out->rtp_win, 0xff, sizeof(out->rtp_win));
	memset(out->rtcp_win, 0xff, sizeof(out->rtcp_win));
	return 0;
}

int lr_srtp_stream_import(struct lr_srtp_ctx *ctx,
			  const struct lr_srtp_stream_state *in)
{
	struct lr_srtp_stream st;
	int r = lr_srtp_stream_from_state(&st, in);

	if (!r)
		r = lr_srtp_stream_take_over(
			ctx, &st, LR_SRTP_OWN_RTP | LR_SRTP_OWN_RTCP);
	return r;
}

/* The state one use of a stream carries. */
static void copy_uses(struct lr_srtp_stream *to,
		      const struct lr_srtp_stream *from, unsigned uses)
{
	if (uses & LR_SRTP_OWN_RTP) {
		to->rtp_index = from->rtp_index;
		memcpy(to->rtp_win, from->rtp_win, sizeof(to->rtp_win));
		to->packets = from->packets;
		to->octets = from->octets;
	}
	if (uses & LR_SRTP_OWN_RTCP) {
		to->rtcp_index = from->rtcp_index;
		memcpy(to->rtcp_win, from->rtcp_win, sizeof(to->rtcp_win));
	}
}

int lr_srtp_stream_hand_over(struct lr_srtp_ctx *ctx, uint32_t ssrc,
			     unsigned uses, struct lr_srtp_stream *out)
{
	struct lr_srtp_stream *st = lr__srtp_stream_find(ctx, ssrc);
	struct lr_srtp_stream fresh;
	unsigned all = LR_SRTP_OWN_RTP | LR_SRTP_OWN_RTCP;

	if (!st || st->provisional)
		return -ENOENT;
	uses = ctx->owned ? uses & all : all;
	memset(out, 0, sizeof(*out));
	out->ssrc = ssrc;
	out->own = (uint8_t)uses;
	copy_uses(out, st, uses);
	/* what is given up starts over here, unused */
	stream_reset(ctx, &fresh, ssrc);
	copy_uses(st, &fresh, uses);
	st->own &= (uint8_t)~uses;
	if (!ctx->owned || !st->own)
		stream_drop_at(ctx, (uint32_t)(st - ctx->streams));
	return 0;
}

int lr_srtp_stream_take_over(struct lr_srtp_ctx *ctx,
			     const struct lr_srtp_stream *in, unsigned uses)
{
	struct lr_srtp_stream *st;
	int r;

	uses &= LR_SRTP_OWN_RTP | LR_SRTP_OWN_RTCP;
	if (in->rtp_index > LR_SRTP_INDEX_MAX || in->rtcp_index > 0x80000000u)
		return -EINVAL;
	r = lr_srtp_stream_add(ctx, in->ssrc);
	if (r)
		return r;
	st = lr__srtp_stream_find(ctx, in->ssrc);
	copy_uses(st, in, uses);
	st->tent_index = st->rtp_index;
	st->tent_burst = ctx->burst_no - 1;
	if (ctx->owned)
		st->own |= (uint8_t)uses;
	return 0;
}

void lr_srtp_stream_forget_all(struct lr_srtp_ctx *ctx)
{
	if (ctx->nstreams)
		memset(ctx->streams, 0,
		       ctx->nstreams * sizeof(ctx->streams[0]));
	ctx->nstreams = 0;
	ctx->nprov = 0;
	ctx->last = 0;
}
