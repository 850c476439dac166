/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Our descriptions: offers (JSEP RFC 8829 §5.2: max-bundle, rtcp-mux,
 * trickle, setup:actpass, our codecs) and answers (through lr_sdp_answer
 * with our directions and SSRCs), with the candidates gathered so far
 * and, with an identity provider, a=identity (RFC 8827 §7).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "pc_internal.h"

/* What we offer: the codecs linerate forwards (ARCHITECTURE: no
 * transcoding), in a browser's payload type numbering. */
static const struct codec {
	const char *kind;
	unsigned pt;
	const char *rtpmap;
	const char *fmtp;
	int video_fb;
} offer_codecs[] = {
	{"audio", 111, "opus/48000/2", "minptime=10;useinbandfec=1", 0},
	{"audio", 0, "PCMU/8000", NULL, 0},
	{"audio", 8, "PCMA/8000", NULL, 0},
	{"audio", 110, "telephone-event/48000", NULL, 0},
	{"audio", 126, "telephone-event/8000", NULL, 0},
	{"video", 96, "VP8/90000", NULL, 1},
	{"video", 97, "rtx/90000", "apt=96", 0},
	{"video", 98, "VP9/90000", "profile-id=0", 1},
	{"video", 99, "rtx/90000", "apt=98", 0},
	{"video", 102, "H264/90000",
	 "level-asymmetry-allowed=1;packetization-mode=1;"
	 "profile-level-id=42e01f",
	 1},
	{"video", 103, "rtx/90000", "apt=102", 0},
	{"video", 45, "AV1/90000", NULL, 1},
	{"video", 46, "rtx/90000", "apt=45", 0},
};

static const char *dir_name(enum lr_sdp_dir d)
{
	static const char *const n[] = {"sendrecv", "sendonly", "recvonly",
					"inactive"};

	return n[d];
}

static void transport(struct lr_pc *pc, struct lr_sdp_out *o, int first)
{
	const char *ufrag, *pwd;
	char fp[LR_CERT_FP_MAX];

	lr_ice_local_credentials(pc->ice, &ufrag, &pwd);
	lr_cert_fingerprint(pc->cfg.cert, "sha-256", fp, sizeof(fp));
	lr_sdp_outf(o, "c=IN IP4 0.0.0.0");
	lr_sdp_outf(o, "a=ice-ufrag:%s", ufrag);
	lr_sdp_outf(o, "a=ice-pwd:%s", pwd);
	lr_sdp_outf(o, "a=ice-options:trickle");
	lr_sdp_outf(o, "a=fingerprint:%s", fp);
	/* JSEP §5.2.1: actpass in offers; once DTLS runs, keep our role
	 * (RFC 8842 §5.5). */
	lr_sdp_outf(o, "a=setup:%s",
		    !pc->dtls	      ? "actpass"
		    : pc->dtls_client ? "active"
				      : "passive");
	if (first) {
		for (int i = 0; i < pc->nlcands; i++)
			lr_sdp_outf(o, "a=%s", pc->lcands[i]);
		if (pc->gather_done)
			lr_sdp_outf(o, "a=end-of-candidates");
	}
}

static void rtp_section(struct lr_pc *pc, struct lr_sdp_out *o,
			const struct lr__tr *t, int first)
{
	char m[256];
	size_t n = (size_t)snprintf(m, sizeof(m), "m=%s 9 UDP/TLS/RTP/SAVPF",
				    t->kind);
	int sends = t->dir == LR_SDP_SENDRECV || t->dir == LR_SDP_SENDONLY;

	for (size_t k = 0; k < sizeof(offer_codecs) / sizeof(*offer_codecs);
	     k++)
		if (!strcmp(offer_codecs[k].kind, t->kind))
			n += (size_t)snprintf(m + n, sizeof(m) - n, " %u",
					      offer_codecs[k].pt);
	lr_sdp_outf(o, "%s", m);
	transport(pc, o, first);
	lr_sdp_outf(o, "a=mid:%s", t->mid);
	lr_sdp_outf(o, "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid");
	lr_sdp_outf(o, "a=%s", dir_name(t->dir));
	if (sends)
		lr_sdp_outf(o, "a=msid:%s %s-%s", pc->stream_id, t->kind,
			    t->mid);
	lr_sdp_outf(o, "a=rtcp-mux");
	lr_sdp_outf(o, "a=rtcp-rsize");
	for (size_t k = 0; k < sizeof(offer_codecs) / sizeof(*offer_codecs);
	     k++) {
		const struct codec *c = &offer_codecs[k];

		if (strcmp(c->kind, t->kind))
			continue;
		lr_sdp_outf(o, "a=rtpmap:%u %s", c->pt, c->rtpmap);
		if (c->video_fb) {
			lr_sdp_outf(o, "a=rtcp-fb:%u nack", c->pt);
			lr_sdp_outf(o, "a=rtcp-fb:%u nack pli", c->pt);
			lr_sdp_outf(o, "a=rtcp-fb:%u ccm fir", c->pt);
		}
		if (c->fmtp)
			lr_sdp_outf(o, "a=fmtp:%u %s", c->pt, c->fmtp);
	}
	if (sends)
		lr_sdp_outf(o, "a=ssrc:%u cname:%s", t->ssrc, pc->cname);
}

