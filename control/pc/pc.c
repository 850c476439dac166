/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_pc: the object, its queues, transceivers and the signaling state
 * machine (W3C webrtc-pc §4.4.1.5-6, JSEP RFC 8829 §5.5-5.6, rollback
 * §4.1.10.2).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_internal.h"

int lr__pc_random(struct lr_pc *pc, void *buf, size_t len)
{
	return lr_rand_fill(&pc->cfg.rand, buf, len) ? -EIO : 0;
}

struct lr__pcev *lr__pc_emit(struct lr_pc *pc, enum lr_pc_ev_type t)
{
	struct lr__pcev *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->ev.type = t;
	e->ev.transceiver = -1;
	e->ev.channel = -1;
	if (pc->ev_tail)
		pc->ev_tail->next = e;
	else
		pc->ev = e;
	pc->ev_tail = e;
	return e;
}

void lr__pc_emit_state(struct lr_pc *pc, enum lr_pc_ev_type t, int state)
{
	struct lr__pcev *e = lr__pc_emit(pc, t);

	if (e)
		e->ev.state = state;
}

void lr_pc_event_clear(struct lr_pc_event *ev)
{
	free(ev->data);
	ev->data = NULL;
	ev->len = 0;
}

int lr_pc_poll_event(struct lr_pc *pc, struct lr_pc_event *ev)
{
	struct lr__pcev *e = pc->ev;

	if (!e)
		return 0;
	*ev = e->ev;
	pc->ev = e->next;
	if (!pc->ev)
		pc->ev_tail = NULL;
	free(e);
	return 1;
}

