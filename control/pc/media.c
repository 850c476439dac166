/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RTP on transceivers, in process: RTP headers (RFC 3550 §5.1) built and
 * read here, protected and checked by the SRTP core with the keys DTLS
 * exported; telephone-events (RFC 4733) both ways.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_pkt.h"
#include "linerate/lr_rtp.h"
#include "pc_internal.h"

#define SRTP_TAIL 32 /* auth tag + room, for protect in place */

int lr__pc_make_srtp(struct lr_pc *pc)
{
	struct lr_srtp_config tc = {.dir = LR_SRTP_OUTBOUND,
				    .impl = pc->cfg.srtp_impl,
				    .max_streams = LR_PC_MAX_TRANSCEIVERS};
	struct lr_srtp_config rc = {.dir = LR_SRTP_INBOUND,
				    .impl = pc->cfg.srtp_impl,
				    .any_ssrc = 1,
				    .max_streams = 64};
	uint32_t ssrcs[LR_PC_MAX_TRANSCEIVERS];
	int r;

	if (pc->srtp_tx)
		return 0; /* keys do not change in a DTLS association */
	/* Both sessions on one worker: the crypto instance is the costly
	 * part to set up (intel-ipsec-mb's manager). */
	/* (NULL when LR_SRTP chose libsrtp2: the sessions then use it, or
	 * fail with -ENOTSUP in a program without lr_srtp_libsrtp2.) */
	if (!pc->cfg.srtp_worker && !pc->own_worker &&
	    pc->cfg.srtp_impl != LR_SRTP_IMPL_LIBSRTP2)
		pc->own_worker = lr_srtp_worker_new(pc->cfg.srtp_impl);
	tc.worker = rc.worker =
		pc->cfg.srtp_worker ? pc->cfg.srtp_worker : pc->own_worker;
	r = lr_dtls_srtp_keys(pc->dtls, &tc.policy, &rc.policy);
	if (r)
		return r;
	for (int i = 0; i < pc->ntr; i++)
		ssrcs[i] = pc->tr[i].ssrc;
	tc.ssrcs = ssrcs;
	tc.nssrcs = (unsigned)pc->ntr;
	tc.any_ssrc = 1; /* transceivers added later */
	pc->suite = tc.policy.suite;
	r = lr_srtp_session_new(&pc->srtp_tx, &tc);
	if (!r)
		r = lr_srtp_session_new(&pc->srtp_rx, &rc);
	memset(&tc.policy, 0, sizeof(tc.policy));
	memset(&rc.policy, 0, sizeof(rc.policy));
	return r;
}

static int can_send(const struct lr__tr *t)
{
	return t->current == LR_SDP_SENDRECV || t->current == LR_SDP_SENDONLY;
}

