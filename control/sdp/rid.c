// SPDX-License-Identifier: BSD-2-Clause
/*
 * Simulcast in SDP: the grammars of a=rid (RFC 8851 §10), a=simulcast
 * (RFC 8853 §5.1) and a=ssrc-group (RFC 5576 §4.2), their typed views
 * of a media section, and the rules that tie them together inside one
 * section (RFC 8853 §5.2).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "sdp_internal.h"

/* rid-id = 1*(alpha-numeric / "-" / "_"), copied to out if not NULL. */
static int rid_id(const char **p, char *out)
{
	const char *s = *p;
	size_t n = 0;

	while (isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == '_')
		n++;
	if (!n || n > LR_SDP_RID_ID_MAX)
		return -EINVAL;
	if (out) {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	*p = s + n;
	return 0;
}

/* "send" or "recv" followed by a space or the end. */
static int direction(const char **p, enum lr_sdp_rid_dir *dir)
{
	const char *s = *p;

	if (!strncmp(s, "send", 4))
		*dir = LR_SDP_RID_SEND;
	else if (!strncmp(s, "recv", 4))
		*dir = LR_SDP_RID_RECV;
	else
		return -EINVAL;
	if (s[4] && s[4] != ' ')
		return -EINVAL;
	*p = s + 4;
	return 0;
}

/* int-param-val = 1*DIGIT, at most 2^32 - 1. */
static int int_val(const char **p, uint32_t *out)
{
	uint64_t v;

	if (lr__sdp_uint(p, 0xffffffffu, &v))
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* 1*DIGIT ["." 1*DIGIT]: float-param-val, or an integer (max-fps). */
static int num_val(const char **p, double *out)
{
	uint32_t whole;
	double scale = 1, frac = 0;

	if (int_val(p, &whole))
		return -EINVAL;
	if (**p == '.') {
		(*p)++;
		if (!isdigit((unsigned char)**p))
			return -EINVAL;
		while (isdigit((unsigned char)**p)) {
			if (scale < 1e15) { /* further digits do not count */
				scale *= 10;
				frac = frac * 10 + (**p - '0');
			}
			(*p)++;
		}
	}
	*out = whole + frac / scale;
	return 0;
}

enum {
	R_PT = 1 << 0,
	R_WIDTH = 1 << 1,
	R_HEIGHT = 1 << 2,
	R_FPS = 1 << 3,
	R_FS = 1 << 4,
	R_BR = 1 << 5,
	R_PPS = 1 << 6,
	R_BPP = 1 << 7,
	R_DEPEND = 1 << 8,
};

/* One rid-param at *p, up to ';' or the end. seen: the known ones so
 * far (each at most once); first: whether it is the first. */
static int rid_param(const char **p, struct lr_sdp_rid *r, unsigned *seen,
		     int first)
{
	static const struct {
		const char *name;
		unsigned bit;
	} known[] = {{"pt", R_PT},
		     {"max-width", R_WIDTH},
		     {"max-height", R_HEIGHT},
		     {"max-fps", R_FPS},
		     {"max-fs", R_FS},
		     {"max-br", R_BR},
		     {"max-pps", R_PPS},
		     {"max-bpp", R_BPP},
		     {"depend", R_DEPEND}};
	const char *s = *p;
	size_t n = 0;
	unsigned bit = 0;
	uint32_t *u = NULL;

	while (isalnum((unsigned char)s[n]) || s[n] == '-')
		n++;
	if (!n || (s[n] && s[n] != '=' && s[n] != ';'))
		return -EINVAL;
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].name) == n && !memcmp(s, known[i].name, n))
			bit = known[i].bit;
	if (bit & *seen)
		return -EINVAL; /* a restriction given twice */
	*seen |= bit;
	s += n;
	if (!bit) {
		/* rid-param-other: [ "=" param-val ], param-val any
		 * printable character but ';' */
		r->nother++;
		if (*s == '=')
			for (s++; *s && *s != ';'; s++)
				if (*s < 0x20 || *s > 0x7e)
					return -EINVAL;
		*p = s;
		return 0;
	}
	if (bit == R_PT || bit == R_DEPEND) {
		/* pt=fmt *("," fmt) leads the list (rid-pt-param-list);
		 * depend=rid-id *("," rid-id) */
		if (*s != '=' || (bit == R_PT && !first))
			return -EINVAL;
		do {
			uint64_t pt;

			s++;
			if (bit == R_DEPEND) {
				if (!r->depend)
					r->depend = s;
				if (rid_id(&s, NULL))
					return -EINVAL;
				r->ndepend++;
				continue;
			}
			if (r->npt == LR_SDP_MAX_PTS ||
			    lr__sdp_uint(&s, 127, &pt))
				return -EINVAL;
			r->pt[r->npt++] = (uint8_t)pt;
		} while (*s == ',');
	} else if (*s == '=') {
		s++;
		switch (bit) {
		case R_WIDTH:
			u = &r->max_width;
			break;
		case R_HEIGHT:
			u = &r->max_height;
			break;
		case R_FS:
			u = &r->max_fs;
			break;
		case R_BR:
			u = &r->max_br;
			break;
		case R_PPS:
			u = &r->max_pps;
			break;
		default:
			break;
		}
		if (u ? int_val(&s, u)
		      : num_val(&s, bit == R_FPS ? &r->max_fps : &r->max_bpp))
			return -EINVAL;
	}
	if (*s && *s != ';')
		return -EINVAL;
	*p = s;
	return 0;
}

