/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Data channel sections in either syntax (lr_sdp.h): RFC 8841's
 * "UDP/DTLS/SCTP webrtc-datachannel" with a=sctp-port, and the older
 * "DTLS/SCTP <sctp port>" with a=sctpmap:<sctp port> webrtc-datachannel
 * <streams> (draft-ietf-mmusic-sctp-sdp-05 §4-§5), which an answer
 * must keep. One reading for the parser's checks, the answer and lr_pc.
 */
#include <errno.h>
#include <string.h>

#include "sdp_internal.h"

static const char usage[] = "webrtc-datachannel";

/* The value of line l if it is a=<name>:..., else NULL. */
static const char *attr_of(const struct lr_sdp_line *l, const char *name)
{
	size_t n = strlen(name);

	if (l->type != 'a' || strncmp(l->value, name, n) || l->value[n] != ':')
		return NULL;
	return l->value + n + 1;
}

static int proto_is_sctp(const char *proto)
{
	size_t n = strlen(proto);

	/* UDP/DTLS/SCTP, TCP/DTLS/SCTP (RFC 8841 §4.1), DTLS/SCTP */
	return n >= 9 && !strcmp(proto + n - 9, "DTLS/SCTP");
}

/* What section m says, or why not: 0, -ENOENT, or -EINVAL with the
 * line at fault and the reason. */
static int read_sctp(const struct lr_sdp *s, unsigned m, struct lr_sdp_sctp *o,
		     uint32_t *lineno, const char **why)
{
	const struct lr_sdp_media *md = &s->media[m];
	const char *p = md->fmt, *v;
	char fmt[24];
	uint64_t port = 0, n;
	int legacy, found = 0, ports = 0;
	uint32_t map_line = 0; /* the first a=sctpmap */

	memset(o, 0, sizeof(*o));
	*lineno = s->lines[md->first].lineno;
	if (strcmp(md->kind, "application") || !proto_is_sctp(md->proto) ||
	    lr__sdp_token(&p, fmt, sizeof(fmt)))
		return -ENOENT;
	p = fmt;
	legacy = !lr__sdp_uint(&p, 65535, &port) && !*p;
	if (!legacy && strcmp(fmt, usage))
		return -ENOENT; /* another usage of SCTP */
	if (legacy && !port)
		return -ENOENT; /* no SCTP port: nothing to connect to (a
				 * rejected section may say this) */
	for (unsigned i = md->first + 1; i < md->first + md->nlines; i++) {
		const struct lr_sdp_line *l = &s->lines[i];

		if ((v = attr_of(l, "sctp-port"))) {
			if (lr__sdp_uint(&v, 65535, &n))
				return -EINVAL; /* attr.c refused it already */
			*lineno = l->lineno;
			if (ports++) {
				*why = "a=sctp-port given twice";
				return -EINVAL;
			}
			if (legacy && n != port) {
				*why = "a=sctp-port differs from the SCTP port "
				       "of the m= line";
				return -EINVAL;
			}
			if (!legacy)
				port = n;
		}
		if (!legacy || !(v = attr_of(l, "sctpmap")))
			continue;
		if (!map_line)
			map_line = l->lineno;
		if (lr__sdp_uint(&v, 65535, &n) || n != port)
			continue;
		/* a=sctpmap:<port> <usage> [<streams>] (attr.c checked) */
		lr__sdp_spaces(&v);
		if (strncmp(v, usage, sizeof(usage) - 1) ||
		    (v[sizeof(usage) - 1] && v[sizeof(usage) - 1] != ' '))
			return -ENOENT; /* not a data channel */
		v += sizeof(usage) - 1;
		lr__sdp_spaces(&v);
		if (*v && !lr__sdp_uint(&v, 65535, &n))
			o->streams = (uint32_t)n;
		found = 1;
	}
	if (legacy && map_line && !found) {
		*lineno = map_line;
		*why = "no a=sctpmap for the SCTP port of the m= line";
		return -EINVAL;
	}
	o->legacy = legacy;
	o->port = (uint16_t)(port ? port : LR_SDP_SCTP_PORT);
	return 0;
}

int lr_sdp_sctp(const struct lr_sdp *s, int i, struct lr_sdp_sctp *out)
{
	uint32_t lineno;
	const char *why;

	if (i < 0 || (unsigned)i >= s->nmedia)
		return -ENOENT;
	return read_sctp(s, (unsigned)i, out, &lineno, &why);
}

int lr__sdp_check_sctp(const struct lr_sdp *s, unsigned m,
		       struct lr_sdp_error *err)
{
	struct lr_sdp_sctp o;
	uint32_t lineno;
	const char *why = "";
	int rc = read_sctp(s, m, &o, &lineno, &why);

	if (rc != -EINVAL)
		return 0;
	return lr__sdp_fail(err, lineno, -EINVAL, "%s", why);
}
