// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-gateway, CPU per forwarded leg: linerated's data-plane thread
 * (its CPU time from /proc, its legs from GET /metrics), the same room in
 * an lr_dp of this process (lr_dp_worker_cpu_ns, lr_dp_stats), and
 * lr-bench-fwd's own cell; each over WINDOWS windows, the median window
 * reported; then linerated / each reference against the goal of 1.2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fwd.h"
#include "gwb_bench.h"

#define WINDOWS	    5
#define WARMUP	    300000 /* us */
#define FIRST_MEDIA 5.0	   /* s: the first leg must arrive by then */
#define GOAL	    1.2
#define NTARGETS    5

int bench_misses;

/* What a target's counters say at one instant. */
struct sample {
	uint64_t t, legs, cpu_ns, ctl_ns, punted, drops, rx;
};

struct probe {
	int (*read)(void *arg, struct sample *s);
	void *arg;
};

struct cell {
	double legs_per_s, ns_per_leg, cpu_pct, ctl_ns_per_leg;
	double delivered, punted_per_s, drops_per_s;
	uint64_t verified, verify_failed, written_off, reordered, late;
	int ok;
};

/* Targets for the summary, by round. */
static const char *const tnames[NTARGETS] = {"linerated/sock", "lr_dp/sock",
					     "linerated/uring", "lr_dp/uring",
					     "lr-bench-fwd/sock"};
static struct cell results[NTARGETS][BENCH_MAX_ROUNDS];
static int have[NTARGETS][BENCH_MAX_ROUNDS];

static int target_index(const char *target, const char *be)
{
	char name[64];

	snprintf(name, sizeof(name), "%s/%s", target, be);
	for (int i = 0; i < NTARGETS; i++)
		if (!strcmp(tnames[i], name))
			return i;
	return -1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp);
	return n ? v[n / 2] : 0;
}

static uint64_t viewers_rx(struct gwb_peer *const *v, unsigned nv)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < nv; i++)
		n += atomic_load(&v[i]->c.rtp);
	return n;
}

/* Windows of the loop (it keeps serving the clients meanwhile). */
static int measure(struct gwb_world *w, struct probe *pr,
		   struct gwb_peer *const *v, unsigned nv, struct cell *c)
{
	double per_leg[WINDOWS], rate[WINDOWS];
	struct sample a, b, first;
	uint64_t span = (uint64_t)(bench_opts.secs * 1e6 / WINDOWS);

	memset(c, 0, sizeof(*c));
	if (pr->read(pr->arg, &a))
		return -EIO;
	a.rx = viewers_rx(v, nv);
	first = a;
	for (int k = 0; k < WINDOWS; k++) {
		gwb_world_run(w, gwb_now_us() + span, NULL, NULL);
		if (pr->read(pr->arg, &b))
			return -EIO;
		b.rx = viewers_rx(v, nv);
		rate[k] = (double)(b.legs - a.legs) * 1e6 / (double)(b.t - a.t);
		per_leg[k] = b.legs > a.legs ? (double)(b.cpu_ns - a.cpu_ns) /
						       (double)(b.legs - a.legs)
					     : 0;
		a = b;
	}
	c->legs_per_s = median(rate, WINDOWS);
	c->ns_per_leg = median(per_leg, WINDOWS);
	c->cpu_pct = (double)(b.cpu_ns - first.cpu_ns) * 100.0 /
		     ((double)(b.t - first.t) * 1e3);
	if (b.legs > first.legs) {
		double legs = (double)(b.legs - first.legs),
		       secs = (double)(b.t - first.t) / 1e6;

		c->ctl_ns_per_leg = (double)(b.ctl_ns - first.ctl_ns) / legs;
		c->delivered = (double)(b.rx - first.rx) / legs;
		c->punted_per_s = (double)(b.punted - first.punted) / secs;
		c->drops_per_s = (double)(b.drops - first.drops) / secs;
	}
	for (unsigned i = 0; i < nv; i++) {
		c->verified += v[i]->c.verified;
		c->verify_failed += v[i]->c.verify_failed;
		c->reordered += v[i]->c.reordered;
		c->late += v[i]->c.late;
	}
	c->ok = b.legs > first.legs;
	return 0;
}

