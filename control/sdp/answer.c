// SPDX-License-Identifier: BSD-2-Clause
/* JSEP answers (RFC 8829 §5.3), the subset a media gateway needs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sdp_internal.h"

void lr_sdp_outf(struct lr_sdp_out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->err)
		return;
	va_start(ap, fmt);
	k = vsnprintf(o->buf + o->n, o->cap - o->n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k + 2 >= o->cap - o->n) {
		o->err = -ENOSPC;
		return;
	}
	o->n += (size_t)k;
	memcpy(o->buf + o->n, "\r\n", 3);
	o->n += 2;
}

/* The nth attribute value of media i starting with "<pt> ". */
static const char *pt_attr(const struct lr_sdp *s, int i, const char *name,
			   unsigned pt, unsigned *nth)
{
	const char *v;
	char pre[8];
	size_t pl = (size_t)snprintf(pre, sizeof(pre), "%u ", pt);

	while ((v = lr_sdp_attr(s, i, name, (*nth)++)))
		if (!strncmp(v, pre, pl))
			return v + pl;
	return NULL;
}

static int rtpmap_of(const struct lr_sdp *s, int i, unsigned pt,
		     struct lr_sdp_rtpmap *r)
{
	unsigned nth = 0;
	const char *v;
	char pre[8];

	snprintf(pre, sizeof(pre), "%u ", pt);
	while ((v = lr_sdp_attr(s, i, "rtpmap", nth++)))
		if (!strncmp(v, pre, strlen(pre)))
			return lr_sdp_parse_rtpmap(v, r);
	/* static payload types of RFC 3551 */
	memset(r, 0, sizeof(*r));
	r->pt = pt;
	r->clock = 8000;
	if (pt == 0)
		strcpy(r->encoding, "PCMU");
	else if (pt == 8)
		strcpy(r->encoding, "PCMA");
	else
		return -ENOENT;
	return 0;
}

static int fmtp_has(const char *fmtp, const char *param)
{
	return fmtp && strstr(fmtp, param) != NULL;
}

/* 1 if we can do this codec (rtx is decided afterwards). */
static int supported(const char *kind, const struct lr_sdp_rtpmap *r,
		     const char *fmtp)
{
	const char *e = r->encoding;

	if (!strcmp(kind, "audio"))
		return (!strcasecmp(e, "opus") && r->clock == 48000 &&
			r->channels == 2) ||
		       (!strcasecmp(e, "PCMU") && r->clock == 8000) ||
		       (!strcasecmp(e, "PCMA") && r->clock == 8000) ||
		       (!strcasecmp(e, "telephone-event") &&
			(r->clock == 8000 || r->clock == 48000));
	if (!strcmp(kind, "video") && r->clock == 90000)
		return !strcasecmp(e, "VP8") || !strcasecmp(e, "AV1") ||
		       (!strcasecmp(e, "VP9") &&
			(!fmtp || !strstr(fmtp, "profile-id=") ||
			 fmtp_has(fmtp, "profile-id=0"))) ||
		       (!strcasecmp(e, "H264") &&
			fmtp_has(fmtp, "packetization-mode=1"));
	return 0;
}

static const char *const rtcp_fb_ok[] = {"nack", "nack pli", "ccm fir",
					 "goog-remb", "transport-cc"};

static const char *const extmap_ok[] = {
	"urn:ietf:params:rtp-hdrext:sdes:mid",
	"urn:ietf:params:rtp-hdrext:ssrc-audio-level",
	"urn:ietf:params:rtp-hdrext:toffset",
	"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
	"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
	"urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
	"urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
};

#define MAX_PT 64

/* The extensions that name a section or a simulcast layer. */
static int mid_ext(const char *uri)
{
	return !strcmp(uri, "urn:ietf:params:rtp-hdrext:sdes:mid") ||
	       !strcmp(uri, "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id") ||
	       !strcmp(uri,
		       "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id");
}

