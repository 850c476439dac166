// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * SRTCP (RFC 3711 §3.4, RFC 7714 §9) over bursts.
 *
 *   HMAC suites: header(8) | payload (encrypted if E) | E+index | tag
 *   AEAD suites: header(8) | payload (encrypted if E) | tag(16) | E+index
 *
 * The index is explicit, so unlike SRTP there is no estimate: phase 1
 * checks replay against the state before the burst, phase 3 re-checks in
 * arrival order (catching duplicates inside the burst) and commits.
 * The first index sent is 0 (RFC 3711 §3.3.1). Packets arriving with E=0
 * are accepted when they authenticate, as libsrtp does.
 */
#include "srtp_internal.h"

static void rtcp_iv(const struct lr_srtp_suite_info *si, const uint8_t *salt,
		    const uint8_t *d, uint32_t index, uint8_t *iv)
{
	unsigned i;

	if (si->alg == LR_ALG_AES_GCM) {
		/* RFC 7714 §9.1: 00 00 | SSRC | 00 00 | 0+index, XOR salt */
		memcpy(iv, salt, 12);
		for (i = 0; i < 4; i++)
			iv[2 + i] ^= d[4 + i];
		for (i = 0; i < 4; i++)
			iv[8 + i] ^= (uint8_t)(index >> (24 - 8 * i));
		return;
	}
	memcpy(iv, salt, 14);
	iv[14] = 0;
	iv[15] = 0;
	for (i = 0; i < 4; i++)
		iv[4 + i] ^= d[4 + i];
	for (i = 0; i < 4; i++)
		iv[10 + i] ^= (uint8_t)(index >> (24 - 8 * i));
}

/* Protect: body_end = p->len; writes trailer, job fills in the tag. */
static void rtcp_protect_job(const struct lr_srtp_ctx *ctx,
			     struct lr_crypto_job *job, struct lr_pkt *p,
			     uint32_t index)
{
	const struct lr_srtp_suite_info *si = ctx->si;
	const struct lr_srtp_keyset *ks = &ctx->keys[ctx->cur];
	uint8_t *d = p->data;
	uint32_t len = p->len, tag_len = si->rtcp_tag_len;
	uint32_t trailer = index;
	int enc = si->alg != LR_ALG_NULL_HMAC_SHA1;

	if (enc)
		trailer |= LR_SRTCP_E_BIT;
	job->key = &ks->rtcp;
	job->src = d;
	job->decrypt = 0;
	job->status = 0;
	job->tag_len = (uint8_t)tag_len;
	job->cipher_off = LR_RTCP_HDR;
	job->cipher_len = enc ? len - LR_RTCP_HDR : 0;
	rtcp_iv(si, ks->rtcp_salt, d, index, job->iv);
	if (si->alg == LR_ALG_AES_GCM) {
		memcpy(job->aad_buf, d, LR_RTCP_HDR);
		lr_wr32(job->aad_buf + LR_RTCP_HDR, trailer);
		job->aad = job->aad_buf;
		job->auth_len = LR_RTCP_HDR + LR_SRTCP_TRAILER;
		job->tag = d + len;
		lr_wr32(d + len + tag_len, trailer);
	} else {
		job->aad = NULL;
		lr_wr32(d + len, trailer);
		job->auth_len = len + LR_SRTCP_TRAILER;
		job->tag = d + len + LR_SRTCP_TRAILER;
	}
}

/* Unprotect: returns the length the packet will have when accepted. */
static uint32_t rtcp_unprotect_job(const struct lr_srtp_ctx *ctx,
				   const struct lr_srtp_keyset *ks,
				   struct lr_crypto_job *job, struct lr_pkt *p)
{
	const struct lr_srtp_suite_info *si = ctx->si;
	uint8_t *d = p->data;
	uint32_t len = p->len, tag_len = si->rtcp_tag_len, trailer, body_end;
	int gcm = si->alg == LR_ALG_AES_GCM;

