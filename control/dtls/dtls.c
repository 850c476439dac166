/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_dtls: one DTLS 1.2 association (RFC 6347) for DTLS-SRTP (RFC 5764)
 * and SCTP, sans-IO. OpenSSL reads and writes our datagram queues only.
 *
 * Retransmission on the caller's clock. OpenSSL 3.0 keeps its flight
 * timer on the wall clock, and DTLSv1_handle_timeout() acts only when
 * that has expired. So its own timer is set far away (the timer callback
 * answers "one hour"), ours runs on `now` (1 s, doubling, max 60 s,
 * RFC 6347 §4.2.4.1), and when ours fires we move OpenSSL's deadline into
 * the past and let it retransmit the flight itself, with fresh record
 * sequence numbers as the RFC requires. OpenSSL tells the read BIO where
 * that deadline lives (BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT passes a pointer
 * to it in 1.1.1 and 3.0); the same call tells us when the timer starts
 * and stops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "dtls_internal.h"
#include "linerate/lr_bytes.h"

#if OPENSSL_VERSION_NUMBER >= 0x30200000L
#error "lr_dtls drives the DTLS timer through OpenSSL 1.1.1/3.0 behaviour"
#endif

#define OSSL_FAR_US    (3600u * 1000000u)
#define BACKOFF_MIN_US 1000000ull
#define BACKOFF_MAX_US 60000000ull
#define QUEUE_MAX      (8u << 20)
#define RECORD_HDR     13

static const uint16_t browser_order[] = {
	LR_DTLS_SRTP_AEAD_AES_128_GCM,
	LR_DTLS_SRTP_AEAD_AES_256_GCM,
	LR_DTLS_SRTP_AES128_CM_SHA1_80,
	LR_DTLS_SRTP_AES128_CM_SHA1_32,
};

/* ECDHE only, AEAD first, as browsers offer. */
static const char cipher_list[] =
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
	"ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:"
	"ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA";

static struct lr_dtls *of_ssl(const SSL *ssl)
{
	return SSL_get_app_data(ssl);
}

static unsigned int timer_cb(SSL *ssl, unsigned int timer_us)
{
	struct lr_dtls *d = of_ssl(ssl);

	if (timer_us == 0) {
		/* A new flight: our timer starts afresh. */
		d->backoff = BACKOFF_MIN_US;
		d->flight_retransmits = 0;
		d->deadline = d->now + d->backoff;
	}
	return OSSL_FAR_US;
}

/* The read BIO learns where OpenSSL keeps its deadline, and whether the
 * timer runs (a zero deadline means stopped). */
static long timer_note(struct lr_dtls *d, struct timeval *tv)
{
	d->ossl_deadline = tv;
	if (!tv->tv_sec && !tv->tv_usec)
		d->deadline = UINT64_MAX;
	return 0;
}

long lr__dtls_bio_timer(void *owner, void *tv)
{
	return timer_note(owner, tv);
}

static int verify_cb(int preverify, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(
		store, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct lr_dtls *d = of_ssl(ssl);
	uint8_t md[EVP_MAX_MD_SIZE];
	int n;

	(void)preverify; /* self-signed: the fingerprint is the trust */
	if (X509_STORE_CTX_get_error_depth(store) != 0)
		return 1;
	n = lr__cert_digest(X509_STORE_CTX_get_current_cert(store),
			    d->remote_fp.hash, md, sizeof(md));
	if (n == d->remote_fp.len && !CRYPTO_memcmp(md, d->remote_fp.md, n)) {
		d->fp_checked = 1;
		return 1;
	}
	if (!d->fp_mismatch)
		d->st.fingerprint_mismatch++;
	d->fp_mismatch = 1;
	return 0;
}

static int srtp_profiles(SSL_CTX *ctx, const uint16_t *ids, unsigned n)
{
	char list[128] = "";
	size_t off = 0;

	for (unsigned i = 0; i < n; i++) {
		const char *name = lr__profile_name(ids[i]);
		size_t l;

		if (!name)
			return -EINVAL;
		l = strlen(name);
		if (off + l + 2 > sizeof(list))
			return -EINVAL;
		if (off)
			list[off++] = ':';
		memcpy(list + off, name, l + 1);
		off += l;
	}
	/* Returns 0 on success (sic). */
	return SSL_CTX_set_tlsext_use_srtp(ctx, list) ? -EINVAL : 0;
}

static int make_ctx(SSL_CTX **out, const struct lr_cert *cert,
		    const uint16_t *profiles, unsigned nprofiles)
{
	const uint16_t *ids = profiles ? profiles : browser_order;
	unsigned n = profiles
			     ? nprofiles
			     : sizeof(browser_order) / sizeof(browser_order[0]);
	SSL_CTX *ctx = SSL_CTX_new(DTLS_method());

	*out = ctx;
	if (!ctx)
		return -ENOMEM;
	if (!n || n > 4 || srtp_profiles(ctx, ids, n))
		return -EINVAL;
	if (!SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(ctx, cipher_list) ||
	    !SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") ||
	    SSL_CTX_use_certificate(ctx, cert->x509) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, cert->key) != 1)
		return -EINVAL;
	SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET |
					 SSL_OP_NO_RENEGOTIATION |
					 SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* Both sides present and check a certificate (RFC 8827 §6.5). */
	SSL_CTX_set_verify(ctx,
			   SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
			   verify_cb);
	return 0;
}

