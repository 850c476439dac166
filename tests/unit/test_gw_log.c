/*
 * linerated's log lines (gw_log.h): JSON lines parsed back by jansson
 * (quotes, backslashes, newlines, control characters, non-ASCII and
 * bytes that are not UTF-8), text lines quoting what needs it, levels,
 * a value too long for a line, and lines from several threads at once
 * never mixed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gw_log.h"
#include "gw_tests.h"

/* Everything written to f, from the start. */
static char *slurp(FILE *f, size_t *len)
{
	long n;
	char *b;

	fflush(f);
	n = ftell(f);
	b = malloc((size_t)n + 1);
	rewind(f);
	*len = fread(b, 1, (size_t)n, f);
	b[*len] = '\0';
	return b;
}

static int iso8601_ms(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";

	if (strlen(s) != sizeof(pat) - 1)
		return 0;
	for (size_t i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return 0;
	return 1;
}

static void test_log_json(void)
{
	FILE *f = tmpfile();
	struct gw_log l = {.out = f, .json = 1, .level = GW_LOG_INFO};
	json_t *o;
	json_error_t je;
	size_t len;
	char *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	gw_log(&l, GW_LOG_WARN, "session_up", "quote", "say \"hi\"", "bs",
	       "a\\b", "nl", "a\nb\r\tc", "ctl", "\x01\x1f\x7f\b\f", "utf8",
	       "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80", "bad",
	       "\xff\xfe ok \xc3", "over", "\xc0\xaf\xed\xa0\x80", "empty", "",
	       "ts", "not the time", "we ird\"key", "v", NULL);
	b = slurp(f, &len);
	/* one line, ended by its only newline */
	CU_ASSERT(len > 0 && b[len - 1] == '\n');
	CU_ASSERT_EQUAL(strchr(b, '\n'), b + len - 1);
	o = json_loadb(b, len, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		printf("\n  jansson: %s in %s", je.text, b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(iso8601_ms(json_string_value(json_object_get(o, "ts"))));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "level")),
			       "warn");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "event")),
			       "session_up");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "quote")),
			       "say \"hi\"");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "bs")),
			       "a\\b");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "nl")),
			       "a\nb\r\tc");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "ctl")),
			       "\x01\x1f\x7f\b\f");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "utf8")),
			       "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80");
	/* each byte that is not UTF-8 is U+FFFD */
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "bad")),
			       "\xef\xbf\xbd\xef\xbf\xbd ok \xef\xbf\xbd");
	/* overlong '/', a surrogate: not UTF-8 either (RFC 3629 §3) */
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(o, "over")),
		"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "empty")),
			       "");
	/* a field cannot pass for the head's keys, nor break its key */
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "_ts")),
			       "not the time");
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(o, "we_ird_key")), "v");
	/* raw control characters never reach the line */
	for (size_t i = 0; i + 1 < len; i++)
		CU_ASSERT((unsigned char)b[i] >= 0x20 && b[i] != 0x7f);
	json_decref(o);
	free(b);
	fclose(f);
}

static void test_log_text(void)
{
	FILE *f = tmpfile();
	struct gw_log l = {.out = f, .json = 0, .level = GW_LOG_DEBUG};
	size_t len;
	char *b, *sp;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	gw_log(&l, GW_LOG_INFO, "session_up", "id", "ab12", "room", "demo",
	       "ua", "Mozilla 5.0", "q", "a\"b", "nl", "a\nb", "eq", "k=v", "e",
	       "", "ctl", "\x01", "bad", "\xff", "utf8", "caf\xc3\xa9", NULL);
	b = slurp(f, &len);
	CU_ASSERT_EQUAL(strchr(b, '\n'), b + len - 1);
	sp = strchr(b, ' ');
	CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
	*sp = '\0';
	CU_ASSERT(iso8601_ms(b));
	if (strcmp(sp + 1,
		   "info session_up id=ab12 room=demo ua=\"Mozilla 5.0\" q=\"a\\\"b\" nl=\"a\\nb\" eq=\"k=v\" e=\"\" ctl=\"\\x01\" bad=\"\\xff\" utf8=caf\xc3\xa9\n"))
		printf("\n  text: %s", sp + 1);
	CU_ASSERT_STRING_EQUAL(
		sp + 1,
		"info session_up id=ab12 room=demo ua=\"Mozilla 5.0\" q=\"a\\\"b\" nl=\"a\\nb\" eq=\"k=v\" e=\"\" ctl=\"\\x01\" bad=\"\\xff\" utf8=caf\xc3\xa9\n");
	free(b);
	fclose(f);
}

