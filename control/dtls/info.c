/* SPDX-License-Identifier: BSD-2-Clause */
/* What an lr_dtls knows about itself (getStats() material). */
#include <errno.h>

#include "dtls_internal.h"

enum lr_dtls_state lr_dtls_state(const struct lr_dtls *d)
{
	return d->state;
}

enum lr_dtls_fail lr_dtls_failure(const struct lr_dtls *d)
{
	return d->fail;
}

const char *lr_dtls_fail_str(enum lr_dtls_fail f)
{
	switch (f) {
	case LR_DTLS_FAIL_NONE:
		return "none";
	case LR_DTLS_FAIL_HANDSHAKE:
		return "handshake";
	case LR_DTLS_FAIL_FINGERPRINT:
		return "fingerprint mismatch";
	case LR_DTLS_FAIL_NO_SRTP:
		return "no common SRTP profile";
	case LR_DTLS_FAIL_TIMEOUT:
		return "timeout";
	}
	return "?";
}

const struct lr_dtls_stats *lr_dtls_stats(const struct lr_dtls *d)
{
	/* The send queue's drops are counted where they happen. */
	((struct lr_dtls *)d)->st.tx_queue_drops = d->out.drops;
	return &d->st;
}

int lr_dtls_is_client(const struct lr_dtls *d)
{
	return d->client;
}

static int established(const struct lr_dtls *d)
{
	return d->state == LR_DTLS_CONNECTED || d->state == LR_DTLS_CLOSED;
}

int lr_dtls_version(const struct lr_dtls *d)
{
	return established(d) ? SSL_version(d->ssl) : 0;
}

int lr_dtls_extms(const struct lr_dtls *d)
{
	return established(d) ? SSL_get_extms_support(d->ssl) == 1 : 0;
}

const char *lr_dtls_cipher(const struct lr_dtls *d)
{
	const SSL_CIPHER *c =
		established(d) ? SSL_get_current_cipher(d->ssl) : NULL;

	return c ? SSL_CIPHER_standard_name(c) : NULL;
}

int lr_dtls_peer_fingerprint(const struct lr_dtls *d, const char *hash,
			     char *out, size_t cap)
{
	X509 *x = SSL_get0_peer_certificate(d->ssl);

	if (!x)
		return -EAGAIN;
	return lr__peer_fingerprint(x, hash, out, cap);
}
