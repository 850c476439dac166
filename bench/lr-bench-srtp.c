// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-srtp: ns per packet of SRTP protect/unprotect.
 *
 * Columns, all measured in this process on the same packets:
 *   linerate_ns          lr_srtp session, the implementation linerate
 *                        picks by default (auto)
 *   linerate_openssl_ns  lr_srtp session over OpenSSL EVP
 *   libsrtp2_ns          lr_srtp session over the system libsrtp2
 *                        (srtp_protect / srtp_unprotect per packet)
 *   evp_limit_ns         the same cipher + auth work, no SRTP framing,
 *                        raw OpenSSL EVP with contexts reused
 *   mb_limit_ns          the same work through intel-ipsec-mb's job API
 *                        with the same number of packets in flight
 *
 * Method: a pool of POOL packets with consecutive sequence numbers; a
 * timed pass runs the whole pool in bursts of B. Between passes, untimed:
 * the pool is restored from a pristine copy and sessions are made anew,
 * so every pass does the same work and nothing is a replay. Every pass
 * checks that every packet succeeded. The median pass is reported.
 * One JSON object per line on stdout, then a table and the targets of
 * issue 3 with PASS/MISS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#ifdef LR_HAVE_IPSECMB
#include <intel-ipsec-mb.h>
#endif

#include "linerate/lr_crypto_user.h"
#include "linerate/lr_srtp.h"

#define POOL	256
#define SLOT	1536
#define HDR	12
#define MAXPASS 4000

enum col {
	C_LR,
	C_LR_OSSL,
	C_LIBSRTP,
	C_EVP,
	C_MB,
	NCOL
};
static const char *const col_key[NCOL] = {"linerate_ns", "linerate_openssl_ns",
					  "libsrtp2_ns", "evp_limit_ns",
					  "mb_limit_ns"};

static const uint16_t all_suites[] = {
	LR_SRTP_AEAD_AES_128_GCM,  LR_SRTP_AEAD_AES_256_GCM,
	LR_SRTP_AES128_CM_SHA1_80, LR_SRTP_AES128_CM_SHA1_32,
	LR_SRTP_NULL_SHA1_80,
};
static const unsigned all_sizes[] = {60, 200, 1200};
static const unsigned all_bursts[] = {1, 32};

struct opts {
	double secs;
	int json_only, strict;
	int cpu;
	const char *suite, *op;
	unsigned size, burst;
};

struct cell {
	unsigned suite, size, burst;
	int unprotect;
	double ns[NCOL]; /* < 0: not measured */
};

static struct cell cells[128];
static unsigned ncells;

/* The pool: pristine inputs and the working copy. */
static uint8_t pristine[POOL][SLOT], work[POOL][SLOT];
static uint32_t pristine_len[POOL], work_len[POOL];
static struct lr_pkt pk[POOL];
static struct lr_pkt *pp[POOL];
static struct lr_srtp_policy policy;
static struct lr_srtp_worker *w_auto, *w_ossl;
static enum lr_srtp_impl auto_impl;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void die(const char *what)
{
	fprintf(stderr, "lr-bench-srtp: %s\n", what);
	exit(1);
}

static void restore(void)
{
	for (unsigned i = 0; i < POOL; i++) {
		memcpy(work[i], pristine[i], pristine_len[i]);
		work_len[i] = pristine_len[i];
		pk[i] = (struct lr_pkt){
			.data = work[i], .len = work_len[i], .room = SLOT};
		pp[i] = &pk[i];
	}
}

static void make_plain(unsigned size)
{
	for (unsigned i = 0; i < POOL; i++) {
		uint8_t *d = pristine[i];
		uint16_t seq = (uint16_t)(1000 + i);

		d[0] = 0x80;
		d[1] = 0x60;
		d[2] = (uint8_t)(seq >> 8);
		d[3] = (uint8_t)seq;
		memset(d + 4, 0x11, 4);
		memcpy(d + 8, "\x12\x34\x56\x78", 4);
		for (unsigned k = 0; k < size; k++)
			d[HDR + k] = (uint8_t)(k * 7 + i);
		pristine_len[i] = HDR + size;
	}
}

static struct lr_srtp_session *session(enum lr_srtp_impl impl,
				       struct lr_srtp_worker *w, int inbound)
{
	struct lr_srtp_config cfg = {
		.impl = impl,
		.dir = inbound ? LR_SRTP_INBOUND : LR_SRTP_OUTBOUND,
		.policy = policy,
		.any_ssrc = 1,
		.worker = w,
	};
	struct lr_srtp_session *s;

