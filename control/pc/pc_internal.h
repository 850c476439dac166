/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals of lr_pc. */
#ifndef LR_PC_INTERNAL_H
#define LR_PC_INTERNAL_H

#include <string.h>

#include "linerate/lr_dtmf.h"
#include "linerate/lr_pc.h"
#include "linerate/lr_srtp.h"
#include "lr_dgram_q.h"

#define PC_MAX_LCANDS 16
/* DTLS that came before it could be judged (dtls_gate.c): this many
 * sources, each with at most this many datagrams and bytes. */
#define PC_EARLY_SOURCES 4
#define PC_EARLY_DGRAMS	 4
#define PC_EARLY_BYTES	 8192

struct lr__tr {
	char kind[8];	     /* "audio" or "video" */
	enum lr_sdp_dir dir; /* what the application asked for */
	int current;	     /* negotiated (ours), -1 before */
	char mid[16];	     /* "" until it has an m-line */
	int mline;	     /* its m-line, -1 before */
	uint32_t ssrc;	     /* what we send with */
	uint16_t seq;
	int send_pt; /* first negotiated codec, -1: none */
	uint32_t send_clock;
	int dtmf_pt; /* telephone-event we send with, -1: none */
	uint32_t dtmf_clock;
	uint8_t te_pts[4];     /* every negotiated telephone-event: the */
	uint32_t te_clocks[4]; /* peer may send with any of them */
	unsigned nte;
	uint8_t pts[32]; /* negotiated payload types */
	uint32_t clocks[32];
	unsigned npts;
	uint32_t rssrc[LR_PC_MAX_SSRCS]; /* the peer's SSRCs seen/signalled */
	unsigned nrssrc;
	int track_fired;
	struct lr_dtmf_sender *dtmf;
	struct lr_dtmf_receiver dtmf_rx;
	uint32_t ts_base; /* RTP timestamp origin for DTMF */
	uint64_t pkts_sent, bytes_sent, pkts_recv, bytes_recv;
};

struct lr__chan {
	int used;
	char *label;
	struct lr_dc_init init;
	char *protocol;
	int sid; /* SCTP stream, -1 until assigned */
	int remote;
	enum lr_dc_state state; /* before SCTP exists */
};

struct lr__pcev {
	struct lr__pcev *next;
	struct lr_pc_event ev;
};

struct lr__pctx {
	struct lr__pctx *next;
	struct lr_pc_transmit t;
};

struct lr__early_src {
	int used;
	struct lr_addr addr;
	struct lr__dgram_q q;
};

struct lr_pc {
	struct lr_pc_config cfg;
	uint64_t now;
	int closed;
	enum lr_pc_signaling sig;
	enum lr_pc_conn_state conn;
	/* descriptions: text and parsed */
	char *cur_local, *cur_remote, *pend_local, *pend_remote;
	struct lr_sdp *remote; /* parsed current-or-pending remote */
	int offerer;	       /* we made the last offer */
	int negotiated_once;
	int need_negotiation;
	int need_event; /* raised outside stable: fire when stable */
	int restart_pending;
	uint64_t session_id;
	unsigned version;
	/* transport */
	struct lr_ice_agent *ice;
	char lcands[PC_MAX_LCANDS][200]; /* our candidates, SDP form */
	int nlcands;
	int gather_done;
	struct lr__early_src early[PC_EARLY_SOURCES]; /* DTLS waiting */
	int ice_events_on; /* after the first setLocalDescription */
	enum lr_ice_conn_state ice_state;
	enum lr_ice_gather_state gather_state;
	char remote_fp[LR_CERT_FP_MAX];
	int dtls_client;
	struct lr_dtls *dtls;
	int dtls_started;
	enum lr_dtls_state dtls_state;
	struct lr_sctp *sctp;
	int data_mline; /* -1: no data section */
	char data_mid[16];
	uint16_t remote_sctp_port;
	uint32_t remote_mms;
	struct lr_srtp_session *srtp_tx, *srtp_rx;
	struct lr_srtp_worker *own_worker;
	int keys_ready;
	int offloaded; /* media belongs to a data plane now */
	uint16_t suite;
	struct lr_addr sel_local, sel_remote;
	uint8_t sel_local_type, sel_remote_type; /* enum lr_ice_cand_type */
	int have_sel;
	/* media and channels */
	struct lr__tr tr[LR_PC_MAX_TRANSCEIVERS];
	int ntr;
	struct lr__chan ch[LR_PC_MAX_CHANNELS];
	char cname[20];
	char stream_id[40];
	/* identity */
	char peer_identity[256];
	/* queues */
	struct lr__pcev *ev, *ev_tail;
	struct lr__pctx *tx, *tx_tail;
	/* stats */
	uint64_t rx_unknown, rx_not_selected, rx_rtp_drops, rx_rtcp,
		rx_offloaded, rx_dtls_refused;
	uint64_t bytes_sent, bytes_recv, pkts_sent, pkts_recv;
	unsigned dc_opened, dc_closed;
	uint8_t scratch[1600];
	/* DTLS only from authenticated addresses (dtls_gate.c) */
	int dtls_peer_seen; /* one of them reached lr_dtls */
	uint64_t rx_dtls_unauth, rx_dtls_early_drops;
};

