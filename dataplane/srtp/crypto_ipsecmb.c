// SPDX-License-Identifier: BSD-2-Clause
/*
 * struct lr_crypto_ops over intel-ipsec-mb's job API: the whole burst is
 * submitted before anything is flushed, so the multi-buffer SHA-1 and AES
 * lanes work on many packets at once.
 *
 * intel-ipsec-mb 1.3 facts this relies on (../../shared notes, checked
 * here by tests/unit/test_crypto.c):
 *  - IMB_SUBMIT_BURST misbehaves with HMAC-SHA1 jobs: use the
 *    GET_NEXT/SUBMIT/GET_COMPLETED/FLUSH loop;
 *  - a 10-byte HMAC-SHA1 tag is refused: ask for 12, use the first 10;
 *  - no ipad/opad helper: hash one block of key ^ 0x36 / 0x5c;
 *  - job slots are reused: every field is set for every job;
 *  - the hash reads src and the cipher writes dst: in place, so the HMAC
 *    of an encrypt covers the ciphertext.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include "linerate/lr_crypto_user.h"

/* Below this many HMAC jobs in a burst, the multi-buffer SHA-1 mostly
 * flushes empty lanes: a lone 1200-byte AES-CM-HMAC packet costs ~3 us
 * through the job API and ~1 us through OpenSSL (lr-bench-srtp, burst 1),
 * so bursts of fewer than 4 go to OpenSSL (the crossover measured
 * here is between 3 and 4 jobs). */
#define MB_MIN_HMAC_JOBS 4

struct mb_impl {
	IMB_MGR *mgr;
	IMB_ARCH arch;
	void *ossl; /* OpenSSL instance for small HMAC bursts */
	struct gcm_context_data gctx __attribute__((aligned(64)));
	uint8_t tags[LR_BURST_MAX][16] __attribute__((aligned(16)));
};

/* What both kinds of key begin with. */
struct mb_key {
	uint8_t alg;
	uint8_t key_len;
};

/* AES-GCM: the round keys and GHASH key powers ipsec-mb precomputes. */
struct mb_gcm_key {
	struct mb_key h;
	struct gcm_key_data gcm __attribute__((aligned(64)));
};

/* AES-CM (or NULL) + HMAC-SHA1: the encryption round keys (counter mode
 * never runs AES backwards), the HMAC pads, and OpenSSL's twin of the
 * key for bursts too small for the multi-buffer SHA-1. */
struct mb_cm_key {
	struct mb_key h;
	uint8_t enc[16 * 15] __attribute__((aligned(16)));
	uint8_t ipad[20] __attribute__((aligned(16)));
	uint8_t opad[20] __attribute__((aligned(16)));
	struct lr_crypto_key ossl;
};

static const struct mb_gcm_key *gcm_of(const struct lr_crypto_key *key)
{
	return key->priv;
}

static const struct mb_cm_key *cm_of(const struct lr_crypto_key *key)
{
	return key->priv;
}