static void test_log_levels(void)
{
	FILE *f = tmpfile();
	struct gw_log l = {.out = f, .json = 0, .level = GW_LOG_WARN};
	size_t len;
	char *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	gw_log(&l, GW_LOG_DEBUG, "d", NULL);
	gw_log(&l, GW_LOG_INFO, "i", NULL);
	gw_log(&l, GW_LOG_WARN, "w", NULL);
	gw_log(&l, GW_LOG_ERROR, "e", "k", NULL); /* NULL value: ends */
	b = slurp(f, &len);
	CU_ASSERT_PTR_NULL(strstr(b, " debug "));
	CU_ASSERT_PTR_NULL(strstr(b, " info "));
	CU_ASSERT_PTR_NOT_NULL(strstr(b, " warn w\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(b, " error e k=\"\"\n"));
	free(b);
	fclose(f);
	CU_ASSERT_EQUAL(gw_log_level_parse("debug"), GW_LOG_DEBUG);
	CU_ASSERT_EQUAL(gw_log_level_parse("info"), GW_LOG_INFO);
	CU_ASSERT_EQUAL(gw_log_level_parse("warn"), GW_LOG_WARN);
	CU_ASSERT_EQUAL(gw_log_level_parse("error"), GW_LOG_ERROR);
	CU_ASSERT_EQUAL(gw_log_level_parse("INFO"), -1);
	CU_ASSERT_EQUAL(gw_log_level_parse("warning"), -1);
	CU_ASSERT_EQUAL(gw_log_level_parse(NULL), -1);
}

/* A value longer than a line: cut, said so, still one valid line. */
static void test_log_truncated(void)
{
	static char big[20000];
	FILE *f = tmpfile();
	struct gw_log lj = {.out = f, .json = 1, .level = GW_LOG_INFO};
	struct gw_log lt = {.out = f, .json = 0, .level = GW_LOG_INFO};
	json_error_t je;
	json_t *o;
	size_t len;
	char *b, *nl;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = "\"\x01\xe2\x98\x83x"[i % 6 == 5 ? 4 : i % 4];
	big[sizeof(big) - 1] = '\0';
	gw_log(&lj, GW_LOG_INFO, "big", "a", "1", "v", big, "after", "2", NULL);
	gw_log(&lt, GW_LOG_INFO, "big", "v", big, NULL);
	b = slurp(f, &len);
	nl = strchr(b, '\n');
	CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
	CU_ASSERT((size_t)(nl - b) < 8192);
	o = json_loadb(b, (size_t)(nl - b + 1), JSON_REJECT_DUPLICATES, &je);
	if (!o)
		printf("\n  jansson: %s", je.text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_is_true(json_object_get(o, "truncated")));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(o, "a")), "1");
	CU_ASSERT(strlen(json_string_value(json_object_get(o, "v"))) > 1000);
	CU_ASSERT_PTR_NULL(json_object_get(o, "after"));
	json_decref(o);
	/* the text line: cut inside its quotes, closed, said so */
	CU_ASSERT(strlen(nl + 1) < 8192);
	CU_ASSERT_EQUAL(strchr(nl + 1, '\n'), b + len - 1);
	CU_ASSERT(len > 6 && !strcmp(b + len - 6, "\" ...\n"));
	free(b);
	fclose(f);
}

struct writer {
	const struct gw_log *l;
	char id[8];
};

#define WRITERS 4
#define LINES	300

static void *write_lines(void *arg)
{
	const struct writer *w = arg;
	char n[16], pad[600];

	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	for (int i = 0; i < LINES; i++) {
		snprintf(n, sizeof(n), "%d", i);
		gw_log(w->l, GW_LOG_INFO, "tick", "w", w->id, "n", n, "pad",
		       pad, NULL);
	}
	return NULL;
}

/* Lines from threads at once, on one stream: each whole. */
static void test_log_threads(void)
{
	FILE *f = tmpfile();
	struct gw_log l = {.out = f, .json = 1, .level = GW_LOG_INFO};
	struct writer w[WRITERS];
	pthread_t t[WRITERS];
	int next[WRITERS] = {0}, lines = 0;
	size_t len;
	char *b, *line, *save = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	setvbuf(f, NULL, _IONBF, 0); /* as stderr: no buffer to hide in */
	for (int i = 0; i < WRITERS; i++) {
		w[i].l = &l;
		snprintf(w[i].id, sizeof(w[i].id), "%d", i);
		CU_ASSERT_EQUAL_FATAL(
			pthread_create(&t[i], NULL, write_lines, &w[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(t[i], NULL);
	b = slurp(f, &len);
	for (line = strtok_r(b, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_error_t je;
		json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, &je);
		int wi, n;

		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		wi = atoi(json_string_value(json_object_get(o, "w")));
		n = atoi(json_string_value(json_object_get(o, "n")));
		CU_ASSERT_FATAL(wi >= 0 && wi < WRITERS);
		/* each writer's lines whole and in its order */
		CU_ASSERT_EQUAL(n, next[wi]);
		next[wi] = n + 1;
		lines++;
		json_decref(o);
	}
	CU_ASSERT_EQUAL(lines, WRITERS * LINES);
	free(b);
	fclose(f);
}

void gw_log_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_log_json);
	LR_ADD_TEST(s, test_log_text);
	LR_ADD_TEST(s, test_log_levels);
	LR_ADD_TEST(s, test_log_truncated);
	LR_ADD_TEST(s, test_log_threads);
}
