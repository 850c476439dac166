/*
 * Helpers of the lr_pc tests (pc_helpers.h): the two-peer world on the
 * simulator, its run loop and event record, offer/answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_helpers.h"

struct lr_cert *certs[3];

static uint64_t sim_clock; /* usrsctp's clock never goes back */

void world_init(struct world *w, const struct wopts *o)
{
	struct lr_sim_link l = {.delay_us = 10000, .loss = o->loss};

	memset(w, 0, sizeof(*w));
	w->sim = lr_sim_new(o->seed ? o->seed : 11);
	lr_sim_set_link(w->sim, &l);
	lr_sim_advance(w->sim, sim_clock);
	for (int i = 0; i < 2; i++) {
		struct peer *p = &w->p[i];
		struct lr_addr sa;
		struct lr_pc_config c = {.cert = certs[i],
					 .nlocal = 1,
					 .srtp_profiles = o->profiles[i],
					 .nprofiles = o->nprofiles[i],
					 .idp = o->idp[i]};

		lr_sim_drbg_init(&p->drbg, 1000 + (uint64_t)i + (o->seed << 8));
		c.rand = lr_sim_drbg_rand(&p->drbg);
		p->addr = lr_sim_v4(192, 0, 2, (uint8_t)(50 + i),
				    o->port[i] ? o->port[i] : 40000);
		c.local = &p->addr;
		p->host = lr_sim_add_host(w->sim, -1);
		sa = p->addr;
		lr_sim_host_addr(w->sim, p->host, &sa);
		CU_ASSERT_EQUAL_FATAL(lr_pc_new(&c, lr_sim_now(w->sim), &p->pc),
				      0);
	}
}

void world_free(struct world *w)
{
	sim_clock = lr_sim_now(w->sim);
	for (int i = 0; i < 2; i++) {
		lr_pc_free(w->p[i].pc);
		free(w->p[i].big);
	}
	lr_sim_free(w->sim);
}

void record(struct world *w, int i)
{
	struct peer *p = &w->p[i], *o = &w->p[1 - i];
	struct lr_pc_event ev;

	while (lr_pc_poll_event(p->pc, &ev)) {
		struct rec *r = &p->r[p->n < MAXREC ? p->n : MAXREC - 1];

		if (p->n < MAXREC)
			p->n++;
		memset(r, 0, sizeof(*r));
		r->type = ev.type;
		r->state = ev.state;
		r->transceiver = ev.transceiver;
		r->channel = ev.channel;
		r->binary = ev.binary;
		r->tone = ev.tone;
		r->duration_ms = ev.duration_ms;
		r->len = ev.len;
		r->pt = ev.rtp.pt;
		r->at = lr_sim_now(w->sim);
		if (ev.len >= 4)
			memcpy(&r->tag, ev.data, 4);
		switch (ev.type) {
		case LR_PC_EV_ICE_CANDIDATE:
			r->len = strlen(ev.cand); /* 0: end-of-candidates */
			if (!ev.cand[0])
				snprintf(p->end_mid, sizeof(p->end_mid), "%s",
					 ev.mid);
			else if (p->ncands < 8)
				snprintf(p->cands[p->ncands++], 256, "%s",
					 ev.cand);
			/* trickle: to the peer once it can take it */
			if (lr_pc_remote_description(o->pc))
				lr_pc_add_ice_candidate(o->pc, ev.cand);
			else if (o->npending < 32)
				snprintf(o->pending[o->npending++], 256, "%s",
					 ev.cand);
			break;
		case LR_PC_EV_KEYS_READY:
			p->keys = ev.keys;
			p->nkeys++;
			break;
		case LR_PC_EV_DC_MESSAGE:
			if (ev.len > p->big_len) {
				free(p->big);
				p->big = ev.data;
				p->big_len = ev.len;
				ev.data = NULL;
			}
			break;
		default:
			break;
		}
		lr_pc_event_clear(&ev);
	}
}

static void flush_pending(struct peer *p)
{
	if (!lr_pc_remote_description(p->pc))
		return;
	for (int k = 0; k < p->npending; k++)
		lr_pc_add_ice_candidate(p->pc, p->pending[k]);
	p->npending = 0;
}

