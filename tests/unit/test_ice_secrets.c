/*
 * Issue 12, defect 1: the ICE agent's secrets come from the driver's
 * CSPRNG, and nothing it sends gives them away.
 *
 * Before the fix the ufrag, the password, the tie-breaker and the
 * transaction IDs were consecutive outputs of one xorshift64* stream
 * seeded by the driver. Every check carries a whole 64-bit output (the
 * tie-breaker in ICE-CONTROLLING/CONTROLLED), and xorshift64* is
 * invertible: output * M^-1 is the state, and stepping the state
 * forward or back gives every other output, so the password follows
 * from one check. test_password_not_derivable runs that attack on
 * everything two agents send (checks, responses, consent, a restart)
 * and fails if any window of the stream spells a password.
 */
#include <string.h>

#include "ice_helpers.h"
#include "lr_test_xs.h"

static uint64_t unshr(uint64_t y, unsigned k)
{
	uint64_t x = y;

	for (unsigned i = 0; i < 64 / k + 1; i++)
		x = y ^ (x >> k);
	return x;
}

static uint64_t unshl(uint64_t y, unsigned k)
{
	uint64_t x = y;

	for (unsigned i = 0; i < 64 / k + 1; i++)
		x = y ^ (x << k);
	return x;
}

/* The state before the one that made *s. */
static void xs_prev(uint64_t *s)
{
	*s = unshr(unshl(unshr(*s, 27), 25), 12);
}

#define SPAN 160 /* outputs tried on each side of an observed one */

/* Whether pwd is spelt, one character an output (set[output % 64], as
 * the agent did), by the outputs around the one that is v. */
static int spells(uint64_t v, const char *pwd)
{
	char chars[2 * SPAN + 1];
	uint64_t s = lr_xs_state_of(v);

	for (int i = 0; i < SPAN; i++)
		xs_prev(&s);
	for (int i = 0; i < 2 * SPAN; i++)
		chars[i] = lr_xs_ice_chars[lr_xs_next(&s) % 64];
	chars[2 * SPAN] = '\0';
	return strstr(chars, pwd) != NULL;
}

/* Everything both agents sent, as 64-bit values an eavesdropper has. */
struct seen {
	uint64_t v[8192];
	unsigned n;
	unsigned checks, responses;
};

/* v, both ways round (the old agent copied its outputs in host order) */
static void keep_u64(struct seen *s, uint64_t v)
{
	if (s->n + 2 > sizeof(s->v) / sizeof(s->v[0]))
		return;
	s->v[s->n++] = v;
	s->v[s->n++] = __builtin_bswap64(v);
}

static void keep_value(struct seen *s, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	keep_u64(s, v);
}

static void tap(void *ctx, int from, const uint8_t *buf, size_t len)
{
	struct seen *s = ctx;
	struct lr_stun_msg m;
	uint64_t tie;

	(void)from;
	if (lr_stun_parse(&m, buf, len) != LR_STUN_OK)
		return;
	if (m.cls == LR_STUN_REQUEST)
		s->checks++;
	else
		s->responses++;
	/* the transaction ID: both 8-byte windows */
	keep_value(s, m.txid);
	keep_value(s, m.txid + 4);
	if (!lr_stun_get_u64(&m, LR_STUN_ICE_CONTROLLING, &tie) ||
	    !lr_stun_get_u64(&m, LR_STUN_ICE_CONTROLLED, &tie))
		keep_u64(s, tie);
}

static void keep_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src);
}

static void test_password_not_derivable(void)
{
	struct opts o = {.ctrl0 = 1};
	static struct seen seen;
	struct world w;
	char pwd[2][2][64];
	const char *u, *p;
	uint64_t T = 12000000;
	unsigned hits = 0;

	memset(&seen, 0, sizeof(seen));
	world_init(&w, &o);
	w.tap = tap;
	w.tap_ctx = &seen;
	/* checks, then consent checks and their responses */
	run(&w, T);
	assert_connected(&w);
	for (int i = 0; i < 2; i++) {
		lr_ice_local_credentials(w.p[i].a, &u, &p);
		keep_str(pwd[i][0], sizeof(pwd[i][0]), p);
	}
	/* both restart: new credentials, checks again */
	for (int i = 0; i < 2; i++) {
		w.p[i].ncands = 0;
		CU_ASSERT_EQUAL(lr_ice_restart(w.p[i].a, T), 0);
		lr_ice_local_credentials(w.p[i].a, &u, &p);
		keep_str(pwd[i][1], sizeof(pwd[i][1]), p);
		CU_ASSERT_STRING_NOT_EQUAL(pwd[i][1], pwd[i][0]);
	}
	for (int i = 0; i < 2; i++) {
		const char *ru, *rp;

		lr_ice_local_credentials(w.p[!i].a, &ru, &rp);
		CU_ASSERT_EQUAL(lr_ice_set_remote_credentials(w.p[i].a, ru, rp),
				0);
	}
	for (int i = 0; i < 2; i++)
		signal_events(&w, i);
	run(&w, T + 8000000);
	assert_connected(&w);
	CU_ASSERT(seen.checks >= 6);
	CU_ASSERT(seen.responses >= 4);
	/* the attack, on every value seen, for every password */
	for (unsigned k = 0; k < seen.n; k++)
		for (int i = 0; i < 2; i++)
			for (int g = 0; g < 2; g++)
				hits += (unsigned)spells(seen.v[k], pwd[i][g]);
	CU_ASSERT_EQUAL(hits, 0);
	world_free(&w);
}

