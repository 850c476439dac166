/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What an answer settles (JSEP RFC 8829 §5.10-5.11): per section the
 * payload types, our current direction and the peer's SSRCs, track
 * events; the DTLS role (RFC 8842 §5.3) and transport; the data channel
 * section's SCTP port (RFC 8841, or the older a=sctpmap syntax) and
 * max-message-size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pc_internal.h"

static enum lr_sdp_dir reverse(enum lr_sdp_dir d)
{
	return d == LR_SDP_SENDONLY   ? LR_SDP_RECVONLY
	       : d == LR_SDP_RECVONLY ? LR_SDP_SENDONLY
				      : d;
}

static int section_of_mid(const struct lr_sdp *s, const char *mid)
{
	for (unsigned i = 0; i < s->nmedia; i++) {
		const char *m = lr_sdp_attr(s, (int)i, "mid", 0);

		if (m && !strcmp(m, mid))
			return (int)i;
	}
	return -1;
}

static void codecs(struct lr__tr *t, const struct lr_sdp *a, int i)
{
	const char *p = a->media[i].fmt;
	const char *v;

	t->npts = 0;
	t->nte = 0;
	t->send_pt = -1;
	t->dtmf_pt = -1;
	while (*p && t->npts < sizeof(t->pts)) {
		char *end;
		unsigned long pt = strtoul(p, &end, 10);
		struct lr_sdp_rtpmap r = {0};

		if (end == p || pt > 127)
			break;
		p = end;
		while (*p == ' ')
			p++;
		for (unsigned k = 0; (v = lr_sdp_attr(a, i, "rtpmap", k)); k++)
			if (!lr_sdp_parse_rtpmap(v, &r) && r.pt == pt)
				break;
		if (!v) /* static payload types 0 and 8 */
			r.clock = 8000;
		t->pts[t->npts] = (uint8_t)pt;
		t->clocks[t->npts++] = r.clock;
		if (v && !strcasecmp(r.encoding, "telephone-event")) {
			if (t->nte < sizeof(t->te_pts)) {
				t->te_pts[t->nte] = (uint8_t)pt;
				t->te_clocks[t->nte++] = r.clock;
			}
			/* the one on the codec's clock, else the first */
			if (t->dtmf_pt < 0 || r.clock == t->send_clock) {
				t->dtmf_pt = (int)pt;
				t->dtmf_clock = r.clock;
			}
			continue;
		}
		if (v && (!strcasecmp(r.encoding, "rtx") ||
			  !strcasecmp(r.encoding, "red") ||
			  !strcasecmp(r.encoding, "ulpfec") ||
			  !strcasecmp(r.encoding, "CN")))
			continue;
		if (t->send_pt < 0) {
			t->send_pt = (int)pt;
			t->send_clock = r.clock;
		}
	}
}

static void remote_ssrcs(struct lr__tr *t, const struct lr_sdp *r, int i)
{
	const char *v;

	for (unsigned k = 0; (v = lr_sdp_attr(r, i, "ssrc", k)); k++) {
		uint32_t ssrc = (uint32_t)strtoul(v, NULL, 10);
		int known = 0;

		for (unsigned j = 0; j < t->nrssrc; j++)
			known |= t->rssrc[j] == ssrc;
		if (!known && t->nrssrc < LR_PC_MAX_SSRCS)
			t->rssrc[t->nrssrc++] = ssrc;
	}
}

static int make_dtls(struct lr_pc *pc)
{
	struct lr_dtls_config c = {
		.ctx = pc->cfg.dtls_ctx,
		.cert = pc->cfg.cert,
		.client = pc->dtls_client,
		.remote_fingerprint = pc->remote_fp,
		.profiles = pc->cfg.srtp_profiles,
		.nprofiles = pc->cfg.nprofiles,
	};
	int r = lr_dtls_new(&c, &pc->dtls);

	if (r)
		return r;
	pc->dtls_state = LR_DTLS_NEW;
	if (!pc->dtls_client) {
		/* The server waits. */
		lr_dtls_start(pc->dtls, pc->now);
		pc->dtls_started = 1;
	}
	/* What came early from an authenticated address is handled now. */
	lr__pc_dtls_release(pc);
	return 0;
}

