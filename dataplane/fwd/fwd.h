/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The forwarding core: what one worker does to a burst of datagrams,
 * from demux to the legs to send, with no thread, socket, clock or
 * allocator of its own. Userspace (the worker, ../worker.c) and the
 * kernel module compile the same files (../core.list); what the core
 * needs of its surroundings comes through struct lr__fwd_env:
 *
 *   rx -> demux (RFC 7983, lr_demux.h) -> session by 5-tuple (flow.c)
 *   -> SRTP/SRTCP unprotect (../srtp) -> RTCP relay (rtcp_relay.c,
 *   relay_seal.c) -> legs by route, SSRC/PT/seq/ts rewrite (route.c) ->
 *   SRTP protect per target -> tx                          (engine.c)
 *
 * Freestanding: no libc beyond memcpy/memset/memmove/memcmp, no
 * allocation but through env->zalloc, and that only when the core is set
 * up or a session is installed, updated or removed, never per packet.
 * Everything a packet can fail on is counted by reason, per session and
 * for the worker (st).
 */
#ifndef LR_DP_FWD_H
#define LR_DP_FWD_H

#include "linerate/lr_addr.h"
#include "linerate/lr_dp.h"
#include "linerate/lr_types.h"

#define DP_BUF_ROOM   1600 /* 1500-byte datagrams plus any SRTP trailer */
#define DP_MAX_LOCAL  8
#define DP_TX_STREAMS 64 /* default outgoing SSRCs per session (fan-in) */
#define DP_TX_MAX     (LR_DP_BURST * LR_DP_MAX_ROUTES) /* legs of a burst */

struct lr__dpsess;
struct lr__fwd;

/* A datagram in the worker. pkt.data is data[], or, when pkt.priv is set,
 * storage the I/O side lent (an mbuf, a ring buffer, an skb) that goes
 * back through env->release when the buffer is put. */
struct lr__dpbuf {
	struct lr_pkt pkt;
	struct lr_addr local, remote;
	uint16_t lidx; /* which local address */
	struct lr__dpsess *sess;
	struct lr__dpbuf *next; /* free list; the I/O side's chains */
	uint8_t data[DP_BUF_ROOM];
};

/* A route's feedback entry (feedback.c). */
struct lr__dpfb {
	uint64_t to;		 /* the target session */
	uint32_t ssrc;		 /* the SSRC it sees */
	struct lr__dpsess *from; /* the publisher */
	uint32_t in_ssrc;	 /* the publisher's SSRC */
	uint16_t seq_delta;	 /* the route's: target seq = in + delta */
	struct lr__dpfb *next;
	/* The relay's (rtcp_relay.c, relay_seal.c). Times in ms, 0: never.
	 * The subscriber's worker keeps kf_at and the NACK window of the
	 * (subscriber, stream) pair, the publisher's worker sr_at of the
	 * (stream, target) pair; the publisher's RTCP worker keeps the
	 * stream's pub_kf_at and fir_seq in its first entry. */
	struct lr__dpfb *next_to; /* by target only (lr__fb_streams) */
	uint32_t ts_delta;	  /* the route's */
	uint8_t fb_slot, sr_slot; /* its place in a compound's scratch */
	uint8_t fir_seq;	  /* the gateway's next FIR number */
	uint16_t nack_n;	  /* NACK entries in this window */
	uint32_t kf_at;		  /* last keyframe request queued */
	uint32_t nack_at;	  /* this NACK window's start */
	uint32_t sr_at;		  /* last SR queued */
	uint32_t pub_kf_at;	  /* last keyframe request sent */
};

