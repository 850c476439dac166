/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The SRTP/SRTCP core (RFC 3711, RFC 7714), shared by userspace and the
 * kernel module. No allocation, no libc beyond memcpy/memset, block crypto
 * only through struct lr_crypto_ops. Nothing here is thread-safe: a
 * context and its worker belong to one core.
 *
 * Buffers. Protect works in place at pkt->data and needs tailroom:
 *   SRTP:  tag length (10 or 4 for AES-CM, 16 for GCM, 10 for NULL)
 *   SRTCP: 4 (E flag + index) + tag length (10 for the HMAC suites,
 *          16 for GCM)
 * i.e. pkt->room >= pkt->len + lr_srtp_tailroom(suite, rtcp). No headroom is
 * needed. Unprotect needs no room. The _oop variants copy in[i] into out[i]
 * first (out[i]->room must fit the result) and leave in[i] untouched.
 *
 * Results. Every burst function returns how many packets succeeded and
 * reorders the array(s) so that those come first, in their original
 * order, followed by the failures, also in order, each with pkt->drop set
 * and counted in ctx->stats. A packet that fails is left as it came in.
 */
#ifndef LINERATE_LR_SRTP_CORE_H
#define LINERATE_LR_SRTP_CORE_H

#include "lr_crypto.h"
#include "lr_pkt.h"

/* Suite numbers are the DTLS-SRTP protection profile ids (RFC 5764 §4.1.2,
 * RFC 7714 §14.2). */
enum lr_srtp_suite {
	LR_SRTP_AES128_CM_SHA1_80 = 0x0001,
	LR_SRTP_AES128_CM_SHA1_32 = 0x0002,
	LR_SRTP_NULL_SHA1_80 = 0x0005, /* tests only: no encryption */
	LR_SRTP_AEAD_AES_128_GCM = 0x0007,
	LR_SRTP_AEAD_AES_256_GCM = 0x0008,
};

#define LR_SRTP_MAX_KEY	       32
#define LR_SRTP_MAX_SALT       14
#define LR_SRTP_WINDOW_DEFAULT 128
#define LR_SRTP_WINDOW_MIN     64
#define LR_SRTP_WINDOW_MAX     1024
/* The highest SRTP packet index (48 bits, RFC 3711 §3.3.1): protect
 * refuses past it (LR_DROP_INDEX_EXHAUSTED) and the ROC never wraps;
 * unprotect refuses an index past it too. Re-key before. */
#define LR_SRTP_INDEX_MAX ((1ull << 48) - 1)

struct lr_srtp_suite_info {
	uint16_t suite;
	uint8_t alg;	      /* enum lr_crypto_alg */
	uint8_t key_len;      /* master (and session) cipher key */
	uint8_t salt_len;     /* master salt: 14, or 12 for GCM */
	uint8_t rtp_tag_len;  /* 10, 4, 16 */
	uint8_t rtcp_tag_len; /* 10 or 16 (the _32 suite keeps 80 for SRTCP) */
	uint8_t auth_key_len; /* 20 for HMAC-SHA1, 0 for GCM */
	const char *name;     /* "AES_CM_128_HMAC_SHA1_80", ... */
};

/* NULL for a suite this code does not know. */
const struct lr_srtp_suite_info *lr_srtp_suite_get(unsigned suite);
/* Suite from its name (either the SDES name "AES_CM_128_HMAC_SHA1_80" or
 * the DTLS name "SRTP_AES128_CM_SHA1_80"); 0 if unknown. */
unsigned lr_srtp_suite_from_name(const char *name);
/* Tailroom protect needs for one packet; 0 for an unknown suite. */
unsigned lr_srtp_tailroom(unsigned suite, int rtcp);

/* key and salt are already session keys, used for SRTP and SRTCP alike,
 * with no derivation: AEAD suites only, for the RFC 7714 §16-17 vectors. */
#define LR_SRTP_POLICY_SESSION_KEYS 0x01

/* The keys of one direction, as DTLS-SRTP exports them or SDES carries. */
struct lr_srtp_policy {
	uint16_t suite;	  /* enum lr_srtp_suite */
	uint16_t window;  /* replay window in packets; 0 = 128 */
	uint8_t mki_len;  /* MKI is not supported: must be 0 */
	uint8_t key_len;  /* must equal the suite's */
	uint8_t salt_len; /* must equal the suite's */
	uint8_t flags;	  /* LR_SRTP_POLICY_* */
	uint8_t key[LR_SRTP_MAX_KEY];
	uint8_t salt[LR_SRTP_MAX_SALT];
};