	if (lr_srtp_session_new(&s, &cfg))
		die("cannot make a session");
	return s;
}

/* Protect the plaintext pool with linerate to make the unprotect pool. */
static void make_protected(void)
{
	struct lr_srtp_session *s = session(LR_SRTP_IMPL_OPENSSL, w_ossl, 0);

	restore();
	if (lr_srtp_session_protect(s, pp, POOL) != POOL)
		die("protect of the pool failed");
	for (unsigned i = 0; i < POOL; i++) {
		pristine_len[i] = pk[i].len;
		memcpy(pristine[i], pk[i].data, pk[i].len);
	}
	lr_srtp_session_free(s);
}

/* Repeat timed passes; fn runs one pass and returns packets that
 * succeeded; prep readies the next pass (untimed). */
struct runner {
	void (*prep)(void *arg);
	unsigned (*pass)(void *arg, unsigned burst);
	void (*done)(void *arg);
	void *arg;
};

static double measure(const struct runner *r, unsigned burst, double secs)
{
	static double per[MAXPASS];
	double spent = 0;
	unsigned n = 0;

	for (unsigned warm = 0; warm < 2; warm++) {
		r->prep(r->arg);
		if (r->pass(r->arg, burst) != POOL)
			die("a warm-up pass lost packets");
		if (r->done)
			r->done(r->arg);
	}
	while (n < MAXPASS && (n < 7 || spent < secs * 1e9)) {
		double t0, t1;
		unsigned ok;

		r->prep(r->arg);
		t0 = now_ns();
		ok = r->pass(r->arg, burst);
		t1 = now_ns();
		if (r->done)
			r->done(r->arg);
		if (ok != POOL)
			die("a timed pass lost packets");
		per[n++] = (t1 - t0) / POOL;
		spent += t1 - t0;
	}
	qsort(per, n, sizeof(per[0]), cmp_double);
	return per[n / 2];
}

/* --- sessions (linerate auto / openssl, libsrtp2) ------------------- */
struct sess_arg {
	enum lr_srtp_impl impl;
	struct lr_srtp_worker *w;
	int unprotect;
	struct lr_srtp_session *s;
};

static void sess_prep(void *a)
{
	struct sess_arg *x = a;

	restore();
	x->s = session(x->impl, x->w, x->unprotect);
}

static unsigned sess_pass(void *a, unsigned burst)
{
	struct sess_arg *x = a;
	unsigned ok = 0;

	for (unsigned i = 0; i < POOL; i += burst) {
		unsigned c = POOL - i < burst ? POOL - i : burst;

		ok += x->unprotect ? lr_srtp_session_unprotect(x->s, pp + i, c)
				   : lr_srtp_session_protect(x->s, pp + i, c);
	}
	return ok;
}

static void sess_done(void *a)
{
	struct sess_arg *x = a;

	lr_srtp_session_free(x->s);
}

/* --- the crypto limit through raw EVP --------------------------------- */
struct evp_arg {
	const struct lr_srtp_suite_info *si;
	int unprotect;
	EVP_CIPHER_CTX *c;
	EVP_MAC_CTX *mac;
};

static void evp_iv(uint8_t *iv, unsigned i)
{
	memset(iv, 0x5a, 16);
	iv[10] = (uint8_t)(i >> 8);
	iv[11] = (uint8_t)i;
	iv[14] = iv[15] = 0;
}