struct lr__dpsess {
	uint64_t id;
	struct lr_addr remote;
	uint16_t lidx;
	/* this worker owns the peer's flow: its copy of rx is the one in
	 * use (env->own_install; read with the 5-tuple, on its cache line) */
	uint8_t rx_own;
	struct lr_srtp_ctx rx, tx;
	struct lr_dp_route routes[LR_DP_MAX_ROUTES];
	unsigned nroutes;
	/* routes[i].to resolved (NULL: not installed), valid while to_gen
	 * equals the core's topo_gen (lr__flow_targets) */
	uint64_t to_gen;
	struct lr__dpsess *to[LR_DP_MAX_ROUTES];
	struct lr_dp_session_stats st;
	/* The transmit side's cache of the peer's next hop (dpdk: its MAC),
	 * valid while l2_gen equals that side's table generation (0:
	 * never); the core only clears it when the peer moves. */
	uint8_t l2[8];
	uint64_t l2_gen;
	struct lr__dpsess *next_id, *next_tuple;
	/* relay the peer's feedback to publishers, its reports to
	 * subscribers (lr_dp_session) */
	int relay_feedback, relay_reports;
	struct lr__dpfb *fb; /* its routes' feedback entries */
	unsigned nfb;
	uint32_t rtcp_ssrc; /* lr_dp_session's: relayed feedback's sender */
	uint8_t punt_pt[LR_DP_PUNT_PTS]; /* lr_dp_session's: RTP also punted */
	size_t bytes;			 /* this allocation */
	/* Several workers: the session's table of who protects which of
	 * its outgoing SSRCs (NULL: one worker; env->own_*). */
	void *own;
	struct lr_srtp_stream streams[]; /* rx.max_streams, then tx's */
};

/* Relayed RTCP on its way to the worker that protects the target's
 * SRTCP (env->relay_slot; relay_seal.c takes it there). */
enum lr__relay_kind {
	LR__RELAY_FEEDBACK = 1, /* PLI, FIR, NACK to a publisher */
	LR__RELAY_REPORT,	/* sender reports to a subscriber */
};

struct lr__relay_item {
	uint64_t to, from;
	uint16_t len;
	uint8_t kind; /* enum lr__relay_kind */
	uint8_t buf[LR_DP_RTCP_MAX];
};

/* What the core asks of its surroundings. f is the core the call comes
 * from (the caller finds its own state around it). NULL hooks: one
 * worker, nothing lent, nothing to relay to. */
struct lr__fwd_env {
	/* zeroed memory and its release: at set-up, install, update and
	 * removal only */
	void *(*zalloc)(size_t n);
	void (*free)(void *p);
	/* storage a buffer borrowed (pkt.priv) is done with */
	void (*release)(struct lr__fwd *f, void *priv);
	/* packets b[0..n) just authenticated (SRTP or SRTCP): what the
	 * I/O side may believe of their sources (dpdk: their MACs) */
	void (*authentic)(struct lr__fwd *f, struct lr__dpbuf **b, unsigned n);
	/* a copy of b for the control plane (counted there: punted or
	 * punt_dropped) */
	void (*punt)(struct lr__fwd *f, enum lr_dp_punt_why why,
		     uint64_t session, const struct lr__dpbuf *b);
	/* a coarse monotonic clock in ms, read at most once a burst */
	uint32_t (*now_ms)(struct lr__fwd *f);
	/* the slot to fill for session to's RTCP worker (NULL: full), and
	 * its push */
	struct lr__relay_item *(*relay_slot)(struct lr__fwd *f, uint64_t to);
	void (*relay_push)(struct lr__fwd *f, uint64_t to);
	/* the end of a burst: wake whoever was queued to, once */
	void (*burst_end)(struct lr__fwd *f);
	/* Several workers. At install, s->rx_own and the tx context's
	 * owned mode from own (NULL hook: this worker owns everything); at
	 * update once s->remote is the new address, the flow's streams
	 * handed over through ho; at protect, packets pk[0..n) of s that
	 * failed, retried once their streams are claimed (how many passed,
	 * pk[] reordered as lr_srtp_protect does). */
	int (*own_install)(struct lr__fwd *f, struct lr__dpsess *s,
			   const struct lr_dp_session *d, void *own);
	void (*own_moved)(struct lr__fwd *f, struct lr__dpsess *s, void *ho);
	unsigned (*own_retry)(struct lr__fwd *f, struct lr__dpsess *s,
			      struct lr_pkt **pk, unsigned n);
};

/* Limits, from lr_dp_config with its defaults filled in. */
struct lr__fwd_cfg {
	unsigned max_sessions, max_tx_streams, pool;
	unsigned relay_pli_interval_ms, relay_nack_max;
	unsigned relay_nack_interval_ms, relay_sr_interval_ms;
};

/* The legs of the last (session, SSRC) routed in a burst: a burst's
 * packets come grouped by session, so the targets are looked up once per
 * group, not once per packet and leg. Valid within one burst only. */
