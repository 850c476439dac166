/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A session's life. It is an lr_pc fed by the punt queue (STUN, DTLS,
 * SCTP; media only until the hand-over) whose datagrams leave through
 * lr_dp_send. When DTLS gives keys the media is handed to the data
 * plane: a viewer at once, a publisher once each of its tracks has
 * brought a packet (the first sequence numbers let a new publisher carry
 * on the numbering viewers had from the previous one) or after
 * GW_HANDOVER_WAIT. From then on lr_pc sees no media.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "gw.h"
#include "linerate/lr_rand.h"

#define GW_HANDOVER_WAIT 1500000 /* us */

static const char *const state_names[] = {
	"new", "connecting", "connected", "disconnected", "failed", "closed",
};

const char *gw_session_state_name(int state)
{
	return state >= 0 && state < 6 ? state_names[state] : "unknown";
}

struct gw_session *gw_session_by_rid(struct gw *g, const char *rid)
{
	struct gw_session *s = gw_map_get(&g->by_rid, rid, strlen(rid));

	return s && !s->dead ? s : NULL;
}

int gw_session_new(struct gw *g, enum gw_kind kind, struct gw_room *room,
		   const char *client, struct gw_session **out)
{
	struct gw_session *s = calloc(1, sizeof(*s));
	struct lr_pc_config c = {.nlocal = 1};

	if (!s)
		return -ENOMEM;
	s->gw = g;
	s->kind = kind;
	s->room = room;
	s->id = ++g->next_id;
	s->lidx = g->next_lidx++ % g->nlocal;
	s->created_us = g->now;
	s->tr[0] = s->tr[1] = s->pt[0] = s->pt[1] = -1;
	s->dtmf_pt[0] = s->dtmf_pt[1] = s->chat = -1;
	snprintf(s->client, sizeof(s->client), "%s", client);
	if (gw_random_hex(s->rid, GW_RID_LEN) ||
	    gw_random_hex(s->etag + 1, 16)) {
		free(s);
		return -EIO;
	}
	s->etag[0] = s->etag[17] = '"';
	c.cert = g->cert;
	c.local = &g->adv[s->lidx];
	c.rand = lr_rand_system();
	c.ice_lite = g->cfg.ice_lite;
	c.dtls_ctx = g->dtls;
	c.srtp_worker = g->srtp;
	c.answer_flags = kind == GW_PUBLISH ? LR_SDP_ANSWER_NO_RTX
					    : LR_SDP_ANSWER_NO_MID;
	if (lr_pc_new(&c, g->now, &s->pc) ||
	    gw_map_put(&g->by_rid, s->rid, GW_RID_LEN, s) ||
	    gw_map_put(&g->by_id, &s->id, sizeof(s->id), s)) {
		gw_map_del(&g->by_rid, s->rid, GW_RID_LEN);
		lr_pc_free(s->pc);
		free(s);
		return -ENOMEM;
	}
	s->next = g->sessions;
	if (g->sessions)
		g->sessions->prev = s;
	g->sessions = s;
	g->nsessions++;
	g->m.sessions_total[kind]++;
	gw_session_mark(s);
	*out = s;
	return 0;
}

/* An address lr_pc sent to: its answers come back to this session. At
 * most GW_TUPLES per session, the oldest forgotten first. */
void gw_session_remember(struct gw_session *s, unsigned lidx,
			 const struct lr_addr *remote)
{
	struct gw *g = s->gw;
	struct gw_tuple t = {.lidx = (uint16_t)lidx};
	uint8_t key[GW_TUPLE_KEY], okey[GW_TUPLE_KEY];

	t.remote.family = remote->family;
	t.remote.port = remote->port;
	memcpy(t.remote.ip, remote->ip, 16);
	gw_tuple_key(&t, key);
	for (unsigned i = 0; i < s->ntuples; i++) {
		gw_tuple_key(&s->tuples[i], okey);
		if (!memcmp(key, okey, sizeof(key)))
			return;
	}
	if (s->ntuples == GW_TUPLES) {
		struct gw_tuple *old = &s->tuples[s->next_tuple];

		gw_tuple_key(old, okey);
		if (gw_map_get(&g->by_tuple, okey, sizeof(okey)) == s)
			gw_map_del(&g->by_tuple, okey, sizeof(okey));
		*old = t;
		s->next_tuple = (s->next_tuple + 1) % GW_TUPLES;
	} else {
		s->tuples[s->ntuples++] = t;
	}
	gw_map_put(&g->by_tuple, key, sizeof(key), s);
}