/* Accepted payload types of media i, in the offer's order. */
static unsigned pick_codecs(const struct lr_sdp *s, int i, unsigned *pts,
			    unsigned flags)
{
	const struct lr_sdp_media *m = &s->media[i];
	const char *p = m->fmt;
	unsigned n = 0, all[MAX_PT], nall = 0;

	while (*p && nall < MAX_PT) {
		uint64_t v;

		lr__sdp_spaces(&p);
		if (lr__sdp_uint(&p, 127, &v))
			break;
		all[nall++] = (unsigned)v;
	}
	for (unsigned k = 0; k < nall; k++) {
		struct lr_sdp_rtpmap r;
		unsigned nth = 0;

		if (rtpmap_of(s, i, all[k], &r) ||
		    !supported(m->kind, &r,
			       pt_attr(s, i, "fmtp", all[k], &nth)))
			continue;
		pts[n++] = all[k];
	}
	/* rtx for the codecs accepted */
	for (unsigned k = 0; !(flags & LR_SDP_ANSWER_NO_RTX) && k < nall; k++) {
		struct lr_sdp_rtpmap r;
		unsigned nth = 0, apt;
		const char *f;

		if (rtpmap_of(s, i, all[k], &r) ||
		    strcasecmp(r.encoding, "rtx"))
			continue;
		f = pt_attr(s, i, "fmtp", all[k], &nth);
		if (!f || sscanf(f, "apt=%u", &apt) != 1)
			continue;
		for (unsigned j = 0; j < n; j++) {
			if (pts[j] == apt) {
				pts[n++] = all[k];
				break;
			}
		}
	}
	return n;
}

enum lr_sdp_dir lr_sdp_direction(const struct lr_sdp *s, int i)
{
	if (lr_sdp_attr(s, i, "sendonly", 0))
		return LR_SDP_SENDONLY;
	if (lr_sdp_attr(s, i, "recvonly", 0))
		return LR_SDP_RECVONLY;
	if (lr_sdp_attr(s, i, "inactive", 0))
		return LR_SDP_INACTIVE;
	return LR_SDP_SENDRECV;
}

static const char *answer_dir(enum lr_sdp_dir offered, enum lr_sdp_dir want)
{
	int they_send =
		offered == LR_SDP_SENDRECV || offered == LR_SDP_SENDONLY;
	int they_recv =
		offered == LR_SDP_SENDRECV || offered == LR_SDP_RECVONLY;
	int we_send = (want == LR_SDP_SENDRECV || want == LR_SDP_SENDONLY) &&
		      they_recv;
	int we_recv = (want == LR_SDP_SENDRECV || want == LR_SDP_RECVONLY) &&
		      they_send;

	return we_send && we_recv ? "sendrecv"
	       : we_send	  ? "sendonly"
	       : we_recv	  ? "recvonly"
				  : "inactive";
}

static int in_bundle(const struct lr_sdp *s, const char *mid)
{
	const char *g = lr_sdp_attr(s, -1, "group", 0);
	size_t ml;

	if (!g || strncmp(g, "BUNDLE", 6) || !mid)
		return 0;
	ml = strlen(mid);
	for (const char *p = g + 6; *p;) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, mid, ml) && (p[ml] == ' ' || !p[ml]))
			return 1;
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

static void transport_attrs(struct lr_sdp_out *o, const struct lr_sdp *s, int i,
			    const struct lr_sdp_answer_opts *opts)
{
	const char *setup = lr_sdp_attr(s, i, "setup", 0);

	if (!setup)
		setup = lr_sdp_attr(s, -1, "setup", 0);
	lr_sdp_outf(o, "c=IN IP4 0.0.0.0");
	lr_sdp_outf(o, "a=ice-ufrag:%s", opts->ice_ufrag);
	lr_sdp_outf(o, "a=ice-pwd:%s", opts->ice_pwd);
	lr_sdp_outf(o, "a=ice-options:trickle");
	lr_sdp_outf(o, "a=fingerprint:%s", opts->fingerprint);
	/* RFC 8842 §5.3: active answers actpass unless told otherwise */
	lr_sdp_outf(o, "a=setup:%s",
		    setup && !strcmp(setup, "active")	 ? "passive"
		    : setup && !strcmp(setup, "passive") ? "active"
		    : opts->setup_passive		 ? "passive"
							 : "active");
}

