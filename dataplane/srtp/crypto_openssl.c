// SPDX-License-Identifier: BSD-2-Clause
/*
 * struct lr_crypto_ops over OpenSSL 3 EVP: the portable implementation.
 *
 * Contexts are made once per key; per packet only the IV is set again
 * (EVP_CipherInit_ex with NULL cipher and key) and the HMAC is restarted
 * on its keyed context with EVP_MAC_init(ctx, NULL, 0, NULL), the
 * cheapest correct reuse measured here (../../docs/BENCHMARKS.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "linerate/lr_crypto_user.h"

struct ossl_impl {
	EVP_MAC *hmac;
};

struct ossl_key {
	EVP_CIPHER_CTX *enc; /* CTR (both directions) or GCM encrypt */
	EVP_CIPHER_CTX *dec; /* GCM decrypt */
	EVP_MAC_CTX *mac;    /* HMAC-SHA1 */
};

void *lr_crypto_openssl_new(void)
{
	struct ossl_impl *im = calloc(1, sizeof(*im));

	if (!im)
		return NULL;
	im->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!im->hmac) {
		free(im);
		return NULL;
	}
	return im;
}

void lr_crypto_openssl_free(void *impl)
{
	struct ossl_impl *im = impl;

	if (!im)
		return;
	EVP_MAC_free(im->hmac);
	free(im);
}

static void key_release(struct ossl_key *k)
{
	EVP_CIPHER_CTX_free(k->enc);
	EVP_CIPHER_CTX_free(k->dec);
	EVP_MAC_CTX_free(k->mac);
	free(k);
}

static const EVP_CIPHER *ctr_cipher(unsigned len)
{
	return len == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
}

static const EVP_CIPHER *gcm_cipher(unsigned len)
{
	return len == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
}

static int ossl_key_init(void *impl, struct lr_crypto_key *key, unsigned alg,
			 const uint8_t *ckey, unsigned ckey_len,
			 const uint8_t *akey, unsigned akey_len)
{
	struct ossl_impl *im = impl;
	struct ossl_key *k;
	OSSL_PARAM params[2];
	int ok = 1;

	if (!lr_crypto_key_args_ok(alg, ckey_len, akey_len))
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	switch (alg) {
	case LR_ALG_AES_CM_HMAC_SHA1:
		k->enc = EVP_CIPHER_CTX_new();
		ok = k->enc && EVP_EncryptInit_ex(k->enc, ctr_cipher(ckey_len),
						  NULL, ckey, NULL);
		/* fall through */
	case LR_ALG_NULL_HMAC_SHA1:
		params[0] = OSSL_PARAM_construct_utf8_string(
			OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0);
		params[1] = OSSL_PARAM_construct_end();
		k->mac = ok ? EVP_MAC_CTX_new(im->hmac) : NULL;
		ok = k->mac && EVP_MAC_init(k->mac, akey, akey_len, params);
		break;
	case LR_ALG_AES_GCM:
		k->enc = EVP_CIPHER_CTX_new();
		k->dec = EVP_CIPHER_CTX_new();
		ok = k->enc && k->dec &&
		     EVP_EncryptInit_ex(k->enc, gcm_cipher(ckey_len), NULL,
					ckey, NULL) &&
		     EVP_DecryptInit_ex(k->dec, gcm_cipher(ckey_len), NULL,
					ckey, NULL);
		break;
	default:
		free(k);
		return -ENOTSUP;
	}
	if (!ok) {
		key_release(k);
		return -ENOMEM;
	}
	key->priv = k;
	key->alg = (uint8_t)alg;
	key->key_len = (uint8_t)ckey_len;
	return 0;
}

static void ossl_key_free(void *impl, struct lr_crypto_key *key)
{
	(void)impl;
	if (key->priv)
		key_release(key->priv);
	key->priv = NULL;
}

static int ctr(EVP_CIPHER_CTX *c, const uint8_t *iv, uint8_t *p, uint32_t len)
{
	int outl;

	if (!len)
		return 1;
	return EVP_EncryptInit_ex(c, NULL, NULL, NULL, iv) &&
	       EVP_EncryptUpdate(c, p, &outl, p, (int)len);
}

static int hmac(EVP_MAC_CTX *m, const uint8_t *p, uint32_t len, uint8_t out[20])
{
	size_t outl;

	return EVP_MAC_init(m, NULL, 0, NULL) && EVP_MAC_update(m, p, len) &&
	       EVP_MAC_final(m, out, &outl, 20);
}

static void run_hmac_job(struct ossl_key *k, struct lr_crypto_job *j)
{
	uint8_t *cp = j->src + j->cipher_off;
	uint8_t mac[20];
	int ok = 1;

	if (!j->decrypt) {
		if (k->enc)
			ok = ctr(k->enc, j->iv, cp, j->cipher_len);
		ok = ok && hmac(k->mac, j->src, j->auth_len, mac);
		if (ok)
			memcpy(j->tag, mac, j->tag_len);
		j->status = !ok;
		return;
	}
	ok = hmac(k->mac, j->src, j->auth_len, mac) &&
	     CRYPTO_memcmp(mac, j->tag, j->tag_len) == 0;
	if (k->enc && !ctr(k->enc, j->iv, cp, j->cipher_len))
		ok = 0;
	j->status = !ok;
}

static void run_gcm_job(struct ossl_key *k, struct lr_crypto_job *j)
{
	uint8_t *cp = j->src + j->cipher_off;
	EVP_CIPHER_CTX *c = j->decrypt ? k->dec : k->enc;
	uint8_t tag[16];
	int outl, ok;

	ok = EVP_CipherInit_ex(c, NULL, NULL, NULL, j->iv, !j->decrypt) &&
	     (!j->auth_len ||
	      EVP_CipherUpdate(c, NULL, &outl, j->aad, (int)j->auth_len)) &&
	     (!j->cipher_len ||
	      EVP_CipherUpdate(c, cp, &outl, cp, (int)j->cipher_len));
	if (!j->decrypt) {
		ok = ok && EVP_EncryptFinal_ex(c, tag, &outl) &&
		     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag);
		if (ok)
			memcpy(j->tag, tag, j->tag_len);
	} else {
		memcpy(tag, j->tag, 16);
		ok = ok &&
		     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) &&
		     EVP_DecryptFinal_ex(c, tag, &outl) > 0;
	}
	j->status = !ok;
}

static void ossl_run(void *impl, struct lr_crypto_job *jobs, unsigned n)
{
	unsigned i;

	(void)impl;
	for (i = 0; i < n; i++) {
		struct lr_crypto_job *j = &jobs[i];
		struct ossl_key *k = j->key->priv;

		if (j->key->alg == LR_ALG_AES_GCM)
			run_gcm_job(k, j);
		else
			run_hmac_job(k, j);
	}
}

static int ossl_prf(void *impl, const uint8_t *key, unsigned key_len,
		    const uint8_t iv[16], uint8_t *out, unsigned len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int ok, outl;

	(void)impl;
	if (!c)
		return -ENOMEM;
	if (key_len != 16 && key_len != 32) {
		EVP_CIPHER_CTX_free(c);
		return -EINVAL;
	}
	memset(out, 0, len);
	ok = EVP_EncryptInit_ex(c, ctr_cipher(key_len), NULL, key, iv) &&
	     EVP_EncryptUpdate(c, out, &outl, out, (int)len);
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -EIO;
}

const struct lr_crypto_ops lr_crypto_openssl_ops = {
	.name = "openssl",
	.key_init = ossl_key_init,
	.key_free = ossl_key_free,
	.run = ossl_run,
	.prf = ossl_prf,
};