static int evp_one(struct evp_arg *x, uint8_t *d, uint32_t len, unsigned i,
		   int dec)
{
	const struct lr_srtp_suite_info *si = x->si;
	uint8_t iv[16], mac[20];
	size_t ml;
	int outl, ok = 1;

	evp_iv(iv, i);
	if (si->alg == LR_ALG_AES_GCM) {
		uint32_t plen = len - HDR - (dec ? 16 : 0);

		if (!EVP_CipherInit_ex(x->c, NULL, NULL, NULL, iv, !dec) ||
		    !EVP_CipherUpdate(x->c, NULL, &outl, d, HDR) ||
		    !EVP_CipherUpdate(x->c, d + HDR, &outl, d + HDR, (int)plen))
			return 0;
		if (!dec)
			return EVP_EncryptFinal_ex(x->c, mac, &outl) &&
			       EVP_CIPHER_CTX_ctrl(x->c, EVP_CTRL_GCM_GET_TAG,
						   16, d + HDR + plen);
		memcpy(mac, d + HDR + plen, 16);
		return EVP_CIPHER_CTX_ctrl(x->c, EVP_CTRL_GCM_SET_TAG, 16,
					   mac) &&
		       EVP_DecryptFinal_ex(x->c, mac, &outl) > 0;
	}
	if (!dec) {
		uint32_t plen = len - HDR;

		if (x->c && (!EVP_EncryptInit_ex(x->c, NULL, NULL, NULL, iv) ||
			     !EVP_EncryptUpdate(x->c, d + HDR, &outl, d + HDR,
						(int)plen)))
			return 0;
		memset(d + len, 0, 4); /* the ROC */
		ok = EVP_MAC_init(x->mac, NULL, 0, NULL) &&
		     EVP_MAC_update(x->mac, d, len + 4) &&
		     EVP_MAC_final(x->mac, mac, &ml, sizeof(mac));
		memcpy(d + len, mac, si->rtp_tag_len);
		return ok;
	}
	{
		uint32_t body = len - si->rtp_tag_len;
		uint8_t tag[10];

		memcpy(tag, d + body, si->rtp_tag_len);
		memset(d + body, 0, 4);
		ok = EVP_MAC_init(x->mac, NULL, 0, NULL) &&
		     EVP_MAC_update(x->mac, d, body + 4) &&
		     EVP_MAC_final(x->mac, mac, &ml, sizeof(mac)) &&
		     CRYPTO_memcmp(mac, tag, si->rtp_tag_len) == 0;
		if (x->c && (!EVP_DecryptInit_ex(x->c, NULL, NULL, NULL, iv) ||
			     !EVP_DecryptUpdate(x->c, d + HDR, &outl, d + HDR,
						(int)(body - HDR))))
			ok = 0;
		return ok;
	}
}

static void evp_prep(void *a)
{
	(void)a;
	restore();
}

static unsigned evp_pass(void *a, unsigned burst)
{
	struct evp_arg *x = a;
	unsigned ok = 0;

	(void)burst; /* EVP has no notion of packets in flight */
	for (unsigned i = 0; i < POOL; i++)
		ok += (unsigned)evp_one(x, pk[i].data, pk[i].len, i,
					x->unprotect);
	return ok;
}

/* --- the crypto limit through intel-ipsec-mb -------------------------- */
#ifdef LR_HAVE_IPSECMB
struct mb_arg {
	const struct lr_srtp_suite_info *si;
	int unprotect;
	IMB_MGR *mgr;
	struct gcm_key_data gcm __attribute__((aligned(64)));
	uint8_t enc[16 * 15] __attribute__((aligned(16)));
	uint8_t dec[16 * 15] __attribute__((aligned(16)));
	uint8_t ipad[20] __attribute__((aligned(16)));
	uint8_t opad[20] __attribute__((aligned(16)));
	uint8_t iv[POOL][16];
	uint8_t tag[POOL][16];
	uint8_t want[POOL][16];
	uint32_t body[POOL];
};

static unsigned mb_complete(struct mb_arg *x, IMB_JOB *job)
{
	uintptr_t i = (uintptr_t)job->user_data;
	unsigned tl = x->si->alg == LR_ALG_AES_GCM ? 16 : x->si->rtp_tag_len;

	if (job->status != IMB_STATUS_COMPLETED)
		return 0;
	if (x->unprotect)
		return CRYPTO_memcmp(x->tag[i], x->want[i], tl) == 0;
	memcpy(pk[i].data + x->body[i], x->tag[i], tl);
	return 1;
}

