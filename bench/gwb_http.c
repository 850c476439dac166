// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-gateway's HTTP/1.1 client: one request per connection to
 * 127.0.0.1 (Connection: close), the reply read to its Content-Length or
 * to the end of the stream. Enough for WHIP and WHEP (POST, Location,
 * ETag, DELETE) and GET /metrics; no chunked bodies (libmicrohttpd sends
 * a Content-Length with every reply linerated makes).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gwb.h"

#define HTTP_MAX     (1u << 20)
#define HTTP_TIMEOUT 10000 /* ms */

uint64_t gwb_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

static int connect_lo(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -EIO;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The value of header `name` in the header block h (lines end in CRLF),
 * copied into out: 0 or -ENOENT. */
static int header(const char *h, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);

	for (const char *l = h; l && *l; l = strstr(l, "\r\n")) {
		if (l[0] == '\r')
			l += 2;
		if (!strncasecmp(l, name, nl) && l[nl] == ':') {
			const char *v = l + nl + 1, *e;

			while (*v == ' ' || *v == '\t')
				v++;
			e = strstr(v, "\r\n");
			if (!e)
				e = v + strlen(v);
			snprintf(out, cap, "%.*s", (int)(e - v), v);
			return 0;
		}
	}
	return -ENOENT;
}

/* Read until the headers are complete and then the body (Content-Length,
 * or the end of the stream). buf grows; *n is what it holds. */
static int read_reply(int fd, char **buf, size_t *n, size_t *hdr_end)
{
	size_t cap = 8192, want = 0;
	char *b = malloc(cap), tmp[32];
	int have_len = 0;

	*n = 0;
	*hdr_end = 0;
	if (!b)
		return -ENOMEM;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t k;

		if (*hdr_end && have_len && *n >= *hdr_end + want)
			break;
		if (cap - *n < 4096) {
			char *nb = cap >= HTTP_MAX ? NULL : realloc(b, cap * 2);

			if (!nb) {
				free(b);
				return -EMSGSIZE;
			}
			b = nb;
			cap *= 2;
		}
		if (poll(&p, 1, HTTP_TIMEOUT) <= 0) {
			free(b);
			return -ETIMEDOUT;
		}
		k = recv(fd, b + *n, cap - *n - 1, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			free(b);
			return -EIO;
		}
		if (k == 0)
			break;
		*n += (size_t)k;
		b[*n] = '\0';
		if (!*hdr_end) {
			char *e = strstr(b, "\r\n\r\n");

			if (!e)
				continue;
			*hdr_end = (size_t)(e - b) + 4;
			if (!header(b, "Content-Length", tmp, sizeof(tmp))) {
				want = strtoull(tmp, NULL, 10);
				have_len = 1;
			}
			if (have_len && want > HTTP_MAX) {
				free(b);
				return -EMSGSIZE;
			}
		}
	}
	b[*n] = '\0';
	*buf = b;
	return *hdr_end ? 0 : -EPROTO;
}

int gwb_http_parse(const char *buf, size_t n, struct gwb_resp *r)
{
	const char *e = memchr(buf, '\0', n) ? NULL : strstr(buf, "\r\n\r\n");
	char *head, tmp[32];
	size_t he, body;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (!e || strncmp(buf, "HTTP/1.", 7) ||
	    sscanf(buf + 7, "%*1[01] %3d", &r->status) != 1 ||
	    r->status < 100 || r->status > 599)
		return -EPROTO;
	he = (size_t)(e - buf) + 4;
	head = strndup(buf, he - 2); /* the header block alone */
	if (!head)
		return -ENOMEM;
	header(head, "Location", r->location, sizeof(r->location));
	header(head, "ETag", r->etag, sizeof(r->etag));
	body = n - he;
	if (!header(head, "Transfer-Encoding", tmp, sizeof(tmp)) &&
	    strcasecmp(tmp, "identity"))
		rc = -EPROTO; /* chunked: not needed here */
	else if (!header(head, "Content-Length", tmp, sizeof(tmp))) {
		char *end;
		unsigned long long want = strtoull(tmp, &end, 10);

		if (end == tmp || *end || tmp[0] == '-' || want > body)
			rc = -EPROTO; /* not a length, or cut short */
		else
			body = (size_t)want;
	}
	free(head);
	if (rc)
		return rc;
	r->len = body;
	r->body = malloc(body + 1);
	if (!r->body)
		return -ENOMEM;
	memcpy(r->body, buf + he, body);
	r->body[body] = '\0';
	return 0;
}

int gwb_http(uint16_t port, const char *method, const char *path,
	     const char *ctype, const char *body, size_t len,
	     struct gwb_resp *r)
{
	char head[512], *buf = NULL;
	size_t n, he;
	int fd, rc, hn;

	memset(r, 0, sizeof(*r));
	fd = connect_lo(port);
	if (fd < 0)
		return fd;
	hn = snprintf(head, sizeof(head),
		      "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
		      "Connection: close\r\n%s%s%sContent-Length: %zu\r\n\r\n",
		      method, path, port, ctype ? "Content-Type: " : "",
		      ctype ? ctype : "", ctype ? "\r\n" : "", len);
	rc = hn > 0 && (size_t)hn < sizeof(head) ? 0 : -ENAMETOOLONG;
	if (!rc)
		rc = send_all(fd, head, (size_t)hn);
	if (!rc && len)
		rc = send_all(fd, body, len);
	if (!rc)
		rc = read_reply(fd, &buf, &n, &he);
	close(fd);
	if (rc)
		return rc;
	rc = gwb_http_parse(buf, n, r);
	free(buf);
	return rc;
}

void gwb_resp_free(struct gwb_resp *r)
{
	free(r->body);
	r->body = NULL;
}

int gwb_metric(const char *text, const char *name, int sum, double *out)
{
	size_t nl = strlen(name);
	int found = 0;

	*out = 0;
	for (const char *l = text; l && *l; l = strchr(l, '\n')) {
		const char *v;

		if (*l == '\n')
			l++;
		if (*l == '#' || strncmp(l, name, nl))
			continue;
		if (l[nl] == ' ')
			v = l + nl + 1;
		else if (sum && l[nl] == '{' && (v = strchr(l + nl, '}')))
			v++;
		else
			continue;
		*out += strtod(v, NULL);
		found = 1;
		if (!sum)
			break;
	}
	return found ? 0 : -ENOENT;
}
