/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals of the data plane: buffers, sessions, the worker, commands. */
#ifndef LR_DP_INTERNAL_H
#define LR_DP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include "linerate/lr_dp.h"
#include "spsc.h"
#include "linerate/lr_srtp.h"

#define DP_BUF_ROOM   1600 /* 1500-byte datagrams plus any SRTP trailer */
#define DP_MAX_LOCAL  8
#define DP_TX_STREAMS 64   /* default outgoing SSRCs per session (fan-in) */
#define DP_PUNT_RING  2048 /* punts waiting, per worker (~1.5 KB each) */

struct lr__dpsess;
struct lr__relayq;
struct lr__relay_item;
struct lr__dpown;
struct lr__dprxho;
struct lr__dpreqs;

/* A datagram in the worker. pkt.data is data[], or, when pkt.priv is set,
 * storage the backend lent (an mbuf, a ring buffer) that goes back
 * through ops->release when the buffer is put. */
struct lr__dpbuf {
	struct lr_pkt pkt;
	struct lr_addr local, remote;
	uint16_t lidx; /* which local address */
	struct lr__dpsess *sess;
	struct lr__dpbuf *next; /* free list */
	uint8_t data[DP_BUF_ROOM];
};

/* A route's feedback entry (flow/feedback.c). */
struct lr__dpfb {
	uint64_t to;		 /* the target session */
	uint32_t ssrc;		 /* the SSRC it sees */
	struct lr__dpsess *from; /* the publisher */
	uint32_t in_ssrc;	 /* the publisher's SSRC */
	uint16_t seq_delta;	 /* the route's: target seq = in + delta */
	struct lr__dpfb *next;
	/* The relay's (rtcp_relay.c, relay_out.c). Times in ms, 0: never.
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
	 * use (flow/owner.c; read with the 5-tuple, on its cache line) */
	uint8_t rx_own;
	struct lr_srtp_ctx rx, tx;
	struct lr_dp_route routes[LR_DP_MAX_ROUTES];
	unsigned nroutes;
	/* routes[i].to resolved (NULL: not installed), valid while to_gen
	 * equals the worker's topo_gen (lr__flow_targets) */
	uint64_t to_gen;
	struct lr__dpsess *to[LR_DP_MAX_ROUTES];
	struct lr_dp_session_stats st;
	/* The backend's next-hop cache for the peer (dpdk: its MAC), valid
	 * while l2_gen equals the backend's table generation (0: never). */
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
	/* Several workers (flow/owner.c): the session's table of who
	 * protects which of its outgoing SSRCs (NULL: one worker). */
	struct lr__dpown *own;
	struct lr_srtp_stream streams[]; /* rx.max_streams, then tx's */
};

/* What the control thread asks of the worker. */
enum dp_op {
	DP_INSTALL = 1,
	DP_UPDATE,
	DP_REMOVE,
	DP_STATS,
	DP_SSTATS,
	DP_RX_TAKE, /* take the flow's streams over (lr__own_rx_take) */
	DP_TXSTATE, /* a tx stream's state (lr_dp_session_tx_state) */
	DP_RXSTATE  /* an rx stream's (lr_dp_session_rx_state) */
};

struct lr__dpcmd {
	struct lr__dpcmd *next;
	enum dp_op op;
	uint64_t id;
	struct lr_dp_session desc; /* pointers into the copies below */
	uint32_t ssrcs[LR_DP_MAX_SSRCS];
	struct lr_dp_route routes[LR_DP_MAX_ROUTES];
	struct lr_srtp_stream_state rx_state[LR_DP_MAX_SSRCS];
	struct lr_srtp_stream_state tx_state[DP_TX_STREAMS];
	struct lr_dp_stats *stats;
	struct lr_dp_session_stats *sstats;
	struct lr_srtp_stream_state *txstate; /* DP_TXSTATE: ssrc in it */
	int result;
	int done;
	/* several workers: the session's claim table (install: given;
	 * remove: returned, for the control thread to free once every
	 * worker is done with it) and the peer's streams when its flow
	 * moves to another worker (update, DP_RX_TAKE) */
	struct lr__dpown *own;
	struct lr__dprxho *rxho;
};

