/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linerated's configuration file (INI, read by inih), its checks, and
 * SIGHUP's reload. Every value goes through gw__set (config_keys.c).
 *
 * inih is given the file one line at a time by our reader, which also
 * refuses what inih would take silently: a line longer than its buffer
 * (inih would split it in two), a NUL byte, an unknown section with no
 * keys, a line that is neither a section, a comment nor "key = value";
 * leading blanks are dropped so that inih never joins a line to the
 * previous value (its multi-line values).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config_int.h"
#include "gw_log.h"

#define NKEYS_MAX 64

void gw_config_defaults(struct gw_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->http_listen, "127.0.0.1:8080");
	strcpy(c->media_ip, "127.0.0.1");
	c->backend = GW_BACKEND_AUTO;
	c->workers = 1;
	c->limits = (struct gw_limits){
		.max_sessions = 1000,
		.max_viewers = 100,
		.max_rooms = 1000,
		.body_max = GW_BODY_MAX,
		.new_per_sec = 5,
		.new_burst = 10,
		.retry_after_s = 5,
		.drain_s = 10,
		.connect_timeout_s = 30,
	};
	c->log_level = GW_LOG_INFO;
}

struct ini_ctx {
	struct gw_config *c;
	const char *name;
	char dir[512];
	const char *p, *end;
	unsigned line;
	int in_section;
	int rc;
	char *err;
	size_t errcap;
	unsigned seen[NKEYS_MAX]; /* line a single-valued key was set on */
};

static void fail(struct ini_ctx *x, int rc, const char *what)
{
	if (x->rc)
		return;
	x->rc = rc;
	gw__why(x->err, x->errcap, "%s:%u: %s", x->name, x->line, what);
}

/* A section line: known name, nothing but a comment after ']'. */
static int section_line(struct ini_ctx *x, const char *s, size_t n)
{
	const char *rb = memchr(s, ']', n);
	char name[32], msg[96], b[64];
	const char *t;

	if (!rb) {
		fail(x, -EINVAL, "expected ']' after the section name");
		return -1;
	}
	for (t = rb + 1; t < s + n && (*t == ' ' || *t == '\t'); t++)
		;
	if (t < s + n && *t != ';' && *t != '#') {
		fail(x, -EINVAL, "text after the section name");
		return -1;
	}
	n = (size_t)(rb - s - 1);
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, s + 1, n);
	name[n] = '\0';
	if (!gw__section_known(name)) {
		gw__why(msg, sizeof(msg), "unknown section [%s]",
			gw__show(name, b, sizeof(b)));
		fail(x, -EINVAL, msg);
		return -1;
	}
	x->in_section = 1;
	return 0;
}

static int inline_comment(const char *s, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (s[i] == ';' && isspace((unsigned char)s[i - 1]))
			return 1;
	return 0;
}

static char *ini_read(char *str, int num, void *stream)
{
	struct ini_ctx *x = stream;
	const char *l = x->p, *nl, *eq;
	size_t n, max = (size_t)num > GW__LINE_MAX + 3 ? GW__LINE_MAX
						       : (size_t)num - 3;
	char msg[64];

	if (x->rc || x->p >= x->end)
		return NULL;
	x->line++;
	nl = memchr(l, '\n', (size_t)(x->end - l));
	n = nl ? (size_t)(nl - l) : (size_t)(x->end - l);
	x->p = nl ? nl + 1 : x->end;
	if (memchr(l, '\0', n)) {
		fail(x, -EINVAL, "NUL byte");
		return NULL;
	}
	while (n && (*l == ' ' || *l == '\t')) {
		l++;
		n--;
	}
	while (n && isspace((unsigned char)l[n - 1]))
		n--;
	if (n > max) {
		gw__why(msg, sizeof(msg), "line longer than %zu characters",
			max);
		fail(x, -EINVAL, msg);
		return NULL;
	}
	if (!n || *l == ';' || *l == '#') {
		str[0] = '\0';
		return str;
	}
	if (*l == '[') {
		if (section_line(x, l, n))
			return NULL;
	} else {
		/* as inih reads it: the key ends at the first '=', ':' or
		 * inline comment (a ';' after a blank) */
		eq = memchr(l, '=', n);
		if (!eq || eq == l || memchr(l, ':', (size_t)(eq - l)) ||
		    inline_comment(l, (size_t)(eq - l))) {
			fail(x, -EINVAL,
			     "expected 'key = value', a [section] or a comment");
			return NULL;
		}
		if (!x->in_section) {
			fail(x, -EINVAL, "key outside any [section]");
			return NULL;
		}
	}
	memcpy(str, l, n);
	str[n] = '\0';
	return str;
}

