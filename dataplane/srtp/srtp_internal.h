/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/* Internal helpers of the SRTP core; not a public header. */
#ifndef LR_SRTP_INTERNAL_H
#define LR_SRTP_INTERNAL_H

#include "linerate/lr_bytes.h"
#include "linerate/lr_srtp_core.h"

#ifdef __KERNEL__
#include <linux/errno.h>
#define ENOTSUP EOPNOTSUPP /* the same number in Linux userspace */
#else
#include <errno.h> /* constants only */
#endif

#define LR_RTP_HDR	 12
#define LR_RTCP_HDR	 8
#define LR_SRTCP_TRAILER 4
#define LR_SRTCP_E_BIT	 0x80000000u

/* Zero secrets in a way the compiler keeps. */
static inline void lr__wipe(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/* kdf.c: one KDF output (label as in RFC 3711 §4.3.2). */
int lr__srtp_derive(struct lr_srtp_worker *w, const struct lr_srtp_policy *pol,
		    unsigned label, uint8_t *out, unsigned len);
/* srtp.c: the SRTP IV of packet d (RFC 3711 §4.1.1 / RFC 7714 §8.1);
 * salt is 16 bytes, zero-padded. */
void lr__srtp_rtp_iv(const struct lr_srtp_suite_info *si, const uint8_t *salt,
		     const uint8_t *d, uint64_t index, uint8_t *iv);
/* kdf.c: derive one generation of session keys into ks. */
int lr__srtp_kdf(struct lr_srtp_worker *w, const struct lr_srtp_suite_info *si,
		 const struct lr_srtp_policy *pol, struct lr_srtp_keyset *ks);
void lr__srtp_keyset_free(struct lr_srtp_worker *w, struct lr_srtp_keyset *ks);

/* replay.c: SRTP index estimation and replay windows (inline below:
 * they run for every packet). An index past 2^48 - 1 (the ROC would
 * wrap, RFC 3711 §3.3.1) is estimated as delta LR__SRTP_SPENT, guess 0:
 * older than any window, so it is refused as replay_old wherever it is
 * checked, with nothing on the way of other packets; the places that
 * drop it name it index_exhausted (lr__srtp_spent). */
#define LR__SRTP_SPENT ((int32_t)(-0x7fffffff - 1)) /* INT32_MIN */
int32_t lr__srtp_estimate_slow(uint64_t local, uint16_t seq, uint64_t *guess);
void lr__srtp_win_shift(uint64_t *win, unsigned nw, uint32_t d);

/* r (a drop reason) for a packet estimated at delta: index_exhausted
 * if the index is past 2^48 - 1. Failure paths only. */
static inline unsigned lr__srtp_spent(unsigned r, int32_t delta)
{
	return delta == LR__SRTP_SPENT ? LR_DROP_INDEX_EXHAUSTED : r;
}

static inline int32_t lr__srtp_estimate(uint64_t local, uint16_t seq,
					uint64_t *guess)
{
	/* As libsrtp: while the highest index is <= 0x8000 the ROC is 0. */
	if (local <= 0x8000) {
		*guess = seq;
		return (int32_t)seq - (int32_t)local;
	}
	return lr__srtp_estimate_slow(local, seq, guess);
}

/* 0 (fresh), LR_DROP_REPLAY or LR_DROP_REPLAY_OLD */
static inline unsigned lr__srtp_replay_check(const struct lr_srtp_stream *st,
					     unsigned window, int32_t delta)
{
	uint32_t age;

	if (delta > 0)
		return 0;
	age = (uint32_t)(-(int64_t)delta);
	if (age >= window)
		return LR_DROP_REPLAY_OLD;
	return (st->rtp_win[age >> 6] >> (age & 63)) & 1 ? LR_DROP_REPLAY : 0;
}

static inline void lr__srtp_replay_add(struct lr_srtp_stream *st,
				       unsigned window, int32_t delta)
{
	uint64_t *w = st->rtp_win;

	if (delta <= 0) {
		uint32_t age = (uint32_t)(-(int64_t)delta);

		w[age >> 6] |= (uint64_t)1 << (age & 63);
		return;
	}
	if (window <= 128 && delta < 64) {
		/* the common case: the default window, in order */
		w[1] = (w[1] << delta) | (w[0] >> (64 - delta));
		w[0] = (w[0] << delta) | 1;
	} else {
		lr__srtp_win_shift(w, (window + 63) / 64, (uint32_t)delta);
		w[0] |= 1;
	}
	st->rtp_index += (uint32_t)delta;
}

unsigned lr__srtcp_replay_check(const struct lr_srtp_stream *st,
				uint32_t index);
void lr__srtcp_replay_add(struct lr_srtp_stream *st, uint32_t index);
/* The highest SRTCP index an inbound stream accepted (0: none yet). */
uint32_t lr__srtcp_highest(const struct lr_srtp_stream *st);

/* stream.c */
struct lr_srtp_stream *lr__srtp_stream_find(struct lr_srtp_ctx *ctx,
					    uint32_t ssrc);
/* Find or make (any_ssrc) the stream of ssrc; *drop set on failure. A
 * stream made inbound is provisional until a packet authenticates. */
struct lr_srtp_stream *lr__srtp_stream_lookup(struct lr_srtp_ctx *ctx,
					      uint32_t ssrc, unsigned *drop);
/* End of an inbound burst: drop provisional streams nothing confirmed. */
void lr__srtp_streams_settle(struct lr_srtp_ctx *ctx);
/* lr__srtp_stream_use() past its fast path: ctx is owned and ssrc's
 * stream (st, or none) does not hold use. */
struct lr_srtp_stream *lr__srtp_stream_claim(struct lr_srtp_ctx *ctx,
					     struct lr_srtp_stream *st,
					     uint32_t ssrc, unsigned use,
					     unsigned *drop);

/* Protect's lookup: the stream of ssrc for use (LR_SRTP_OWN_RTP or
 * _RTCP), found or made as lr__srtp_stream_lookup does; in an owned
 * context (owned: ctx->owned, read once per chunk) only one that holds
 * use, or may be given it (make_own). */
static inline struct lr_srtp_stream *
lr__srtp_stream_use(struct lr_srtp_ctx *ctx, int owned, uint32_t ssrc,
		    unsigned use, unsigned *drop)
{
	struct lr_srtp_stream *st;

	if (__builtin_expect(!owned, 1))
		return lr__srtp_stream_lookup(ctx, ssrc, drop);
	st = lr__srtp_stream_find(ctx, ssrc);
	if (st && (st->own & use))
		return st;
	return lr__srtp_stream_claim(ctx, st, ssrc, use, drop);
}

/* End of an inbound chunk: after a re-key, the previous keys are
 * retired once the grace is spent, counted in packets accepted with the
 * current keys (stats ok and old_key were ok0 and old0 at the start of
 * the chunk, whose jobs are done with the keys by now). */
static inline void lr__srtp_grace(struct lr_srtp_ctx *ctx, uint64_t ok0,
				  uint64_t old0)
{
	uint64_t fresh;

	if (!ctx->grace)
		return;
	fresh = (ctx->stats.ok - ok0) - (ctx->stats.old_key - old0);
	if (fresh < ctx->grace) {
		ctx->grace -= (uint32_t)fresh;
		return;
	}
	lr_srtp_ctx_retire(ctx);
}

/* burst.c: chunking, out-of-place copies and the stable partition. */
typedef void (*lr__srtp_chunk_fn)(struct lr_srtp_ctx *ctx, struct lr_pkt **pkts,
				  unsigned n);
unsigned lr__srtp_burst(struct lr_srtp_ctx *ctx, lr__srtp_chunk_fn fn,
			struct lr_pkt **in, struct lr_pkt **out, unsigned n);
static inline void lr__srtp_drop(struct lr_srtp_ctx *ctx, struct lr_pkt *p,
				 unsigned reason)
{
	p->drop = (uint16_t)reason;
	ctx->stats.drops[reason]++;
}

/* Copy a job; a tag kept in the job's own tag_save moves with it. */
static inline void lr__srtp_job_copy(struct lr_crypto_job *dst,
				     const struct lr_crypto_job *src)
{
	*dst = *src;
	if (src->tag == src->tag_save)
		dst->tag = dst->tag_save;
}

/* Re-apply the cipher of a failed decrypt job so the packet's bytes are
 * back as they came in (the tag is computed into the job's sink). */
void lr__srtp_undo_jobs(struct lr_srtp_worker *w, struct lr_crypto_job *jobs,
			unsigned n);

#endif
