/*
 * Helpers of the ICE tests (ice_helpers.h): the world of two agents on
 * the simulator, its run loop, signalling and STUN server, and the
 * checks of a connected pair.
 */
#include <string.h>

#include "ice_helpers.h"

struct lr_ice_candidate solo_candidate(void)
{
	struct lr_ice_candidate rc = {.foundation = "r",
				      .component = 1,
				      .type = LR_ICE_HOST,
				      .priority = 2130706431,
				      .addr = SOLO_REMOTE,
				      .base = SOLO_REMOTE};

	return rc;
}

void solo_peer(struct lr_ice_agent *a, const char *rufrag, const char *rpwd)
{
	struct lr_ice_candidate rc = solo_candidate();

	CU_ASSERT_EQUAL_FATAL(lr_ice_set_remote_credentials(a, rufrag, rpwd),
			      0);
	CU_ASSERT_EQUAL_FATAL(lr_ice_add_remote_candidate(a, &rc, 0), 0);
}

void signal_events(struct world *w, int i)
{
	struct peer *me = &w->p[i], *other = &w->p[!i];
	struct lr_ice_event ev;
	uint64_t now = lr_sim_now(w->sim);

	while (lr_ice_poll_event(me->a, &ev)) {
		if (ev.type == LR_ICE_EV_STATE && me->nstates < 32) {
			me->state_at[me->nstates] = now;
			me->states[me->nstates++] = ev.state;
		}
		if (ev.type == LR_ICE_EV_CANDIDATE &&
		    ev.cand.type == LR_ICE_SRFLX)
			me->srflx++;
		if (ev.type == LR_ICE_EV_CANDIDATE && me->ncands < 8)
			me->cands[me->ncands++] = ev.cand;
		if (ev.type == LR_ICE_EV_SELECTED) {
			me->nsel++;
			me->sel_l = ev.cand;
			me->sel_r = ev.remote;
			me->sel_at = now;
		}
		if (ev.type == LR_ICE_EV_CANDIDATE) {
			if (i == 1 && now < w->trickle_delay && me->nheld < 8)
				me->held[me->nheld++] = ev.cand;
			else
				lr_ice_add_remote_candidate(other->a, &ev.cand,
							    now);
		}
		if (ev.type == LR_ICE_EV_GATHERING_DONE)
			me->eoc_sent = 1;
	}
	if (i == 1 && now >= w->trickle_delay && me->nheld) {
		for (int k = 0; k < me->nheld; k++)
			lr_ice_add_remote_candidate(other->a, &me->held[k],
						    now);
		me->nheld = 0;
	}
	if (me->eoc_sent == 1 && !me->nheld) {
		lr_ice_remote_end_of_candidates(other->a);
		me->eoc_sent = 2;
	}
}

/* A STUN server: answer Binding requests with the mapped address. */
static void stun_server(struct world *w)
{
	struct lr_addr src, dst;
	uint8_t buf[600], out[128];
	int n;

	while ((n = lr_sim_recv(w->sim, w->stun_host, &src, &dst, buf,
				sizeof(buf))) > 0) {
		struct lr_stun_msg m;
		struct lr_stun_builder b;
		struct lr_addr mapped = src;

		if (lr_stun_parse(&m, buf, (size_t)n) ||
		    m.cls != LR_STUN_REQUEST)
			continue;
		lr_stun_build_init(&b, out, sizeof(out), LR_STUN_BINDING,
				   LR_STUN_SUCCESS, m.txid);
		lr_stun_add_xor_addr(&b, LR_STUN_XOR_MAPPED_ADDRESS, &mapped);
		lr_stun_add_fingerprint(&b);
		n = lr_stun_build_end(&b);
		lr_sim_send(w->sim, &dst, &src, out, (size_t)n);
	}
}

/* The class of a STUN Binding message, or -1. */
static int binding_class(const uint8_t *buf, size_t len)
{
	struct lr_stun_msg m;

	if (lr_stun_parse(&m, buf, len) != LR_STUN_OK ||
	    m.method != LR_STUN_BINDING)
		return -1;
	return m.cls;
}