/* Issue 12, defect 1: two agents made from the same config (the same
 * everything, as two sessions of one process are) share nothing: not
 * the ufrag, not the password, not the tie-breaker. */
static void test_same_config_different_secrets(void)
{
	struct lr_addr local = SOLO_LOCAL;
	struct lr_ice_config c = {.controlling = 1,
				  .local = &local,
				  .nlocal = 1,
				  .rand = lr_rand_system()};
	char uf[8][16], pw[8][32];
	uint64_t tie[8];

	for (int i = 0; i < 8; i++) {
		struct lr_ice_agent *a;
		struct lr_ice_transmit t;
		struct lr_stun_msg m;
		const char *u, *p;

		CU_ASSERT_EQUAL_FATAL(lr_ice_new(&c, 0, &a), 0);
		lr_ice_local_credentials(a, &u, &p);
		keep_str(uf[i], sizeof(uf[i]), u);
		keep_str(pw[i], sizeof(pw[i]), p);
		CU_ASSERT_EQUAL(strlen(u), 8);	/* 48 bits; RFC 8445: >= 24 */
		CU_ASSERT_EQUAL(strlen(p), 24); /* 144 bits; >= 128 */
		solo_peer(a, SOLO_RUFRAG, SOLO_RPWD);
		lr_ice_handle_timeout(a, 0);
		CU_ASSERT_FATAL(lr_ice_poll_transmit(a, &t) == 1);
		CU_ASSERT_FATAL(lr_stun_parse(&m, t.buf, t.len) == LR_STUN_OK);
		CU_ASSERT_FATAL(lr_stun_get_u64(&m, LR_STUN_ICE_CONTROLLING,
						&tie[i]) == 0);
		lr_ice_free(a);
	}
	for (int i = 0; i < 8; i++)
		for (int j = i + 1; j < 8; j++) {
			CU_ASSERT_STRING_NOT_EQUAL(uf[i], uf[j]);
			CU_ASSERT_STRING_NOT_EQUAL(pw[i], pw[j]);
			CU_ASSERT_NOT_EQUAL(tie[i], tie[j]);
		}
}

/* Issue 12, defect 1: no generator is an error, never a constant; a
 * generator that fails fails what needed it (nothing is sent without a
 * fresh transaction ID, nothing restarts with old credentials), and a
 * check that cannot be sent fails its pair instead of hanging. */
static void test_generator_required(void)
{
	struct lr_addr local = SOLO_LOCAL;
	struct lr_ice_config c = {
		.controlling = 1, .local = &local, .nlocal = 1};
	struct lr_sim_drbg d;
	struct lr_ice_agent *a = (struct lr_ice_agent *)&c;
	struct lr_ice_transmit t;
	struct lr_ice_stats st;
	const char *u, *p;
	char u0[16], p0[32];

	CU_ASSERT_EQUAL(lr_ice_new(&c, 0, &a), -EINVAL);
	CU_ASSERT_PTR_NULL(a);
	/* fails at once */
	lr_sim_drbg_init(&d, 1);
	d.fail_after = 1;
	c.rand = lr_sim_drbg_rand(&d);
	CU_ASSERT_EQUAL(lr_ice_new(&c, 0, &a), -EIO);
	CU_ASSERT_PTR_NULL(a);
	/* fails after the credentials: tie-breaker 8, ufrag 8, pwd 24 */
	lr_sim_drbg_init(&d, 1);
	d.fail_after = 8 + 8 + 24;
	CU_ASSERT_EQUAL_FATAL(lr_ice_new(&c, 0, &a), 0);
	lr_ice_local_credentials(a, &u, &p);
	keep_str(u0, sizeof(u0), u);
	keep_str(p0, sizeof(p0), p);
	CU_ASSERT_EQUAL(lr_ice_restart(a, 0), -EIO);
	lr_ice_local_credentials(a, &u, &p);
	CU_ASSERT_STRING_EQUAL(u, u0);
	CU_ASSERT_STRING_EQUAL(p, p0);
	solo_peer(a, SOLO_RUFRAG, SOLO_RPWD);
	for (uint64_t now = 0; now < 1000000; now += 50000)
		lr_ice_handle_timeout(a, now);
	CU_ASSERT_EQUAL(lr_ice_poll_transmit(a, &t), 0);
	lr_ice_stats(a, &st);
	CU_ASSERT_EQUAL(st.checks_sent, 0);
	CU_ASSERT(st.checks_unsent >= 1);
	lr_ice_remote_end_of_candidates(a);
	CU_ASSERT_EQUAL(lr_ice_state(a), LR_ICE_FAILED);
	lr_ice_free(a);
}

/* The attack itself, on the generator the agent used to have: this is
 * what the test above looks for, so it must find it here. */
static void test_attack_finds_xorshift(void)
{
	uint64_t s = 0x1234567 | 1, tie = lr_xs_next(&s);
	char pwd[25];

	for (int i = 0; i < 8; i++)
		lr_xs_next(&s); /* the ufrag */
	for (int i = 0; i < 24; i++)
		pwd[i] = lr_xs_ice_chars[lr_xs_next(&s) % 64];
	pwd[24] = '\0';
	CU_ASSERT_TRUE(spells(tie, pwd));
	CU_ASSERT_FALSE(spells(tie ^ 1, pwd));
}

void ice_secrets_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_attack_finds_xorshift);
	LR_ADD_TEST(s, test_password_not_derivable);
	LR_ADD_TEST(s, test_same_config_different_secrets);
	LR_ADD_TEST(s, test_generator_required);
}
