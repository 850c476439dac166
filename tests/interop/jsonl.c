/* One-line JSON for the interop drivers (see jsonl.h): a writer of
 * string members and a reader of standard JSON (RFC 8259 §2-§7). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

#define MAX_DEPTH 64

/* ---- writing ---- */

struct put {
	char *out;
	size_t cap, n;
	int full;
};

static void put_c(struct put *w, char c)
{
	if (w->n + 1 >= w->cap) {
		w->full = 1;
		return;
	}
	w->out[w->n++] = c;
}

static void put_s(struct put *w, const char *s)
{
	while (*s)
		put_c(w, *s++);
}

/* A JSON string (RFC 8259 §7): quote, backslash and the control
 * characters escaped; other bytes (UTF-8) as they are. */
static void put_str(struct put *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	put_c(w, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			put_c(w, '\\');
			put_c(w, (char)c);
		} else if (c == '\n') {
			put_s(w, "\\n");
		} else if (c == '\r') {
			put_s(w, "\\r");
		} else if (c == '\t') {
			put_s(w, "\\t");
		} else if (c < 0x20) {
			put_s(w, "\\u00");
			put_c(w, hex[c >> 4]);
			put_c(w, hex[c & 15]);
		} else {
			put_c(w, (char)c);
		}
	}
	put_c(w, '"');
}

size_t jsonl_str(char *out, size_t cap, size_t n, const char *key,
		 const char *val)
{
	struct put w = {.out = out, .cap = cap, .n = n};

	if (n >= cap)
		return cap;
	if (n > 1)
		put_c(&w, ',');
	put_str(&w, key);
	put_c(&w, ':');
	put_str(&w, val);
	if (w.full)
		return cap;
	out[w.n] = '\0';
	return w.n;
}

/* ---- reading ---- */

static void ws(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
						    : 16u;

		if (d == 16)
			return -EINVAL;
		*v = *v << 4 | d;
	}
	return 0;
}

/* Decoded bytes go to out while they fit; len counts them all. */
struct str {
	char *out;
	size_t cap, len;
	int nul; /* a \u0000 was in it */
};

static void str_c(struct str *s, unsigned c)
{
	if (s->out && s->len < s->cap)
		s->out[s->len] = (char)c;
	s->len++;
}

