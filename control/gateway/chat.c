/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The room's data-channel chat, relayed by the gateway: a text message
 * {"type":"chat","text":"...","name":"..."} on a session's "chat"
 * channel goes to everyone else in the room as {"type":"chat","from":
 * "publisher"|"viewer-N","name":"...","text":"..."}. The publisher's
 * DTMF tones (RFC 4733, read from its audio) go to the viewers as
 * {"type":"dtmf","tone":"1"}; {"type":"room","publisher":...,"viewers":
 * N} when the room changes. Bounded: a message of at most GW_CHAT_MAX
 * bytes of text, GW_CHAT_RATE messages a second per session, chat and
 * DTMF announcements together (a publisher's forged telephone-events
 * cannot make each viewer's channel carry more); the rest is dropped and
 * counted (chat_dropped, dtmf_dropped).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw.h"

#define GW_CHAT_MAX  1000
#define GW_CHAT_RATE 20

void gw_chat_send(struct gw_session *s, const char *json)
{
	if (s->dead || !s->chat_open)
		return;
	lr_pc_dc_send(s->pc, s->chat, json, strlen(json), 0);
	gw_session_mark(s);
}

static void to_room(struct gw_room *r, const struct gw_session *except,
		    int viewers_only, const char *json)
{
	if (!r)
		return;
	/* sent when the loop pumps them (dirty): nothing here may end a
	 * session while the room's list is walked */
	if (r->pub && r->pub != except && !viewers_only)
		gw_chat_send(r->pub, json);
	for (struct gw_session *v = r->viewers; v; v = v->rnext)
		if (v != except)
			gw_chat_send(v, json);
}

static int over_rate(struct gw_session *s)
{
	uint64_t sec = s->gw->now / 1000000u;

	if (sec != s->chat_second) {
		s->chat_second = sec;
		s->chat_count = 0;
	}
	return ++s->chat_count > GW_CHAT_RATE;
}

void gw_chat_message(struct gw_session *s, const uint8_t *data, size_t len)
{
	struct gw *g = s->gw;
	json_t *in = json_loadb((const char *)data, len, 0, NULL), *out;
	const char *type = NULL, *text = NULL, *name = "";
	char from[32];
	char *txt;

	if (!in ||
	    json_unpack(in, "{s:s, s?s, s?s}", "type", &type, "text", &text,
			"name", &name) ||
	    strcmp(type, "chat") || !text || strlen(text) > GW_CHAT_MAX ||
	    strlen(name) > 64 || over_rate(s)) {
		g->m.chat_dropped++;
		json_decref(in);
		return;
	}
	if (s->kind == GW_PUBLISH)
		snprintf(from, sizeof(from), "publisher");
	else
		snprintf(from, sizeof(from), "viewer-%u", s->viewer_no);
	out = json_pack("{s:s, s:s, s:s, s:s}", "type", "chat", "from", from,
			"name", name, "text", text);
	txt = out ? json_dumps(out, JSON_COMPACT) : NULL;
	if (txt) {
		g->m.chat_messages++;
		to_room(s->room, s, 0, txt);
	}
	free(txt);
	json_decref(out);
	json_decref(in);
}

void gw_chat_dtmf(struct gw_session *s, char tone)
{
	char json[64];

	if (s->kind != GW_PUBLISH || !tone)
		return;
	if (over_rate(s)) { /* one announcement per viewer each: bounded */
		s->gw->m.dtmf_dropped++;
		return;
	}
	s->gw->m.dtmf_events++;
	snprintf(json, sizeof(json), "{\"type\":\"dtmf\",\"tone\":\"%c\"}",
		 tone == '"' || tone == '\\' ? '?' : tone);
	gw_log(&s->gw->log, GW_LOG_DEBUG, "dtmf", "session", s->rid, NULL);
	to_room(s->room, s, 1, json);
}

void gw_chat_room_state(struct gw_room *r)
{
	char json[96];

	if (!r)
		return;
	snprintf(json, sizeof(json),
		 "{\"type\":\"room\",\"publisher\":%s,\"viewers\":%u}",
		 r->pub && !r->pub->dead ? "true" : "false", r->nviewers);
	to_room(r, NULL, 0, json);
}