/* Key material gone from memory, in a way the compiler keeps. */
static void wipe(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

static size_t key_size(unsigned alg)
{
	return alg == LR_ALG_AES_GCM ? sizeof(struct mb_gcm_key)
				     : sizeof(struct mb_cm_key);
}

static void *alloc64(size_t size)
{
	void *p;

	return posix_memalign(&p, 64, size) ? NULL : p;
}

void *lr_crypto_ipsecmb_new(void)
{
	struct mb_impl *im = alloc64(sizeof(*im));

	if (!im)
		return NULL;
	memset(im, 0, sizeof(*im));
	im->mgr = alloc_mb_mgr(0);
	if (!im->mgr) {
		free(im);
		return NULL;
	}
	init_mb_mgr_auto(im->mgr, &im->arch);
	im->ossl = lr_crypto_openssl_new();
	if (imb_get_errno(im->mgr) != 0 || !im->ossl) {
		lr_crypto_openssl_free(im->ossl);
		free_mb_mgr(im->mgr);
		free(im);
		return NULL;
	}
	return im;
}

void lr_crypto_ipsecmb_free(void *impl)
{
	struct mb_impl *im = impl;

	if (!im)
		return;
	lr_crypto_openssl_free(im->ossl);
	free_mb_mgr(im->mgr);
	free(im);
}

const char *lr_crypto_ipsecmb_arch(const void *impl)
{
	const struct mb_impl *im = impl;

	switch (im->arch) {
	case IMB_ARCH_SSE:
		return "sse";
	case IMB_ARCH_AVX:
		return "avx";
	case IMB_ARCH_AVX2:
		return "avx2";
	case IMB_ARCH_AVX512:
		return "avx512";
	default:
		return "other";
	}
}

/* HMAC-SHA1 inner/outer states for a 20-byte key (RFC 2104). */
static void hmac_pads(IMB_MGR *mgr, const uint8_t *akey, unsigned len,
		      uint8_t ipad[20], uint8_t opad[20])
{
	uint8_t block[64];
	unsigned i;

	memset(block, 0x36, sizeof(block));
	for (i = 0; i < len; i++)
		block[i] ^= akey[i];
	IMB_SHA1_ONE_BLOCK(mgr, block, ipad);
	memset(block, 0x5c, sizeof(block));
	for (i = 0; i < len; i++)
		block[i] ^= akey[i];
	IMB_SHA1_ONE_BLOCK(mgr, block, opad);
	memset(block, 0, sizeof(block));
}

static int mb_key_init(void *impl, struct lr_crypto_key *key, unsigned alg,
		       const uint8_t *ckey, unsigned ckey_len,
		       const uint8_t *akey, unsigned akey_len)
{
	struct mb_impl *im = impl;
	struct mb_key *k;

	if (!lr_crypto_key_args_ok(alg, ckey_len, akey_len))
		return -EINVAL;
	k = alloc64(key_size(alg));
	if (!k)
		return -ENOMEM;
	memset(k, 0, key_size(alg));
	k->alg = (uint8_t)alg;
	k->key_len = (uint8_t)ckey_len;
	if (alg == LR_ALG_AES_GCM) {
		struct mb_gcm_key *g = (struct mb_gcm_key *)k;

		if (ckey_len == 16)
			IMB_AES128_GCM_PRE(im->mgr, ckey, &g->gcm);
		else
			IMB_AES256_GCM_PRE(im->mgr, ckey, &g->gcm);
	} else {
		struct mb_cm_key *c = (struct mb_cm_key *)k;
		uint8_t dec[16 * 15] __attribute__((aligned(16)));

		if (ckey_len == 16)
			IMB_AES_KEYEXP_128(im->mgr, ckey, c->enc, dec);
		else if (ckey_len == 32)
			IMB_AES_KEYEXP_256(im->mgr, ckey, c->enc, dec);
		wipe(dec, sizeof(dec));
		hmac_pads(im->mgr, akey, akey_len, c->ipad, c->opad);
		if (lr_crypto_openssl_ops.key_init(im->ossl, &c->ossl, alg,
						   ckey, ckey_len, akey,
						   akey_len)) {
			wipe(c, sizeof(*c));
			free(c);
			return -ENOMEM;
		}
	}
	key->priv = k;
	key->alg = (uint8_t)alg;
	key->key_len = (uint8_t)ckey_len;
	return 0;
}

static void mb_key_free(void *impl, struct lr_crypto_key *key)
{
	struct mb_impl *im = impl;
	struct mb_key *k = key->priv;

	if (k) {
		if (k->alg != LR_ALG_AES_GCM) {
			struct mb_cm_key *c = (struct mb_cm_key *)k;

			if (c->ossl.priv)
				lr_crypto_openssl_ops.key_free(im->ossl,
							       &c->ossl);
		}
		wipe(k, key_size(k->alg));
		free(k);
	}
	key->priv = NULL;
}

static void fill(IMB_JOB *job, const struct lr_crypto_job *j, uint8_t *tag,
		 uintptr_t idx)
{
	const struct mb_key *k = j->key->priv;
	const struct mb_cm_key *c = cm_of(j->key);
	int enc = !j->decrypt;

	job->src = j->src;
	job->dst = j->src + j->cipher_off;
	job->cipher_start_src_offset_in_bytes = j->cipher_off;
	job->msg_len_to_cipher_in_bytes = j->cipher_len;
	job->cipher_direction = enc ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	job->chain_order = enc ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	job->key_len_in_bytes = k->key_len;
	job->iv = j->iv;
	job->auth_tag_output = tag;
	job->user_data = (void *)idx;
	if (k->alg == LR_ALG_AES_GCM) {
		job->cipher_mode = IMB_CIPHER_GCM;
		job->hash_alg = IMB_AUTH_AES_GMAC;
		job->enc_keys = &gcm_of(j->key)->gcm;
		job->dec_keys = &gcm_of(j->key)->gcm;
		job->iv_len_in_bytes = 12;
		job->u.GCM.aad = j->aad;
		job->u.GCM.aad_len_in_bytes = j->auth_len;
		job->hash_start_src_offset_in_bytes = j->cipher_off;
		job->msg_len_to_hash_in_bytes = j->cipher_len;
		job->auth_tag_output_len_in_bytes = 16;
		return;
	}
	job->cipher_mode = j->cipher_len && k->alg == LR_ALG_AES_CM_HMAC_SHA1
				   ? IMB_CIPHER_CNTR
				   : IMB_CIPHER_NULL;
	job->enc_keys = c->enc;
	job->dec_keys = c->enc; /* CTR decrypts with the encryption keys */
	job->iv_len_in_bytes = 16;
	job->hash_alg = IMB_AUTH_HMAC_SHA_1;
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = j->auth_len;
	job->u.HMAC._hashed_auth_key_xor_ipad = c->ipad;
	job->u.HMAC._hashed_auth_key_xor_opad = c->opad;
	job->auth_tag_output_len_in_bytes = 12;
}

static void complete(struct mb_impl *im, IMB_JOB *job,
		     struct lr_crypto_job *jobs)
{
	uintptr_t idx = (uintptr_t)job->user_data;
	struct lr_crypto_job *j = &jobs[idx];
	const uint8_t *tag = im->tags[idx];

	if (job->status != IMB_STATUS_COMPLETED) {
		j->status = 1;
		return;
	}
	if (j->decrypt) {
		j->status = !lr_ct_equal(tag, j->tag, j->tag_len);
	} else {
		memcpy(j->tag, tag, j->tag_len);
		j->status = 0;
	}
}

/* AES-GCM through the direct API: the job API runs GCM one buffer at a
 * time anyway and costs more per packet (CRYPTO-NOTES: 331 vs 364 ns at
 * 1200 bytes). */
static void run_gcm(struct mb_impl *im, struct lr_crypto_job *j, uint8_t *tag)
{
	const struct mb_gcm_key *k = gcm_of(j->key);
	uint8_t *p = j->src + j->cipher_off;

	if (!j->decrypt) {
		if (k->h.key_len == 16)
			IMB_AES128_GCM_ENC(im->mgr, &k->gcm, &im->gctx, p, p,
					   j->cipher_len, j->iv, j->aad,
					   j->auth_len, tag, 16);
		else
			IMB_AES256_GCM_ENC(im->mgr, &k->gcm, &im->gctx, p, p,
					   j->cipher_len, j->iv, j->aad,
					   j->auth_len, tag, 16);
		memcpy(j->tag, tag, j->tag_len);
		j->status = 0;
		return;
	}
	if (k->h.key_len == 16)
		IMB_AES128_GCM_DEC(im->mgr, &k->gcm, &im->gctx, p, p,
				   j->cipher_len, j->iv, j->aad, j->auth_len,
				   tag, 16);
	else
		IMB_AES256_GCM_DEC(im->mgr, &k->gcm, &im->gctx, p, p,
				   j->cipher_len, j->iv, j->aad, j->auth_len,
				   tag, 16);
	j->status = !lr_ct_equal(tag, j->tag, j->tag_len);
}

/* One HMAC job through OpenSSL, with the OpenSSL twin of its key. */
static void run_ossl(struct mb_impl *im, struct lr_crypto_job *j)
{
	struct lr_crypto_job c = *j;

	c.key = &cm_of(j->key)->ossl;
	lr_crypto_openssl_ops.run(im->ossl, &c, 1);
	j->status = c.status;
}

static void mb_run(void *impl, struct lr_crypto_job *jobs, unsigned n)
{
	struct mb_impl *im = impl;
	IMB_MGR *mgr = im->mgr;
	IMB_JOB *job;
	unsigned i, nhmac = 0;

	for (i = 0; i < n; i++)
		nhmac += jobs[i].key->alg != LR_ALG_AES_GCM;
	for (i = 0; i < n; i++) {
		if (jobs[i].key->alg == LR_ALG_AES_GCM) {
			run_gcm(im, &jobs[i], im->tags[i]);
			continue;
		}
		if (nhmac < MB_MIN_HMAC_JOBS) {
			run_ossl(im, &jobs[i]);
			continue;
		}
		job = IMB_GET_NEXT_JOB(mgr);
		fill(job, &jobs[i], im->tags[i], i);
		job = IMB_SUBMIT_JOB(mgr);
		while (job) {
			complete(im, job, jobs);
			job = IMB_GET_COMPLETED_JOB(mgr);
		}
	}
	while ((job = IMB_FLUSH_JOB(mgr)) != NULL)
		complete(im, job, jobs);
}

static int mb_prf(void *impl, const uint8_t *key, unsigned key_len,
		  const uint8_t iv[16], uint8_t *out, unsigned len)
{
	struct mb_impl *im = impl;
	uint8_t enc[16 * 15] __attribute__((aligned(16)));
	uint8_t dec[16 * 15] __attribute__((aligned(16)));
	IMB_JOB *job;
	int rc = 0;

	if (key_len == 16)
		IMB_AES_KEYEXP_128(im->mgr, key, enc, dec);
	else if (key_len == 32)
		IMB_AES_KEYEXP_256(im->mgr, key, enc, dec);
	else
		return -EINVAL;
	memset(out, 0, len);
	job = IMB_GET_NEXT_JOB(im->mgr);
	job->src = out;
	job->dst = out;
	job->cipher_start_src_offset_in_bytes = 0;
	job->msg_len_to_cipher_in_bytes = len;
	job->cipher_direction = IMB_DIR_ENCRYPT;
	job->chain_order = IMB_ORDER_CIPHER_HASH;
	job->cipher_mode = IMB_CIPHER_CNTR;
	job->hash_alg = IMB_AUTH_NULL;
	job->enc_keys = enc;
	job->dec_keys = enc;
	job->key_len_in_bytes = key_len;
	job->iv = iv;
	job->iv_len_in_bytes = 16;
	job->auth_tag_output = im->tags[0];
	job->auth_tag_output_len_in_bytes = 0;
	job->user_data = NULL;
	job = IMB_SUBMIT_JOB(im->mgr);
	if (!job)
		job = IMB_FLUSH_JOB(im->mgr);
	if (!job || job->status != IMB_STATUS_COMPLETED)
		rc = -EIO;
	while (IMB_FLUSH_JOB(im->mgr))
		;
	memset(enc, 0, sizeof(enc));
	memset(dec, 0, sizeof(dec));
	return rc;
}

/* The schedule a job reads: GCM's round keys and GHASH key powers, or
 * CM's encryption round keys and the HMAC pads. */
static void mb_key_prefetch(const struct lr_crypto_key *key)
{
	const struct mb_key *k = key->priv;
	const char *p = (const char *)&gcm_of(key)->gcm;
	size_t len = sizeof(gcm_of(key)->gcm);

	if (k->alg != LR_ALG_AES_GCM) {
		p = (const char *)cm_of(key)->enc;
		len = sizeof(cm_of(key)->enc) + 2 * 32; /* and the pads */
	}
	for (size_t o = 0; o < len; o += 64)
		__builtin_prefetch(p + o);
}

const struct lr_crypto_ops lr_crypto_ipsecmb_ops = {
	.name = "ipsec-mb",
	.key_init = mb_key_init,
	.key_free = mb_key_free,
	.run = mb_run,
	.prf = mb_prf,
	.key_prefetch = mb_key_prefetch,
};
