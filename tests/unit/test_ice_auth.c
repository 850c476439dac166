/*
 * One ICE agent driven by hand, its peer's STUN written here with the
 * STUN codec: what the agent does with checks and responses that are
 * not what they should be (issue 12). Each test names what it covers:
 * responses and consent replies without (or with a wrong)
 * MESSAGE-INTEGRITY, role conflicts decided both ways for both roles
 * (RFC 8445 §7.3.1.1, §7.2.5.1), requests with both role attributes,
 * and remote ufrags up to the longest RFC 8839 allows (defect 4).
 */
#include <string.h>

#include "ice_helpers.h"

#define RUFRAG SOLO_RUFRAG
#define RPWD   SOLO_RPWD

struct solo {
	struct lr_ice_agent *a;
	struct lr_sim_drbg drbg;
	struct lr_addr local, remote;
	char rufrag[LR_ICE_UFRAG_MAX + 1], rpwd[257];
	uint64_t now;
};

/* The tie-breaker is the agent's first draw from its generator. */
struct tie_rand {
	uint64_t tie;
	int drawn;
	struct lr_sim_drbg rest;
};

static int tie_fill(void *ctx, void *buf, size_t len)
{
	struct tie_rand *t = ctx;

	if (!t->drawn && len == sizeof(t->tie)) {
		t->drawn = 1;
		memcpy(buf, &t->tie, sizeof(t->tie));
		return 0;
	}
	return lr_sim_drbg_rand(&t->rest).fill(&t->rest, buf, len);
}

static struct tie_rand tr;

/* An agent with one host candidate and the peer's credentials and one
 * candidate; aggressive nomination (controlling) selects the first valid
 * pair; tie: its tie-breaker (0: from the generator). */
static void solo_new(struct solo *s, int controlling, int lite, int aggressive,
		     uint64_t tie, const char *rufrag, const char *rpwd)
{
	struct lr_ice_config c = {.controlling = controlling,
				  .lite = lite,
				  .aggressive = aggressive};

	memset(s, 0, sizeof(*s));
	s->local = SOLO_LOCAL;
	s->remote = SOLO_REMOTE;
	c.local = &s->local;
	c.nlocal = 1;
	lr_sim_drbg_init(&s->drbg, 5);
	c.rand = lr_sim_drbg_rand(&s->drbg);
	if (tie) {
		memset(&tr, 0, sizeof(tr));
		tr.tie = tie;
		lr_sim_drbg_init(&tr.rest, 6);
		c.rand = (struct lr_rand){.fill = tie_fill, .ctx = &tr};
	}
	CU_ASSERT_EQUAL_FATAL(lr_ice_new(&c, 0, &s->a), 0);
	snprintf(s->rufrag, sizeof(s->rufrag), "%s", rufrag);
	snprintf(s->rpwd, sizeof(s->rpwd), "%s", rpwd);
	solo_peer(s->a, s->rufrag, s->rpwd);
}

/* Run the agent's timers to t; the last datagram it sent into out (its
 * length, 0 if none). */
static size_t solo_run(struct solo *s, uint64_t t, uint8_t *out)
{
	struct lr_ice_transmit tx;
	size_t n = 0;

	for (; s->now <= t; s->now += 10000) {
		lr_ice_handle_timeout(s->a, s->now);
		while (lr_ice_poll_transmit(s->a, &tx)) {
			memcpy(out, tx.buf, tx.len);
			n = tx.len;
		}
	}
	return n;
}

static void solo_input(struct solo *s, const uint8_t *buf, size_t len)
{
	CU_ASSERT_EQUAL(lr_ice_handle_packet(s->a, s->now, &s->local,
					     &s->remote, buf, len),
			0);
}

/* The first check the agent sends after the timers ran to t. */
static size_t first_check(struct solo *s, uint64_t t, uint8_t *out,
			  struct lr_stun_msg *m)
{
	size_t n = solo_run(s, t, out);

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(lr_stun_parse(m, out, n), LR_STUN_OK);
	CU_ASSERT_EQUAL_FATAL(m->cls, LR_STUN_REQUEST);
	return n;
}