/* What peer i receives, before the agent sees it. */
static void tap_recv(struct world *w, int i, const uint8_t *buf, size_t len)
{
	struct peer *me = &w->p[i];
	int cls = binding_class(buf, len);

	if (cls == LR_STUN_REQUEST && me->nreq < 64)
		me->req_at[me->nreq++] = lr_sim_now(w->sim);
	if (cls == LR_STUN_SUCCESS)
		me->resp_at = lr_sim_now(w->sim);
}

/* Run the world until virtual time `until`. */
void run(struct world *w, uint64_t until)
{
	for (;;) {
		uint64_t t, now;
		struct lr_ice_transmit tx;

		/* flush sends and signalling first: they can create pairs */
		for (int round = 0; round < 2; round++) {
			for (int i = 0; i < 2; i++) {
				while (lr_ice_poll_transmit(w->p[i].a, &tx)) {
					struct lr_addr s = tx.local,
						       d = tx.remote;

					if (binding_class(tx.buf, tx.len) ==
					    LR_STUN_REQUEST) {
						memcpy(w->p[i].last_req, tx.buf,
						       tx.len);
						w->p[i].last_req_len = tx.len;
					}
					if (w->tap)
						w->tap(w->tap_ctx, i, tx.buf,
						       tx.len);
					lr_sim_send(w->sim, &s, &d, tx.buf,
						    tx.len);
				}
				signal_events(w, i);
			}
		}
		t = lr_sim_next(w->sim);
		for (int i = 0; i < 2; i++) {
			uint64_t pt = lr_ice_poll_timeout(w->p[i].a);

			if (pt < t)
				t = pt;
		}
		if (w->p[1].nheld && w->trickle_delay < t)
			t = w->trickle_delay;
		if (t > until)
			break;
		if (t < lr_sim_now(w->sim))
			t = lr_sim_now(w->sim);
		lr_sim_advance(w->sim, t);
		now = lr_sim_now(w->sim);
		if (w->stun_host >= 0)
			stun_server(w);
		for (int i = 0; i < 2; i++) {
			struct lr_addr src, dst;
			uint8_t buf[1500];
			int n;

			while ((n = lr_sim_recv(w->sim, w->p[i].host, &src,
						&dst, buf, sizeof(buf))) > 0) {
				struct lr_addr l = dst, r = src;

				tap_recv(w, i, buf, (size_t)n);
				lr_ice_handle_packet(w->p[i].a, now, &l, &r,
						     buf, (size_t)n);
			}
			lr_ice_handle_timeout(w->p[i].a, now);
		}
	}
	lr_sim_advance(w->sim, until);
	for (int i = 0; i < 2; i++)
		signal_events(w, i);
}

void world_init(struct world *w, const struct opts *o)
{
	struct lr_sim_link link = {.delay_us = 20000, .loss = o->loss};
	struct lr_addr pub = lr_sim_v4(203, 0, 113, 1, 0);
	int nat = -1;

	memset(w, 0, sizeof(*w));
	w->sim = lr_sim_new(o->seed ? o->seed : 11);
	lr_sim_set_link(w->sim, &link);
	w->stun_host = -1;
	if (o->nat0) {
		struct lr_addr sa;

		nat = lr_sim_add_nat(w->sim, &pub);
		w->stun_host = lr_sim_add_host(w->sim, -1);
		w->stun_addr = lr_sim_v4(198, 51, 100, 77, 3478);
		sa = w->stun_addr;
		lr_sim_host_addr(w->sim, w->stun_host, &sa);
	}
	w->p[0].addr = lr_sim_v4(192, 0, 2, 10, 50000);
	w->p[1].addr = lr_sim_v4(198, 51, 100, 20, 60000);
	if (o->v6) {
		/* 2001:db8::10 and 2001:db8::20 */
		for (int i = 0; i < 2; i++) {
			memset(w->p[i].addr.ip, 0, 16);
			w->p[i].addr.family = 6;
			w->p[i].addr.ip[0] = 0x20;
			w->p[i].addr.ip[1] = 0x01;
			w->p[i].addr.ip[2] = 0x0d;
			w->p[i].addr.ip[3] = 0xb8;
			w->p[i].addr.ip[15] = (uint8_t)(0x10 * (i + 1));
		}
	}
	for (int i = 0; i < 2; i++) {
		struct lr_addr sa = w->p[i].addr;
		struct lr_ice_config cfg = {
			.controlling = i ? o->ctrl1 : o->ctrl0,
			.lite = i ? o->lite1 : 0,
			.aggressive = o->aggressive,
			.local = &w->p[i].addr,
			.nlocal = 1,
			.stun_server = i == 0 && o->nat0 ? &w->stun_addr : NULL,
		};

		lr_sim_drbg_init(&w->p[i].drbg,
				 100 + (uint64_t)i + (o->seed << 8));
		cfg.rand = lr_sim_drbg_rand(&w->p[i].drbg);
		w->p[i].host = lr_sim_add_host(w->sim, i == 0 ? nat : -1);
		lr_sim_host_addr(w->sim, w->p[i].host, &sa);
		CU_ASSERT_EQUAL_FATAL(lr_ice_new(&cfg, 0, &w->p[i].a), 0);
	}
	w->trickle_delay = o->trickle_delay;
	for (int i = 0; i < 2; i++) {
		const char *u, *p;

		lr_ice_local_credentials(w->p[!i].a, &u, &p);
		CU_ASSERT_EQUAL(lr_ice_set_remote_credentials(w->p[i].a, u, p),
				0);
	}
}

