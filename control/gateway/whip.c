/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * WHIP and WHEP (RFC 9725): POST an offer to /whip/{room} (publish) or
 * /whep/{room} (play) and get the answer, a session resource
 * (/session/{id}, 128 random bits: it is the capability to change or end
 * the session) and its ETag; PATCH the resource with an
 * application/trickle-ice-sdpfrag (RFC 8840) to trickle candidates or
 * restart ICE (§4.3: If-Match, 412 on a stale tag); DELETE it to end the
 * session. Every refusal is a 4xx/5xx with a one-line reason, counted
 * by status in /metrics.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw.h"
#include "session_sdp.h"

static int ctype_is(const char *ctype, const char *want)
{
	size_t n = strlen(want);

	return ctype && !strncasecmp(ctype, want, n) &&
	       (ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ');
}

/* A token bucket per client address: new sessions per second. */
static int rate_ok(struct gw *g, const char *client)
{
	struct gw_rate_ent *e = gw_map_get(&g->rate, client, strlen(client));
	double rate = g->cfg.limits.new_per_sec,
	       burst = g->cfg.limits.new_burst;

	if (!rate)
		return 1;
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e || gw_map_put(&g->rate, client, strlen(client), e)) {
			/* the table is full (many addresses at once): the
			 * session limits still hold */
			free(e);
			return 1;
		}
		e->tokens = burst;
		e->at_us = g->now;
	}
	e->tokens += (double)(g->now - e->at_us) / 1e6 * rate;
	if (e->tokens > burst)
		e->tokens = burst;
	e->at_us = g->now;
	if (e->tokens < 1)
		return 0;
	e->tokens -= 1;
	return 1;
}

static int authorized(struct gw *g, const struct gw_req *q, enum gw_kind kind,
		      const char *room, struct gw_reply *r, const char **who)
{
	if (!gw_auth_check(&g->cfg, q->auth,
			   kind == GW_PUBLISH ? GW_RIGHT_PUBLISH
					      : GW_RIGHT_PLAY,
			   room, who))
		return 1;
	g->m.rejects_auth++;
	gw_reply_text(r, 401,
		      "a bearer token with the right to %s in room "
		      "'%s' is needed",
		      kind == GW_PUBLISH ? "publish" : "play", room);
	gw_log(&g->log, GW_LOG_WARN, "http_unauthorized", "client", q->client,
	       "path", q->path, NULL);
	return 0;
}

static void busy(struct gw *g, struct gw_reply *r, const char *why)
{
	g->m.rejects_capacity++;
	r->retry_after = g->cfg.limits.retry_after_s;
	gw_reply_text(r, 503, "%s; retry later", why);
}

void gw_whip_post(struct gw *g, const struct gw_req *q, enum gw_kind kind,
		  const char *name, struct gw_reply *r)
{
	const char *who = NULL;
	struct gw_room *room;
	struct gw_session *s;
	char *answer, err[300];
	int n;

	if (!authorized(g, q, kind, name, r, &who))
		return;
	if (!ctype_is(q->ctype, "application/sdp")) {
		gw_reply_text(r, 415, "the offer must be application/sdp");
		return;
	}
	if (g->draining) {
		busy(g, r, "the gateway is shutting down");
		return;
	}
	if (!rate_ok(g, q->client)) {
		g->m.rejects_ratelimit++;
		r->retry_after = 1;
		gw_reply_text(r, 429, "too many new sessions from %s",
			      q->client);
		return;
	}
	if (g->nsessions >= g->cfg.limits.max_sessions) {
		busy(g, r, "the gateway is at its session limit");
		return;
	}
	room = gw_room_get(g, name, 1);
	if (!room) {
		busy(g, r, "the gateway is at its room limit");
		return;
	}
	if (kind == GW_PUBLISH && room->pub) {
		gw_reply_text(r, 409, "room '%s' already has a publisher",
			      name);
		gw_room_maybe_free(g, room);
		return;
	}
	if (kind == GW_PLAY && room->nviewers >= g->cfg.limits.max_viewers) {
		busy(g, r, "the room is full");
		return;
	}
	if (gw_session_new(g, kind, room, q->client, &s)) {
		busy(g, r, "cannot make a session");
		gw_room_maybe_free(g, room);
		return;
	}
	if (who)
		snprintf(s->token_name, sizeof(s->token_name), "%s", who);
	answer = malloc(GW_BODY_MAX);
	n = answer ? gw_session_offer(s, q->body, answer, GW_BODY_MAX, err,
				      sizeof(err))
		   : -ENOMEM;
	if (n < 0) {
		gw_reply_text(r, n == -ENOMEM ? 500 : 400, "offer refused: %s",
			      n == -ENOMEM ? "out of memory" : err);
		gw_log(&g->log, GW_LOG_WARN, "offer_refused", "client",
		       q->client, "room", name, "why", err, NULL);
		free(answer);
		gw_session_end(s, "offer refused");
		return;
	}
	gw_room_join(room, s);
	r->status = 201;
	r->ctype = "application/sdp";
	r->body = answer;
	r->len = (size_t)n;
	r->ice_links = 1;
	snprintf(r->location, sizeof(r->location), "/session/%s", s->rid);
	snprintf(r->etag, sizeof(r->etag), "%s", s->etag);
	gw_log(&g->log, GW_LOG_INFO, "session_created", "session", s->rid,
	       "kind", kind == GW_PUBLISH ? "publish" : "play", "room", name,
	       "client", q->client, "token", who ? who : "-", NULL);
}