struct lr__dpsend {
	struct lr__dpsend *next;
	int inject;    /* as received, through the engine */
	uint64_t rtcp; /* non-zero: RTCP for this session id, to protect */
	struct lr_addr local, remote;
	size_t len;
	uint8_t buf[];
};

struct lr__dp_backend_ops {
	const char *name;
	int (*open)(struct lr_dp *dp);
	void (*close)(struct lr_dp *dp);
	void *(*run)(void *dp); /* the worker thread */
	/* Storage a buffer borrowed (pkt.priv) is done with; only for
	 * backends that lend their own (NULL otherwise). Worker thread. */
	void (*release)(struct lr_dp *dp, void *priv);
	/* Packets b[0..n) just authenticated (SRTP or SRTCP), before
	 * anything else is done with them: what the backend may believe
	 * of their sources (dpdk: their MACs). NULL: nothing. Worker. */
	void (*authentic)(struct lr_dp *dp, struct lr__dpbuf **b, unsigned n);
};

struct lr_dp {
	struct lr_dp_config cfg;
	const struct lr__dp_backend_ops *ops;
	/* Workers (workers.c): the lr_dp a caller holds is worker 0, the
	 * front; shard[0..nshards) are all of them (just &self for one). The
	 * others punt into the front's queue. */
	struct lr_dp *front, *self, **shard;
	unsigned nshards;
	unsigned index; /* this worker's, 0 .. cfg.workers - 1 */
	struct lr_addr local[DP_MAX_LOCAL];
	unsigned nlocal;
	int fd[DP_MAX_LOCAL]; /* sock: one UDP socket per local address */
	int wake_fd;	      /* eventfd: commands and sends waiting */
	int punt_fd;	      /* eventfd: punts waiting */
	int no_gso;	      /* the kernel refused UDP GSO once */
	int started; /* 0 until the backend loop says: 1 runs, or -errno */
	pthread_t thread;
	atomic_int stop;
	atomic_int pending; /* commands or sends queued */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct lr__dpcmd *cmds;
	struct lr__dpsend *sends, *sends_tail;
	/* what this worker hands the control thread (lr_dp_poll_punt reads
	 * every worker's ring; the front's punt_fd is written once a burst
	 * that punted); a full ring counts punt_dropped */
	struct lr__spsc punts;
	int punt_woke;
	unsigned punt_rr; /* front: the ring to read first */
	/* worker-owned from here on */
	struct lr_srtp_worker *crypto;
	struct lr__dpsess **by_id, **by_tuple;
	struct lr__dpfb **by_fb; /* (target, SSRC) -> publisher */
	unsigned nbuckets, nsessions;
	uint64_t topo_gen; /* changes when a session comes or goes */
	uint64_t session_bytes;
	struct lr__dpbuf *bufs, *free_bufs;
	unsigned nfree;
	struct lr_dp_stats st;
	struct lr__dpbuf *legs[LR_DP_BURST * LR_DP_MAX_ROUTES]; /* scratch */
	void *backend; /* backend-private */
	/* The RTCP relay (relay_out.c): relay_in[i] is the ring from worker
	 * i to this one (its consumer); by_to chains the feedback entries by
	 * target session; relay_woke: the workers this one queued to since
	 * it last woke them; relay_next: the ring to drain first. */
	struct lr__relayq *relay_in;
	unsigned nrelay_in, relay_next;
	struct lr__dpfb **by_to;
	uint64_t relay_woke;
	uint32_t (*relay_clock)(void); /* white-box tests' (NULL: the real) */
	/* flow/owner.c: requests from the other workers to hand over an
	 * outgoing stream this one holds; the control thread's count of
	 * claim tables made (front) */
	struct lr__dpreqs *reqs;
	uint64_t own_gen;
};

