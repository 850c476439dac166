/*
 * Helpers of the SDP tests (sdp_helpers.h): expected parse errors and
 * answers that must parse back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sdp_helpers.h"

void expect_error(const char *text, uint32_t line, const char *needle)
{
	struct lr_sdp *s;
	struct lr_sdp_error err;

	CU_ASSERT_EQUAL(lr_sdp_parse(text, strlen(text), &s, &err), -EINVAL);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_EQUAL(err.lineno, line);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle));
	if (err.lineno != line || !strstr(err.msg, needle))
		printf("got line %u: %s\n", err.lineno, err.msg);
}

const struct lr_sdp_answer_opts answer_opts = {
	.ice_ufrag = "lRat",
	.ice_pwd = "0123456789abcdefABCDEF",
	.fingerprint =
		"sha-256 01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:"
		"11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F:20",
	.session_id = 42,
};

/* Answer an offer and parse the answer back: it must be valid SDP. */
struct lr_sdp *answer(const struct lr_sdp *offer,
		      const struct lr_sdp_answer_opts *o)
{
	static char buf[16384];
	struct lr_sdp_error err;
	struct lr_sdp *a;
	int n = lr_sdp_answer(offer, o, buf, sizeof(buf), &err);

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(lr_sdp_parse(buf, (size_t)n, &a, &err), 0);
	return a;
}
