/* The simulator behind lr_sim.h. Small fixed tables: it is a test tool. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_prng.h"
#include "lr_sim.h"

#define MAX_HOSTS   32
#define MAX_ADDRS   64
#define MAX_NATS    8
#define MAX_MAPS    256
#define MAX_PERMITS 16

struct pkt {
	uint64_t at, seq;
	struct lr_addr src, dst;
	size_t len;
	uint8_t *data;
};

struct queue {
	struct pkt *p;
	size_t n, cap, head;
};

struct host {
	int nat;
	int silent;
	struct queue inbox;
};

struct owned {
	int host;
	struct lr_addr a;
};

struct nat {
	struct lr_addr pub;
	uint16_t next_port;
};

struct mapping {
	int nat;
	struct lr_addr inside;
	uint16_t port;
	unsigned npermit;
	struct lr_addr permit[MAX_PERMITS]; /* remote IPs sent to */
};

struct lr_sim {
	uint64_t now, seq, rng;
	struct lr_sim_link link;
	struct host hosts[MAX_HOSTS];
	int nhosts;
	struct owned addrs[MAX_ADDRS];
	int naddrs;
	struct nat nats[MAX_NATS];
	int nnats;
	struct mapping maps[MAX_MAPS];
	int nmaps;
	struct queue wire;
	struct lr_sim_stats st;
};

static uint64_t rnd(struct lr_sim *s)
{
	return lr_prng_next(&s->rng);
}

static double frand(struct lr_sim *s)
{
	return (double)(rnd(s) >> 11) / 9007199254740992.0;
}

struct lr_addr lr_sim_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
			 uint16_t port)
{
	struct lr_addr r = {.family = 4, .port = port};

	r.ip[0] = a;
	r.ip[1] = b;
	r.ip[2] = c;
	r.ip[3] = d;
	return r;
}

static int ip_eq(const struct lr_addr *a, const struct lr_addr *b)
{
	return a->family == b->family &&
	       !memcmp(a->ip, b->ip, a->family == 4 ? 4 : 16);
}

struct lr_sim *lr_sim_new(uint64_t seed)
{
	struct lr_sim *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	lr__sim_vclock_tick(0);
	s->rng = seed ? seed : 1;
	s->link.delay_us = 10000;
	return s;
}

static void queue_free(struct queue *q)
{
	for (size_t i = q->head; i < q->n; i++)
		free(q->p[i].data);
	free(q->p);
}

void lr_sim_free(struct lr_sim *s)
{
	if (!s)
		return;
	queue_free(&s->wire);
	for (int i = 0; i < s->nhosts; i++)
		queue_free(&s->hosts[i].inbox);
	free(s);
}

int lr_sim_add_host(struct lr_sim *s, int behind_nat)
{
	if (s->nhosts >= MAX_HOSTS || behind_nat >= s->nnats)
		return -ENOSPC;
	s->hosts[s->nhosts].nat = behind_nat;
	return s->nhosts++;
}

int lr_sim_host_addr(struct lr_sim *s, int host, const struct lr_addr *a)
{
	if (host < 0 || host >= s->nhosts || s->naddrs >= MAX_ADDRS)
		return -EINVAL;
	s->addrs[s->naddrs++] = (struct owned){host, *a};
	return 0;
}

int lr_sim_add_nat(struct lr_sim *s, const struct lr_addr *pub)
{
	if (s->nnats >= MAX_NATS)
		return -ENOSPC;
	s->nats[s->nnats] = (struct nat){*pub, 40000};
	return s->nnats++;
}

void lr_sim_set_link(struct lr_sim *s, const struct lr_sim_link *l)
{
	s->link = *l;
}

void lr_sim_host_silence(struct lr_sim *s, int host, int silent)
{
	if (host >= 0 && host < s->nhosts)
		s->hosts[host].silent = silent;
}

uint64_t lr_sim_now(const struct lr_sim *s)
{
	return s->now;
}

static int owner(const struct lr_sim *s, const struct lr_addr *a)
{
	for (int i = 0; i < s->naddrs; i++)
		if (ip_eq(&s->addrs[i].a, a))
			return s->addrs[i].host;
	return -1;
}

static int push(struct queue *q, const struct pkt *p)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 64;
		struct pkt *n = realloc(q->p, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		q->p = n;
		q->cap = cap;
	}
	q->p[q->n++] = *p;
	return 0;
}

static int enqueue(struct lr_sim *s, const struct lr_addr *src,
		   const struct lr_addr *dst, const void *data, size_t len,
		   uint64_t at)
{
	struct pkt p = {.at = at,
			.seq = s->seq++,
			.src = *src,
			.dst = *dst,
			.len = len,
			.data = malloc(len ? len : 1)};

	if (!p.data)
		return -ENOMEM;
	memcpy(p.data, data, len);
	if (push(&s->wire, &p)) {
		free(p.data);
		return -ENOMEM;
	}
	return 0;
}