void world_free(struct world *w)
{
	lr_ice_free(w->p[0].a);
	lr_ice_free(w->p[1].a);
	lr_sim_free(w->sim);
}

/* The state sequence an agent that connects goes through: checking,
 * then connected (then completed), and nothing else. */
void assert_sequence(const struct peer *p)
{
	CU_ASSERT_FATAL(p->nstates >= 2);
	CU_ASSERT_EQUAL(p->states[0], LR_ICE_CHECKING);
	CU_ASSERT_EQUAL(p->states[1], LR_ICE_CONNECTED);
	for (int i = 2; i < p->nstates; i++)
		CU_ASSERT_EQUAL(p->states[i], LR_ICE_COMPLETED);
}

/* What p's last LR_ICE_EV_SELECTED said is what lr_ice_selected says:
 * media leaves from the local candidate's base to the remote address. */
void assert_selected_event(const struct peer *p)
{
	struct lr_addr l, r;

	CU_ASSERT_FATAL(lr_ice_selected(p->a, &l, &r) == 1);
	CU_ASSERT_FATAL(p->nsel >= 1);
	CU_ASSERT(lr_addr_eq(&l, &p->sel_l.base));
	CU_ASSERT(lr_addr_eq(&r, &p->sel_r.addr));
}

/* Both selected the same pair, mirrored. */
void assert_connected(struct world *w)
{
	struct lr_addr l0, r0, l1, r1;

	CU_ASSERT_EQUAL(lr_ice_selected(w->p[0].a, &l0, &r0), 1);
	CU_ASSERT_EQUAL(lr_ice_selected(w->p[1].a, &l1, &r1), 1);
	CU_ASSERT(lr_ice_state(w->p[0].a) == LR_ICE_CONNECTED ||
		  lr_ice_state(w->p[0].a) == LR_ICE_COMPLETED);
	CU_ASSERT(lr_ice_state(w->p[1].a) == LR_ICE_CONNECTED ||
		  lr_ice_state(w->p[1].a) == LR_ICE_COMPLETED);
	CU_ASSERT(lr_ice_controlling(w->p[0].a) !=
		  lr_ice_controlling(w->p[1].a));
	/* peer 1 is never behind the NAT: what 0 sends to is 1's address */
	CU_ASSERT(lr_addr_eq(&r0, &w->p[1].addr));
	CU_ASSERT(lr_addr_eq(&l1, &w->p[1].addr));
	CU_ASSERT(lr_addr_eq(&l0, &w->p[0].addr));
}

/* Set up, run until `until`, and check both agents connected the usual
 * way; the world stays for more checks. */
void connect_world(struct world *w, const struct opts *o, uint64_t until)
{
	world_init(w, o);
	run(w, until);
	assert_connected(w);
	assert_sequence(&w->p[0]);
	assert_sequence(&w->p[1]);
}
