/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /metrics (Prometheus text format 0.0.4), /stats (JSON: each session's
 * RTCStatsReport from lr_pc and its data-plane counters) and /healthz.
 * Every metric is named linerated_* and documented in docs/OPERATING.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw.h"
#include "linerate/lr_pkt.h"

/* Handshake time buckets (seconds): POST to connected. */
static const double hist_le[GW_HIST_BUCKETS] = {
	0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10,
};

void gw_metrics_handshake(struct gw *g, double seconds)
{
	unsigned i = 0;

	while (i < GW_HIST_BUCKETS && seconds > hist_le[i])
		i++;
	g->m.hist[i]++;
	g->m.hist_sum += seconds;
	g->m.hist_n++;
}

static void head(struct gw_buf *b, const char *name, const char *type,
		 const char *help)
{
	gw_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		      type);
}

static void counter(struct gw_buf *b, const char *name, const char *help,
		    unsigned long long v)
{
	head(b, name, "counter", help);
	gw_buf_printf(b, "%s %llu\n", name, v);
}

static void sessions(struct gw *g, struct gw_buf *b)
{
	static const char *const kinds[] = {"", "publish", "play"};
	unsigned n[3][6] = {{0}};

	for (struct gw_session *s = g->sessions; s; s = s->next)
		if (!s->dead && s->state >= 0 && s->state < 6)
			n[s->kind][s->state]++;
	head(b, "linerated_sessions", "gauge",
	     "Sessions now, by kind and connection state.");
	for (int k = 1; k <= 2; k++)
		for (int st = 0; st < 6; st++)
			gw_buf_printf(b,
				      "linerated_sessions{kind=\"%s\","
				      "state=\"%s\"} %u\n",
				      kinds[k], gw_session_state_name(st),
				      n[k][st]);
	head(b, "linerated_sessions_created_total", "counter",
	     "Sessions created since start, by kind.");
	for (int k = 1; k <= 2; k++)
		gw_buf_printf(b,
			      "linerated_sessions_created_total{kind=\"%s\"} "
			      "%llu\n",
			      kinds[k],
			      (unsigned long long)g->m.sessions_total[k]);
}

static void rooms(struct gw *g, struct gw_buf *b)
{
	unsigned live = 0, waiting = 0;

	for (struct gw_room *r = g->rooms; r; r = r->next)
		r->pub ? live++ : waiting++;
	head(b, "linerated_rooms", "gauge",
	     "Rooms now: with a publisher (live) or viewers only (waiting).");
	gw_buf_printf(b, "linerated_rooms{state=\"live\"} %u\n", live);
	gw_buf_printf(b, "linerated_rooms{state=\"waiting\"} %u\n", waiting);
}

static void inout(struct gw_buf *b, const char *name, const char *help,
		  const char *be, uint64_t in, uint64_t out)
{
	head(b, name, "counter", help);
	gw_buf_printf(b, "%s{backend=\"%s\",dir=\"in\"} %llu\n", name, be,
		      (unsigned long long)in);
	gw_buf_printf(b, "%s{backend=\"%s\",dir=\"out\"} %llu\n", name, be,
		      (unsigned long long)out);
}

static void dataplane(struct gw *g, struct gw_buf *b)
{
	struct lr_dp_stats st;
	const char *be = g->backend_name;

	lr_dp_stats(g->dp, &st);
	inout(b, "linerated_packets_total",
	      "Datagrams the data plane received (in) and sent (out).", be,
	      st.rx_packets, st.tx_packets);
	inout(b, "linerated_bytes_total",
	      "Bytes the data plane received (in) and sent (out).", be,
	      st.rx_bytes, st.tx_bytes);
	counter(b, "linerated_forwarded_packets_total",
		"Media packets forwarded to viewers' legs.", st.forwarded);
	counter(b, "linerated_rtcp_relayed_total",
		"RTCP the data plane relayed (feedback, sender reports).",
		st.rtcp_relayed);
	counter(b, "linerated_punted_total",
		"Datagrams handed to the control plane.", st.punted);
	head(b, "linerated_drops_total", "counter",
	     "Packets the data plane dropped, by reason.");
	for (unsigned r = 1; r < LR_DROP__MAX; r++)
		gw_buf_printf(b, "linerated_drops_total{reason=\"%s\"} %llu\n",
			      lr_drop_reason_name(r),
			      (unsigned long long)st.drops[r]);
	gw_buf_printf(b,
		      "linerated_drops_total{reason=\"punt_queue_full\"} "
		      "%llu\n",
		      (unsigned long long)st.punt_dropped);
	gw_buf_printf(b,
		      "linerated_drops_total{reason=\"unknown_session\"} "
		      "%llu\n",
		      (unsigned long long)g->m.punts_unknown);
}