int lr_sdp_parse_rid(const char *value, struct lr_sdp_rid *r)
{
	const char *p = value;
	unsigned seen = 0;

	memset(r, 0, sizeof(*r));
	if (rid_id(&p, r->id) || *p != ' ')
		return -EINVAL;
	lr__sdp_spaces(&p);
	if (direction(&p, &r->dir))
		return -EINVAL;
	lr__sdp_spaces(&p);
	r->restrictions = p;
	if (!*p)
		return 0;
	for (int first = 1;; first = 0) {
		if (rid_param(&p, r, &seen, first))
			return -EINVAL;
		if (!*p)
			return 0;
		p++; /* ';': another one must follow */
	}
}

/* sc-str-list = sc-alt-list *(";" sc-alt-list), ending at a space or
 * the end; sc-alt-list = sc-id *("," sc-id); sc-id = ["~"] rid-id. */
static int sc_list(const char **p, struct lr_sdp_simulcast_list *l)
{
	const char *s = *p;

	for (;;) {
		struct lr_sdp_simulcast_id *id;

		if (l->nids == LR_SDP_MAX_RIDS)
			return -E2BIG;
		id = &l->ids[l->nids];
		id->paused = *s == '~';
		s += id->paused;
		if (rid_id(&s, id->id))
			return -EINVAL;
		for (unsigned k = 0; k < l->nids; k++)
			if (!strcmp(l->ids[k].id, id->id))
				return -EINVAL; /* listed twice */
		id->stream = (uint8_t)l->nstreams;
		l->nids++;
		if (*s == ',') {
			s++;
			continue;
		}
		l->nstreams++;
		if (*s != ';')
			break;
		s++;
	}
	if (*s && *s != ' ')
		return -EINVAL;
	*p = s;
	return 0;
}

int lr_sdp_parse_simulcast(const char *value, struct lr_sdp_simulcast *sc)
{
	const char *p = value;

	memset(sc, 0, sizeof(*sc));
	for (int part = 0; part < 2; part++) {
		enum lr_sdp_rid_dir dir;
		struct lr_sdp_simulcast_list *l;
		int rc;

		if (direction(&p, &dir))
			return -EINVAL;
		l = dir == LR_SDP_RID_SEND ? &sc->send : &sc->recv;
		if (l->nstreams || *p != ' ')
			return -EINVAL; /* a direction twice, or no list */
		lr__sdp_spaces(&p);
		rc = sc_list(&p, l);
		if (rc)
			return rc;
		lr__sdp_spaces(&p);
		if (!*p)
			return 0;
	}
	return -EINVAL; /* more than a send and a recv part */
}

/* ssrc-group:<semantics> *(SP ssrc-id), ssrc-id a 32-bit integer (RFC
 * 5576 §4.2). SIM (no RFC: the simulcast group libwebrtc writes) needs
 * an SSRC, FID (RFC 5576 §4.2 with RFC 4588 retransmission) an original
 * and a repair SSRC. */
