// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-gateway's pieces (bench/lr-bench-gateway.c has the method):
 *   gwb_http.c   a minimal HTTP/1.1 client (one request per connection)
 *   gwb_child.c  linerated as a child process: start, threads, CPU, stop
 *   gwb_peer.c   WHIP and WHEP clients made of lr_pc, each on its own
 *                UDP socket, and the loop that drives them
 *   gwb_media.c  the publisher's sender thread, the viewers' counting
 *   gwb_ref.c    the same room as an lr_dp in this process (no gateway)
 */
#ifndef LR_BENCH_GWB_H
#define LR_BENCH_GWB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "linerate/lr_dp.h"
#include "linerate/lr_pc.h"
#include "linerate/lr_srtp.h"

#define GWB_MAX_VIEWERS 64
#define GWB_VIDEO_SIZE	1200 /* RTP payload bytes of a video packet */
#define GWB_AUDIO_SIZE	160  /* ... of an audio packet */
#define GWB_BURST	32   /* video packets per sender message (GSO) */
#define GWB_LAG		2048 /* flat out: at most this many ahead */
#define GWB_SAMPLE	32   /* viewers decrypt one datagram in this many */
/* ... after the first GWB_CHECK_ALL, which they all decrypt: a receiver
 * that skips packets derives the SRTP index (RFC 3711 §3.3.1) from
 * fewer of them than the sender did, and a start that brings old
 * packets after new ones (see BENCHMARKS.md) can then put its rollover
 * counter one off the sender's for good; a browser decrypts every one */
#define GWB_CHECK_ALL 8192
#define GWB_MAGIC     0x4c524257u /* "LRBW": our payloads start with it */

uint64_t gwb_now_us(void);
void gwb_pin_self(int cpu);

/* ---- gwb_http.c ---- */
struct gwb_resp {
	int status;
	char location[256];
	char etag[64];
	char *body; /* malloc'd, NUL-terminated */
	size_t len;
};
/* One request to 127.0.0.1:port, Connection: close. 0 (any status: see
 * r->status) or -errno (connect, I/O, a reply that is not HTTP/1.x, a
 * body past 1 MiB, 10 s without an answer). */
int gwb_http(uint16_t port, const char *method, const char *path,
	     const char *ctype, const char *body, size_t len,
	     struct gwb_resp *r);
/* A whole reply (buf[0..n), NUL-terminated at n; a NUL before it is
 * refused) into r: the status line (HTTP/1.0 or 1.1, 100-599),
 * Location and ETag, the body up to Content-Length (the rest of buf
 * without one). 0, -EPROTO (not such a reply, a chunked one, a body cut
 * short) or -ENOMEM. */
int gwb_http_parse(const char *buf, size_t n, struct gwb_resp *r);
void gwb_resp_free(struct gwb_resp *r);
/* The value of `name` (a Prometheus sample line "name value", or the
 * sum of "name{...} value" lines when sum is set) in a /metrics text:
 * 0 and *out, or -ENOENT. */
int gwb_metric(const char *text, const char *name, int sum, double *out);

/* ---- gwb_child.c ---- */
struct gwb_gw {
	pid_t pid;
	uint16_t http_port;
	char dir[256];	/* its temporary directory: config and log */
	char log[288];	/* the log file (stdout and stderr) */
	int worker_tid; /* the data plane's thread (0: not known yet) */
	int ctl_cpu;	/* where its control thread was put (-1: none) */
	const char *backend;
};
/* Starts exe (linerated) with --backend backend on a free HTTP port of
 * 127.0.0.1, media on 127.0.0.1, no rate limit on new sessions (the
 * bench makes many from one address), no drain. With dp_cpu >= 0 the
 * whole process starts on that CPU and, once it is up, its control
 * thread is moved to ctl_cpu: the data plane's thread keeps dp_cpu to
 * itself, as lr-bench-fwd's worker does. 0 or -errno: -EIO its data
 * plane could not start (the backend does not run here), -ECHILD it
 * exited without saying it started, -ETIMEDOUT; the log's last lines
 * on stderr. */
int gwb_gw_start(struct gwb_gw *g, const char *exe, const char *backend,
		 int dp_cpu, int ctl_cpu);