struct lr_dtls_ctx {
	SSL_CTX *ssl_ctx;
};

int lr_dtls_ctx_new(const struct lr_cert *cert, const uint16_t *profiles,
		    unsigned nprofiles, struct lr_dtls_ctx **out)
{
	struct lr_dtls_ctx *c;
	int r;

	*out = NULL;
	if (!cert)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	r = make_ctx(&c->ssl_ctx, cert, profiles, nprofiles);
	if (r) {
		SSL_CTX_free(c->ssl_ctx);
		free(c);
		return r;
	}
	*out = c;
	return 0;
}

void lr_dtls_ctx_free(struct lr_dtls_ctx *c)
{
	if (!c)
		return;
	SSL_CTX_free(c->ssl_ctx); /* associations keep their references */
	free(c);
}

static int make_ssl(struct lr_dtls *d)
{
	BIO *rb, *wb;

	d->meth = lr__dtls_bio_method();
	d->ssl = SSL_new(d->ctx);
	if (!d->meth || !d->ssl)
		return -ENOMEM;
	SSL_set_app_data(d->ssl, d);
	rb = lr__dtls_bio_new(d->meth, &d->in, d);
	wb = lr__dtls_bio_new(d->meth, &d->out, d);
	if (!rb || !wb) {
		BIO_free(rb);
		BIO_free(wb);
		return -ENOMEM;
	}
	SSL_set_bio(d->ssl, rb, wb);
	if (!SSL_set_mtu(d->ssl, d->mtu))
		return -EINVAL;
	DTLS_set_timer_cb(d->ssl, timer_cb);
	if (d->client)
		SSL_set_connect_state(d->ssl);
	else
		SSL_set_accept_state(d->ssl);
	return 0;
}

int lr_dtls_new(const struct lr_dtls_config *cfg, struct lr_dtls **out)
{
	struct lr_dtls *d;
	int r;

	*out = NULL;
	if ((!cfg->cert && !cfg->ctx) || !cfg->remote_fingerprint)
		return -EINVAL;
	if (cfg->mtu && (cfg->mtu < 576 || cfg->mtu > 9000))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->client = !!cfg->client;
	d->mtu = cfg->mtu ? cfg->mtu : 1200;
	d->max_retransmits = cfg->max_retransmits ? cfg->max_retransmits : 7;
	d->deadline = UINT64_MAX;
	d->in.max_bytes = 64u << 10;
	d->out.max_bytes = QUEUE_MAX;
	d->app.max_bytes = QUEUE_MAX;
	r = lr__fp_parse(cfg->remote_fingerprint, &d->remote_fp);
	if (!r && cfg->ctx) {
		d->ctx = cfg->ctx->ssl_ctx;
		SSL_CTX_up_ref(d->ctx);
	} else if (!r) {
		r = make_ctx(&d->ctx, cfg->cert, cfg->profiles, cfg->nprofiles);
	}
	if (!r)
		r = make_ssl(d);
	if (r) {
		lr_dtls_free(d);
		return r;
	}
	*out = d;
	return 0;
}

void lr_dtls_free(struct lr_dtls *d)
{
	if (!d)
		return;
	SSL_free(d->ssl); /* frees the BIOs */
	SSL_CTX_free(d->ctx);
	BIO_meth_free(d->meth);
	lr__dgram_clear(&d->in);
	lr__dgram_clear(&d->out);
	lr__dgram_clear(&d->app);
	OPENSSL_cleanse(d->scratch, sizeof(d->scratch));
	free(d);
}

static void fail(struct lr_dtls *d, enum lr_dtls_fail why)
{
	if (d->state == LR_DTLS_FAILED || d->state == LR_DTLS_CLOSED)
		return;
	d->state = LR_DTLS_FAILED;
	d->fail = why;
	d->deadline = UINT64_MAX;
}

