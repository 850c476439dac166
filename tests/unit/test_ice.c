/*
 * The ICE agent (control/ice) on the network simulator (tests/sim), two
 * agents and optionally a STUN server, signalling passed in-process:
 * full<->full, full<->lite, both controlling (487), 20% loss, one side
 * behind a NAT (server-reflexive and peer-reflexive candidates), consent
 * freshness and expiry, ICE restart (also out of failed), late trickle. Each run asserts the
 * state sequence and the selected pair; the driver also taps the STUN
 * traffic (requests received and sent, responses received) with their
 * virtual times.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "linerate/lr_ice.h"
#include "linerate/lr_stun.h"
#include "lr_sim.h"
#include "lr_sim_stun.h"
#include "lr_test.h"

struct peer {
	struct lr_ice_agent *a;
	int host;
	struct lr_stun_addr addr;
	int states[32];
	int nstates;
	int eoc_sent;
	struct lr_ice_candidate held[8]; /* candidates not yet signalled */
	int nheld;
	int srflx;	       /* server-reflexive candidates gathered */
	uint64_t state_at[32]; /* virtual time of states[i] */
	struct lr_ice_candidate cands[8]; /* local candidates gathered */
	int ncands;
	int nsel; /* LR_ICE_EV_SELECTED events, the last one below */
	struct lr_ice_candidate sel_l, sel_r;
	uint64_t sel_at;
	uint64_t req_at[64]; /* Binding requests received: when */
	int nreq;
	uint64_t resp_at;      /* the last Binding success response received */
	uint8_t last_req[548]; /* the last Binding request sent */
	size_t last_req_len;
};

struct world {
	struct lr_sim *sim;
	struct peer p[2];
	int stun_host;
	struct lr_stun_addr stun_addr;
	uint64_t trickle_delay; /* hold candidates of p[1] until then */
};

#define to_sim	 lr_sim_from_stun
#define from_sim lr_sim_to_stun
#define v4	 lr_sim_stun_v4

