/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_sdp: SDP (RFC 8866) as WebRTC peers send it, sans-IO.
 *
 * The model keeps every line in order, so anything this code does not
 * interpret (unknown attributes, b=, k=, ...) survives a parse/serialise
 * round trip unchanged. The attributes WebRTC relies on are checked
 * against their grammar at parse time, and typed parsers read them.
 * A rejected description names its line and the reason.
 *
 * Limits: 64 KiB of text, 64 media sections, 4096 lines (and those of
 * simulcast, below).
 */
#ifndef LINERATE_LR_SDP_H
#define LINERATE_LR_SDP_H

#include <stddef.h>
#include <stdint.h>

#define LR_SDP_MAX_TEXT	 65536
#define LR_SDP_MAX_MEDIA 64
#define LR_SDP_MAX_LINES 4096

struct lr_sdp_line {
	char type;	   /* 'v', 'o', 'a', ... */
	const char *value; /* after "x=", NUL-terminated, no CR/LF */
	uint32_t lineno;   /* 1-based, in the parsed text */
};

struct lr_sdp_media {
	char kind[16];	 /* audio, video, application, ... */
	uint16_t port;	 /* 0: rejected/disabled section */
	char proto[32];	 /* UDP/TLS/RTP/SAVPF, UDP/DTLS/SCTP, ... */
	const char *fmt; /* the format list as written */
	unsigned first;	 /* index of its m= line in lines[] */
	unsigned nlines; /* its lines, m= included */
};

struct lr_sdp {
	char *text; /* owned: the lines point into it */
	struct lr_sdp_line *lines;
	unsigned nlines;
	unsigned nsession; /* lines before the first m= */
	struct lr_sdp_media media[LR_SDP_MAX_MEDIA];
	unsigned nmedia;
};

struct lr_sdp_error {
	uint32_t lineno; /* 0: not about one line */
	char msg[120];
};

/* Parse text (CRLF or LF line ends). 0 and *out, or -EINVAL with err
 * filled (-ENOMEM, -E2BIG for the limits). Free with lr_sdp_free. */
int lr_sdp_parse(const char *text, size_t len, struct lr_sdp **out,
		 struct lr_sdp_error *err);
void lr_sdp_free(struct lr_sdp *s);
/* Serialise with CRLF line ends into buf (NUL-terminated). The length,
 * or -ENOSPC if cap is too small. */
int lr_sdp_write(const struct lr_sdp *s, char *buf, size_t cap);

/* The value of the nth attribute `name` (a=name:value or a=name) in the
 * session (media < 0) or media section `media`: after the colon, "" for a
 * flag attribute, NULL if absent. */
const char *lr_sdp_attr(const struct lr_sdp *s, int media, const char *name,
			unsigned nth);

/* Typed attribute values. Each returns 0 or -EINVAL. */
struct lr_sdp_candidate { /* RFC 8839 §5.1 */
	char foundation[33];
	uint16_t component;
	char transport[8]; /* "udp", "tcp" (lowercased) */
	uint32_t priority;
	char address[64]; /* IP or FQDN (.local for mDNS) */
	uint16_t port;
	char type[8];	/* host, srflx, prflx, relay */
	char raddr[64]; /* "" if absent */
	uint16_t rport;
	char tcptype[8]; /* active, passive, so, or "" */
	unsigned next;	 /* extension name/value pairs kept as text */
	const char *ext; /* points into the value: after the known part */
};
int lr_sdp_parse_candidate(const char *value, struct lr_sdp_candidate *c);

struct lr_sdp_fingerprint { /* RFC 8122 §5 */
	char hash[12];	    /* sha-256, sha-384, sha-512, sha-1 (lowercased) */
	uint8_t digest[64];
	unsigned len;
};
int lr_sdp_parse_fingerprint(const char *value, struct lr_sdp_fingerprint *f);

struct lr_sdp_rtpmap { /* RFC 8866 §6.6 */
	unsigned pt;
	char encoding[32];
	uint32_t clock;
	unsigned channels; /* 0 if not given */
};
int lr_sdp_parse_rtpmap(const char *value, struct lr_sdp_rtpmap *r);

