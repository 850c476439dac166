/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The keys of linerated's INI file: one table, one setter per kind of
 * value. The file (config.c) and the flags (args.c) both go through
 * gw__set, so a value is checked the same way wherever it comes from.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"
#include "gw_log.h"

void gw__why(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (!why || !cap)
		return;
	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
}

const char *gw__show(const char *v, char *buf, size_t cap)
{
	size_t n = 0, i;

	for (i = 0; v[i] && n + 4 < cap && i < 40; i++)
		buf[n++] = (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '?';
	if (v[i] && n + 4 <= cap) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* Digits only, at most max: 0 or -EINVAL. */
static int parse_uint(const char *v, unsigned long max, unsigned long *out)
{
	unsigned long x = 0;

	if (!*v)
		return -EINVAL;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return -EINVAL;
		x = x * 10 + (unsigned long)(*v - '0');
		if (x > max)
			return -EINVAL;
	}
	*out = x;
	return 0;
}

int gw__check_ip(const char *ip, int *family)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, ip, a) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, a) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int gw__ip_is_unspecified(const char *ip)
{
	return !strcmp(ip, "0.0.0.0") || !strcmp(ip, "::") ||
	       !strcmp(ip, "0:0:0:0:0:0:0:0");
}

int gw_config_parse_hostport(const char *s, struct sockaddr_storage *ss,
			     socklen_t *len)
{
	char host[64];
	const char *colon;
	unsigned long port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return -EINVAL;
		hl = (size_t)(rb - s - 1);
		if (hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, hl);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host))
			return -EINVAL;
		hl = (size_t)(colon - s);
		memcpy(host, s, hl);
	}
	host[hl] = '\0';
	if (parse_uint(colon + 1, 65535, &port) || port == 0)
		return -EINVAL;
	if (s[0] != '[') {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -EINVAL;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -EINVAL;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a);
	}
	return 0;
}

int gw__ip_is_loopback(const char *hostport)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (gw_config_parse_hostport(hostport, &ss, &len))
		return 0;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;

		return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	}
	{
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
		const uint8_t *b = a->sin6_addr.s6_addr;
		static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
						   0, 0, 0, 0, 0xff, 0xff};

		if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr))
			return 1;
		return !memcmp(b, mapped, 12) && b[12] == 127;
	}
}

/* Printable ASCII with no blank, quote or backslash (they go into
 * HTTP headers as they are). */
static int header_safe(const char *s)
{
	for (; *s; s++)
		if (*s <= 0x20 || *s >= 0x7f || *s == '"' || *s == '\\')
			return 0;
	return 1;
}

static int host_ok(const char *h, size_t n)
{
	if (!n)
		return 0;
	if (h[0] == '[') {
		char ip[64];
		unsigned char a[16];

		if (n < 3 || h[n - 1] != ']' || n - 2 >= sizeof(ip))
			return 0;
		memcpy(ip, h + 1, n - 2);
		ip[n - 2] = '\0';
		return inet_pton(AF_INET6, ip, a) == 1;
	}
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '.' && h[i] != '-')
			return 0;
	return 1;
}

/* "host", "host:port", "[v6]", "[v6]:port" of length n. */
static int hostport_ok(const char *s, size_t n)
{
	const char *c = NULL;
	unsigned long port;
	char num[8];

	if (n && s[0] == '[') {
		const char *rb = memchr(s, ']', n);

		if (!rb)
			return 0;
		if ((size_t)(rb - s) + 1 < n) {
			if (rb[1] != ':')
				return 0;
			c = rb + 1;
		}
	} else {
		c = memchr(s, ':', n);
	}
	if (!c)
		return host_ok(s, n);
	if ((size_t)(s + n - c - 1) >= sizeof(num) || s + n == c + 1)
		return 0;
	memcpy(num, c + 1, (size_t)(s + n - c - 1));
	num[s + n - c - 1] = '\0';
	if (parse_uint(num, 65535, &port) || !port)
		return 0;
	return host_ok(s, (size_t)(c - s));
}