static void emit(const char *target, const char *be, unsigned round,
		 const struct cell *c, unsigned fanout)
{
	int i = target_index(target, be);

	bench_json("{\"bench\":\"gateway\",\"test\":\"fwd\",\"target\":\"%s\","
		   "\"backend\":\"%s\",\"round\":%u,\"suite\":\"%s\","
		   "\"size\":%u,\"fanout\":%u,\"rate\":%u,"
		   "\"legs_per_s\":%.0f,\"ns_per_leg\":%.1f,\"cpu_pct\":%.1f,"
		   "\"ctl_ns_per_leg\":%.1f,\"delivered\":%.3f,"
		   "\"punted_per_s\":%.1f,\"drops_per_s\":%.1f,"
		   "\"verified\":%llu,\"verify_failed\":%llu,"
		   "\"written_off\":%llu,\"reordered\":%llu,\"late\":%llu}",
		   target, be, round + 1,
		   lr_srtp_suite_get(bench_opts.suite)->name, GWB_VIDEO_SIZE,
		   fanout, bench_opts.rate, c->legs_per_s, c->ns_per_leg,
		   c->cpu_pct, c->ctl_ns_per_leg, c->delivered, c->punted_per_s,
		   c->drops_per_s, (unsigned long long)c->verified,
		   (unsigned long long)c->verify_failed,
		   (unsigned long long)c->written_off,
		   (unsigned long long)c->reordered,
		   (unsigned long long)c->late);
	if (i >= 0 && c->ok) {
		results[i][round] = *c;
		have[i][round] = 1;
	}
}

/* The checks every fwd cell with viewers must pass (counts, not times). */
static void check_counts(const char *what, const char *be,
			 struct gwb_peer *const *v, unsigned nv,
			 const struct cell *c)
{
	if (!c->ok)
		bench_fail("fwd %s (%s): nothing forwarded", what, be);
	for (unsigned i = 0; i < nv; i++) {
		if (!atomic_load(&v[i]->c.rtp))
			bench_fail("fwd %s (%s): viewer %u received nothing",
				   what, be, i);
		else if (!v[i]->c.verified)
			bench_fail("fwd %s (%s): viewer %u decrypted none of "
				   "its samples",
				   what, be, i);
		if (v[i]->c.verify_failed)
			bench_fail(
				"fwd %s (%s): viewer %u: %llu of %llu samples "
				"failed to decrypt or were not ours (the "
				"first: %s, SSRC %08x seq %u, at datagram "
				"%llu; the last good seq %u)",
				what, be, i,
				(unsigned long long)v[i]->c.verify_failed,
				(unsigned long long)(v[i]->c.verify_failed +
						     v[i]->c.verified),
				v[i]->c.fail_why < LR_DROP__MAX
					? lr_drop_reason_name(v[i]->c.fail_why)
					: "not our payload",
				v[i]->c.fail_ssrc, v[i]->c.fail_seq,
				(unsigned long long)v[i]->c.fail_at,
				v[i]->c.ok_seq);
	}
}

static int first_leg(void *arg)
{
	const struct gwb_peer *v = arg;

	return atomic_load(&v->c.rtp) > 0;
}

/* ---- linerated ---- */

struct gw_probe {
	const struct gwb_gw *gw;
};

static int gw_read(void *arg, struct sample *s)
{
	const struct gwb_gw *gw = ((struct gw_probe *)arg)->gw;
	char *text;
	double v;
	int rc = gwb_gw_metrics(gw, &text);

	if (rc)
		return rc;
	s->t = gwb_now_us();
	s->cpu_ns = gwb_task_cpu_ns(gw->pid, gw->worker_tid);
	s->ctl_ns = gwb_task_cpu_ns(gw->pid, gw->pid);
	rc = gwb_metric(text, "linerated_forwarded_packets_total", 0, &v);
	s->legs = (uint64_t)v;
	gwb_metric(text, "linerated_punted_total", 0, &v);
	s->punted = (uint64_t)v;
	gwb_metric(text, "linerated_drops_total", 1, &v);
	s->drops = (uint64_t)v;
	free(text);
	return rc;
}