int lr__pc_write_offer(struct lr_pc *pc, char *buf, size_t cap)
{
	struct lr_sdp_out o = {.buf = buf, .cap = cap};
	char group[256] = "a=group:BUNDLE", ident[4096];
	int nm = 0, first = 1;

	for (int i = 0; i < pc->ntr; i++)
		nm = pc->tr[i].mline >= nm ? pc->tr[i].mline + 1 : nm;
	nm = pc->data_mline >= nm ? pc->data_mline + 1 : nm;
	for (int k = 0; k < nm; k++) {
		size_t gl = strlen(group);

		for (int i = 0; i < pc->ntr; i++)
			if (pc->tr[i].mline == k)
				snprintf(group + gl, sizeof(group) - gl, " %s",
					 pc->tr[i].mid);
		if (pc->data_mline == k)
			snprintf(group + gl, sizeof(group) - gl, " %s",
				 pc->data_mid);
	}
	lr_sdp_outf(&o, "v=0");
	lr_sdp_outf(&o, "o=- %llu %u IN IP4 127.0.0.1",
		    (unsigned long long)pc->session_id, pc->version++);
	lr_sdp_outf(&o, "s=-");
	lr_sdp_outf(&o, "t=0 0");
	if (nm)
		lr_sdp_outf(&o, "%s", group);
	lr_sdp_outf(&o, "a=msid-semantic: WMS *");
	if (pc->cfg.ice_lite)
		lr_sdp_outf(&o, "a=ice-lite");
	if (pc->cfg.idp) {
		int r = lr__pc_identity_attr(pc, ident, sizeof(ident));

		if (r < 0)
			return r;
		lr_sdp_outf(&o, "a=identity:%s", ident);
	}
	for (int k = 0; k < nm; k++) {
		for (int i = 0; i < pc->ntr; i++)
			if (pc->tr[i].mline == k) {
				rtp_section(pc, &o, &pc->tr[i], first);
				first = 0;
			}
		if (pc->data_mline == k) {
			lr_sdp_outf(&o, "m=application 9 UDP/DTLS/SCTP "
					"webrtc-datachannel");
			transport(pc, &o, first);
			first = 0;
			lr_sdp_outf(&o, "a=mid:%s", pc->data_mid);
			lr_sdp_outf(&o, "a=sctp-port:%u", LR_SCTP_PORT);
			lr_sdp_outf(&o, "a=max-message-size:%u",
				    pc->cfg.max_message_size);
		}
	}
	return o.err ? o.err : (int)o.n;
}

/* Insert our candidates after the first a=mid line of an answer. */
static int add_candidates(struct lr_pc *pc, char *buf, size_t cap, int n)
{
	char *at = strstr(buf, "\r\na=mid:");
	char extra[PC_MAX_LCANDS * 210 + 32];
	size_t el = 0;

	if (!at)
		return n;
	at = strstr(at + 2, "\r\n");
	if (!at)
		return n;
	at += 2;
	for (int i = 0; i < pc->nlcands; i++)
		el += (size_t)snprintf(extra + el, sizeof(extra) - el,
				       "a=%s\r\n", pc->lcands[i]);
	if (pc->gather_done)
		el += (size_t)snprintf(extra + el, sizeof(extra) - el,
				       "a=end-of-candidates\r\n");
	if ((size_t)n + el + 1 > cap)
		return -ENOSPC;
	memmove(at + el, at, (size_t)n - (size_t)(at - buf) + 1);
	memcpy(at, extra, el);
	return n + (int)el;
}

int lr__pc_write_answer(struct lr_pc *pc, char *buf, size_t cap,
			struct lr_sdp_error *err)
{
	struct lr_sdp_answer_media am[LR_SDP_MAX_MEDIA];
	char msid[LR_PC_MAX_TRANSCEIVERS][64], fp[LR_CERT_FP_MAX];
	char ident[4096];
	const char *ufrag, *pwd;
	struct lr_sdp_answer_opts o = {0};
	struct lr_sdp_error e;
	int n;

