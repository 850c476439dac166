/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_srtp: userspace SRTP sessions with a choice of implementation.
 *
 *   ipsec-mb  the linerate core over intel-ipsec-mb (default on x86)
 *   openssl   the linerate core over OpenSSL EVP (portable fallback)
 *   libsrtp2  the system libsrtp2, for operators who want it: only in a
 *             program that links the library lr_srtp_libsrtp2 (built
 *             when CMake's LR_WITH_LIBSRTP2 is ON, the default); lr_srtp,
 *             lr_pc, lr_dp and linerated never link libsrtp2
 *
 * All three run behind the same burst API and the same result contract
 * as lr_srtp_core.h: returns the count of successes, moved to the front;
 * failures follow with pkt->drop set and counted. Buffers as in
 * lr_srtp_core.h (protect needs lr_srtp_tailroom() bytes after len).
 *
 * The choice: cfg->impl, else the environment variable LR_SRTP (same
 * names, "auto" allowed), else auto = ipsec-mb when it runs here, else
 * openssl; auto never picks libsrtp2. Asking for libsrtp2 (by cfg->impl
 * or LR_SRTP) in a program without its engine gives -ENOTSUP. The
 * config-file key is "srtp" with the same names.
 */
#ifndef LINERATE_LR_SRTP_H
#define LINERATE_LR_SRTP_H

#include "lr_srtp_core.h"

enum lr_srtp_impl {
	LR_SRTP_IMPL_AUTO = 0,
	LR_SRTP_IMPL_IPSECMB = 1,
	LR_SRTP_IMPL_OPENSSL = 2,
	LR_SRTP_IMPL_LIBSRTP2 = 3,
};

/* "auto", "ipsec-mb", "openssl", "libsrtp2" -> id; -EINVAL if unknown
 * (a known name whose engine is not in this program still parses). */
int lr_srtp_impl_parse(const char *name);
const char *lr_srtp_impl_name(enum lr_srtp_impl impl);
/* 1 if impl is in this program (ipsec-mb: built in, whether or not it
 * runs on this CPU; libsrtp2: lr_srtp_libsrtp2 linked; auto and openssl:
 * always), else 0. */
int lr_srtp_impl_have(enum lr_srtp_impl impl);
/* What AUTO (after LR_SRTP) resolves to on this machine; never AUTO.
 * -EINVAL if LR_SRTP holds an unknown name; -ENOTSUP if it (or
 * requested) is libsrtp2 and this program lacks that engine. */
int lr_srtp_impl_resolve(enum lr_srtp_impl requested);

/* A per-thread worker for core sessions (crypto instance + scratch).
 * Sessions made with the same worker must be used on one thread. */
struct lr_srtp_worker *lr_srtp_worker_new(enum lr_srtp_impl impl);
void lr_srtp_worker_free(struct lr_srtp_worker *w);

struct lr_srtp_config {
	enum lr_srtp_impl impl; /* AUTO: see above */
	enum lr_srtp_dir dir;	/* LR_SRTP_OUTBOUND or LR_SRTP_INBOUND */
	struct lr_srtp_policy policy;
	uint32_t max_streams;  /* 0 = 16 */
	int any_ssrc;	       /* accept new SSRCs as they come */
	const uint32_t *ssrcs; /* streams to add up front */
	unsigned nssrcs;
	struct lr_srtp_worker *worker; /* NULL: the session makes its own */
};

struct lr_srtp_session;

/* 0 or -errno (-EINVAL bad config or LR_SRTP unknown, -ENOTSUP MKI or
 * an implementation not in this program (libsrtp2 without
 * lr_srtp_libsrtp2) or unable to run here, -ENOMEM). */
int lr_srtp_session_new(struct lr_srtp_session **out,
			const struct lr_srtp_config *cfg);
void lr_srtp_session_free(struct lr_srtp_session *s);

unsigned lr_srtp_session_protect(struct lr_srtp_session *s,
				 struct lr_pkt *pkts[], unsigned n);
unsigned lr_srtp_session_unprotect(struct lr_srtp_session *s,
				   struct lr_pkt *pkts[], unsigned n);
unsigned lr_srtp_session_protect_rtcp(struct lr_srtp_session *s,
				      struct lr_pkt *pkts[], unsigned n);
unsigned lr_srtp_session_unprotect_rtcp(struct lr_srtp_session *s,
					struct lr_pkt *pkts[], unsigned n);

/* New keys, same suite; see lr_srtp_ctx_rekey(). 0 or -errno. */
int lr_srtp_session_rekey(struct lr_srtp_session *s,
			  const struct lr_srtp_policy *pol);
/* Add a stream (SSRC) after creation. 0 or -errno. */
int lr_srtp_session_add_stream(struct lr_srtp_session *s, uint32_t ssrc);
/* Hand-over (lr_srtp_stream_export): core sessions only; -ENOTSUP for
 * libsrtp2. */
int lr_srtp_session_export(struct lr_srtp_session *s, uint32_t ssrc,
			   struct lr_srtp_stream_state *out);
void lr_srtp_session_stats(const struct lr_srtp_session *s,
			   struct lr_srtp_stats *out);
enum lr_srtp_impl lr_srtp_session_impl(const struct lr_srtp_session *s);

#endif
