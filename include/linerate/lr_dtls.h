/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_dtls: DTLS 1.2 for DTLS-SRTP (RFC 5764) and data channels, sans-IO.
 *
 * OpenSSL only ever sees our datagram queues (a BIO of ours, one BIO
 * write = one datagram, one read = one datagram); it never touches a
 * socket. Time is the caller's: `now` is microseconds on any monotonic
 * clock (real or virtual), and the retransmission timer (1 s, doubling,
 * at most 60 s) fires only from lr_dtls_handle_timeout(now).
 *
 * lr_cert is RTCCertificate: an ECDSA P-256 (default) or RSA-2048
 * self-signed certificate with an expiry, and its fingerprints.
 */
#ifndef LINERATE_LR_DTLS_H
#define LINERATE_LR_DTLS_H

#include <stddef.h>
#include <stdint.h>

#include "lr_srtp_core.h"

enum lr_cert_kind {
	LR_CERT_ECDSA_P256 = 0,
	LR_CERT_RSA_2048 = 1
};

struct lr_cert;

/*
 * A fresh key and a self-signed certificate. The caller owns the clock
 * and randomness: now_unix is the current time (seconds since the
 * epoch), valid from a day before it (clock skew) for valid_days
 * (0 = 30); serial is a random positive number (0 is refused).
 * 0, -EINVAL, -ENOMEM.
 */
int lr_cert_generate(enum lr_cert_kind kind, int64_t now_unix,
		     unsigned valid_days, uint64_t serial,
		     struct lr_cert **out);
void lr_cert_free(struct lr_cert *c);
enum lr_cert_kind lr_cert_kind(const struct lr_cert *c);
/* "sha-256 AB:CD:..." (hash: "sha-256", "sha-384" or "sha-512") into
 * out, NUL-terminated: its length, -EINVAL (unknown hash) or -ENOSPC.
 * LR_CERT_FP_MAX holds any of them. */
#define LR_CERT_FP_MAX 200
int lr_cert_fingerprint(const struct lr_cert *c, const char *hash, char *out,
			size_t cap);
/* notAfter, seconds since the epoch. */
int64_t lr_cert_expires(const struct lr_cert *c);
/* The certificate as DER (for RTCCertificate.getFingerprints()-like
 * uses and for identity assertions): length, or -ENOSPC. */
int lr_cert_der(const struct lr_cert *c, uint8_t *out, size_t cap);

/* The DTLS-SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2);
 * their numbers are the SRTP suites' (enum lr_srtp_suite). */
enum lr_dtls_profile {
	LR_DTLS_SRTP_AES128_CM_SHA1_80 = 0x0001,
	LR_DTLS_SRTP_AES128_CM_SHA1_32 = 0x0002,
	LR_DTLS_SRTP_AEAD_AES_128_GCM = 0x0007,
	LR_DTLS_SRTP_AEAD_AES_256_GCM = 0x0008,
};

enum lr_dtls_state {
	LR_DTLS_NEW = 0, /* RTCDtlsTransportState names */
	LR_DTLS_CONNECTING,
	LR_DTLS_CONNECTED,
	LR_DTLS_CLOSED,
	LR_DTLS_FAILED,
};

enum lr_dtls_fail {
	LR_DTLS_FAIL_NONE = 0,
	LR_DTLS_FAIL_HANDSHAKE,	  /* alert received or sent, bad handshake */
	LR_DTLS_FAIL_FINGERPRINT, /* peer certificate not the signalled one */
	LR_DTLS_FAIL_NO_SRTP,	  /* no common SRTP profile */
	LR_DTLS_FAIL_TIMEOUT,	  /* the peer stopped answering */
};

/*
 * What many associations share: the certificate and the SRTP profiles
 * (an OpenSSL SSL_CTX, made once instead of per association; OpenSSL
 * allows it to be used from several threads). Reference-counted: each
 * lr_dtls made with it holds a reference, so lr_dtls_ctx_free() may come
 * first. profiles NULL: browser order (see lr_dtls_config).
 */
struct lr_dtls_ctx;
int lr_dtls_ctx_new(const struct lr_cert *cert, const uint16_t *profiles,
		    unsigned nprofiles, struct lr_dtls_ctx **out);
void lr_dtls_ctx_free(struct lr_dtls_ctx *c);

struct lr_dtls_config {
	/* Either a shared context, or a certificate (and profiles) for a
	 * context of this association's own. */
	const struct lr_dtls_ctx *ctx;
	const struct lr_cert *cert;
	int client; /* from a=setup: the "active" side is the client */
	/* The peer's certificate fingerprint from its SDP,
	 * "sha-256 AB:CD:..." (sha-1, sha-224 .. sha-512 accepted). */
	const char *remote_fingerprint;
	uint16_t mtu; /* largest datagram; 0 = 1200 */
	/* SRTP profiles to offer (client) or accept (server, in this order
	 * of preference); NULL = browser order: AEAD_AES_128_GCM,
	 * AEAD_AES_256_GCM, AES128_CM_SHA1_80, AES128_CM_SHA1_32. */
	const uint16_t *profiles;
	unsigned nprofiles;
	/* Give up after this many retransmissions of one flight (0 = 7,
	 * about 2 minutes with the 1 s doubling timer). */
	unsigned max_retransmits;
};