struct lr_sdp_extmap { /* RFC 8285 §8 */
	unsigned id;
	char direction[10]; /* "" if not given */
	char uri[128];
};
int lr_sdp_parse_extmap(const char *value, struct lr_sdp_extmap *e);

/* Simulcast (RFC 8851 a=rid, RFC 8853 a=simulcast). Both are checked in
 * media sections only (RFC 8853 §5.2: ignored at session level), and
 * per section: rid-ids unique, every rid-id of a=simulcast defined by
 * an a=rid line of the same direction, at most one a=simulcast. Limits:
 * LR_SDP_MAX_RIDS a=rid lines per section and rid-ids per direction of
 * a=simulcast, rid-ids of LR_SDP_RID_ID_MAX characters, LR_SDP_MAX_PTS
 * payload types in pt=. */
#define LR_SDP_MAX_RIDS	  16
#define LR_SDP_RID_ID_MAX 32
#define LR_SDP_MAX_PTS	  16

enum lr_sdp_rid_dir {
	LR_SDP_RID_SEND = 0,
	LR_SDP_RID_RECV,
};

struct lr_sdp_rid { /* RFC 8851 §10 */
	char id[LR_SDP_RID_ID_MAX + 1];
	enum lr_sdp_rid_dir dir;
	unsigned npt; /* pt=: payload types (0..127), in order */
	uint8_t pt[LR_SDP_MAX_PTS];
	/* max-width, -height, -fs, -br, -pps: 0 if absent (or no value) */
	uint32_t max_width, max_height, max_fs, max_br, max_pps;
	double max_fps, max_bpp;  /* 0 if absent */
	unsigned ndepend;	  /* depend=: rid-ids, as written at depend */
	const char *depend;	  /* "a,b" up to ';' or the end; NULL: none */
	unsigned nother;	  /* other restrictions, kept as text */
	const char *restrictions; /* points into the value: the list as
				   * written, "" if none */
};
int lr_sdp_parse_rid(const char *value, struct lr_sdp_rid *r);

struct lr_sdp_simulcast_id {
	char id[LR_SDP_RID_ID_MAX + 1];
	uint8_t paused; /* written with "~" */
	uint8_t stream; /* which simulcast stream: 0 for the first ';' entry */
};

struct lr_sdp_simulcast_list {
	unsigned nstreams; /* ';'-separated streams; 0: direction absent */
	unsigned nids;	   /* their ','-separated alternatives, in order
			    * (those of a stream are consecutive) */
	struct lr_sdp_simulcast_id ids[LR_SDP_MAX_RIDS];
};

struct lr_sdp_simulcast { /* RFC 8853 §5.1 */
	struct lr_sdp_simulcast_list send, recv;
};
int lr_sdp_parse_simulcast(const char *value, struct lr_sdp_simulcast *sc);

/* The a=rid lines of media section i, in order, into r[0..cap): their
 * number (which may exceed cap: only cap are filled), or -EINVAL if
 * there is no section i. r->depend and r->restrictions point into s. */
int lr_sdp_rids(const struct lr_sdp *s, int i, struct lr_sdp_rid *r,
		unsigned cap);
/* The a=simulcast of media section i: 1 and *sc, 0 if it has none,
 * -EINVAL if there is no section i. */
int lr_sdp_simulcast(const struct lr_sdp *s, int i,
		     struct lr_sdp_simulcast *sc);

/* Data channel sections in the two syntaxes peers send. RFC 8841
 * (§4.1, §5): "m=application <port> UDP/DTLS/SCTP webrtc-datachannel"
 * with a=sctp-port:<sctp port>. The older one of
 * draft-ietf-mmusic-sctp-sdp-05 and before, still offered by some
 * stacks: "m=application <port> DTLS/SCTP <sctp port>" with
 * a=sctpmap:<sctp port> webrtc-datachannel <streams>. */