/* pc.c */
struct lr__pcev *lr__pc_emit(struct lr_pc *pc, enum lr_pc_ev_type t);
void lr__pc_emit_state(struct lr_pc *pc, enum lr_pc_ev_type t, int state);
int lr__pc_queue_tx(struct lr_pc *pc, const uint8_t *buf, size_t len);
void lr__pc_update_conn(struct lr_pc *pc);
void lr__pc_negotiation_needed(struct lr_pc *pc);
/* buf[0..len) from the driver's CSPRNG (cfg.rand): 0 or -EIO. */
int lr__pc_random(struct lr_pc *pc, void *buf, size_t len);
int lr__pc_new_tr(struct lr_pc *pc, const char *kind, enum lr_sdp_dir dir);

/* offer.c */
int lr__pc_write_offer(struct lr_pc *pc, char *buf, size_t cap);
int lr__pc_write_answer(struct lr_pc *pc, char *buf, size_t cap,
			struct lr_sdp_error *err);
int lr__pc_identity_attr(struct lr_pc *pc, char *out, size_t cap);
/* The peer's a=identity: the IdP vouches for it, and it covers the
 * fingerprint the same description carries (RFC 8827). */
int lr__pc_check_identity(struct lr_pc *pc, const struct lr_sdp *sdp);

/* remote.c: the peer's description applied (credentials, candidates,
 * fingerprint, transceivers for what it offers). */
int lr__pc_apply_remote(struct lr_pc *pc, struct lr_sdp *sdp, int is_offer,
			struct lr_sdp_error *err);
int lr__pc_ensure_ice(struct lr_pc *pc, int controlling);
int lr__pc_find_tr(struct lr_pc *pc, const char *mid);
int lr__pc_cand_to_sdp(const struct lr_ice_candidate *c, char *out, size_t cap);
/* "host", "srflx", "prflx", "relay" (RTCIceCandidateType). */
const char *lr__pc_cand_type_name(unsigned type);
int lr__pc_cand_from_sdp(const char *value, struct lr_ice_candidate *c);

/* negotiate.c: what an answer settles, once both sides are known. */
int lr__pc_apply_answer(struct lr_pc *pc, const char *answer_text,
			int answer_is_local);

/* transport.c */
void lr__pc_emit_gathered(struct lr_pc *pc);
void lr__pc_start_dtls(struct lr_pc *pc);
void lr__pc_pump(struct lr_pc *pc);

/* dtls_gate.c: DTLS from src to lr_dtls if ICE authenticated src, else
 * held (bounded) or refused; 0 or -errno (-EACCES: unauthenticated,
 * -ENOBUFS: no room to wait, or lr_dtls_handle_input's). */
int lr__pc_dtls_input(struct lr_pc *pc, const struct lr_addr *src,
		      const uint8_t *buf, size_t len);
/* Held datagrams whose source is now authenticated go to lr_dtls. */
void lr__pc_dtls_release(struct lr_pc *pc);
void lr__pc_early_clear(struct lr_pc *pc);

/* media.c */
void lr__pc_on_rtp(struct lr_pc *pc, uint8_t *buf, size_t len);
void lr__pc_on_rtcp(struct lr_pc *pc, uint8_t *buf, size_t len);
int lr__pc_make_srtp(struct lr_pc *pc);
void lr__pc_dtmf_pump(struct lr_pc *pc);
uint64_t lr__pc_dtmf_timeout(const struct lr_pc *pc);

/* channels.c */
void lr__pc_sctp_up(struct lr_pc *pc);
void lr__pc_sctp_events(struct lr_pc *pc);

#endif