struct lr_dtls_stats {
	uint64_t rx_datagrams, tx_datagrams;
	uint64_t rx_bytes, tx_bytes;
	uint64_t retransmits;	 /* timer-driven flight retransmissions */
	uint64_t rx_rejected;	 /* datagrams OpenSSL refused with an error */
	uint64_t rx_too_big;	 /* datagrams over 16 KiB + header */
	uint64_t tx_queue_drops; /* our send queue was full */
	uint64_t app_rx_records; /* application data records received */
	uint64_t fingerprint_mismatch;
	/* Plaintext (epoch 0) alert records dropped unread: nothing
	 * authenticates them, so they never end the association. */
	uint64_t rx_plain_alerts;
};

struct lr_dtls;

/* 0, -EINVAL (no cert, bad fingerprint string, bad profile), -ENOMEM.
 * The client sends its ClientHello when lr_dtls_start() is called. */
int lr_dtls_new(const struct lr_dtls_config *cfg, struct lr_dtls **out);
void lr_dtls_free(struct lr_dtls *d);
/* Begin: the client sends its first flight; the server waits. */
int lr_dtls_start(struct lr_dtls *d, uint64_t now);
/* A DTLS datagram from the peer (RFC 7983: first byte 20..63). 0, or
 * -EINVAL if it was refused (counted). Every record is looked at: a
 * plaintext (epoch 0) alert is dropped and counted (rx_plain_alerts),
 * before and after the handshake, since anyone who can send to our
 * address can forge one; the datagram's other records are processed. So
 * only an authenticated (epoch >= 1) fatal alert moves the state to
 * FAILED; a peer whose handshake fails before that (a fingerprint
 * mismatch on its side) is seen here as a retransmission timeout.
 * Datagrams before lr_dtls_start() are kept (one flight's worth) and
 * processed when it is called. */
int lr_dtls_handle_input(struct lr_dtls *d, uint64_t now, const uint8_t *buf,
			 size_t len);
void lr_dtls_handle_timeout(struct lr_dtls *d, uint64_t now);
/* When lr_dtls_handle_timeout() wants to run, or UINT64_MAX. */
uint64_t lr_dtls_poll_timeout(const struct lr_dtls *d);
/* The next datagram to send: its length (<= mtu for handshake flights),
 * 0 if none, -ENOSPC if cap is too small (the datagram stays queued). */
int lr_dtls_poll_transmit(struct lr_dtls *d, uint8_t *buf, size_t cap);

enum lr_dtls_state lr_dtls_state(const struct lr_dtls *d);
enum lr_dtls_fail lr_dtls_failure(const struct lr_dtls *d);
const char *lr_dtls_fail_str(enum lr_dtls_fail f);
const struct lr_dtls_stats *lr_dtls_stats(const struct lr_dtls *d);
int lr_dtls_is_client(const struct lr_dtls *d);

/* After CONNECTED: the negotiated profile (enum lr_dtls_profile). */
int lr_dtls_profile(const struct lr_dtls *d);
/* After CONNECTED: keys exported per RFC 5764 §4.2 as SRTP policies for
 * what we send (tx) and what we receive (rx). 0 or -EAGAIN. */
int lr_dtls_srtp_keys(const struct lr_dtls *d, struct lr_srtp_policy *tx,
		      struct lr_srtp_policy *rx);
/* 0xFEFD for DTLS 1.2 (what getStats() calls tlsVersion), 0 before. */
int lr_dtls_version(const struct lr_dtls *d);
/* 1 if the extended master secret (RFC 7627) was negotiated. */
int lr_dtls_extms(const struct lr_dtls *d);
/* The negotiated cipher suite's IANA name, or NULL. */
const char *lr_dtls_cipher(const struct lr_dtls *d);
/* The peer's certificate fingerprint with `hash`, as lr_cert_fingerprint. */
int lr_dtls_peer_fingerprint(const struct lr_dtls *d, const char *hash,
			     char *out, size_t cap);

/*
 * Application data (SCTP packets) over the association, after CONNECTED.
 * Each send is one record in one datagram: len bytes or -EAGAIN (not
 * connected), -EMSGSIZE, -EPIPE (closed or failed).
 */
int lr_dtls_send(struct lr_dtls *d, const void *data, size_t len);
/* One received application record: its length, 0 if none, -ENOSPC. */
int lr_dtls_recv(struct lr_dtls *d, void *buf, size_t cap);

/* Send close_notify; the state becomes CLOSED. */
void lr_dtls_close(struct lr_dtls *d);

#endif