/* One core's crypto and scratch. Make one per worker thread. */
struct lr_srtp_meta {
	void *stream;
	uint64_t index;	  /* packet index the crypto used */
	uint16_t hdr_len; /* RTP header incl. CSRCs and extension */
	uint8_t job;	  /* index into jobs[], or LR_SRTP_NOJOB */
	uint8_t flags;
};
#define LR_SRTP_NOJOB 0xff

struct lr_srtp_worker {
	const struct lr_crypto_ops *ops;
	void *impl;
	struct lr_crypto_job jobs[LR_BURST_MAX];
	struct lr_crypto_job retry[LR_BURST_MAX];
	struct lr_srtp_meta meta[LR_BURST_MAX];
	uint8_t idx[LR_BURST_MAX];
	struct lr_pkt *tmp[LR_BURST_MAX];
	struct lr_pkt *tmp2[LR_BURST_MAX];
};

static inline void lr_srtp_worker_init(struct lr_srtp_worker *w,
				       const struct lr_crypto_ops *ops,
				       void *impl)
{
	memset(w, 0, sizeof(*w));
	w->ops = ops;
	w->impl = impl;
}

/* Session keys of one generation (RFC 3711 §4.3, KDR 0). */
struct lr_srtp_keyset {
	struct lr_crypto_key rtp;
	struct lr_crypto_key rtcp;
	uint8_t rtp_salt[16]; /* zero-padded: the IV is salt XOR 16 bytes */
	uint8_t rtcp_salt[16];
	uint8_t live;
};

/* What a stream of an owned context may be used for (lr_srtp_ctx_own). */
#define LR_SRTP_OWN_RTP	 0x01 /* SRTP: rtp_index, rtp_win */
#define LR_SRTP_OWN_RTCP 0x02 /* SRTCP: rtcp_index, rtcp_win */

/* Per-SSRC state. */
struct lr_srtp_stream {
	uint32_t ssrc;
	uint8_t provisional; /* made by a packet not yet authenticated */
	uint8_t accepted;    /* a packet of this burst was accepted */
	uint8_t own;	     /* LR_SRTP_OWN_*: owned contexts only */
	uint8_t pad_;
	uint64_t rtp_index;  /* highest index accepted/sent (48 bit) */
	uint64_t tent_index; /* index estimate inside the current burst */
	uint32_t tent_burst; /* burst number tent_index belongs to */
	uint32_t rtcp_index; /* rx: highest seen (127 at start); tx: next */
	uint64_t rtp_win[LR_SRTP_WINDOW_MAX / 64]; /* bit k: rtp_index - k */
	uint64_t rtcp_win[2];			   /* bit k: rtcp_index - k */
	uint64_t packets;
	uint64_t octets;
};

struct lr_srtp_stats {
	uint64_t ok;
	uint64_t octets;
	uint64_t old_key; /* accepted with the previous key after a re-key */
	uint64_t drops[LR_DROP__MAX];
};

enum lr_srtp_dir {
	LR_SRTP_OUTBOUND = 0,
	LR_SRTP_INBOUND = 1
};

struct lr_srtp_ctx {
	struct lr_srtp_worker *w;
	const struct lr_srtp_suite_info *si;
	struct lr_srtp_keyset keys[2]; /* keys[cur]; keys[cur ^ 1] previous */
	uint8_t cur;
	uint8_t dir;	  /* enum lr_srtp_dir */
	uint8_t any_ssrc; /* make streams for new SSRCs (up to max_streams) */
	uint8_t owned;	  /* lr_srtp_ctx_own() was called */
	uint16_t window;  /* SRTP replay window, packets */
	uint8_t make_own; /* owned: the uses any_ssrc may make streams for */
	uint8_t pad2_;
	struct lr_srtp_stream *streams; /* caller's storage */
	uint32_t max_streams;
	uint32_t nstreams;
	uint32_t last;	   /* index of the last stream found */
	uint32_t burst_no; /* bursts processed, for tent_index */
	uint32_t nprov;	   /* provisional streams in this burst */
	struct lr_srtp_stats stats;
	/* Inbound after a re-key: packets still to authenticate with the
	 * new keys before the previous ones are retired. */
	uint32_t grace;
};

