/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The transport under lr_pc: RFC 7983 demultiplexing of one 5-tuple into
 * ICE, DTLS and SRTP/SRTCP; DTLS starts when ICE has a pair (the client
 * sends, the server answers); keys go to the SRTP core and out as one
 * "keys ready" event; SCTP rides on DTLS application data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_demux.h"
#include "pc_internal.h"

static void emit_candidate(struct lr_pc *pc, const char *cand)
{
	struct lr__pcev *e = lr__pc_emit(pc, LR_PC_EV_ICE_CANDIDATE);
	const char *mid = pc->ntr ? pc->tr[0].mid : pc->data_mid;

	if (!e)
		return;
	snprintf(e->ev.cand, sizeof(e->ev.cand), "%s", cand);
	/* With max-bundle every candidate belongs to the first section. */
	for (int i = 0; i < pc->ntr; i++)
		if (pc->tr[i].mline == 0)
			mid = pc->tr[i].mid;
	if (pc->data_mline == 0)
		mid = pc->data_mid;
	snprintf(e->ev.mid, sizeof(e->ev.mid), "%s", mid);
}

void lr__pc_emit_gathered(struct lr_pc *pc)
{
	if (pc->gather_state != LR_ICE_GATHER_NEW)
		lr__pc_emit_state(pc, LR_PC_EV_ICE_GATHERING_STATE,
				  LR_ICE_GATHER_GATHERING);
	for (int i = 0; i < pc->nlcands; i++)
		emit_candidate(pc, pc->lcands[i]);
	if (pc->gather_done) {
		emit_candidate(pc, "");
		lr__pc_emit_state(pc, LR_PC_EV_ICE_GATHERING_STATE,
				  LR_ICE_GATHER_COMPLETE);
	}
}

static void ice_events(struct lr_pc *pc)
{
	struct lr_ice_event ev;

	while (pc->ice && lr_ice_poll_event(pc->ice, &ev)) {
		switch (ev.type) {
		case LR_ICE_EV_CANDIDATE:
			if (pc->nlcands < PC_MAX_LCANDS &&
			    lr__pc_cand_to_sdp(&ev.cand,
					       pc->lcands[pc->nlcands],
					       sizeof(pc->lcands[0])) > 0) {
				if (pc->ice_events_on)
					emit_candidate(pc,
						       pc->lcands[pc->nlcands]);
				pc->nlcands++;
			}
			break;
		case LR_ICE_EV_GATHERING_DONE:
			pc->gather_done = 1;
			if (pc->ice_events_on)
				emit_candidate(pc, "");
			break;
		case LR_ICE_EV_GATHER_STATE:
			pc->gather_state = (enum lr_ice_gather_state)ev.state;
			if (pc->ice_events_on)
				lr__pc_emit_state(pc,
						  LR_PC_EV_ICE_GATHERING_STATE,
						  ev.state);
			break;
		case LR_ICE_EV_STATE:
			pc->ice_state = (enum lr_ice_conn_state)ev.state;
			lr__pc_emit_state(pc, LR_PC_EV_ICE_CONNECTION_STATE,
					  ev.state);
			break;
		case LR_ICE_EV_SELECTED:
			pc->sel_local = ev.cand.base;
			pc->sel_remote = ev.remote.addr;
			pc->sel_local_type = ev.cand.type;
			pc->sel_remote_type = ev.remote.type;
			pc->have_sel = 1;
			break;
		case LR_ICE_EV_ROLE:
			break;
		}
	}
}

void lr__pc_start_dtls(struct lr_pc *pc)
{
	if (!pc->dtls || pc->dtls_started || !pc->have_sel)
		return;
	pc->dtls_started = 1;
	lr_dtls_start(pc->dtls, pc->now);
}

static void keys_ready(struct lr_pc *pc)
{
	struct lr__pcev *e;
	struct lr_pc_keys *k;

	if (lr__pc_make_srtp(pc))
		return;
	pc->keys_ready = 1;
	e = lr__pc_emit(pc, LR_PC_EV_KEYS_READY);
	if (!e)
		return;
	k = &e->ev.keys;
	k->local = pc->sel_local;
	k->remote = pc->sel_remote;
	k->dtls_client = pc->dtls_client;
	lr_dtls_srtp_keys(pc->dtls, &k->tx, &k->rx);
	k->suite = k->tx.suite;
	for (int i = 0; i < pc->ntr; i++) {
		const struct lr__tr *t = &pc->tr[i];

		k->local_ssrcs[k->nlocal_ssrcs++] = t->ssrc;
		for (unsigned j = 0; j < t->nrssrc; j++)
			k->remote_ssrcs[k->nremote_ssrcs++] = t->rssrc[j];
	}
}

static void dtls_progress(struct lr_pc *pc)
{
	enum lr_dtls_state s;

	if (!pc->dtls)
		return;
	s = lr_dtls_state(pc->dtls);
	if (s == pc->dtls_state)
		return;
	pc->dtls_state = s;
	if (s == LR_DTLS_CONNECTED) {
		keys_ready(pc);
		if (pc->data_mline >= 0)
			lr__pc_sctp_up(pc);
	}
}

