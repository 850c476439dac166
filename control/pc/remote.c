/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Applying descriptions: the peer's ICE credentials, candidates and
 * fingerprint; transceivers for the sections it offers; and, once an
 * answer settles a section, its payload types, direction, SSRCs, the
 * DTLS role (RFC 8842 a=setup) and the data channel's SCTP parameters.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pc_internal.h"

int lr__pc_ensure_ice(struct lr_pc *pc, int controlling)
{
	struct lr_ice_config c = {
		.controlling = controlling && !pc->cfg.ice_lite,
		.lite = pc->cfg.ice_lite,
		.local = pc->cfg.local,
		.nlocal = pc->cfg.nlocal,
		.stun_server = pc->cfg.stun_server,
		.rand = pc->cfg.rand,
	};

	if (pc->ice)
		return 0;
	return lr_ice_new(&c, pc->now, &pc->ice);
}

static const char *const type_names[] = {"host", "srflx", "prflx", "relay"};

const char *lr__pc_cand_type_name(unsigned type)
{
	return type < 4 ? type_names[type] : "host";
}

int lr__pc_cand_to_sdp(const struct lr_ice_candidate *c, char *out, size_t cap)
{
	char ip[INET6_ADDRSTRLEN], rip[INET6_ADDRSTRLEN];
	int af = c->addr.family == 6 ? AF_INET6 : AF_INET, n;

	if (c->type > LR_ICE_RELAY ||
	    !inet_ntop(af, c->addr.ip, ip, sizeof(ip)) ||
	    !inet_ntop(c->base.family == 6 ? AF_INET6 : AF_INET, c->base.ip,
		       rip, sizeof(rip)))
		return -EINVAL;
	n = snprintf(out, cap, "candidate:%s %u udp %u %s %u typ %s",
		     c->foundation, c->component, c->priority, ip, c->addr.port,
		     lr__pc_cand_type_name(c->type));
	if (n > 0 && (size_t)n < cap && c->type != LR_ICE_HOST)
		n += snprintf(out + n, cap - (size_t)n, " raddr %s rport %u",
			      rip, c->base.port);
	if (n > 0 && (size_t)n < cap)
		n += snprintf(out + n, cap - (size_t)n, " generation 0");
	return n > 0 && (size_t)n < cap ? n : -ENOSPC;
}

static int addr_from_text(const char *ip, uint16_t port, struct lr_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->port = port;
	if (inet_pton(AF_INET, ip, a->ip) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, a->ip) == 1) {
		a->family = 6;
		return 0;
	}
	return -EINVAL; /* e.g. mDNS .local names: not resolved here */
}

int lr__pc_cand_from_sdp(const char *value, struct lr_ice_candidate *c)
{
	struct lr_sdp_candidate s;

	if (!strncmp(value, "candidate:", 10))
		value += 10;
	if (lr_sdp_parse_candidate(value, &s) || strcmp(s.transport, "udp") ||
	    s.component != 1)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	snprintf(c->foundation, sizeof(c->foundation), "%s", s.foundation);
	c->component = 1;
	c->priority = s.priority;
	if (!strcmp(s.type, "host"))
		c->type = LR_ICE_HOST;
	else if (!strcmp(s.type, "srflx"))
		c->type = LR_ICE_SRFLX;
	else if (!strcmp(s.type, "prflx"))
		c->type = LR_ICE_PRFLX;
	else if (!strcmp(s.type, "relay"))
		c->type = LR_ICE_RELAY;
	else
		return -EINVAL;
	if (addr_from_text(s.address, s.port, &c->addr))
		return -EINVAL;
	c->base = c->addr;
	return 0;
}

int lr_pc_add_ice_candidate(struct lr_pc *pc, const char *candidate)
{
	struct lr_ice_candidate c;

	if (pc->closed || !pc->ice || !lr_pc_remote_description(pc))
		return -EINVAL; /* InvalidStateError: no remote description */
	if (!candidate || !candidate[0]) {
		lr_ice_remote_end_of_candidates(pc->ice);
		return 0;
	}
	if (lr__pc_cand_from_sdp(candidate, &c))
		return -EINVAL;
	return lr_ice_add_remote_candidate(pc->ice, &c, pc->now);
}

/* Session-level value, else the first section's. */
static const char *sess_or_media(const struct lr_sdp *s, const char *name)
{
	const char *v = lr_sdp_attr(s, -1, name, 0);

	for (unsigned i = 0; !v && i < s->nmedia; i++)
		if (s->media[i].port ||
		    lr_sdp_attr(s, (int)i, "bundle-only", 0))
			v = lr_sdp_attr(s, (int)i, name, 0);
	return v;
}

