// SPDX-License-Identifier: BSD-2-Clause
/* SDP lines in, SDP lines out (RFC 8866 §5), every line kept. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdp_internal.h"

int lr__sdp_fail(struct lr_sdp_error *err, uint32_t lineno, int rc,
		 const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->lineno = lineno;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

void lr_sdp_free(struct lr_sdp *s)
{
	if (!s)
		return;
	free(s->text);
	free(s->lines);
	free(s);
}

/* "m=<media> <port>[/<count>] <proto> <fmt> ..." */
static int parse_mline(const char *v, struct lr_sdp_media *m)
{
	const char *p = v;
	uint64_t port;

	if (lr__sdp_token(&p, m->kind, sizeof(m->kind)))
		return -EINVAL;
	lr__sdp_spaces(&p);
	if (lr__sdp_uint(&p, 65535, &port))
		return -EINVAL;
	if (*p == '/') {
		uint64_t count;

		p++;
		if (lr__sdp_uint(&p, 65535, &count))
			return -EINVAL;
	}
	if (*p != ' ')
		return -EINVAL;
	lr__sdp_spaces(&p);
	if (lr__sdp_token(&p, m->proto, sizeof(m->proto)) || *p != ' ')
		return -EINVAL;
	lr__sdp_spaces(&p);
	if (!*p)
		return -EINVAL; /* at least one format */
	m->port = (uint16_t)port;
	m->fmt = p;
	return 0;
}