int gw_session_input(struct gw_session *s, unsigned lidx,
		     const struct lr_addr *remote, const uint8_t *buf,
		     size_t len)
{
	struct gw *g = s->gw;
	struct lr_addr r = *remote;
	int rc =
		lr_pc_handle_packet(s->pc, g->now, &g->adv[lidx], &r, buf, len);

	if (rc == -EXDEV) /* media that is the data plane's by now */
		lr_dp_inject(g->dp, &g->dp_local[lidx], remote, buf, len);
	gw_session_pump(s);
	return rc;
}

static uint32_t random_ssrc(void)
{
	uint32_t v = 0;

	while (!v)
		if (getrandom(&v, sizeof(v), 0) != sizeof(v))
			v = 0x4c524757; /* never secret: only an SSRC */
	return v;
}

/* Hand the media over to the data plane. */
static void install(struct gw_session *s)
{
	struct gw *g = s->gw;
	struct lr_pc_handover h;
	struct lr_dp_session d;
	struct lr_dp_route *routes = NULL;
	int rc;

	rc = lr_pc_media_handover(s->pc, &h);
	if (rc) {
		gw_log(&g->log, GW_LOG_ERROR, "handover_failed", "session",
		       s->rid, NULL);
		gw_session_end(s, "hand-over failed");
		return;
	}
	routes = calloc(LR_DP_MAX_ROUTES, sizeof(*routes));
	if (!routes) {
		gw_session_end(s, "out of memory");
		return;
	}
	if (s->kind == GW_PUBLISH) {
		for (int k = 0; k < GW_KINDS; k++) {
			int seq;

			if (s->tr[k] < 0)
				continue;
			if (!s->ssrc[k])
				s->ssrc[k] = lr_pc_transceiver_remote_ssrc(
					s->pc, s->tr[k], 0);
			seq = lr_pc_handover_next_seq_in(&h, s->ssrc[k]);
			s->have_seq[k] = seq >= 0;
			s->first_seq[k] = (uint16_t)(seq >= 0 ? seq : 0);
		}
		s->rtcp_ssrc = random_ssrc();
	}
	lr_pc_dp_session(&s->k, &h, &d);
	gw_room_desc(s, &d, routes);
	/* SSRC slots: a publisher's audio, video (and spares: 8 in, 4 out
	 * with our RTCP's), a viewer's two tracks (and spares) */
	d.rx_ssrcs = s->kind == GW_PUBLISH ? 8 : 4;
	d.tx_ssrcs = 4;
	if (s->kind == GW_PLAY)
		d.ntx_state = 0; /* lr_pc sent the viewer no media */
	s->dp_remote = d.remote;
	rc = lr_dp_session_install(g->dp, s->id, &d);
	memset(&d, 0, sizeof(d));
	memset(&s->k, 0, sizeof(s->k)); /* the keys are the data plane's */
	memset(&h, 0, sizeof(h));
	free(routes);
	if (rc) {
		gw_log_rc(s, "install_failed", rc);
		gw_session_end(s, "data plane refused the session");
		return;
	}
	s->installed = 1;
	{
		char a[48], v[48], t[16];

		snprintf(a, sizeof(a), "%s/%d/%08x", s->codec[0], s->pt[0],
			 s->ssrc[0]);
		snprintf(v, sizeof(v), "%s/%d/%08x", s->codec[1], s->pt[1],
			 s->ssrc[1]);
		snprintf(t, sizeof(t), "%d,%d", s->dtmf_pt[0], s->dtmf_pt[1]);
		gw_log(&g->log, GW_LOG_INFO, "media_on_data_plane", "session",
		       s->rid, "room", s->room->name, "audio", a, "video", v,
		       "dtmf_pt", t, NULL);
	}
	if (s->kind == GW_PLAY)
		gw_room_sync(s->room); /* the publisher's routes reach it */
	gw_room_keyframe(s->room);
	gw_chat_room_state(s->room);
}