int lr__sdp_check_ssrc_group(const char *v)
{
	const char *p = v;
	size_t n = 0;
	unsigned nssrc = 0;

	while (p[n] && p[n] != ' ')
		n++;
	if (!n)
		return -EINVAL;
	p += n;
	for (;;) {
		uint64_t ssrc;

		lr__sdp_spaces(&p);
		if (!*p)
			break;
		if (lr__sdp_uint(&p, 0xffffffffu, &ssrc) || (*p && *p != ' '))
			return -EINVAL;
		nssrc++;
	}
	if (n == 3 && !memcmp(v, "SIM", 3) && nssrc < 1)
		return -EINVAL;
	if (n == 3 && !memcmp(v, "FID", 3) && nssrc < 2)
		return -EINVAL;
	return 0;
}

static int is_attr(const struct lr_sdp_line *l, const char *name,
		   const char **value)
{
	size_t n = strlen(name);

	if (l->type != 'a' || strncmp(l->value, name, n) || l->value[n] != ':')
		return 0;
	*value = l->value + n + 1;
	return 1;
}

int lr__sdp_check_section(const struct lr_sdp *s, unsigned m,
			  struct lr_sdp_error *err)
{
	const struct lr_sdp_media *md = &s->media[m];
	struct lr_sdp_rid rids[LR_SDP_MAX_RIDS];
	struct lr_sdp_simulcast sc;
	const struct lr_sdp_line *sim = NULL;
	unsigned nrids = 0;
	const char *v, *sim_v = NULL;

	if (lr__sdp_check_sctp(s, m, err))
		return -EINVAL;
	for (unsigned i = md->first; i < md->first + md->nlines; i++) {
		const struct lr_sdp_line *l = &s->lines[i];

		if (is_attr(l, "simulcast", &v)) {
			if (sim)
				return lr__sdp_fail(
					err, l->lineno, -EINVAL,
					"a=simulcast: more than one "
					"in a section (RFC 8853 "
					"§5.2)");
			sim = l;
			sim_v = v;
		}
		if (!is_attr(l, "rid", &v))
			continue;
		if (nrids == LR_SDP_MAX_RIDS)
			return lr__sdp_fail(err, l->lineno, -E2BIG,
					    "a=rid: more than %u in a section",
					    LR_SDP_MAX_RIDS);
		if (lr_sdp_parse_rid(v, &rids[nrids]))
			return lr__sdp_fail(err, l->lineno, -EINVAL,
					    "a=rid: bad rid (RFC 8851 §10)");
		for (unsigned k = 0; k < nrids; k++)
			if (!strcmp(rids[k].id, rids[nrids].id))
				return lr__sdp_fail(
					err, l->lineno, -EINVAL,
					"a=rid: rid-id %s defined twice (RFC "
					"8851 §4)",
					rids[k].id);
		nrids++;
	}
	if (!sim)
		return 0;
	if (lr_sdp_parse_simulcast(sim_v, &sc))
		return lr__sdp_fail(err, sim->lineno, -EINVAL,
				    "a=simulcast: bad simulcast (RFC 8853 "
				    "§5.1)");
	for (int d = 0; d < 2; d++) {
		const struct lr_sdp_simulcast_list *l = d ? &sc.recv : &sc.send;

		for (unsigned k = 0; k < l->nids; k++) {
			unsigned r = 0;

			while (r < nrids && strcmp(rids[r].id, l->ids[k].id))
				r++;
			if (r == nrids || rids[r].dir != (enum lr_sdp_rid_dir)d)
				return lr__sdp_fail(
					err, sim->lineno, -EINVAL,
					"a=simulcast: %s has no a=rid:%s %s "
					"(RFC 8853 §5.2)",
					l->ids[k].id, l->ids[k].id,
					d ? "recv" : "send");
		}
	}
	return 0;
}

int lr_sdp_rids(const struct lr_sdp *s, int i, struct lr_sdp_rid *r,
		unsigned cap)
{
	const char *v;
	unsigned n = 0;

	if (i < 0 || (unsigned)i >= s->nmedia)
		return -EINVAL;
	for (unsigned k = 0; (v = lr_sdp_attr(s, i, "rid", k)); k++) {
		if (n < cap && lr_sdp_parse_rid(v, &r[n]))
			return -EINVAL; /* not from lr_sdp_parse */
		n++;
	}
	return (int)n;
}

int lr_sdp_simulcast(const struct lr_sdp *s, int i, struct lr_sdp_simulcast *sc)
{
	const char *v;

	if (i < 0 || (unsigned)i >= s->nmedia)
		return -EINVAL;
	v = lr_sdp_attr(s, i, "simulcast", 0);
	if (!v)
		return 0;
	return lr_sdp_parse_simulcast(v, sc) ? -EINVAL : 1;
}
