/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the data plane hands up, to the session it belongs to. STUN
 * requests name their session by the USERNAME's first half (our ufrag);
 * everything else by its 5-tuple, which only addresses a session has
 * sent to are in (gw_session_remember: lr_pc sends only to candidates
 * and to senders of checks that proved the credentials), so a stranger
 * cannot tie an address to a session. Decrypted RTCP and the
 * publishers' telephone-events come with their session's id. What finds
 * no session is dropped and counted (punts_unknown). One lookup per
 * packet, whatever the number of sessions.
 */
#include <string.h>

#include "gw.h"
#include "linerate/lr_rtp.h"
#include "linerate/lr_stun.h"

#define STUN_USERNAME 0x0006

static struct gw_session *by_username(struct gw *g, const uint8_t *buf,
				      size_t len)
{
	struct lr_stun_msg m;
	const struct lr_stun_attr *a;
	const uint8_t *v, *colon;

	if (lr_stun_parse(&m, buf, len) != LR_STUN_OK ||
	    !(a = lr_stun_find(&m, STUN_USERNAME)))
		return NULL;
	v = lr_stun_value(&m, a);
	colon = memchr(v, ':', a->len);
	if (!colon)
		return NULL;
	return gw_map_get(&g->by_ufrag, v, (size_t)(colon - v));
}

static int local_index(const struct gw *g, const struct lr_addr *a)
{
	for (unsigned i = 0; i < g->nlocal; i++)
		if (g->dp_local[i].port == a->port &&
		    g->dp_local[i].family == a->family &&
		    !memcmp(g->dp_local[i].ip, a->ip, 16))
			return (int)i;
	return -1;
}

/* A publisher's telephone-event (RFC 4733), decrypted. */
static void dtmf(struct gw_session *s, const uint8_t *p, size_t len)
{
	size_t hl = lr_rtp_header_len(p, len);
	struct lr_dtmf_event ev;

	int j;

	if (!hl || s->kind != GW_PUBLISH)
		return;
	j = lr_rtp_pt(p) == s->dtmf_pt[0] ? 0 : 1;
	if (lr_rtp_pt(p) != s->dtmf_pt[j])
		return;
	if (lr_dtmf_receive(&s->dtmf[j], lr_rtp_ts(p), p + hl, len - hl, &ev) ==
	    1)
		gw_chat_dtmf(s, ev.tone);
}

void gw_punts(struct gw *g, unsigned budget)
{
	struct lr_dp_punt p;

	while (budget-- && lr_dp_poll_punt(g->dp, &p)) {
		struct gw_session *s = NULL;
		struct gw_tuple t = {0};
		uint8_t key[GW_TUPLE_KEY];
		int li = local_index(g, &p.local);

		if (p.why == LR_DP_PUNT_RTCP || p.why == LR_DP_PUNT_RTP) {
			s = gw_map_get(&g->by_id, &p.session,
				       sizeof(p.session));
			if (s && p.why == LR_DP_PUNT_RTCP)
				gw_rtcp_in(s, p.buf, p.len);
			else if (s)
				dtmf(s, p.buf, p.len);
			continue;
		}
		if (li < 0) {
			g->m.punts_unknown++;
			continue;
		}
		t.lidx = (uint16_t)li;
		t.remote = p.remote;
		if (p.why == LR_DP_PUNT_STUN)
			s = by_username(g, p.buf, p.len);
		gw_tuple_key(&t, key);
		if (!s)
			s = gw_map_get(&g->by_tuple, key, sizeof(key));
		if (!s || s->dead) {
			g->m.punts_unknown++;
			continue;
		}
		gw_session_input(s, (unsigned)li, &p.remote, p.buf, p.len);
	}
}