static void connected(struct lr_dtls *d)
{
	if (!d->fp_checked || d->fp_mismatch) {
		/* Never reached with SSL_VERIFY_FAIL_IF_NO_PEER_CERT, but the
		 * fingerprint check is never skipped. */
		fail(d, LR_DTLS_FAIL_FINGERPRINT);
		return;
	}
	if (!SSL_get_selected_srtp_profile(d->ssl)) {
		/* RFC 5764 §4.1.1: no common profile, no DTLS-SRTP. */
		SSL_shutdown(d->ssl);
		fail(d, LR_DTLS_FAIL_NO_SRTP);
		return;
	}
	d->state = LR_DTLS_CONNECTED;
}

static void read_app(struct lr_dtls *d)
{
	for (;;) {
		int n = SSL_read(d->ssl, d->scratch, sizeof(d->scratch));
		int e;

		if (n > 0) {
			d->st.app_rx_records++;
			lr__dgram_push(&d->app, d->scratch, (size_t)n);
			continue;
		}
		e = SSL_get_error(d->ssl, n);
		if (e == SSL_ERROR_ZERO_RETURN) {
			d->state = LR_DTLS_CLOSED;
			d->deadline = UINT64_MAX;
		} else if (e != SSL_ERROR_WANT_READ &&
			   e != SSL_ERROR_WANT_WRITE) {
			fail(d, LR_DTLS_FAIL_HANDSHAKE);
		}
		break;
	}
	ERR_clear_error();
}

static void drive(struct lr_dtls *d)
{
	if (d->state == LR_DTLS_CONNECTING) {
		int r = SSL_do_handshake(d->ssl), e;

		if (r == 1) {
			connected(d);
		} else {
			e = SSL_get_error(d->ssl, r);
			if (e != SSL_ERROR_WANT_READ &&
			    e != SSL_ERROR_WANT_WRITE)
				fail(d, d->fp_mismatch
						? LR_DTLS_FAIL_FINGERPRINT
						: LR_DTLS_FAIL_HANDSHAKE);
		}
		ERR_clear_error();
	}
	if (d->state == LR_DTLS_CONNECTED)
		read_app(d);
}

int lr_dtls_start(struct lr_dtls *d, uint64_t now)
{
	if (d->started)
		return -EALREADY;
	d->started = 1;
	d->now = now;
	d->state = LR_DTLS_CONNECTING;
	drive(d);
	return 0;
}

/*
 * Framing check before OpenSSL sees a datagram (RFC 6347 §4.1, §4.2.2):
 * every record has a 13-byte header with version 254.x and a length
 * inside the datagram; a plaintext (epoch 0) handshake record carries
 * a known message type whose fragment fits. OpenSSL would turn a
 * malformed unauthenticated handshake message into a fatal alert, so
 * one forged datagram would end the association; here it is refused
 * and counted instead.
 */
static int known_hs_type(uint8_t t)
{
	switch (t) {
	case 1:	 /* client_hello */
	case 2:	 /* server_hello */
	case 3:	 /* hello_verify_request */
	case 4:	 /* new_session_ticket */
	case 11: /* certificate */
	case 12: /* server_key_exchange */
	case 13: /* certificate_request */
	case 14: /* server_hello_done */
	case 15: /* certificate_verify */
	case 16: /* client_key_exchange */
	case 20: /* finished */
		return 1;
	}
	return 0;
}

static int frame_ok(const uint8_t *p, size_t len)
{
	if (!len)
		return 0;
	while (len) {
		size_t rl;
		unsigned epoch;

		if (len < RECORD_HDR || p[0] < 20 || p[0] > 63 || p[1] != 0xfe)
			return 0;
		epoch = lr_rd16(p + 3);
		rl = lr_rd16(p + 11);
		if (rl > len - RECORD_HDR)
			return 0;
		if (p[0] == 22 && epoch == 0) {
			const uint8_t *h = p + RECORD_HDR;
			size_t mlen, off, flen;

			if (rl < 12 || !known_hs_type(h[0]))
				return 0;
			mlen = lr_rd24(h + 1);
			off = lr_rd24(h + 6);
			flen = lr_rd24(h + 9);
			if (flen != rl - 12 || off + flen > mlen)
				return 0;
		}
		p += RECORD_HDR + rl;
		len -= RECORD_HDR + rl;
	}
	return 1;
}

/*
 * Epoch 0 has no protection (RFC 6347 §4.1), so a plaintext alert may
 * come from anyone who can reach our address; OpenSSL would end the
 * association on a forged fatal one. Such records are dropped (and
 * counted) here, before and after the handshake: after it OpenSSL would
 * drop them too (the read epoch is 1), but that is its internals.
 * Records are framed (frame_ok). The datagram's length without them; if
 * some were dropped the rest is copied to out (room for len bytes).
 */
