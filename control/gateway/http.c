/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HTTP: libmicrohttpd run from the gateway's loop (MHD_USE_EPOLL with no
 * thread of its own: its epoll descriptor is polled with the rest, so
 * every handler runs on the control thread and needs no lock). This
 * file gathers a request (headers, a body of at most limits.body_max),
 * routes it, and writes the reply with CORS headers on every response,
 * errors included (browser WHIP clients preflight POST and DELETE).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw.h"

struct pending {
	char *body;
	size_t len;
	int too_big;
	int answered;
};

void gw_reply_text(struct gw_reply *r, unsigned status, const char *fmt, ...)
{
	va_list ap;
	char line[512];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	free(r->body);
	r->status = status;
	r->ctype = "text/plain; charset=utf-8";
	r->body = malloc((size_t)n);
	r->len = r->body ? (size_t)n : 0;
	if (r->body)
		memcpy(r->body, line, (size_t)n);
}

/* The allowed origin to echo, or NULL (then no CORS header: a browser
 * on that origin is refused). */
static const char *cors_origin(const struct gw *g, const char *origin)
{
	if (!g->cfg.norigins)
		return "*";
	for (unsigned i = 0; i < g->cfg.norigins; i++) {
		if (!strcmp(g->cfg.origins[i], "*"))
			return "*";
		if (origin && !strcasecmp(g->cfg.origins[i], origin))
			return origin;
	}
	return NULL;
}

/* The ICE servers (RFC 9725 §4.6); TURN servers, whose credentials only
 * an authorized client may have, only with creds (a 201, never the
 * token-less OPTIONS). */
static void ice_links(const struct gw *g, struct MHD_Response *resp, int creds)
{
	for (unsigned i = 0; i < g->cfg.nice; i++) {
		const struct gw_ice_server *s = &g->cfg.ice[i];
		char v[700];

		if (s->username[0] && !creds)
			continue;
		/* RFC 9725 §4.6: Link: <url>; rel="ice-server" with the
		 * TURN credentials as link attributes */
		if (s->username[0])
			snprintf(
				v, sizeof(v),
				"<%s>; rel=\"ice-server\"; username=\"%s\"; "
				"credential=\"%s\"; credential-type=\"password\"",
				s->url, s->username, s->credential);
		else
			snprintf(v, sizeof(v), "<%s>; rel=\"ice-server\"",
				 s->url);
		MHD_add_response_header(resp, "Link", v);
	}
}

static enum MHD_Result send_reply(struct gw *g, struct MHD_Connection *c,
				  const struct gw_req *q, struct gw_reply *r)
{
	struct MHD_Response *resp;
	const char *ao = cors_origin(g, q->origin);
	enum MHD_Result ok;
	char num[32];

	resp = MHD_create_response_from_buffer(r->len, r->body,
					       MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(r->body);
		return MHD_NO;
	}
	r->body = NULL;
	if (r->ctype)
		MHD_add_response_header(resp, "Content-Type", r->ctype);
	if (ao) {
		MHD_add_response_header(resp, "Access-Control-Allow-Origin",
					ao);
		if (strcmp(ao, "*"))
			MHD_add_response_header(resp, "Vary", "Origin");
		MHD_add_response_header(resp, "Access-Control-Expose-Headers",
					"Location, ETag, Link, Retry-After, "
					"WWW-Authenticate");
	}
	if (!strcmp(q->method, "OPTIONS") && ao) {
		MHD_add_response_header(resp, "Access-Control-Allow-Methods",
					"GET, POST, PATCH, DELETE, OPTIONS");
		MHD_add_response_header(
			resp, "Access-Control-Allow-Headers",
			"Authorization, Content-Type, If-Match");
		MHD_add_response_header(resp, "Access-Control-Max-Age",
					"86400");
	}
	if (r->location[0])
		MHD_add_response_header(resp, "Location", r->location);
	if (r->etag[0])
		MHD_add_response_header(resp, "ETag", r->etag);
	if (r->retry_after) {
		snprintf(num, sizeof(num), "%u", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", num);
	}
	if (r->status == 401) /* RFC 9110 §11.6.1, RFC 6750 §3 */
		MHD_add_response_header(resp, "WWW-Authenticate",
					"Bearer realm=\"linerated\"");
	if (r->allow)
		MHD_add_response_header(resp, "Allow",
					"GET, POST, PATCH, DELETE, OPTIONS");
	if (r->cache)
		MHD_add_response_header(resp, "Cache-Control", r->cache);
	if (r->ice_links)
		ice_links(g, resp, r->status == 201);
	if (r->status < 600)
		g->m.http[r->status]++;
	ok = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static int room_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= GW_ROOM_NAME)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		      *s == '.'))
			return 0;
	return 1;
}

static void static_file(const char *path, struct gw_reply *r)
{
	const struct gw_web_file *f = gw_web_find(path);

	if (!f) {
		gw_reply_text(r, 404, "no such page: %.100s", path);
		return;
	}
	r->status = 200;
	r->ctype = f->ctype;
	r->body = malloc(f->len ? f->len : 1);
	r->len = r->body ? f->len : 0;
	if (r->body)
		memcpy(r->body, f->data, f->len);
	r->cache = "no-cache";
}