static void str_utf8(struct str *s, uint32_t cp)
{
	if (cp < 0x80) {
		s->nul |= cp == 0;
		str_c(s, cp);
	} else if (cp < 0x800) {
		str_c(s, 0xc0 | cp >> 6);
		str_c(s, 0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		str_c(s, 0xe0 | cp >> 12);
		str_c(s, 0x80 | (cp >> 6 & 0x3f));
		str_c(s, 0x80 | (cp & 0x3f));
	} else {
		str_c(s, 0xf0 | cp >> 18);
		str_c(s, 0x80 | (cp >> 12 & 0x3f));
		str_c(s, 0x80 | (cp >> 6 & 0x3f));
		str_c(s, 0x80 | (cp & 0x3f));
	}
}

/* \uXXXX at *p (after the backslash and 'u'), a surrogate pair taken
 * whole (RFC 8259 §7); a lone surrogate is an error. */
static int unicode(const char **p, struct str *s)
{
	unsigned hi, lo;

	if (hex4(*p, &hi))
		return -EINVAL;
	*p += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return -EINVAL;
	if (hi < 0xd800 || hi > 0xdbff) {
		str_utf8(s, hi);
		return 0;
	}
	if ((*p)[0] != '\\' || (*p)[1] != 'u' || hex4(*p + 2, &lo) ||
	    lo < 0xdc00 || lo > 0xdfff)
		return -EINVAL;
	*p += 6;
	str_utf8(s, 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
	return 0;
}

/* A string at *p (on its opening quote), decoded into s. */
static int string(const char **p, struct str *s)
{
	const char *q = *p;

	if (*q++ != '"')
		return -EINVAL;
	for (;;) {
		unsigned char c = (unsigned char)*q++;

		if (c == '"')
			break;
		if (c < 0x20) /* raw control characters, and the end */
			return -EINVAL;
		if (c != '\\') {
			str_c(s, c);
			continue;
		}
		c = (unsigned char)*q++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			str_c(s, c);
			break;
		case 'b':
			str_c(s, '\b');
			break;
		case 'f':
			str_c(s, '\f');
			break;
		case 'n':
			str_c(s, '\n');
			break;
		case 'r':
			str_c(s, '\r');
			break;
		case 't':
			str_c(s, '\t');
			break;
		case 'u':
			if (unicode(&q, s))
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	*p = q;
	return 0;
}

static int digits(const char **p)
{
	const char *q = *p;

	while (**p >= '0' && **p <= '9')
		(*p)++;
	return *p > q ? 0 : -EINVAL;
}

/* A number (RFC 8259 §6); *integer says it had no fraction or
 * exponent. */
static int number(const char **p, int *integer)
{
	*integer = 1;
	if (**p == '-')
		(*p)++;
	if (**p == '0')
		(*p)++;
	else if (digits(p))
		return -EINVAL;
	if (**p == '.') {
		(*p)++;
		*integer = 0;
		if (digits(p))
			return -EINVAL;
	}
	if (**p == 'e' || **p == 'E') {
		(*p)++;
		*integer = 0;
		if (**p == '+' || **p == '-')
			(*p)++;
		if (digits(p))
			return -EINVAL;
	}
	return 0;
}

static int value(const char **p, int depth);

/* The members of an object or the elements of an array, after the
 * opening bracket, through the closing one. */
static int members(const char **p, int depth, char close)
{
	ws(p);
	if (**p == close) {
		(*p)++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			struct str k = {0};

			if (string(p, &k))
				return -EINVAL;
			ws(p);
			if (*(*p)++ != ':')
				return -EINVAL;
		}
		if (value(p, depth + 1))
			return -EINVAL;
		ws(p);
		if (**p == close) {
			(*p)++;
			return 0;
		}
		if (*(*p)++ != ',')
			return -EINVAL;
		ws(p);
	}
}

/* Any value at *p (after whitespace), skipped; at most MAX_DEPTH levels
 * of objects and arrays. */
static int value(const char **p, int depth)
{
	struct str s = {0};
	int integer;

	ws(p);
	if (depth > MAX_DEPTH)
		return -EINVAL;
	switch (**p) {
	case '{':
	case '[': {
		char close = **p == '{' ? '}' : ']';

		(*p)++;
		return members(p, depth, close);
	}
	case '"':
		return string(p, &s);
	case 't':
		return strncmp(*p, "true", 4) ? -EINVAL : (*p += 4, 0);
	case 'f':
		return strncmp(*p, "false", 5) ? -EINVAL : (*p += 5, 0);
	case 'n':
		return strncmp(*p, "null", 4) ? -EINVAL : (*p += 4, 0);
	default:
		if (**p == '-' || (**p >= '0' && **p <= '9'))
			return number(p, &integer);
		return -EINVAL;
	}
}

/* The whole line must be one object; *val is where the value of the
 * top-level member `key` starts. 0, -ENOENT or -EINVAL. */
static int find(const char *line, const char *key, const char **val)
{
	const char *p = line;
	size_t kl = strlen(key);
	char kb[256];

	*val = NULL;
	ws(&p);
	if (*p++ != '{')
		return -EINVAL;
	ws(&p);
	if (*p == '}') {
		p++;
	} else {
		for (;;) {
			struct str k = {.out = kb, .cap = sizeof(kb)};
			const char *v;

			if (string(&p, &k))
				return -EINVAL;
			ws(&p);
			if (*p++ != ':')
				return -EINVAL;
			ws(&p);
			v = p;
			if (value(&p, 2)) /* the line's object is level 1 */
				return -EINVAL;
			if (!k.nul && k.len == kl && kl <= sizeof(kb) &&
			    !memcmp(kb, key, kl)) {
				if (*val) /* which one? never guess */
					return -EINVAL;
				*val = v;
			}
			ws(&p);
			if (*p == '}') {
				p++;
				break;
			}
			if (*p++ != ',')
				return -EINVAL;
			ws(&p);
		}
	}
	ws(&p);
	if (*p)
		return -EINVAL; /* more than one object on the line */
	return *val ? 0 : -ENOENT;
}

int jsonl_get(const char *line, const char *key, char *out, size_t cap)
{
	const char *v;
	struct str s = {.out = out, .cap = cap};
	int r = find(line, key, &v);

	if (cap)
		out[0] = '\0';
	if (r)
		return r;
	r = *v != '"' || string(&v, &s) || s.nul ? -EINVAL
	    : s.len >= cap			 ? -ENOSPC
						 : 0;
	if (r) {
		if (cap)
			out[0] = '\0';
		return r;
	}
	out[s.len] = '\0';
	return 0;
}

int jsonl_num(const char *line, const char *key, long long *out)
{
	const char *v, *end;
	int r = find(line, key, &v), integer;
	long long x;
	char *e;

	if (r)
		return r;
	end = v;
	if (*v != '-' && (*v < '0' || *v > '9'))
		return -EINVAL;
	if (number(&end, &integer) || !integer)
		return -EINVAL;
	errno = 0;
	x = strtoll(v, &e, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (e != end)
		return -EINVAL;
	*out = x;
	return 0;
}

long long jsonl_int(const char *line, const char *key, long long def)
{
	long long v;

	return jsonl_num(line, key, &v) ? def : v;
}