/* Split the owned copy into lines; returns the count or -errno. */
static int split(struct lr_sdp *s, size_t len, struct lr_sdp_error *err)
{
	char *p = s->text, *end = s->text + len;
	unsigned cap = 64, lineno = 0;

	s->lines = malloc(cap * sizeof(*s->lines));
	if (!s->lines)
		return -ENOMEM;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl : end;

		lineno++;
		if (eol > p && eol[-1] == '\r')
			eol--;
		*eol = '\0';
		if (eol == p) {
			/* only trailing empty lines are tolerated */
			char *q = nl ? nl + 1 : end;

			while (q < end && (*q == '\r' || *q == '\n'))
				q++;
			if (q < end)
				return lr__sdp_fail(err, lineno, -EINVAL,
						    "empty line");
			break;
		}
		if (strlen(p) != (size_t)(eol - p))
			return lr__sdp_fail(err, lineno, -EINVAL,
					    "NUL byte in line");
		if (p[0] < 'a' || p[0] > 'z' || p[1] != '=')
			return lr__sdp_fail(err, lineno, -EINVAL,
					    "not <type>=<value>");
		if (s->nlines >= LR_SDP_MAX_LINES)
			return lr__sdp_fail(err, lineno, -E2BIG,
					    "more than %u lines",
					    LR_SDP_MAX_LINES);
		if (s->nlines == cap) {
			struct lr_sdp_line *n;

			cap *= 2;
			n = realloc(s->lines, cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
			s->lines = n;
		}
		s->lines[s->nlines++] = (struct lr_sdp_line){
			.type = p[0], .value = p + 2, .lineno = lineno};
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int check_line(struct lr_sdp *s, unsigned i, struct lr_sdp_error *err)
{
	const struct lr_sdp_line *l = &s->lines[i];
	const char *why = NULL, *colon;
	size_t nlen;
	int rc;

	if (l->type != 'a')
		return 0;
	colon = strchr(l->value, ':');
	nlen = colon ? (size_t)(colon - l->value) : strlen(l->value);
	if (!nlen)
		return lr__sdp_fail(err, l->lineno, -EINVAL,
				    "attribute without a name");
	rc = lr__sdp_check_attr(l->value, nlen, colon ? colon + 1 : NULL,
				s->nmedia > 0, &why);
	if (rc)
		return lr__sdp_fail(err, l->lineno, rc, "a=%.*s: %s",
				    (int)(nlen < 40 ? nlen : 40), l->value,
				    why);
	return 0;
}

int lr_sdp_parse(const char *text, size_t len, struct lr_sdp **out,
		 struct lr_sdp_error *err)
{
	struct lr_sdp *s;
	int rc, have_o = 0, have_s = 0, have_t = 0;

	*out = NULL;
	if (err) {
		err->lineno = 0;
		err->msg[0] = '\0';
	}
	if (len > LR_SDP_MAX_TEXT)
		return lr__sdp_fail(err, 0, -E2BIG, "longer than %u bytes",
				    LR_SDP_MAX_TEXT);
	s = calloc(1, sizeof(*s));
	if (!s || !(s->text = malloc(len + 1))) {
		free(s);
		return -ENOMEM;
	}
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	rc = split(s, len, err);
	if (!rc && (!s->nlines || s->lines[0].type != 'v' ||
		    strcmp(s->lines[0].value, "0")))
		rc = lr__sdp_fail(err, 1, -EINVAL, "does not start with v=0");
	for (unsigned i = 1; !rc && i < s->nlines; i++) {
		struct lr_sdp_line *l = &s->lines[i];

		if (l->type == 'm') {
			struct lr_sdp_media *m;

			if (s->nmedia >= LR_SDP_MAX_MEDIA) {
				rc = lr__sdp_fail(err, l->lineno, -E2BIG,
						  "more than %u media sections",
						  LR_SDP_MAX_MEDIA);
				break;
			}
			if (!s->nmedia)
				s->nsession = i;
			else if ((rc = lr__sdp_check_section(s, s->nmedia - 1,
							     err)))
				break;
			m = &s->media[s->nmedia++];
			m->first = i;
			m->nlines = 1;
			if (parse_mline(l->value, m))
				rc = lr__sdp_fail(err, l->lineno, -EINVAL,
						  "malformed m= line");
			continue;
		}
		if (s->nmedia)
			s->media[s->nmedia - 1].nlines++;
		else if (l->type == 'o')
			have_o = 1;
		else if (l->type == 's')
			have_s = 1;
		else if (l->type == 't')
			have_t = 1;
		rc = check_line(s, i, err);
	}
	if (!s->nmedia)
		s->nsession = s->nlines;
	else if (!rc)
		rc = lr__sdp_check_section(s, s->nmedia - 1, err);
	if (!rc && (!have_o || !have_s || !have_t))
		rc = lr__sdp_fail(err, 0, -EINVAL, "session lacks %s",
				  !have_o   ? "o="
				  : !have_s ? "s="
					    : "t=");
	if (rc) {
		lr_sdp_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int lr_sdp_write(const struct lr_sdp *s, char *buf, size_t cap)
{
	size_t n = 0;

	for (unsigned i = 0; i < s->nlines; i++) {
		size_t vl = strlen(s->lines[i].value);

		if (n + vl + 4 >= cap)
			return -ENOSPC;
		buf[n++] = s->lines[i].type;
		buf[n++] = '=';
		memcpy(buf + n, s->lines[i].value, vl);
		n += vl;
		buf[n++] = '\r';
		buf[n++] = '\n';
	}
	if (n >= cap)
		return -ENOSPC;
	buf[n] = '\0';
	return (int)n;
}

const char *lr_sdp_attr(const struct lr_sdp *s, int media, const char *name,
			unsigned nth)
{
	unsigned first = 0, count = s->nsession;
	size_t nl = strlen(name);

	if (media >= 0) {
		if ((unsigned)media >= s->nmedia)
			return NULL;
		first = s->media[media].first;
		count = s->media[media].nlines;
	}
	for (unsigned i = first; i < first + count; i++) {
		const char *v = s->lines[i].value;

		if (s->lines[i].type != 'a' || strncmp(v, name, nl) ||
		    (v[nl] != ':' && v[nl] != '\0'))
			continue;
		if (nth-- == 0)
			return v[nl] == ':' ? v + nl + 1 : v + nl;
	}
	return NULL;
}
