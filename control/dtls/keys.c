/* SPDX-License-Identifier: BSD-2-Clause */
/* DTLS-SRTP key export, RFC 5764 §4.2, into SRTP core policies. */
#include <errno.h>
#include <string.h>

#include <openssl/ssl.h>

#include "dtls_internal.h"

static const struct {
	uint16_t id;
	const char *name; /* OpenSSL's names, RFC 5764 §4.1.2 / RFC 7714 */
	unsigned key, salt;
} profiles[] = {
	{LR_DTLS_SRTP_AES128_CM_SHA1_80, "SRTP_AES128_CM_SHA1_80", 16, 14},
	{LR_DTLS_SRTP_AES128_CM_SHA1_32, "SRTP_AES128_CM_SHA1_32", 16, 14},
	{LR_DTLS_SRTP_AEAD_AES_128_GCM, "SRTP_AEAD_AES_128_GCM", 16, 12},
	{LR_DTLS_SRTP_AEAD_AES_256_GCM, "SRTP_AEAD_AES_256_GCM", 32, 12},
};

const char *lr__profile_name(uint16_t id)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (profiles[i].id == id)
			return profiles[i].name;
	return NULL;
}

int lr__profile_lengths(uint16_t id, unsigned *key, unsigned *salt)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (profiles[i].id == id) {
			*key = profiles[i].key;
			*salt = profiles[i].salt;
			return 0;
		}
	return -EINVAL;
}

int lr_dtls_profile(const struct lr_dtls *d)
{
	SRTP_PROTECTION_PROFILE *p;

	if (d->state != LR_DTLS_CONNECTED && d->state != LR_DTLS_CLOSED)
		return 0;
	p = SSL_get_selected_srtp_profile(d->ssl);
	return p ? (int)p->id : 0;
}

static void fill(struct lr_srtp_policy *pol, uint16_t id, const uint8_t *key,
		 unsigned kl, const uint8_t *salt, unsigned sl)
{
	memset(pol, 0, sizeof(*pol));
	pol->suite = id; /* the profile numbers are the suite numbers */
	pol->key_len = (uint8_t)kl;
	pol->salt_len = (uint8_t)sl;
	memcpy(pol->key, key, kl);
	memcpy(pol->salt, salt, sl);
}

/*
 * RFC 5764 §4.2: the exporter "EXTRACTOR-dtls_srtp" yields
 * client_write_SRTP_master_key | server_write_SRTP_master_key |
 * client_write_SRTP_master_salt | server_write_SRTP_master_salt.
 * (RFC 7714 §12 keeps this layout for the GCM profiles.)
 */
int lr_dtls_srtp_keys(const struct lr_dtls *d, struct lr_srtp_policy *tx,
		      struct lr_srtp_policy *rx)
{
	static const char label[] = "EXTRACTOR-dtls_srtp";
	uint8_t km[2 * (32 + 14)];
	unsigned kl, sl;
	int id = lr_dtls_profile(d);
	const uint8_t *ck, *sk, *cs, *ss;

	if (!id || d->state != LR_DTLS_CONNECTED)
		return -EAGAIN;
	if (lr__profile_lengths((uint16_t)id, &kl, &sl))
		return -EINVAL;
	if (SSL_export_keying_material(d->ssl, km, 2 * (kl + sl), label,
				       sizeof(label) - 1, NULL, 0, 0) != 1)
		return -EIO;
	ck = km;
	sk = km + kl;
	cs = km + 2 * kl;
	ss = km + 2 * kl + sl;
	if (d->client) {
		fill(tx, (uint16_t)id, ck, kl, cs, sl);
		fill(rx, (uint16_t)id, sk, kl, ss, sl);
	} else {
		fill(tx, (uint16_t)id, sk, kl, ss, sl);
		fill(rx, (uint16_t)id, ck, kl, cs, sl);
	}
	OPENSSL_cleanse(km, sizeof(km));
	return 0;
}