void gw_session_punt_pts(const struct gw_session *s, uint8_t pts[2])
{
	for (int j = 0; j < 2; j++)
		pts[j] = s->dtmf_pt[j] > 0 ? (uint8_t)s->dtmf_pt[j] : 0;
}

static int ready_to_install(const struct gw_session *s)
{
	if (s->kind == GW_PLAY || s->gw->now >= s->handover_by)
		return 1;
	for (int k = 0; k < GW_KINDS; k++)
		if (s->tr[k] >= 0 && !s->have_seq[k])
			return 0;
	return 1;
}

/* After an ICE restart the selected pair may move: so does the data
 * plane's session (its routes stay the room's). */
static void follow_pair(struct gw_session *s)
{
	struct lr_addr l, r;
	struct lr_addr d;

	if (!s->installed || !lr_pc_selected_pair(s->pc, &l, &r))
		return;
	d = r;
	if (!memcmp(&d, &s->dp_remote, sizeof(d)))
		return;
	s->dp_remote = d;
	gw_room_update_session(s);
	gw_log(&s->gw->log, GW_LOG_INFO, "path_changed", "session", s->rid,
	       NULL);
}

static void state_change(struct gw_session *s, int state)
{
	struct gw *g = s->gw;

	s->state = state;
	if (state == LR_PC_CONNECTED && !s->connected_us) {
		s->connected_us = g->now;
		gw_metrics_handshake(g, (double)(g->now - s->created_us) / 1e6);
		gw_log(&g->log, GW_LOG_INFO, "session_connected", "session",
		       s->rid, NULL);
	}
	if (state == LR_PC_FAILED) {
		if (lr_pc_ice_connection_state(s->pc) == LR_ICE_FAILED)
			g->m.ice_failed++;
		else
			g->m.dtls_failed++;
		gw_session_end(s, lr_pc_ice_connection_state(s->pc) ==
						  LR_ICE_FAILED
					  ? "ICE failed"
					  : "DTLS failed");
	}
	if (state == LR_PC_CLOSED)
		gw_session_end(s, "closed");
}

static void on_rtp(struct gw_session *s, const struct lr_pc_event *ev)
{
	for (int k = 0; k < GW_KINDS; k++) {
		if (s->tr[k] != ev->transceiver)
			continue;
		if (!s->ssrc[k])
			s->ssrc[k] = ev->rtp.ssrc;
		if (ev->rtp.ssrc != s->ssrc[k])
			continue;
		s->have_seq[k] = 1;
		s->in_ts[k].ts = ev->rtp.ts;
		s->in_ts[k].at = s->gw->now;
		s->in_ts[k].have = 1;
	}
}

static void event(struct gw_session *s, struct lr_pc_event *ev)
{
	switch (ev->type) {
	case LR_PC_EV_CONNECTION_STATE:
		state_change(s, ev->state);
		break;
	case LR_PC_EV_KEYS_READY:
		s->k = ev->keys;
		s->keys = 1;
		s->handover_by = s->gw->now + GW_HANDOVER_WAIT;
		break;
	case LR_PC_EV_DATA_CHANNEL:
		if (!strcmp(lr_pc_dc_label(s->pc, ev->channel), "chat"))
			s->chat = ev->channel;
		break;
	case LR_PC_EV_DC_OPEN:
		if (ev->channel == s->chat) {
			s->chat_open = 1;
			gw_chat_room_state(s->room);
		}
		break;
	case LR_PC_EV_DC_CLOSE:
		if (ev->channel == s->chat)
			s->chat_open = 0;
		break;
	case LR_PC_EV_DC_MESSAGE:
		if (ev->channel == s->chat && !ev->binary)
			gw_chat_message(s, ev->data, ev->len);
		break;
	case LR_PC_EV_DTMF_RECEIVED:
		gw_chat_dtmf(s, ev->tone);
		break;
	case LR_PC_EV_RTP:
		on_rtp(s, ev);
		break;
	default:
		break;
	}
}

