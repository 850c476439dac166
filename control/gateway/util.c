/* SPDX-License-Identifier: BSD-2-Clause */
/* Text helpers: addresses, random identifiers, a growing buffer. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "gw.h"

int gw_addr_text(const struct lr_addr *a, char *out, size_t cap)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->ip, ip,
		       sizeof(ip)))
		return -EINVAL;
	return snprintf(out, cap, a->family == 6 ? "[%s]:%u" : "%s:%u", ip,
			a->port);
}

/* Identifiers others must not guess (session resources, ETags): from
 * the kernel's CSPRNG. */
int gw_random_hex(char *out, size_t nhex)
{
	uint8_t r[64];
	size_t nb = (nhex + 1) / 2;

	if (nb > sizeof(r) || getrandom(r, nb, 0) != (ssize_t)nb)
		return -EIO;
	for (size_t i = 0; i < nhex; i++)
		out[i] = "0123456789abcdef"[(r[i / 2] >> (i % 2 ? 0 : 4)) & 15];
	out[nhex] = '\0';
	return 0;
}

void gw_buf_printf(struct gw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	for (;;) {
		size_t room = b->cap - b->n;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? room : 0, fmt,
			      ap);
		va_end(ap);
		if (n < 0) {
			b->err = -EINVAL;
			return;
		}
		if (b->p && (size_t)n < room) {
			b->n += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 4096;
		char *p;

		while (cap < b->n + (size_t)n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

void gw_buf_json_str(struct gw_buf *b, const char *s)
{
	gw_buf_printf(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			gw_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			gw_buf_printf(b, "\\u%04x", c);
		else
			gw_buf_printf(b, "%c", c);
	}
	gw_buf_printf(b, "\"");
}

void gw_tuple_key(const struct gw_tuple *t, uint8_t key[GW_TUPLE_KEY])
{
	key[0] = (uint8_t)(t->lidx >> 8);
	key[1] = (uint8_t)t->lidx;
	key[2] = t->remote.family;
	key[3] = (uint8_t)(t->remote.port >> 8);
	key[4] = (uint8_t)t->remote.port;
	memcpy(key + 5, t->remote.ip, 16);
}
