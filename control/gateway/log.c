/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linerated's log lines (gw_log.h). Each line is built whole in a
 * buffer and written with one fwrite, so lines from several threads
 * never interleave (stdio locks the stream per call). A line that would
 * pass LINE_CAP is cut at a character, and says so: text "...", JSON
 * "truncated":true.
 *
 * Text: "TS LEVEL EVENT key=value ...", a value in double quotes when
 * it is empty or holds a blank, '"', '=', '\', a control character or
 * a byte that is not UTF-8 (escaped \" \\ \n \r \t \xHH inside).
 * JSON: RFC 8259 §7: '"' '\' and U+0000-U+001F escaped (\n \r \t \b \f
 * or \u00XX), DEL as \u007f, each byte that is not part of valid UTF-8
 * as \ufffd (the replacement character); valid UTF-8 is kept as it is.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gw_log.h"

#define LINE_CAP 8192
#define RESERVE	 48 /* room kept for the end of a cut line */

struct line {
	char b[LINE_CAP];
	size_t n;
	size_t lim; /* LINE_CAP - RESERVE while building */
	int cut;
};

static const char *const level_names[] = {"debug", "info", "warn", "error"};

int gw_log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, level_names[i]))
			return i;
	return -1;
}

/* Append n bytes whole or not at all: 0, or -1 (the line is cut). */
static int put(struct line *l, const char *s, size_t n)
{
	if (l->cut || l->n + n > l->lim) {
		l->cut = 1;
		return -1;
	}
	memcpy(l->b + l->n, s, n);
	l->n += n;
	return 0;
}

/* Append into the reserve (the end of a string or of the line). */
static void force(struct line *l, const char *s, size_t n)
{
	if (l->n + n < LINE_CAP) {
		memcpy(l->b + l->n, s, n);
		l->n += n;
	}
}

/* Length of the valid UTF-8 sequence at s (RFC 3629 §4: no overlong
 * forms, no surrogates, nothing past U+10FFFF), 0 if there is none. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static const char hex[] = "0123456789abcdef";

/* The inside of a JSON string; stops where the line is cut. */
static void json_body(struct line *l, const char *v)
{
	const unsigned char *s = (const unsigned char *)v;

	while (*s && !l->cut) {
		size_t n = utf8_len(s);
		char e[6] = {'\\', 'u', '0', '0', 0, 0};

		if (n == 0) {
			put(l, "\\ufffd", 6);
			s++;
			continue;
		}
		if (n > 1 ||
		    (*s >= 0x20 && *s != '"' && *s != '\\' && *s != 0x7f)) {
			put(l, (const char *)s, n);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':
		case '\\':
			e[1] = (char)*s;
			put(l, e, 2);
			break;
		case '\n':
			put(l, "\\n", 2);
			break;
		case '\r':
			put(l, "\\r", 2);
			break;
		case '\t':
			put(l, "\\t", 2);
			break;
		case '\b':
			put(l, "\\b", 2);
			break;
		case '\f':
			put(l, "\\f", 2);
			break;
		default:
			e[4] = hex[*s >> 4];
			e[5] = hex[*s & 15];
			put(l, e, 6);
		}
		s++;
	}
}

static int text_needs_quotes(const char *v)
{
	const unsigned char *s = (const unsigned char *)v;

	if (!*s)
		return 1;
	while (*s) {
		size_t n = utf8_len(s);

		if (!n || (n == 1 && (*s <= 0x20 || *s == 0x7f || *s == '"' ||
				      *s == '=' || *s == '\\')))
			return 1;
		s += n;
	}
	return 0;
}

/* A text value, without its quotes; stops where the line is cut. */
static void text_body(struct line *l, const char *v)
{
	const unsigned char *s = (const unsigned char *)v;

	while (*s && !l->cut) {
		size_t n = utf8_len(s);
		char e[4] = {'\\', 'x', 0, 0};

		if (n > 1 || (n == 1 && *s >= 0x20 && *s != 0x7f && *s != '"' &&
			      *s != '\\')) {
			put(l, (const char *)s, n);
			s += n;
			continue;
		}
		if (*s == '"' || *s == '\\') {
			e[1] = (char)*s;
			put(l, e, 2);
		} else if (*s == '\n' || *s == '\r' || *s == '\t') {
			e[1] = *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't';
			put(l, e, 2);
		} else {
			e[2] = hex[*s >> 4];
			e[3] = hex[*s & 15];
			put(l, e, 4);
		}
		s++;
	}
}

