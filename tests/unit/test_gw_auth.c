/*
 * Bearer tokens on WHIP/WHEP requests (gw_auth_check): the header's
 * form (RFC 6750 §2.1, scheme in any case), the token compared whole,
 * rights, room patterns (fnmatch, '/' not special), the name given for
 * logs, and everything allowed when no token is configured.
 */
#include <errno.h>
#include <string.h>

#include "gw_config.h"
#include "gw_tests.h"

#define ALICE "alice-secret-token-000000000001"
#define BOB   "bob/secret+token="
#define CAROL "carol-secret-token-3"

static void three_tokens(struct gw_config *c)
{
	char err[256] = "", warn[256];
	const char *p = gw_test_file(
		"auth.conf", "[auth]\n"
			     "token = alice publish live-* " ALICE "\n"
			     "token = bob play * " BOB "\n"
			     "token = carol publish,play room? " CAROL "\n");

	gw_config_defaults(c);
	CU_ASSERT_EQUAL_FATAL(gw_config_load(c, p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(
		gw_config_validate(c, err, sizeof(err), warn, sizeof(warn)), 0);
}

static int check(const struct gw_config *c, const char *hdr, enum gw_right r,
		 const char *room, const char *want_who)
{
	const char *who = NULL;
	int rc = gw_auth_check(c, hdr, r, room, &who);

	CU_ASSERT_PTR_NOT_NULL(who);
	if (who && strcmp(who, want_who))
		printf("\n  '%s' -> who '%s' (wants '%s')",
		       hdr ? hdr : "(null)", who, want_who);
	CU_ASSERT(who && !strcmp(who, want_who));
	return rc;
}

static void test_auth_refused(void)
{
	struct gw_config c;

	three_tokens(&c);
	/* missing header */
	CU_ASSERT_EQUAL(check(&c, NULL, GW_RIGHT_PUBLISH, "live-1", "-"),
			-EACCES);
	CU_ASSERT_EQUAL(check(&c, "", GW_RIGHT_PUBLISH, "live-1", "-"),
			-EACCES);
	/* wrong scheme, or no token after it */
	CU_ASSERT_EQUAL(check(&c, "Basic YWxpY2U6eA==", GW_RIGHT_PUBLISH,
			      "live-1", "-"),
			-EACCES);
	CU_ASSERT_EQUAL(
		check(&c, "Token " ALICE, GW_RIGHT_PUBLISH, "live-1", "-"),
		-EACCES);
	CU_ASSERT_EQUAL(
		check(&c, "Bearer" ALICE, GW_RIGHT_PUBLISH, "live-1", "-"),
		-EACCES);
	CU_ASSERT_EQUAL(check(&c, "Bearer", GW_RIGHT_PUBLISH, "live-1", "-"),
			-EACCES);
	CU_ASSERT_EQUAL(check(&c, "Bearer   ", GW_RIGHT_PUBLISH, "live-1", "-"),
			-EACCES);
	CU_ASSERT_EQUAL(check(&c, ALICE, GW_RIGHT_PUBLISH, "live-1", "-"),
			-EACCES);
	/* wrong token: another, a prefix, an extension, another case,
	 * two tokens, a NUL-free token longer than any */
	CU_ASSERT_EQUAL(check(&c, "Bearer wrong-secret-token-0000001",
			      GW_RIGHT_PUBLISH, "live-1", "-"),
			-EACCES);
	CU_ASSERT_EQUAL(check(&c, "Bearer alice-secret-token-00000000000",
			      GW_RIGHT_PUBLISH, "live-1", "-"),
			-EACCES);
	CU_ASSERT_EQUAL(
		check(&c, "Bearer " ALICE "1", GW_RIGHT_PUBLISH, "live-1", "-"),
		-EACCES);
	CU_ASSERT_EQUAL(check(&c, "Bearer ALICE-SECRET-TOKEN-000000000001",
			      GW_RIGHT_PUBLISH, "live-1", "-"),
			-EACCES);
	CU_ASSERT_EQUAL(check(&c, "Bearer " ALICE " " BOB, GW_RIGHT_PUBLISH,
			      "live-1", "-"),
			-EACCES);
	{
		char big[400];

		memset(big, 'a', sizeof(big));
		memcpy(big, "Bearer ", 7);
		big[sizeof(big) - 1] = '\0';
		CU_ASSERT_EQUAL(check(&c, big, GW_RIGHT_PUBLISH, "live-1", "-"),
				-EACCES);
	}
	/* right token, wrong right: named for the log */
	CU_ASSERT_EQUAL(
		check(&c, "Bearer " ALICE, GW_RIGHT_PLAY, "live-1", "alice"),
		-EACCES);
	CU_ASSERT_EQUAL(
		check(&c, "Bearer " BOB, GW_RIGHT_PUBLISH, "live-1", "bob"),
		-EACCES);
	CU_ASSERT_EQUAL(check(&c, "Bearer " ALICE,
			      GW_RIGHT_PUBLISH | GW_RIGHT_PLAY, "live-1",
			      "alice"),
			-EACCES);
	/* right token, room outside its pattern */
	CU_ASSERT_EQUAL(
		check(&c, "Bearer " ALICE, GW_RIGHT_PUBLISH, "studio", "alice"),
		-EACCES);
	CU_ASSERT_EQUAL(check(&c, "Bearer " ALICE, GW_RIGHT_PUBLISH, "xlive-1",
			      "alice"),
			-EACCES);
	CU_ASSERT_EQUAL(
		check(&c, "Bearer " ALICE, GW_RIGHT_PUBLISH, NULL, "alice"),
		-EACCES);
	CU_ASSERT_EQUAL(
		check(&c, "Bearer " CAROL, GW_RIGHT_PLAY, "room12", "carol"),
		-EACCES);
}

static void test_auth_allowed(void)
{
	struct gw_config c, none;

	three_tokens(&c);
	CU_ASSERT_EQUAL(
		check(&c, "Bearer " ALICE, GW_RIGHT_PUBLISH, "live-1", "alice"),
		0);
	/* the scheme in any case, blanks around the token */
	CU_ASSERT_EQUAL(
		check(&c, "bearer " ALICE, GW_RIGHT_PUBLISH, "live-", "alice"),
		0);
	CU_ASSERT_EQUAL(check(&c, "BEARER \t " ALICE "  ", GW_RIGHT_PUBLISH,
			      "live-x", "alice"),
			0);
	/* FNM_PATHNAME is off: '*' takes '/' too */
	CU_ASSERT_EQUAL(check(&c, "Bearer " ALICE, GW_RIGHT_PUBLISH, "live-a/b",
			      "alice"),
			0);
	CU_ASSERT_EQUAL(
		check(&c, "Bearer " BOB, GW_RIGHT_PLAY, "anything", "bob"), 0);
	CU_ASSERT_EQUAL(check(&c, "Bearer " BOB, GW_RIGHT_PLAY, NULL, "bob"),
			0);
	CU_ASSERT_EQUAL(
		check(&c, "Bearer " CAROL, GW_RIGHT_PLAY, "room1", "carol"), 0);
	CU_ASSERT_EQUAL(check(&c, "Bearer " CAROL,
			      GW_RIGHT_PUBLISH | GW_RIGHT_PLAY, "roomZ",
			      "carol"),
			0);
	/* no token configured: everything is allowed */
	gw_config_defaults(&none);
	CU_ASSERT_EQUAL(check(&none, NULL, GW_RIGHT_PUBLISH, "r", "anonymous"),
			0);
	CU_ASSERT_EQUAL(check(&none, "Bearer whatever", GW_RIGHT_PLAY, "r",
			      "anonymous"),
			0);
	/* who may be NULL */
	CU_ASSERT_EQUAL(
		gw_auth_check(&c, "Bearer " BOB, GW_RIGHT_PLAY, "r", NULL), 0);
}

void gw_auth_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_auth_refused);
	LR_ADD_TEST(s, test_auth_allowed);
}
