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
 * Limits: 64 KiB of text, 64 media sections, 4096 lines.
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

/* JSEP answer generation (RFC 8829 §5.3, the subset a media gateway
 * needs): codecs and payload types negotiated from the offer against the
 * local capabilities (opus/48000/2, PCMU, PCMA, telephone-event, VP8,
 * VP9, H264 with packetization-mode=1, AV1, rtx for accepted codecs),
 * max-bundle, rtcp-mux required (an RTP section without it is rejected),
 * directions mirrored, header extensions intersected, data channels. */
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
	uint32_t max_message_size;		 /* 0 = 262144 */
	const struct lr_sdp_answer_media *media; /* NULL or nmedia entries */
	unsigned nmedia;
	const char *cname;    /* for a=ssrc lines; NULL = "linerate" */
	const char *identity; /* a=identity value (RFC 8827 §7), or NULL */
};

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
