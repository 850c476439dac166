/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * lr_crypto: the block-crypto function table under the SRTP core.
 *
 * The SRTP core never does block crypto itself. It fills an array of
 * jobs and hands the whole burst to ops->run(), so an implementation can
 * keep many packets in flight (intel-ipsec-mb multi-buffer lanes). The
 * implementations are userspace OpenSSL EVP and intel-ipsec-mb
 * (lr_crypto_user.h) and the kernel crypto API (kmod/).
 *
 * Job contract (all implementations, both directions):
 *  - HMAC-SHA1 algorithms: the bytes [src, src + auth_len) are hashed.
 *    Encrypt: the cipher runs first, in place, on
 *    [src + cipher_off, + cipher_len), then the hash (which therefore
 *    covers ciphertext). Decrypt: hash first, then cipher.
 *  - AES-GCM: AAD is [aad, aad + auth_len); the cipher region is as
 *    above, in place; the 12-byte IV is iv[0..11].
 *  - AES-CM: iv[0..15] is the full initial counter block.
 *  - Encrypt writes tag_len bytes of tag at tag. Decrypt compares
 *    tag_len bytes at tag in constant time and sets status to 1 on a
 *    mismatch, 0 on a match. The cipher is applied in both cases (a
 *    caller that wants the input back re-applies it in encrypt mode with
 *    the same IV; CTR-based ciphers are involutions).
 *  - tag may overlap the last bytes of the hashed region (SRTP puts the
 *    ROC there): finish hashing before writing the tag.
 *  - Implementations neither allocate nor sleep in run().
 */
#ifndef LINERATE_LR_CRYPTO_H
#define LINERATE_LR_CRYPTO_H

#include "lr_types.h"

enum lr_crypto_alg {
	LR_ALG_AES_CM_HMAC_SHA1 = 1, /* AES-CTR (128/256) + HMAC-SHA1 */
	LR_ALG_NULL_HMAC_SHA1 = 2,   /* no cipher, HMAC-SHA1 only */
	LR_ALG_AES_GCM = 3,	     /* AES-GCM (128/256), 16-byte tag */
};

/* A keyed context made by ops->key_init; priv is the implementation's. */
struct lr_crypto_key {
	void *priv;
	uint8_t alg;	 /* enum lr_crypto_alg */
	uint8_t key_len; /* cipher key bytes: 0, 16 or 32 */
};

struct lr_crypto_job {
	const struct lr_crypto_key *key;
	uint8_t *src;	     /* HMAC: first hashed byte; base of cipher_off */
	const uint8_t *aad;  /* GCM only */
	uint8_t *tag;	     /* tag written (encrypt) or expected (decrypt) */
	uint32_t auth_len;   /* HMAC: bytes hashed; GCM: AAD bytes */
	uint32_t cipher_off; /* cipher region offset from src */
	uint32_t cipher_len; /* cipher region length (0: no cipher) */
	uint8_t tag_len;     /* 4, 10 or 16 */
	uint8_t decrypt;     /* 0 encrypt + tag, 1 verify + decrypt */
	uint8_t status;	     /* out: 0 ok, 1 authentication failed */
	uint8_t pad_;
	uint8_t iv[16];
	/* Scratch for the caller (the SRTP core): not read by ops. */
	uint8_t tag_save[16];
	uint8_t aad_buf[16];
	uint8_t sink[16];
};

struct lr_crypto_ops {
	const char *name; /* "ipsec-mb", "openssl", "kernel" */
	/*
	 * Make a keyed context for alg. ckey: cipher key (16 or 32 bytes,
	 * none for NULL); akey: HMAC key (20 bytes, none for GCM).
	 * 0 or -errno (-EINVAL bad lengths, -ENOMEM, -ENOTSUP).
	 */
	int (*key_init)(void *impl, struct lr_crypto_key *k, unsigned alg,
			const uint8_t *ckey, unsigned ckey_len,
			const uint8_t *akey, unsigned akey_len);
	void (*key_free)(void *impl, struct lr_crypto_key *k);
	/* Run n jobs (n <= LR_BURST_MAX); sets each job's status. */
	void (*run)(void *impl, struct lr_crypto_job *jobs, unsigned n);
	/*
	 * AES counter-mode keystream for the SRTP key derivation function:
	 * out = AES-CTR(key, iv) applied to len zero bytes. 0 or -errno.
	 * Control path only.
	 */
	int (*prf)(void *impl, const uint8_t *key, unsigned key_len,
		   const uint8_t iv[16], uint8_t *out, unsigned len);
	/*
	 * Optional (NULL: none): a hint to pull k's key schedule towards
	 * this core before a run that uses it; changes nothing.
	 */
	void (*key_prefetch)(const struct lr_crypto_key *k);
};

/* The key lengths key_init accepts for alg: 1 if these fit. */
static inline int lr_crypto_key_args_ok(unsigned alg, unsigned ckey_len,
					unsigned akey_len)
{
	switch (alg) {
	case LR_ALG_AES_CM_HMAC_SHA1:
		return (ckey_len == 16 || ckey_len == 32) && akey_len == 20;
	case LR_ALG_NULL_HMAC_SHA1:
		return ckey_len == 0 && akey_len == 20;
	case LR_ALG_AES_GCM:
		return (ckey_len == 16 || ckey_len == 32) && akey_len == 0;
	}
	return 0;
}

/* Constant-time comparison: 1 if equal. */
static inline int lr_ct_equal(const uint8_t *a, const uint8_t *b, unsigned n)
{
	uint8_t d = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

#endif
