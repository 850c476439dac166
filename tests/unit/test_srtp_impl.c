// SPDX-License-Identifier: BSD-2-Clause
/*
 * Which SRTP implementations a program has (issue 14, item 5): libsrtp2
 * is in a program only when it links lr_srtp_libsrtp2. Built twice:
 * test_srtp_impl links lr_srtp alone (built with LR_WITH_LIBSRTP2 ON or
 * OFF), so libsrtp2 must be -ENOTSUP however it is asked for and auto
 * must never pick it; test_srtp_impl_libsrtp2 (LR_TEST_LIBSRTP2 = 1)
 * links the engine too, and the same requests must reach libsrtp2 and
 * interoperate with the core.
 */
#include <errno.h>
#include <stdlib.h>

#include "linerate/lr_srtp.h"
#include "lr_test.h"

#ifndef LR_TEST_LIBSRTP2
#define LR_TEST_LIBSRTP2 0
#endif

#define SSRC 0x4c525450u
#define PLEN 160

static void make_policy(struct lr_srtp_policy *pol)
{
	const struct lr_srtp_suite_info *si =
		lr_srtp_suite_get(LR_SRTP_AES128_CM_SHA1_80);

	memset(pol, 0, sizeof(*pol));
	pol->suite = LR_SRTP_AES128_CM_SHA1_80;
	pol->key_len = si->key_len;
	pol->salt_len = si->salt_len;
	lr_test_fill(pol->key, pol->key_len);
	lr_test_fill(pol->salt, pol->salt_len);
}

static struct lr_srtp_config config(enum lr_srtp_impl impl,
				    enum lr_srtp_dir dir,
				    const struct lr_srtp_policy *pol)
{
	struct lr_srtp_config c = {
		.impl = impl, .dir = dir, .policy = *pol, .any_ssrc = 1};

	return c;
}

/* An RTP packet (PT 111, seq, SSRC) with a PLEN-byte random payload. */
static uint32_t make_rtp(uint8_t *b, uint16_t seq)
{
	memset(b, 0, 12);
	b[0] = 0x80;
	b[1] = 111;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	b[8] = SSRC >> 24;
	b[9] = (uint8_t)(SSRC >> 16);
	b[10] = (uint8_t)(SSRC >> 8);
	b[11] = (uint8_t)SSRC;
	lr_test_fill(b + 12, PLEN);
	return 12 + PLEN;
}

static void test_have(void)
{
	CU_ASSERT_EQUAL(lr_srtp_impl_have(LR_SRTP_IMPL_LIBSRTP2),
			LR_TEST_LIBSRTP2);
	CU_ASSERT_EQUAL(lr_srtp_impl_have(LR_SRTP_IMPL_OPENSSL), 1);
	CU_ASSERT_EQUAL(lr_srtp_impl_have(LR_SRTP_IMPL_AUTO), 1);
	/* the name is known either way: only using it needs the engine */
	CU_ASSERT_EQUAL(lr_srtp_impl_parse("libsrtp2"), LR_SRTP_IMPL_LIBSRTP2);
	CU_ASSERT_STRING_EQUAL(lr_srtp_impl_name(LR_SRTP_IMPL_LIBSRTP2),
			       "libsrtp2");
	/* a libsrtp2 session never has a core worker */
	CU_ASSERT_PTR_NULL(lr_srtp_worker_new(LR_SRTP_IMPL_LIBSRTP2));
}

/* auto resolves to a core implementation whether or not libsrtp2 is in
 * the program; naming libsrtp2 resolves to it only when it is. */
static void test_resolve(void)
{
	int id = lr_srtp_impl_resolve(LR_SRTP_IMPL_AUTO);

	CU_ASSERT(id == LR_SRTP_IMPL_IPSECMB || id == LR_SRTP_IMPL_OPENSSL);
	CU_ASSERT_EQUAL(lr_srtp_impl_resolve(LR_SRTP_IMPL_LIBSRTP2),
			LR_TEST_LIBSRTP2 ? LR_SRTP_IMPL_LIBSRTP2 : -ENOTSUP);
	setenv("LR_SRTP", "libsrtp2", 1);
	CU_ASSERT_EQUAL(lr_srtp_impl_resolve(LR_SRTP_IMPL_AUTO),
			LR_TEST_LIBSRTP2 ? LR_SRTP_IMPL_LIBSRTP2 : -ENOTSUP);
	unsetenv("LR_SRTP");
}