/* A key (or the text event): letters, digits, '_', '.', '-' kept,
 * anything else '_', so keys never need quoting or escaping. */
static int key_str(struct line *l, const char *k, const char *prefix)
{
	char b[64];
	size_t n = 0;

	if (prefix)
		while (*prefix && n < sizeof(b) - 1)
			b[n++] = *prefix++;
	for (; *k && n < sizeof(b) - 1; k++)
		b[n++] =
			((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
			 (*k >= '0' && *k <= '9') || *k == '_' || *k == '.' ||
			 *k == '-')
				? *k
				: '_';
	return put(l, b, n);
}

static int reserved(const char *k)
{
	return !strcmp(k, "ts") || !strcmp(k, "level") || !strcmp(k, "event");
}

/* One key/value pair, whole or cut inside its value (then closed): 0,
 * or -1 when the line is full. */
static int field(struct line *l, int json, const char *k, const char *v)
{
	size_t n0 = l->n;
	int q = json || text_needs_quotes(v);

	if (json ? put(l, ",\"", 2) ||
			    key_str(l, k, reserved(k) ? "_" : NULL) ||
			    put(l, "\":\"", 3)
		 : put(l, " ", 1) || key_str(l, k, NULL) || put(l, "=", 1) ||
			    (q && put(l, "\"", 1))) {
		l->n = n0; /* not even the key fits: leave the pair out */
		l->cut = 1;
		return -1;
	}
	if (json)
		json_body(l, v);
	else
		text_body(l, v);
	if (q)
		force(l, "\"", 1);
	return l->cut ? -1 : 0;
}

/* 2026-12-07T20:30:00.123Z */
static void timestamp(char *b, size_t cap)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(b, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(b + n, cap - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void gw_log(const struct gw_log *l, int level, const char *event, ...)
{
	struct line *ln;
	char ts[40];
	const char *k, *v;
	va_list ap;

	if (!l || !l->out || level < l->level || level < GW_LOG_DEBUG ||
	    level > GW_LOG_ERROR)
		return;
	ln = malloc(sizeof(*ln));
	if (!ln)
		return;
	ln->n = 0;
	ln->cut = 0;
	ln->lim = LINE_CAP - RESERVE;
	timestamp(ts, sizeof(ts));
	/* the head always fits: its parts are short */
	if (l->json) {
		put(ln, "{\"ts\":\"", 7);
		put(ln, ts, strlen(ts));
		put(ln, "\",\"level\":\"", 11);
		put(ln, level_names[level], strlen(level_names[level]));
		put(ln, "\",\"event\":\"", 11);
		ln->lim = 256; /* an event name longer than that is cut */
		json_body(ln, event ? event : "");
		ln->lim = LINE_CAP - RESERVE;
		ln->cut = 0;
		force(ln, "\"", 1);
	} else {
		put(ln, ts, strlen(ts));
		put(ln, " ", 1);
		put(ln, level_names[level], strlen(level_names[level]));
		put(ln, " ", 1);
		key_str(ln, event ? event : "", NULL);
	}
	va_start(ap, event);
	while ((k = va_arg(ap, const char *))) {
		/* a NULL value ends the list too: nothing is read past it */
		v = va_arg(ap, const char *);
		if (field(ln, l->json, k, v ? v : "") || !v)
			break;
	}
	va_end(ap);
	if (l->json)
		ln->cut ? force(ln, ",\"truncated\":true}\n", 19)
			: force(ln, "}\n", 2);
	else
		ln->cut ? force(ln, " ...\n", 5) : force(ln, "\n", 1);
	fwrite(ln->b, 1, ln->n, l->out);
	fflush(l->out);
	free(ln);
}
