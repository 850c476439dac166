// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * SRTP key derivation, RFC 3711 §4.3 with key derivation rate 0:
 *   x  = (label << 48) XOR master_salt      (112 bits, label in byte 7)
 *   k  = AES-CM(master_key, IV = x * 2^16)  keystream, as long as needed
 * Labels (§4.3.2): SRTP 0 enc, 1 auth, 2 salt; SRTCP 3 enc, 4 auth, 5
 * salt. The AEAD suites (RFC 7714 §11) use the same PRF with the AES key
 * size of the suite and a 96-bit master salt, taken here as the first 12
 * of the 14 salt bytes (the rest zero).
 */
#include "srtp_internal.h"

enum {
	LABEL_ENC = 0,
	LABEL_AUTH = 1,
	LABEL_SALT = 2,
	LABEL_RTCP = 3
};

int lr__srtp_derive(struct lr_srtp_worker *w, const struct lr_srtp_policy *pol,
		    unsigned label, uint8_t *out, unsigned len)
{
	uint8_t iv[16];

	memset(iv, 0, sizeof(iv));
	memcpy(iv, pol->salt, pol->salt_len);
	iv[7] ^= (uint8_t)label;
	return w->ops->prf(w->impl, pol->key, pol->key_len, iv, out, len);
}

/* Derive and key one of RTP (base 0) or RTCP (base 3). */
static int derive_one(struct lr_srtp_worker *w,
		      const struct lr_srtp_suite_info *si,
		      const struct lr_srtp_policy *pol, unsigned base,
		      struct lr_crypto_key *key, uint8_t *salt)
{
	uint8_t ekey[LR_SRTP_MAX_KEY], akey[20];
	unsigned ckey_len = si->alg == LR_ALG_NULL_HMAC_SHA1 ? 0 : si->key_len;
	int rc = 0;

	memset(ekey, 0, sizeof(ekey));
	memset(akey, 0, sizeof(akey));
	if (ckey_len)
		rc = lr__srtp_derive(w, pol, base + LABEL_ENC, ekey, ckey_len);
	if (!rc && si->auth_key_len)
		rc = lr__srtp_derive(w, pol, base + LABEL_AUTH, akey,
				     si->auth_key_len);
	if (!rc)
		rc = lr__srtp_derive(w, pol, base + LABEL_SALT, salt,
				     si->salt_len);
	if (!rc)
		rc = w->ops->key_init(w->impl, key, si->alg, ekey, ckey_len,
				      akey, si->auth_key_len);
	lr__wipe(ekey, sizeof(ekey));
	lr__wipe(akey, sizeof(akey));
	return rc;
}

/* Keys given as session keys (RFC 7714 test vectors). */
static int session_keys(struct lr_srtp_worker *w,
			const struct lr_srtp_suite_info *si,
			const struct lr_srtp_policy *pol,
			struct lr_srtp_keyset *ks)
{
	int rc;

	if (si->alg != LR_ALG_AES_GCM)
		return -EINVAL;
	rc = w->ops->key_init(w->impl, &ks->rtp, si->alg, pol->key,
			      pol->key_len, NULL, 0);
	if (rc)
		return rc;
	rc = w->ops->key_init(w->impl, &ks->rtcp, si->alg, pol->key,
			      pol->key_len, NULL, 0);
	if (rc) {
		w->ops->key_free(w->impl, &ks->rtp);
		return rc;
	}
	memcpy(ks->rtp_salt, pol->salt, pol->salt_len);
	memcpy(ks->rtcp_salt, pol->salt, pol->salt_len);
	ks->live = 1;
	return 0;
}

int lr__srtp_kdf(struct lr_srtp_worker *w, const struct lr_srtp_suite_info *si,
		 const struct lr_srtp_policy *pol, struct lr_srtp_keyset *ks)
{
	int rc;

	memset(ks, 0, sizeof(*ks));
	if (pol->flags & LR_SRTP_POLICY_SESSION_KEYS)
		return session_keys(w, si, pol, ks);
	rc = derive_one(w, si, pol, 0, &ks->rtp, ks->rtp_salt);
	if (rc)
		return rc;
	rc = derive_one(w, si, pol, LABEL_RTCP, &ks->rtcp, ks->rtcp_salt);
	if (rc) {
		w->ops->key_free(w->impl, &ks->rtp);
		memset(ks, 0, sizeof(*ks));
		return rc;
	}
	ks->live = 1;
	return 0;
}

void lr__srtp_keyset_free(struct lr_srtp_worker *w, struct lr_srtp_keyset *ks)
{
	if (ks->live) {
		w->ops->key_free(w->impl, &ks->rtp);
		w->ops->key_free(w->impl, &ks->rtcp);
	}
	memset(ks, 0, sizeof(*ks));
}