/*
 * Initialise ctx for one direction with keys derived from pol. streams is
 * caller-owned storage for max_streams entries (zeroed here). If any_ssrc
 * is 0 only SSRCs added with lr_srtp_stream_add() are accepted.
 * 0 or -EINVAL (unknown suite, wrong key/salt length, window outside
 * 64..1024, no storage), -ENOTSUP (MKI), or an error from the crypto ops.
 */
int lr_srtp_ctx_init(struct lr_srtp_ctx *ctx, struct lr_srtp_worker *w,
		     enum lr_srtp_dir dir, const struct lr_srtp_policy *pol,
		     struct lr_srtp_stream *streams, uint32_t max_streams,
		     int any_ssrc);
/*
 * A hint before a burst of ctx (the caller already has ctx itself on its
 * way): pulls the current RTP key schedule and the last stream used
 * towards this core, so that several contexts' cache misses overlap
 * instead of following one another. Changes nothing.
 */
void lr_srtp_ctx_prefetch(const struct lr_srtp_ctx *ctx);
/* Release the crypto keys. The stream storage stays the caller's. */
void lr_srtp_ctx_clear(struct lr_srtp_ctx *ctx);

/*
 * Re-key: new packets are protected with pol's keys at once; stream
 * state (ROC, replay windows, SRTCP index) carries on. Inbound, packets
 * that fail with the new keys are tried with the previous ones, so
 * packets in flight when the keys changed are not lost, until the
 * previous keys are retired: once LR_SRTP_REKEY_GRACE(window) packets
 * (SRTP and SRTCP) have authenticated with the new keys (by then the
 * sender has long switched: what it sent before is older than any
 * reordering the replay window takes), at lr_srtp_ctx_retire(), or at
 * the next re-key. Outbound, the previous keys go at once (nothing is
 * protected with them again). Suite and window may not change (-EINVAL).
 */
#define LR_SRTP_REKEY_GRACE(window) (2u * (window))
int lr_srtp_ctx_rekey(struct lr_srtp_ctx *ctx,
		      const struct lr_srtp_policy *pol);
void lr_srtp_ctx_retire(struct lr_srtp_ctx *ctx);
/*
 * The same in two steps, so that several contexts can be re-keyed all or
 * nothing: prepare checks pol against ctx and derives its keys into *ks
 * (ctx unchanged; 0 or what lr_srtp_ctx_rekey would fail with); commit
 * makes them current (as lr_srtp_ctx_rekey; it cannot fail); discard
 * frees a prepared set that is not committed. ks is wiped by both.
 */
int lr_srtp_ctx_rekey_prepare(struct lr_srtp_ctx *ctx,
			      const struct lr_srtp_policy *pol,
			      struct lr_srtp_keyset *ks);
void lr_srtp_ctx_rekey_commit(struct lr_srtp_ctx *ctx,
			      struct lr_srtp_keyset *ks);
void lr_srtp_ctx_rekey_discard(struct lr_srtp_ctx *ctx,
			       struct lr_srtp_keyset *ks);

/* Add a stream for ssrc (idempotent). 0, -ENOSPC. */
int lr_srtp_stream_add(struct lr_srtp_ctx *ctx, uint32_t ssrc);
/* Forget a stream. 0 or -ENOENT. */
int lr_srtp_stream_remove(struct lr_srtp_ctx *ctx, uint32_t ssrc);
/* The stream of ssrc or NULL. */
struct lr_srtp_stream *lr_srtp_stream_get(struct lr_srtp_ctx *ctx,
					  uint32_t ssrc);
/* Outbound: set the ROC and the SRTCP index the next packets use
 * (signalled ROC, tests with RFC vectors): the next packet with
 * sequence number seq gets index roc:seq, and nothing before it counts
 * as sent. 0, -ENOENT, -EINVAL. */
int lr_srtp_stream_set_roc(struct lr_srtp_ctx *ctx, uint32_t ssrc, uint32_t roc,
			   uint16_t seq);
int lr_srtp_stream_set_rtcp_index(struct lr_srtp_ctx *ctx, uint32_t ssrc,
				  uint32_t index);

/*
 * Hand-over of a stream between contexts with the same keys (lr_pc's
 * in-process path to the data plane): rtp_index is the highest index
 * accepted (inbound) or the last one sent (outbound); rtcp_index likewise
 * (outbound: the next to send). On import every index up to rtp_index
 * counts as used: inbound, what the old context processed is a replay
 * here; outbound, no index the old context may have sent is sent again
 * (that would reuse keystream). export: 0 or -ENOENT; import: 0,
 * -ENOSPC, -EINVAL.
 */
