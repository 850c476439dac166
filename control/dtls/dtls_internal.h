/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals of control/dtls: the datagram queues OpenSSL reads from and
 * writes to, and the connection object. */
#ifndef LR_DTLS_INTERNAL_H
#define LR_DTLS_INTERNAL_H

#include <sys/time.h>

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "linerate/lr_dtls.h"
#include "lr_dgram_q.h"

/* A BIO_METHOD whose BIOs read from and write to a struct lr__dgram_q
 * (BIO_set_data). Freed with BIO_meth_free after every BIO using it. */
BIO_METHOD *lr__dtls_bio_method(void);
BIO *lr__dtls_bio_new(BIO_METHOD *m, struct lr__dgram_q *q, void *owner);
/* The read BIO passes OpenSSL's timer notes (BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT,
 * a struct timeval *) to its owner, an lr_dtls. */
long lr__dtls_bio_timer(void *owner, void *tv);

struct lr_cert {
	EVP_PKEY *key;
	X509 *x509;
	enum lr_cert_kind kind;
	int64_t expires;
};

/* Digest of a certificate's DER by RFC 8122 hash name ("sha-256"...):
 * its length, or -EINVAL for an unknown name. */
int lr__cert_digest(X509 *x, const char *hash, uint8_t *md, size_t cap);
/* lr_cert_fingerprint for any certificate. */
int lr__peer_fingerprint(X509 *x, const char *hash, char *out, size_t cap);
/* "AB:CD:..." from bytes. Length or -ENOSPC. */
int lr__fp_format(const uint8_t *md, size_t n, char *out, size_t cap);

/* The parsed remote fingerprint of the SDP. */
struct lr__fp {
	char hash[8]; /* "sha-256" */
	uint8_t md[64];
	uint8_t len;
};
int lr__fp_parse(const char *s, struct lr__fp *fp);

/* Profile helpers (keys.c). */
const char *lr__profile_name(uint16_t id);
int lr__profile_lengths(uint16_t id, unsigned *key, unsigned *salt);

struct lr_dtls {
	SSL_CTX *ctx;
	SSL *ssl;
	BIO_METHOD *meth;
	struct lr__dgram_q in, out, app;
	struct lr__fp remote_fp;
	enum lr_dtls_state state;
	enum lr_dtls_fail fail;
	int client;
	int started;
	int fp_checked;	 /* the verify callback saw a matching leaf */
	int fp_mismatch; /* ... or a mismatching one */
	uint16_t mtu;
	unsigned max_retransmits;
	unsigned flight_retransmits;
	uint64_t now;
	uint64_t deadline;	       /* UINT64_MAX: no timer */
	uint64_t backoff;	       /* current retransmission interval, us */
	struct timeval *ossl_deadline; /* OpenSSL's own, see dtls.c */
	struct lr_dtls_stats st;
	uint8_t scratch[16384 + 512];
};

#endif