#define LR_SDP_SCTP_PORT    5000 /* RFC 8841 §5.2: a=sctp-port absent */
#define LR_SDP_SCTP_STREAMS 1024 /* our a=sctpmap streams by default */
struct lr_sdp_sctp {
	int legacy;	  /* the format is the SCTP port (a=sctpmap form) */
	uint16_t port;	  /* the SCTP port of the side that wrote it */
	uint32_t streams; /* legacy: a=sctpmap's streams; 0 if not given */
};
/* Media section i as a data channel section: 0 and *out; -ENOENT if it
 * is none (not m=application over SCTP carrying webrtc-datachannel, in
 * either syntax; SCTP port 0 as the format); -EINVAL if what it says of
 * the SCTP port disagrees (lr_sdp_parse refuses those, naming the line:
 * an a=sctpmap for another port than the format, an a=sctp-port that
 * differs from it, two a=sctp-port). */
int lr_sdp_sctp(const struct lr_sdp *s, int i, struct lr_sdp_sctp *out);

/* JSEP answer generation (RFC 8829 §5.3, the subset a media gateway
 * needs): codecs and payload types negotiated from the offer against the
 * local capabilities (opus/48000/2, PCMU, PCMA, telephone-event, VP8,
 * VP9, H264 with packetization-mode=1, AV1, rtx for accepted codecs),
 * max-bundle, rtcp-mux required (an RTP section without it is rejected),
 * directions mirrored, header extensions intersected, data channels
 * (in the offer's syntax, above). */
enum lr_sdp_dir {
	LR_SDP_SENDRECV = 0,
	LR_SDP_SENDONLY,
	LR_SDP_RECVONLY,
	LR_SDP_INACTIVE,
};

/* Per offered section (by index), what lr_pc adds to the answer. */
struct lr_sdp_answer_media {
	int set_dir; /* use dir instead of the per-kind default */
	enum lr_sdp_dir dir;
	uint32_t ssrc;	  /* our sending SSRC: a=ssrc + a=msid if we send */
	const char *msid; /* "stream-id track-id" */
};

struct lr_sdp_answer_opts {
	const char *ice_ufrag;	 /* 4..256 ice-chars */
	const char *ice_pwd;	 /* 22..256 ice-chars */
	const char *fingerprint; /* "sha-256 AB:CD:..." of our certificate */
	int setup_passive;	 /* answer actpass with passive (default
				 * active, as JSEP recommends) */
	int ice_lite;
	/* What we want to do per kind (sendrecv by default); the answer
	 * takes the intersection with the offer's direction. */
	enum lr_sdp_dir audio, video;
	uint64_t session_id;
	uint32_t max_message_size; /* 0 = 262144 */
	/* A data channel section is answered in the offer's syntax
	 * (lr_sdp_sctp): our SCTP port in a=sctp-port or as the format,
	 * and for the older syntax a=sctpmap with our streams. */
	uint16_t sctp_port;			 /* 0 = LR_SDP_SCTP_PORT */
	uint16_t sctp_streams;			 /* 0 = LR_SDP_SCTP_STREAMS */
	const struct lr_sdp_answer_media *media; /* NULL or nmedia entries */
	unsigned nmedia;
	const char *cname;    /* for a=ssrc lines; NULL = "linerate" */
	const char *identity; /* a=identity value (RFC 8827 §7), or NULL */
	unsigned flags;	      /* LR_SDP_ANSWER_* */
};
/* What an SFU leaves out of its answers: rtx (a publisher then
 * retransmits on the stream itself, RFC 4585, which the SFU forwards as
 * it is), and the MID and RID header extensions (a subscriber then finds
 * the tracks by their a=ssrc lines, not by a MID value that is the
 * publisher's). */
#define LR_SDP_ANSWER_NO_RTX 1u
#define LR_SDP_ANSWER_NO_MID 2u

/* The direction attribute of media section i (sendrecv if none). */
enum lr_sdp_dir lr_sdp_direction(const struct lr_sdp *s, int i);

/* Writing SDP: lines appended to buf with CRLF, NUL-terminated; the
 * first failure (-ENOSPC) sticks in err and later lines are dropped. */
struct lr_sdp_out {
	char *buf;
	size_t cap, n;
	int err;
};
void lr_sdp_outf(struct lr_sdp_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Write the answer to offer into buf (CRLF, NUL-terminated). Its length,
 * or -EINVAL (err says why: e.g. no BUNDLE-able section), -ENOSPC. */
int lr_sdp_answer(const struct lr_sdp *offer,
		  const struct lr_sdp_answer_opts *opts, char *buf, size_t cap,
		  struct lr_sdp_error *err);

#endif