static void mb_fill(struct mb_arg *x, IMB_JOB *job, unsigned i)
{
	const struct lr_srtp_suite_info *si = x->si;
	int dec = x->unprotect;
	uint8_t *d = pk[i].data;
	unsigned tl = si->alg == LR_ALG_AES_GCM ? 16 : si->rtp_tag_len;
	uint32_t body = dec ? pk[i].len - tl : pk[i].len;

	x->body[i] = body;
	evp_iv(x->iv[i], i);
	if (dec)
		memcpy(x->want[i], d + body, tl);
	job->src = d;
	job->dst = d + HDR;
	job->cipher_start_src_offset_in_bytes = HDR;
	job->msg_len_to_cipher_in_bytes = body - HDR;
	job->cipher_direction = dec ? IMB_DIR_DECRYPT : IMB_DIR_ENCRYPT;
	job->chain_order = dec ? IMB_ORDER_HASH_CIPHER : IMB_ORDER_CIPHER_HASH;
	job->key_len_in_bytes = si->key_len;
	job->iv = x->iv[i];
	job->auth_tag_output = x->tag[i];
	job->user_data = (void *)(uintptr_t)i;
	if (si->alg == LR_ALG_AES_GCM) {
		job->cipher_mode = IMB_CIPHER_GCM;
		job->hash_alg = IMB_AUTH_AES_GMAC;
		job->enc_keys = &x->gcm;
		job->dec_keys = &x->gcm;
		job->iv_len_in_bytes = 12;
		job->u.GCM.aad = d;
		job->u.GCM.aad_len_in_bytes = HDR;
		job->hash_start_src_offset_in_bytes = HDR;
		job->msg_len_to_hash_in_bytes = body - HDR;
		job->auth_tag_output_len_in_bytes = 16;
		return;
	}
	memset(d + body, 0, 4); /* the ROC */
	job->cipher_mode = si->alg == LR_ALG_NULL_HMAC_SHA1 ? IMB_CIPHER_NULL
							    : IMB_CIPHER_CNTR;
	job->enc_keys = x->enc;
	job->dec_keys = x->enc;
	job->iv_len_in_bytes = 16;
	job->hash_alg = IMB_AUTH_HMAC_SHA_1;
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = body + 4;
	job->u.HMAC._hashed_auth_key_xor_ipad = x->ipad;
	job->u.HMAC._hashed_auth_key_xor_opad = x->opad;
	job->auth_tag_output_len_in_bytes = 12;
}

static unsigned mb_pass(void *a, unsigned burst)
{
	struct mb_arg *x = a;
	unsigned ok = 0;

	for (unsigned i = 0; i < POOL; i += burst) {
		IMB_JOB *job;

		for (unsigned k = i; k < i + burst && k < POOL; k++) {
			job = IMB_GET_NEXT_JOB(x->mgr);
			mb_fill(x, job, k);
			job = IMB_SUBMIT_JOB(x->mgr);
			while (job) {
				ok += mb_complete(x, job);
				job = IMB_GET_COMPLETED_JOB(x->mgr);
			}
		}
		while ((job = IMB_FLUSH_JOB(x->mgr)) != NULL)
			ok += mb_complete(x, job);
	}
	return ok;
}

static void mb_keys(struct mb_arg *x, const uint8_t *ck, const uint8_t *ak)
{
	uint8_t block[64];

	if (x->si->alg == LR_ALG_AES_GCM) {
		if (x->si->key_len == 16)
			IMB_AES128_GCM_PRE(x->mgr, ck, &x->gcm);
		else
			IMB_AES256_GCM_PRE(x->mgr, ck, &x->gcm);
		return;
	}
	IMB_AES_KEYEXP_128(x->mgr, ck, x->enc, x->dec);
	memset(block, 0x36, 64);
	for (unsigned i = 0; i < 20; i++)
		block[i] ^= ak[i];
	IMB_SHA1_ONE_BLOCK(x->mgr, block, x->ipad);
	memset(block, 0x5c, 64);
	for (unsigned i = 0; i < 20; i++)
		block[i] ^= ak[i];
	IMB_SHA1_ONE_BLOCK(x->mgr, block, x->opad);
}
#endif

/* The limits need inputs they can verify: make the unprotect pool with
 * the limit's own protect (untimed). */
static void limit_pool(const struct runner *prot, unsigned size,
		       unsigned tag_len)
{
	make_plain(size);
	restore();
	if (prot->pass(prot->arg, 32) != POOL)
		die("limit protect of the pool failed");
	/* the limits write the tag after len and leave len alone */
	for (unsigned i = 0; i < POOL; i++) {
		pristine_len[i] = pk[i].len + tag_len;
		memcpy(pristine[i], pk[i].data, pristine_len[i]);
	}
}