static void rtp_section(struct lr_sdp_out *o, const struct lr_sdp *s, int i,
			const struct lr_sdp_answer_opts *opts,
			const unsigned *pts, unsigned npts, const char *mid)
{
	const struct lr_sdp_media *m = &s->media[i];
	const struct lr_sdp_answer_media *am =
		opts->media && (unsigned)i < opts->nmedia ? &opts->media[i]
							  : NULL;
	enum lr_sdp_dir want = am && am->set_dir	   ? am->dir
			       : !strcmp(m->kind, "audio") ? opts->audio
							   : opts->video;
	const char *dir = answer_dir(lr_sdp_direction(s, i), want);
	int sending = !strcmp(dir, "sendrecv") || !strcmp(dir, "sendonly");
	char line[512];
	size_t n;
	const char *v;

	n = (size_t)snprintf(line, sizeof(line), "m=%s 9 %s", m->kind,
			     m->proto);
	for (unsigned k = 0; k < npts && n < sizeof(line) - 8; k++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %u",
				      pts[k]);
	lr_sdp_outf(o, "%s", line);
	transport_attrs(o, s, i, opts);
	lr_sdp_outf(o, "a=mid:%s", mid);
	for (unsigned k = 0; (v = lr_sdp_attr(s, i, "extmap", k)); k++) {
		struct lr_sdp_extmap e;

		if (lr_sdp_parse_extmap(v, &e) ||
		    ((opts->flags & LR_SDP_ANSWER_NO_MID) && mid_ext(e.uri)))
			continue;
		for (unsigned j = 0; j < sizeof(extmap_ok) / sizeof(*extmap_ok);
		     j++)
			if (!strcmp(e.uri, extmap_ok[j]))
				lr_sdp_outf(o, "a=extmap:%u %s", e.id, e.uri);
	}
	lr_sdp_outf(o, "a=%s", dir);
	if (am && am->ssrc && am->msid && sending)
		lr_sdp_outf(o, "a=msid:%s", am->msid);
	lr_sdp_outf(o, "a=rtcp-mux");
	if (lr_sdp_attr(s, i, "rtcp-rsize", 0))
		lr_sdp_outf(o, "a=rtcp-rsize");
	for (unsigned k = 0; k < npts; k++) {
		struct lr_sdp_rtpmap r;
		unsigned nth = 0;
		const char *f;

		rtpmap_of(s, i, pts[k], &r);
		if (r.channels)
			lr_sdp_outf(o, "a=rtpmap:%u %s/%u/%u", r.pt, r.encoding,
				    r.clock, r.channels);
		else
			lr_sdp_outf(o, "a=rtpmap:%u %s/%u", r.pt, r.encoding,
				    r.clock);
		nth = 0;
		while ((f = pt_attr(s, i, "rtcp-fb", pts[k], &nth)))
			for (unsigned j = 0;
			     j < sizeof(rtcp_fb_ok) / sizeof(*rtcp_fb_ok); j++)
				if (!strcmp(f, rtcp_fb_ok[j]))
					lr_sdp_outf(o, "a=rtcp-fb:%u %s",
						    pts[k], f);
		nth = 0;
		if ((f = pt_attr(s, i, "fmtp", pts[k], &nth)))
			lr_sdp_outf(o, "a=fmtp:%u %s", pts[k], f);
	}
	if (am && am->ssrc && sending)
		lr_sdp_outf(o, "a=ssrc:%u cname:%s", am->ssrc,
			    opts->cname ? opts->cname : "linerate");
}

/* A data channel section in the offer's syntax (lr_sdp.h): a legacy
 * peer rejects RFC 8841's while parsing, so nothing would connect. */
static void data_section(struct lr_sdp_out *o, const struct lr_sdp *s, int i,
			 const struct lr_sdp_answer_opts *opts,
			 const struct lr_sdp_sctp *sc, const char *mid)
{
	unsigned port = opts->sctp_port ? opts->sctp_port : LR_SDP_SCTP_PORT;

	if (sc->legacy)
		lr_sdp_outf(o, "m=application 9 %s %u", s->media[i].proto,
			    port);
	else
		lr_sdp_outf(o, "m=application 9 %s webrtc-datachannel",
			    s->media[i].proto);
	transport_attrs(o, s, i, opts);
	lr_sdp_outf(o, "a=mid:%s", mid);
	if (sc->legacy)
		lr_sdp_outf(o, "a=sctpmap:%u webrtc-datachannel %u", port,
			    opts->sctp_streams ? opts->sctp_streams
					       : LR_SDP_SCTP_STREAMS);
	else
		lr_sdp_outf(o, "a=sctp-port:%u", port);
	/* Legacy peers ignore it or read it (aiortc writes it with
	 * a=sctpmap itself); RFC 8866 §5.13: unknown attributes are
	 * ignored. */
	lr_sdp_outf(o, "a=max-message-size:%u",
		    opts->max_message_size ? opts->max_message_size : 262144);
}

