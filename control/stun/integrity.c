// SPDX-License-Identifier: BSD-2-Clause
/* STUN FINGERPRINT (RFC 8489 §14.7), MESSAGE-INTEGRITY (§14.5),
 * MESSAGE-INTEGRITY-SHA256 (§14.6) and the long-term key (§9.2.2). */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "stun_internal.h"

uint32_t lr__stun_fingerprint(const uint8_t *buf, size_t len)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, (uInt)len);
}

int lr__stun_hmac(int sha256, const uint8_t *key, size_t key_len,
		  const uint8_t *hdr, uint16_t msg_len, const uint8_t *body,
		  size_t body_len, uint8_t *out)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[2] = {
		OSSL_PARAM_construct_utf8_string(
			OSSL_MAC_PARAM_DIGEST,
			sha256 ? (char *)"SHA256" : (char *)"SHA1", 0),
		OSSL_PARAM_construct_end()};
	uint8_t h[LR_STUN_HDR];
	size_t outl;
	int ok;

	memcpy(h, hdr, LR_STUN_HDR);
	lr_wr16(h + 2, msg_len);
	ok = ctx && EVP_MAC_init(ctx, key, key_len, params) &&
	     EVP_MAC_update(ctx, h, sizeof(h)) &&
	     EVP_MAC_update(ctx, body, body_len) &&
	     EVP_MAC_final(ctx, out, &outl, sha256 ? 32 : 20);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : -EIO;
}

static int check(const struct lr_stun_msg *m, int idx, int sha256,
		 const uint8_t *key, size_t key_len)
{
	const struct lr_stun_attr *a;
	uint8_t mac[32];
	size_t start;

	if (idx < 0)
		return -ENOENT;
	a = &m->attrs[idx];
	start = a->off - 4u; /* the attribute's own header */
	/* The length as if this attribute ended the message. */
	if (lr__stun_hmac(sha256, key, key_len, m->buf,
			  (uint16_t)(start + 4 + a->len - LR_STUN_HDR),
			  m->buf + LR_STUN_HDR, start - LR_STUN_HDR, mac))
		return 0;
	return CRYPTO_memcmp(mac, m->buf + a->off, a->len) == 0;
}

int lr_stun_check_integrity(const struct lr_stun_msg *m, const uint8_t *key,
			    size_t key_len)
{
	return check(m, m->mi, 0, key, key_len);
}

int lr_stun_check_integrity_sha256(const struct lr_stun_msg *m,
				   const uint8_t *key, size_t key_len)
{
	return check(m, m->mi256, 1, key, key_len);
}

int lr_stun_long_term_key(const char *user, size_t user_len, const char *realm,
			  size_t realm_len, const char *pass, size_t pass_len,
			  uint8_t key[16])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned outl;
	int ok;

	ok = c && EVP_DigestInit_ex(c, EVP_md5(), NULL) &&
	     EVP_DigestUpdate(c, user, user_len) &&
	     EVP_DigestUpdate(c, ":", 1) &&
	     EVP_DigestUpdate(c, realm, realm_len) &&
	     EVP_DigestUpdate(c, ":", 1) &&
	     EVP_DigestUpdate(c, pass, pass_len) &&
	     EVP_DigestFinal_ex(c, key, &outl);
	EVP_MD_CTX_free(c);
	return ok ? 0 : -EIO;
}