int lr__pc_queue_tx(struct lr_pc *pc, const uint8_t *buf, size_t len)
{
	struct lr__pctx *x;

	if (!pc->have_sel || len > sizeof(x->t.buf))
		return -ENOTCONN;
	x = malloc(sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->next = NULL;
	x->t.local = pc->sel_local;
	x->t.remote = pc->sel_remote;
	x->t.len = len;
	memcpy(x->t.buf, buf, len);
	if (pc->tx_tail)
		pc->tx_tail->next = x;
	else
		pc->tx = x;
	pc->tx_tail = x;
	return 0;
}

/* n characters of [A-Za-z0-9] from the CSPRNG (a CNAME, an MSID):
 * 0 or -EIO. A byte over 247 is drawn again, so that each of the 62 is
 * as likely as the others. */
static int rand_token(struct lr_pc *pc, char *out, size_t n)
{
	static const char set[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
		"wxyz0123456789";
	uint8_t r[64];
	size_t i = 0;

	while (i < n) {
		if (lr__pc_random(pc, r, sizeof(r)))
			return -EIO;
		for (size_t k = 0; k < sizeof(r) && i < n; k++)
			if (r[k] < 248)
				out[i++] = set[r[k] % 62];
	}
	out[n] = '\0';
	return 0;
}

int lr_pc_new(const struct lr_pc_config *cfg, uint64_t now, struct lr_pc **out)
{
	struct lr_pc *pc;

	*out = NULL;
	if (!cfg->cert || !cfg->nlocal || !cfg->local || !cfg->rand.fill)
		return -EINVAL;
	pc = calloc(1, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	pc->cfg = *cfg;
	if (!pc->cfg.max_message_size)
		pc->cfg.max_message_size = LR_SCTP_MAX_MESSAGE_SIZE;
	pc->now = now;
	pc->data_mline = -1;
	pc->version = 1;
	if (lr__pc_random(pc, &pc->session_id, sizeof(pc->session_id)) ||
	    rand_token(pc, pc->cname, 16) ||
	    rand_token(pc, pc->stream_id, 36)) {
		free(pc);
		return -EIO;
	}
	pc->session_id >>= 2; /* RFC 8866 §5.2: fits a signed 64-bit */
	for (int i = 0; i < LR_PC_MAX_CHANNELS; i++)
		pc->ch[i].sid = -1;
	*out = pc;
	return 0;
}

static void free_queues(struct lr_pc *pc)
{
	struct lr__pcev *e, *en;
	struct lr__pctx *x, *xn;

	for (e = pc->ev; e; e = en) {
		en = e->next;
		free(e->ev.data);
		free(e);
	}
	pc->ev = pc->ev_tail = NULL;
	for (x = pc->tx; x; x = xn) {
		xn = x->next;
		free(x);
	}
	pc->tx = pc->tx_tail = NULL;
}

void lr_pc_free(struct lr_pc *pc)
{
	if (!pc)
		return;
	free_queues(pc);
	lr_ice_free(pc->ice);
	lr_dtls_free(pc->dtls);
	lr_sctp_free(pc->sctp);
	lr_srtp_session_free(pc->srtp_tx);
	lr_srtp_session_free(pc->srtp_rx);
	lr_srtp_worker_free(pc->own_worker);
	lr_sdp_free(pc->remote);
	for (int i = 0; i < pc->ntr; i++)
		lr_dtmf_sender_free(pc->tr[i].dtmf);
	for (int i = 0; i < LR_PC_MAX_CHANNELS; i++) {
		free(pc->ch[i].label);
		free(pc->ch[i].protocol);
	}
	free(pc->cur_local);
	free(pc->cur_remote);
	free(pc->pend_local);
	free(pc->pend_remote);
	lr__pc_early_clear(pc);
	free(pc);
}

void lr_pc_close(struct lr_pc *pc)
{
	if (pc->closed)
		return;
	/* Channels close with the association; DTLS says close_notify. */
	if (pc->sctp)
		lr_sctp_close(pc->sctp);
	if (pc->dtls) {
		lr__pc_pump(pc);
		lr_dtls_close(pc->dtls);
	}
	if (pc->ice)
		lr_ice_close(pc->ice);
	pc->closed = 1;
	pc->sig = LR_PC_SIGNALING_CLOSED;
	pc->conn = LR_PC_CLOSED;
}

/* ---- transceivers ---- */

int lr__pc_new_tr(struct lr_pc *pc, const char *kind, enum lr_sdp_dir dir)
{
	struct lr__tr *t;

	if (pc->closed || !kind ||
	    (strcmp(kind, "audio") && strcmp(kind, "video")) ||
	    dir > LR_SDP_INACTIVE)
		return -EINVAL;
	if (pc->ntr == LR_PC_MAX_TRANSCEIVERS)
		return -ENOSPC;
	t = &pc->tr[pc->ntr];
	memset(t, 0, sizeof(*t));
	snprintf(t->kind, sizeof(t->kind), "%s", kind);
	t->dir = dir;
	t->current = -1;
	t->mline = -1;
	t->send_pt = -1;
	t->dtmf_pt = -1;
	/* RFC 3550 §8.1, §5.1: random SSRC, first sequence number and
	 * timestamp */
	if (lr__pc_random(pc, &t->ssrc, sizeof(t->ssrc)) ||
	    lr__pc_random(pc, &t->seq, sizeof(t->seq)) ||
	    lr__pc_random(pc, &t->ts_base, sizeof(t->ts_base)))
		return -EIO;
	t->ssrc |= 1;
	return pc->ntr++;
}

int lr_pc_add_transceiver(struct lr_pc *pc, const char *kind,
			  enum lr_sdp_dir dir)
{
	int t = lr__pc_new_tr(pc, kind, dir);

	if (t >= 0)
		lr__pc_negotiation_needed(pc);
	return t;
}

static const struct lr__tr *tr_get(const struct lr_pc *pc, int t)
{
	return t >= 0 && t < pc->ntr ? &pc->tr[t] : NULL;
}

int lr_pc_transceiver_count(const struct lr_pc *pc)
{
	return pc->ntr;
}

const char *lr_pc_transceiver_mid(const struct lr_pc *pc, int t)
{
	const struct lr__tr *x = tr_get(pc, t);

	return x && x->mid[0] ? x->mid : NULL;
}

const char *lr_pc_transceiver_kind(const struct lr_pc *pc, int t)
{
	const struct lr__tr *x = tr_get(pc, t);

	return x ? x->kind : NULL;
}

int lr_pc_transceiver_direction(const struct lr_pc *pc, int t)
{
	const struct lr__tr *x = tr_get(pc, t);

	return x && x->current >= 0 ? x->current : -ENOENT;
}

uint32_t lr_pc_transceiver_ssrc(const struct lr_pc *pc, int t)
{
	const struct lr__tr *x = tr_get(pc, t);

	return x ? x->ssrc : 0;
}

uint32_t lr_pc_transceiver_remote_ssrc(const struct lr_pc *pc, int t,
				       unsigned k)
{
	const struct lr__tr *x = tr_get(pc, t);

	return x && k < x->nrssrc ? x->rssrc[k] : 0;
}

int lr_pc_selected_pair(const struct lr_pc *pc, struct lr_addr *local,
			struct lr_addr *remote)
{
	return pc->ice ? lr_ice_selected(pc->ice, local, remote) : 0;
}

/* ---- negotiation ---- */

/* Something the next offer must carry. */
static int needs_offer(const struct lr_pc *pc)
{
	int chans = 0;

	for (int i = 0; i < pc->ntr; i++)
		if (pc->tr[i].mline < 0)
			return 1;
	for (int i = 0; i < LR_PC_MAX_CHANNELS; i++)
		chans |= pc->ch[i].used;
	return (chans && pc->data_mline < 0) || pc->restart_pending;
}

/* The negotiation-needed flag (webrtc-pc §4.7.3): one event while the
 * flag is up; it drops when an offer is applied and is raised again on
 * return to stable if something is still not negotiated. */
void lr__pc_negotiation_needed(struct lr_pc *pc)
{
	if (pc->need_negotiation || pc->closed)
		return;
	pc->need_negotiation = 1;
	if (pc->sig == LR_PC_STABLE)
		lr__pc_emit(pc, LR_PC_EV_NEGOTIATION_NEEDED);
	else
		pc->need_event = 1;
}

void lr_pc_restart_ice(struct lr_pc *pc)
{
	pc->restart_pending = 1;
	lr__pc_negotiation_needed(pc);
}

static void set_sig(struct lr_pc *pc, enum lr_pc_signaling s)
{
	if (pc->sig == s)
		return;
	pc->sig = s;
	lr__pc_emit_state(pc, LR_PC_EV_SIGNALING_STATE, s);
	if (s != LR_PC_STABLE)
		return;
	if (pc->need_event || needs_offer(pc)) {
		pc->need_negotiation = 0;
		pc->need_event = 0;
		lr__pc_negotiation_needed(pc);
	}
}

/* Give new transceivers and the data channel their m-lines. */
static void assign_mlines(struct lr_pc *pc)
{
	int next = 0;

	for (int i = 0; i < pc->ntr; i++)
		if (pc->tr[i].mline >= next)
			next = pc->tr[i].mline + 1;
	if (pc->data_mline >= next)
		next = pc->data_mline + 1;
	for (int i = 0; i < pc->ntr; i++)
		if (pc->tr[i].mline < 0) {
			pc->tr[i].mline = next;
			snprintf(pc->tr[i].mid, sizeof(pc->tr[i].mid), "%d",
				 next++);
		}
	if (pc->data_mline < 0) {
		for (int i = 0; i < LR_PC_MAX_CHANNELS; i++)
			if (pc->ch[i].used) {
				pc->data_mline = next;
				snprintf(pc->data_mid, sizeof(pc->data_mid),
					 "%d", next);
				break;
			}
	}
}

int lr_pc_create_offer(struct lr_pc *pc, char *buf, size_t cap)
{
	int r;

	if (pc->closed ||
	    (pc->sig != LR_PC_STABLE && pc->sig != LR_PC_HAVE_LOCAL_OFFER))
		return -EINVAL;
	r = lr__pc_ensure_ice(pc, !pc->cfg.ice_lite);
	if (r)
		return r;
	if (pc->restart_pending) {
		r = lr_ice_restart(pc->ice, pc->now);
		if (r)
			return r;
		pc->restart_pending = 0;
	}
	assign_mlines(pc);
	lr__pc_pump(pc); /* the candidates gathered so far go in */
	return lr__pc_write_offer(pc, buf, cap);
}

int lr_pc_create_answer(struct lr_pc *pc, char *buf, size_t cap)
{
	if (pc->closed || (pc->sig != LR_PC_HAVE_REMOTE_OFFER &&
			   pc->sig != LR_PC_HAVE_LOCAL_PRANSWER))
		return -EINVAL;
	lr__pc_pump(pc);
	return lr__pc_write_answer(pc, buf, cap, NULL);
}

static int check_sdp(const char *sdp, struct lr_sdp **out,
		     struct lr_sdp_error *err)
{
	struct lr_sdp_error e;

	if (!sdp)
		return -EINVAL;
	return lr_sdp_parse(sdp, strlen(sdp), out, err ? err : &e);
}

static void replace(char **slot, char *v)
{
	free(*slot);
	*slot = v;
}

/* Rollback (RFC 8829 §4.1.10.2): drop the pending offer, if the state
 * says there is one on that side. */
static int rollback(struct lr_pc *pc, enum lr_pc_signaling from, char **pending)
{
	if (pc->sig != from)
		return -EINVAL;
	replace(pending, NULL);
	set_sig(pc, LR_PC_STABLE);
	return 0;
}

/* An answer (ours if local) settles the pending offer of the other
 * side: apply it, make both current, move the state on. */
static int settle(struct lr_pc *pc, char *answer, int local,
		  enum lr_pc_sdp_type type)
{
	char **mine = local ? &pc->cur_local : &pc->cur_remote;
	char **theirs = local ? &pc->cur_remote : &pc->cur_local;
	char **pending = local ? &pc->pend_remote : &pc->pend_local;
	int r = lr__pc_apply_answer(pc, answer, local);

	if (r) {
		free(answer);
		return r;
	}
	replace(mine, answer);
	if (*pending)
		replace(theirs, *pending);
	*pending = NULL;
	if (type == LR_PC_ANSWER)
		set_sig(pc, LR_PC_STABLE);
	else
		set_sig(pc, local ? LR_PC_HAVE_LOCAL_PRANSWER
				  : LR_PC_HAVE_REMOTE_PRANSWER);
	return 0;
}

int lr_pc_set_local_description(struct lr_pc *pc, enum lr_pc_sdp_type type,
				const char *sdp, struct lr_sdp_error *err)
{
	struct lr_sdp *p = NULL;
	char *copy;
	int r;

	if (pc->closed)
		return -EINVAL;
	if (type == LR_PC_ROLLBACK)
		return rollback(pc, LR_PC_HAVE_LOCAL_OFFER, &pc->pend_local);
	r = check_sdp(sdp, &p, err);
	if (r)
		return r;
	lr_sdp_free(p);
	copy = strdup(sdp);
	if (!copy)
		return -ENOMEM;
	if (type == LR_PC_OFFER) {
		if (pc->sig != LR_PC_STABLE &&
		    pc->sig != LR_PC_HAVE_LOCAL_OFFER) {
			free(copy);
			return -EINVAL;
		}
		replace(&pc->pend_local, copy);
		pc->offerer = 1;
		pc->need_negotiation = 0; /* this offer carries it */
		pc->need_event = 0;
		set_sig(pc, LR_PC_HAVE_LOCAL_OFFER);
	} else {
		if (pc->sig != LR_PC_HAVE_REMOTE_OFFER &&
		    pc->sig != LR_PC_HAVE_LOCAL_PRANSWER) {
			free(copy);
			return -EINVAL;
		}
		r = settle(pc, copy, 1, type);
		if (r)
			return r;
	}
	if (!pc->ice_events_on) {
		pc->ice_events_on = 1;
		lr__pc_emit_gathered(pc);
	}
	lr__pc_pump(pc);
	return 0;
}

int lr_pc_set_remote_description(struct lr_pc *pc, enum lr_pc_sdp_type type,
				 const char *sdp, struct lr_sdp_error *err)
{
	struct lr_sdp *p = NULL;
	char *copy;
	int r;

	if (pc->closed)
		return -EINVAL;
	if (type == LR_PC_ROLLBACK)
		return rollback(pc, LR_PC_HAVE_REMOTE_OFFER, &pc->pend_remote);
	if (type == LR_PC_OFFER ? (pc->sig != LR_PC_STABLE &&
				   pc->sig != LR_PC_HAVE_REMOTE_OFFER)
				: (pc->sig != LR_PC_HAVE_LOCAL_OFFER &&
				   pc->sig != LR_PC_HAVE_REMOTE_PRANSWER))
		return -EINVAL;
	r = check_sdp(sdp, &p, err);
	if (r)
		return r;
	r = lr__pc_check_identity(pc, p);
	if (!r)
		r = lr__pc_apply_remote(pc, p, type == LR_PC_OFFER, err);
	if (r) {
		lr_sdp_free(p);
		return r;
	}
	lr_sdp_free(pc->remote);
	pc->remote = p;
	copy = strdup(sdp);
	if (!copy)
		return -ENOMEM;
	if (type == LR_PC_OFFER) {
		replace(&pc->pend_remote, copy);
		pc->offerer = 0;
		set_sig(pc, LR_PC_HAVE_REMOTE_OFFER);
	} else {
		r = settle(pc, copy, 0, type);
		if (r)
			return r;
	}
	lr__pc_pump(pc);
	return 0;
}

const char *lr_pc_local_description(const struct lr_pc *pc)
{
	return pc->pend_local ? pc->pend_local : pc->cur_local;
}

const char *lr_pc_remote_description(const struct lr_pc *pc)
{
	return pc->pend_remote ? pc->pend_remote : pc->cur_remote;
}

enum lr_pc_signaling lr_pc_signaling_state(const struct lr_pc *pc)
{
	return pc->sig;
}

enum lr_pc_conn_state lr_pc_connection_state(const struct lr_pc *pc)
{
	return pc->conn;
}

enum lr_ice_conn_state lr_pc_ice_connection_state(const struct lr_pc *pc)
{
	return pc->closed ? LR_ICE_CLOSED : pc->ice_state;
}

enum lr_ice_gather_state lr_pc_ice_gathering_state(const struct lr_pc *pc)
{
	return pc->gather_state;
}

enum lr_dtls_state lr_pc_dtls_state(const struct lr_pc *pc)
{
	return pc->dtls ? lr_dtls_state(pc->dtls) : LR_DTLS_NEW;
}

const char *lr_pc_peer_identity(const struct lr_pc *pc)
{
	return pc->peer_identity[0] ? pc->peer_identity : NULL;
}

/* RTCPeerConnectionState from the ICE and DTLS transports. */
void lr__pc_update_conn(struct lr_pc *pc)
{
	enum lr_pc_conn_state s;
	enum lr_dtls_state d = pc->dtls ? lr_dtls_state(pc->dtls) : LR_DTLS_NEW;

	if (pc->closed)
		s = LR_PC_CLOSED;
	else if (pc->ice_state == LR_ICE_FAILED || d == LR_DTLS_FAILED)
		s = LR_PC_FAILED;
	else if (pc->ice_state == LR_ICE_DISCONNECTED)
		s = LR_PC_DISCONNECTED;
	else if ((pc->ice_state == LR_ICE_CONNECTED ||
		  pc->ice_state == LR_ICE_COMPLETED) &&
		 d == LR_DTLS_CONNECTED)
		s = LR_PC_CONNECTED;
	else if (pc->ice_state == LR_ICE_CHECKING ||
		 pc->ice_state == LR_ICE_CONNECTED ||
		 pc->ice_state == LR_ICE_COMPLETED || d == LR_DTLS_CONNECTING)
		s = LR_PC_CONNECTING;
	else
		s = pc->conn == LR_PC_NEW ? LR_PC_NEW : pc->conn;
	if (s != pc->conn) {
		pc->conn = s;
		lr__pc_emit_state(pc, LR_PC_EV_CONNECTION_STATE, s);
	}
}
