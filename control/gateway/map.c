/* SPDX-License-Identifier: BSD-2-Clause */
/* The gateway's tables: chained hash maps with a bound on entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gw.h"

static size_t hash(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	while (len--)
		h = (h ^ *p++) * 1099511628211ull;
	return (size_t)(h ^ h >> 29);
}

int gw_map_init(struct gw_map *m, size_t buckets, size_t max)
{
	m->b = calloc(buckets, sizeof(*m->b));
	m->nb = buckets;
	m->n = 0;
	m->max = max;
	return m->b ? 0 : -ENOMEM;
}

void gw_map_free(struct gw_map *m)
{
	for (size_t i = 0; m->b && i < m->nb; i++) {
		struct gw_map_ent *e = m->b[i];

		while (e) {
			struct gw_map_ent *n = e->next;

			free(e);
			e = n;
		}
	}
	free(m->b);
	m->b = NULL;
	m->n = 0;
}

static struct gw_map_ent **slot(const struct gw_map *m, const void *key,
				size_t klen)
{
	struct gw_map_ent **e = &m->b[hash(key, klen) % m->nb];

	while (*e && ((*e)->klen != klen || memcmp((*e)->key, key, klen)))
		e = &(*e)->next;
	return e;
}

void *gw_map_get(const struct gw_map *m, const void *key, size_t klen)
{
	struct gw_map_ent *e = *slot(m, key, klen);

	return e ? e->val : NULL;
}

int gw_map_put(struct gw_map *m, const void *key, size_t klen, void *val)
{
	struct gw_map_ent **e = slot(m, key, klen);

	if (*e) {
		(*e)->val = val;
		return 0;
	}
	if (m->n >= m->max)
		return -ENOSPC;
	*e = malloc(sizeof(**e) + klen);
	if (!*e)
		return -ENOMEM;
	(*e)->next = NULL;
	(*e)->val = val;
	(*e)->klen = klen;
	memcpy((*e)->key, key, klen);
	m->n++;
	return 0;
}

void gw_map_del(struct gw_map *m, const void *key, size_t klen)
{
	struct gw_map_ent **e = slot(m, key, klen), *d = *e;

	if (!d)
		return;
	*e = d->next;
	free(d);
	m->n--;
}
