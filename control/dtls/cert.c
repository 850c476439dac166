/* SPDX-License-Identifier: BSD-2-Clause */
/* lr_cert: RTCCertificate. Self-signed ECDSA P-256 or RSA-2048, and the
 * RFC 8122 fingerprints SDP carries. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "dtls_internal.h"

static EVP_PKEY *make_key(enum lr_cert_kind kind)
{
	switch (kind) {
	case LR_CERT_ECDSA_P256:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	case LR_CERT_RSA_2048:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	}
	return NULL;
}

static int self_sign(struct lr_cert *c, int64_t now, unsigned days,
		     uint64_t serial)
{
	X509_NAME *name;
	time_t t = (time_t)now;
	ASN1_INTEGER *sn;
	int ok;

	c->x509 = X509_new();
	if (!c->x509 || !X509_set_version(c->x509, 2))
		return -ENOMEM;
	sn = X509_get_serialNumber(c->x509);
	if (!ASN1_INTEGER_set_uint64(sn, serial))
		return -ENOMEM;
	/* Valid from a day back, as browsers do, for peers whose clock
	 * is behind ours. */
	if (!X509_time_adj_ex(X509_getm_notBefore(c->x509), -1, 0, &t) ||
	    !X509_time_adj_ex(X509_getm_notAfter(c->x509), (int)days, 0, &t))
		return -ENOMEM;
	name = X509_get_subject_name(c->x509);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)"linerate", -1,
					-1, 0) ||
	    !X509_set_issuer_name(c->x509, name) ||
	    !X509_set_pubkey(c->x509, c->key))
		return -ENOMEM;
	ok = X509_sign(c->x509, c->key, EVP_sha256());
	if (!ok)
		return -ENOMEM;
	c->expires = now + (int64_t)days * 86400;
	return 0;
}

int lr_cert_generate(enum lr_cert_kind kind, int64_t now_unix,
		     unsigned valid_days, uint64_t serial, struct lr_cert **out)
{
	struct lr_cert *c;
	int r;

	*out = NULL;
	if ((kind != LR_CERT_ECDSA_P256 && kind != LR_CERT_RSA_2048) ||
	    !serial || now_unix <= 0)
		return -EINVAL;
	if (!valid_days)
		valid_days = 30;
	if (valid_days > 3650)
		return -EINVAL;
	/* ASN.1 INTEGER serials are signed: keep it positive, <= 63 bits. */
	serial &= INT64_MAX;
	if (!serial)
		serial = 1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->kind = kind;
	c->key = make_key(kind);
	if (!c->key) {
		lr_cert_free(c);
		return -ENOMEM;
	}
	r = self_sign(c, now_unix, valid_days, serial);
	if (r) {
		lr_cert_free(c);
		return r;
	}
	*out = c;
	return 0;
}

void lr_cert_free(struct lr_cert *c)
{
	if (!c)
		return;
	X509_free(c->x509);
	EVP_PKEY_free(c->key);
	free(c);
}

enum lr_cert_kind lr_cert_kind(const struct lr_cert *c)
{
	return c->kind;
}

int64_t lr_cert_expires(const struct lr_cert *c)
{
	return c->expires;
}

static const EVP_MD *md_by_name(const char *hash)
{
	static const struct {
		const char *name;
		const EVP_MD *(*md)(void);
	} mds[] = {
		{"sha-1", EVP_sha1},	 {"sha-224", EVP_sha224},
		{"sha-256", EVP_sha256}, {"sha-384", EVP_sha384},
		{"sha-512", EVP_sha512},
	};

	for (size_t i = 0; i < sizeof(mds) / sizeof(mds[0]); i++)
		if (!strcasecmp(hash, mds[i].name))
			return mds[i].md();
	return NULL;
}

int lr__cert_digest(X509 *x, const char *hash, uint8_t *md, size_t cap)
{
	const EVP_MD *m = md_by_name(hash);
	unsigned n = 0;

	if (!m || cap < (size_t)EVP_MD_get_size(m))
		return -EINVAL;
	if (!X509_digest(x, m, md, &n))
		return -EINVAL;
	return (int)n;
}

int lr__fp_format(const uint8_t *md, size_t n, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t need = n ? n * 3 : 1;

	if (cap < need)
		return -ENOSPC;
	for (size_t i = 0; i < n; i++) {
		out[3 * i] = hex[md[i] >> 4];
		out[3 * i + 1] = hex[md[i] & 15];
		out[3 * i + 2] = i + 1 < n ? ':' : '\0';
	}
	if (!n)
		out[0] = '\0';
	return n ? (int)(n * 3 - 1) : 0;
}

static int fingerprint_of(X509 *x, const char *hash, char *out, size_t cap)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t hl;
	int n, r;

	if (strcasecmp(hash, "sha-256") && strcasecmp(hash, "sha-384") &&
	    strcasecmp(hash, "sha-512"))
		return -EINVAL;
	n = lr__cert_digest(x, hash, md, sizeof(md));
	if (n < 0)
		return n;
	hl = strlen(hash);
	if (cap < hl + 2)
		return -ENOSPC;
	for (size_t i = 0; i < hl; i++)
		out[i] = (char)(hash[i] | 0x20); /* lower case, as SDP */
	out[hl] = ' ';
	r = lr__fp_format(md, (size_t)n, out + hl + 1, cap - hl - 1);
	if (r < 0)
		return r;
	return (int)hl + 1 + r;
}

int lr_cert_fingerprint(const struct lr_cert *c, const char *hash, char *out,
			size_t cap)
{
	return fingerprint_of(c->x509, hash, out, cap);
}

int lr__peer_fingerprint(X509 *x, const char *hash, char *out, size_t cap)
{
	return fingerprint_of(x, hash, out, cap);
}

int lr_cert_der(const struct lr_cert *c, uint8_t *out, size_t cap)
{
	int n = i2d_X509(c->x509, NULL);
	uint8_t *p = out;

	if (n <= 0)
		return -EINVAL;
	if ((size_t)n > cap)
		return -ENOSPC;
	return i2d_X509(c->x509, &p);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* RFC 8122 §5: hash-func SP fingerprint, fingerprint = 2UHEX *(":" 2UHEX).
 * Lower-case hex is accepted too (some peers send it). */
int lr__fp_parse(const char *s, struct lr__fp *fp)
{
	const char *sp = strchr(s, ' ');
	const EVP_MD *m;
	size_t hl, i = 0;

	memset(fp, 0, sizeof(*fp));
	if (!sp)
		return -EINVAL;
	hl = (size_t)(sp - s);
	if (hl == 0 || hl >= sizeof(fp->hash))
		return -EINVAL;
	memcpy(fp->hash, s, hl);
	for (size_t k = 0; k < hl; k++)
		fp->hash[k] = (char)(fp->hash[k] | 0x20);
	m = md_by_name(fp->hash);
	if (!m)
		return -EINVAL;
	for (s = sp + 1;; s += 3) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (hi < 0 || lo < 0 || i >= sizeof(fp->md))
			return -EINVAL;
		fp->md[i++] = (uint8_t)(hi << 4 | lo);
		if (s[2] == '\0')
			break;
		if (s[2] != ':')
			return -EINVAL;
	}
	if (i != (size_t)EVP_MD_get_size(m))
		return -EINVAL;
	fp->len = (uint8_t)i;
	return 0;
}