/* Session s's next deadline, into the loop's earliest. */
static void due(struct gw_session *s)
{
	struct gw *g = s->gw;
	uint64_t t = lr_pc_poll_timeout(s->pc);
	uint64_t limit = (uint64_t)g->cfg.limits.connect_timeout_s * 1000000u;

	if (s->keys && !s->installed && s->handover_by < t)
		t = s->handover_by;
	if (!s->connected_us && limit && s->created_us + limit < t)
		t = s->created_us + limit + 1;
	if (t < g->next_due)
		g->next_due = t;
}

void gw_session_pump(struct gw_session *s)
{
	struct gw *g = s->gw;
	struct lr_pc_event ev;
	struct lr_pc_transmit t;

	while (!s->dead && lr_pc_poll_event(s->pc, &ev)) {
		event(s, &ev);
		lr_pc_event_clear(&ev);
	}
	if (s->dead)
		return;
	if (s->keys && !s->installed && ready_to_install(s))
		install(s);
	if (s->dead)
		return;
	while (lr_pc_poll_transmit(s->pc, &t)) {
		struct lr_addr to = t.remote;

		gw_session_remember(s, s->lidx, &to);
		lr_dp_send(g->dp, &g->dp_local[s->lidx], &to, t.buf, t.len);
	}
	follow_pair(s);
	s->dirty = 0;
	due(s);
}

void gw_session_mark(struct gw_session *s)
{
	s->dirty = 1;
	s->gw->any_dirty = 1;
}

void gw_session_timers(struct gw *g)
{
	uint64_t limit = (uint64_t)g->cfg.limits.connect_timeout_s * 1000000u;

	if (!g->any_dirty && g->now < g->next_due)
		return;
	g->any_dirty = 0;
	g->next_due = UINT64_MAX;
	for (struct gw_session *s = g->sessions; s; s = s->next) {
		if (s->dead)
			continue;
		if (lr_pc_poll_timeout(s->pc) <= g->now) {
			lr_pc_handle_timeout(s->pc, g->now);
			s->dirty = 1;
		}
		if (s->keys && !s->installed && g->now >= s->handover_by)
			s->dirty = 1;
		if (s->dirty)
			gw_session_pump(s);
		if (!s->dead && !s->connected_us && limit &&
		    g->now - s->created_us > limit)
			gw_session_end(s, "not connected in time");
		if (!s->dead)
			due(s);
	}
}

void gw_session_end(struct gw_session *s, const char *why)
{
	struct gw *g = s->gw;

	if (s->dead)
		return;
	s->dead = 1;
	s->ended_us = g->now;
	gw_room_leave(s);
	if (s->installed)
		lr_dp_session_remove(g->dp, s->id);
	s->installed = 0;
	memset(&s->k, 0, sizeof(s->k));
	for (unsigned i = 0; i < s->ntuples; i++) {
		uint8_t key[GW_TUPLE_KEY];

		gw_tuple_key(&s->tuples[i], key);
		if (gw_map_get(&g->by_tuple, key, sizeof(key)) == s)
			gw_map_del(&g->by_tuple, key, sizeof(key));
	}
	if (s->ufrag[0] &&
	    gw_map_get(&g->by_ufrag, s->ufrag, strlen(s->ufrag)) == s)
		gw_map_del(&g->by_ufrag, s->ufrag, strlen(s->ufrag));
	gw_map_del(&g->by_rid, s->rid, GW_RID_LEN);
	gw_map_del(&g->by_id, &s->id, sizeof(s->id));
	lr_pc_close(s->pc);
	gw_log(&g->log, GW_LOG_INFO, "session_ended", "session", s->rid, "why",
	       why, NULL);
}

void gw_session_free(struct gw_session *s)
{
	lr_pc_free(s->pc);
	free(s);
}

void gw_sessions_reap(struct gw *g)
{
	struct gw_session *s = g->sessions, *n;

	for (; s; s = n) {
		n = s->next;
		if (!s->dead)
			continue;
		if (s->prev)
			s->prev->next = s->next;
		else
			g->sessions = s->next;
		if (s->next)
			s->next->prev = s->prev;
		g->nsessions--;
		gw_session_free(s);
	}
}