static void signal_events(struct world *w, int i)
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
	struct lr_sim_addr src, dst;
	uint8_t buf[600], out[128];
	int n;

	while ((n = lr_sim_recv(w->sim, w->stun_host, &src, &dst, buf,
				sizeof(buf))) > 0) {
		struct lr_stun_msg m;
		struct lr_stun_builder b;
		struct lr_stun_addr mapped = from_sim(&src);

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
static void run(struct world *w, uint64_t until)
{
	for (;;) {
		uint64_t t, now;
		struct lr_ice_transmit tx;

		/* flush sends and signalling first: they can create pairs */
		for (int round = 0; round < 2; round++) {
			for (int i = 0; i < 2; i++) {
				while (lr_ice_poll_transmit(w->p[i].a, &tx)) {
					struct lr_sim_addr s = to_sim(
								   &tx.local),
							   d = to_sim(
								   &tx.remote);

					if (binding_class(tx.buf, tx.len) ==
					    LR_STUN_REQUEST) {
						memcpy(w->p[i].last_req, tx.buf,
						       tx.len);
						w->p[i].last_req_len = tx.len;
					}
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
			struct lr_sim_addr src, dst;
			uint8_t buf[1500];
			int n;

			while ((n = lr_sim_recv(w->sim, w->p[i].host, &src,
						&dst, buf, sizeof(buf))) > 0) {
				struct lr_stun_addr l = from_sim(&dst),
						    r = from_sim(&src);

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

struct opts {
	int lite1, ctrl0, ctrl1, nat0, aggressive, v6;
	uint64_t trickle_delay; /* hold 1's candidates until then */
	double loss;
	uint64_t seed;
};

static void world_init(struct world *w, const struct opts *o)
{
	struct lr_sim_link link = {.delay_us = 20000, .loss = o->loss};
	struct lr_sim_addr pub = lr_sim_v4(203, 0, 113, 1, 0);
	int nat = -1;

	memset(w, 0, sizeof(*w));
	w->sim = lr_sim_new(o->seed ? o->seed : 11);
	lr_sim_set_link(w->sim, &link);
	w->stun_host = -1;
	if (o->nat0) {
		struct lr_sim_addr sa;

		nat = lr_sim_add_nat(w->sim, &pub);
		w->stun_host = lr_sim_add_host(w->sim, -1);
		w->stun_addr = v4(198, 51, 100, 77, 3478);
		sa = to_sim(&w->stun_addr);
		lr_sim_host_addr(w->sim, w->stun_host, &sa);
	}
	w->p[0].addr = v4(192, 0, 2, 10, 50000);
	w->p[1].addr = v4(198, 51, 100, 20, 60000);
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
		struct lr_sim_addr sa = to_sim(&w->p[i].addr);
		struct lr_ice_config cfg = {
			.controlling = i ? o->ctrl1 : o->ctrl0,
			.lite = i ? o->lite1 : 0,
			.aggressive = o->aggressive,
			.local = &w->p[i].addr,
			.nlocal = 1,
			.stun_server = i == 0 && o->nat0 ? &w->stun_addr : NULL,
			.seed = 100 + (uint64_t)i,
		};

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

static void world_free(struct world *w)
{
	lr_ice_free(w->p[0].a);
	lr_ice_free(w->p[1].a);
	lr_sim_free(w->sim);
}

/* When p first entered state, or UINT64_MAX. */
static uint64_t state_time(const struct peer *p, int state)
{
	for (int i = 0; i < p->nstates; i++)
		if (p->states[i] == state)
			return p->state_at[i];
	return UINT64_MAX;
}

static int addr_eq(const struct lr_stun_addr *x, const struct lr_stun_addr *y)
{
	return x->family == y->family && x->port == y->port &&
	       !memcmp(x->ip, y->ip, x->family == 4 ? 4 : 16);
}

/* The state sequence an agent that connects goes through: checking,
 * then connected (then completed), and nothing else. */
static void assert_sequence(const struct peer *p)
{
	CU_ASSERT_FATAL(p->nstates >= 2);
	CU_ASSERT_EQUAL(p->states[0], LR_ICE_CHECKING);
	CU_ASSERT_EQUAL(p->states[1], LR_ICE_CONNECTED);
	for (int i = 2; i < p->nstates; i++)
		CU_ASSERT_EQUAL(p->states[i], LR_ICE_COMPLETED);
}

/* What p's last LR_ICE_EV_SELECTED said is what lr_ice_selected says:
 * media leaves from the local candidate's base to the remote address. */
static void assert_selected_event(const struct peer *p)
{
	struct lr_stun_addr l, r;

	CU_ASSERT_FATAL(lr_ice_selected(p->a, &l, &r) == 1);
	CU_ASSERT_FATAL(p->nsel >= 1);
	CU_ASSERT(addr_eq(&l, &p->sel_l.base));
	CU_ASSERT(addr_eq(&r, &p->sel_r.addr));
}

/* Both selected the same pair, mirrored. */
static void assert_connected(struct world *w)
{
	struct lr_stun_addr l0, r0, l1, r1;

	CU_ASSERT_EQUAL(lr_ice_selected(w->p[0].a, &l0, &r0), 1);
	CU_ASSERT_EQUAL(lr_ice_selected(w->p[1].a, &l1, &r1), 1);
	CU_ASSERT(lr_ice_state(w->p[0].a) == LR_ICE_CONNECTED ||
		  lr_ice_state(w->p[0].a) == LR_ICE_COMPLETED);
	CU_ASSERT(lr_ice_state(w->p[1].a) == LR_ICE_CONNECTED ||
		  lr_ice_state(w->p[1].a) == LR_ICE_COMPLETED);
	CU_ASSERT(lr_ice_controlling(w->p[0].a) !=
		  lr_ice_controlling(w->p[1].a));
	/* peer 1 is never behind the NAT: what 0 sends to is 1's address */
	CU_ASSERT(addr_eq(&r0, &w->p[1].addr));
	CU_ASSERT(addr_eq(&l1, &w->p[1].addr));
	CU_ASSERT(addr_eq(&l0, &w->p[0].addr));
}

/* Set up, run until `until`, and check both agents connected the usual
 * way; the world stays for more checks. */
static void connect_world(struct world *w, const struct opts *o, uint64_t until)
{
	world_init(w, o);
	run(w, until);
	assert_connected(w);
	assert_sequence(&w->p[0]);
	assert_sequence(&w->p[1]);
}

static void test_full_full(void)
{
	struct opts o = {.ctrl0 = 1};
	struct world w;
	struct lr_stun_addr l0, r0, l1, r1;

	world_init(&w, &o);
	/* new: no state event yet, nothing selected */
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(lr_ice_state(w.p[i].a), LR_ICE_NEW);
		CU_ASSERT_EQUAL(lr_ice_selected(w.p[i].a, &l0, &r0), 0);
	}
	run(&w, 5000000);
	assert_connected(&w);
	for (int i = 0; i < 2; i++) {
		const struct peer *p = &w.p[i];

		/* new -> checking -> connected -> completed, in that order
		 * (both had the other's end-of-candidates before connecting) */
		CU_ASSERT_EQUAL(p->nstates, 3);
		CU_ASSERT_EQUAL(p->states[0], LR_ICE_CHECKING);
		CU_ASSERT_EQUAL(p->states[1], LR_ICE_CONNECTED);
		CU_ASSERT_EQUAL(p->states[2], LR_ICE_COMPLETED);
		CU_ASSERT(p->state_at[0] <= p->state_at[1]);
		CU_ASSERT(p->state_at[1] <= p->state_at[2]);
		/* one pair selected, once, when it got connected */
		CU_ASSERT_EQUAL(p->nsel, 1);
		CU_ASSERT_EQUAL(p->sel_at, p->state_at[1]);
		assert_selected_event(p);
		CU_ASSERT_EQUAL(p->sel_l.type, LR_ICE_HOST);
		CU_ASSERT_EQUAL(p->sel_r.type, LR_ICE_HOST);
		CU_ASSERT_EQUAL(lr_ice_gather_state(p->a),
				LR_ICE_GATHER_COMPLETE);
	}
	/* the same pair on both sides: 0's local is 1's remote and back */
	CU_ASSERT_EQUAL(lr_ice_selected(w.p[0].a, &l0, &r0), 1);
	CU_ASSERT_EQUAL(lr_ice_selected(w.p[1].a, &l1, &r1), 1);
	CU_ASSERT(addr_eq(&l0, &r1));
	CU_ASSERT(addr_eq(&r0, &l1));
	CU_ASSERT(addr_eq(&l0, &w.p[0].addr));
	CU_ASSERT(addr_eq(&l1, &w.p[1].addr));
	CU_ASSERT(lr_ice_controlling(w.p[0].a));
	CU_ASSERT(!lr_ice_controlling(w.p[1].a));
	world_free(&w);
}

static void test_aggressive(void)
{
	struct opts o = {.ctrl0 = 1, .aggressive = 1};
	struct world w;

	connect_world(&w, &o, 5000000);
	world_free(&w);
}

static void test_full_lite(void)
{
	struct opts o = {.ctrl0 = 1, .lite1 = 1};
	struct world w;
	struct lr_ice_stats st;

	connect_world(&w, &o, 5000000);
	lr_ice_stats(w.p[1].a, &st);
	CU_ASSERT_EQUAL(st.checks_sent, 0); /* lite agents do not check */
	world_free(&w);
}

static void test_role_conflict(void)
{
	struct opts o = {.ctrl0 = 1, .ctrl1 = 1};
	struct world w;
	struct lr_ice_stats s0, s1;

	connect_world(&w, &o, 5000000);
	lr_ice_stats(w.p[0].a, &s0);
	lr_ice_stats(w.p[1].a, &s1);
	CU_ASSERT(s0.role_conflicts + s1.role_conflicts >= 1);
	world_free(&w);
}

static void test_loss(void)
{
	struct opts o = {.ctrl0 = 1, .loss = 0.2, .seed = 99};
	struct world w;

	connect_world(&w, &o, 30000000);
	world_free(&w);
}

static void test_nat(void)
{
	struct opts o = {.ctrl0 = 1, .nat0 = 1};
	struct world w;
	struct lr_stun_addr l1, r1, l0, r0;
	const struct lr_ice_candidate *srflx = NULL;
	const struct lr_stun_addr nat_ip = v4(203, 0, 113, 1, 0);

	world_init(&w, &o);
	run(&w, 10000000);
	assert_sequence(&w.p[0]);
	assert_sequence(&w.p[1]);
	CU_ASSERT_EQUAL(lr_ice_state(w.p[0].a), LR_ICE_COMPLETED);
	CU_ASSERT_EQUAL(lr_ice_state(w.p[1].a), LR_ICE_COMPLETED);
	CU_ASSERT(lr_ice_controlling(w.p[0].a));
	CU_ASSERT(!lr_ice_controlling(w.p[1].a));
	/* 0 learned its public address from the STUN server: the NAT's
	 * mapping of its host candidate */
	CU_ASSERT_EQUAL(w.p[0].srflx, 1);
	CU_ASSERT_EQUAL(lr_ice_gather_state(w.p[0].a), LR_ICE_GATHER_COMPLETE);
	for (int k = 0; k < w.p[0].ncands; k++)
		if (w.p[0].cands[k].type == LR_ICE_SRFLX)
			srflx = &w.p[0].cands[k];
	CU_ASSERT_PTR_NOT_NULL_FATAL(srflx);
	CU_ASSERT_EQUAL(srflx->addr.family, 4);
	CU_ASSERT_EQUAL(memcmp(srflx->addr.ip, nat_ip.ip, 4), 0);
	CU_ASSERT(addr_eq(&srflx->base, &w.p[0].addr));

	/* 0 (behind the NAT) sends from its host base to 1's host */
	CU_ASSERT_EQUAL(lr_ice_selected(w.p[0].a, &l0, &r0), 1);
	assert_selected_event(&w.p[0]);
	CU_ASSERT(addr_eq(&l0, &w.p[0].addr));
	CU_ASSERT(addr_eq(&r0, &w.p[1].addr));
	CU_ASSERT_EQUAL(w.p[0].sel_r.type, LR_ICE_HOST);
	CU_ASSERT(addr_eq(&w.p[0].sel_l.base, &w.p[0].addr));

	/* 1 reaches 0 at the NAT's mapped address. 0's first check (sent
	 * as soon as 1's candidate arrives) gets there 20 ms before the
	 * server-reflexive candidate is trickled, so 1 learned that
	 * address as a peer-reflexive remote candidate (RFC 8445 §7.3.1.3)
	 * with the check's PRIORITY. */
	CU_ASSERT_EQUAL(lr_ice_selected(w.p[1].a, &l1, &r1), 1);
	assert_selected_event(&w.p[1]);
	CU_ASSERT(addr_eq(&l1, &w.p[1].addr));
	CU_ASSERT(addr_eq(&r1, &srflx->addr));
	CU_ASSERT_EQUAL(w.p[1].sel_r.type, LR_ICE_PRFLX);
	CU_ASSERT_EQUAL(w.p[1].sel_r.priority,
			lr_ice_priority(LR_ICE_PRFLX, 65535, 1));
	CU_ASSERT_EQUAL(w.p[1].sel_l.type, LR_ICE_HOST);
	/* the pair each side selected is the other's, seen through the NAT:
	 * 1 sends to 0's mapping, 0 to 1's host */
	CU_ASSERT(addr_eq(&r0, &l1));
	CU_ASSERT(!addr_eq(&r1, &l0));
	world_free(&w);
}

/* Requests peer p received in [from, to). */
static int reqs_in(const struct peer *p, uint64_t from, uint64_t to)
{
	int n = 0;

	for (int k = 0; k < p->nreq; k++)
		n += p->req_at[k] >= from && p->req_at[k] < to;
	return n;
}

static void test_consent_expiry(void)
{
	const uint64_t s = 1000000; /* one second of virtual time */
	const uint64_t t0 = 3 * s, quiet = 42 * s;
	struct opts o = {.ctrl0 = 1};
	struct world w;
	struct lr_ice_stats st;
	uint64_t gap_min = UINT64_MAX, gap_max = 0;
	int first = -1, nreq;

	world_init(&w, &o);
	run(&w, t0);
	assert_connected(&w);
	/* 39 s with both answering. RFC 7675 §5.1: a consent check every
	 * 5 s, randomised to 0.8..1.2 times that: 1 gets 0's checks 4 to
	 * 6 s apart, and the gaps differ. */
	run(&w, quiet);
	for (int k = 0; k < w.p[1].nreq; k++) {
		if (w.p[1].req_at[k] < t0)
			continue; /* connectivity checks */
		if (first >= 0) {
			uint64_t gap = w.p[1].req_at[k] - w.p[1].req_at[k - 1];

			CU_ASSERT(gap >= 4 * s && gap <= 6 * s);
			if (gap < 4 * s || gap > 6 * s)
				printf("consent gap %llu us\n",
				       (unsigned long long)gap);
			gap_min = gap < gap_min ? gap : gap_min;
			gap_max = gap > gap_max ? gap : gap_max;
		} else {
			first = k;
			/* the first one 5 s (+-20%) after the pair was
			 * selected */
			CU_ASSERT(w.p[1].req_at[k] - w.p[0].sel_at >= 4 * s);
			CU_ASSERT(w.p[1].req_at[k] - w.p[0].sel_at <= 6 * s);
		}
	}
	CU_ASSERT_FATAL(first >= 0);
	CU_ASSERT(gap_min < gap_max);
	/* per 12 s window 2 or 3 of them; 6..9 in 36 s */
	for (uint64_t t = 6 * s; t + 12 * s <= quiet; t += 12 * s) {
		int n = reqs_in(&w.p[1], t, t + 12 * s);

		CU_ASSERT(n >= 2 && n <= 3);
	}
	nreq = reqs_in(&w.p[1], 6 * s, quiet);
	CU_ASSERT(nreq >= 6 && nreq <= 9);
	/* each answered at once: no retransmission, consent kept */
	lr_ice_stats(w.p[0].a, &st);
	CU_ASSERT_EQUAL(st.consent_sent, (uint64_t)reqs_in(&w.p[1], t0, quiet));
	CU_ASSERT_EQUAL(st.consent_ok, st.consent_sent);
	CU_ASSERT_EQUAL(lr_ice_state(w.p[0].a), LR_ICE_COMPLETED);
	CU_ASSERT_EQUAL(w.p[0].nstates, 3);
	/* the last answer came less than 6 s + a round trip ago */
	CU_ASSERT(w.p[0].resp_at <= quiet && w.p[0].resp_at + 6 * s > quiet);

	/* 1 goes silent. 0 keeps checking; without a reply for 10 s it is
	 * disconnected, for 30 s failed (RFC 7675 §5.1), counted from the
	 * last reply, not from when the silence began */
	lr_sim_host_silence(w.sim, w.p[1].host, 1);
	nreq = w.p[1].nreq;
	run(&w, quiet + 15 * s);
	CU_ASSERT_EQUAL(lr_ice_state(w.p[0].a), LR_ICE_DISCONNECTED);
	run(&w, quiet + 23 * s);
	CU_ASSERT_EQUAL(lr_ice_state(w.p[0].a), LR_ICE_DISCONNECTED);
	run(&w, quiet + 40 * s);
	CU_ASSERT_EQUAL(lr_ice_state(w.p[0].a), LR_ICE_FAILED);
	CU_ASSERT_EQUAL(w.p[1].nreq, nreq); /* nothing got through */
	lr_ice_stats(w.p[0].a, &st);
	CU_ASSERT(st.consent_sent > st.consent_ok);
	for (int i = 0; i < 2; i++) {
		const struct peer *p = &w.p[i];
		uint64_t disc = state_time(p, LR_ICE_DISCONNECTED),
			 failed = state_time(p, LR_ICE_FAILED);

		/* completed -> disconnected -> failed, nothing else */
		CU_ASSERT_EQUAL_FATAL(p->nstates, 5);
		CU_ASSERT_EQUAL(p->states[2], LR_ICE_COMPLETED);
		CU_ASSERT_EQUAL(p->states[3], LR_ICE_DISCONNECTED);
		CU_ASSERT_EQUAL(p->states[4], LR_ICE_FAILED);
		/* windows around 10 s and 30 s after the last reply, and so
		 * 4..10 s and 24..30 s after the silence began */
		CU_ASSERT(disc >= p->resp_at + 10 * s);
		CU_ASSERT(disc < p->resp_at + 11 * s);
		CU_ASSERT(failed >= p->resp_at + 30 * s);
		CU_ASSERT(failed < p->resp_at + 31 * s);
		CU_ASSERT(failed >= quiet + 24 * s);
		CU_ASSERT(failed <= quiet + 31 * s);
		if (failed < p->resp_at + 30 * s ||
		    failed >= p->resp_at + 31 * s)
			printf("peer %d: last reply %llu us, failed %llu us\n",
			       i, (unsigned long long)p->resp_at,
			       (unsigned long long)failed);
		/* failed is final: nothing more to send or wait for */
		CU_ASSERT_EQUAL(lr_ice_poll_timeout(p->a), UINT64_MAX);
	}
	world_free(&w);
}

/* Copy a NUL-terminated credential. */
static void keep(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src);
}

/* The last Binding request p sent: USERNAME is "<rufrag>:<lufrag>" and
 * MESSAGE-INTEGRITY verifies with key (1) or not (0). */
static void assert_request_creds(const struct peer *p, const char *rufrag,
				 const char *lufrag, const char *key,
				 const char *wrong_key)
{
	struct lr_stun_msg m;
	const struct lr_stun_attr *u;
	char want[64];
	size_t n =
		(size_t)snprintf(want, sizeof(want), "%s:%s", rufrag, lufrag);

	CU_ASSERT_FATAL(p->last_req_len > 0);
	CU_ASSERT_EQUAL_FATAL(lr_stun_parse(&m, p->last_req, p->last_req_len),
			      LR_STUN_OK);
	u = lr_stun_find(&m, LR_STUN_USERNAME);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL(u->len, n);
	CU_ASSERT(u->len == n && !memcmp(lr_stun_value(&m, u), want, n));
	CU_ASSERT_EQUAL(
		lr_stun_check_integrity(&m, (const uint8_t *)key, strlen(key)),
		1);
	CU_ASSERT_EQUAL(lr_stun_check_integrity(&m, (const uint8_t *)wrong_key,
						strlen(wrong_key)),
			0);
}

/*
 * 0 restarts ICE at 3 s; its offer reaches 1 200 ms later (1 restarts
 * too, takes 0's new credentials and candidates, starts checking), the
 * answer reaches 0 another 200 ms later, 1's candidates with it. Until
 * each side selects a pair of the new generation, media stays on the
 * old pair and the state stays connected/completed; after, the new
 * pair is checked and kept with the new credentials.
 */
static void test_restart(void)
{
	const uint64_t T = 3000000, offer_at = T + 200000,
		       answer_at = T + 400000, step = 20000;
	struct opts o = {.ctrl0 = 1};
	struct world w;
	struct lr_stun_addr l[2], r[2], l2, r2;
	struct lr_ice_stats at_sel[2], st;
	char old_u[2][16], old_p[2][32], new_u[2][16], new_p[2][32];
	const char *u, *p;
	int mark[2], nsel0[2], before[2] = {0, 0}, after[2] = {0, 0};
	int have_stats[2] = {0, 0};

	world_init(&w, &o);
	run(&w, T);
	assert_connected(&w);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(lr_ice_selected(w.p[i].a, &l[i], &r[i]), 1);
		lr_ice_local_credentials(w.p[i].a, &u, &p);
		keep(old_u[i], sizeof(old_u[i]), u);
		keep(old_p[i], sizeof(old_p[i]), p);
		mark[i] = w.p[i].nstates;
		nsel0[i] = w.p[i].nsel;
	}
	/* 0 restarts: new credentials for its offer, gathering anew */
	w.p[0].ncands = 0;
	lr_ice_restart(w.p[0].a, T);
	lr_ice_local_credentials(w.p[0].a, &u, &p);
	keep(new_u[0], sizeof(new_u[0]), u);
	keep(new_p[0], sizeof(new_p[0]), p);
	CU_ASSERT_STRING_NOT_EQUAL(new_u[0], old_u[0]);
	CU_ASSERT_STRING_NOT_EQUAL(new_p[0], old_p[0]);
	/* 1's new candidates go out with its answer */
	w.trickle_delay = answer_at;
	for (uint64_t t = T; t <= T + 5000000; t += step) {
		run(&w, t);
		if (t == offer_at) {
			/* the offer: 1 restarts, then takes 0's new
			 * credentials and candidates */
			w.p[1].ncands = 0;
			lr_ice_restart(w.p[1].a, t);
			lr_ice_local_credentials(w.p[1].a, &u, &p);
			keep(new_u[1], sizeof(new_u[1]), u);
			keep(new_p[1], sizeof(new_p[1]), p);
			CU_ASSERT_STRING_NOT_EQUAL(new_u[1], old_u[1]);
			CU_ASSERT_EQUAL(lr_ice_set_remote_credentials(
						w.p[1].a, new_u[0], new_p[0]),
					0);
			CU_ASSERT_EQUAL(w.p[0].ncands, 1);
			for (int k = 0; k < w.p[0].ncands; k++)
				CU_ASSERT_EQUAL(
					lr_ice_add_remote_candidate(
						w.p[1].a, &w.p[0].cands[k], t),
					0);
			lr_ice_remote_end_of_candidates(w.p[1].a);
		}
		if (t == answer_at)
			CU_ASSERT_EQUAL(lr_ice_set_remote_credentials(
						w.p[0].a, new_u[1], new_p[1]),
					0);
		for (int i = 0; i < 2; i++) {
			int st_now = lr_ice_state(w.p[i].a);

			/* never checking, disconnected or failed */
			CU_ASSERT(st_now == LR_ICE_CONNECTED ||
				  st_now == LR_ICE_COMPLETED);
			CU_ASSERT_EQUAL(lr_ice_selected(w.p[i].a, &l2, &r2), 1);
			if (w.p[i].nsel == nsel0[i]) {
				/* still the old pair for media */
				CU_ASSERT(addr_eq(&l2, &l[i]));
				CU_ASSERT(addr_eq(&r2, &r[i]));
				before[i]++;
				continue;
			}
			after[i]++;
			if (!have_stats[i]) {
				lr_ice_stats(w.p[i].a, &at_sel[i]);
				have_stats[i] = 1;
			}
		}
	}
	/* a run of 20 ms samples saw the old pair (at least until the
	 * answer), then one new selection each, after the answer */
	for (int i = 0; i < 2; i++) {
		const struct peer *pe = &w.p[i];

		CU_ASSERT(before[i] >= (int)((answer_at - T) / step));
		CU_ASSERT(after[i] > 0);
		CU_ASSERT_EQUAL(pe->nsel, nsel0[i] + 1);
		CU_ASSERT(pe->sel_at >= answer_at);
		assert_selected_event(pe);
		/* completed -> connected (for the restart), completed again
		 * once a pair of the new generation is selected */
		CU_ASSERT_EQUAL_FATAL(pe->nstates, mark[i] + 2);
		CU_ASSERT_EQUAL(pe->states[mark[i]], LR_ICE_CONNECTED);
		CU_ASSERT_EQUAL(pe->states[mark[i] + 1], LR_ICE_COMPLETED);
		CU_ASSERT(pe->state_at[mark[i] + 1] >= pe->sel_at);
	}
	assert_connected(&w);
	/* until consent has run on the new pair */
	run(&w, T + 12000000);
	assert_connected(&w);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(w.p[i].nstates, mark[i] + 2);
		lr_ice_stats(w.p[i].a, &st);
		CU_ASSERT(st.consent_ok > at_sel[i].consent_ok);
		CU_ASSERT_EQUAL(st.auth_failures, at_sel[i].auth_failures);
	}
	/* the checks on the new pair carry the new credentials: USERNAME
	 * "<their new ufrag>:<my new ufrag>", signed with their new
	 * password, not the old one */
	assert_request_creds(&w.p[0], new_u[1], new_u[0], new_p[1], old_p[1]);
	assert_request_creds(&w.p[1], new_u[0], new_u[1], new_p[0], old_p[0]);
	world_free(&w);
}

/*
 * A restart recovers a failed session (RFC 8445 §9; W3C restartIce()):
 * connected, then 1 goes silent until both agents fail on consent (RFC
 * 7675), nothing more is sent or scheduled; 1 comes back and both
 * restart, exchanging new credentials and candidates. Each goes failed
 * -> checking -> connected (-> completed) and selects a pair whose
 * checks carry the new credentials.
 */
static void test_restart_after_failed(void)
{
	const uint64_t s = 1000000, t0 = 3 * s, T = 40 * s;
	struct opts o = {.ctrl0 = 1};
	struct world w;
	char old_u[2][16], old_p[2][32], new_u[2][16], new_p[2][32];
	const char *u, *p;
	int mark[2], nsel0[2];

	world_init(&w, &o);
	run(&w, t0);
	assert_connected(&w);
	lr_sim_host_silence(w.sim, w.p[1].host, 1);
	run(&w, T);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(lr_ice_state(w.p[i].a), LR_ICE_FAILED);
		CU_ASSERT_EQUAL(lr_ice_poll_timeout(w.p[i].a), UINT64_MAX);
		mark[i] = w.p[i].nstates;
		nsel0[i] = w.p[i].nsel;
		CU_ASSERT_EQUAL(w.p[i].states[mark[i] - 1], LR_ICE_FAILED);
		lr_ice_local_credentials(w.p[i].a, &u, &p);
		keep(old_u[i], sizeof(old_u[i]), u);
		keep(old_p[i], sizeof(old_p[i]), p);
	}
	lr_sim_host_silence(w.sim, w.p[1].host, 0);
	/* both restart at T; the new candidates trickle through run() */
	for (int i = 0; i < 2; i++) {
		w.p[i].ncands = 0;
		lr_ice_restart(w.p[i].a, T);
		CU_ASSERT_EQUAL(lr_ice_state(w.p[i].a), LR_ICE_CHECKING);
		lr_ice_local_credentials(w.p[i].a, &u, &p);
		keep(new_u[i], sizeof(new_u[i]), u);
		keep(new_p[i], sizeof(new_p[i]), p);
		CU_ASSERT_STRING_NOT_EQUAL(new_u[i], old_u[i]);
		CU_ASSERT_STRING_NOT_EQUAL(new_p[i], old_p[i]);
	}
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(lr_ice_set_remote_credentials(
					w.p[i].a, new_u[!i], new_p[!i]),
				0);
	/* with the new candidates signalled, checks are scheduled again */
	for (int i = 0; i < 2; i++)
		signal_events(&w, i);
	for (int i = 0; i < 2; i++)
		CU_ASSERT(lr_ice_poll_timeout(w.p[i].a) <= T);
	run(&w, T + 3 * s);
	assert_connected(&w);
	for (int i = 0; i < 2; i++) {
		const struct peer *pe = &w.p[i];

		/* failed -> checking -> connected (-> completed: both sides
		 * signalled the end of their candidates) */
		CU_ASSERT_FATAL(pe->nstates >= mark[i] + 2);
		CU_ASSERT_EQUAL(pe->states[mark[i]], LR_ICE_CHECKING);
		CU_ASSERT_EQUAL(pe->states[mark[i] + 1], LR_ICE_CONNECTED);
		CU_ASSERT(pe->nstates <= mark[i] + 3);
		if (pe->nstates == mark[i] + 3)
			CU_ASSERT_EQUAL(pe->states[mark[i] + 2],
					LR_ICE_COMPLETED);
		CU_ASSERT_EQUAL(pe->state_at[mark[i]], T);
		CU_ASSERT_EQUAL(pe->nsel, nsel0[i] + 1);
		CU_ASSERT(pe->sel_at >= T);
		assert_selected_event(pe);
	}
	/* consent runs on the new pair, with the new credentials */
	run(&w, T + 12 * s);
	assert_connected(&w);
	assert_request_creds(&w.p[0], new_u[1], new_u[0], new_p[1], old_p[1]);
	assert_request_creds(&w.p[1], new_u[0], new_u[1], new_p[0], old_p[0]);
	world_free(&w);
}

/* The same recovery when only 0 restarts: 1 sees it as new remote
 * credentials (RFC 8445 §9: either side may restart) and, failed, goes
 * back to checking too; 0 keeps 1's credentials and candidates. */
static void test_peer_restart_after_failed(void)
{
	const uint64_t s = 1000000, T = 40 * s;
	struct opts o = {.ctrl0 = 1};
	struct world w;
	const char *u, *p, *u1, *p1;
	int mark[2];

	world_init(&w, &o);
	run(&w, 3 * s);
	assert_connected(&w);
	lr_sim_host_silence(w.sim, w.p[1].host, 1);
	run(&w, T);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(lr_ice_state(w.p[i].a), LR_ICE_FAILED);
		mark[i] = w.p[i].nstates;
	}
	lr_sim_host_silence(w.sim, w.p[1].host, 0);
	lr_ice_restart(w.p[0].a, T);
	lr_ice_local_credentials(w.p[0].a, &u, &p);
	CU_ASSERT_EQUAL(lr_ice_set_remote_credentials(w.p[1].a, u, p), 0);
	CU_ASSERT_EQUAL(lr_ice_state(w.p[1].a), LR_ICE_CHECKING);
	lr_ice_local_credentials(w.p[1].a, &u1, &p1);
	CU_ASSERT_EQUAL(lr_ice_set_remote_credentials(w.p[0].a, u1, p1), 0);
	CU_ASSERT_FATAL(w.p[1].ncands >= 1);
	for (int k = 0; k < w.p[1].ncands; k++)
		CU_ASSERT_EQUAL(lr_ice_add_remote_candidate(
					w.p[0].a, &w.p[1].cands[k], T),
				0);
	lr_ice_remote_end_of_candidates(w.p[0].a);
	run(&w, T + 3 * s);
	assert_connected(&w);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_FATAL(w.p[i].nstates >= mark[i] + 2);
		CU_ASSERT_EQUAL(w.p[i].states[mark[i]], LR_ICE_CHECKING);
		CU_ASSERT_EQUAL(w.p[i].states[mark[i] + 1], LR_ICE_CONNECTED);
		assert_selected_event(&w.p[i]);
	}
	world_free(&w);
}

static void test_trickle_late(void)
{
	/* 1's candidates reach 0 only after 1.5 s */
	struct opts o = {.ctrl0 = 1, .trickle_delay = 1500000};
	struct world w;

	connect_world(&w, &o, 6000000);
	world_free(&w);
}

static void test_ipv6(void)
{
	struct opts o = {.ctrl0 = 1, .v6 = 1};
	struct world w;

	connect_world(&w, &o, 5000000);
	world_free(&w);
}

static void test_priorities(void)
{
	/* RFC 8445 §5.1.2.1 with the recommended type preferences */
	CU_ASSERT_EQUAL(lr_ice_priority(LR_ICE_HOST, 65535, 1),
			(126u << 24) | (65535u << 8) | 255u);
	CU_ASSERT_EQUAL(lr_ice_priority(LR_ICE_SRFLX, 0, 1),
			(100u << 24) | 255u);
	/* §6.1.2.3 */
	CU_ASSERT_EQUAL(lr_ice_pair_priority(10, 20), (10ull << 32) + 40);
	CU_ASSERT_EQUAL(lr_ice_pair_priority(20, 10), (10ull << 32) + 40 + 1);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("ice", NULL, NULL);

	if (!s)
		return;
	LR_ADD_TEST(s, test_priorities);
	LR_ADD_TEST(s, test_full_full);
	LR_ADD_TEST(s, test_aggressive);
	LR_ADD_TEST(s, test_full_lite);
	LR_ADD_TEST(s, test_role_conflict);
	LR_ADD_TEST(s, test_loss);
	LR_ADD_TEST(s, test_nat);
	LR_ADD_TEST(s, test_consent_expiry);
	LR_ADD_TEST(s, test_restart);
	LR_ADD_TEST(s, test_restart_after_failed);
	LR_ADD_TEST(s, test_peer_restart_after_failed);
	LR_ADD_TEST(s, test_trickle_late);
	LR_ADD_TEST(s, test_ipv6);
}