/* SIGTERM, wait (then SIGKILL after 10 s), remove the directory. Returns
 * its exit status as waitpid gives it, or -1. */
int gwb_gw_stop(struct gwb_gw *g);
/* The threads of the process other than its main one: their ids into
 * tids (at most n); how many there are. */
int gwb_gw_threads(const struct gwb_gw *g, int *tids, int n);
/* CPU time of a thread of pid (ns): /proc/PID/task/TID/schedstat, else
 * its stat's utime + stime. 0 if it cannot be read. */
uint64_t gwb_task_cpu_ns(pid_t pid, int tid);
/* GET /metrics: 0 and the text (the caller frees it), or -errno. */
int gwb_gw_metrics(const struct gwb_gw *g, char **text);
/* Where to find linerated: argv's path if given, else next to this
 * program in the build tree (../control/gateway/linerated) or beside it.
 * NULL if none is executable. */
const char *gwb_find_linerated(const char *given, char *buf, size_t cap);

/* ---- gwb_peer.c ---- */
enum gwb_kind {
	GWB_PUBLISH = 1,
	GWB_PLAY
};

/* What every client shares: certificate, DTLS context, SRTP profiles. */
struct gwb_env {
	struct lr_cert *cert;
	struct lr_dtls_ctx *dtls;
	struct lr_srtp_worker *srtp; /* the loop thread's */
	uint16_t profile;	     /* the one SRTP profile offered */
	uint16_t http_port;
};
int gwb_env_init(struct gwb_env *e, uint16_t profile);
void gwb_env_free(struct gwb_env *e);

/* A viewer's count of what it received since it started counting. */
struct gwb_count {
	atomic_uint_fast64_t rtp; /* media datagrams */
	uint64_t rtcp, other;
	uint64_t verified, verify_failed; /* sampled SRTP checks */
	uint64_t late; /* checked and older than the replay window: a
			* receiver drops them (not a failure of the keys) */
	/* media datagrams older than one already received on their SSRC
	 * (reordered on the way), by the two SSRCs seen first */
	uint64_t reordered;
	uint32_t last_ssrc[2];
	uint16_t last_seq[2];
	/* the first failed check: why, and where its stream stood */
	uint16_t fail_why, fail_seq, ok_seq;
	uint32_t fail_ssrc;
	uint64_t fail_at; /* c.rtp then */
};

struct gwb_peer {
	enum gwb_kind kind;
	struct lr_pc *pc; /* NULL: a plain socket (the reference room) */
	int fd;
	struct lr_addr local;
	struct lr_addr remote; /* the gateway's media address, once known */
	char location[256];
	int tr[2]; /* audio, video transceivers */
	int pt[2]; /* their payload types (publisher: from the answer) */
	uint32_t ssrc[2];
	int keys, connected, failed, deleted;
	struct lr_pc_keys k; /* secret: only in this process */
	uint64_t t_post, t_answer, t_connected, t_first;
	uint32_t rep; /* viewers: the repetition whose first packet counts */
	/* publisher, before a hand-over: media sent through lr_pc */
	int send_media;
	uint32_t tag; /* written after GWB_MAGIC in each payload */
	uint64_t next_audio, next_video;
	uint32_t ts[2];
	/* viewer counting (after gwb_peer_count): datagrams, and a sampled
	 * SRTP check with the viewer's keys in its own context */
	int counting;
	struct gwb_count c;
	struct lr_srtp_ctx rx;
	struct lr_srtp_stream rx_streams[8];
	int rx_ok;
};

/* A client of kind on a new socket of 127.0.0.1: an lr_pc with an audio
 * and a video transceiver (sendonly for WHIP, recvonly for WHEP). */
int gwb_peer_new(struct gwb_peer *p, struct gwb_env *e, enum gwb_kind kind);
/* offer -> POST /whip/ROOM or /whep/ROOM -> answer. 0 or -errno (a
 * status other than 201 is -EPROTO, said on stderr). */
