// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * SRTP (RFC 3711 §3.1-3.3, RFC 7714 §8) over bursts.
 *
 * Protect: parse, index and sender-side repeat check (an index is never
 * encrypted twice: that would reuse keystream; none past 2^48 - 1, where
 * the ROC would wrap), one crypto run for the burst, append the tag. An
 * owned context (lr_srtp_ctx_own) protects only streams it holds.
 *
 * Unprotect works in three phases so that the crypto runs once over the
 * whole burst yet every decision equals one-packet-at-a-time processing:
 *  1. parse, find the stream and estimate each packet's index against a
 *     tentative state that assumes the earlier packets of the burst will
 *     be accepted; skip the crypto of packets already known replays;
 *  2. run the crypto; packets that fail are tried with the previous keys
 *     after a re-key, and failures are restored to their original bytes;
 *  3. in arrival order, re-estimate against the real state: if the index
 *     is the one the crypto used, check replay and commit; if not (an
 *     earlier packet of the burst failed), undo and redo that packet
 *     alone. Replay is checked before authentication, as in libsrtp.
 */
#include "srtp_internal.h"

#define M_SKIPPED 0x01 /* known replay: no crypto ran */
#define M_OLD_KEY 0x02 /* authenticated with the previous keys */

static unsigned rtp_parse(const uint8_t *d, uint32_t len, uint32_t *hdr_len)
{
	uint32_t h;

	if ((d[0] >> 6) != 2)
		return LR_DROP_BAD_VERSION;
	h = LR_RTP_HDR + 4u * (d[0] & 0x0f);
	if (d[0] & 0x10) {
		if (h + 4 > len)
			return LR_DROP_BAD_HEADER;
		h += 4 + 4u * lr_rd16(d + h + 2);
	}
	if (h > len)
		return LR_DROP_BAD_HEADER;
	*hdr_len = h;
	return 0;
}

void lr__srtp_rtp_iv(const struct lr_srtp_suite_info *si, const uint8_t *salt,
		     const uint8_t *d, uint64_t index, uint8_t *iv)
{
	uint64_t ssrc = lr_rd32(d + 8), hi, lo;

	/* index = ROC << 16 | SEQ, 48 bits */
	if (si->alg == LR_ALG_AES_GCM) {
		/* RFC 7714 §8.1: 00 00 | SSRC | ROC | SEQ (12 bytes) */
		hi = ssrc << 16 | (index >> 32);
		lo = (index & 0xffffffff) << 32;
	} else {
		/* RFC 3711 §4.1.1: SSRC * 2^64 ^ index * 2^16 */
		hi = ssrc;
		lo = index << 16;
	}
	/* XOR the (zero-padded) salt */
	lr_wr64(iv, hi ^ lr_rd64(salt));
	lr_wr64(iv + 8, lo ^ lr_rd64(salt + 8));
}

/* Fill job for p. body_end: end of the payload (before any tag). */
static void rtp_job(const struct lr_srtp_ctx *ctx,
		    const struct lr_srtp_keyset *ks, struct lr_crypto_job *job,
		    struct lr_pkt *p, uint32_t hdr_len, uint64_t index,
		    int decrypt)
{
	const struct lr_srtp_suite_info *si = ctx->si;
	uint8_t *d = p->data;
	uint32_t tag_len = si->rtp_tag_len;
	uint32_t body_end = decrypt ? p->len - tag_len : p->len;

	job->key = &ks->rtp;
	job->src = d;
	job->decrypt = (uint8_t)decrypt;
	job->status = 0;
	job->tag_len = (uint8_t)tag_len;
	job->cipher_off = hdr_len;
	lr__srtp_rtp_iv(si, ks->rtp_salt, d, index, job->iv);
	if (si->alg == LR_ALG_AES_GCM) {
		job->aad = d;
		job->auth_len = hdr_len;
		job->cipher_len = body_end - hdr_len;
		job->tag = d + body_end;
		return;
	}
	/* HMAC covers header | payload | ROC: the ROC goes where the tag
	 * is (or will be); a received tag is kept in tag_save. */
	job->aad = NULL;
	if (decrypt) {
		memcpy(job->tag_save, d + body_end, tag_len);
		job->tag = job->tag_save;
	} else {
		job->tag = d + body_end;
	}
	lr_wr32(d + body_end, (uint32_t)(index >> 16));
	job->auth_len = body_end + 4;
	job->cipher_len =
		si->alg == LR_ALG_NULL_HMAC_SHA1 ? 0 : body_end - hdr_len;
}

static int known_replay(const struct lr_srtp_stream *st, unsigned window,
			uint64_t est)
{
	uint64_t age;

	if (est > st->rtp_index)
		return 0;
	age = st->rtp_index - est;
	if (age >= window)
		return 1;
	return lr__srtp_replay_check(st, window, -(int32_t)age) != 0;
}

static void stream_tent(const struct lr_srtp_ctx *ctx,
			struct lr_srtp_stream *st)
{
	if (st->tent_burst != ctx->burst_no) {
		st->tent_burst = ctx->burst_no;
		st->tent_index = st->rtp_index;
	}
}