struct lr__legs {
	const struct lr__dpsess *s;
	uint32_t ssrc;
	unsigned n;
	const struct lr_dp_route *r[LR_DP_MAX_ROUTES];
	struct lr__dpsess *to[LR_DP_MAX_ROUTES];
};

/* A burst's working arrays, kept off the stack (a kernel's is small). */
struct lr__fwd_scratch {
	struct lr__dpbuf *rtp[LR_DP_BURST], *rtcp[LR_DP_BURST];
	unsigned bucket[LR_DP_BURST];
	uint8_t kind[LR_DP_BURST], run[LR_DP_BURST], head[LR_DP_BURST];
	struct lr__dpsess *hs[LR_DP_BURST];
	struct lr_pkt *pk[LR_DP_BURST];
	struct lr__legs legs;
	struct lr__dpbuf *out[DP_TX_MAX]; /* the legs, before protect */
};

struct lr__relay_scratch;

struct lr__fwd {
	const struct lr__fwd_env *env;
	struct lr__fwd_cfg cfg;
	const struct lr_addr *local; /* the local addresses, by index */
	unsigned nlocal;
	struct lr_srtp_worker *crypto;
	struct lr__dpsess **by_id, **by_tuple;
	struct lr__dpfb **by_fb; /* (target, SSRC) -> publisher */
	struct lr__dpfb **by_to; /* feedback entries by target */
	unsigned nbuckets, nsessions;
	uint64_t topo_gen; /* changes when a session comes or goes */
	uint64_t session_bytes;
	struct lr__dpbuf *bufs, *free_bufs;
	unsigned nbufs, nfree;
	struct lr_dp_stats st;
	struct lr__fwd_scratch *scr;	/* a burst's working arrays */
	struct lr__relay_scratch *rscr; /* a compound's (rtcp_relay.c) */
};

/* fwd.c: set up (tables, pool of cfg->pool buffers, scratch) and tear
 * down; 0 or -ENOMEM / -EINVAL. */
int lr__fwd_init(struct lr__fwd *f, const struct lr__fwd_env *env,
		 const struct lr__fwd_cfg *cfg, const struct lr_addr *local,
		 unsigned nlocal, struct lr_srtp_worker *crypto);
void lr__fwd_fini(struct lr__fwd *f);
/* A session's memory, keys wiped, back to the environment. */
void lr__fwd_sess_free(struct lr__fwd *f, struct lr__dpsess *s);
/* The pool: a buffer (NULL: none left), and back. */
struct lr__dpbuf *lr__buf_get(struct lr__fwd *f);
void lr__buf_put(struct lr__fwd *f, struct lr__dpbuf *b);
/* A drop of b counted for why on the worker and on s (if any); b put. */
void lr__fwd_drop(struct lr__fwd *f, struct lr__dpsess *s, struct lr__dpbuf *b,
		  unsigned why);

/* engine.c: a received burst in (consumed), what to transmit out (tx
 * has room for DP_TX_MAX); counted in st. */
unsigned lr__engine_burst(struct lr__fwd *f, struct lr__dpbuf **in, unsigned n,
			  struct lr__dpbuf **tx);

/* route.c: the legs of the authentic RTP packet b of session s, in
 * out[] (copies for all but the last, rewritten): how many. The cache
 * holds the last (session, SSRC)'s legs within one burst. */
void lr__legs_reset(struct lr__legs *l);
unsigned lr__route(struct lr__fwd *f, struct lr__dpsess *s, struct lr__dpbuf *b,
		   struct lr__dpbuf **out, struct lr__legs *l);
void lr__rewrite(uint8_t *rtp, const struct lr_dp_route *r);

/* flow.c: sessions by id and by 5-tuple. */
struct lr__dpsess *lr__flow_by_id(struct lr__fwd *f, uint64_t id);
struct lr__dpsess *lr__flow_by_tuple(struct lr__fwd *f, uint16_t lidx,
				     const struct lr_addr *remote);
/* The same in two steps, so that a burst can ask for several buckets
 * before it reads any: the bucket of a 5-tuple, then the lookup in it. */
unsigned lr__flow_tuple_bucket(const struct lr__fwd *f, uint16_t lidx,
			       const struct lr_addr *remote);