/* UDP GSO limits (UDP_MAX_SEGMENTS; the sum under 64 KiB). */
#define DP_GSO_SEGS  64
#define DP_GSO_BYTES 60000

/* The largest datagram the socket backends take (more: dropped). */
#define DP_RX_ROOM 1500

#ifndef UDP_GRO
#define UDP_GRO 104 /* linux/udp.h */
#endif

/* The segment size a UDP_GRO control message carries; 0 for any other
 * control message (socket backends: a received GRO message). */
static inline unsigned lr__dp_gro_seg(const struct cmsghdr *c)
{
	int v;

	if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO)
		return 0;
	memcpy(&v, CMSG_DATA(c), sizeof(v));
	return v > 0 ? (unsigned)v : 0;
}

/* flow/flow.c (worker) */
int lr__flow_init(struct lr_dp *dp);
void lr__flow_fini(struct lr_dp *dp);
struct lr__dpsess *lr__flow_by_id(struct lr_dp *dp, uint64_t id);
struct lr__dpsess *lr__flow_by_tuple(struct lr_dp *dp, uint16_t lidx,
				     const struct lr_addr *remote);
/* The same in two steps, so that a burst can ask for several buckets
 * before it reads any: the bucket of a 5-tuple, then the lookup in it. */
unsigned lr__flow_tuple_bucket(const struct lr_dp *dp, uint16_t lidx,
			       const struct lr_addr *remote);
struct lr__dpsess *lr__flow_in_bucket(struct lr_dp *dp, unsigned bucket,
				      uint16_t lidx,
				      const struct lr_addr *remote);
/* s->to[] for the current topology (a no-op while it is current). */
void lr__flow_targets(struct lr_dp *dp, struct lr__dpsess *s);
int lr__flow_install(struct lr_dp *dp, uint64_t id,
		     const struct lr_dp_session *s);
int lr__flow_update(struct lr_dp *dp, uint64_t id,
		    const struct lr_dp_session *s);
int lr__flow_remove(struct lr_dp *dp, uint64_t id);
/* The same with several workers: install with the session's claim
 * table, update with the hand-over of the flow's streams (flow/owner.c;
 * NULL for one worker, as the calls above). */
int lr__flow_install_own(struct lr_dp *dp, uint64_t id,
			 const struct lr_dp_session *s, struct lr__dpown *own);
int lr__flow_update_ho(struct lr_dp *dp, uint64_t id,
		       const struct lr_dp_session *s, struct lr__dprxho *ho);
int lr__flow_local_index(const struct lr_dp *dp, const struct lr_addr *a);
/* flow/feedback.c */
int lr__fb_init(struct lr_dp *dp);
void lr__fb_fini(struct lr_dp *dp);
int lr__fb_link(struct lr_dp *dp, struct lr__dpsess *s);
void lr__fb_unlink(struct lr_dp *dp, struct lr__dpsess *s);
struct lr__dpfb *lr__fb_find(const struct lr_dp *dp, uint64_t to,
			     uint32_t ssrc);
/* The streams relayed RTCP uses, made from the description (never by
 * input): s's rtcp_ssrc; if s relays reports, its routes' leg SSRCs on
 * their targets; if s was just installed (fresh), the leg SSRCs the
 * routes of reporting publishers give it. 0, or -ENOSPC (no slot left
 * for rtcp_ssrc). */
int lr__fb_streams(struct lr_dp *dp, struct lr__dpsess *s, int fresh);
/* rtcp_relay.c: relays the feedback (relay_feedback) and sender reports
 * (relay_reports) in s's decrypted RTCP p[0..len), within the limits,
 * at time now_ms (lr__relay_now_ms); what is left, moved to the front,
 * for the punt: its length. */
size_t lr__rtcp_relay(struct lr_dp *dp, struct lr__dpsess *s, uint8_t *p,
		      size_t len, uint32_t now_ms);
