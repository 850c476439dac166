/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linerated, inside: one control thread owns everything here. It polls
 * the HTTP server (libmicrohttpd, run from our loop: no thread of its
 * own), the data plane's punt queue and the signals; each session is an
 * lr_pc (sans-IO) whose datagrams go out through lr_dp_send and whose
 * media, once DTLS is done, is the data plane's (lr_dp_session_install
 * with the room's routes).
 *
 *   http.c      requests: routing, bodies, CORS, auth, limits, replies
 *   whip.c      WHIP/WHEP: POST (offer -> answer), PATCH, DELETE
 *   session.c   a session's life: lr_pc, its datagrams, its events,
 *               hand-over to the data plane
 *   punt.c      what the data plane hands up, to the right session
 *   room.c      rooms: routes publisher -> viewers, keyframes, BYE
 *   rtcp.c      receiver reports: viewers' end here, publishers get ours
 *   chat.c      data-channel chat and DTMF announcements in a room
 *   metrics.c   /metrics (Prometheus), /stats (JSON), /healthz
 *   map.c       the tables (bounded hash maps)
 *   loop.c      the loop, signals, drain
 */
#ifndef LINERATED_GW_H
#define LINERATED_GW_H

#include <stddef.h>
#include <stdint.h>

#include "gw_config.h"
#include "gw_log.h"
#include "linerate/lr_dp.h"
#include "linerate/lr_dtmf.h"
#include "linerate/lr_pc.h"

#define GW_RID_LEN	32 /* hex characters of a session's resource id */
#define GW_TUPLES	8  /* remote addresses remembered per session */
#define GW_ROOM_NAME	64
#define GW_KINDS	2 /* audio, video */
#define GW_HIST_BUCKETS 12
#define GW_CODECS	32 /* codecs remembered per kind */

enum gw_kind {
	GW_PUBLISH = 1,
	GW_PLAY
};

/* A bounded hash map of byte keys (copied) to pointers. */
struct gw_map_ent {
	struct gw_map_ent *next;
	void *val;
	size_t klen;
	uint8_t key[];
};
struct gw_map {
	struct gw_map_ent **b;
	size_t nb, n, max;
};
int gw_map_init(struct gw_map *m, size_t buckets, size_t max);
void gw_map_free(struct gw_map *m);
void *gw_map_get(const struct gw_map *m, const void *key, size_t klen);
/* 0, -ENOSPC (max entries), -ENOMEM. An existing key is replaced. */
int gw_map_put(struct gw_map *m, const void *key, size_t klen, void *val);
void gw_map_del(struct gw_map *m, const void *key, size_t klen);

/* A remote 5-tuple, and the bytes the maps key it by (no padding). */
struct gw_tuple {
	uint16_t lidx;
	struct lr_addr remote;
};
#define GW_TUPLE_KEY 21
void gw_tuple_key(const struct gw_tuple *t, uint8_t key[GW_TUPLE_KEY]);

struct gw_room;

/* An RTP timestamp and when it was current (us): where a stream's clock
 * stands, to extrapolate (ts_at). */
struct gw_tsref {
	int have;
	uint32_t ts;
	uint64_t at;
};
uint32_t gw_ts_at(const struct gw_tsref *r, uint32_t clock, uint64_t now);

/* What the last receiver report for a publisher's track said. */
struct gw_rr {
	int have;
	uint32_t ext;	  /* extended highest sequence number */
	uint64_t packets; /* authentic packets then */
	int64_t cum_lost;
	uint32_t lsr;	 /* the middle of its last SR's NTP time */
	uint64_t lsr_at; /* when that came (us; 0: none yet) */
};