int lr_sdp_answer(const struct lr_sdp *s, const struct lr_sdp_answer_opts *opts,
		  char *buf, size_t cap, struct lr_sdp_error *err)
{
	struct lr_sdp_out o = {.buf = buf, .cap = cap};
	char group[2048] = "a=group:BUNDLE";
	size_t gl = strlen(group);
	int accepted = 0;
	unsigned pts[MAX_PT];
	struct lr_sdp_sctp sc;

	if (err) {
		err->lineno = 0;
		err->msg[0] = '\0';
	}
	if (!opts || !opts->ice_ufrag || !opts->ice_pwd || !opts->fingerprint ||
	    cap < 64) {
		if (err)
			snprintf(
				err->msg, sizeof(err->msg),
				"ICE credentials and a fingerprint are needed");
		return -EINVAL;
	}
	/* the BUNDLE group lists the mids we accept */
	for (unsigned i = 0; i < s->nmedia; i++) {
		const char *mid = lr_sdp_attr(s, (int)i, "mid", 0);
		const struct lr_sdp_media *m = &s->media[i];
		int rtp = strstr(m->proto, "RTP/") != NULL;

		if (!mid || !in_bundle(s, mid) ||
		    (m->port == 0 && !lr_sdp_attr(s, (int)i, "bundle-only", 0)))
			continue;
		if (rtp && (!lr_sdp_attr(s, (int)i, "rtcp-mux", 0) ||
			    !pick_codecs(s, (int)i, pts, opts->flags)))
			continue;
		if (!rtp && lr_sdp_sctp(s, (int)i, &sc))
			continue;
		if (gl + 1 + strlen(mid) >= sizeof(group)) {
			if (err)
				snprintf(err->msg, sizeof(err->msg),
					 "BUNDLE group too long");
			return -E2BIG;
		}
		gl += (size_t)snprintf(group + gl, sizeof(group) - gl, " %s",
				       mid);
	}
	lr_sdp_outf(&o, "v=0");
	lr_sdp_outf(&o, "o=- %llu 2 IN IP4 127.0.0.1",
		    (unsigned long long)opts->session_id);
	lr_sdp_outf(&o, "s=-");
	lr_sdp_outf(&o, "t=0 0");
	if (strlen(group) > strlen("a=group:BUNDLE"))
		lr_sdp_outf(&o, "%s", group);
	if (lr_sdp_attr(s, -1, "extmap-allow-mixed", 0))
		lr_sdp_outf(&o, "a=extmap-allow-mixed");
	if (opts->ice_lite)
		lr_sdp_outf(&o, "a=ice-lite");
	if (opts->identity)
		lr_sdp_outf(&o, "a=identity:%s", opts->identity);
	lr_sdp_outf(&o, "a=msid-semantic: WMS *");
	for (unsigned i = 0; i < s->nmedia; i++) {
		const struct lr_sdp_media *m = &s->media[i];
		const char *mid = lr_sdp_attr(s, (int)i, "mid", 0);
		int rtp = strstr(m->proto, "RTP/") != NULL;
		int dc = !rtp && !lr_sdp_sctp(s, (int)i, &sc);
		unsigned npts = 0;
		int ok = m->port != 0 ||
			 (mid && in_bundle(s, mid) &&
			  lr_sdp_attr(s, (int)i, "bundle-only", 0));

		if (rtp && ok)
			npts = lr_sdp_attr(s, (int)i, "rtcp-mux", 0)
				       ? pick_codecs(s, (int)i, pts,
						     opts->flags)
				       : 0;
		if (!ok || (rtp && !npts) || (!rtp && !dc) || !mid) {
			/* rejected (JSEP §5.3.1): port 0, one format */
			char first[32] = "0";
			const char *f = m->fmt;

			lr__sdp_token(&f, first, sizeof(first));
			lr_sdp_outf(&o, "m=%s 0 %s %s", m->kind, m->proto,
				    first);
			lr_sdp_outf(&o, "c=IN IP4 0.0.0.0");
			if (mid)
				lr_sdp_outf(&o, "a=mid:%s", mid);
			continue;
		}
		accepted++;
		if (rtp) {
			rtp_section(&o, s, (int)i, opts, pts, npts, mid);
			continue;
		}
		data_section(&o, s, (int)i, opts, &sc, mid);
	}
	if (o.err)
		return o.err;
	if (!accepted) {
		if (err)
			snprintf(err->msg, sizeof(err->msg),
				 "no media section could be accepted");
		return -EINVAL;
	}
	return (int)o.n;
}
