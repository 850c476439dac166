/*
 * Helpers of the SDP tests (sdp_helpers.h): fixtures that must round
 * trip, expected parse errors and answers that must parse back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdp_helpers.h"

#ifndef LR_FIXTURES
#error "LR_FIXTURES must name tests/fixtures"
#endif

char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/sdp/%s", LR_FIXTURES, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* Text with LF ends turned into CRLF, as lr_sdp_write emits. */
static char *crlf(const char *t, size_t len, size_t *out_len)
{
	char *o = malloc(2 * len + 1);
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (t[i] == '\n' && (i == 0 || t[i - 1] != '\r'))
			o[n++] = '\r';
		o[n++] = t[i];
	}
	o[n] = '\0';
	*out_len = n;
	return o;
}

void roundtrip(const char *name, struct lr_sdp **out)
{
	size_t len = 0, clen;
	char *t = slurp(name, &len), *c, *w;
	struct lr_sdp_error err;
	int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL_FATAL(lr_sdp_parse(t, len, out, &err), 0);
	c = crlf(t, len, &clen);
	w = malloc(clen + 16);
	n = lr_sdp_write(*out, w, clen + 16);
	CU_ASSERT_EQUAL(n, (int)clen);
	CU_ASSERT_EQUAL(memcmp(w, c, clen), 0);
	CU_ASSERT_EQUAL(lr_sdp_write(*out, w, clen), -ENOSPC);
	free(w);
	free(c);
	free(t);
}

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