struct gw_session {
	struct gw *gw;
	uint64_t id; /* the data plane's session id */
	char rid[GW_RID_LEN + 1];
	char etag[20];
	enum gw_kind kind;
	struct gw_room *room;
	struct gw_session *next, *prev;	  /* all sessions */
	struct gw_session *rnext, *rprev; /* the room's viewers */
	struct lr_pc *pc;
	unsigned lidx; /* the data-plane address it uses */
	char client[64];
	char token_name[64];
	int state; /* enum lr_pc_conn_state */
	uint64_t created_us, connected_us, ended_us;
	int keys, installed, failed_counted;
	struct lr_pc_keys k; /* secret: wiped after the install */
	uint64_t handover_by;
	/* the selected pair the data plane was given */
	struct lr_addr dp_remote;
	struct gw_tuple tuples[GW_TUPLES];
	unsigned ntuples, next_tuple;
	char ufrag[260];
	/* media, by kind (0 audio, 1 video): the transceiver, its SSRC
	 * (the publisher's, or ours to the viewer), the codec's payload
	 * type and name */
	int tr[GW_KINDS];
	uint32_t ssrc[GW_KINDS];
	int pt[GW_KINDS];
	char codec[GW_KINDS][32];
	/* every codec the answer settled, per kind ("VP8/90000" -> its
	 * payload type): what a publisher's codec is on this viewer,
	 * without parsing the SDP again at each change of the room */
	struct gw_codec {
		int pt;
		char name[32];
	} codecs[GW_KINDS][GW_CODECS];
	unsigned ncodecs[GW_KINDS];
	int dtmf_pt[2];		      /* telephone-events, or -1 */
	uint16_t first_seq[GW_KINDS]; /* publisher: next seq in, at install */
	int have_seq[GW_KINDS];
	uint32_t rtcp_ssrc; /* publisher: ours for its feedback */
	/* publisher: where its clocks stand (its RTP, its SRs) and their
	 * rates */
	struct gw_tsref in_ts[GW_KINDS];
	uint32_t clock[GW_KINDS];
	/* viewer: the sequence and timestamp offsets per kind, for
	 * publisher seq_for, and where its clocks stood when the last
	 * publisher left (a new one goes on after them) */
	uint64_t seq_for[GW_KINDS];
	uint16_t seq_delta[GW_KINDS];
	uint32_t ts_delta[GW_KINDS];
	struct gw_tsref out_ts[GW_KINDS];
	struct gw_rr rr[GW_KINDS]; /* publisher: our reports */
	uint64_t rr_next;
	/* chat: messages this second, for the limit */
	uint64_t chat_second;
	unsigned chat_count;
	uint64_t pli_at, pli_due;
	struct lr_dtmf_receiver dtmf[2]; /* by dtmf_pt */
	uint32_t dtmf_clock[2];
	int chat; /* the data channel, or -1 */
	int chat_open;
	unsigned viewer_no;
	int dirty; /* something to pump */
	int dead;  /* ended: freed at the end of the loop round */
};

struct gw_room {
	char name[GW_ROOM_NAME];
	struct gw_room *next;
	struct gw_session *pub;
	struct gw_session *viewers;
	unsigned nviewers, next_viewer_no;
};

struct gw_metrics {
	uint64_t http[600]; /* responses by status */
	uint64_t rejects_ratelimit, rejects_capacity, rejects_auth;
	uint64_t ice_failed, dtls_failed, sessions_total[3];
	uint64_t punts_unknown, rtcp_terminated, cands_skipped;
	uint64_t chat_messages, chat_dropped, dtmf_events, keyframe_requests;
	uint64_t rr_sent, dtmf_dropped;
	uint64_t hist[GW_HIST_BUCKETS + 1]; /* handshake seconds */
	double hist_sum;
	uint64_t hist_n;
};

struct gw_rate_ent {
	double tokens;
	uint64_t at_us;
};

struct gw {
	struct gw_config cfg;
	struct gw_log log;
	struct lr_dp *dp;
	const char *backend_name;
	struct lr_cert *cert;
	struct lr_dtls_ctx *dtls;
	struct lr_srtp_worker *srtp;
	struct MHD_Daemon *httpd;
	uint16_t http_port;
	unsigned nlocal;
	struct lr_addr dp_local[GW_MAX_PORTS];
	struct lr_addr adv[GW_MAX_PORTS]; /* what candidates say */
	unsigned next_lidx;
	struct gw_session *sessions;
	unsigned nsessions;
	struct gw_map by_rid, by_id, by_ufrag, by_tuple, rate;
	struct gw_room *rooms;
	unsigned nrooms;
	uint64_t next_id;
	struct gw_metrics m;
	uint64_t now; /* us, CLOCK_MONOTONIC, once a loop round */
	/* the earliest session deadline (lr_pc timers, hand-over, connect
	 * timeout) and whether a session has something to send: the loop
	 * walks the sessions only then, never per datagram */
	uint64_t next_due;
	int any_dirty;
	uint64_t slow_at; /* rooms' and RTCP's timers: every GW_SLOW_US */
	uint64_t started_us;
	int draining, stop;
	uint64_t drain_until;
	int sigfd;
};

/* loop.c */
uint64_t gw_now_us(void);
int gw_open(struct gw *g);
int gw_run(struct gw *g);
void gw_close(struct gw *g);