int gw__check_origin(const char *o, char *why, size_t cap)
{
	const char *p, *sep;

	if (!strcmp(o, "*"))
		return 0;
	/* RFC 6454 §6.2: scheme "://" host [ ":" port ], as sent */
	sep = strstr(o, "://");
	if (!sep || !islower((unsigned char)o[0]) || strlen(o) >= 128)
		goto bad;
	for (p = o + 1; p < sep; p++)
		if (!islower((unsigned char)*p) &&
		    !isdigit((unsigned char)*p) && !strchr("+.-", *p))
			goto bad;
	for (p = sep + 3; *p; p++)
		if (isupper((unsigned char)*p)) {
			gw__why(why, cap,
				"an origin is compared as browsers send it: write it in lower case");
			return -EINVAL;
		}
	if (!hostport_ok(sep + 3, strlen(sep + 3)))
		goto bad;
	return 0;
bad:
	gw__why(why, cap,
		"not '*' nor an origin like https://example.org[:port]");
	return -EINVAL;
}

int gw__check_ice(const struct gw_ice_server *s, char *why, size_t cap)
{
	static const char *const schemes[] = {
		"stun:", "stuns:", "turn:", "turns:"};
	const char *u = s->url, *rest = NULL, *q;
	int turn = 0;

	for (unsigned i = 0; i < 4 && !rest; i++)
		if (!strncmp(u, schemes[i], strlen(schemes[i]))) {
			rest = u + strlen(schemes[i]);
			turn = i >= 2;
		}
	if (!rest) {
		gw__why(why, cap,
			"the URL must start with stun:, stuns:, turn: or turns:");
		return -EINVAL;
	}
	q = strchr(rest, '?');
	if (!hostport_ok(rest, q ? (size_t)(q - rest) : strlen(rest))) {
		gw__why(why, cap, "bad host or port in the URL");
		return -EINVAL;
	}
	if (q && (!turn || (strcmp(q, "?transport=udp") &&
			    strcmp(q, "?transport=tcp")))) {
		gw__why(why, cap,
			"the only query is ?transport=udp|tcp, on turn: and turns: URLs");
		return -EINVAL;
	}
	if (turn && (!s->username[0] || !s->credential[0])) {
		gw__why(why, cap,
			"a TURN server needs a username and a credential: 'URL USERNAME CREDENTIAL'");
		return -EINVAL;
	}
	if (!turn && (s->username[0] || s->credential[0])) {
		gw__why(why, cap,
			"a STUN server takes no username or credential");
		return -EINVAL;
	}
	if (!header_safe(s->username) || !header_safe(s->credential)) {
		gw__why(why, cap,
			"username and credential: printable ASCII without blanks, quotes or backslashes");
		return -EINVAL;
	}
	return 0;
}

/* Split v on blanks into up to n fields of the given capacities. */
static int split(const char *v, char *f[], const size_t caps[], unsigned n)
{
	unsigned k = 0;

	while (*v) {
		size_t len;

		while (*v == ' ' || *v == '\t')
			v++;
		if (!*v)
			break;
		len = strcspn(v, " \t");
		if (k == n || len >= caps[k])
			return -EINVAL;
		memcpy(f[k], v, len);
		f[k][len] = '\0';
		k++;
		v += len;
	}
	return (int)k;
}

static int set_ice(struct gw_config *c, const struct gw__key *k, const char *v,
		   const char *dir, char *why, size_t cap)
{
	struct gw_ice_server s = {0};
	char *f[3] = {s.url, s.username, s.credential};
	static const size_t caps[3] = {sizeof(s.url), sizeof(s.username),
				       sizeof(s.credential)};
	int n = split(v, f, caps, 3);

	(void)k, (void)dir;
	if (n != 1 && n != 3) {
		gw__why(why, cap,
			"expected 'URL' or 'URL USERNAME CREDENTIAL' (URL < 256, others < 128 bytes)");
		return -EINVAL;
	}
	if (gw__check_ice(&s, why, cap))
		return -EINVAL;
	if (c->nice == GW_MAX_ICE_SERVERS) {
		gw__why(why, cap, "more than %d ICE servers",
			GW_MAX_ICE_SERVERS);
		return -EINVAL;
	}
	c->ice[c->nice++] = s;
	return 0;
}

