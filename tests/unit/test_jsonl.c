/*
 * The interop drivers' JSON-lines reader and writer (tests/interop/
 * jsonl.c): what the peers print, Node's compact JSON and Python's
 * json.dumps with a space after ':' and ',' alike; every escape of
 * RFC 8259 §7; keys only at the top level; and every malformed line
 * refused whole, never half read.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "jsonl.h"
#include "lr_test.h"

static char out[4096];

static int get(const char *line, const char *key)
{
	return jsonl_get(line, key, out, sizeof(out));
}

/* What Node's JSON.stringify prints (werift, playwright pages). */
static void test_node_compact(void)
{
	const char *l = "{\"t\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 "
			"127.0.0.1\\r\\n\",\"n\":42}";

	CU_ASSERT_EQUAL(get(l, "t"), 0);
	CU_ASSERT_STRING_EQUAL(out, "offer");
	CU_ASSERT_EQUAL(get(l, "sdp"), 0);
	CU_ASSERT_STRING_EQUAL(out, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n");
	CU_ASSERT_EQUAL(jsonl_int(l, "n", -1), 42);
}

/* What Python's json.dumps prints by default (aiortc's script): ": "
 * and ", ". The reader before issue 13 found no key in it at all. */
static void test_python_spaces(void)
{
	const char *l = "{\"t\": \"stats\", \"packetsReceived\": 97, "
			"\"dtlsState\": \"connected\", \"ok\": true, "
			"\"none\": null, \"loss\": -0.5}";
	long long v = 0;

	CU_ASSERT_EQUAL(get(l, "t"), 0);
	CU_ASSERT_STRING_EQUAL(out, "stats");
	CU_ASSERT_EQUAL(get(l, "dtlsState"), 0);
	CU_ASSERT_STRING_EQUAL(out, "connected");
	CU_ASSERT_EQUAL(jsonl_num(l, "packetsReceived", &v), 0);
	CU_ASSERT_EQUAL(v, 97);
	CU_ASSERT_EQUAL(jsonl_int(l, "packetsReceived", -1), 97);
	/* present but not integers: an error, and def from jsonl_int */
	CU_ASSERT_EQUAL(jsonl_num(l, "loss", &v), -EINVAL);
	CU_ASSERT_EQUAL(jsonl_num(l, "ok", &v), -EINVAL);
	CU_ASSERT_EQUAL(jsonl_num(l, "none", &v), -EINVAL);
	CU_ASSERT_EQUAL(jsonl_num(l, "dtlsState", &v), -EINVAL);
	CU_ASSERT_EQUAL(jsonl_int(l, "loss", -7), -7);
	CU_ASSERT_EQUAL(jsonl_num(l, "absent", &v), -ENOENT);
	CU_ASSERT_EQUAL(get(l, "absent"), -ENOENT);
	/* a number is not a string */
	CU_ASSERT_EQUAL(get(l, "packetsReceived"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(out, "");
}

/* Whitespace wherever RFC 8259 §2 allows it: space, tab, CR, LF. */
static void test_whitespace_anywhere(void)
{
	const char *l = " \t{ \"t\"\t:\r\n \"x\" ,\n\"n\" :  -12 , \"a\" : [ 1 "
			", { } , [ ] ] , \"o\" : { } } \r\n";

	CU_ASSERT_EQUAL(get(l, "t"), 0);
	CU_ASSERT_STRING_EQUAL(out, "x");
	CU_ASSERT_EQUAL(jsonl_int(l, "n", 0), -12);
	CU_ASSERT_EQUAL(get("{}", "t"), -ENOENT);
	CU_ASSERT_EQUAL(get(" { } ", "t"), -ENOENT);
}

/* Every escape of RFC 8259 §7, \u to UTF-8 with surrogate pairs. */
static void test_escapes(void)
{
	CU_ASSERT_EQUAL(get("{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "s"), 0);
	CU_ASSERT_STRING_EQUAL(out, "\"\\/\b\f\n\r\t");
	/* U+00E9, U+20AC, U+1F600 (a pair), upper- and lower-case hex */
	CU_ASSERT_EQUAL(
		get("{\"s\":\"\\u00e9\\u20AC\\ud83d\\uDE00\\u0041\"}", "s"), 0);
	CU_ASSERT_STRING_EQUAL(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
				    "A");
	/* raw UTF-8 passes as it is */
	CU_ASSERT_EQUAL(get("{\"s\":\"\xc3\xa9\"}", "s"), 0);
	CU_ASSERT_STRING_EQUAL(out, "\xc3\xa9");
	/* a key written with an escape is the same key */
	CU_ASSERT_EQUAL(get("{\"\\u0074\":\"escaped key\"}", "t"), 0);
	CU_ASSERT_STRING_EQUAL(out, "escaped key");
	/* a lone or reversed surrogate has no UTF-8 form */
	CU_ASSERT_EQUAL(get("{\"s\":\"\\ud800\"}", "s"), -EINVAL);
	CU_ASSERT_EQUAL(get("{\"s\":\"\\ud800x\"}", "s"), -EINVAL);
	CU_ASSERT_EQUAL(get("{\"s\":\"\\udc00\\ud800\"}", "s"), -EINVAL);
	CU_ASSERT_EQUAL(get("{\"s\":\"\\ud800\\u0041\"}", "s"), -EINVAL);
	/* U+0000 cannot be in a C string: refused, not cut short */
	CU_ASSERT_EQUAL(get("{\"s\":\"a\\u0000b\"}", "s"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(out, "");
	/* bad escapes */
	CU_ASSERT_EQUAL(get("{\"s\":\"\\x41\"}", "s"), -EINVAL);
	CU_ASSERT_EQUAL(get("{\"s\":\"\\u12\"}", "s"), -EINVAL);
	CU_ASSERT_EQUAL(get("{\"s\":\"\\u12g4\"}", "s"), -EINVAL);
	CU_ASSERT_EQUAL(get("{\"s\":\"\\", "s"), -EINVAL);
}

/* Keys match only at the top level: not inside nested objects or
 * arrays, not inside a string that looks like a member. */
static void test_top_level_only(void)
{
	const char *l = "{\"a\":{\"t\":\"inner\",\"b\":[{\"t\":\"deeper\"}]},"
			"\"m\":\"\\\"t\\\":\\\"fake\\\"\",\"l\":[\"t\",{\"t\":"
			"1}],\"t\":\"outer\"}";

	CU_ASSERT_EQUAL(get(l, "t"), 0);
	CU_ASSERT_STRING_EQUAL(out, "outer");
	CU_ASSERT_EQUAL(get("{\"a\":{\"t\":\"inner\"}}", "t"), -ENOENT);
	CU_ASSERT_EQUAL(get("{\"m\":\"\\\"t\\\":\\\"fake\\\"\"}", "t"),
			-ENOENT);
	CU_ASSERT_EQUAL(jsonl_int("{\"m\":\"\\\"n\\\": 5\"}", "n", -1), -1);
	/* a nested value is skipped whole, whatever is in it */
	CU_ASSERT_EQUAL(
		get("{\"a\":[[[{\"x\":[\"]}\"]}]]],\"t\":\"after\"}", "t"), 0);
	CU_ASSERT_STRING_EQUAL(out, "after");
	/* a key that is a prefix or an extension of another */
	CU_ASSERT_EQUAL(get("{\"tt\":\"no\",\"t\":\"yes\",\"\":\"e\"}", "t"),
			0);
	CU_ASSERT_STRING_EQUAL(out, "yes");
}

static void test_nesting_limit(void)
{
	char l[400];
	size_t n = 0;

	/* 64 levels: the top object and 63 arrays inside it */
	n += (size_t)snprintf(l + n, sizeof(l) - n, "{\"t\":\"x\",\"a\":");
	for (int i = 0; i < 63; i++)
		l[n++] = '[';
	for (int i = 0; i < 63; i++)
		l[n++] = ']';
	snprintf(l + n, sizeof(l) - n, "}");
	CU_ASSERT_EQUAL(get(l, "t"), 0);
	/* 65: refused, as a whole */
	n = (size_t)snprintf(l, sizeof(l), "{\"t\":\"x\",\"a\":");
	for (int i = 0; i < 64; i++)
		l[n++] = '[';
	for (int i = 0; i < 64; i++)
		l[n++] = ']';
	snprintf(l + n, sizeof(l) - n, "}");
	CU_ASSERT_EQUAL(get(l, "t"), -EINVAL);
}

/* A line that is not one JSON object is refused for every key, even
 * one that comes before the fault: never half read. */
static void test_malformed_refused_whole(void)
{
	static const char *const bad[] = {
		"",
		"   ",
		"{",
		"{\"t\":\"a\"",
		"{\"t\":\"a\"} x",
		"{\"t\":\"a\"}{\"t\":\"b\"}",
		"{\"t\":\"a\",}",
		"{\"t\":\"a\",,\"n\":1}",
		"{\"t\" \"a\"}",
		"{'t':'a'}",
		"{t:\"a\"}",
		"{\"t\":\"a\" \"n\":1}",
		"{\"t\":\"a\",\"n\":01}",
		"{\"t\":\"a\",\"n\":1.}",
		"{\"t\":\"a\",\"n\":.5}",
		"{\"t\":\"a\",\"n\":+1}",
		"{\"t\":\"a\",\"n\":-}",
		"{\"t\":\"a\",\"n\":1e}",
		"{\"t\":\"a\",\"n\":NaN}",
		"{\"t\":\"a\",\"n\":tru}",
		"{\"t\":\"a\",\"n\":nul}",
		"{\"t\":\"a\",\"n\":[1,]}",
		"{\"t\":\"a\",\"n\":[1 2]}",
		"{\"t\":\"a\",\"n\":{\"k\"}}",
		"{\"t\":\"a\",\"n\":\"raw\ttab\"}",
		"{\"t\":\"a\",\"n\":\"raw\nnewline\"}",
		"{\"t\":\"a\",\"n\":\"\\q\"}",
		"{\"t\":\"a\"}\v",
		"[\"t\",\"a\"]",
		"\"t\"",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		long long v;
		int r = get(bad[i], "t");

		if (r != -EINVAL)
			printf("\n  accepted: %s (%d)\n", bad[i], r);
		CU_ASSERT_EQUAL(r, -EINVAL);
		CU_ASSERT_STRING_EQUAL(out, "");
		CU_ASSERT_EQUAL(jsonl_num(bad[i], "n", &v), -EINVAL);
		CU_ASSERT_EQUAL(jsonl_int(bad[i], "n", 77), 77);
	}
	/* Names SHOULD be unique (RFC 8259 §4): a key given twice is
	 * valid JSON, but which value is meant is not said, so asking for
	 * that key is an error; the other keys read as usual. */
	CU_ASSERT_EQUAL(get("{\"t\":\"a\",\"t\":\"b\"}", "t"), -EINVAL);
	CU_ASSERT_EQUAL(get("{\"t\":\"a\",\"\\u0074\":\"b\",\"u\":\"c\"}", "t"),
			-EINVAL);
	CU_ASSERT_EQUAL(get("{\"t\":\"a\",\"t\":\"b\",\"u\":\"c\"}", "u"), 0);
	CU_ASSERT_STRING_EQUAL(out, "c");
}

static void test_integers(void)
{
	long long v = 0;

	CU_ASSERT_EQUAL(jsonl_num("{\"n\":0}", "n", &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(jsonl_num("{\"n\":-0}", "n", &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(jsonl_num("{\"n\":9223372036854775807}", "n", &v), 0);
	CU_ASSERT_EQUAL(v, LLONG_MAX);
	CU_ASSERT_EQUAL(jsonl_num("{\"n\":-9223372036854775808}", "n", &v), 0);
	CU_ASSERT_EQUAL(v, LLONG_MIN);
	CU_ASSERT_EQUAL(jsonl_num("{\"n\":9223372036854775808}", "n", &v),
			-ERANGE);
	CU_ASSERT_EQUAL(jsonl_int("{\"n\":9223372036854775808}", "n", 5), 5);
	/* valid JSON numbers that are not integers: never truncated */
	CU_ASSERT_EQUAL(jsonl_num("{\"n\":1.5}", "n", &v), -EINVAL);
	CU_ASSERT_EQUAL(jsonl_num("{\"n\":1e3}", "n", &v), -EINVAL);
	CU_ASSERT_EQUAL(jsonl_num("{\"n\":10E-1}", "n", &v), -EINVAL);
	CU_ASSERT_EQUAL(jsonl_int("{\"n\":1.5}", "n", -1), -1);
	CU_ASSERT_EQUAL(jsonl_num("{\"n\":\"12\"}", "n", &v), -EINVAL);
}

static void test_no_room(void)
{
	char small[4];

	CU_ASSERT_EQUAL(jsonl_get("{\"t\":\"abc\"}", "t", small, 4), 0);
	CU_ASSERT_STRING_EQUAL(small, "abc");
	CU_ASSERT_EQUAL(jsonl_get("{\"t\":\"abcd\"}", "t", small, 4), -ENOSPC);
	CU_ASSERT_STRING_EQUAL(small, "");
	/* a multi-byte character that would not fit whole */
	CU_ASSERT_EQUAL(jsonl_get("{\"t\":\"a\\u20ac\"}", "t", small, 4),
			-ENOSPC);
	CU_ASSERT_STRING_EQUAL(small, "");
}

/* The writer: every control character, quotes, backslashes and UTF-8
 * read back the same; a line that does not fit is refused whole. */
static void test_writer_round_trip(void)
{
	char val[200], line[1024], tiny[24];
	size_t n = 0, m;

	for (int c = 1; c < 0x20; c++)
		val[n++] = (char)c;
	snprintf(val + n, sizeof(val) - n, "\"\\/ \xc3\xa9\x7f end");
	m = (size_t)snprintf(line, sizeof(line), "{");
	m = jsonl_str(line, sizeof(line), m, "t", "cand");
	m = jsonl_str(line, sizeof(line), m, "v", val);
	CU_ASSERT_FATAL(m < sizeof(line) - 2);
	snprintf(line + m, sizeof(line) - m, "}");
	CU_ASSERT_EQUAL(get(line, "t"), 0);
	CU_ASSERT_STRING_EQUAL(out, "cand");
	CU_ASSERT_EQUAL(get(line, "v"), 0);
	CU_ASSERT_STRING_EQUAL(out, val);
	/* no raw control character on the wire */
	for (size_t i = 0; line[i]; i++)
		CU_ASSERT((unsigned char)line[i] >= 0x20);
	m = (size_t)snprintf(tiny, sizeof(tiny), "{");
	/* {"t":"0123456789" is 17 bytes and its NUL fits in 24 */
	CU_ASSERT_EQUAL(jsonl_str(tiny, sizeof(tiny), m, "t", "0123456789"),
			17u);
	CU_ASSERT_EQUAL(
		jsonl_str(tiny, sizeof(tiny), m, "t", "0123456789abcdefghij"),
		sizeof(tiny));
	CU_ASSERT_EQUAL(jsonl_str(tiny, sizeof(tiny), sizeof(tiny), "t", ""),
			sizeof(tiny));
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("jsonl", NULL, NULL);

	if (!s)
		return;
	LR_ADD_TEST(s, test_node_compact);
	LR_ADD_TEST(s, test_python_spaces);
	LR_ADD_TEST(s, test_whitespace_anywhere);
	LR_ADD_TEST(s, test_escapes);
	LR_ADD_TEST(s, test_top_level_only);
	LR_ADD_TEST(s, test_nesting_limit);
	LR_ADD_TEST(s, test_malformed_refused_whole);
	LR_ADD_TEST(s, test_integers);
	LR_ADD_TEST(s, test_no_room);
	LR_ADD_TEST(s, test_writer_round_trip);
}