/* What a method and path mean. */
static void route(struct gw *g, const struct gw_req *q, struct gw_reply *r)
{
	const char *p = q->path, *m = q->method;
	int whip = !strncmp(p, "/whip/", 6), whep = !strncmp(p, "/whep/", 6);
	int sess = !strncmp(p, "/session/", 9);

	if (!strcmp(m, "OPTIONS")) {
		/* CORS preflight; on a WHIP/WHEP endpoint also what it takes
		 * and the ICE servers (RFC 9725 §4.6) */
		r->status = 204;
		r->ice_links = whip || whep;
		return;
	}
	if (whip || whep) {
		if (strcmp(m, "POST")) {
			r->allow = 1;
			gw_reply_text(r, 405, "use POST on %s", p);
		} else if (!room_ok(p + 6)) {
			gw_reply_text(
				r, 400,
				"bad room name: 1-63 of A-Z a-z 0-9 . _ -");
		} else {
			gw_whip_post(g, q, whip ? GW_PUBLISH : GW_PLAY, p + 6,
				     r);
		}
		return;
	}
	if (sess) {
		if (!strcmp(m, "PATCH"))
			gw_whip_patch(g, q, p + 9, r);
		else if (!strcmp(m, "DELETE"))
			gw_whip_delete(g, q, p + 9, r);
		else {
			r->allow = 1;
			gw_reply_text(r, 405, "use PATCH or DELETE on %s", p);
		}
		return;
	}
	if (strcmp(m, "GET") && strcmp(m, "HEAD")) {
		r->allow = 1;
		gw_reply_text(r, 405, "%s is not served on %s", m, p);
		return;
	}
	if (!strcmp(p, "/metrics"))
		gw_metrics(g, r);
	else if (!strcmp(p, "/stats"))
		gw_stats(g, r);
	else if (!strcmp(p, "/healthz"))
		gw_healthz(g, r);
	else
		static_file(!strcmp(p, "/") ? "/index.html" : p, r);
}

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static void client_text(struct MHD_Connection *c, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, cap, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  out, (socklen_t)cap);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)cap);
}

/* A refusal (4xx, 5xx with its one-line reason) is logged. */
static void refused(struct gw *g, const char *method, const char *url,
		    const char *client, const struct gw_reply *r)
{
	char code[16], why[200];

	if (r->status < 400 || !r->ctype || strncmp(r->ctype, "text/plain", 10))
		return;
	snprintf(code, sizeof(code), "%u", r->status);
	snprintf(why, sizeof(why), "%.*s",
		 (int)(r->len && r->body[r->len - 1] == '\n' ? r->len - 1
							     : r->len),
		 r->body ? r->body : "");
	gw_log(&g->log, GW_LOG_INFO, "http_refused", "status", code, "method",
	       method, "path", url, "client", client, "why", why, NULL);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct gw *g = cls;
	struct pending *pd = *con_cls;
	struct gw_req q = {.method = method, .path = url};
	struct gw_reply r = {0};
	char client[64];
	const char *cl;

	(void)version;
	q.origin = header(c, "Origin");
	if (!pd) {
		pd = calloc(1, sizeof(*pd));
		if (!pd)
			return MHD_NO;
		*con_cls = pd;
		cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > g->cfg.limits.body_max) {
			/* said too big: answered before it is read */
			pd->answered = 1;
			client_text(c, client, sizeof(client));
			gw_reply_text(&r, 413, "body over %u bytes",
				      g->cfg.limits.body_max);
			refused(g, method, url, client, &r);
			return send_reply(g, c, &q, &r);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!pd->too_big &&
		    pd->len + *upload_size <= g->cfg.limits.body_max) {
			char *b = realloc(pd->body, pd->len + *upload_size + 1);

			if (!b)
				return MHD_NO;
			memcpy(b + pd->len, upload, *upload_size);
			pd->body = b;
			pd->len += *upload_size;
			b[pd->len] = '\0';
		} else {
			pd->too_big = 1; /* chunked past the limit: dropped */
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (pd->answered)
		return MHD_YES;
	pd->answered = 1;
	client_text(c, client, sizeof(client));
	q.client = client;
	q.auth = header(c, MHD_HTTP_HEADER_AUTHORIZATION);
	q.ctype = header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
	q.if_match = header(c, MHD_HTTP_HEADER_IF_MATCH);
	q.body = pd->body ? pd->body : "";
	q.len = pd->len;
	g->now = gw_now_us();
	if (pd->too_big)
		gw_reply_text(&r, 413, "body over %u bytes",
			      g->cfg.limits.body_max);
	else if (pd->len && memchr(pd->body, '\0', pd->len))
		gw_reply_text(&r, 400, "the body holds a NUL byte");
	else
		route(g, &q, &r);
	if (!r.status)
		r.status = 200;
	refused(g, method, url, client, &r);
	return send_reply(g, c, &q, &r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode why)
{
	struct pending *pd = *con_cls;

	(void)cls;
	(void)c;
	(void)why;
	if (pd) {
		free(pd->body);
		free(pd);
		*con_cls = NULL;
	}
}

int gw_http_start(struct gw *g)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;

	if (gw_config_parse_hostport(g->cfg.http_listen, &ss, &sl))
		return -EINVAL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	g->httpd = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, g, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED, completed,
		g, MHD_OPTION_CONNECTION_LIMIT, 1024u,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, 64u,
		MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	if (!g->httpd)
		return -EADDRINUSE;
	di = MHD_get_daemon_info(g->httpd, MHD_DAEMON_INFO_BIND_PORT);
	g->http_port = di ? di->port : 0;
	return 0;
}

void gw_http_stop(struct gw *g)
{
	if (g->httpd)
		MHD_stop_daemon(g->httpd);
	g->httpd = NULL;
}

int gw_http_fd(struct gw *g)
{
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(g->httpd, MHD_DAEMON_INFO_EPOLL_FD);

	return di ? di->epoll_fd : -1;
}

void gw_http_run(struct gw *g)
{
	MHD_run(g->httpd);
}

uint64_t gw_http_timeout_ms(struct gw *g)
{
	MHD_UNSIGNED_LONG_LONG t;

	return MHD_get_timeout(g->httpd, &t) == MHD_YES ? (uint64_t)t
							: UINT64_MAX;
}