int gwb_peer_post(struct gwb_peer *p, struct gwb_env *e, const char *room);
/* DELETE its resource. 0 or -errno. */
int gwb_peer_delete(struct gwb_peer *p, struct gwb_env *e);
void gwb_peer_free(struct gwb_peer *p);
/* Count what arrives from now on instead of giving media to lr_pc, and
 * check the first GWB_CHECK_ALL datagrams, then one in GWB_SAMPLE, with
 * the keys rx in a context of w (the loop thread's worker). 0 or -errno
 * (then only counted). */
int gwb_peer_count(struct gwb_peer *p, struct lr_srtp_worker *w,
		   const struct lr_srtp_policy *rx);
/* A UDP socket of 127.0.0.1 (an ephemeral port, 8 MB buffers, UDP GRO):
 * its descriptor and address, or -errno. */
int gwb_udp_socket(struct lr_addr *local);

/* The peers the loop drives. */
struct gwb_world {
	struct gwb_env *env;
	struct gwb_peer *peers[GWB_MAX_VIEWERS + 2];
	unsigned n;
};
void gwb_world_add(struct gwb_world *w, struct gwb_peer *p);
void gwb_world_del(struct gwb_world *w, struct gwb_peer *p);
/* Drive every peer (sockets, timers, events, a publisher's media) until
 * `until` (us) or until done(arg) says so; 1 if done, 0 at the time. */
int gwb_world_run(struct gwb_world *w, uint64_t until, int (*done)(void *arg),
		  void *arg);

/* ---- gwb_media.c ---- */
/* The publisher's sender, its own thread (pinned to a CPU): video in
 * messages of GWB_BURST datagrams (UDP GSO), audio every 20 ms, SRTP
 * with the publisher's keys and the streams' state as lr_pc left them.
 * rate 0: as fast as the forwarder goes, never more than GWB_LAG ahead
 * of what viewer 0 has received (as lr-bench-fwd's generator paces); else
 * video packets per second. */
struct gwb_sender {
	int fd;
	struct lr_addr to;
	unsigned rate;
	int cpu;
	uint32_t ssrc[2];
	uint16_t seq[2];
	uint8_t pt[2];
	uint32_t tag;
	struct lr_srtp_worker *w;
	struct lr_srtp_ctx tx;
	struct lr_srtp_stream streams[4];
	const struct gwb_count *paced_by;
	atomic_int stop;
	uint64_t sent, audio_sent, send_errors, written_off;
	pthread_t th;
};
/* From a publisher connected through lr_pc: hands its media over
 * (lr_pc_media_handover) into s. 0 or -errno. */
int gwb_sender_from_peer(struct gwb_sender *s, struct gwb_peer *p);
/* From keys of the caller's (the reference room). */
int gwb_sender_from_policy(struct gwb_sender *s, int fd,
			   const struct lr_addr *to,
			   const struct lr_srtp_policy *pol,
			   const uint32_t ssrc[2], const uint8_t pt[2]);
int gwb_sender_start(struct gwb_sender *s, unsigned rate, int cpu,
		     const struct gwb_count *paced_by);
void gwb_sender_stop(struct gwb_sender *s);
/* A viewer's datagrams (GRO messages split): count, check (all at
 * first, then one in GWB_SAMPLE), give STUN and DTLS to lr_pc. */
void gwb_count_input(struct gwb_peer *p, uint8_t *buf, size_t len, uint64_t now,
		     const struct lr_addr *from);

/* ---- gwb_ref.c ---- */
/* The reference: the bench's room (one publisher, nv viewers, audio and
 * video, the gateway's session settings) installed into an lr_dp of this
 * process, pinned to cpu as lr-bench-fwd's worker is. */
struct gwb_ref {
	struct lr_dp *dp;
	struct lr_addr local;
	struct gwb_peer pub, view[GWB_MAX_VIEWERS];
	unsigned nv;
	struct lr_srtp_policy pub_rx, view_tx[GWB_MAX_VIEWERS];
	uint32_t pub_ssrc[2];
	uint8_t pt[2];
};
int gwb_ref_open(struct gwb_ref *r, enum lr_dp_backend be, unsigned nv,
		 uint16_t suite, int cpu);
void gwb_ref_close(struct gwb_ref *r);

#endif