static void run_cell(struct cell *c, const struct opts *o)
{
	const struct lr_srtp_suite_info *si = lr_srtp_suite_get(c->suite);
	uint8_t ck[32], ak[20];
	struct sess_arg sa;
	struct runner r;

	for (unsigned k = 0; k < NCOL; k++)
		c->ns[k] = -1;
	memset(&policy, 0, sizeof(policy));
	policy.suite = (uint16_t)c->suite;
	policy.key_len = si->key_len;
	policy.salt_len = si->salt_len;
	memset(policy.key, 0x42, sizeof(policy.key));
	memset(policy.salt, 0x24, sizeof(policy.salt));
	memset(ck, 0x61, sizeof(ck));
	memset(ak, 0x62, sizeof(ak));

	/* sessions */
	make_plain(c->size);
	if (c->unprotect)
		make_protected();
	{
		static const enum lr_srtp_impl impls[3] = {
			LR_SRTP_IMPL_AUTO, LR_SRTP_IMPL_OPENSSL,
			LR_SRTP_IMPL_LIBSRTP2};
		struct lr_srtp_worker *ws[3] = {w_auto, w_ossl, NULL};

		for (unsigned k = 0; k < 3; k++) {
			sa = (struct sess_arg){impls[k] == LR_SRTP_IMPL_AUTO
						       ? auto_impl
						       : impls[k],
					       ws[k], c->unprotect, NULL};
			r = (struct runner){sess_prep, sess_pass, sess_done,
					    &sa};
			c->ns[k] = measure(&r, c->burst, o->secs);
		}
	}

	/* raw EVP */
	{
		struct evp_arg ea = {.si = si, .unprotect = 0};
		const EVP_CIPHER *ciph = NULL;
		EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
		OSSL_PARAM params[2] = {
			OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
							 (char *)"SHA1", 0),
			OSSL_PARAM_construct_end()};
		struct runner pr;

		if (si->alg == LR_ALG_AES_GCM)
			ciph = si->key_len == 32 ? EVP_aes_256_gcm()
						 : EVP_aes_128_gcm();
		else if (si->alg == LR_ALG_AES_CM_HMAC_SHA1)
			ciph = EVP_aes_128_ctr();
		if (ciph) {
			ea.c = EVP_CIPHER_CTX_new();
			EVP_CipherInit_ex(ea.c, ciph, NULL, ck, NULL, 1);
		}
		if (si->alg != LR_ALG_AES_GCM) {
			ea.mac = EVP_MAC_CTX_new(m);
			EVP_MAC_init(ea.mac, ak, 20, params);
		}
		pr = (struct runner){evp_prep, evp_pass, NULL, &ea};
		if (c->unprotect) {
			limit_pool(&pr, c->size, si->rtp_tag_len);
			ea.unprotect = 1;
			if (ea.c && si->alg == LR_ALG_AES_GCM) {
				/* a decrypting context for GCM */
				EVP_CIPHER_CTX_free(ea.c);
				ea.c = EVP_CIPHER_CTX_new();
				EVP_CipherInit_ex(ea.c, ciph, NULL, ck, NULL,
						  0);
			}
		} else {
			make_plain(c->size);
		}
		c->ns[C_EVP] = measure(&pr, c->burst, o->secs);
		EVP_CIPHER_CTX_free(ea.c);
		EVP_MAC_CTX_free(ea.mac);
		EVP_MAC_free(m);
	}

#ifdef LR_HAVE_IPSECMB
	{
		static struct mb_arg ma;
		IMB_ARCH arch;
		struct runner mr;

		memset(&ma, 0, sizeof(ma));
		ma.si = si;
		ma.mgr = alloc_mb_mgr(0);
		if (ma.mgr) {
			init_mb_mgr_auto(ma.mgr, &arch);
			mb_keys(&ma, ck, ak);
			mr = (struct runner){evp_prep, mb_pass, NULL, &ma};
			if (c->unprotect) {
				limit_pool(&mr, c->size, si->rtp_tag_len);
				ma.unprotect = 1;
			} else {
				make_plain(c->size);
			}
			c->ns[C_MB] = measure(&mr, c->burst, o->secs);
			free_mb_mgr(ma.mgr);
		}
	}
#endif
}

static void print_json(const struct cell *c)
{
	printf("{\"suite\":\"%s\",\"op\":\"%s\",\"size\":%u,\"burst\":%u",
	       lr_srtp_suite_get(c->suite)->name,
	       c->unprotect ? "unprotect" : "protect", c->size, c->burst);
	for (unsigned k = 0; k < NCOL; k++) {
		if (c->ns[k] < 0)
			printf(",\"%s\":null", col_key[k]);
		else
			printf(",\"%s\":%.1f", col_key[k], c->ns[k]);
	}
	printf("}\n");
	fflush(stdout);
}