/* relay_out.c: the relay's clock (CLOCK_MONOTONIC_COARSE, in ms; read
 * only when there is RTCP to relay); the rings in (cfg.workers of them,
 * the limits' defaults filled in) and out; the slot to fill for session
 * to's RTCP worker (NULL: its ring is full), and its push; the wake-up
 * of the workers queued to, once per burst; the consumer's side,
 * between bursts: items protected into tx[0..max), how many. */
uint32_t lr__relay_now_ms(const struct lr_dp *dp);
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

int lr__relay_init(struct lr_dp *dp, unsigned workers);
void lr__relay_fini(struct lr_dp *dp);
struct lr__relay_item *lr__relay_slot(struct lr_dp *dp, uint64_t to);
void lr__relay_push(struct lr_dp *dp, uint64_t to);
void lr__relay_wake(struct lr_dp *dp);
unsigned lr__relay_drain(struct lr_dp *dp, struct lr__dpbuf **tx, unsigned max);

/* engine.c (worker) */
struct lr__dpbuf *lr__buf_get(struct lr_dp *dp);
void lr__buf_put(struct lr_dp *dp, struct lr__dpbuf *b);
/* A received burst in, what to transmit out (tx has room for
 * LR_DP_BURST * LR_DP_MAX_ROUTES). The input buffers are consumed. */
unsigned lr__engine_burst(struct lr_dp *dp, struct lr__dpbuf **in, unsigned n,
			  struct lr__dpbuf **tx);
/* The backend loop, once it runs (rc 0) or failed to start (its
 * -errno: it then returns at once): lr_dp_new waits for this. */
void lr__dp_ready(struct lr_dp *dp, int rc);
void lr__engine_punt(struct lr_dp *dp, enum lr_dp_punt_why why,
		     uint64_t session, const struct lr__dpbuf *b);

/* dp.c */
int lr__dp_pool_init(struct lr_dp *dp);
/* Wake worker w if it sleeps (its eventfd; any thread). */
void lr__dp_kick(const struct lr_dp *w);
/* b's RTCP (pkt.len set), for session s: SRTCP-protected with s's
 * context and addressed to s's peer: 1 (rtcp_sent counted), or 0 and the
 * drop counted on the worker and on s. Worker thread. */
int lr__dp_rtcp_seal(struct lr_dp *dp, struct lr__dpsess *s,
		     struct lr__dpbuf *b);
int lr__dp_new_one(const struct lr_dp_config *cfg, struct lr_dp *front,
		   unsigned index, struct lr_dp **out);

/* flow/owner.c: one owner per SRTP stream with several workers.
 *
 * Inbound, a peer's flow (its whole rx context) is used by the worker
 * the steering names for its address only (rx_own); when an update
 * moves the address to another worker's, the old owner hands its
 * streams (indices, ROC, replay windows) over, through the command, to
 * the new one.
 *
 * Outbound, each SSRC a session sends is protected for SRTP by one
 * worker at a time, the one the session's claim table names; a worker
 * that needs an SSRC another holds asks it (its request ring, served
 * between bursts), which hands the stream's state over through the
 * table; meanwhile the packets count not_owner. A session's SRTCP is
 * always protected by worker id mod workers (its streams made there
 * for SRTCP only are not used for SRTP, lr_srtp_ctx_own). */
struct lr__dpclaim {
	_Atomic uint64_t word;	  /* SSRC, holder, state, requester */
	struct lr_srtp_stream st; /* parked: the state, for its taker */
};
struct lr__dpown {
	uint64_t gen; /* which install (requests carry it) */
	unsigned nslots;
	struct lr__dpclaim slot[];
};
/* The peer's streams on their way from one worker to another, and
 * where the giver was with retiring the previous keys of a re-key. */
