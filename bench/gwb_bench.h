// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-gateway's program (the method is in lr-bench-gateway.c):
 *   gwb_ttfm.c  time to first media
 *   gwb_fwd.c   CPU per forwarded leg: linerated, the lr_dp reference,
 *               lr-bench-fwd's cell; the summary with the ratios
 */
#ifndef LR_BENCH_GWB_BENCH_H
#define LR_BENCH_GWB_BENCH_H

#include "gwb.h"

/* A publisher's routes are one per stream and viewer, at most
 * LR_DP_MAX_ROUTES: linerated forwards audio and video to 16 viewers of
 * a room at most. */
#define GWB_VIEWERS_MAX	 (LR_DP_MAX_ROUTES / 2)
#define BENCH_MAX_REPS	 1000
#define BENCH_MAX_ROUNDS 16

struct opts {
	const char *linerated, *exe, *backends, *out;
	unsigned viewers, reps, rounds, rate;
	double secs;
	uint16_t suite;
	int ttfm, fwd, quick, strict;
	int dp_cpu, load_cpu;
};
extern struct opts bench_opts;
extern int bench_failures, bench_misses;

/* A JSON line to stdout (and --out). */
void bench_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A functional check failed: said on stderr, exit status 1. */
void bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* gwb_ttfm.c: both cases on linerated (its HTTP port in e). */
void bench_ttfm(struct gwb_world *w, struct gwb_env *e, const char *be);

/* gwb_fwd.c */
void bench_fwd_gateway(struct gwb_world *w, struct gwb_env *e,
		       const struct gwb_gw *gw, unsigned round);
void bench_fwd_ref(struct gwb_env *e, const char *be, unsigned round);
void bench_fwd_cell(unsigned round);
void bench_summary(void);

/* Waiting in the loop: until p is connected with keys (or failed). */
int bench_wait_connected(struct gwb_world *w, struct gwb_peer *p, double secs);

#endif