static double lim(const struct cell *c)
{
	double e = c->ns[C_EVP], m = c->ns[C_MB];

	return m < 0 ? e : (e < m ? e : m);
}

static void print_table(void)
{
	printf("\n%-24s %-9s %5s %5s %9s %9s %9s %9s %9s %8s %8s\n", "suite",
	       "op", "size", "burst", "linerate", "lr-ossl", "libsrtp2",
	       "evp-lim", "mb-lim", "srtp2/lr", "lr/lim");
	for (unsigned i = 0; i < ncells; i++) {
		const struct cell *c = &cells[i];

		printf("%-24s %-9s %5u %5u %9.1f %9.1f %9.1f %9.1f ",
		       lr_srtp_suite_get(c->suite)->name,
		       c->unprotect ? "unprotect" : "protect", c->size,
		       c->burst, c->ns[C_LR], c->ns[C_LR_OSSL],
		       c->ns[C_LIBSRTP], c->ns[C_EVP]);
		if (c->ns[C_MB] < 0)
			printf("%9s ", "-");
		else
			printf("%9.1f ", c->ns[C_MB]);
		printf("%8.2f %8.2f\n", c->ns[C_LIBSRTP] / c->ns[C_LR],
		       c->ns[C_LR] / lim(c));
	}
}

static const struct cell *find(unsigned suite, int unprotect, unsigned size,
			       unsigned burst)
{
	for (unsigned i = 0; i < ncells; i++)
		if (cells[i].suite == suite &&
		    cells[i].unprotect == unprotect && cells[i].size == size &&
		    cells[i].burst == burst)
			return &cells[i];
	return NULL;
}

static unsigned check(const char *what, double got, double bound, int ge)
{
	int ok = ge ? got >= bound : got <= bound;

	printf("  %-4s %-66s %.2f %s %.2f\n", ok ? "PASS" : "MISS", what, got,
	       ge ? ">=" : "<=", bound);
	return !ok;
}