struct lr__dprxho {
	int valid, taken;
	int retired;	/* the previous keys were retired there */
	uint32_t grace; /* else: packets still to see before they are */
	unsigned n;
	struct lr_srtp_stream st[LR_DP_MAX_SSRCS];
};
/* Worker: its request ring (0 or -ENOMEM), freed with it. */
int lr__own_init(struct lr_dp *dp);
void lr__own_fini(struct lr_dp *dp);
/* Control thread: the claim table of a session to install, with the
 * SRTP state of its tx_state parked in it (0 or -errno); freed once no
 * worker has the session. */
int lr__own_new(struct lr_dp *front, const struct lr_dp_session *d,
		unsigned nslots, struct lr__dpown **out);
void lr__own_free(struct lr__dpown *o);
/* Worker, at install: rx_own and the tx context's owned mode. */
int lr__own_install(struct lr_dp *dp, struct lr__dpsess *s,
		    const struct lr_dp_session *d, struct lr__dpown *own);
/* Worker, at update once s->remote is the new address: hand the flow's
 * streams into ho if it moves away from this worker, or take them from
 * ho if it comes here. */
void lr__own_rx_moved(struct lr_dp *dp, struct lr__dpsess *s,
		      struct lr__dprxho *ho);
void lr__own_rx_take(struct lr_dp *dp, struct lr__dpsess *s,
		     struct lr__dprxho *ho);
/* Worker, protect: packets pk[0..n) of target s failed; those that
 * failed not_owner get their stream claimed and are protected again.
 * pk[] is reordered as lr_srtp_protect does; returns how many passed. */
unsigned lr__own_retry(struct lr_dp *dp, struct lr__dpsess *s,
		       struct lr_pkt **pk, unsigned n);
/* Worker, between bursts: hand over what was asked for. */
void lr__own_serve(struct lr_dp *dp);
static inline unsigned lr__dp_nworkers(const struct lr_dp *dp)
{
	return dp->cfg.workers > 1 ? dp->cfg.workers : 1;
}

/* workers.c */
/* A new worker's links: its front (NULL: itself, worker 0) and a worker
 * list of one (itself). */
void lr__dp_worker_links(struct lr_dp *dp, struct lr_dp *front);
void lr__dp_workers_free(struct lr_dp *front);
/* Which worker a peer's flow belongs to (it owns the flow's inbound
 * streams, flow/owner.c): the one the kernel gives its datagrams to
 * (sock, uring), the one dpdk passes them to. On any worker's thread. */
unsigned lr__dp_steer(const struct lr_dp *dp, const struct lr_addr *remote);
/* The same over n workers, for a peer (family, ip in network order,
 * port). */
unsigned lr__dp_steer_n(uint8_t family, const uint8_t *ip, uint16_t port,
			unsigned n);
unsigned lr__dp_worker_cpu(const struct lr_dp_config *cfg, unsigned index);
void lr__dp_stats_add(struct lr_dp_stats *sum, const struct lr_dp_stats *w);

/* Between bursts: apply commands; the control plane's sends go into tx
 * (their count is returned), its injected datagrams into inj (up to
 * LR_DP_BURST, *ninj of them) for the engine, as if received. */
unsigned lr__dp_service(struct lr_dp *dp, struct lr__dpbuf **tx, unsigned max,
			struct lr__dpbuf **inj, unsigned *ninj);

/* backend/sock.c, also used by the other socket backends */
struct sockaddr_storage;
socklen_t lr__dp_to_sa(const struct lr_addr *a, struct sockaddr_storage *ss);
void lr__dp_from_sa(const struct sockaddr_storage *ss, struct lr_addr *a);
int lr__dp_sock_open(struct lr_dp *dp);
void lr__dp_sock_close(struct lr_dp *dp);

extern const struct lr__dp_backend_ops lr__dp_sock_ops;
extern const struct lr__dp_backend_ops lr__dp_uring_ops;
extern const struct lr__dp_backend_ops lr__dp_dpdk_ops;

#endif