static int ini_handle(void *user, const char *section, const char *name,
		      const char *value)
{
	struct ini_ctx *x = user;
	const struct gw__key *k;
	char why[256], msg[400], b[64];
	unsigned i;
	int r;

	if (x->rc)
		return 0;
	k = gw__key_find(section, name);
	if (!k) {
		gw__why(msg, sizeof(msg), "unknown key '%s' in [%s]",
			gw__show(name, b, sizeof(b)), section);
		fail(x, -EINVAL, msg);
		return 0;
	}
	i = (unsigned)(k - gw__keys);
	if (i >= NKEYS_MAX) {
		fail(x, -EINVAL, "internal: key table larger than NKEYS_MAX");
		return 0;
	}
	if (!k->repeatable && x->seen[i]) {
		gw__why(msg, sizeof(msg), "[%s] %s: already set on line %u",
			section, name, x->seen[i]);
		fail(x, -EINVAL, msg);
		return 0;
	}
	x->seen[i] = x->line;
	why[0] = '\0';
	r = k->set(x->c, k, value, x->dir, why, sizeof(why));
	if (r) {
		gw__why(msg, sizeof(msg), "[%s] %s: %s", section, name, why);
		fail(x, r, msg);
		return 0;
	}
	return 1;
}

int gw_config_load_buffer(struct gw_config *c, const char *name,
			  const char *text, size_t len, char *err,
			  size_t errcap)
{
	struct ini_ctx *x = calloc(1, sizeof(*x));
	struct gw_config *n = malloc(sizeof(*n));
	const char *slash = strrchr(name, '/');
	int r;

	if (!x || !n) {
		free(x);
		free(n);
		gw__why(err, errcap, "%s: out of memory", name);
		return -ENOMEM;
	}
	*n = *c;
	x->c = n;
	x->name = name;
	x->err = err;
	x->errcap = errcap;
	if (slash && (size_t)(slash - name) < sizeof(x->dir)) {
		size_t dl = slash == name ? 1 : (size_t)(slash - name);

		memcpy(x->dir, name, dl);
		x->dir[dl] = '\0';
	}
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) { /* UTF-8 BOM */
		text += 3;
		len -= 3;
	}
	x->p = text;
	x->end = text + len;
	r = ini_parse_stream(ini_read, x, ini_handle, x);
	if (!x->rc && r) {
		x->line = r > 0 ? (unsigned)r : x->line;
		fail(x, r > 0 ? -EINVAL : -ENOMEM,
		     r > 0 ? "syntax error" : "out of memory");
	}
	r = x->rc;
	if (!r)
		*c = *n;
	explicit_bzero(n, sizeof(*n));
	free(n);
	free(x);
	return r;
}