static int set_listen(struct gw_config *c, const struct gw__key *k,
		      const char *v, const char *dir, char *why, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char b[64];

	(void)k, (void)dir;
	if (strlen(v) >= sizeof(c->http_listen) ||
	    gw_config_parse_hostport(v, &ss, &len)) {
		gw__why(why, cap,
			"'%s' is not IP:PORT or [IPv6]:PORT (port 1-65535)",
			gw__show(v, b, sizeof(b)));
		return -EINVAL;
	}
	strcpy(c->http_listen, v);
	return 0;
}

static int set_origin(struct gw_config *c, const struct gw__key *k,
		      const char *v, const char *dir, char *why, size_t cap)
{
	(void)k, (void)dir;
	if (gw__check_origin(v, why, cap))
		return -EINVAL;
	if (c->norigins == GW_MAX_ORIGINS) {
		gw__why(why, cap, "more than %d origins", GW_MAX_ORIGINS);
		return -EINVAL;
	}
	strcpy(c->origins[c->norigins++], v);
	return 0;
}

/* media ip, public_ip ("" allowed), dpdk gateway4/6 ("" allowed). */
static int set_ip(struct gw_config *c, const struct gw__key *k, const char *v,
		  const char *dir, char *why, size_t cap)
{
	char *field = (char *)c + k->off, b[64];
	int fam = 0;

	(void)dir;
	if (!*v && k->min) { /* min: "" allowed */
		field[0] = '\0';
		return 0;
	}
	if (strlen(v) >= 64 || gw__check_ip(v, &fam) ||
	    (k->max && fam != (int)k->max)) {
		gw__why(why, cap, "'%s' is not an %s address",
			gw__show(v, b, sizeof(b)),
			k->max == AF_INET    ? "IPv4"
			: k->max == AF_INET6 ? "IPv6"
					     : "IP");
		return -EINVAL;
	}
	strcpy(field, v);
	return 0;
}

static int set_ports(struct gw_config *c, const struct gw__key *k,
		     const char *v, const char *dir, char *why, size_t cap)
{
	const char *dash = strchr(v, '-');
	char lo[8] = "", b[64];
	unsigned long a, z;

	(void)k, (void)dir;
	if (dash && (size_t)(dash - v) < sizeof(lo)) {
		memcpy(lo, v, (size_t)(dash - v));
		lo[dash - v] = '\0';
	}
	if (dash ? (parse_uint(lo, 65535, &a) ||
		    parse_uint(dash + 1, 65535, &z))
		 : parse_uint(v, 65535, &a)) {
		gw__why(why, cap, "'%s' is not PORT or FIRST-LAST (0-65535)",
			gw__show(v, b, sizeof(b)));
		return -EINVAL;
	}
	if (!dash)
		z = a;
	if ((a == 0) != (z == 0)) {
		gw__why(why, cap,
			"port 0 (one ephemeral port) cannot be part of a range");
		return -EINVAL;
	}
	if (a > z) {
		gw__why(why, cap, "range reversed (%lu-%lu)", a, z);
		return -EINVAL;
	}
	if (z - a + 1 > GW_MAX_PORTS) {
		gw__why(why, cap, "range of %lu ports: at most %d", z - a + 1,
			GW_MAX_PORTS);
		return -EINVAL;
	}
	c->port_min = (uint16_t)a;
	c->port_max = (uint16_t)z;
	return 0;
}

static int set_backend(struct gw_config *c, const struct gw__key *k,
		       const char *v, const char *dir, char *why, size_t cap)
{
	static const char *const names[] = {"auto", "sock", "uring", "dpdk"};
	char b[64];

	(void)k, (void)dir;
	for (unsigned i = 0; i < 4; i++)
		if (!strcmp(v, names[i])) {
			c->backend = (enum gw_backend_choice)i;
			return 0;
		}
	gw__why(why, cap, "unknown backend '%s' (auto, sock, uring or dpdk)",
		gw__show(v, b, sizeof(b)));
	return -EINVAL;
}