	body_end = len - tag_len - LR_SRTCP_TRAILER;
	trailer = lr_rd32(gcm ? d + len - LR_SRTCP_TRAILER : d + body_end);
	job->key = &ks->rtcp;
	job->src = d;
	job->decrypt = 1;
	job->status = 0;
	job->tag_len = (uint8_t)tag_len;
	job->cipher_off = LR_RTCP_HDR;
	job->cipher_len =
		(trailer & LR_SRTCP_E_BIT) && si->alg != LR_ALG_NULL_HMAC_SHA1
			? body_end - LR_RTCP_HDR
			: 0;
	rtcp_iv(si, ks->rtcp_salt, d, trailer & 0x7fffffff, job->iv);
	if (!gcm) {
		job->aad = NULL;
		job->auth_len = len - tag_len;
		job->tag = d + len - tag_len;
	} else if (trailer & LR_SRTCP_E_BIT) {
		memcpy(job->aad_buf, d, LR_RTCP_HDR);
		lr_wr32(job->aad_buf + LR_RTCP_HDR, trailer);
		job->aad = job->aad_buf;
		job->auth_len = LR_RTCP_HDR + LR_SRTCP_TRAILER;
		job->tag = d + body_end;
	} else {
		/* E=0: the AAD is the whole packet then the trailer; move the
		 * trailer over the tag to make it contiguous. */
		memcpy(job->tag_save, d + body_end, tag_len);
		lr_wr32(d + body_end, trailer);
		job->aad = d;
		job->auth_len = body_end + LR_SRTCP_TRAILER;
		job->tag = job->tag_save;
	}
	return body_end;
}

static unsigned rtcp_check(const struct lr_pkt *p, uint32_t min)
{
	if (p->len < min)
		return LR_DROP_TOO_SHORT;
	if ((p->data[0] >> 6) != 2)
		return LR_DROP_BAD_VERSION;
	return 0;
}

static void protect_chunk(struct lr_srtp_ctx *ctx, struct lr_pkt **pkts,
			  unsigned n)
{
	struct lr_srtp_worker *w = ctx->w;
	uint32_t grow = LR_SRTCP_TRAILER + ctx->si->rtcp_tag_len;
	const int owned = ctx->owned;
	unsigned i, nj = 0;

	for (i = 0; i < n; i++) {
		struct lr_pkt *p = pkts[i];
		struct lr_srtp_stream *st = NULL;
		unsigned r;

		if (p->drop)
			continue;
		r = rtcp_check(p, LR_RTCP_HDR);
		if (!r && p->room < p->len + grow)
			r = LR_DROP_NO_TAILROOM;
		if (!r)
			st = lr__srtp_stream_use(ctx, owned,
						 lr_rd32(p->data + 4),
						 LR_SRTP_OWN_RTCP, &r);
		if (st && st->rtcp_index > 0x7fffffff)
			r = LR_DROP_INDEX_EXHAUSTED;
		if (r) {
			lr__srtp_drop(ctx, p, r);
			continue;
		}
		rtcp_protect_job(ctx, &w->jobs[nj++], p, st->rtcp_index++);
	}
	if (!nj)
		return;
	w->ops->run(w->impl, w->jobs, nj);
	for (i = 0; i < n; i++) {
		if (pkts[i]->drop)
			continue;
		ctx->stats.ok++;
		ctx->stats.octets += pkts[i]->len;
		pkts[i]->len += grow;
	}
}

static uint32_t rtcp_index_of(const struct lr_srtp_ctx *ctx,
			      const struct lr_pkt *p)
{
	uint32_t off =
		ctx->si->alg == LR_ALG_AES_GCM
			? p->len - LR_SRTCP_TRAILER
			: p->len - ctx->si->rtcp_tag_len - LR_SRTCP_TRAILER;

	return lr_rd32(p->data + off) & 0x7fffffff;
}