static void http(struct gw *g, struct gw_buf *b)
{
	head(b, "linerated_http_responses_total", "counter",
	     "HTTP responses, by status code.");
	for (unsigned c = 100; c < 600; c++)
		if (g->m.http[c])
			gw_buf_printf(b,
				      "linerated_http_responses_total{code="
				      "\"%u\"} %llu\n",
				      c, (unsigned long long)g->m.http[c]);
	head(b, "linerated_rejected_total", "counter",
	     "New sessions refused, by reason.");
	gw_buf_printf(b, "linerated_rejected_total{reason=\"auth\"} %llu\n",
		      (unsigned long long)g->m.rejects_auth);
	gw_buf_printf(b, "linerated_rejected_total{reason=\"rate\"} %llu\n",
		      (unsigned long long)g->m.rejects_ratelimit);
	gw_buf_printf(b, "linerated_rejected_total{reason=\"capacity\"} %llu\n",
		      (unsigned long long)g->m.rejects_capacity);
}

static void handshake(struct gw *g, struct gw_buf *b)
{
	unsigned long long cum = 0;

	head(b, "linerated_handshake_seconds", "histogram",
	     "Time from the offer's POST to connected (ICE and DTLS).");
	for (unsigned i = 0; i < GW_HIST_BUCKETS; i++) {
		cum += g->m.hist[i];
		gw_buf_printf(b,
			      "linerated_handshake_seconds_bucket{le=\"%g\"} "
			      "%llu\n",
			      hist_le[i], cum);
	}
	cum += g->m.hist[GW_HIST_BUCKETS];
	gw_buf_printf(b,
		      "linerated_handshake_seconds_bucket{le=\"+Inf\"} %llu\n",
		      cum);
	gw_buf_printf(b, "linerated_handshake_seconds_sum %.6f\n",
		      g->m.hist_sum);
	gw_buf_printf(b, "linerated_handshake_seconds_count %llu\n",
		      (unsigned long long)g->m.hist_n);
}

/* A built body as the reply (never cached), or 500 if it could not be
 * built. */
static void reply(struct gw_reply *r, struct gw_buf *b, const char *ctype)
{
	if (b->err) {
		free(b->p);
		gw_reply_text(r, 500, "out of memory");
		return;
	}
	r->status = 200;
	r->ctype = ctype;
	r->body = b->p;
	r->len = b->n;
	r->cache = "no-store";
}