static struct mapping *mapping_out(struct lr_sim *s, int nat,
				   const struct lr_addr *inside)
{
	struct mapping *m;

	for (int i = 0; i < s->nmaps; i++)
		if (s->maps[i].nat == nat &&
		    lr_addr_eq(&s->maps[i].inside, inside))
			return &s->maps[i];
	if (s->nmaps >= MAX_MAPS)
		return NULL;
	m = &s->maps[s->nmaps++];
	memset(m, 0, sizeof(*m));
	m->nat = nat;
	m->inside = *inside;
	m->port = s->nats[nat].next_port++;
	return m;
}

int lr_sim_send(struct lr_sim *s, const struct lr_addr *src,
		const struct lr_addr *dst, const void *data, size_t len)
{
	int h = owner(s, src), n;
	struct lr_addr wsrc = *src;
	uint64_t delay;
	int rc;

	if (h < 0)
		return -EADDRNOTAVAIL;
	s->st.sent++;
	if (s->hosts[h].silent) {
		s->st.lost++;
		return 0;
	}
	n = s->hosts[h].nat;
	if (n >= 0 &&
	    !(owner(s, dst) >= 0 && s->hosts[owner(s, dst)].nat == n)) {
		/* leaving the NAT: endpoint-independent mapping */
		struct mapping *m = mapping_out(s, n, src);
		unsigned i;

		if (!m)
			return -ENOSPC;
		for (i = 0; i < m->npermit; i++)
			if (ip_eq(&m->permit[i], dst))
				break;
		if (i == m->npermit && m->npermit < MAX_PERMITS)
			m->permit[m->npermit++] = *dst;
		wsrc = s->nats[n].pub;
		wsrc.port = m->port;
	}
	if (frand(s) < s->link.loss) {
		s->st.lost++;
		return 0;
	}
	delay = s->link.delay_us +
		(s->link.jitter_us ? rnd(s) % (s->link.jitter_us + 1) : 0);
	if (frand(s) < s->link.reorder) {
		delay += 2 * s->link.delay_us + 1;
		s->st.reordered++;
	}
	rc = enqueue(s, &wsrc, dst, data, len, s->now + delay);
	if (!rc && frand(s) < s->link.dup) {
		s->st.duplicated++;
		rc = enqueue(s, &wsrc, dst, data, len, s->now + delay + 1);
	}
	return rc;
}

uint64_t lr_sim_next(const struct lr_sim *s)
{
	uint64_t t = UINT64_MAX;

	for (size_t i = 0; i < s->wire.n; i++)
		if (s->wire.p[i].at < t)
			t = s->wire.p[i].at;
	return t;
}

static void deliver(struct lr_sim *s, struct pkt *p)
{
	int h = -1;

	for (int n = 0; n < s->nnats && h < 0; n++) {
		if (!ip_eq(&s->nats[n].pub, &p->dst))
			continue;
		/* entering the NAT: address-dependent filtering */
		for (int i = 0; i < s->nmaps; i++) {
			struct mapping *m = &s->maps[i];

			if (m->nat != n || m->port != p->dst.port)
				continue;
			for (unsigned k = 0; k < m->npermit; k++) {
				if (ip_eq(&m->permit[k], &p->src)) {
					p->dst = m->inside;
					h = owner(s, &p->dst);
				}
			}
		}
		if (h < 0) {
			s->st.nat_filtered++;
			free(p->data);
			return;
		}
	}
	if (h < 0)
		h = owner(s, &p->dst);
	if (h < 0 || s->hosts[h].silent) {
		if (h < 0)
			s->st.unroutable++;
		else
			s->st.lost++;
		free(p->data);
		return;
	}
	if (push(&s->hosts[h].inbox, p)) {
		free(p->data);
		return;
	}
	s->st.delivered++;
}

void lr_sim_advance(struct lr_sim *s, uint64_t t)
{
	if (t < s->now)
		return;
	lr__sim_vclock_tick(t - s->now);
	s->now = t;
	for (;;) {
		size_t best = SIZE_MAX;
		struct pkt p;

		for (size_t i = 0; i < s->wire.n; i++) {
			const struct pkt *q = &s->wire.p[i];

			if (q->at <= t &&
			    (best == SIZE_MAX || q->at < s->wire.p[best].at ||
			     (q->at == s->wire.p[best].at &&
			      q->seq < s->wire.p[best].seq)))
				best = i;
		}
		if (best == SIZE_MAX)
			break;
		p = s->wire.p[best];
		s->wire.p[best] = s->wire.p[--s->wire.n];
		deliver(s, &p);
	}
}

int lr_sim_recv(struct lr_sim *s, int host, struct lr_addr *src,
		struct lr_addr *dst, void *buf, size_t cap)
{
	struct queue *q;
	struct pkt *p;
	size_t n;

	if (host < 0 || host >= s->nhosts)
		return -EINVAL;
	q = &s->hosts[host].inbox;
	if (q->head == q->n) {
		q->head = q->n = 0;
		return -EAGAIN;
	}
	p = &q->p[q->head++];
	n = p->len < cap ? p->len : cap;
	memcpy(buf, p->data, n);
	if (src)
		*src = p->src;
	if (dst)
		*dst = p->dst;
	free(p->data);
	return (int)p->len;
}

void lr_sim_stats(const struct lr_sim *s, struct lr_sim_stats *out)
{
	*out = s->st;
}