/* A response to txid from the peer. how: 0 signed with the right
 * password, 1 no MESSAGE-INTEGRITY, 2 signed with a wrong one. code: 0
 * for a success response, else an error response with that code. */
static size_t response(const struct solo *s, const uint8_t txid[12], int how,
		       unsigned code, uint8_t *out)
{
	struct lr_stun_builder b;
	static const char wrong[] = "not-the-remote-password";

	lr_stun_build_init(&b, out, 548, LR_STUN_BINDING,
			   code ? LR_STUN_ERROR : LR_STUN_SUCCESS, txid);
	if (code)
		lr_stun_add_error(&b, code, "Role Conflict");
	else
		lr_stun_add_xor_addr(&b, LR_STUN_XOR_MAPPED_ADDRESS, &s->local);
	if (how == 0)
		lr_stun_add_integrity(&b, (const uint8_t *)s->rpwd,
				      strlen(s->rpwd));
	else if (how == 2)
		lr_stun_add_integrity(&b, (const uint8_t *)wrong,
				      strlen(wrong));
	lr_stun_add_fingerprint(&b);
	return (size_t)lr_stun_build_end(&b);
}

/* A check from the peer to the agent, signed with the agent's password.
 * role: LR_STUN_ICE_CONTROLLING, _CONTROLLED, or 0 for both. */
static size_t request(const struct solo *s, uint16_t role, uint64_t tie,
		      int use, uint8_t *out)
{
	const char *lu, *lp;
	char user[300];
	uint8_t txid[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, (uint8_t)role};
	struct lr_stun_builder b;
	int ul;

	lr_ice_local_credentials(s->a, &lu, &lp);
	ul = snprintf(user, sizeof(user), "%s:%s", lu, s->rufrag);
	lr_stun_build_init(&b, out, 548, LR_STUN_BINDING, LR_STUN_REQUEST,
			   txid);
	lr_stun_add(&b, LR_STUN_USERNAME, user, (size_t)ul);
	lr_stun_add_u32(&b, LR_STUN_PRIORITY, 1845501695);
	if (role != LR_STUN_ICE_CONTROLLED)
		lr_stun_add_u64(&b, LR_STUN_ICE_CONTROLLING, tie);
	if (role != LR_STUN_ICE_CONTROLLING)
		lr_stun_add_u64(&b, LR_STUN_ICE_CONTROLLED, tie);
	if (use)
		lr_stun_add(&b, LR_STUN_USE_CANDIDATE, NULL, 0);
	lr_stun_add_integrity(&b, (const uint8_t *)lp, strlen(lp));
	lr_stun_add_fingerprint(&b);
	return (size_t)lr_stun_build_end(&b);
}

/* The class and error code of the agent's answer to a request. */
static int answer(struct solo *s, unsigned *code)
{
	struct lr_ice_transmit tx;
	struct lr_stun_msg m;
	const char *reason;
	size_t rl;
	int cls = -1;

	*code = 0;
	while (lr_ice_poll_transmit(s->a, &tx)) {
		if (lr_stun_parse(&m, tx.buf, tx.len) != LR_STUN_OK ||
		    m.cls == LR_STUN_REQUEST)
			continue; /* the agent's own (triggered) checks */
		cls = m.cls;
		if (cls == LR_STUN_ERROR)
			lr_stun_get_error(&m, code, &reason, &rl);
	}
	return cls;
}

static void solo_free(struct solo *s)
{
	lr_ice_free(s->a);
}

/* Issue 12 (mutation run): a success response without
 * MESSAGE-INTEGRITY, or with a wrong one, neither validates nor selects
 * the pair, and is counted; the right one then does. */