struct lr__dpsess *lr__flow_in_bucket(struct lr__fwd *f, unsigned bucket,
				      uint16_t lidx,
				      const struct lr_addr *remote);
/* s->to[] for the current topology (a no-op while it is current). */
void lr__flow_targets(struct lr__fwd *f, struct lr__dpsess *s);
/* Install with own (the claim table of several workers, or NULL),
 * update with ho (the hand-over of the flow's streams, or NULL). */
int lr__flow_install(struct lr__fwd *f, uint64_t id,
		     const struct lr_dp_session *d, void *own);
int lr__flow_update(struct lr__fwd *f, uint64_t id,
		    const struct lr_dp_session *d, void *ho);
int lr__flow_remove(struct lr__fwd *f, uint64_t id);
/* Every session, for the caller's fn (which must not remove it). */
void lr__flow_each(struct lr__fwd *f,
		   void (*fn)(struct lr__dpsess *s, void *arg), void *arg);

/* feedback.c */
int lr__fb_init(struct lr__fwd *f);
void lr__fb_fini(struct lr__fwd *f);
int lr__fb_link(struct lr__fwd *f, struct lr__dpsess *s);
void lr__fb_unlink(struct lr__fwd *f, struct lr__dpsess *s);
struct lr__dpfb *lr__fb_find(const struct lr__fwd *f, uint64_t to,
			     uint32_t ssrc);
/* The streams relayed RTCP uses, made from the description (never by
 * input): s's rtcp_ssrc; if s relays reports, its routes' leg SSRCs on
 * their targets; if s was just installed (fresh), the leg SSRCs the
 * routes of reporting publishers give it. 0, or -ENOSPC (no slot left
 * for rtcp_ssrc). */
int lr__fb_streams(struct lr__fwd *f, struct lr__dpsess *s, int fresh);

/* rtcp_relay.c: relays the feedback (relay_feedback) and sender reports
 * (relay_reports) in s's decrypted RTCP p[0..len), within the limits,
 * at time now_ms; what is left, moved to the front, for the punt: its
 * length. */
size_t lr__rtcp_relay(struct lr__fwd *f, struct lr__dpsess *s, uint8_t *p,
		      size_t len, uint32_t now_ms);
/* Its working memory (one per core, from env->zalloc). */
struct lr__relay_scratch *lr__relay_scratch_new(const struct lr__fwd_env *env);

/* relay_seal.c: b's RTCP (pkt.len set), for session s: SRTCP-protected
 * with s's context and addressed to s's peer: 1 (rtcp_sent counted), or
 * 0 and the drop counted on the worker and on s. The relayed item it,
 * on the worker that protects its target's RTCP, protected into b: 1,
 * or 0 (counted, or nothing left to send); *now is read through env
 * once (*now_read counts). */
int lr__rtcp_seal(struct lr__fwd *f, struct lr__dpsess *s, struct lr__dpbuf *b);
int lr__relay_seal(struct lr__fwd *f, const struct lr__relay_item *it,
		   struct lr__dpbuf *b, uint32_t *now, unsigned *now_read);

/* a's index in set[0..n) (the local addresses), or -1. */
static inline int lr__addr_index(const struct lr_addr *set, unsigned n,
				 const struct lr_addr *a)
{
	for (unsigned i = 0; i < n; i++)
		if (lr_addr_eq(&set[i], a))
			return (int)i;
	return -1;
}

/* A punt's copy of b (b->pkt.len <= sizeof(p->buf), the caller's
 * check), for an environment's punt hook. */
static inline void lr__punt_copy(struct lr_dp_punt *p, enum lr_dp_punt_why why,
				 uint64_t session, const struct lr__dpbuf *b)
{
	p->why = why;
	p->session = session;
	p->local = b->local;
	p->remote = b->remote;
	p->len = b->pkt.len;
	memcpy(p->buf, b->pkt.data, b->pkt.len);
}

/* The limits' times (lr__dpfb *_at): now as a time to keep (0 is
 * "never"), and whether interval has passed since at. */
static inline uint32_t lr__relay_stamp(uint32_t now)
{
	return now ? now : 1;
}

static inline int lr__relay_passed(uint32_t at, uint32_t now, uint32_t interval)
{
	return !at || now - at >= interval;
}

#endif