/* The session of a PATCH or DELETE, with the caller's rights checked. */
static struct gw_session *resource(struct gw *g, const struct gw_req *q,
				   const char *rid, struct gw_reply *r)
{
	struct gw_session *s = gw_session_by_rid(g, rid);
	const char *who;

	if (!s) {
		gw_reply_text(r, 404, "no such session");
		return NULL;
	}
	if (!authorized(g, q, s->kind, s->room->name, r, &who))
		return NULL;
	return s;
}

void gw_whip_patch(struct gw *g, const struct gw_req *q, const char *rid,
		   struct gw_reply *r)
{
	struct gw_session *s = resource(g, q, rid, r);
	struct gw_sdpfrag f;
	char *out, err[200];
	int n;

	if (!s)
		return;
	if (!ctype_is(q->ctype, "application/trickle-ice-sdpfrag")) {
		gw_reply_text(r, 415,
			      "PATCH takes application/trickle-ice-sdpfrag");
		return;
	}
	if (!q->if_match) {
		gw_reply_text(r, 428, "If-Match is required (RFC 9725 §4.3)");
		return;
	}
	if (strcmp(q->if_match, "*") && strcmp(q->if_match, s->etag)) {
		gw_reply_text(r, 412, "the session's ETag is not %.40s",
			      q->if_match);
		return;
	}
	if (gw_sdpfrag_parse(q->body, &f, err, sizeof(err))) {
		gw_reply_text(r, 400, "sdpfrag refused: %s", err);
		return;
	}
	if (!gw_sdpfrag_is_restart(s, &f)) {
		n = gw_session_trickle(s, &f, err, sizeof(err));
		if (n < 0)
			gw_reply_text(r, 400, "candidates refused: %s", err);
		else
			r->status = 204;
		return;
	}
	out = malloc(GW_BODY_MAX);
	n = out ? gw_session_restart(s, &f, out, GW_BODY_MAX, err, sizeof(err))
		: -ENOMEM;
	if (n < 0) {
		free(out);
		gw_reply_text(r, n == -ENOMEM ? 500 : 400,
			      "ICE restart refused: %s", err);
		return;
	}
	r->status = 200;
	r->ctype = "application/trickle-ice-sdpfrag";
	r->body = out;
	r->len = (size_t)n;
	snprintf(r->etag, sizeof(r->etag), "%s", s->etag);
	gw_log(&g->log, GW_LOG_INFO, "ice_restart", "session", s->rid, NULL);
}

void gw_whip_delete(struct gw *g, const struct gw_req *q, const char *rid,
		    struct gw_reply *r)
{
	struct gw_session *s = resource(g, q, rid, r);

	if (!s)
		return;
	gw_session_end(s, "deleted by the client");
	gw_reply_text(r, 200, "session ended");
}