static void protect_chunk(struct lr_srtp_ctx *ctx, struct lr_pkt **pkts,
			  unsigned n)
{
	struct lr_srtp_worker *w = ctx->w;
	const struct lr_srtp_keyset *ks = &ctx->keys[ctx->cur];
	uint32_t tag_len = ctx->si->rtp_tag_len;
	const int owned = ctx->owned;
	unsigned i, nj = 0;

	for (i = 0; i < n; i++) {
		struct lr_pkt *p = pkts[i];
		struct lr_srtp_stream *st;
		uint32_t hdr_len;
		unsigned r = 0;
		uint64_t est;
		int32_t delta = 0;

		if (p->drop)
			continue;
		if (p->len < LR_RTP_HDR) {
			r = LR_DROP_TOO_SHORT;
		} else if (!(r = rtp_parse(p->data, p->len, &hdr_len))) {
			if (p->room < p->len + tag_len)
				r = LR_DROP_NO_TAILROOM;
		}
		st = r ? NULL
		       : lr__srtp_stream_use(ctx, owned, lr_rd32(p->data + 8),
					     LR_SRTP_OWN_RTP, &r);
		if (st) {
			delta = lr__srtp_estimate(st->rtp_index,
						  lr_rd16(p->data + 2), &est);
			r = lr__srtp_replay_check(st, ctx->window, delta);
		}
		if (r) {
			lr__srtp_drop(ctx, p, lr__srtp_spent(r, delta));
			continue;
		}
		lr__srtp_replay_add(st, ctx->window, delta);
		st->packets++;
		st->octets += p->len;
		rtp_job(ctx, ks, &w->jobs[nj++], p, hdr_len, est, 0);
	}
	if (!nj)
		return;
	w->ops->run(w->impl, w->jobs, nj);
	for (i = 0; i < n; i++) {
		if (pkts[i]->drop)
			continue;
		ctx->stats.ok++;
		ctx->stats.octets += pkts[i]->len;
		pkts[i]->len += tag_len;
	}
}

/* Retry failed jobs with the previous keys; restore what still fails. */
static void unprotect_retry(struct lr_srtp_ctx *ctx, struct lr_pkt **pkts,
			    unsigned n)
{
	struct lr_srtp_worker *w = ctx->w;
	const struct lr_srtp_keyset *prev = &ctx->keys[ctx->cur ^ 1];
	unsigned i, nr = 0, nf;

	for (i = 0; i < n; i++) {
		struct lr_srtp_meta *m = &w->meta[i];

		if (m->job != LR_SRTP_NOJOB && w->jobs[m->job].status) {
			lr__srtp_job_copy(&w->retry[nr], &w->jobs[m->job]);
			w->idx[nr++] = (uint8_t)i;
		}
	}
	if (!nr)
		return;
	lr__srtp_undo_jobs(w, w->retry, nr);
	if (!prev->live)
		return;
	for (i = 0; i < nr; i++) {
		struct lr_srtp_meta *m = &w->meta[w->idx[i]];

		rtp_job(ctx, prev, &w->retry[i], pkts[w->idx[i]], m->hdr_len,
			m->index, 1);
	}
	w->ops->run(w->impl, w->retry, nr);
	for (i = 0, nf = 0; i < nr; i++) {
		struct lr_srtp_meta *m = &w->meta[w->idx[i]];

		if (!w->retry[i].status) {
			/* jobs[] keeps what produced the packet's bytes */
			lr__srtp_job_copy(&w->jobs[m->job], &w->retry[i]);
			m->flags |= M_OLD_KEY;
		} else {
			lr__srtp_job_copy(&w->retry[nf++], &w->retry[i]);
		}
	}
	lr__srtp_undo_jobs(w, w->retry, nf);
}

/* One packet, alone, against the real stream state (phase 3 fallback).
 * The packet's bytes are as they came in. Returns 0 or a drop reason. */
static unsigned unprotect_one(struct lr_srtp_ctx *ctx, struct lr_pkt *p,
			      struct lr_srtp_meta *m, uint64_t est)
{
	struct lr_srtp_worker *w = ctx->w;
	struct lr_crypto_job *job = &w->retry[0];
	unsigned k;

	for (k = 0; k < 2; k++) {
		const struct lr_srtp_keyset *ks = &ctx->keys[ctx->cur ^ k];

		if (!ks->live)
			continue;
		rtp_job(ctx, ks, job, p, m->hdr_len, est, 1);
		w->ops->run(w->impl, job, 1);
		if (!job->status) {
			if (k)
				m->flags |= M_OLD_KEY;
			return 0;
		}
		lr__srtp_undo_jobs(w, job, 1);
	}
	return LR_DROP_AUTH;
}

