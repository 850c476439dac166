/*
 * The ICE agent (control/ice) on the network simulator (tests/sim), two
 * agents and optionally a STUN server, signalling passed in-process:
 * full<->full, full<->lite, both controlling (487), 20% loss, one side
 * behind a NAT (server-reflexive and peer-reflexive candidates), late
 * trickle, IPv6, priorities. Each run asserts the state sequence and the
 * selected pair. Consent and ICE restart are in test_ice_restart.c
 * (same program, same suite).
 */
#include <string.h>

#include "ice_helpers.h"

static void test_full_full(void)
{
	struct opts o = {.ctrl0 = 1};
	struct world w;
	struct lr_addr l0, r0, l1, r1;

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
	CU_ASSERT(lr_addr_eq(&l0, &r1));
	CU_ASSERT(lr_addr_eq(&r0, &l1));
	CU_ASSERT(lr_addr_eq(&l0, &w.p[0].addr));
	CU_ASSERT(lr_addr_eq(&l1, &w.p[1].addr));
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
	struct lr_addr l1, r1, l0, r0;
	const struct lr_ice_candidate *srflx = NULL;
	const struct lr_addr nat_ip = lr_sim_v4(203, 0, 113, 1, 0);

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
	CU_ASSERT(lr_addr_eq(&srflx->base, &w.p[0].addr));

	/* 0 (behind the NAT) sends from its host base to 1's host */
	CU_ASSERT_EQUAL(lr_ice_selected(w.p[0].a, &l0, &r0), 1);
	assert_selected_event(&w.p[0]);
	CU_ASSERT(lr_addr_eq(&l0, &w.p[0].addr));
	CU_ASSERT(lr_addr_eq(&r0, &w.p[1].addr));
	CU_ASSERT_EQUAL(w.p[0].sel_r.type, LR_ICE_HOST);
	CU_ASSERT(lr_addr_eq(&w.p[0].sel_l.base, &w.p[0].addr));

	/* 1 reaches 0 at the NAT's mapped address. 0's first check (sent
	 * as soon as 1's candidate arrives) gets there 20 ms before the
	 * server-reflexive candidate is trickled, so 1 learned that
	 * address as a peer-reflexive remote candidate (RFC 8445 §7.3.1.3)
	 * with the check's PRIORITY. */
	CU_ASSERT_EQUAL(lr_ice_selected(w.p[1].a, &l1, &r1), 1);
	assert_selected_event(&w.p[1]);
	CU_ASSERT(lr_addr_eq(&l1, &w.p[1].addr));
	CU_ASSERT(lr_addr_eq(&r1, &srflx->addr));
	CU_ASSERT_EQUAL(w.p[1].sel_r.type, LR_ICE_PRFLX);
	CU_ASSERT_EQUAL(w.p[1].sel_r.priority,
			lr_ice_priority(LR_ICE_PRFLX, 65535, 1));
	CU_ASSERT_EQUAL(w.p[1].sel_l.type, LR_ICE_HOST);
	/* the pair each side selected is the other's, seen through the NAT:
	 * 1 sends to 0's mapping, 0 to 1's host */
	CU_ASSERT(lr_addr_eq(&r0, &l1));
	CU_ASSERT(!lr_addr_eq(&r1, &l0));
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
	ice_restart_add_tests(s);
	ice_auth_add_tests(s);
	ice_secrets_add_tests(s);
	if (CU_get_error() != CUE_SUCCESS)
		return;
	LR_ADD_TEST(s, test_trickle_late);
	LR_ADD_TEST(s, test_ipv6);
}