/* http.c */
int gw_http_start(struct gw *g);
void gw_http_stop(struct gw *g);
int gw_http_fd(struct gw *g);
void gw_http_run(struct gw *g);
uint64_t gw_http_timeout_ms(struct gw *g);

/* A request as the handlers see it, and their reply. */
struct gw_req {
	const char *method, *path, *origin, *auth, *ctype, *if_match;
	const char *client; /* the peer's address, text */
	const char *body;
	size_t len;
};
struct gw_reply {
	unsigned status;
	const char *ctype;
	char *body; /* malloc'd, or NULL */
	size_t len;
	char location[96], etag[24];
	unsigned retry_after;
	int ice_links;	   /* add the Link: rel="ice-server" headers */
	int allow;	   /* 405: list the methods */
	const char *cache; /* Cache-Control, or NULL */
};
void gw_reply_text(struct gw_reply *r, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* whip.c */
void gw_whip_post(struct gw *g, const struct gw_req *q, enum gw_kind kind,
		  const char *room, struct gw_reply *r);
void gw_whip_patch(struct gw *g, const struct gw_req *q, const char *rid,
		   struct gw_reply *r);
void gw_whip_delete(struct gw *g, const struct gw_req *q, const char *rid,
		    struct gw_reply *r);

/* session.c */
int gw_session_new(struct gw *g, enum gw_kind kind, struct gw_room *room,
		   const char *client, struct gw_session **out);
void gw_session_end(struct gw_session *s, const char *why);
void gw_session_free(struct gw_session *s);
void gw_session_pump(struct gw_session *s);
/* Something for the loop to pump (chat to send, candidates added). */
void gw_session_mark(struct gw_session *s);
void gw_session_timers(struct gw *g);
int gw_session_input(struct gw_session *s, unsigned lidx,
		     const struct lr_addr *remote, const uint8_t *buf,
		     size_t len);
/* The telephone-event payload types the data plane hands up. */
void gw_session_punt_pts(const struct gw_session *s, uint8_t pts[2]);
void gw_session_remember(struct gw_session *s, unsigned lidx,
			 const struct lr_addr *remote);
const char *gw_session_state_name(int state);
struct gw_session *gw_session_by_rid(struct gw *g, const char *rid);
void gw_sessions_reap(struct gw *g);

/* punt.c */
void gw_punts(struct gw *g, unsigned budget);

/* room.c */
struct gw_room *gw_room_get(struct gw *g, const char *name, int create);
int gw_room_join(struct gw_room *r, struct gw_session *s);
void gw_room_leave(struct gw_session *s);
/* Routes changed (a session installed, gone): the publisher's
 * data-plane session gets its routes anew. */
int gw_room_sync(struct gw_room *r);
int gw_room_update_session(struct gw_session *s);
void gw_room_desc(struct gw_session *s, struct lr_dp_session *d,
		  struct lr_dp_route *routes);
/* An error event for session s with its -errno. */
void gw_log_rc(const struct gw_session *s, const char *event, int rc);
void gw_room_keyframe(struct gw_room *r);
void gw_room_timers(struct gw *g);
void gw_room_maybe_free(struct gw *g, struct gw_room *r);
/* The routes of a publisher to each installed viewer. */
unsigned gw_room_routes(const struct gw_room *r, struct lr_dp_route *out,
			unsigned cap);

/* rtcp.c */
void gw_rtcp_in(struct gw_session *s, const uint8_t *p, size_t len);
void gw_rtcp_timers(struct gw *g);

/* chat.c */
void gw_chat_message(struct gw_session *s, const uint8_t *data, size_t len);
void gw_chat_dtmf(struct gw_session *s, char tone);
void gw_chat_room_state(struct gw_room *r);
void gw_chat_send(struct gw_session *s, const char *json);

/* metrics.c */
void gw_metrics(struct gw *g, struct gw_reply *r);
void gw_stats(struct gw *g, struct gw_reply *r);
void gw_healthz(struct gw *g, struct gw_reply *r);
void gw_metrics_handshake(struct gw *g, double seconds);

/* web.c (generated from web/ at build time) */
struct gw_web_file {
	const char *path, *ctype;
	const unsigned char *data;
	size_t len;
};
const struct gw_web_file *gw_web_find(const char *path);

/* Text helpers (util.c) */
int gw_addr_text(const struct lr_addr *a, char *out, size_t cap);
int gw_random_hex(char *out, size_t nhex);
struct gw_buf {
	char *p;
	size_t n, cap;
	int err;
};
void gw_buf_printf(struct gw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gw_buf_json_str(struct gw_buf *b, const char *s);

#endif