void gw_metrics(struct gw *g, struct gw_reply *r)
{
	struct gw_buf b = {0};

	sessions(g, &b);
	rooms(g, &b);
	dataplane(g, &b);
	counter(&b, "linerated_ice_failures_total",
		"Sessions ended because ICE failed.", g->m.ice_failed);
	counter(&b, "linerated_dtls_failures_total",
		"Sessions ended because DTLS failed.", g->m.dtls_failed);
	counter(&b, "linerated_keyframe_requests_total",
		"Keyframe requests (PLI) the gateway sent for new viewers.",
		g->m.keyframe_requests);
	counter(&b, "linerated_rtcp_terminated_total",
		"RTCP compounds from peers that ended at the gateway (receiver "
		"reports, feedback not relayed).",
		g->m.rtcp_terminated);
	counter(&b, "linerated_receiver_reports_total",
		"Receiver reports the gateway sent publishers.", g->m.rr_sent);
	counter(&b, "linerated_candidates_skipped_total",
		"Trickled candidates not usable here (TCP, mDNS names, malformed).",
		g->m.cands_skipped);
	counter(&b, "linerated_chat_messages_total",
		"Data-channel chat messages relayed.", g->m.chat_messages);
	counter(&b, "linerated_chat_dropped_total",
		"Chat messages dropped (malformed, too long, too many).",
		g->m.chat_dropped);
	counter(&b, "linerated_dtmf_events_total",
		"DTMF tones read from publishers and announced.",
		g->m.dtmf_events);
	counter(&b, "linerated_dtmf_dropped_total",
		"DTMF tones not announced (over a session's 20 messages a "
		"second).",
		g->m.dtmf_dropped);
	http(g, &b);
	handshake(g, &b);
	reply(r, &b, "text/plain; version=0.0.4; charset=utf-8");
}

static void dp_json(struct gw *g, struct gw_buf *b, const struct gw_session *s)
{
	struct lr_dp_session_stats st;

	if (!s->installed || lr_dp_session_stats(g->dp, s->id, &st)) {
		gw_buf_printf(b, "null");
		return;
	}
	gw_buf_printf(b,
		      "{\"rx_packets\":%llu,\"rx_bytes\":%llu,\"tx_packets\":"
		      "%llu,\"tx_bytes\":%llu,\"drops\":{",
		      (unsigned long long)st.rx_packets,
		      (unsigned long long)st.rx_bytes,
		      (unsigned long long)st.tx_packets,
		      (unsigned long long)st.tx_bytes);
	for (unsigned r = 1, first = 1; r < LR_DROP__MAX; r++)
		if (st.drops[r]) {
			gw_buf_printf(b, "%s\"%s\":%llu", first ? "" : ",",
				      lr_drop_reason_name(r),
				      (unsigned long long)st.drops[r]);
			first = 0;
		}
	gw_buf_printf(b, "}}");
}

void gw_stats(struct gw *g, struct gw_reply *r)
{
	struct gw_buf b = {0};
	char *pcs = malloc(262144);
	int first = 1;

	gw_buf_printf(&b, "{\"backend\":\"%s\",\"sessions\":[",
		      g->backend_name);
	for (struct gw_session *s = g->sessions; s; s = s->next) {
		if (s->dead)
			continue;
		gw_buf_printf(&b,
			      "%s{\"id\":\"%.8s\",\"kind\":\"%s\",\"room\":",
			      first ? "" : ",", s->rid,
			      s->kind == GW_PUBLISH ? "publish" : "play");
		gw_buf_json_str(&b, s->room ? s->room->name : "");
		gw_buf_printf(&b, ",\"state\":\"%s\",\"media\":\"%s\",\"dp\":",
			      gw_session_state_name(s->state),
			      s->installed ? "data-plane" : "control-plane");
		dp_json(g, &b, s);
		gw_buf_printf(&b, ",\"pc\":");
		if (pcs && lr_pc_get_stats(s->pc, pcs, 262144) >= 0)
			gw_buf_printf(&b, "%s}", pcs);
		else
			gw_buf_printf(&b, "null}");
		first = 0;
	}
	gw_buf_printf(&b, "],\"rooms\":[");
	first = 1;
	for (struct gw_room *rm = g->rooms; rm; rm = rm->next) {
		gw_buf_printf(&b, "%s{\"name\":", first ? "" : ",");
		gw_buf_json_str(&b, rm->name);
		gw_buf_printf(&b, ",\"publisher\":%s,\"viewers\":%u}",
			      rm->pub ? "true" : "false", rm->nviewers);
		first = 0;
	}
	gw_buf_printf(&b, "]}\n");
	free(pcs);
	reply(r, &b, "application/json");
}

void gw_healthz(struct gw *g, struct gw_reply *r)
{
	if (g->draining)
		gw_reply_text(r, 503, "draining");
	else
		gw_reply_text(r, 200, "ok");
}