/* The data plane's thread: of linerated's threads other than the main
 * one, the one that has used the most CPU (with one worker, the only
 * one: usrsctp runs without threads and libmicrohttpd from the loop). */
static int worker_tid(const struct gwb_gw *gw)
{
	int tids[16], n = gwb_gw_threads(gw, tids, 16), best = 0;
	uint64_t most = 0;

	for (int i = 0; i < n && i < 16; i++) {
		uint64_t c = gwb_task_cpu_ns(gw->pid, tids[i]);

		if (!best || c > most) {
			best = tids[i];
			most = c;
		}
	}
	return best;
}

static void free_room(struct gwb_world *w, struct gwb_env *e,
		      struct gwb_peer *pub, struct gwb_peer *view, unsigned nv)
{
	gwb_peer_delete(pub, e);
	gwb_world_del(w, pub);
	gwb_peer_free(pub);
	for (unsigned i = 0; i < nv; i++) {
		gwb_peer_delete(&view[i], e);
		gwb_world_del(w, &view[i]);
		gwb_peer_free(&view[i]);
	}
}

/* Viewers connected and counting, then a publisher connected, its first
 * packets through lr_pc (so that linerated installs it at once), its
 * media handed over to the sender. 0 or -1 (said). */
static int gw_room(struct gwb_world *w, struct gwb_env *e, struct gwb_peer *pub,
		   struct gwb_peer *view, struct gwb_sender *snd,
		   const char *be)
{
	for (unsigned i = 0; i < bench_opts.viewers; i++) {
		if (gwb_peer_new(&view[i], e, GWB_PLAY))
			return -1;
		gwb_world_add(w, &view[i]);
		if (gwb_peer_post(&view[i], e, "fwd") ||
		    bench_wait_connected(w, &view[i], 10)) {
			bench_fail("fwd (%s): viewer %u did not connect", be,
				   i);
			return -1;
		}
		if (view[i].k.suite != bench_opts.suite)
			bench_fail("fwd (%s): suite %u negotiated, not %u", be,
				   view[i].k.suite, bench_opts.suite);
		gwb_peer_count(&view[i], e->srtp, &view[i].k.rx);
	}
	if (gwb_peer_new(pub, e, GWB_PUBLISH))
		return -1;
	pub->tag = 0x46574431;
	pub->send_media = 1;
	gwb_world_add(w, pub);
	if (gwb_peer_post(pub, e, "fwd") || bench_wait_connected(w, pub, 10)) {
		bench_fail("fwd (%s): the publisher did not connect", be);
		return -1;
	}
	/* the first audio and video packets went out with the keys */
	gwb_world_run(w, gwb_now_us() + 1000, NULL, NULL);
	if (gwb_sender_from_peer(snd, pub) ||
	    gwb_sender_start(snd, bench_opts.rate, bench_opts.load_cpu,
			     &view[0].c)) {
		bench_fail("fwd (%s): no hand-over to the sender", be);
		return -1;
	}
	return 0;
}

void bench_fwd_gateway(struct gwb_world *w, struct gwb_env *e,
		       const struct gwb_gw *gw, unsigned round)
{
	static struct gwb_peer pub, view[GWB_VIEWERS_MAX];
	struct gwb_peer *vp[GWB_VIEWERS_MAX];
	struct gwb_sender snd = {0};
	struct gw_probe gp = {gw};
	struct probe pr = {gw_read, &gp};
	struct gwb_gw g = *gw;
	struct cell c;

	memset(view, 0, sizeof(view));
	memset(&pub, 0, sizeof(pub));
	for (unsigned i = 0; i < bench_opts.viewers; i++)
		vp[i] = &view[i];
	if (gw_room(w, e, &pub, view, &snd, gw->backend))
		goto out;
	if (!gwb_world_run(w, gwb_now_us() + FIRST_MEDIA * 1e6, first_leg,
			   &view[0])) {
		bench_fail("fwd (%s): no media reached viewer 0", gw->backend);
		goto out;
	}
	gwb_world_run(w, gwb_now_us() + WARMUP, NULL, NULL);
	g.worker_tid = worker_tid(gw);
	gp.gw = &g;
	if (!g.worker_tid || measure(w, &pr, vp, bench_opts.viewers, &c)) {
		bench_fail("fwd (%s): linerated's counters unreadable",
			   gw->backend);
		goto out;
	}
	gwb_sender_stop(&snd);
	c.written_off = snd.written_off;
	check_counts("linerated", gw->backend, vp, bench_opts.viewers, &c);
	emit("linerated", gw->backend, round, &c, bench_opts.viewers);
out:
	gwb_sender_stop(&snd);
	free_room(w, e, &pub, view, bench_opts.viewers);
}

