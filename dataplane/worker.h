/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A worker: one thread that runs the forwarding core over its backend's
 * I/O (worker.c, the one loop for every backend), with its own pool,
 * sessions and counters (fwd), the queues the control thread talks to it
 * through, its ring of punts to the control thread, its rings of relayed
 * RTCP from the other workers (relay_ring.c) and of requests for the
 * streams it holds (owner.c). The backend keeps its per-worker state in
 * be.
 */
#ifndef LR_DP_WORKER_H
#define LR_DP_WORKER_H

#include <pthread.h>
#include <stdatomic.h>

#include "front.h"
#include "fwd/fwd.h"
#include "spsc.h"

#define DP_PUNT_RING 2048 /* punts waiting, per worker (~1.5 KB each) */

struct lr__relayq;
struct lr__dpreqs;
struct lr__dpown;
struct lr__dprxho;

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

/* A datagram of the control thread's, in the order asked. */
struct lr__dpsend {
	struct lr__dpsend *next;
	int inject;    /* as received, through the engine */
	uint64_t rtcp; /* non-zero: RTCP for this session id, to protect */
	uint16_t lidx; /* the local address it leaves from (not RTCP's) */
	struct lr_addr remote;
	size_t len;
	uint8_t buf[];
};

struct lr__worker {
	struct lr__fwd fwd; /* first: the core's hooks find the worker */
	struct lr_dp *dp;   /* the front */
	unsigned index;	    /* 0 .. nw - 1 */
	struct lr_srtp_worker *crypto;
	pthread_t thread;
	atomic_int stop;
	int started; /* 0 until the loop says: 1 runs, or -errno */
	/* eventfd a sleeping backend watches (ops->wake writes it); made
	 * and closed here, so that it outlives the thread */
	int wake_fd;
	/* the control thread's commands and datagrams (locked; pending
	 * says there are some: the loop reads one atomic per round) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int pending;
	struct lr__dpcmd *cmds;
	struct lr__dpsend *sends, *sends_tail;
	/* what it hands the control thread (lr_dp_poll_punt reads every
	 * worker's ring; the front's punt_fd is written once a burst that
	 * punted); a full ring counts punt_dropped */
	struct lr__spsc punts;
	int punt_woke;
	/* The RTCP relay (relay_ring.c): relay_in[i] is the ring from
	 * worker i to this one (its consumer); relay_woke: the workers
	 * this one queued to since it last woke them; relay_next: the
	 * ring to drain first. */
	struct lr__relayq *relay_in;
	unsigned nrelay_in, relay_next;
	uint64_t relay_woke;
	/* owner.c: requests from the other workers for a stream this one
	 * holds */
	struct lr__dpreqs *reqs;
	void *be; /* the backend's */
};

static inline struct lr__worker *lr__worker_of(struct lr__fwd *f)
{
	return (struct lr__worker *)(void *)f;
}

/* worker.c */
/* A worker of dp: made, its thread started and its backend open (then
 * 0), or -errno with nothing left. */
int lr__worker_new(struct lr_dp *dp, unsigned index, struct lr__worker **out);
/* Stopped (thread joined) and freed; stop first when several share. */
void lr__worker_stop(struct lr__worker *w);
void lr__worker_free(struct lr__worker *w);
/* Queue a command and wait until the worker has done it. */
int lr__worker_cmd(struct lr__worker *w, struct lr__dpcmd *c);
/* A copy of buf for the worker, in its next round: to remote from local
 * address lidx (checked by the caller), or RTCP for session rtcp (lidx
 * and remote unused: the session's). */
int lr__worker_queue(struct lr__worker *w, uint16_t lidx,
		     const struct lr_addr *remote, const void *buf, size_t len,
		     int inject, uint64_t rtcp);
/* Wake the worker if it sleeps (any thread). */
void lr__worker_kick(struct lr__worker *w);
/* The environment the core runs in here (for white-box tests too). */
extern const struct lr__fwd_env lr__worker_env;
void lr__worker_punt(struct lr__fwd *f, enum lr_dp_punt_why why,
		     uint64_t session, const struct lr__dpbuf *b);

/* relay_ring.c: the rings in (nw of them, cfg's limits' defaults
 * filled in by the front), the slot to fill for session to's RTCP
 * worker (NULL: its ring is full) and its push, the wake-up of the
 * workers queued to, once per burst; the consumer's side, between
 * bursts: items protected into tx[0..max), how many. */
uint32_t lr__relay_now_ms(void);
int lr__relay_init(struct lr__worker *w, unsigned workers);
void lr__relay_fini(struct lr__worker *w);
struct lr__relay_item *lr__relay_slot(struct lr__worker *w, uint64_t to);
void lr__relay_push(struct lr__worker *w, uint64_t to);
void lr__relay_wake(struct lr__worker *w);
unsigned lr__relay_drain(struct lr__worker *w, struct lr__dpbuf **tx,
			 unsigned max);

/* owner.c: one owner per SRTP stream with several workers.
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
int lr__own_init(struct lr__worker *w);
void lr__own_fini(struct lr__worker *w);
/* Control thread: the claim table of a session to install, with the
 * SRTP state of its tx_state parked in it (0 or -errno); freed once no
 * worker has the session. */
int lr__own_new(struct lr_dp *dp, const struct lr_dp_session *d,
		unsigned nslots, struct lr__dpown **out);
void lr__own_free(struct lr__dpown *o);
/* The core's hooks (struct lr__fwd_env): at install, rx_own and the tx
 * context's owned mode; at update, the hand-over; at protect, the
 * retry of packets whose streams another worker holds. */
int lr__own_install(struct lr__fwd *f, struct lr__dpsess *s,
		    const struct lr_dp_session *d, void *own);
void lr__own_rx_moved(struct lr__fwd *f, struct lr__dpsess *s, void *ho);
unsigned lr__own_retry(struct lr__fwd *f, struct lr__dpsess *s,
		       struct lr_pkt **pk, unsigned n);
/* Worker: take the flow's streams from ho (DP_RX_TAKE); between
 * bursts, hand over what was asked for. */
void lr__own_rx_take(struct lr__worker *w, struct lr__dpsess *s,
		     struct lr__dprxho *ho);
void lr__own_serve(struct lr__worker *w);

#endif