static void test_response_needs_integrity(void)
{
	for (int how = 1; how <= 2; how++) {
		struct solo s;
		uint8_t chk[548], resp[548];
		struct lr_stun_msg m;
		struct lr_ice_stats st;
		struct lr_addr l, r;
		size_t n;

		/* aggressive nomination: a valid pair is selected at once */
		solo_new(&s, 1, 0, 1, 0, RUFRAG, RPWD);
		first_check(&s, 0, chk, &m);
		CU_ASSERT_PTR_NOT_NULL(lr_stun_find(&m, LR_STUN_USE_CANDIDATE));
		n = response(&s, m.txid, how, 0, resp);
		solo_input(&s, resp, n);
		lr_ice_stats(s.a, &st);
		CU_ASSERT_EQUAL(st.auth_failures, 1);
		CU_ASSERT_EQUAL(st.responses_recv, 0);
		CU_ASSERT_EQUAL(lr_ice_selected(s.a, &l, &r), 0);
		CU_ASSERT_EQUAL(lr_ice_state(s.a), LR_ICE_CHECKING);
		CU_ASSERT_FALSE(lr_ice_remote_authenticated(s.a, &s.remote));
		/* the transaction is still open: the real answer counts */
		n = response(&s, m.txid, 0, 0, resp);
		solo_input(&s, resp, n);
		lr_ice_stats(s.a, &st);
		CU_ASSERT_EQUAL(st.responses_recv, 1);
		CU_ASSERT_EQUAL(lr_ice_selected(s.a, &l, &r), 1);
		CU_ASSERT(lr_addr_eq(&r, &s.remote));
		CU_ASSERT_TRUE(lr_ice_remote_authenticated(s.a, &s.remote));
		solo_free(&s);
	}
}

/* Issue 12 (mutation run): a consent response (RFC 7675) without, or
 * with a wrong, MESSAGE-INTEGRITY does not refresh consent and is
 * counted; consent then expires as if nothing had come. */
static void test_consent_needs_integrity(void)
{
	for (int how = 1; how <= 2; how++) {
		struct solo s;
		uint8_t chk[548], resp[548];
		struct lr_stun_msg m;
		struct lr_ice_stats st;
		size_t n;

		solo_new(&s, 0, 0, 0, 0, RUFRAG, RPWD);
		/* the peer nominates: a check with USE-CANDIDATE */
		n = request(&s, LR_STUN_ICE_CONTROLLING, 1, 1, resp);
		solo_input(&s, resp, n);
		first_check(&s, 0, chk, &m); /* the triggered check */
		n = response(&s, m.txid, 0, 0, resp);
		solo_input(&s, resp, n);
		CU_ASSERT_EQUAL_FATAL(lr_ice_state(s.a), LR_ICE_CONNECTED);
		/* every consent check answered badly, for 31 s */
		for (uint64_t t = 1000000; t <= 31000000; t += 1000000) {
			n = solo_run(&s, t, chk);
			if (n && !lr_stun_parse(&m, chk, n) &&
			    m.cls == LR_STUN_REQUEST) {
				n = response(&s, m.txid, how, 0, resp);
				solo_input(&s, resp, n);
			}
		}
		lr_ice_stats(s.a, &st);
		CU_ASSERT(st.consent_sent >= 4);
		CU_ASSERT_EQUAL(st.consent_ok, 0);
		CU_ASSERT(st.auth_failures >= st.consent_sent - 1);
		CU_ASSERT_EQUAL(lr_ice_state(s.a), LR_ICE_FAILED);
		solo_free(&s);
	}
}

/* Issue 12 (mutation run): role conflicts (RFC 8445 §7.3.1.1) decided
 * both ways, for a controlling and a controlled agent. A controlling
 * agent with the larger (or equal) tie-breaker keeps its role and
 * answers 487; with the smaller it switches and answers the check. A
 * controlled agent with the larger (or equal) tie-breaker switches to
 * controlling and answers; with the smaller it keeps its role and
 * answers 487. */
