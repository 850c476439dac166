/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SDP side of a session. A publisher's offer is answered as it is
 * (lr_pc, without rtx: retransmissions then come on the stream itself,
 * which the rooms forward); a viewer's offer is answered with one
 * sendonly audio and one sendonly video track (without the MID
 * extension: the viewer finds them by their a=ssrc lines), whatever
 * publisher comes. What the answer settled per kind -- the transceiver,
 * the SSRC, the codec the publisher will send (the answer's first) --
 * is what the room's routes are made of.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw.h"
#include "session_sdp.h"

int gw_sdp_value(const char *sdp, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);

	for (const char *p = sdp; p && *p;) {
		const char *e = strpbrk(p, "\r\n");
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n >= kl && !strncmp(p, key, kl)) {
			n -= kl;
			if (n >= cap)
				return -ENOSPC;
			memcpy(out, p + kl, n);
			out[n] = '\0';
			return 0;
		}
		p += n;
		while (*p == '\r' || *p == '\n')
			p++;
	}
	return -ENOENT;
}

int gw_sdpfrag_parse(const char *text, struct gw_sdpfrag *f, char *err,
		     size_t cap)
{
	memset(f, 0, sizeof(*f));
	for (const char *p = text; *p;) {
		const char *e = strpbrk(p, "\r\n");
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char line[512];

		if (n >= sizeof(line)) {
			snprintf(err, cap, "a line is over %zu bytes",
				 sizeof(line) - 1);
			return -EINVAL;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p += n;
		while (*p == '\r' || *p == '\n')
			p++;
		if (!n)
			continue;
		if (n < 2 || line[1] != '=') {
			snprintf(err, cap, "not an SDP line: %.60s", line);
			return -EINVAL;
		}
		if (!strncmp(line, "a=ice-ufrag:", 12))
			snprintf(f->ufrag, sizeof(f->ufrag), "%.255s",
				 line + 12);
		else if (!strncmp(line, "a=ice-pwd:", 10))
			snprintf(f->pwd, sizeof(f->pwd), "%.255s", line + 10);
		else if (!strncmp(line, "a=candidate:", 12)) {
			if (f->ncand == GW_FRAG_CANDS) {
				snprintf(err, cap, "over %d candidates",
					 GW_FRAG_CANDS);
				return -EINVAL;
			}
			snprintf(f->cand[f->ncand++], sizeof(f->cand[0]),
				 "%.255s", line + 2);
		} else if (!strcmp(line, "a=end-of-candidates"))
			f->end = 1;
		/* m=, a=mid, a=ice-options and the rest: nothing to do
		 * with BUNDLE (one transport) */
	}
	if (!f->ufrag[0] != !f->pwd[0]) {
		snprintf(err, cap, "ice-ufrag and ice-pwd go together");
		return -EINVAL;
	}
	return 0;
}

int gw_sdpfrag_is_restart(const struct gw_session *s,
			  const struct gw_sdpfrag *f)
{
	char cur[260];

	if (!f->ufrag[0])
		return 0;
	if (gw_sdp_value(lr_pc_remote_description(s->pc), "a=ice-ufrag:", cur,
			 sizeof(cur)))
		return 1;
	return strcmp(cur, f->ufrag) != 0;
}

/* Candidates we cannot use (TCP, mDNS names: RFC 8445 §5.1.1 lets an
 * agent ignore them) are skipped and counted; the others are checked.
 * The count of the skipped ones, which is not an error. */
static int add_cands(struct gw_session *s, const struct gw_sdpfrag *f,
		     char *err, size_t cap)
{
	int skipped = 0;

	(void)err;
	(void)cap;
	for (unsigned i = 0; i < f->ncand; i++)
		if (lr_pc_add_ice_candidate(s->pc, f->cand[i]))
			skipped++;
	if (f->end)
		lr_pc_add_ice_candidate(s->pc, NULL);
	s->gw->m.cands_skipped += (unsigned)skipped;
	gw_session_mark(s);
	return skipped;
}

int gw_session_trickle(struct gw_session *s, const struct gw_sdpfrag *f,
		       char *err, size_t errcap)
{
	return add_cands(s, f, err, errcap);
}

/* The media of one kind in the answer: transceiver, SSRC, its codecs
 * (the first is what a publisher sends), the telephone-events. */
static void settle_kind(struct gw_session *s, const struct lr_sdp *a, int t)
{
	const char *kind = lr_pc_transceiver_kind(s->pc, t);
	const char *mid = lr_pc_transceiver_mid(s->pc, t);
	int k = !strcmp(kind, "video");
	const char *v;

	if (strcmp(kind, "audio") && strcmp(kind, "video"))
		return;
	if (s->tr[k] >= 0)
		return; /* one track per kind */
	s->tr[k] = t;
	s->ssrc[k] = s->kind == GW_PLAY
			     ? lr_pc_transceiver_ssrc(s->pc, t)
			     : lr_pc_transceiver_remote_ssrc(s->pc, t, 0);
	for (unsigned i = 0; i < a->nmedia; i++) {
		const char *m = lr_sdp_attr(a, (int)i, "mid", 0);
		unsigned first;

		if (!m || !mid || strcmp(m, mid) || !a->media[i].port ||
		    sscanf(a->media[i].fmt, "%u", &first) != 1)
			continue;
		for (unsigned j = 0; (v = lr_sdp_attr(a, (int)i, "rtpmap", j));
		     j++) {
			struct lr_sdp_rtpmap r;
			struct gw_codec *c;

			if (lr_sdp_parse_rtpmap(v, &r) ||
			    s->ncodecs[k] == GW_CODECS)
				continue;
			c = &s->codecs[k][s->ncodecs[k]++];
			c->pt = (int)r.pt;
			snprintf(c->name, sizeof(c->name), "%.20s/%u",
				 r.encoding, r.clock);
			if (r.pt == first && s->pt[k] < 0) {
				s->pt[k] = (int)r.pt;
				s->clock[k] = r.clock;
				memcpy(s->codec[k], c->name, sizeof(c->name));
			}
			if (!k && !strcasecmp(r.encoding, "telephone-event")) {
				/* the browser picks either (Chromium: the
				 * 8000 Hz one, with Opus) */
				int e = s->dtmf_pt[0] < 0 ? 0 : 1;

				if (s->dtmf_pt[e] < 0) {
					s->dtmf_pt[e] = (int)r.pt;
					s->dtmf_clock[e] = r.clock;
				}
			}
		}
	}
}

/* The payload type a session's answer gives codec ("VP8/90000") on its
 * kind k track, or -1. */
int gw_session_pt_of(const struct gw_session *s, int k, const char *codec)
{
	for (unsigned i = 0; i < s->ncodecs[k]; i++)
		if (!strcasecmp(s->codecs[k][i].name, codec))
			return s->codecs[k][i].pt;
	return -1;
}

static void settle(struct gw_session *s)
{
	const char *sdp = lr_pc_local_description(s->pc);
	struct lr_sdp *a;
	struct lr_sdp_error e;

	if (!sdp || lr_sdp_parse(sdp, strlen(sdp), &a, &e))
		return;
	for (int t = 0; t < lr_pc_transceiver_count(s->pc); t++)
		if (lr_pc_transceiver_direction(s->pc, t) != LR_SDP_INACTIVE)
			settle_kind(s, a, t);
	for (int j = 0; j < 2; j++)
		if (s->dtmf_pt[j] >= 0)
			lr_dtmf_receiver_init(&s->dtmf[j], s->dtmf_clock[j]);
	lr_sdp_free(a);
}

static int apply_offer(struct gw_session *s, const char *sdp, char *out,
		       size_t cap, char *err, size_t errcap)
{
	struct lr_sdp_error e = {0};
	int n;

	if (lr_pc_set_remote_description(s->pc, LR_PC_OFFER, sdp, &e)) {
		if (e.lineno)
			snprintf(err, errcap, "line %u: %s", e.lineno, e.msg);
		else
			snprintf(err, errcap, "%s",
				 e.msg[0] ? e.msg : "not a usable offer");
		return -EINVAL;
	}
	n = lr_pc_create_answer(s->pc, out, cap);
	if (n < 0 ||
	    lr_pc_set_local_description(s->pc, LR_PC_ANSWER, out, &e)) {
		snprintf(err, errcap, "%s",
			 n == -ENOSPC ? "the answer would be too long"
				      : "no answer could be made (no codec or "
					"transport in common)");
		return n < 0 ? n : -EINVAL;
	}
	return n;
}

int gw_session_offer(struct gw_session *s, const char *sdp, char *out,
		     size_t cap, char *err, size_t errcap)
{
	int n;

	if (s->kind == GW_PLAY &&
	    (lr_pc_add_transceiver(s->pc, "audio", LR_SDP_SENDONLY) < 0 ||
	     lr_pc_add_transceiver(s->pc, "video", LR_SDP_SENDONLY) < 0)) {
		snprintf(err, errcap, "cannot add the tracks");
		return -ENOMEM;
	}
	n = apply_offer(s, sdp, out, cap, err, errcap);
	if (n < 0)
		return n;
	settle(s);
	if (s->tr[0] < 0 && s->tr[1] < 0) {
		snprintf(err, errcap, "the offer has no audio or video to %s",
			 s->kind == GW_PUBLISH ? "publish" : "receive");
		return -EINVAL;
	}
	if (gw_sdp_value(out, "a=ice-ufrag:", s->ufrag, sizeof(s->ufrag)) ||
	    gw_map_put(&s->gw->by_ufrag, s->ufrag, strlen(s->ufrag), s)) {
		snprintf(err, errcap, "no ICE credentials in the answer");
		return -EINVAL;
	}
	return n;
}

/* The offer we answered, with the new credentials in place of the old
 * ones and without its candidates (they come in the fragment). */
static char *restart_offer(const char *old, const struct gw_sdpfrag *f)
{
	size_t cap = strlen(old) + 1024, n = 0;
	char *o = malloc(cap);

	if (!o)
		return NULL;
	for (const char *p = old; *p;) {
		const char *e = strpbrk(p, "\r\n");
		size_t l = e ? (size_t)(e - p) : strlen(p);
		int w;

		if (!strncmp(p, "a=ice-ufrag:", 12))
			w = snprintf(o + n, cap - n, "a=ice-ufrag:%s\r\n",
				     f->ufrag);
		else if (!strncmp(p, "a=ice-pwd:", 10))
			w = snprintf(o + n, cap - n, "a=ice-pwd:%s\r\n",
				     f->pwd);
		else if (!strncmp(p, "a=candidate:", 12) ||
			 !strncmp(p, "a=end-of-candidates", 19))
			w = 0;
		else
			w = snprintf(o + n, cap - n, "%.*s\r\n", (int)l, p);
		if (w < 0 || (size_t)w >= cap - n) {
			free(o);
			return NULL;
		}
		n += (size_t)w;
		p += l;
		while (*p == '\r' || *p == '\n')
			p++;
	}
	return o;
}

int gw_session_restart(struct gw_session *s, const struct gw_sdpfrag *f,
		       char *out, size_t cap, char *err, size_t errcap)
{
	char *offer = restart_offer(lr_pc_remote_description(s->pc), f);
	char *ans = malloc(GW_BODY_MAX), ufrag[260], pwd[260];
	size_t n = 0;
	int r;

	if (!offer || !ans) {
		free(offer);
		free(ans);
		snprintf(err, errcap, "out of memory");
		return -ENOMEM;
	}
	r = apply_offer(s, offer, ans, GW_BODY_MAX, err, errcap);
	free(offer);
	if (r >= 0 &&
	    (gw_sdp_value(ans, "a=ice-ufrag:", ufrag, sizeof(ufrag)) ||
	     gw_sdp_value(ans, "a=ice-pwd:", pwd, sizeof(pwd)))) {
		snprintf(err, errcap, "no ICE credentials in the answer");
		r = -EINVAL;
	}
	if (r < 0) {
		free(ans);
		return r;
	}
	gw_map_del(&s->gw->by_ufrag, s->ufrag, strlen(s->ufrag));
	snprintf(s->ufrag, sizeof(s->ufrag), "%s", ufrag);
	gw_map_put(&s->gw->by_ufrag, s->ufrag, strlen(s->ufrag), s);
	gw_random_hex(s->etag + 1, 16);
	s->etag[0] = '"';
	s->etag[17] = '"';
	s->etag[18] = '\0';
	/* RFC 8840 §4.4: our credentials, then our candidates */
	r = snprintf(out, cap, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", ufrag,
		     pwd);
	n = r > 0 ? (size_t)r : 0;
	for (const char *p = ans; (p = strstr(p, "a=candidate:"));) {
		const char *e = strpbrk(p, "\r\n");
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (n + l + 3 < cap) {
			memcpy(out + n, p, l);
			memcpy(out + n + l, "\r\n", 3);
			n += l + 2;
		}
		p += l;
	}
	free(ans);
	add_cands(s, f, err, errcap);
	return (int)n;
}