/* ---- the reference: the same room in an lr_dp here ---- */

static int ref_read(void *arg, struct sample *s)
{
	struct lr_dp *dp = arg;
	struct lr_dp_stats st;

	lr_dp_stats(dp, &st);
	s->t = gwb_now_us();
	s->cpu_ns = lr_dp_worker_cpu_ns(dp);
	s->ctl_ns = 0;
	s->legs = st.forwarded;
	s->punted = st.punted;
	s->drops = 0;
	for (unsigned i = 0; i < LR_DROP__MAX; i++)
		s->drops += st.drops[i];
	return 0;
}

void bench_fwd_ref(struct gwb_env *e, const char *be, unsigned round)
{
	static struct gwb_ref r;
	struct gwb_peer *vp[GWB_VIEWERS_MAX];
	struct gwb_world w = {.env = e};
	struct gwb_sender snd = {0};
	struct probe pr;
	struct cell c;
	int rc = gwb_ref_open(
		&r, strcmp(be, "uring") ? LR_DP_SOCK : LR_DP_URING,
		bench_opts.viewers, bench_opts.suite, bench_opts.dp_cpu);

	if (rc && !strcmp(be, "uring")) {
		printf("(uring: no lr_dp with it here (%d); skipped)\n", rc);
		return;
	}
	if (rc) {
		bench_fail("fwd lr_dp (%s): no reference data plane (%d)", be,
			   rc);
		return;
	}
	pr = (struct probe){ref_read, r.dp};
	for (unsigned i = 0; i < bench_opts.viewers; i++) {
		vp[i] = &r.view[i];
		gwb_peer_count(&r.view[i], e->srtp, &r.view_tx[i]);
		gwb_world_add(&w, &r.view[i]);
	}
	gwb_world_add(&w, &r.pub);
	if (gwb_sender_from_policy(&snd, r.pub.fd, &r.local, &r.pub_rx,
				   r.pub_ssrc, r.pt) ||
	    gwb_sender_start(&snd, bench_opts.rate, bench_opts.load_cpu,
			     &r.view[0].c)) {
		bench_fail("fwd lr_dp (%s): no sender", be);
		goto out;
	}
	if (!gwb_world_run(&w, gwb_now_us() + FIRST_MEDIA * 1e6, first_leg,
			   &r.view[0])) {
		bench_fail("fwd lr_dp (%s): no media reached viewer 0", be);
		goto out;
	}
	gwb_world_run(&w, gwb_now_us() + WARMUP, NULL, NULL);
	if (measure(&w, &pr, vp, bench_opts.viewers, &c))
		goto out;
	gwb_sender_stop(&snd);
	c.written_off = snd.written_off;
	check_counts("lr_dp", be, vp, bench_opts.viewers, &c);
	emit("lr_dp", be, round, &c, bench_opts.viewers);
out:
	gwb_sender_stop(&snd);
	gwb_ref_close(&r);
}

/* ---- lr-bench-fwd's own cell ---- */

void bench_fwd_cell(unsigned round)
{
	unsigned fanout = bench_opts.viewers > 10 ? 10 : bench_opts.viewers;
	struct result r = fwd_run_dp(LR_DP_SOCK, bench_opts.suite,
				     GWB_VIDEO_SIZE, fanout, 1);
	struct cell c = {0};

	c.legs_per_s = r.pps;
	c.cpu_pct = r.cpu_pct;
	c.ns_per_leg = r.pps > 0 ? r.cpu_pct / 100.0 * 1e9 / r.pps : 0;
	c.ok = r.pps > 0;
	if (!c.ok)
		bench_fail("fwd lr-bench-fwd (sock): nothing forwarded");
	emit("lr-bench-fwd", "sock", round, &c, fanout);
}

/* ---- the summary ---- */