/* unsigned (k->min..k->max); the u16/u8 fields have their own. */
static int get_num(const struct gw__key *k, const char *v, unsigned long *x,
		   char *why, size_t cap)
{
	char b[64];

	if (!*v || strspn(v, "0123456789") != strlen(v)) {
		gw__why(why, cap, "'%s' is not a number",
			gw__show(v, b, sizeof(b)));
		return -EINVAL;
	}
	if (parse_uint(v, k->max, x) || *x < k->min) {
		gw__why(why, cap, "%s out of range (%u-%u)",
			gw__show(v, b, sizeof(b)), k->min, k->max);
		return -EINVAL;
	}
	return 0;
}

static int set_uint(struct gw_config *c, const struct gw__key *k, const char *v,
		    const char *dir, char *why, size_t cap)
{
	unsigned long x;

	(void)dir;
	if (get_num(k, v, &x, why, cap))
		return -EINVAL;
	*(unsigned *)((char *)c + k->off) = (unsigned)x;
	return 0;
}

static int set_u16(struct gw_config *c, const struct gw__key *k, const char *v,
		   const char *dir, char *why, size_t cap)
{
	unsigned long x;

	(void)dir;
	if (get_num(k, v, &x, why, cap))
		return -EINVAL;
	*(uint16_t *)((char *)c + k->off) = (uint16_t)x;
	return 0;
}

static int set_u8(struct gw_config *c, const struct gw__key *k, const char *v,
		  const char *dir, char *why, size_t cap)
{
	unsigned long x;

	(void)dir;
	if (get_num(k, v, &x, why, cap))
		return -EINVAL;
	*(uint8_t *)((char *)c + k->off) = (uint8_t)x;
	return 0;
}

static int set_bool(struct gw_config *c, const struct gw__key *k, const char *v,
		    const char *dir, char *why, size_t cap)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	int *field = (int *)((char *)c + k->off);
	char b[64];

	(void)dir;
	for (unsigned i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i])) {
			*field = 1;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*field = 0;
			return 0;
		}
	}
	gw__why(why, cap,
		"'%s' is not a boolean (true/false, yes/no, on/off, 1/0)",
		gw__show(v, b, sizeof(b)));
	return -EINVAL;
}

static int set_level(struct gw_config *c, const struct gw__key *k,
		     const char *v, const char *dir, char *why, size_t cap)
{
	int l = gw_log_level_parse(v);
	char b[64];

	(void)k, (void)dir;
	if (l < 0) {
		gw__why(why, cap,
			"unknown level '%s' (debug, info, warn or error)",
			gw__show(v, b, sizeof(b)));
		return -EINVAL;
	}
	c->log_level = l;
	return 0;
}

/* [dpdk] eal_args: each line adds its words (lines are short). */
static int set_eal(struct gw_config *c, const struct gw__key *k, const char *v,
		   const char *dir, char *why, size_t cap)
{
	size_t have = strlen(c->dpdk_eal), add = strlen(v);

	(void)k, (void)dir;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			gw__why(why, cap, "control character in EAL arguments");
			return -EINVAL;
		}
	if (have + (have && add) + add >= sizeof(c->dpdk_eal)) {
		gw__why(why, cap, "EAL arguments longer than %zu bytes in all",
			sizeof(c->dpdk_eal) - 1);
		return -EINVAL;
	}
	if (have && add)
		c->dpdk_eal[have++] = ' ';
	memcpy(c->dpdk_eal + have, v, add + 1);
	return 0;
}

static int set_token(struct gw_config *c, const struct gw__key *k,
		     const char *v, const char *dir, char *why, size_t cap)
{
	(void)k, (void)dir;
	return gw__token_add_line(c, v, ' ', why, cap);
}

static int set_token_file(struct gw_config *c, const struct gw__key *k,
			  const char *v, const char *dir, char *why, size_t cap)
{
	char path[1024];

	(void)k;
	if (!*v) {
		gw__why(why, cap, "empty path");
		return -EINVAL;
	}
	if (v[0] != '/' && dir && *dir)
		snprintf(path, sizeof(path), "%s/%s", dir, v);
	else
		snprintf(path, sizeof(path), "%s", v);
	return gw__token_file(c, path, why, cap);
}

#define OFF(f) offsetof(struct gw_config, f)
#define LIM(f) (OFF(limits) + offsetof(struct gw_limits, f))

