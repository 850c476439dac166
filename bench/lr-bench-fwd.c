// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-fwd: SRTP forwarding, packets per second on ONE worker core.
 *
 * A generator thread (pinned to the other CPU) protects RTP with each
 * flow's keys and sends it over loopback UDP to the data plane, as fast
 * as it can (32 datagrams per UDP GSO message, so it outruns the
 * worker); the data plane (its worker pinned to the last CPU)
 * decrypts, routes to 1 or 10 legs and re-encrypts per leg; the legs go
 * to sink sockets nobody reads (the kernel drops what overflows, as a
 * slow receiver would). Reported: legs forwarded per second and the
 * worker's CPU use, over a fixed time.
 *
 * Baselines, same run, same generator:
 *   recvfrom     the same SRTP work with one recvfrom/sendto per packet
 *                (what a naive gateway does)
 *   relay-mmsg   plain UDP relay with recvmmsg/sendmmsg, no crypto (the
 *                socket I/O limit)
 *   crypto-only  the unprotect + per-leg protect work in memory, bursts
 *                of 64, no I/O (the crypto limit)
 *
 * One JSON object per line:
 *   {"backend":..,"size":..,"fanout":..,"flows":..,"suite":..,"pps":..,
 *    "cpu_pct":..}
 * then a table with the ratios the issue asks about.
 *
 *   lr-bench-fwd [--secs S] [--quick] [--only sock|uring|dpdk|...]
 *                [--max-flows N] [--flows N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd.h"

struct row {
	const char *be;
	unsigned size, fanout, flows, suite;
	struct result r;
};
static struct row rows[128];
static unsigned nrows;

static double pps_of(const char *be, unsigned size, unsigned fanout,
		     unsigned flows, unsigned suite)
{
	for (unsigned i = 0; i < nrows; i++)
		if (!strcmp(rows[i].be, be) && rows[i].size == size &&
		    rows[i].fanout == fanout && rows[i].flows == flows &&
		    rows[i].suite == suite)
			return rows[i].r.pps;
	return 0;
}

/* The targets that this backend set can be held to. */
static void check(const char *what, double a, double b, double want)
{
	double ratio = b > 0 ? a / b : 0;

	if (a <= 0 || b <= 0) {
		printf("  n/a  %-50s (not measured in this run)\n", what);
		return;
	}
	printf("  %-4s %-50s %6.2f (>= %.2f)\n",
	       ratio >= want ? "PASS" : "MISS", what, ratio, want);
}

static const char *only; /* --only BACKEND: that row (and baselines) */

static void emit(const char *be, unsigned size, unsigned fanout, unsigned flows,
		 unsigned suite, struct result r)
{
	if (nrows < sizeof(rows) / sizeof(rows[0]))
		rows[nrows++] = (struct row){be, size, fanout, flows, suite, r};
	printf("{\"backend\":\"%s\",\"size\":%u,\"fanout\":%u,\"flows\":%u,"
	       "\"suite\":\"%s\",\"pps\":%.0f,\"cpu_pct\":%.1f}\n",
	       be, size, fanout, flows, lr_srtp_suite_get(suite)->name, r.pps,
	       r.cpu_pct);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const unsigned sizes[] = {200, 1200}, fanouts[] = {1, 10},
			      flowsv[] = {1, 1000, MAXFLOWS};
	static const unsigned suites[] = {LR_SRTP_AEAD_AES_128_GCM,
					  LR_SRTP_AES128_CM_SHA1_80};
	unsigned max_flows = MAXFLOWS, only_flows = 0, only_size = 0,
		 only_fanout = 0;

	for (int i = 1; i < argc; i++) {
		int more = i + 1 < argc;

		if (!strcmp(argv[i], "--secs") && more)
			fwd_secs_per_run = atof(argv[++i]);
		else if (!strcmp(argv[i], "--no-gro"))
			fwd_no_gro = 1;
		else if (!strcmp(argv[i], "--quick"))
			fwd_secs_per_run = 0.3;
		else if (!strcmp(argv[i], "--only") && more)
			only = argv[++i];
		else if (!strcmp(argv[i], "--max-flows") && more)
			max_flows = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--flows") && more)
			only_flows = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--size") && more)
			only_size = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--fanout") && more)
			only_fanout = (unsigned)atoi(argv[++i]);
		else {
			int help = !strcmp(argv[i], "--help") ||
				   !strcmp(argv[i], "-h");

			if (!help)
				fprintf(stderr,
					"lr-bench-fwd: %s: unknown option or "
					"missing value\n",
					argv[i]);
			fprintf(help ? stdout : stderr,
				"usage: lr-bench-fwd [--quick] [--secs S] "
				"[--only BACKEND] [--max-flows N] [--flows N] "
				"[--size 200|1200] [--fanout 1|10] [--no-gro]\n");
			return help ? 0 : 2;
		}
	}
	fwd_sinks_open();
	for (unsigned su = 0; su < 2; su++)
		for (unsigned si = 0; si < 2; si++)
			for (unsigned fo = 0; fo < 2; fo++)
				for (unsigned fl = 0; fl < 3; fl++) {
					unsigned s = suites[su], z = sizes[si],
						 o = fanouts[fo],
						 f = flowsv[fl];

					if (f > max_flows ||
					    (only_flows && f != only_flows) ||
					    (only_size && z != only_size) ||
					    (only_fanout && o != only_fanout))
						continue;
					/* CM_80: the headline cell only */
					if (su && (si == 0 || fo || fl))
						continue;
#define WANT(b) (!only || !strcmp(only, b))
					if (WANT("sock"))
						emit("sock", z, o, f, s,
						     fwd_run_dp(LR_DP_SOCK, s,
								z, o, f));
#ifdef LR_HAVE_URING
					if (WANT("uring"))
						emit("uring", z, o, f, s,
						     fwd_run_dp(LR_DP_URING, s,
								z, o, f));
#endif
#ifdef LR_HAVE_DPDK
					if (WANT("dpdk"))
						emit("dpdk", z, o, f, s,
						     fwd_run_dpdk(s, z, o, f));
#endif
					if (WANT("recvfrom"))
						emit("recvfrom", z, o, f, s,
						     fwd_run_naive(0, s, z, o,
								   f));
					if (WANT("relay-mmsg"))
						emit("relay-mmsg", z, o, f, s,
						     fwd_run_naive(1, s, z, o,
								   f));
					if (!fl && WANT("crypto-only"))
						emit("crypto-only", z, o, 1, s,
						     fwd_run_crypto(s, z, o));
				}
	printf("\nlegs forwarded per second, one worker core (kpps):\n");
	printf("  %-12s %5s %6s %6s %-24s %9s %6s\n", "backend", "size",
	       "fanout", "flows", "suite", "kpps", "cpu%");
	for (unsigned i = 0; i < nrows; i++)
		printf("  %-12s %5u %6u %6u %-24s %9.1f %6.1f\n", rows[i].be,
		       rows[i].size, rows[i].fanout, rows[i].flows,
		       lr_srtp_suite_get(rows[i].suite)->name,
		       rows[i].r.pps / 1e3, rows[i].r.cpu_pct);
	{
		const unsigned G = LR_SRTP_AEAD_AES_128_GCM;

		printf("\ntargets (issue 6) measurable here:\n");
		check("sock / recvfrom, 1200 B, fan-out 1, GCM",
		      pps_of("sock", 1200, 1, 1, G),
		      pps_of("recvfrom", 1200, 1, 1, G), 1.5);
		check("sock / relay-mmsg, 1200 B, fan-out 1, GCM",
		      pps_of("sock", 1200, 1, 1, G),
		      pps_of("relay-mmsg", 1200, 1, 1, G), 0.8);
		check("uring / sock, 200 B, fan-out 1, GCM",
		      pps_of("uring", 200, 1, 1, G),
		      pps_of("sock", 200, 1, 1, G), 1.2);
#ifdef LR_HAVE_DPDK
		for (unsigned k = 0; k < 2; k++) {
			unsigned su = k ? LR_SRTP_AES128_CM_SHA1_80 : G;
			char what[96];

			snprintf(what, sizeof(what),
				 "dpdk / crypto-only, 1200 B, fan-out 1, %s",
				 k ? "CM_80" : "GCM");
			check(what, pps_of("dpdk", 1200, 1, 1, su),
			      pps_of("crypto-only", 1200, 1, 1, su), 0.85);
			snprintf(what, sizeof(what),
				 "dpdk / sock, 1200 B, fan-out 1, %s",
				 k ? "CM_80" : "GCM");
			check(what, pps_of("dpdk", 1200, 1, 1, su),
			      pps_of("sock", 1200, 1, 1, su), 3.0);
		}
		printf("  (dpdk runs on ring-driver ports: no NIC here)\n");
#endif
		for (unsigned k = 0; k < 3; k++) {
			static const char *const be[] = {"sock", "uring",
							 "dpdk"};

			for (unsigned fl = 1; fl < 3; fl++) {
				char what[96];

				snprintf(
					what, sizeof(what),
					"%s %u flows / 1 flow, 200 B, fan-out 1",
					be[k], flowsv[fl]);
				check(what,
				      pps_of(be[k], 200, 1, flowsv[fl], G),
				      pps_of(be[k], 200, 1, 1, G), 0.8);
			}
		}
	}
	fwd_memory_report();
	return 0;
}