static size_t drop_plain_alerts(struct lr_dtls *d, const uint8_t *p, size_t len,
				uint8_t *out, int *copied)
{
	size_t off = 0, n = 0;

	*copied = 0;
	while (off < len) {
		const uint8_t *r = p + off;
		size_t rl = RECORD_HDR + lr_rd16(r + 11);

		if (r[0] == 21 && !r[3] && !r[4]) {
			d->st.rx_plain_alerts++;
			if (!*copied)
				memcpy(out, p, off); /* the records before */
			*copied = 1;
		} else {
			if (*copied)
				memcpy(out + n, r, rl);
			n += rl;
		}
		off += rl;
	}
	return n;
}

int lr_dtls_handle_input(struct lr_dtls *d, uint64_t now, const uint8_t *buf,
			 size_t len)
{
	int copied;

	d->now = now;
	d->st.rx_datagrams++;
	d->st.rx_bytes += len;
	if (len > sizeof(d->scratch)) {
		d->st.rx_too_big++;
		return -EINVAL;
	}
	if (!frame_ok(buf, len)) {
		d->st.rx_rejected++;
		return -EINVAL;
	}
	len = drop_plain_alerts(d, buf, len, d->scratch, &copied);
	if (copied)
		buf = d->scratch;
	if (!len || d->state == LR_DTLS_FAILED || d->state == LR_DTLS_CLOSED)
		return 0;
	if (lr__dgram_push(&d->in, buf, len)) {
		d->st.rx_rejected++;
		return -EINVAL;
	}
	if (d->started)
		drive(d);
	return d->state == LR_DTLS_FAILED ? -EINVAL : 0;
}

void lr_dtls_handle_timeout(struct lr_dtls *d, uint64_t now)
{
	d->now = now;
	if (now < d->deadline || d->state != LR_DTLS_CONNECTING)
		return;
	if (d->flight_retransmits >= d->max_retransmits) {
		fail(d, LR_DTLS_FAIL_TIMEOUT);
		return;
	}
	d->flight_retransmits++;
	d->st.retransmits++;
	d->backoff *= 2;
	if (d->backoff > BACKOFF_MAX_US)
		d->backoff = BACKOFF_MAX_US;
	if (d->ossl_deadline) {
		/* Due now, in OpenSSL's terms too (see the top). */
		d->ossl_deadline->tv_sec = 1;
		d->ossl_deadline->tv_usec = 0;
	}
	if (DTLSv1_handle_timeout(d->ssl) < 0)
		fail(d, LR_DTLS_FAIL_TIMEOUT);
	ERR_clear_error();
	/* The timer restarted (not afresh): our next deadline. */
	if (d->state == LR_DTLS_CONNECTING)
		d->deadline = now + d->backoff;
}

uint64_t lr_dtls_poll_timeout(const struct lr_dtls *d)
{
	return d->state == LR_DTLS_CONNECTING ? d->deadline : UINT64_MAX;
}

int lr_dtls_poll_transmit(struct lr_dtls *d, uint8_t *buf, size_t cap)
{
	size_t n = lr__dgram_peek(&d->out);

	if (!n)
		return 0;
	if (n > cap)
		return -ENOSPC;
	lr__dgram_pop(&d->out, buf, cap);
	d->st.tx_datagrams++;
	d->st.tx_bytes += n;
	return (int)n;
}

int lr_dtls_send(struct lr_dtls *d, const void *data, size_t len)
{
	int n;

	if (d->state == LR_DTLS_CLOSED || d->state == LR_DTLS_FAILED)
		return -EPIPE;
	if (d->state != LR_DTLS_CONNECTED)
		return -EAGAIN;
	if (!len || len > 16384)
		return -EMSGSIZE;
	n = SSL_write(d->ssl, data, (int)len);
	ERR_clear_error();
	return n > 0 ? n : -EPIPE;
}

int lr_dtls_recv(struct lr_dtls *d, void *buf, size_t cap)
{
	size_t n = lr__dgram_peek(&d->app);

	if (!n)
		return 0;
	if (n > cap)
		return -ENOSPC;
	return (int)lr__dgram_pop(&d->app, buf, cap);
}

void lr_dtls_close(struct lr_dtls *d)
{
	if (d->state == LR_DTLS_CONNECTED)
		SSL_shutdown(d->ssl); /* close_notify */
	ERR_clear_error();
	if (d->state != LR_DTLS_FAILED)
		d->state = LR_DTLS_CLOSED;
	d->deadline = UINT64_MAX;
}
