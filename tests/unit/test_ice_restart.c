/*
 * ICE consent freshness and expiry (RFC 7675) and ICE restart (RFC 8445
 * §9): a restart while connected moves media to a new pair only once it
 * is checked with the new credentials, and a restart recovers agents
 * that failed on consent, ours or the peer's. The driver taps the STUN
 * traffic (requests received and sent, responses received) with their
 * virtual times. Part of the test_ice program.
 */
#include <stdio.h>
#include <string.h>

#include "ice_helpers.h"

/* When p first entered state, or UINT64_MAX. */
static uint64_t state_time(const struct peer *p, int state)
{
	for (int i = 0; i < p->nstates; i++)
		if (p->states[i] == state)
			return p->state_at[i];
	return UINT64_MAX;
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
	struct lr_addr l[2], r[2], l2, r2;
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
				CU_ASSERT(lr_addr_eq(&l2, &l[i]));
				CU_ASSERT(lr_addr_eq(&r2, &r[i]));
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

void ice_restart_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_consent_expiry);
	LR_ADD_TEST(s, test_restart);
	LR_ADD_TEST(s, test_restart_after_failed);
	LR_ADD_TEST(s, test_peer_restart_after_failed);
}
