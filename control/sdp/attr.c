// SPDX-License-Identifier: BSD-2-Clause
/* Grammars of the SDP attributes WebRTC relies on, and typed parsers. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sdp_internal.h"

void lr__sdp_spaces(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

int lr__sdp_uint(const char **p, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = *p;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -EINVAL;
		s++;
	}
	*p = s;
	*out = v;
	return 0;
}

/* A run of non-space characters, copied (NUL-terminated) if it fits. */
int lr__sdp_token(const char **p, char *out, size_t cap)
{
	const char *s = *p;
	size_t n = 0;

	while (s[n] && s[n] != ' ')
		n++;
	if (!n || n >= cap)
		return -EINVAL;
	if (out) {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	*p = s + n;
	return 0;
}

static int ice_chars(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '+' && s[n] != '/')
			return 0;
	return n >= min && n <= max;
}

/* One space-separated field: scan it, then require a space or the end. */
static int field(const char **p, char *out, size_t cap)
{
	lr__sdp_spaces(p);
	return lr__sdp_token(p, out, cap);
}

static int ufield(const char **p, uint64_t max, uint64_t *out)
{
	lr__sdp_spaces(p);
	if (lr__sdp_uint(p, max, out) || (**p && **p != ' '))
		return -EINVAL;
	return 0;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static int address_ok(const char *a)
{
	/* IPv4, IPv6 or a host name (mDNS .local): the characters of those */
	for (; *a; a++)
		if (!isalnum((unsigned char)*a) && !strchr(".:-_%", *a))
			return 0;
	return 1;
}

int lr_sdp_parse_candidate(const char *value, struct lr_sdp_candidate *c)
{
	const char *p = value;
	uint64_t v;
	char word[16];

	memset(c, 0, sizeof(*c));
	if (field(&p, c->foundation, sizeof(c->foundation)) ||
	    !ice_chars(c->foundation, 1, 32) || ufield(&p, 256, &v) || !v)
		return -EINVAL;
	c->component = (uint16_t)v;
	if (field(&p, c->transport, sizeof(c->transport)))
		return -EINVAL;
	lower(c->transport);
	if (ufield(&p, 0xffffffffu, &v))
		return -EINVAL;
	c->priority = (uint32_t)v;
	if (field(&p, c->address, sizeof(c->address)) ||
	    !address_ok(c->address) || ufield(&p, 65535, &v))
		return -EINVAL;
	c->port = (uint16_t)v;
	if (field(&p, word, sizeof(word)) || strcmp(word, "typ") ||
	    field(&p, c->type, sizeof(c->type)))
		return -EINVAL;
	if (strcmp(c->type, "host") && strcmp(c->type, "srflx") &&
	    strcmp(c->type, "prflx") && strcmp(c->type, "relay"))
		return -EINVAL;
	for (;;) {
		const char *save = p;

		lr__sdp_spaces(&p);
		if (!*p)
			break;
		if (field(&p, word, sizeof(word))) {
			/* a long extension name: the rest stays text */
			c->ext = save;
			break;
		}
		if (!strcmp(word, "raddr")) {
			if (field(&p, c->raddr, sizeof(c->raddr)) ||
			    !address_ok(c->raddr))
				return -EINVAL;
		} else if (!strcmp(word, "rport")) {
			if (ufield(&p, 65535, &v))
				return -EINVAL;
			c->rport = (uint16_t)v;
		} else if (!strcmp(word, "tcptype")) {
			if (field(&p, c->tcptype, sizeof(c->tcptype)) ||
			    (strcmp(c->tcptype, "active") &&
			     strcmp(c->tcptype, "passive") &&
			     strcmp(c->tcptype, "so")))
				return -EINVAL;
		} else {
			/* extension-att-name extension-att-value */
			c->ext = c->ext ? c->ext : save;
			if (field(&p, NULL, 4096))
				return -EINVAL;
			c->next++;
		}
	}
	return 0;
}

int lr_sdp_parse_fingerprint(const char *value, struct lr_sdp_fingerprint *f)
{
	static const struct {
		const char *name;
		unsigned len;
	} hashes[] = {{"sha-1", 20},
		      {"sha-224", 28},
		      {"sha-256", 32},
		      {"sha-384", 48},
		      {"sha-512", 64}};
	const char *p = value;
	unsigned want = 0;

	memset(f, 0, sizeof(*f));
	if (field(&p, f->hash, sizeof(f->hash)))
		return -EINVAL;
	lower(f->hash);
	for (unsigned i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
		if (!strcmp(f->hash, hashes[i].name))
			want = hashes[i].len;
	if (!want || *p != ' ')
		return -EINVAL;
	lr__sdp_spaces(&p);
	while (f->len < want) {
		int hi, lo;

		if (!isxdigit((unsigned char)p[0]) ||
		    !isxdigit((unsigned char)p[1]))
			return -EINVAL;
		hi = isdigit((unsigned char)p[0]) ? p[0] - '0'
						  : (tolower(p[0]) - 'a' + 10);
		lo = isdigit((unsigned char)p[1]) ? p[1] - '0'
						  : (tolower(p[1]) - 'a' + 10);
		f->digest[f->len++] = (uint8_t)(hi << 4 | lo);
		p += 2;
		if (f->len < want && *p++ != ':')
			return -EINVAL;
	}
	return *p ? -EINVAL : 0;
}

int lr_sdp_parse_rtpmap(const char *value, struct lr_sdp_rtpmap *r)
{
	const char *p = value;
	uint64_t v;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	if (lr__sdp_uint(&p, 127, &v) || *p != ' ')
		return -EINVAL;
	r->pt = (unsigned)v;
	lr__sdp_spaces(&p);
	while (p[n] && p[n] != '/' && p[n] != ' ')
		n++;
	if (!n || n >= sizeof(r->encoding) || p[n] != '/')
		return -EINVAL;
	memcpy(r->encoding, p, n);
	p += n + 1;
	if (lr__sdp_uint(&p, 0xffffffffu, &v) || !v)
		return -EINVAL;
	r->clock = (uint32_t)v;
	if (*p == '/') {
		p++;
		if (lr__sdp_uint(&p, 255, &v) || !v)
			return -EINVAL;
		r->channels = (unsigned)v;
	}
	return *p ? -EINVAL : 0;
}

int lr_sdp_parse_extmap(const char *value, struct lr_sdp_extmap *e)
{
	const char *p = value;
	uint64_t v;

	memset(e, 0, sizeof(*e));
	if (lr__sdp_uint(&p, 4095, &v) || !v)
		return -EINVAL;
	e->id = (unsigned)v;
	if (*p == '/') {
		p++;
		if (lr__sdp_token(&p, e->direction, sizeof(e->direction)))
			return -EINVAL;
		if (strcmp(e->direction, "sendrecv") &&
		    strcmp(e->direction, "sendonly") &&
		    strcmp(e->direction, "recvonly") &&
		    strcmp(e->direction, "inactive"))
			return -EINVAL;
	}
	if (*p != ' ' || field(&p, e->uri, sizeof(e->uri)))
		return -EINVAL;
	return 0; /* extension attributes may follow */
}

/* Attribute grammars checked at parse time. */
static int check_value(const char *name, const char *v, const char **why)
{
	const char *p = v;
	uint64_t n;
	char tok[80];

	if (!strcmp(name, "candidate")) {
		struct lr_sdp_candidate c;

		*why = "bad candidate (RFC 8839 §5.1)";
		return lr_sdp_parse_candidate(v, &c);
	}
	if (!strcmp(name, "fingerprint")) {
		struct lr_sdp_fingerprint f;

		*why = "bad fingerprint (RFC 8122 §5)";
		return lr_sdp_parse_fingerprint(v, &f);
	}
	if (!strcmp(name, "rtpmap")) {
		struct lr_sdp_rtpmap r;

		*why = "bad rtpmap";
		return lr_sdp_parse_rtpmap(v, &r);
	}
	if (!strcmp(name, "extmap")) {
		struct lr_sdp_extmap e;

		*why = "bad extmap (RFC 8285)";
		return lr_sdp_parse_extmap(v, &e);
	}
	if (!strcmp(name, "setup")) {
		*why = "setup is not actpass, active, passive or holdconn";
		return strcmp(v, "actpass") && strcmp(v, "active") &&
				       strcmp(v, "passive") &&
				       strcmp(v, "holdconn")
			       ? -EINVAL
			       : 0;
	}
	if (!strcmp(name, "ice-ufrag")) {
		*why = "ice-ufrag must be 4..256 ice-chars";
		return ice_chars(v, 4, 256) ? 0 : -EINVAL;
	}
	if (!strcmp(name, "ice-pwd")) {
		*why = "ice-pwd must be 22..256 ice-chars";
		return ice_chars(v, 22, 256) ? 0 : -EINVAL;
	}
	if (!strcmp(name, "mid") || !strcmp(name, "ice-options")) {
		*why = "empty";
		return *v ? 0 : -EINVAL;
	}
	if (!strcmp(name, "rid")) {
		struct lr_sdp_rid r;

		*why = "bad rid (RFC 8851 §10)";
		return lr_sdp_parse_rid(v, &r);
	}
	if (!strcmp(name, "simulcast")) {
		struct lr_sdp_simulcast sc;
		int rc = lr_sdp_parse_simulcast(v, &sc);

		*why = rc == -E2BIG ? "more than 16 rid-ids in a direction"
				    : "bad simulcast (RFC 8853 §5.1)";
		return rc;
	}
	if (!strcmp(name, "ssrc-group")) {
		*why = "ssrc-group needs <semantics> <ssrc-id>..., SIM one "
		       "SSRC, FID two (RFC 5576 §4.2)";
		return lr__sdp_check_ssrc_group(v);
	}
	if (!strcmp(name, "group") || !strcmp(name, "msid")) {
		*why = "needs a first token";
		return field(&p, tok, sizeof(tok));
	}
	if (!strcmp(name, "ssrc")) {
		*why = "ssrc needs <ssrc-id> <attribute>[:<value>]";
		return lr__sdp_uint(&p, 0xffffffffu, &n) || *p != ' ' ||
		       field(&p, NULL, 4096);
	}
	if (!strcmp(name, "sctp-port")) {
		*why = "sctp-port must be 0..65535";
		return lr__sdp_uint(&p, 65535, &n) || *p;
	}
	if (!strcmp(name, "sctpmap")) {
		/* draft-ietf-mmusic-sctp-sdp-05 §5: <sctp port> <usage>
		 * [<streams>] */
		*why = "sctpmap needs <port> <usage> [<streams>], numbers "
		       "0..65535";
		return lr__sdp_uint(&p, 65535, &n) || *p != ' ' ||
		       field(&p, tok, sizeof(tok)) ||
		       (*p && ufield(&p, 65535, &n)) || *p;
	}
	if (!strcmp(name, "max-message-size")) {
		*why = "max-message-size must be a number";
		return lr__sdp_uint(&p, UINT64_MAX / 10, &n) || *p;
	}
	if (!strcmp(name, "fmtp") || !strcmp(name, "rtcp-fb")) {
		*why = "needs <format> <parameters>";
		return field(&p, tok, sizeof(tok)) || *p != ' ';
	}
	return 0;
}

int lr__sdp_check_attr(const char *name, size_t name_len, const char *value,
		       int media, const char **why)
{
	static const char *const flags[] = {
		"sendrecv",	     "sendonly", "recvonly",
		"inactive",	     "rtcp-mux", "rtcp-mux-only",
		"rtcp-rsize",	     "ice-lite", "end-of-candidates",
		"extmap-allow-mixed"};
	static const char *const valued[] = {
		"candidate", "fingerprint", "rtpmap",
		"extmap",    "setup",	    "ice-ufrag",
		"ice-pwd",   "mid",	    "ice-options",
		"group",     "ssrc-group",  "rid",
		"simulcast", "msid",	    "ssrc",
		"sctp-port", "sctpmap",	    "max-message-size",
		"fmtp",	     "rtcp-fb"};
	char name_z[40];

	if (name_len >= sizeof(name_z))
		return 0; /* not one of ours: kept as is */
	memcpy(name_z, name, name_len);
	name_z[name_len] = '\0';
	if (media && !strcmp(name_z, "ice-lite")) {
		*why = "session-level only (RFC 8839 §5.3)";
		return -EINVAL;
	}
	/* media-level: ignored at session level (RFC 8853 §5.2) */
	if (!media && (!strcmp(name_z, "rid") || !strcmp(name_z, "simulcast")))
		return 0;
	for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!strcmp(name_z, flags[i])) {
			*why = "a property attribute takes no value";
			return value ? -EINVAL : 0;
		}
	}
	for (unsigned i = 0; i < sizeof(valued) / sizeof(valued[0]); i++) {
		if (!strcmp(name_z, valued[i])) {
			int rc;

			*why = "missing value";
			if (!value)
				return -EINVAL;
			rc = check_value(name_z, value, why);
			return rc == -E2BIG ? -E2BIG : rc ? -EINVAL : 0;
		}
	}
	return 0;
}