static unsigned acceptance(void)
{
	unsigned miss = 0, checked = 0;
	char what[128];

	printf("\nTargets (issue 3), ratios from this run:\n");
	for (int u = 0; u < 2; u++) {
		const char *op = u ? "unprotect" : "protect";
		const struct cell *cm =
			find(LR_SRTP_AES128_CM_SHA1_80, u, 1200, 32);
		const struct cell *gcm =
			find(LR_SRTP_AEAD_AES_128_GCM, u, 1200, 32);
		const struct cell *cm2 =
			find(LR_SRTP_AES128_CM_SHA1_80, u, 200, 32);
		const struct cell *gcm2 =
			find(LR_SRTP_AEAD_AES_128_GCM, u, 200, 32);

		if (cm) {
			snprintf(what, sizeof(what),
				 "AES_CM_80 %s 1200/32 libsrtp2/linerate", op);
			miss += check(what, cm->ns[C_LIBSRTP] / cm->ns[C_LR], 8,
				      1);
			snprintf(what, sizeof(what),
				 "AES_CM_80 %s 1200/32 linerate/min(limits)",
				 op);
			miss += check(what, cm->ns[C_LR] / lim(cm), 1.15, 0);
			snprintf(
				what, sizeof(what),
				"AES_CM_80 %s 1200/32 linerate_openssl/evp_limit",
				op);
			miss += check(what, cm->ns[C_LR_OSSL] / cm->ns[C_EVP],
				      1.15, 0);
			checked++;
		}
		if (gcm) {
			snprintf(
				what, sizeof(what),
				"AEAD_AES_128_GCM %s 1200/32 libsrtp2/linerate",
				op);
			miss += check(what, gcm->ns[C_LIBSRTP] / gcm->ns[C_LR],
				      3, 1);
			snprintf(
				what, sizeof(what),
				"AEAD_AES_128_GCM %s 1200/32 linerate/min(limits)",
				op);
			miss += check(what, gcm->ns[C_LR] / lim(gcm), 1.15, 0);
			snprintf(
				what, sizeof(what),
				"AEAD_AES_128_GCM %s 1200/32 linerate_openssl/evp_limit",
				op);
			miss += check(what, gcm->ns[C_LR_OSSL] / gcm->ns[C_EVP],
				      1.15, 0);
			checked++;
		}
		if (cm2) {
			snprintf(what, sizeof(what),
				 "AES_CM_80 %s 200/32 libsrtp2/linerate", op);
			miss += check(what, cm2->ns[C_LIBSRTP] / cm2->ns[C_LR],
				      5, 1);
			checked++;
		}
		if (gcm2) {
			snprintf(what, sizeof(what),
				 "AEAD_AES_128_GCM %s 200/32 libsrtp2/linerate",
				 op);
			miss += check(what,
				      gcm2->ns[C_LIBSRTP] / gcm2->ns[C_LR], 5,
				      1);
			checked++;
		}
	}
	if (!checked)
		printf("  (the cells the targets need were not run)\n");
	else
		printf("%u target(s) missed\n", miss);
	return miss;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lr-bench-srtp [--quick] [--secs S] [--suite NAME] "
		"[--op protect|unprotect]\n"
		"                     [--size N] [--burst N] [--cpu N] "
		"[--json-only] [--strict]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = {.secs = 0.15, .cpu = -1};
	cpu_set_t set;
	unsigned miss;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--quick"))
			o.secs = 0.02;
		else if (!strcmp(a, "--json-only"))
			o.json_only = 1;
		else if (!strcmp(a, "--strict"))
			o.strict = 1;
		else if (v && !strcmp(a, "--secs") && ++i)
			o.secs = atof(v);
		else if (v && !strcmp(a, "--suite") && ++i)
			o.suite = v;
		else if (v && !strcmp(a, "--op") && ++i)
			o.op = v;
		else if (v && !strcmp(a, "--size") && ++i)
			o.size = (unsigned)atoi(v);
		else if (v && !strcmp(a, "--burst") && ++i)
			o.burst = (unsigned)atoi(v);
		else if (v && !strcmp(a, "--cpu") && ++i)
			o.cpu = atoi(v);
		else
			usage();
	}
	if (o.suite && !lr_srtp_suite_from_name(o.suite))
		die("unknown suite");
	if (o.cpu < 0)
		o.cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	CPU_ZERO(&set);
	CPU_SET(o.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "lr-bench-srtp: cannot pin to CPU %d\n", o.cpu);
	{
		int id = lr_srtp_impl_resolve(LR_SRTP_IMPL_AUTO);

		if (id < 0 || id == LR_SRTP_IMPL_LIBSRTP2)
			die("LR_SRTP must name a linerate implementation here");
		auto_impl = (enum lr_srtp_impl)id;
	}
	w_auto = lr_srtp_worker_new(auto_impl);
	w_ossl = lr_srtp_worker_new(LR_SRTP_IMPL_OPENSSL);
	if (!w_auto || !w_ossl)
		die("cannot make crypto workers");
	fprintf(stderr,
		"lr-bench-srtp: linerate default = %s, CPU %d, %.2f s per cell and column\n",
		lr_srtp_impl_name(auto_impl), o.cpu, o.secs);

	for (unsigned s = 0; s < sizeof(all_suites) / sizeof(all_suites[0]);
	     s++)
		for (int u = 0; u < 2; u++)
			for (unsigned z = 0; z < 3; z++)
				for (unsigned b = 0; b < 2; b++) {
					struct cell *c = &cells[ncells];

					if (o.suite &&
					    lr_srtp_suite_from_name(o.suite) !=
						    all_suites[s])
						continue;
					if (o.op && strcmp(o.op, u ? "unprotect"
								   : "protect"))
						continue;
					if (o.size && o.size != all_sizes[z])
						continue;
					if (o.burst &&
					    o.burst != all_bursts[b] &&
					    (b || o.burst == all_bursts[1]))
						continue;
					c->suite = all_suites[s];
					c->unprotect = u;
					c->size = all_sizes[z];
					c->burst = o.burst ? o.burst
							   : all_bursts[b];
					fprintf(stderr, "  %s %s %u/%u\n",
						lr_srtp_suite_get(c->suite)
							->name,
						u ? "unprotect" : "protect",
						c->size, c->burst);
					run_cell(c, &o);
					print_json(c);
					ncells++;
				}
	if (o.json_only)
		return 0;
	print_table();
	miss = acceptance();
	lr_srtp_worker_free(w_auto);
	lr_srtp_worker_free(w_ossl);
	return o.strict && miss ? 1 : 0;
}