static void data_section(struct lr_pc *pc, const struct lr_sdp *a, int i)
{
	const struct lr_sdp *r = pc->remote;
	int ri = r ? section_of_mid(r, pc->data_mid) : -1;
	const char *v;

	if (!a->media[i].port) {
		pc->data_mline = -1;
		return;
	}
	pc->data_mline = i;
	pc->remote_sctp_port = LR_SCTP_PORT;
	pc->remote_mms = 65536; /* RFC 8841 §6.1: absent means 64 KiB */
	if (ri >= 0) {
		struct lr_sdp_sctp sc;

		/* a=sctp-port, or the format of the older syntax; a
		 * section that is no data channel carries none */
		if (lr_sdp_sctp(r, ri, &sc)) {
			pc->data_mline = -1;
			return;
		}
		pc->remote_sctp_port = sc.port;
		if ((v = lr_sdp_attr(r, ri, "max-message-size", 0))) {
			unsigned long mms = strtoul(v, NULL, 10);

			/* 0 means "no limit": keep it to what we handle */
			pc->remote_mms = mms && mms < LR_SCTP_MAX_MESSAGE_SIZE
						 ? (uint32_t)mms
						 : LR_SCTP_MAX_MESSAGE_SIZE;
		}
	}
}

int lr__pc_apply_answer(struct lr_pc *pc, const char *text, int local)
{
	struct lr_sdp *a;
	struct lr_sdp_error e;
	const char *setup = NULL;
	char role[16];
	int r;

	r = lr_sdp_parse(text, strlen(text), &a, &e);
	if (r)
		return r;
	for (unsigned i = 0; i < a->nmedia; i++) {
		const char *mid = lr_sdp_attr(a, (int)i, "mid", 0);
		int t, ri;
		struct lr__tr *x;
		enum lr_sdp_dir d;

		if (!mid)
			continue;
		if (!setup && a->media[i].port)
			setup = lr_sdp_attr(a, (int)i, "setup", 0);
		if (!strcmp(a->media[i].kind, "application")) {
			snprintf(pc->data_mid, sizeof(pc->data_mid), "%s", mid);
			data_section(pc, a, (int)i);
			continue;
		}
		t = lr__pc_find_tr(pc, mid);
		if (t < 0)
			continue;
		x = &pc->tr[t];
		if (!a->media[i].port) {
			x->current = LR_SDP_INACTIVE;
			continue;
		}
		codecs(x, a, (int)i);
		d = lr_sdp_direction(a, (int)i);
		x->current = (int)(local ? d : reverse(d));
		ri = pc->remote ? section_of_mid(pc->remote, mid) : -1;
		if (ri >= 0)
			remote_ssrcs(x, pc->remote, ri);
		if ((x->current == LR_SDP_SENDRECV ||
		     x->current == LR_SDP_RECVONLY) &&
		    !x->track_fired) {
			struct lr__pcev *ev = lr__pc_emit(pc, LR_PC_EV_TRACK);

			x->track_fired = 1;
			if (ev) {
				ev->ev.transceiver = t;
				snprintf(ev->ev.mid, sizeof(ev->ev.mid), "%s",
					 mid);
			}
		}
	}
	if (!setup)
		setup = lr_sdp_attr(a, -1, "setup", 0);
	snprintf(role, sizeof(role), "%s", setup ? setup : "");
	lr_sdp_free(a);
	if (!pc->dtls) {
		/* RFC 8842 §5.3: "active" is the DTLS client. An answer
		 * says active or passive. */
		if (strcmp(role, "active") && strcmp(role, "passive"))
			return -EINVAL;
		pc->dtls_client = local ? !strcmp(role, "active")
					: !strcmp(role, "passive");
		r = make_dtls(pc);
		if (r)
			return r;
	}
	pc->negotiated_once = 1;
	return 0;
}