/* A session asked for libsrtp2, by cfg->impl (env = NULL) or by LR_SRTP
 * with cfg->impl AUTO: without the engine -ENOTSUP and no session; with
 * it, a libsrtp2 sender whose packets an OpenSSL-core receiver of the
 * same keys accepts byte for byte. */
static void session_case(const char *env)
{
	struct lr_srtp_policy pol;
	struct lr_srtp_config tc, rc;
	struct lr_srtp_session *tx = (void *)1, *rx;
	uint8_t buf[8][12 + PLEN + 32], want[8][12 + PLEN];
	struct lr_pkt pk[8], *pp[8];
	int r;

	make_policy(&pol);
	tc = config(env ? LR_SRTP_IMPL_AUTO : LR_SRTP_IMPL_LIBSRTP2,
		    LR_SRTP_OUTBOUND, &pol);
	if (env)
		setenv("LR_SRTP", env, 1);
	r = lr_srtp_session_new(&tx, &tc);
	unsetenv("LR_SRTP");
	if (!LR_TEST_LIBSRTP2) {
		CU_ASSERT_EQUAL(r, -ENOTSUP);
		CU_ASSERT_PTR_NULL(tx);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(r, 0);
	CU_ASSERT_EQUAL(lr_srtp_session_impl(tx), LR_SRTP_IMPL_LIBSRTP2);
	rc = config(LR_SRTP_IMPL_OPENSSL, LR_SRTP_INBOUND, &pol);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_session_new(&rx, &rc), 0);
	for (unsigned i = 0; i < 8; i++) {
		pk[i] = (struct lr_pkt){.data = buf[i],
					.len = make_rtp(buf[i], (uint16_t)i),
					.room = sizeof(buf[i])};
		memcpy(want[i], buf[i], pk[i].len);
		pp[i] = &pk[i];
	}
	CU_ASSERT_EQUAL(lr_srtp_session_protect(tx, pp, 8), 8);
	for (unsigned i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(pk[i].len, 12 + PLEN + 10); /* 80-bit tag */
	CU_ASSERT_EQUAL(lr_srtp_session_unprotect(rx, pp, 8), 8);
	for (unsigned i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(pk[i].len, 12 + PLEN);
		CU_ASSERT_EQUAL(memcmp(buf[i], want[i], 12 + PLEN), 0);
	}
	lr_srtp_session_free(tx);
	lr_srtp_session_free(rx);
}

static void test_session_by_config(void)
{
	session_case(NULL);
}

static void test_session_by_env(void)
{
	session_case("libsrtp2");
}

/* The core implementations are there with or without libsrtp2. */
static void test_core_without_libsrtp2(void)
{
	struct lr_srtp_policy pol;
	struct lr_srtp_config c;
	struct lr_srtp_session *s;

	make_policy(&pol);
	c = config(LR_SRTP_IMPL_AUTO, LR_SRTP_OUTBOUND, &pol);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_session_new(&s, &c), 0);
	CU_ASSERT_NOT_EQUAL(lr_srtp_session_impl(s), LR_SRTP_IMPL_LIBSRTP2);
	lr_srtp_session_free(s);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite(LR_TEST_LIBSRTP2 ? "srtp_impl_libsrtp2"
						    : "srtp_impl",
				   NULL, NULL);

	if (!s)
		return;
	unsetenv("LR_SRTP"); /* the tests set it themselves */
	LR_ADD_TEST(s, test_have);
	LR_ADD_TEST(s, test_resolve);
	LR_ADD_TEST(s, test_session_by_config);
	LR_ADD_TEST(s, test_session_by_env);
	LR_ADD_TEST(s, test_core_without_libsrtp2);
}