static void test_role_conflict_both_ways(void)
{
	static const struct {
		int controlling;
		uint64_t ours, theirs;
		int want_487, want_controlling;
	} cases[] = {
		{1, 0x9000000000000000ull, 0x1000000000000000ull, 1, 1},
		{1, 0x5555, 0x5555, 1, 1},
		{1, 0x1000000000000000ull, 0x9000000000000000ull, 0, 0},
		{0, 0x9000000000000000ull, 0x1000000000000000ull, 0, 1},
		{0, 0x5555, 0x5555, 0, 1},
		{0, 0x1000000000000000ull, 0x9000000000000000ull, 1, 0},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct solo s;
		uint8_t buf[548];
		struct lr_ice_stats st;
		struct lr_ice_event ev;
		unsigned code;
		int cls, role_ev = 0;
		size_t n;

		solo_new(&s, cases[i].controlling, 0, 0, cases[i].ours, RUFRAG,
			 RPWD);
		while (lr_ice_poll_event(s.a, &ev))
			;
		n = request(&s,
			    cases[i].controlling ? LR_STUN_ICE_CONTROLLING
						 : LR_STUN_ICE_CONTROLLED,
			    cases[i].theirs, 0, buf);
		solo_input(&s, buf, n);
		cls = answer(&s, &code);
		if (cases[i].want_487) {
			CU_ASSERT_EQUAL(cls, LR_STUN_ERROR);
			CU_ASSERT_EQUAL(code, 487);
		} else {
			CU_ASSERT_EQUAL(cls, LR_STUN_SUCCESS);
		}
		CU_ASSERT_EQUAL(lr_ice_controlling(s.a),
				cases[i].want_controlling);
		while (lr_ice_poll_event(s.a, &ev))
			if (ev.type == LR_ICE_EV_ROLE)
				role_ev++;
		CU_ASSERT_EQUAL(role_ev, cases[i].want_controlling !=
						 cases[i].controlling);
		lr_ice_stats(s.a, &st);
		CU_ASSERT_EQUAL(st.role_conflicts, 1);
		solo_free(&s);
	}
}

/* RFC 8445 §7.2.5.1: a signed 487 to our check switches our role and
 * the check is sent again; an unsigned 487 is not believed. */
static void test_487_response(void)
{
	for (int how = 0; how <= 1; how++) {
		struct solo s;
		uint8_t chk[548], resp[548];
		struct lr_stun_msg m, m2;
		struct lr_ice_stats st;
		size_t n;

		solo_new(&s, 1, 0, 0, 0, RUFRAG, RPWD);
		first_check(&s, 0, chk, &m);
		CU_ASSERT_PTR_NOT_NULL(
			lr_stun_find(&m, LR_STUN_ICE_CONTROLLING));
		n = response(&s, m.txid, how, 487, resp);
		solo_input(&s, resp, n);
		lr_ice_stats(s.a, &st);
		if (how == 0) {
			CU_ASSERT_EQUAL(lr_ice_controlling(s.a), 0);
			CU_ASSERT_EQUAL(st.role_conflicts, 1);
			/* the retry says so */
			first_check(&s, 60000, chk, &m2);
			CU_ASSERT_PTR_NOT_NULL(
				lr_stun_find(&m2, LR_STUN_ICE_CONTROLLED));
			CU_ASSERT_PTR_NULL(
				lr_stun_find(&m2, LR_STUN_ICE_CONTROLLING));
		} else {
			CU_ASSERT_EQUAL(lr_ice_controlling(s.a), 1);
			CU_ASSERT_EQUAL(st.role_conflicts, 0);
			CU_ASSERT_EQUAL(st.auth_failures, 1);
		}
		solo_free(&s);
	}
}

/* Issue 12: a request with both ICE-CONTROLLING and ICE-CONTROLLED (or
 * neither) is answered 400 and changes nothing: no pair, no role. */