/* Move data between the layers until nothing moves. */
void lr__pc_pump(struct lr_pc *pc)
{
	uint8_t *b = pc->scratch;
	int n;

	ice_events(pc);
	lr__pc_dtls_release(pc); /* sources a STUN check just proved */
	if ((pc->ice_state == LR_ICE_CONNECTED ||
	     pc->ice_state == LR_ICE_COMPLETED) &&
	    pc->dtls_client)
		lr__pc_start_dtls(pc);
	dtls_progress(pc);
	if (pc->data_mline >= 0 && !pc->sctp &&
	    pc->dtls_state == LR_DTLS_CONNECTED)
		lr__pc_sctp_up(pc);
	if (pc->sctp && pc->dtls) {
		while ((n = lr_dtls_recv(pc->dtls, b, sizeof(pc->scratch))) > 0)
			lr_sctp_handle_input(pc->sctp, pc->now, b, (size_t)n);
		while ((n = lr_sctp_poll_transmit(pc->sctp, b,
						  sizeof(pc->scratch))) > 0)
			lr_dtls_send(pc->dtls, b, (size_t)n);
		lr__pc_sctp_events(pc);
	}
	lr__pc_dtmf_pump(pc);
	lr__pc_update_conn(pc);
}

int lr_pc_handle_packet(struct lr_pc *pc, uint64_t now,
			const struct lr_addr *local,
			const struct lr_addr *remote, const uint8_t *buf,
			size_t len)
{
	int r = 0;

	pc->now = now;
	if (pc->closed)
		return -EPIPE;
	pc->pkts_recv++;
	pc->bytes_recv += len;
	switch (lr_demux(buf, len)) {
	case LR_DEMUX_STUN:
		r = pc->ice ? lr_ice_handle_packet(pc->ice, now, local, remote,
						   buf, len)
			    : -EINVAL;
		break;
	case LR_DEMUX_DTLS:
		/* Only from an address ICE authenticated (dtls_gate.c). */
		r = lr__pc_dtls_input(pc, remote, buf, len);
		break;
	case LR_DEMUX_RTP:
	case LR_DEMUX_RTCP:
		if (pc->offloaded) {
			pc->rx_offloaded++;
			r = -EXDEV; /* for the data plane */
			break;
		}
		if (!pc->keys_ready || len > sizeof(pc->scratch)) {
			pc->rx_rtp_drops++;
			r = -EINVAL;
			break;
		}
		/* Media only from the pair ICE validated (RFC 8445 §7.3). */
		if (!pc->have_sel || !lr_addr_eq(remote, &pc->sel_remote)) {
			pc->rx_not_selected++;
			r = -EINVAL;
			break;
		}
		memcpy(pc->scratch, buf, len);
		if (lr_demux(buf, len) == LR_DEMUX_RTP)
			lr__pc_on_rtp(pc, pc->scratch, len);
		else
			lr__pc_on_rtcp(pc, pc->scratch, len);
		break;
	default:
		pc->rx_unknown++;
		r = -EINVAL;
	}
	lr__pc_pump(pc);
	return r;
}

void lr_pc_handle_timeout(struct lr_pc *pc, uint64_t now)
{
	pc->now = now;
	if (pc->closed)
		return;
	if (pc->ice)
		lr_ice_handle_timeout(pc->ice, now);
	if (pc->dtls)
		lr_dtls_handle_timeout(pc->dtls, now);
	if (pc->sctp)
		lr_sctp_handle_timeout(pc->sctp, now);
	lr__pc_pump(pc);
}

uint64_t lr_pc_poll_timeout(const struct lr_pc *pc)
{
	uint64_t t = UINT64_MAX, x;

	if (pc->closed)
		return t;
	if (pc->ice && (x = lr_ice_poll_timeout(pc->ice)) < t)
		t = x;
	if (pc->dtls && (x = lr_dtls_poll_timeout(pc->dtls)) < t)
		t = x;
	if (pc->sctp && (x = lr_sctp_poll_timeout(pc->sctp)) < t)
		t = x;
	if ((x = lr__pc_dtmf_timeout(pc)) < t)
		t = x;
	return t;
}

int lr_pc_poll_transmit(struct lr_pc *pc, struct lr_pc_transmit *t)
{
	struct lr_ice_transmit it;
	struct lr__pctx *x;
	int n;

	if (pc->ice && lr_ice_poll_transmit(pc->ice, &it)) {
		t->local = it.local;
		t->remote = it.remote;
		t->len = it.len;
		memcpy(t->buf, it.buf, it.len);
		goto sent;
	}
	if (pc->sctp && pc->dtls) {
		/* SCTP packets become DTLS records as the driver asks. */
		uint8_t *b = pc->scratch;

		while ((n = lr_sctp_poll_transmit(pc->sctp, b,
						  sizeof(pc->scratch))) > 0)
			lr_dtls_send(pc->dtls, b, (size_t)n);
	}
	if (pc->dtls && pc->have_sel) {
		n = lr_dtls_poll_transmit(pc->dtls, t->buf, sizeof(t->buf));
		if (n > 0) {
			t->local = pc->sel_local;
			t->remote = pc->sel_remote;
			t->len = (size_t)n;
			goto sent;
		}
	}
	x = pc->tx;
	if (!x)
		return 0;
	*t = x->t;
	pc->tx = x->next;
	if (!pc->tx)
		pc->tx_tail = NULL;
	free(x);
sent:
	pc->pkts_sent++;
	pc->bytes_sent += t->len;
	return 1;
}