struct lr_srtp_stream_state {
	uint32_t ssrc;
	uint32_t rtcp_index;
	uint64_t rtp_index;
	uint64_t packets;
};
int lr_srtp_stream_export(struct lr_srtp_ctx *ctx, uint32_t ssrc,
			  struct lr_srtp_stream_state *out);
int lr_srtp_stream_import(struct lr_srtp_ctx *ctx,
			  const struct lr_srtp_stream_state *st);
/* The stream lr_srtp_stream_import makes from in (every index up to
 * in->rtp_index used), into storage of the caller's: a hand-over parked
 * outside any context, for lr_srtp_stream_take_over. 0 or -EINVAL. */
int lr_srtp_stream_from_state(struct lr_srtp_stream *out,
			      const struct lr_srtp_stream_state *in);

/*
 * Owned streams: one context's keys used by several cores (a data plane
 * with several workers, each with a copy of the context), where each
 * packet index must be used by one of them only (an index protected
 * twice under one key reuses keystream; one accepted twice is a replay).
 *
 * lr_srtp_ctx_own() puts ctx in owned mode: from then on protect uses a
 * stream for SRTP only while it holds LR_SRTP_OWN_RTP and for SRTCP
 * only while it holds LR_SRTP_OWN_RTCP; other packets are dropped
 * LR_DROP_NOT_OWNER and no stream is made for them, except for the uses
 * in make (with any_ssrc): those make the stream, or add the use to one
 * that exists (a worker that protects all of a session's SRTCP: make =
 * LR_SRTP_OWN_RTCP). Unprotect is not gated: the caller gives a whole
 * inbound context to one core at a time.
 *
 * hand_over copies the state of the uses in `uses` of ssrc's stream to
 * *out and gives them up here (the stream is forgotten once it holds no
 * use; a context not owned hands over, and forgets, the whole stream):
 * 0 or -ENOENT. take_over puts the state of those uses of in (as
 * hand_over left it, or lr_srtp_stream_from_state made it) into ctx's
 * stream of in->ssrc, made if needed, which then holds them: 0,
 * -ENOSPC or -EINVAL (an index out of range). Replay windows go with the
 * state, so nothing sent or accepted before is sent or accepted again.
 * forget_all forgets every stream of ctx.
 */
void lr_srtp_ctx_own(struct lr_srtp_ctx *ctx, unsigned make);
int lr_srtp_stream_hand_over(struct lr_srtp_ctx *ctx, uint32_t ssrc,
			     unsigned uses, struct lr_srtp_stream *out);
int lr_srtp_stream_take_over(struct lr_srtp_ctx *ctx,
			     const struct lr_srtp_stream *in, unsigned uses);
void lr_srtp_stream_forget_all(struct lr_srtp_ctx *ctx);

/* Bursts: see the top of this file for buffers and results. */
unsigned lr_srtp_protect(struct lr_srtp_ctx *ctx, struct lr_pkt *pkts[],
			 unsigned n);
unsigned lr_srtp_unprotect(struct lr_srtp_ctx *ctx, struct lr_pkt *pkts[],
			   unsigned n);
unsigned lr_srtcp_protect(struct lr_srtp_ctx *ctx, struct lr_pkt *pkts[],
			  unsigned n);
unsigned lr_srtcp_unprotect(struct lr_srtp_ctx *ctx, struct lr_pkt *pkts[],
			    unsigned n);

/* Out of place: out[i] receives the result, in[i] is not modified. Both
 * arrays are reordered in step. */
unsigned lr_srtp_protect_oop(struct lr_srtp_ctx *ctx, struct lr_pkt *in[],
			     struct lr_pkt *out[], unsigned n);
unsigned lr_srtp_unprotect_oop(struct lr_srtp_ctx *ctx, struct lr_pkt *in[],
			       struct lr_pkt *out[], unsigned n);
unsigned lr_srtcp_protect_oop(struct lr_srtp_ctx *ctx, struct lr_pkt *in[],
			      struct lr_pkt *out[], unsigned n);
unsigned lr_srtcp_unprotect_oop(struct lr_srtp_ctx *ctx, struct lr_pkt *in[],
				struct lr_pkt *out[], unsigned n);

#endif
