/*
 * Issue 12, defect 1, through lr_pc: its randomness is the driver's
 * CSPRNG, required, and nothing in its SDP gives the ICE password away.
 *
 * Before the fix lr_pc drew its SDP session id (the o= line), CNAME,
 * MSID and SSRCs from an xorshift64* stream seeded by the driver, and
 * seeded its ICE agent from the same stream. The session id is an
 * output shifted right by 2: four guesses give the stream's state, the
 * outputs after it give the agent's seed, and the agent's own stream
 * gives its password (test_ice_secrets.c). The test runs that attack on
 * an offer and fails if it finds the a=ice-pwd of the same offer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lr_test_xs.h"
#include "pc_helpers.h"

#define SPAN 400 /* outputs tried after the session id's */

/* The password an ICE agent seeded with seed made (tie-breaker, 8
 * characters of ufrag, 24 of password, as lr_ice used to). */
static void agent_pwd(uint64_t seed, char pwd[25])
{
	uint64_t r = seed ? seed : 0x1ce;

	for (int i = 0; i < 9; i++)
		lr_xs_next(&r);
	for (int i = 0; i < 24; i++)
		pwd[i] = lr_xs_ice_chars[lr_xs_next(&r) % 64];
	pwd[24] = '\0';
}

/* 1 if the outputs after the session id's seed an agent with pwd. */
static int derivable(uint64_t sid, const char *pwd)
{
	for (uint64_t low = 0; low < 4; low++) {
		uint64_t s = lr_xs_state_of((sid << 2) | low);

		for (int j = 0; j < SPAN; j++) {
			char guess[25];

			agent_pwd(lr_xs_next(&s), guess);
			if (!strcmp(guess, pwd))
				return 1;
		}
	}
	return 0;
}

static int sdp_field(const char *sdp, const char *key, char *out, size_t cap)
{
	const char *p = strstr(sdp, key);
	size_t n;

	if (!p)
		return -1;
	p += strlen(key);
	n = strcspn(p, " \r\n");
	if (n >= cap)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static void test_sdp_gives_nothing_away(void)
{
	struct wopts o = {0};
	struct world w;
	char sid[32], pwd[64];
	int n;

	world_init(&w, &o);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	lr_pc_add_transceiver(w.p[0].pc, "video", LR_SDP_SENDRECV);
	n = lr_pc_create_offer(w.p[0].pc, sdp_buf, sizeof(sdp_buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(sdp_field(sdp_buf, "o=- ", sid, sizeof(sid)), 0);
	CU_ASSERT_EQUAL_FATAL(
		sdp_field(sdp_buf, "a=ice-pwd:", pwd, sizeof(pwd)), 0);
	CU_ASSERT_EQUAL(strlen(pwd), 24);
	CU_ASSERT_FALSE(derivable(strtoull(sid, NULL, 10), pwd));
	world_free(&w);
}

static int fail_fill(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return -EIO;
}

/* No generator is an error, never a constant; a failing one fails. */
static void test_generator_required(void)
{
	struct lr_addr a = lr_sim_v4(192, 0, 2, 1, 4000);
	struct lr_pc_config c = {.cert = certs[0], .local = &a, .nlocal = 1};
	struct lr_pc *pc = (struct lr_pc *)&c;

	CU_ASSERT_EQUAL(lr_pc_new(&c, 0, &pc), -EINVAL);
	CU_ASSERT_PTR_NULL(pc);
	c.rand = (struct lr_rand){.fill = fail_fill};
	CU_ASSERT_EQUAL(lr_pc_new(&c, 0, &pc), -EIO);
	CU_ASSERT_PTR_NULL(pc);
}

void pc_secrets_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_sdp_gives_nothing_away);
	LR_ADD_TEST(s, test_generator_required);
}