	if (!pc->remote || !pc->ice)
		return -EINVAL;
	memset(am, 0, sizeof(am));
	for (int i = 0; i < pc->ntr; i++) {
		const struct lr__tr *t = &pc->tr[i];

		if (t->mline < 0 || t->mline >= LR_SDP_MAX_MEDIA)
			continue;
		snprintf(msid[i], sizeof(msid[i]), "%s %s-%s", pc->stream_id,
			 t->kind, t->mid);
		am[t->mline].set_dir = 1;
		am[t->mline].dir = t->dir;
		am[t->mline].ssrc = t->ssrc;
		am[t->mline].msid = msid[i];
	}
	lr_ice_local_credentials(pc->ice, &ufrag, &pwd);
	lr_cert_fingerprint(pc->cfg.cert, "sha-256", fp, sizeof(fp));
	o.ice_ufrag = ufrag;
	o.ice_pwd = pwd;
	o.fingerprint = fp;
	o.ice_lite = pc->cfg.ice_lite;
	/* Keep an established DTLS role in re-negotiations. */
	o.setup_passive = pc->dtls && !pc->dtls_client;
	o.session_id = pc->session_id;
	o.max_message_size = pc->cfg.max_message_size;
	/* the port our SCTP binds (lr_sctp_config.local_port 0), and the
	 * streams it opens each way, for an answer in the older syntax */
	o.sctp_port = LR_SCTP_PORT;
	o.sctp_streams = LR_SCTP_MAX_CHANNELS;
	o.media = am;
	o.nmedia = pc->remote->nmedia;
	o.cname = pc->cname;
	o.flags = pc->cfg.answer_flags;
	if (pc->cfg.idp) {
		n = lr__pc_identity_attr(pc, ident, sizeof(ident));
		if (n < 0)
			return n;
		o.identity = ident;
	}
	n = lr_sdp_answer(pc->remote, &o, buf, cap, err ? err : &e);
	if (n < 0)
		return n;
	return add_candidates(pc, buf, cap, n);
}

/* ---- identity (RFC 8827 §7, W3C webrtc-identity §5) ---- */

static int contents_of(struct lr_pc *pc, char *out, size_t cap)
{
	char fp[LR_CERT_FP_MAX];
	int n = lr_cert_fingerprint(pc->cfg.cert, "sha-256", fp, sizeof(fp));

	if (n < 0)
		return n;
	n = snprintf(out, cap,
		     "{\"fingerprint\":[{\"algorithm\":\"sha-256\","
		     "\"digest\":\"%s\"}]}",
		     fp + 8);
	return n > 0 && (size_t)n < cap ? n : -ENOSPC;
}

int lr__pc_identity_attr(struct lr_pc *pc, char *out, size_t cap)
{
	char contents[512], assertion[2048];
	int n, r;

	n = contents_of(pc, contents, sizeof(contents));
	if (n < 0)
		return n;
	r = pc->cfg.idp->generate(pc->cfg.idp->ctx, contents, assertion,
				  sizeof(assertion));
	if (r < 0) {
		/* RTCIdentityErrorEvent "idpassertionerror" */
		lr__pc_emit_state(pc, LR_PC_EV_IDP_ASSERTION_ERROR, r);
		return r;
	}
	n = (int)strlen(assertion);
	if ((size_t)(4 * ((n + 2) / 3) + 1) > cap)
		return -ENOSPC;
	return EVP_EncodeBlock((unsigned char *)out,
			       (const unsigned char *)assertion, n);
}

static int validate(struct lr_pc *pc, const struct lr_sdp *s, const char *v);

/* The peer's a=identity: the IdP must vouch for it, and what it covers
 * must be the fingerprint this same description carries. */
int lr__pc_check_identity(struct lr_pc *pc, const struct lr_sdp *s)
{
	const char *v = lr_sdp_attr(s, -1, "identity", 0);
	int r;

	if (!v || !pc->cfg.idp)
		return 0; /* nothing asserted, or no IdP to ask */
	r = validate(pc, s, v);
	if (r) {
		/* RTCIdentityErrorEvent "idpvalidationerror" */
		lr__pc_emit_state(pc, LR_PC_EV_IDP_VALIDATION_ERROR, r);
		return r;
	}
	{
		struct lr__pcev *e = lr__pc_emit(pc, LR_PC_EV_PEER_IDENTITY);

		if (e)
			snprintf(e->ev.cand, sizeof(e->ev.cand), "%s",
				 pc->peer_identity);
	}
	return 0;
}

static int validate(struct lr_pc *pc, const struct lr_sdp *s, const char *v)
{
	const char *fp = lr_sdp_attr(s, -1, "fingerprint", 0);
	char assertion[2048], contents[1024], who[256], want[256];
	int n, r;

	for (unsigned i = 0; !fp && i < s->nmedia; i++)
		fp = lr_sdp_attr(s, (int)i, "fingerprint", 0);
	if (!fp || strlen(v) > 4 * (sizeof(assertion) - 1) / 3)
		return -EPERM;
	n = EVP_DecodeBlock((unsigned char *)assertion,
			    (const unsigned char *)v, (int)strlen(v));
	if (n < 0)
		return -EPERM;
	assertion[n] = '\0';
	r = pc->cfg.idp->validate(pc->cfg.idp->ctx, assertion, contents,
				  sizeof(contents), who, sizeof(who));
	if (r < 0)
		return -EPERM;
	/* "sha-256 AB:.." -> the digest the contents must name */
	if (strncmp(fp, "sha-256 ", 8))
		return -EPERM;
	snprintf(want, sizeof(want), "\"digest\":\"%s\"", fp + 8);
	if (!strstr(contents, want))
		return -EPERM;
	snprintf(pc->peer_identity, sizeof(pc->peer_identity), "%s", who);
	return 0;
}