static int target_median(int i, struct cell *out)
{
	double ns[BENCH_MAX_ROUNDS], rate[BENCH_MAX_ROUNDS],
		cpu[BENCH_MAX_ROUNDS];
	unsigned n = 0;

	for (unsigned r = 0; r < bench_opts.rounds; r++)
		if (have[i][r]) {
			ns[n] = results[i][r].ns_per_leg;
			rate[n] = results[i][r].legs_per_s;
			cpu[n++] = results[i][r].cpu_pct;
		}
	if (!n)
		return 0;
	memset(out, 0, sizeof(*out));
	out->ns_per_leg = median(ns, n);
	out->legs_per_s = median(rate, n);
	out->cpu_pct = median(cpu, n);
	return (int)n;
}

static void ratio(int a, int b, const struct cell *m, const int *n)
{
	double r;
	int pass;

	if (!n[a] || !n[b]) {
		printf("  n/a  %-20s / %-20s (not measured)\n", tnames[a],
		       tnames[b]);
		return;
	}
	r = m[a].ns_per_leg / m[b].ns_per_leg;
	pass = r <= GOAL;
	bench_misses += !pass;
	printf("  %-4s %-20s / %-20s %6.2f (<= %.1f)\n", pass ? "PASS" : "MISS",
	       tnames[a], tnames[b], r, GOAL);
	if (!pass && m[a].cpu_pct < 90 && m[b].cpu_pct >= 90)
		printf("       (%s's data-plane thread was at %.0f %% CPU, "
		       "%s's at %.0f %%: a thread that is not busy pays a "
		       "wake-up for every few packets; the same traffic into "
		       "lr_dp is the comparison for that)\n",
		       tnames[a], m[a].cpu_pct, tnames[b], m[b].cpu_pct);
	bench_json("{\"bench\":\"gateway\",\"test\":\"ratio\",\"a\":\"%s\","
		   "\"b\":\"%s\",\"rounds\":%d,\"ratio\":%.3f,\"goal\":%.1f,"
		   "\"pass\":%s}",
		   tnames[a], tnames[b], n[a] < n[b] ? n[a] : n[b], r, GOAL,
		   pass ? "true" : "false");
}

static void hint(void)
{
	int perf = !access("/usr/bin/perf", X_OK) ||
		   !access("/usr/local/bin/perf", X_OK);

	printf("\nwhere the time goes: per-window counters are in the JSON "
	       "lines (punted_per_s: datagrams linerated's data plane handed "
	       "to its control thread; ctl_ns_per_leg: that thread's CPU per "
	       "leg; delivered: legs the viewers received per leg sent).\n");
	if (perf)
		printf("perf is here: run `lr-bench-gateway --only fwd "
		       "--backend sock --rounds 1 --secs 30`, find linerated's "
		       "data-plane thread (top -H) and `perf record -g -t TID "
		       "-- sleep 10` while it forwards.\n");
	else
		printf("perf is not installed here (apt-get install "
		       "linux-perf) to see inside the threads.\n");
}

void bench_summary(void)
{
	struct cell m[NTARGETS];
	int n[NTARGETS];
	int misses0 = bench_misses;

	printf("\nCPU per forwarded leg, median of %u round(s) (%u B video, "
	       "%s, %u viewers%s):\n",
	       bench_opts.rounds, GWB_VIDEO_SIZE,
	       lr_srtp_suite_get(bench_opts.suite)->name, bench_opts.viewers,
	       bench_opts.rate ? "" : ", flat out");
	printf("  %-20s %10s %12s %7s\n", "target", "ns/leg", "legs/s", "cpu%");
	for (int i = 0; i < NTARGETS; i++) {
		n[i] = target_median(i, &m[i]);
		if (n[i])
			printf("  %-20s %10.1f %12.0f %7.1f\n", tnames[i],
			       m[i].ns_per_leg, m[i].legs_per_s, m[i].cpu_pct);
	}
	printf("\ntargets (issue 13): linerated's CPU per leg / the "
	       "reference's, same run:\n");
	ratio(0, 4, m, n);
	ratio(0, 1, m, n);
	ratio(2, 4, m, n);
	ratio(2, 3, m, n);
	if (bench_misses > misses0)
		hint();
}