int lr__pc_find_tr(struct lr_pc *pc, const char *mid)
{
	for (int i = 0; i < pc->ntr; i++)
		if (pc->tr[i].mid[0] && !strcmp(pc->tr[i].mid, mid))
			return i;
	return -1;
}

/* A remote offer: match its RTP sections to transceivers (an unused one
 * of the same kind added by addTransceiver, or a new recvonly one). */
static int map_offer(struct lr_pc *pc, const struct lr_sdp *s)
{
	for (unsigned i = 0; i < s->nmedia; i++) {
		const struct lr_sdp_media *m = &s->media[i];
		const char *mid = lr_sdp_attr(s, (int)i, "mid", 0);
		int t;

		if (!mid)
			continue;
		if (!strcmp(m->kind, "application")) {
			pc->data_mline = (int)i;
			snprintf(pc->data_mid, sizeof(pc->data_mid), "%s", mid);
			continue;
		}
		if (strcmp(m->kind, "audio") && strcmp(m->kind, "video"))
			continue;
		if (lr__pc_find_tr(pc, mid) >= 0)
			continue;
		for (t = 0; t < pc->ntr; t++)
			if (pc->tr[t].mline < 0 &&
			    !strcmp(pc->tr[t].kind, m->kind))
				break;
		if (t == pc->ntr) {
			/* Made for the offer: nothing to negotiate. */
			t = lr__pc_new_tr(pc, m->kind, LR_SDP_RECVONLY);
			if (t < 0)
				return t;
		}
		pc->tr[t].mline = (int)i;
		snprintf(pc->tr[t].mid, sizeof(pc->tr[t].mid), "%s", mid);
	}
	return 0;
}

int lr__pc_apply_remote(struct lr_pc *pc, struct lr_sdp *s, int is_offer,
			struct lr_sdp_error *err)
{
	const char *ufrag = sess_or_media(s, "ice-ufrag");
	const char *pwd = sess_or_media(s, "ice-pwd");
	const char *fp = sess_or_media(s, "fingerprint");
	const char *v;
	int r;

	if (!ufrag || !pwd || !fp) {
		if (err)
			snprintf(err->msg, sizeof(err->msg),
				 "ice-ufrag, ice-pwd and fingerprint needed "
				 "(missing:%s%s%s)",
				 ufrag ? "" : " ice-ufrag",
				 pwd ? "" : " ice-pwd",
				 fp ? "" : " fingerprint");
		return -EINVAL;
	}
	if (pc->dtls && strcasecmp(fp, pc->remote_fp)) {
		/* A new certificate mid-session would need a new DTLS
		 * association; browsers refuse this too. */
		if (err)
			snprintf(err->msg, sizeof(err->msg),
				 "fingerprint changed");
		return -EINVAL;
	}
	snprintf(pc->remote_fp, sizeof(pc->remote_fp), "%s", fp);
	/* The answerer is controlled unless the offerer is lite. */
	r = lr__pc_ensure_ice(pc,
			      !is_offer || lr_sdp_attr(s, -1, "ice-lite", 0));
	if (r)
		return r;
	v = lr_ice_remote_ufrag(pc->ice);
	if (is_offer && v && strcmp(v, ufrag)) {
		/* The peer restarts ICE: so do we (RFC 8839 §4.4.1.1.1, the
		 * answer carries new credentials), before taking its new
		 * ones; the DTLS association and the media carry on. */
		r = lr_ice_restart(pc->ice, pc->now);
		if (r)
			return r;
		pc->restart_pending = 0;
	}
	r = lr_ice_set_remote_credentials(pc->ice, ufrag, pwd);
	if (r)
		return r;
	for (unsigned i = 0; i < s->nmedia; i++) {
		for (unsigned k = 0;
		     (v = lr_sdp_attr(s, (int)i, "candidate", k)); k++) {
			struct lr_ice_candidate c;
			char line[300];

			snprintf(line, sizeof(line), "candidate:%s", v);
			if (!lr__pc_cand_from_sdp(line, &c))
				lr_ice_add_remote_candidate(pc->ice, &c,
							    pc->now);
		}
		if (lr_sdp_attr(s, (int)i, "end-of-candidates", 0))
			lr_ice_remote_end_of_candidates(pc->ice);
	}
	return is_offer ? map_offer(pc, s) : 0;
}