static void unprotect_commit(struct lr_srtp_ctx *ctx, struct lr_pkt **pkts,
			     unsigned n)
{
	struct lr_srtp_worker *w = ctx->w;
	uint32_t tag_len = ctx->si->rtp_tag_len;
	unsigned i;

	for (i = 0; i < n; i++) {
		struct lr_pkt *p = pkts[i];
		struct lr_srtp_meta *m = &w->meta[i];
		struct lr_srtp_stream *st = m->stream;
		struct lr_crypto_job *job;
		unsigned r;
		uint64_t est;
		int32_t delta;

		if (p->drop)
			continue;
		job = m->job == LR_SRTP_NOJOB ? NULL : &w->jobs[m->job];
		delta = lr__srtp_estimate(st->rtp_index, lr_rd16(p->data + 2),
					  &est);
		r = lr__srtp_replay_check(st, ctx->window, delta);
		if (est != m->index || (!job && !r)) {
			/* Decided on a tentative state that did not happen. */
			if (job && !job->status) {
				lr__srtp_job_copy(&w->retry[0], job);
				lr__srtp_undo_jobs(w, w->retry, 1);
			}
			m->flags &= (uint8_t)~M_OLD_KEY;
			if (!r)
				r = unprotect_one(ctx, p, m, est);
		} else if (r) {
			if (job && !job->status) {
				lr__srtp_job_copy(&w->retry[0], job);
				lr__srtp_undo_jobs(w, w->retry, 1);
			}
		} else if (job->status) {
			r = LR_DROP_AUTH;
		}
		if (r) {
			lr__srtp_drop(ctx, p, lr__srtp_spent(r, delta));
			continue;
		}
		lr__srtp_replay_add(st, ctx->window, delta);
		st->accepted = 1;
		p->len -= tag_len;
		st->packets++;
		st->octets += p->len;
		ctx->stats.ok++;
		ctx->stats.octets += p->len;
		if (m->flags & M_OLD_KEY)
			ctx->stats.old_key++;
	}
}

static void unprotect_chunk(struct lr_srtp_ctx *ctx, struct lr_pkt **pkts,
			    unsigned n)
{
	struct lr_srtp_worker *w = ctx->w;
	const struct lr_srtp_keyset *ks = &ctx->keys[ctx->cur];
	uint32_t tag_len = ctx->si->rtp_tag_len;
	uint64_t ok0 = ctx->stats.ok, old0 = ctx->stats.old_key;
	unsigned i, nj = 0, nfail = 0;

	ctx->burst_no++;
	for (i = 0; i < n; i++) {
		struct lr_pkt *p = pkts[i];
		struct lr_srtp_meta *m = &w->meta[i];
		struct lr_srtp_stream *st;
		uint32_t hdr_len;
		unsigned r = 0;
		uint64_t est;
		int32_t delta;

		m->job = LR_SRTP_NOJOB;
		m->flags = 0;
		if (p->drop)
			continue;
		if (p->len < LR_RTP_HDR + tag_len)
			r = LR_DROP_TOO_SHORT;
		else
			r = rtp_parse(p->data, p->len - tag_len, &hdr_len);
		st = r ? NULL
		       : lr__srtp_stream_lookup(ctx, lr_rd32(p->data + 8), &r);
		if (r) {
			lr__srtp_drop(ctx, p, r);
			continue;
		}
		stream_tent(ctx, st);
		delta = lr__srtp_estimate(st->tent_index, lr_rd16(p->data + 2),
					  &est);
		m->stream = st;
		m->index = est;
		m->hdr_len = (uint16_t)hdr_len;
		/* Replays of the state before the burst stay replays. */
		if (known_replay(st, ctx->window, est)) {
			m->flags = M_SKIPPED;
			continue;
		}
		if (delta > 0)
			st->tent_index = est;
		m->job = (uint8_t)nj;
		rtp_job(ctx, ks, &w->jobs[nj++], p, hdr_len, est, 1);
	}
	if (nj) {
		w->ops->run(w->impl, w->jobs, nj);
		for (i = 0; i < nj; i++)
			nfail += w->jobs[i].status;
		if (nfail)
			unprotect_retry(ctx, pkts, n);
	}
	unprotect_commit(ctx, pkts, n);
	lr__srtp_streams_settle(ctx);
	lr__srtp_grace(ctx, ok0, old0);
}

unsigned lr_srtp_protect(struct lr_srtp_ctx *ctx, struct lr_pkt *pkts[],
			 unsigned n)
{
	return lr__srtp_burst(ctx, protect_chunk, pkts, NULL, n);
}

unsigned lr_srtp_unprotect(struct lr_srtp_ctx *ctx, struct lr_pkt *pkts[],
			   unsigned n)
{
	return lr__srtp_burst(ctx, unprotect_chunk, pkts, NULL, n);
}

unsigned lr_srtp_protect_oop(struct lr_srtp_ctx *ctx, struct lr_pkt *in[],
			     struct lr_pkt *out[], unsigned n)
{
	return lr__srtp_burst(ctx, protect_chunk, in, out, n);
}

unsigned lr_srtp_unprotect_oop(struct lr_srtp_ctx *ctx, struct lr_pkt *in[],
			       struct lr_pkt *out[], unsigned n)
{
	return lr__srtp_burst(ctx, unprotect_chunk, in, out, n);
}
