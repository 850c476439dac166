/* libFuzzer: lr-bench-gateway's HTTP reply parser and /metrics reader
 * (bench/gwb_http.c) on arbitrary bytes: they read what linerated sends
 * back. A reply taken is a status of 100-599 and a body inside the
 * input; written again with its Content-Length it reads back the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void again(const struct gwb_resp *r)
{
	size_t cap = r->len + 128, n;
	char *b = malloc(cap);
	struct gwb_resp r2;

	if (!b)
		return;
	n = (size_t)snprintf(b, cap,
			     "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n\r\n",
			     r->status, r->len);
	memcpy(b + n, r->body, r->len);
	b[n + r->len] = '\0';
	if (gwb_http_parse(b, n + r->len, &r2) == 0) {
		if (r2.status != r->status || r2.len != r->len ||
		    memcmp(r2.body, r->body, r->len))
			abort();
		gwb_resp_free(&r2);
	} else if (!memchr(r->body, '\0', r->len)) {
		abort(); /* a body without NUL must be taken back */
	}
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *b = malloc(size + 1);
	struct gwb_resp r;
	double v;

	if (!b)
		return 0;
	memcpy(b, data, size);
	b[size] = '\0';
	if (gwb_http_parse(b, size, &r) == 0) {
		if (r.status < 100 || r.status > 599 || r.len > size ||
		    r.body[r.len] || strlen(r.location) >= sizeof(r.location) ||
		    strlen(r.etag) >= sizeof(r.etag))
			abort();
		again(&r);
		gwb_resp_free(&r);
	}
	gwb_metric(b, "linerated_forwarded_packets_total", 0, &v);
	gwb_metric(b, "linerated_drops_total", 1, &v);
	free(b);
	return 0;
}
