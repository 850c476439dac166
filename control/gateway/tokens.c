/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bearer tokens into the configuration: from a "token =" line, a token
 * file, --token or LINERATED_TOKEN. A token is NAME RIGHTS ROOMS SECRET;
 * the secret is an RFC 6750 §2.1 b64token of at least GW__TOKEN_MIN
 * characters. No message here ever holds a secret (nor a field that
 * might be one, when the fields are in the wrong order).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"

int gw__read_file(const char *path, char **out, size_t *len)
{
	struct stat st;
	size_t n = 0;
	char *buf;
	int fd, r = 0;

	/* O_NONBLOCK: a FIFO given by mistake must not hang the start */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if ((unsigned long long)st.st_size > GW__FILE_MAX) {
		r = -EFBIG;
		goto out;
	}
	buf = malloc(GW__FILE_MAX + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t k = read(fd, buf + n, GW__FILE_MAX + 1 - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = -errno;
			break;
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (n > GW__FILE_MAX) {
			r = -EFBIG;
			break;
		}
	}
	if (r) {
		free(buf);
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
out:
	close(fd);
	return r;
}

/* RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~"
 * / "+" / "/" ) *"=" */
static int b64token(const char *s)
{
	const char *p = s;

	while (*p && (isalnum((unsigned char)*p) || strchr("-._~+/", *p)))
		p++;
	if (p == s)
		return 0;
	while (*p == '=')
		p++;
	return *p == '\0';
}

/* "token #3": what gw_config_validate calls a token given no name */
static int auto_name(const char *s)
{
	if (strncmp(s, "token #", 7) || !s[7])
		return 0;
	for (s += 7; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int gw__check_token(const struct gw_token *t, char *why, size_t cap)
{
	size_t n = strnlen(t->name, sizeof(t->name));

	if (!n || n == sizeof(t->name)) {
		gw__why(why, cap, "the name must be 1 to %zu characters",
			sizeof(t->name) - 1);
		return -EINVAL;
	}
	for (const char *p = t->name; *p && !auto_name(t->name); p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p)) {
			gw__why(why, cap,
				"the name may hold letters, digits, '.', '_' and '-' only");
			return -EINVAL;
		}
	if (!t->rights) {
		gw__why(why, cap, "no rights (publish, play or publish,play)");
		return -EINVAL;
	}
	if (t->rights & ~(unsigned)(GW_RIGHT_PUBLISH | GW_RIGHT_PLAY)) {
		gw__why(why, cap, "unknown rights");
		return -EINVAL;
	}
	n = strnlen(t->rooms, sizeof(t->rooms));
	if (!n || n == sizeof(t->rooms)) {
		gw__why(why, cap,
			"the room pattern must be 1 to %zu characters ('*': every room)",
			sizeof(t->rooms) - 1);
		return -EINVAL;
	}
	for (const char *p = t->rooms; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f) {
			gw__why(why, cap,
				"the room pattern must be printable ASCII without blanks");
			return -EINVAL;
		}
	n = strnlen(t->token, sizeof(t->token));
	if (n == sizeof(t->token) || !b64token(t->token)) {
		gw__why(why, cap,
			"the secret must be 1 to %zu characters of A-Z a-z 0-9 - . _ ~ + / with '=' only at its end (RFC 6750)",
			sizeof(t->token) - 1);
		return -EINVAL;
	}
	if (n < GW__TOKEN_MIN) {
		gw__why(why, cap,
			"the secret is shorter than %d characters (try: openssl rand -base64 24)",
			GW__TOKEN_MIN);
		return -EINVAL;
	}
	return 0;
}

int gw__token_add(struct gw_config *c, const struct gw_token *t, char *why,
		  size_t cap)
{
	if (gw__check_token(t, why, cap))
		return -EINVAL;
	for (unsigned i = 0; i < c->ntokens; i++) {
		if (!strcmp(c->tokens[i].name, t->name)) {
			gw__why(why, cap, "the name '%s' is used twice",
				t->name);
			return -EEXIST;
		}
		if (!strcmp(c->tokens[i].token, t->token)) {
			gw__why(why, cap,
				"token '%s' has the same secret as token '%s'",
				t->name, c->tokens[i].name);
			return -EEXIST;
		}
	}
	if (c->ntokens == GW_MAX_TOKENS) {
		gw__why(why, cap, "more than %d tokens", GW_MAX_TOKENS);
		return -EINVAL;
	}
	c->tokens[c->ntokens++] = *t;
	return 0;
}

/* "publish", "play", "publish,play" (any order): 0 if a word is
 * unknown or the list is empty; "-", "none" and "" are no rights
 * (refused later as such: *none set). */
static unsigned parse_rights(const char *s, int *none)
{
	unsigned r = 0;

	*none = !*s || !strcmp(s, "-") || !strcmp(s, "none");
	if (*none)
		return 0;

	while (*s) {
		size_t n = strcspn(s, ",");

		if (n == 7 && !strncmp(s, "publish", 7))
			r |= GW_RIGHT_PUBLISH;
		else if (n == 4 && !strncmp(s, "play", 4))
			r |= GW_RIGHT_PLAY;
		else
			return 0;
		s += n;
		if (*s == ',' && !*++s)
			return 0;
	}
	return r;
}

/* Next field of *p up to sep (' ': any run of blanks) into f[cap]; 0,
 * or -EINVAL if it does not fit or there is none. */
static int field(const char **p, char sep, char *f, size_t cap)
{
	const char *s = *p;
	size_t n;

	if (sep == ' ')
		while (*s == ' ' || *s == '\t')
			s++;
	else if (!*s)
		return -EINVAL;
	n = sep == ' ' ? strcspn(s, " \t") : strcspn(s, ":");
	if ((sep == ' ' && !n) || n >= cap)
		return -EINVAL;
	memcpy(f, s, n);
	f[n] = '\0';
	s += n;
	if (sep != ' ' && *s == ':')
		s++;
	*p = s;
	return 0;
}

int gw__token_add_line(struct gw_config *c, const char *line, char sep,
		       char *why, size_t cap)
{
	struct gw_token t = {0};
	char rights[64];
	const char *p = line;
	int r, none;

	if (field(&p, sep, t.name, sizeof(t.name)) ||
	    field(&p, sep, rights, sizeof(rights)) ||
	    field(&p, sep, t.rooms, sizeof(t.rooms)) ||
	    field(&p, sep, t.token, sizeof(t.token))) {
		r = -EINVAL;
	} else {
		while (sep == ' ' && (*p == ' ' || *p == '\t'))
			p++;
		r = *p ? -EINVAL : 0;
	}
	if (r) {
		if (sep == ' ')
			gw__why(why, cap,
				"expected 'NAME RIGHTS ROOMS SECRET' (name < 64, rooms < 128, secret < 256 bytes)");
		else
			gw__why(why, cap,
				"expected NAME:RIGHTS:ROOMS:SECRET (name < 64, rooms < 128, secret < 256 bytes)");
		explicit_bzero(&t, sizeof(t));
		return r;
	}
	t.rights = parse_rights(rights, &none);
	if (!t.rights && !none) {
		gw__why(why, cap,
			"rights must be publish, play or publish,play");
		r = -EINVAL;
	} else {
		r = gw__token_add(c, &t, why, cap);
	}
	explicit_bzero(&t, sizeof(t));
	return r;
}

int gw__token_file(struct gw_config *c, const char *path, char *why, size_t cap)
{
	char *buf, *p, msg[256];
	size_t len;
	unsigned line = 0;
	int r = gw__read_file(path, &buf, &len);

	if (r) {
		gw__why(why, cap, "cannot read token file %s: %s", path,
			r == -EINVAL ? "not a regular file" : strerror(-r));
		return r;
	}
	if (memchr(buf, '\0', len)) {
		gw__why(why, cap, "%s: NUL byte in a token file", path);
		r = -EINVAL;
		goto out;
	}
	for (p = buf; *p && !r; line++) {
		char *nl = strchr(p, '\n'), *s = p, *e;

		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : p + strlen(p);
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*s || *s == '#')
			continue;
		r = gw__token_add_line(c, s, ' ', msg, sizeof(msg));
		if (r)
			gw__why(why, cap, "%s:%u: %s", path, line + 1, msg);
	}
out:
	explicit_bzero(buf, len);
	free(buf);
	return r;
}

int gw__env_token(struct gw_config *c, char *err, size_t errcap)
{
	const char *v = getenv(GW__TOKEN_ENV);
	struct gw_token t = {.rights = GW_RIGHT_PUBLISH | GW_RIGHT_PLAY,
			     .rooms = "*",
			     .name = GW__TOKEN_ENV_NAME};
	char msg[256];
	int r;

	if (!v || !*v)
		return 0;
	if (strlen(v) >= sizeof(t.token)) {
		gw__why(err, errcap, "%s: longer than %zu characters",
			GW__TOKEN_ENV, sizeof(t.token) - 1);
		return -EINVAL;
	}
	strcpy(t.token, v);
	r = gw__token_add(c, &t, msg, sizeof(msg));
	explicit_bzero(&t, sizeof(t));
	if (r)
		gw__why(err, errcap, "%s: %s", GW__TOKEN_ENV, msg);
	return r;
}