int lr_pc_send_rtp(struct lr_pc *pc, int ti, int pt, uint32_t ts, int marker,
		   const uint8_t *payload, size_t len)
{
	struct lr__tr *t;
	uint8_t buf[1500];
	struct lr_pkt pkt = {.data = buf, .room = sizeof(buf)}, *pp = &pkt;
	int known = 0;

	if (ti < 0 || ti >= pc->ntr)
		return -ENOENT;
	t = &pc->tr[ti];
	if (pc->offloaded)
		return -EBUSY; /* the data plane sends now */
	if (pc->closed || !pc->keys_ready || !can_send(t))
		return -ENOTCONN;
	if (pt < 0)
		pt = t->send_pt;
	for (unsigned k = 0; k < t->npts; k++)
		known |= t->pts[k] == pt;
	if (pt < 0 || !known)
		return -EINVAL; /* not negotiated */
	if (len + 12 + SRTP_TAIL > sizeof(buf))
		return -EMSGSIZE;
	buf[0] = 0x80;
	buf[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
	buf[2] = (uint8_t)(t->seq >> 8);
	buf[3] = (uint8_t)t->seq;
	buf[4] = (uint8_t)(ts >> 24);
	buf[5] = (uint8_t)(ts >> 16);
	buf[6] = (uint8_t)(ts >> 8);
	buf[7] = (uint8_t)ts;
	buf[8] = (uint8_t)(t->ssrc >> 24);
	buf[9] = (uint8_t)(t->ssrc >> 16);
	buf[10] = (uint8_t)(t->ssrc >> 8);
	buf[11] = (uint8_t)t->ssrc;
	memcpy(buf + 12, payload, len);
	pkt.len = (uint32_t)(12 + len);
	if (lr_srtp_session_protect(pc->srtp_tx, &pp, 1) != 1)
		return -EIO;
	t->seq++;
	t->pkts_sent++;
	t->bytes_sent += len;
	return lr__pc_queue_tx(pc, buf, pkt.len);
}

static int route(struct lr_pc *pc, uint32_t ssrc, uint8_t pt)
{
	for (int i = 0; i < pc->ntr; i++)
		for (unsigned j = 0; j < pc->tr[i].nrssrc; j++)
			if (pc->tr[i].rssrc[j] == ssrc)
				return i;
	/* Unsignalled SSRC: the payload type says whose it is. */
	for (int i = 0; i < pc->ntr; i++) {
		struct lr__tr *t = &pc->tr[i];

		if (t->current != LR_SDP_SENDRECV &&
		    t->current != LR_SDP_RECVONLY)
			continue;
		for (unsigned k = 0; k < t->npts; k++)
			if (t->pts[k] == pt) {
				if (t->nrssrc < LR_PC_MAX_SSRCS)
					t->rssrc[t->nrssrc++] = ssrc;
				return i;
			}
	}
	return -1;
}

void lr__pc_on_rtp(struct lr_pc *pc, uint8_t *buf, size_t len)
{
	struct lr_pkt pkt = {.data = buf,
			     .len = (uint32_t)len,
			     .room = (uint32_t)len},
		      *pp = &pkt;
	struct lr__pcev *e;
	struct lr_dtmf_event dev;
	struct lr__tr *t;
	size_t hl;
	uint32_t ssrc, ts;
	uint8_t pt;
	int ti;

	if (lr_srtp_session_unprotect(pc->srtp_rx, &pp, 1) != 1) {
		pc->rx_rtp_drops++; /* counted by reason in the session */
		return;
	}
	len = pkt.len;
	hl = lr_rtp_header_len(buf, len);
	if (!hl) {
		pc->rx_rtp_drops++;
		return;
	}
	pt = lr_rtp_pt(buf);
	ssrc = lr_rtp_ssrc(buf);
	ts = lr_rtp_ts(buf);
	ti = route(pc, ssrc, pt);
	if (ti < 0) {
		pc->rx_rtp_drops++;
		return;
	}
	t = &pc->tr[ti];
	t->pkts_recv++;
	t->bytes_recv += len - hl;
	for (unsigned k = 0; k < t->nte; k++) {
		if (t->te_pts[k] != pt)
			continue;
		if (t->dtmf_rx.clock_rate != t->te_clocks[k])
			lr_dtmf_receiver_init(&t->dtmf_rx, t->te_clocks[k]);
		if (lr_dtmf_receive(&t->dtmf_rx, ts, buf + hl, len - hl,
				    &dev) == 1 &&
		    (e = lr__pc_emit(pc, LR_PC_EV_DTMF_RECEIVED))) {
			e->ev.transceiver = ti;
			e->ev.tone = dev.tone;
			e->ev.duration_ms = dev.duration_ms;
		}
		return;
	}
	e = lr__pc_emit(pc, LR_PC_EV_RTP);
	if (!e)
		return;
	e->ev.transceiver = ti;
	e->ev.rtp.pt = pt;
	e->ev.rtp.marker = !!(buf[1] & 0x80);
	e->ev.rtp.seq = lr_rtp_seq(buf);
	e->ev.rtp.ts = ts;
	e->ev.rtp.ssrc = ssrc;
	e->ev.len = len - hl;
	e->ev.data = malloc(e->ev.len ? e->ev.len : 1);
	if (e->ev.data)
		memcpy(e->ev.data, buf + hl, e->ev.len);
}

void lr__pc_on_rtcp(struct lr_pc *pc, uint8_t *buf, size_t len)
{
	struct lr_pkt pkt = {.data = buf,
			     .len = (uint32_t)len,
			     .room = (uint32_t)len},
		      *pp = &pkt;

	if (lr_srtp_session_unprotect_rtcp(pc->srtp_rx, &pp, 1) != 1)
		pc->rx_rtp_drops++;
	else
		pc->rx_rtcp++;
}

/* ---- DTMF ---- */

int lr_pc_insert_dtmf(struct lr_pc *pc, int ti, const char *tones,
		      unsigned duration_ms, unsigned gap_ms)
{
	struct lr__tr *t;
	int r;

	if (ti < 0 || ti >= pc->ntr)
		return -ENOENT;
	t = &pc->tr[ti];
	if (strcmp(t->kind, "audio") || t->dtmf_pt < 0 || !can_send(t))
		return -ENOTCONN; /* InvalidStateError: canInsertDTMF false */
	if (!t->dtmf) {
		struct lr_dtmf_sender_config c = {.clock_rate = t->dtmf_clock};

		r = lr_dtmf_sender_new(&c, &t->dtmf);
		if (r)
			return r;
	}
	r = lr_dtmf_insert(t->dtmf, pc->now, tones, duration_ms, gap_ms);
	if (!r)
		lr__pc_dtmf_pump(pc);
	return r;
}

const char *lr_pc_dtmf_tone_buffer(const struct lr_pc *pc, int ti)
{
	if (ti < 0 || ti >= pc->ntr || !pc->tr[ti].dtmf)
		return "";
	return lr_dtmf_tone_buffer(pc->tr[ti].dtmf);
}

void lr__pc_dtmf_pump(struct lr_pc *pc)
{
	for (int i = 0; i < pc->ntr; i++) {
		struct lr__tr *t = &pc->tr[i];
		struct lr_dtmf_packet p;
		char tone;

		if (!t->dtmf)
			continue;
		lr_dtmf_handle_timeout(t->dtmf, pc->now);
		while (lr_dtmf_poll_packet(t->dtmf, &p))
			lr_pc_send_rtp(pc, i, t->dtmf_pt,
				       t->ts_base + p.timestamp, p.marker,
				       p.payload, sizeof(p.payload));
		while (lr_dtmf_poll_tonechange(t->dtmf, &tone)) {
			struct lr__pcev *e =
				lr__pc_emit(pc, LR_PC_EV_DTMF_TONECHANGE);

			if (e) {
				e->ev.transceiver = i;
				e->ev.tone = tone;
			}
		}
	}
}

uint64_t lr__pc_dtmf_timeout(const struct lr_pc *pc)
{
	uint64_t t = UINT64_MAX;

	for (int i = 0; i < pc->ntr; i++)
		if (pc->tr[i].dtmf && lr_dtmf_poll_timeout(pc->tr[i].dtmf) < t)
			t = lr_dtmf_poll_timeout(pc->tr[i].dtmf);
	return t;
}

int lr_pc_media_handover(struct lr_pc *pc, struct lr_pc_handover *h)
{
	memset(h, 0, sizeof(*h));
	if (!pc->keys_ready || !pc->srtp_tx)
		return -EAGAIN;
	for (int i = 0; i < pc->ntr; i++) {
		struct lr__tr *t = &pc->tr[i];
		int r;

		h->next_seq[i] = t->seq;
		r = lr_srtp_session_export(pc->srtp_tx, t->ssrc,
					   &h->tx[h->ntx]);
		if (r == -ENOTSUP)
			return r;
		if (!r)
			h->ntx++;
		for (unsigned k = 0; k < t->nrssrc; k++)
			if (!lr_srtp_session_export(pc->srtp_rx, t->rssrc[k],
						    &h->rx[h->nrx]))
				h->nrx++;
	}
	pc->offloaded = 1;
	return 0;
}

void lr_pc_dp_session(const struct lr_pc_keys *k,
		      const struct lr_pc_handover *h, struct lr_dp_session *out)
{
	memset(out, 0, sizeof(*out));
	out->local = k->local;
	out->remote = k->remote;
	out->tx = k->tx;
	out->rx = k->rx;
	out->rx_state = h->rx;
	out->nrx_state = h->nrx;
	out->tx_state = h->tx;
	out->ntx_state = h->ntx;
}

int lr_pc_handover_next_seq_in(const struct lr_pc_handover *h, uint32_t ssrc)
{
	for (unsigned i = 0; i < h->nrx; i++)
		if (h->rx[i].ssrc == ssrc)
			return (uint16_t)(h->rx[i].rtp_index + 1);
	return -ENOENT;
}