int gw_config_load(struct gw_config *c, const char *path, char *err,
		   size_t errcap)
{
	char *buf;
	size_t len;
	int r;

	if (strlen(path) >= sizeof(c->path)) {
		gw__why(err, errcap, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	r = gw__read_file(path, &buf, &len);
	if (r) {
		gw__why(err, errcap, "%s: %s", path,
			r == -EINVAL ? "not a regular file" : strerror(-r));
		return r;
	}
	r = gw_config_load_buffer(c, path, buf, len, err, errcap);
	explicit_bzero(buf, len);
	free(buf);
	if (!r)
		strcpy(c->path, path);
	return r;
}

static int check_media(const struct gw_config *c, char *err, size_t errcap)
{
	int fam, pfam;
	unsigned nports = (unsigned)c->port_max - c->port_min + 1;

	if (gw__check_ip(c->media_ip, &fam)) {
		gw__why(err, errcap, "media.ip: not an IP address");
		return -EINVAL;
	}
	if (c->public_ip[0] &&
	    (gw__check_ip(c->public_ip, &pfam) || pfam != fam ||
	     gw__ip_is_unspecified(c->public_ip))) {
		gw__why(err, errcap,
			"media.public_ip: not an address of media.ip's family that peers can reach");
		return -EINVAL;
	}
	if (!c->public_ip[0] && gw__ip_is_unspecified(c->media_ip)) {
		gw__why(err, errcap,
			"media.ip %s cannot be advertised to peers: set media.public_ip",
			c->media_ip);
		return -EINVAL;
	}
	if (c->port_min > c->port_max || (!c->port_min != !c->port_max) ||
	    nports > GW_MAX_PORTS) {
		gw__why(err, errcap,
			"media.ports: %u-%u is not 0 or a range of 1 to %d ports",
			c->port_min, c->port_max, GW_MAX_PORTS);
		return -EINVAL;
	}
	if ((unsigned)c->backend > GW_BACKEND_DPDK) {
		gw__why(err, errcap, "media.backend: unknown");
		return -EINVAL;
	}
	if (c->backend == GW_BACKEND_DPDK && !c->port_min) {
		gw__why(err, errcap,
			"media.ports: the dpdk backend has no ephemeral port: give a port or a range");
		return -EINVAL;
	}
	if ((c->dpdk_gw4[0] &&
	     (gw__check_ip(c->dpdk_gw4, &fam) || fam != AF_INET)) ||
	    (c->dpdk_gw6[0] &&
	     (gw__check_ip(c->dpdk_gw6, &fam) || fam != AF_INET6))) {
		gw__why(err, errcap,
			"dpdk.gateway4/gateway6: not an address of its family");
		return -EINVAL;
	}
	if ((c->dpdk_gw4[0] && !c->dpdk_prefix4) ||
	    (c->dpdk_gw6[0] && !c->dpdk_prefix6)) {
		gw__why(err, errcap,
			"dpdk.gateway4/gateway6: a gateway needs its family's prefix (prefix4/prefix6)");
		return -EINVAL;
	}
	return 0;
}

static int check_numbers(const struct gw_config *c, char *err, size_t errcap)
{
	if (gw__check_numbers(c, err, errcap))
		return -EINVAL;
	if (c->log_level < GW_LOG_DEBUG || c->log_level > GW_LOG_ERROR ||
	    (c->log_json != 0 && c->log_json != 1)) {
		gw__why(err, errcap, "log.level or log.json: out of range");
		return -EINVAL;
	}
	return 0;
}

static int check_lists(struct gw_config *c, char *err, size_t errcap)
{
	char why[256];

	if (c->norigins > GW_MAX_ORIGINS || c->nice > GW_MAX_ICE_SERVERS ||
	    c->ntokens > GW_MAX_TOKENS) {
		gw__why(err, errcap, "too many origins, ICE servers or tokens");
		return -EINVAL;
	}
	for (unsigned i = 0; i < c->norigins; i++)
		if (gw__check_origin(c->origins[i], why, sizeof(why))) {
			gw__why(err, errcap, "http.cors_origin: %s", why);
			return -EINVAL;
		}
	for (unsigned i = 0; i < c->nice; i++)
		if (gw__check_ice(&c->ice[i], why, sizeof(why))) {
			gw__why(err, errcap, "ice.server %u: %s", i + 1, why);
			return -EINVAL;
		}
	for (unsigned i = 0; i < c->ntokens; i++) {
		struct gw_token *t = &c->tokens[i];

		if (!t->name[0])
			snprintf(t->name, sizeof(t->name), "token #%u", i + 1);
		if (gw__check_token(t, why, sizeof(why)))
			goto bad;
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(t->name, c->tokens[j].name) ||
			    !strcmp(t->token, c->tokens[j].token)) {
				gw__why(why, sizeof(why),
					"tokens '%s' and '%s' have the same name or secret",
					c->tokens[j].name, t->name);
				goto bad;
			}
	}
	return 0;
bad:
	gw__why(err, errcap, "auth: %s", why);
	return -EINVAL;
}

int gw_config_validate(struct gw_config *c, char *err, size_t errcap,
		       char *warn, size_t warncap)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char port[8];
	int r;

	if (warn && warncap)
		warn[0] = '\0';
	if (gw_config_parse_hostport(c->http_listen, &ss, &len)) {
		gw__why(err, errcap, "http.listen: not IP:PORT or [IPv6]:PORT");
		return -EINVAL;
	}
	r = check_media(c, err, errcap);
	if (!r)
		r = check_numbers(c, err, errcap);
	if (!r)
		r = check_lists(c, err, errcap);
	if (r)
		return r;
	if (c->ntokens || gw__ip_is_loopback(c->http_listen))
		return 0;
	/* No token: nobody but this machine may use it. */
	snprintf(port, sizeof(port), "%s", strrchr(c->http_listen, ':') + 1);
	snprintf(c->http_listen, sizeof(c->http_listen), "%s:%s",
		 ss.ss_family == AF_INET ? "127.0.0.1" : "[::1]", port);
	gw__why(warn, warncap,
		"no bearer token configured: listening on %s only; configure [auth] tokens to serve other addresses",
		c->http_listen);
	return 0;
}