void run(struct world *w, double seconds)
{
	uint64_t until = lr_sim_now(w->sim) + (uint64_t)(seconds * 1e6);
	uint8_t buf[2048];
	struct lr_addr src, dst;
	struct lr_pc_transmit t;

	for (;;) {
		uint64_t now = lr_sim_now(w->sim), next;
		int n;

		for (int i = 0; i < 2; i++) {
			struct peer *p = &w->p[i];

			while ((n = lr_sim_recv(w->sim, p->host, &src, &dst,
						buf, sizeof(buf))) > 0) {
				struct lr_addr l = dst, r = src;

				lr_pc_handle_packet(p->pc, now, &l, &r, buf,
						    (size_t)n);
			}
			lr_pc_handle_timeout(p->pc, now);
			while (lr_pc_poll_transmit(p->pc, &t)) {
				struct lr_addr a = t.local, b = t.remote;

				CU_ASSERT(t.len <= 1200);
				lr_sim_send(w->sim, &a, &b, t.buf, t.len);
			}
			record(w, i);
			flush_pending(p);
		}
		next = lr_sim_next(w->sim);
		for (int i = 0; i < 2; i++) {
			uint64_t x = lr_pc_poll_timeout(w->p[i].pc);

			if (x < next)
				next = x;
		}
		if (next > until)
			break;
		if (next <= now)
			next = now + 1;
		lr_sim_advance(w->sim, next);
	}
}

char sdp_buf[65536];

/* offer from p[a], answer from p[b] */
int negotiate(struct world *w, int a, int b)
{
	struct lr_pc *A = w->p[a].pc, *B = w->p[b].pc;
	int n;

	n = lr_pc_create_offer(A, sdp_buf, sizeof(sdp_buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(
		lr_pc_set_local_description(A, LR_PC_OFFER, sdp_buf, NULL), 0);
	n = lr_pc_set_remote_description(B, LR_PC_OFFER, sdp_buf, NULL);
	if (n)
		return n;
	n = lr_pc_create_answer(B, sdp_buf, sizeof(sdp_buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(
		lr_pc_set_local_description(B, LR_PC_ANSWER, sdp_buf, NULL), 0);
	return lr_pc_set_remote_description(A, LR_PC_ANSWER, sdp_buf, NULL);
}

unsigned count(const struct peer *p, enum lr_pc_ev_type t)
{
	unsigned c = 0;

	for (unsigned i = 0; i < p->n; i++)
		c += p->r[i].type == t;
	return c;
}

int saw_state(const struct peer *p, enum lr_pc_ev_type t, int s)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->r[i].type == t && p->r[i].state == s)
			return 1;
	return 0;
}

/* audio + video on both, a data channel from p[0]; connected. */
void av_dc(struct world *w, int *ch)
{
	CU_ASSERT_EQUAL(
		lr_pc_add_transceiver(w->p[0].pc, "audio", LR_SDP_SENDRECV), 0);
	CU_ASSERT_EQUAL(
		lr_pc_add_transceiver(w->p[0].pc, "video", LR_SDP_SENDRECV), 1);
	*ch = lr_pc_create_data_channel(w->p[0].pc, "chat", NULL);
	CU_ASSERT(*ch >= 0);
	/* the answerer sends too: its transceivers take the offered
	 * sections of their kind */
	lr_pc_add_transceiver(w->p[1].pc, "audio", LR_SDP_SENDRECV);
	lr_pc_add_transceiver(w->p[1].pc, "video", LR_SDP_SENDRECV);
	CU_ASSERT_EQUAL_FATAL(negotiate(w, 0, 1), 0);
	run(w, 5);
}

void send_audio(struct world *w, int from, unsigned n, uint32_t base)
{
	for (uint32_t k = 0; k < n; k++) {
		uint8_t pl[160];
		uint32_t tag = base + k;

		memset(pl, (int)k, sizeof(pl));
		memcpy(pl, &tag, 4);
		CU_ASSERT_EQUAL(lr_pc_send_rtp(w->p[from].pc, 0, -1, k * 960,
					       k == 0, pl, sizeof(pl)),
				0);
	}
	run(w, 0.5);
}

unsigned rtp_with(const struct peer *p, int tr, uint32_t lo, uint32_t hi)
{
	unsigned c = 0;

	for (unsigned i = 0; i < p->n; i++)
		c += p->r[i].type == LR_PC_EV_RTP &&
		     p->r[i].transceiver == tr && p->r[i].tag >= lo &&
		     p->r[i].tag < hi;
	return c;
}