static void test_both_roles_400(void)
{
	struct solo s;
	uint8_t buf[548];
	struct lr_ice_event ev;
	unsigned code;
	size_t n;

	solo_new(&s, 0, 1, 0, 0, RUFRAG, RPWD); /* lite: selects on USE */
	while (lr_ice_poll_event(s.a, &ev))
		;
	n = request(&s, 0, 1, 1, buf);
	solo_input(&s, buf, n);
	CU_ASSERT_EQUAL(answer(&s, &code), LR_STUN_ERROR);
	CU_ASSERT_EQUAL(code, 400);
	CU_ASSERT_EQUAL(lr_ice_poll_event(s.a, &ev), 0);
	CU_ASSERT_FALSE(lr_ice_remote_authenticated(s.a, &s.remote));
	/* the same check with one role is taken */
	n = request(&s, LR_STUN_ICE_CONTROLLING, 1, 1, buf);
	solo_input(&s, buf, n);
	CU_ASSERT_EQUAL(answer(&s, &code), LR_STUN_SUCCESS);
	CU_ASSERT_TRUE(lr_ice_remote_authenticated(s.a, &s.remote));
	CU_ASSERT_EQUAL(lr_ice_state(s.a), LR_ICE_CONNECTED);
	solo_free(&s);
}

/* Issue 12, defect 4: remote ufrags and passwords up to 256 characters
 * (RFC 8839 §5.4) are accepted, so checks to such a peer must be sent:
 * signed with its password, its whole ufrag in USERNAME, and the pair
 * connects. (A 256-byte check buffer dropped them from ~170 on.) */
static void test_long_remote_ufrag(void)
{
	static const size_t lens[] = {4, 169, 170, 200, 255, 256};

	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char uf[LR_ICE_UFRAG_MAX + 1], pw[257];
		struct solo s;
		uint8_t chk[548], resp[548];
		struct lr_stun_msg m;
		const struct lr_stun_attr *u;
		struct lr_ice_stats st;
		const char *lu, *lp;
		size_t n;

		memset(uf, 'u', lens[i]);
		uf[lens[i]] = '\0';
		uf[0] = (char)('A' + i);
		memset(pw, 'p', 256);
		pw[256] = '\0';
		solo_new(&s, 1, 0, 0, 0, uf, pw);
		first_check(&s, 0, chk, &m);
		lr_ice_local_credentials(s.a, &lu, &lp);
		u = lr_stun_find(&m, LR_STUN_USERNAME);
		CU_ASSERT_FATAL(u != NULL);
		CU_ASSERT_EQUAL(u->len, lens[i] + 1 + strlen(lu));
		CU_ASSERT(!memcmp(lr_stun_value(&m, u), uf, lens[i]));
		CU_ASSERT_EQUAL(
			lr_stun_check_integrity(&m, (const uint8_t *)pw, 256),
			1);
		n = response(&s, m.txid, 0, 0, resp);
		solo_input(&s, resp, n);
		solo_run(&s, 2000000, chk); /* regular nomination follows */
		lr_ice_stats(s.a, &st);
		CU_ASSERT_EQUAL(st.checks_unsent, 0);
		CU_ASSERT_EQUAL(st.responses_recv, 1);
		solo_free(&s);
	}
	/* one past the limit is refused, not accepted and then dropped */
	{
		char uf[LR_ICE_UFRAG_MAX + 2];
		struct solo s;

		solo_new(&s, 1, 0, 0, 0, RUFRAG, RPWD);
		memset(uf, 'u', sizeof(uf) - 1);
		uf[sizeof(uf) - 1] = '\0';
		CU_ASSERT_EQUAL(lr_ice_set_remote_credentials(s.a, uf, RPWD),
				-EINVAL);
		solo_free(&s);
	}
}

void ice_auth_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_response_needs_integrity);
	LR_ADD_TEST(s, test_consent_needs_integrity);
	LR_ADD_TEST(s, test_role_conflict_both_ways);
	LR_ADD_TEST(s, test_487_response);
	LR_ADD_TEST(s, test_both_roles_400);
	LR_ADD_TEST(s, test_long_remote_ufrag);
}