static void unprotect_chunk(struct lr_srtp_ctx *ctx, struct lr_pkt **pkts,
			    unsigned n)
{
	struct lr_srtp_worker *w = ctx->w;
	uint32_t min = LR_RTCP_HDR + LR_SRTCP_TRAILER + ctx->si->rtcp_tag_len;
	uint64_t ok0 = ctx->stats.ok, old0 = ctx->stats.old_key;
	unsigned i, k, nj = 0, nr = 0;

	for (i = 0; i < n; i++) {
		struct lr_pkt *p = pkts[i];
		struct lr_srtp_meta *m = &w->meta[i];
		struct lr_srtp_stream *st = NULL;
		unsigned r;

		m->job = LR_SRTP_NOJOB;
		m->flags = 0;
		if (p->drop)
			continue;
		r = rtcp_check(p, min);
		if (!r)
			st = lr__srtp_stream_lookup(ctx, lr_rd32(p->data + 4),
						    &r);
		if (r) {
			lr__srtp_drop(ctx, p, r);
			continue;
		}
		m->stream = st;
		m->index = rtcp_index_of(ctx, p);
		if (lr__srtcp_replay_check(st, (uint32_t)m->index))
			continue; /* decided in commit, no crypto needed */
		m->job = (uint8_t)nj;
		m->hdr_len = (uint16_t)rtcp_unprotect_job(
			ctx, &ctx->keys[ctx->cur], &w->jobs[nj++], p);
	}
	if (nj)
		w->ops->run(w->impl, w->jobs, nj);
	/* Failures: restore, then try the previous keys if there are any. */
	for (i = 0; i < n; i++) {
		struct lr_srtp_meta *m = &w->meta[i];

		if (m->job != LR_SRTP_NOJOB && w->jobs[m->job].status) {
			lr__srtp_job_copy(&w->retry[nr], &w->jobs[m->job]);
			w->idx[nr++] = (uint8_t)i;
		}
	}
	lr__srtp_undo_jobs(w, w->retry, nr);
	if (nr && ctx->keys[ctx->cur ^ 1].live) {
		for (i = 0; i < nr; i++)
			rtcp_unprotect_job(ctx, &ctx->keys[ctx->cur ^ 1],
					   &w->retry[i], pkts[w->idx[i]]);
		w->ops->run(w->impl, w->retry, nr);
		for (i = 0, k = 0; i < nr; i++) {
			struct lr_srtp_meta *m = &w->meta[w->idx[i]];

			if (!w->retry[i].status) {
				lr__srtp_job_copy(&w->jobs[m->job],
						  &w->retry[i]);
				m->flags = 1;
			} else {
				lr__srtp_job_copy(&w->retry[k++], &w->retry[i]);
			}
		}
		lr__srtp_undo_jobs(w, w->retry, k);
	}
	/* Commit in arrival order. */
	for (i = 0; i < n; i++) {
		struct lr_pkt *p = pkts[i];
		struct lr_srtp_meta *m = &w->meta[i];
		struct lr_srtp_stream *st = m->stream;
		struct lr_crypto_job *job;
		unsigned r;

		if (p->drop)
			continue;
		job = m->job == LR_SRTP_NOJOB ? NULL : &w->jobs[m->job];
		r = lr__srtcp_replay_check(st, (uint32_t)m->index);
		if (r) {
			if (job && !job->status) {
				lr__srtp_job_copy(&w->retry[0], job);
				lr__srtp_undo_jobs(w, w->retry, 1);
			}
		} else if (!job || job->status) {
			/* !job cannot pass the check it failed in phase 1 */
			r = LR_DROP_AUTH;
		}
		if (r) {
			lr__srtp_drop(ctx, p, r);
			continue;
		}
		lr__srtcp_replay_add(st, (uint32_t)m->index);
		st->accepted = 1;
		p->len = m->hdr_len; /* body_end */
		ctx->stats.ok++;
		ctx->stats.octets += p->len;
		if (m->flags)
			ctx->stats.old_key++;
	}
	lr__srtp_streams_settle(ctx);
	lr__srtp_grace(ctx, ok0, old0);
}

unsigned lr_srtcp_protect(struct lr_srtp_ctx *ctx, struct lr_pkt *pkts[],
			  unsigned n)
{
	return lr__srtp_burst(ctx, protect_chunk, pkts, NULL, n);
}

unsigned lr_srtcp_unprotect(struct lr_srtp_ctx *ctx, struct lr_pkt *pkts[],
			    unsigned n)
{
	return lr__srtp_burst(ctx, unprotect_chunk, pkts, NULL, n);
}

unsigned lr_srtcp_protect_oop(struct lr_srtp_ctx *ctx, struct lr_pkt *in[],
			      struct lr_pkt *out[], unsigned n)
{
	return lr__srtp_burst(ctx, protect_chunk, in, out, n);
}

unsigned lr_srtcp_unprotect_oop(struct lr_srtp_ctx *ctx, struct lr_pkt *in[],
				struct lr_pkt *out[], unsigned n)
{
	return lr__srtp_burst(ctx, unprotect_chunk, in, out, n);
}
