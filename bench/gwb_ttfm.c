// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-gateway, time to first media: POST to the first packet a
 * viewer decrypts, for a viewer connected before the publisher
 * (viewer_first: a new publisher each repetition, the viewer stays) and
 * for a viewer that joins a publisher already sending (viewer_late: a
 * new viewer each repetition). A repetition that brings no media in
 * MEDIA_TIMEOUT is a failed check, not a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwb_bench.h"

#define MEDIA_TIMEOUT 10.0  /* s */
#define SETTLE	      20000 /* us after a DELETE */
#define LATE_TAG      0x7fffu

struct times {
	double total[BENCH_MAX_REPS], answer[BENCH_MAX_REPS],
		connected[BENCH_MAX_REPS];
	unsigned n;
};

static int peer_up(void *arg)
{
	const struct gwb_peer *p = arg;

	return (p->connected && p->keys) || p->failed;
}

int bench_wait_connected(struct gwb_world *w, struct gwb_peer *p, double secs)
{
	gwb_world_run(w, gwb_now_us() + (uint64_t)(secs * 1e6), peer_up, p);
	return p->connected && p->keys && !p->failed ? 0 : -1;
}

static int got_media(void *arg)
{
	const struct gwb_peer *v = arg;

	return v->t_first || v->failed;
}

static void settle(struct gwb_world *w)
{
	gwb_world_run(w, gwb_now_us() + SETTLE, NULL, NULL);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (nearest rank) of v[0..n), sorted here. */
static double quantile(double *v, unsigned n, double q)
{
	unsigned k;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp);
	k = (unsigned)(q * n + 0.999999);
	return v[k ? k - 1 : 0];
}

static void record(struct times *t, const struct gwb_peer *poster,
		   const struct gwb_peer *viewer)
{
	uint64_t t0 = poster->t_post;

	t->total[t->n] = (double)(viewer->t_first - t0) / 1e3;
	t->answer[t->n] = (double)(poster->t_answer - t0) / 1e3;
	t->connected[t->n] = poster->t_connected
				     ? (double)(poster->t_connected - t0) / 1e3
				     : 0;
	t->n++;
}

static void report(struct times *t, const char *what, const char *be)
{
	char list[BENCH_MAX_REPS * 10] = "";
	double p50, p95, a50, c50;
	size_t at = 0;

	if (t->n != bench_opts.reps)
		bench_fail("ttfm %s (%s): media in %u of %u repetitions", what,
			   be, t->n, bench_opts.reps);
	p50 = quantile(t->total, t->n, 0.5);
	p95 = quantile(t->total, t->n, 0.95);
	a50 = quantile(t->answer, t->n, 0.5);
	c50 = quantile(t->connected, t->n, 0.5);
	for (unsigned i = 0; i < t->n && at < sizeof(list) - 16; i++)
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%.1f",
				       i ? "," : "", t->total[i]);
	bench_json("{\"bench\":\"gateway\",\"test\":\"ttfm\",\"case\":\"%s\","
		   "\"backend\":\"%s\",\"reps\":%u,\"ok\":%u,\"p50_ms\":%.2f,"
		   "\"p95_ms\":%.2f,\"answer_p50_ms\":%.2f,"
		   "\"connected_p50_ms\":%.2f,\"sorted_ms\":[%s]}",
		   what, be, bench_opts.reps, t->n, p50, p95, a50, c50, list);
}

static void viewer_first(struct gwb_world *w, struct gwb_env *e, const char *be)
{
	static struct times t;
	struct gwb_peer v, pub;

	t.n = 0;
	if (gwb_peer_new(&v, e, GWB_PLAY)) {
		bench_fail("ttfm: no viewer");
		return;
	}
	gwb_world_add(w, &v);
	if (gwb_peer_post(&v, e, "ttfm-first") ||
	    bench_wait_connected(w, &v, MEDIA_TIMEOUT)) {
		bench_fail("ttfm viewer_first (%s): the viewer did not connect",
			   be);
		goto out;
	}
	for (unsigned rep = 1; rep <= bench_opts.reps; rep++) {
		if (gwb_peer_new(&pub, e, GWB_PUBLISH))
			break;
		pub.tag = rep;
		pub.send_media = 1;
		v.rep = rep;
		v.t_first = 0;
		gwb_world_add(w, &pub);
		if (!gwb_peer_post(&pub, e, "ttfm-first") &&
		    gwb_world_run(w, gwb_now_us() + MEDIA_TIMEOUT * 1e6,
				  got_media, &v) &&
		    v.t_first)
			record(&t, &pub, &v);
		gwb_peer_delete(&pub, e);
		gwb_world_del(w, &pub);
		gwb_peer_free(&pub);
		settle(w);
	}
out:
	gwb_peer_delete(&v, e);
	gwb_world_del(w, &v);
	gwb_peer_free(&v);
	report(&t, "viewer_first", be);
}

static void viewer_late(struct gwb_world *w, struct gwb_env *e, const char *be)
{
	static struct times t;
	struct gwb_peer v, pub;

	t.n = 0;
	if (gwb_peer_new(&pub, e, GWB_PUBLISH)) {
		bench_fail("ttfm: no publisher");
		return;
	}
	pub.tag = LATE_TAG;
	pub.send_media = 1;
	gwb_world_add(w, &pub);
	if (gwb_peer_post(&pub, e, "ttfm-late") ||
	    bench_wait_connected(w, &pub, MEDIA_TIMEOUT)) {
		bench_fail("ttfm viewer_late (%s): the publisher did not "
			   "connect",
			   be);
		goto out;
	}
	settle(w); /* its media is the data plane's by now */
	for (unsigned rep = 1; rep <= bench_opts.reps; rep++) {
		if (gwb_peer_new(&v, e, GWB_PLAY))
			break;
		v.rep = LATE_TAG;
		gwb_world_add(w, &v);
		if (!gwb_peer_post(&v, e, "ttfm-late") &&
		    gwb_world_run(w, gwb_now_us() + MEDIA_TIMEOUT * 1e6,
				  got_media, &v) &&
		    v.t_first)
			record(&t, &v, &v);
		gwb_peer_delete(&v, e);
		gwb_world_del(w, &v);
		gwb_peer_free(&v);
		settle(w);
	}
out:
	gwb_peer_delete(&pub, e);
	gwb_world_del(w, &pub);
	gwb_peer_free(&pub);
	report(&t, "viewer_late", be);
}

void bench_ttfm(struct gwb_world *w, struct gwb_env *e, const char *be)
{
	viewer_first(w, e, be);
	viewer_late(w, e, be);
}