const struct gw__key gw__keys[] = {
	{"http", "listen", set_listen, 0, 0, 0, 0},
	{"http", "cors_origin", set_origin, 0, 0, 0, 1},
	{"media", "ip", set_ip, OFF(media_ip), 0, 0, 0},
	{"media", "ports", set_ports, 0, 0, 0, 0},
	{"media", "public_ip", set_ip, OFF(public_ip), 1, 0, 0},
	{"media", "backend", set_backend, 0, 0, 0, 0},
	{"media", "workers", set_uint, OFF(workers), 1, 64, 0},
	{"dpdk", "eal_args", set_eal, 0, 0, 0, 1},
	{"dpdk", "port", set_u16, OFF(dpdk_port), 0, 65535, 0},
	{"dpdk", "gateway4", set_ip, OFF(dpdk_gw4), 1, AF_INET, 0},
	{"dpdk", "gateway6", set_ip, OFF(dpdk_gw6), 1, AF_INET6, 0},
	{"dpdk", "prefix4", set_u8, OFF(dpdk_prefix4), 0, 32, 0},
	{"dpdk", "prefix6", set_u8, OFF(dpdk_prefix6), 0, 128, 0},
	{"ice", "server", set_ice, 0, 0, 0, 1},
	{"ice", "lite", set_bool, OFF(ice_lite), 0, 0, 0},
	{"auth", "token", set_token, 0, 0, 0, 1},
	{"auth", "token_file", set_token_file, 0, 0, 0, 1},
	{"limits", "max_sessions", set_uint, LIM(max_sessions), 1, 1000000, 0},
	/* two routes a viewer, LR_DP_MAX_ROUTES (256) a publisher */
	{"limits", "max_viewers", set_uint, LIM(max_viewers), 1, 128, 0},
	{"limits", "max_rooms", set_uint, LIM(max_rooms), 1, 1000000, 0},
	{"limits", "body_max", set_uint, LIM(body_max), 1024, GW_BODY_MAX, 0},
	{"limits", "new_sessions_per_sec", set_uint, LIM(new_per_sec), 0,
	 100000, 0},
	{"limits", "new_sessions_burst", set_uint, LIM(new_burst), 1, 100000,
	 0},
	{"limits", "retry_after", set_uint, LIM(retry_after_s), 1, 3600, 0},
	{"limits", "drain", set_uint, LIM(drain_s), 0, 3600, 0},
	{"limits", "connect_timeout", set_uint, LIM(connect_timeout_s), 1, 3600,
	 0},
	{"log", "json", set_bool, OFF(log_json), 0, 0, 0},
	{"log", "level", set_level, 0, 0, 0, 0},
	{NULL, NULL, NULL, 0, 0, 0, 0},
};

int gw__check_numbers(const struct gw_config *c, char *why, size_t cap)
{
	for (const struct gw__key *k = gw__keys; k->section; k++) {
		const char *f = (const char *)c + k->off;
		unsigned long x;

		if (k->set == set_uint)
			x = *(const unsigned *)f;
		else if (k->set == set_u16)
			x = *(const uint16_t *)f;
		else if (k->set == set_u8)
			x = *(const uint8_t *)f;
		else
			continue;
		if (x < k->min || x > k->max) {
			gw__why(why, cap, "%s.%s: %lu out of range (%u-%u)",
				k->section, k->key, x, k->min, k->max);
			return -EINVAL;
		}
	}
	return 0;
}

int gw__section_known(const char *name)
{
	for (const struct gw__key *k = gw__keys; k->section; k++)
		if (!strcmp(k->section, name))
			return 1;
	return 0;
}

const struct gw__key *gw__key_find(const char *section, const char *key)
{
	for (const struct gw__key *k = gw__keys; k->section; k++)
		if (!strcmp(k->section, section) && !strcmp(k->key, key))
			return k;
	return NULL;
}

int gw__set(struct gw_config *c, const char *section, const char *key,
	    const char *value, const char *dir, char *why, size_t cap)
{
	const struct gw__key *k = gw__key_find(section, key);

	if (!k) {
		gw__why(why, cap, "unknown key");
		return -ENOENT;
	}
	return k->set(c, k, value, dir, why, cap);
}
