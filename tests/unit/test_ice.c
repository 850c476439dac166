/*
 * The ICE agent (control/ice) on the network simulator (tests/sim), two
 * agents and optionally a STUN server, signalling passed in-process:
 * full<->full, full<->lite, both controlling (487), 20% loss, one side
 * behind a NAT (server-reflexive and peer-reflexive candidates), consent
 * expiry, ICE restart, late trickle. Each run asserts the state sequence
 * and the selected pair.
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
	int srflx; /* server-reflexive candidates gathered */
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
		if (ev.type == LR_ICE_EV_STATE && me->nstates < 32)
			me->states[me->nstates++] = ev.state;
		if (ev.type == LR_ICE_EV_CANDIDATE &&
		    ev.cand.type == LR_ICE_SRFLX)
			me->srflx++;
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

static int saw(const struct peer *p, int state)
{
	for (int i = 0; i < p->nstates; i++)
		if (p->states[i] == state)
			return 1;
	return 0;
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
	CU_ASSERT_EQUAL(memcmp(&r0, &w->p[1].addr, sizeof(r0)), 0);
	CU_ASSERT_EQUAL(memcmp(&l1, &w->p[1].addr, sizeof(l1)), 0);
	CU_ASSERT_EQUAL(memcmp(&l0, &w->p[0].addr, sizeof(l0)), 0);
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

	world_init(&w, &o);
	run(&w, 5000000);
	assert_connected(&w);
	CU_ASSERT_EQUAL(memcmp(&w.p[1].addr, &w.p[1].addr, 1), 0);
	/* new -> checking -> connected -> completed, in that order */
	CU_ASSERT_EQUAL(w.p[0].nstates, 3);
	CU_ASSERT_EQUAL(w.p[0].states[0], LR_ICE_CHECKING);
	CU_ASSERT_EQUAL(w.p[0].states[1], LR_ICE_CONNECTED);
	CU_ASSERT_EQUAL(w.p[0].states[2], LR_ICE_COMPLETED);
	CU_ASSERT(saw(&w.p[1], LR_ICE_CONNECTED));
	CU_ASSERT_EQUAL(lr_ice_gather_state(w.p[0].a), LR_ICE_GATHER_COMPLETE);
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
	struct lr_ice_event ev;
	int srflx = 0;

	world_init(&w, &o);
	run(&w, 10000000);
	CU_ASSERT_EQUAL(lr_ice_selected(w.p[1].a, &l1, &r1), 1);
	CU_ASSERT_EQUAL(lr_ice_selected(w.p[0].a, &l0, &r0), 1);
	/* 1 reaches 0 at the NAT's public address */
	CU_ASSERT_EQUAL(r1.ip[0], 203);
	CU_ASSERT_EQUAL(memcmp(&l0, &w.p[0].addr, sizeof(l0)), 0);
	/* 0 learned its public address from the STUN server */
	CU_ASSERT_EQUAL(w.p[0].srflx, 1);
	CU_ASSERT_EQUAL(lr_ice_gather_state(w.p[0].a), LR_ICE_GATHER_COMPLETE);
	(void)ev;
	(void)srflx;
	world_free(&w);
}

static void test_consent_expiry(void)
{
	struct opts o = {.ctrl0 = 1};
	struct world w;

	world_init(&w, &o);
	run(&w, 3000000);
	assert_connected(&w);
	lr_sim_host_silence(w.sim, w.p[1].host, 1);
	/* no consent reply for 10 s: disconnected; for 30 s: failed */
	run(&w, 3000000 + 15000000);
	CU_ASSERT_EQUAL(lr_ice_state(w.p[0].a), LR_ICE_DISCONNECTED);
	run(&w, 3000000 + 25000000);
	CU_ASSERT_EQUAL(lr_ice_state(w.p[0].a), LR_ICE_DISCONNECTED);
	run(&w, 3000000 + 33000000);
	CU_ASSERT_EQUAL(lr_ice_state(w.p[0].a), LR_ICE_FAILED);
	CU_ASSERT(saw(&w.p[0], LR_ICE_DISCONNECTED));
	world_free(&w);
}

static void test_restart(void)
{
	struct opts o = {.ctrl0 = 1};
	struct world w;
	struct lr_stun_addr l, r, l2, r2;
	const char *u, *p, *u2, *p2;

	world_init(&w, &o);
	run(&w, 3000000);
	assert_connected(&w);
	CU_ASSERT_EQUAL(lr_ice_selected(w.p[0].a, &l, &r), 1);
	char old_ufrag[16];

	lr_ice_local_credentials(w.p[0].a, &u, &p);
	snprintf(old_ufrag, sizeof(old_ufrag), "%s", u);
	lr_ice_restart(w.p[0].a, lr_sim_now(w.sim));
	lr_ice_local_credentials(w.p[0].a, &u2, &p2);
	CU_ASSERT_STRING_NOT_EQUAL(old_ufrag, u2);
	/* media stays on the old pair while the restart runs */
	CU_ASSERT_EQUAL(lr_ice_selected(w.p[0].a, &l2, &r2), 1);
	CU_ASSERT_EQUAL(memcmp(&r, &r2, sizeof(r)), 0);
	/* new offer/answer: the peer takes the new credentials, restarts too */
	lr_ice_restart(w.p[1].a, lr_sim_now(w.sim));
	for (int i = 0; i < 2; i++) {
		lr_ice_local_credentials(w.p[!i].a, &u, &p);
		CU_ASSERT_EQUAL(lr_ice_set_remote_credentials(w.p[i].a, u, p),
				0);
	}
	w.p[0].eoc_sent = w.p[1].eoc_sent = 0;
	w.p[0].nstates = w.p[1].nstates = 0;
	run(&w, 8000000);
	assert_connected(&w);
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
	LR_ADD_TEST(s, test_trickle_late);
	LR_ADD_TEST(s, test_ipv6);
}