/* What a reload read but cannot apply: the names of the other keys
 * that differ. */
static void restart_note(const struct gw_config *o, const struct gw_config *n,
			 char *note, size_t cap)
{
	char buf[512] = "";
	int ice = o->nice != n->nice || o->ice_lite != n->ice_lite,
	    orig = o->norigins != n->norigins;

	for (unsigned i = 0; !ice && i < n->nice; i++)
		ice = strcmp(o->ice[i].url, n->ice[i].url) ||
		      strcmp(o->ice[i].username, n->ice[i].username) ||
		      strcmp(o->ice[i].credential, n->ice[i].credential);
	for (unsigned i = 0; !orig && i < n->norigins; i++)
		orig = strcmp(o->origins[i], n->origins[i]);
	const struct {
		int diff;
		const char *name;
	} d[] = {
		{strcmp(o->http_listen, n->http_listen), "http.listen"},
		{orig, "http.cors_origin"},
		{strcmp(o->media_ip, n->media_ip), "media.ip"},
		{o->port_min != n->port_min || o->port_max != n->port_max,
		 "media.ports"},
		{strcmp(o->public_ip, n->public_ip), "media.public_ip"},
		{o->backend != n->backend, "media.backend"},
		{o->workers != n->workers, "media.workers"},
		{strcmp(o->dpdk_eal, n->dpdk_eal) ||
			 o->dpdk_port != n->dpdk_port ||
			 strcmp(o->dpdk_gw4, n->dpdk_gw4) ||
			 strcmp(o->dpdk_gw6, n->dpdk_gw6) ||
			 o->dpdk_prefix4 != n->dpdk_prefix4 ||
			 o->dpdk_prefix6 != n->dpdk_prefix6,
		 "[dpdk]"},
		{ice, "[ice]"},
		{o->log_json != n->log_json || o->log_level != n->log_level,
		 "[log]"},
	};

	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (d[i].diff) {
			size_t l = strlen(buf);

			snprintf(buf + l, sizeof(buf) - l, "%s%s",
				 l ? ", " : "", d[i].name);
		}
	if (buf[0])
		gw__why(note, cap, "changed but applied only by a restart: %s",
			buf);
	else if (note && cap)
		note[0] = '\0';
}

int gw_config_reload(struct gw_config *c, char *err, size_t errcap, char *note,
		     size_t notecap)
{
	struct gw_config *n = malloc(sizeof(*n));
	int r = 0;

	if (note && notecap)
		note[0] = '\0';
	if (!n) {
		gw__why(err, errcap, "reload: out of memory");
		return -ENOMEM;
	}
	gw_config_defaults(n);
	if (c->path[0])
		r = gw_config_load(n, c->path, err, errcap);
	if (!r && c->argv)
		r = gw__args_apply(n, c->argc, c->argv, err, errcap);
	if (!r)
		r = gw__env_token(n, err, errcap);
	if (!r)
		r = gw_config_validate(n, err, errcap, NULL, 0);
	if (!r && !n->ntokens && !gw__ip_is_loopback(c->http_listen)) {
		gw__why(err, errcap,
			"reload refused: no bearer token left while listening on %s (restart to fall back to loopback)",
			c->http_listen);
		r = -EINVAL;
	}
	if (!r) {
		restart_note(c, n, note, notecap);
		memcpy(c->tokens, n->tokens, sizeof(c->tokens));
		c->ntokens = n->ntokens;
		c->limits = n->limits;
	}
	explicit_bzero(n, sizeof(*n));
	free(n);
	return r;
}
