// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-gateway: linerated (the WHIP/WHEP gateway) measured from the
 * outside, over real HTTP and real WebRTC sessions (lr_pc clients, each
 * on its own UDP socket of 127.0.0.1), with linerated as a child process
 * of this one (--backend sock, then uring).
 *
 * 1. Time to first media (ttfm), repeated --reps times, p50/p95:
 *    viewer_first  a viewer is connected in a room; a publisher POSTs its
 *                  offer (WHIP); time from that POST to the first packet
 *                  of this publisher's media (its payload carries the
 *                  repetition's tag) that the viewer's lr_pc decrypts.
 *    viewer_late   a publisher is sending; a viewer POSTs (WHEP); time
 *                  from that POST to its first decrypted packet.
 *    The publisher sends a 1200-byte video packet every 5 ms and an
 *    audio packet every 20 ms from the moment its keys are ready (so up
 *    to 5 ms of a time is the publisher's pace). Also reported: POST to
 *    the 201 answer, POST to connected (ICE + DTLS, the client's view).
 *
 * 2. CPU per forwarded leg (fwd): a room of --viewers viewers, then a
 *    publisher that hands its media over to a sender thread (SRTP with
 *    its DTLS keys, 1200-byte video in 32-datagram UDP GSO messages, an
 *    audio packet every 20 ms) going as fast as the forwarder takes it
 *    (never more than 2048 datagrams ahead of what viewer 0 received, as
 *    lr-bench-fwd's generator is paced) or at --rate packets per second.
 *    Viewers count every datagram and decrypt one in 32 with their own
 *    keys. Over --secs (five windows, the median window reported):
 *    linerated's data-plane thread's CPU time (/proc/PID/task/TID/
 *    schedstat) divided by the legs it forwarded (GET /metrics,
 *    linerated_forwarded_packets_total). The same in the same run for:
 *      lr_dp         the same room made directly in an lr_dp of this
 *                    process (bench/gwb_ref.c: the sessions linerated
 *                    installs, fixed keys), same sender and viewers: the
 *                    data plane with no gateway around it;
 *      lr-bench-fwd  lr-bench-fwd's own cell (its generator, its unread
 *                    sink), sock, same size, suite and fan-out, one flow.
 *    linerated / reference <= 1.2 is the goal (PASS/MISS).
 *
 * Placement (2 CPUs): the data plane's threads (linerated's, lr_dp's,
 * lr-bench-fwd's) alone on the last CPU; everything else (this process's
 * clients and sender, linerated's control thread) on CPU 0. The load
 * generator shares the machine: on 2 CPUs it has one core.
 *
 * One JSON object per line ({"bench":"gateway","test":...}), then a
 * summary. --out FILE also writes the JSON lines there.
 *
 *   lr-bench-gateway [--linerated PATH] [--backend sock|uring|both]
 *                    [--viewers N] [--reps N] [--secs S] [--rounds N]
 *                    [--rate PPS] [--suite NAME] [--only ttfm|fwd]
 *                    [--out FILE] [--quick] [--strict]
 *
 * --quick is a functional check (what ctest runs): a few repetitions,
 * short cells; it exits 1 when a count is wrong (a repetition without
 * media, a viewer that received nothing or failed a check, a cell that
 * forwarded nothing), never because of a time. --strict: exit 1 on a
 * MISS too.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fwd.h"
#include "gwb.h"
#include "gwb_bench.h"

struct opts bench_opts = {
	.backends = "both",
	.viewers = 10,
	.reps = 20,
	.secs = 2.0,
	.rounds = 3,
	.suite = LR_SRTP_AES128_CM_SHA1_80,
	.ttfm = 1,
	.fwd = 1,
};
int bench_failures;
static FILE *out_file;

void bench_json(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (out_file) {
		va_start(ap, fmt);
		vfprintf(out_file, fmt, ap);
		va_end(ap);
		fputc('\n', out_file);
		fflush(out_file);
	}
}

void bench_fail(const char *fmt, ...)
{
	va_list ap;

	bench_failures++;
	fprintf(stderr, "lr-bench-gateway: FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: lr-bench-gateway [--linerated PATH] "
		   "[--backend sock|uring|both] [--viewers N (1-16)]\n"
		   "       [--reps N] [--secs S] [--rounds N] [--rate PPS] "
		   "[--suite NAME]\n"
		   "       [--only ttfm|fwd] [--out FILE] [--quick] "
		   "[--strict]\n");
}

static int parse(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--quick")) {
			bench_opts.quick = 1;
			bench_opts.reps = 3;
			bench_opts.viewers = 2;
			bench_opts.secs = 0.5;
			bench_opts.rounds = 1;
			continue;
		}
		if (!strcmp(a, "--strict")) {
			bench_opts.strict = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!v)
			goto bad;
		i++;
		if (!strcmp(a, "--linerated"))
			bench_opts.linerated = v;
		else if (!strcmp(a, "--backend"))
			bench_opts.backends = v;
		else if (!strcmp(a, "--viewers"))
			bench_opts.viewers = (unsigned)atoi(v);
		else if (!strcmp(a, "--reps"))
			bench_opts.reps = (unsigned)atoi(v);
		else if (!strcmp(a, "--secs"))
			bench_opts.secs = atof(v);
		else if (!strcmp(a, "--rounds"))
			bench_opts.rounds = (unsigned)atoi(v);
		else if (!strcmp(a, "--rate"))
			bench_opts.rate = (unsigned)atoi(v);
		else if (!strcmp(a, "--suite"))
			bench_opts.suite = (uint16_t)lr_srtp_suite_from_name(v);
		else if (!strcmp(a, "--only")) {
			bench_opts.ttfm = !strcmp(v, "ttfm");
			bench_opts.fwd = !strcmp(v, "fwd");
		} else if (!strcmp(a, "--out"))
			bench_opts.out = v;
		else
			goto bad;
	}
	if (bench_opts.viewers < 1 || bench_opts.viewers > GWB_VIEWERS_MAX ||
	    !bench_opts.reps || bench_opts.reps > BENCH_MAX_REPS ||
	    bench_opts.secs <= 0 || !bench_opts.rounds ||
	    bench_opts.rounds > BENCH_MAX_ROUNDS || !bench_opts.suite ||
	    (!bench_opts.ttfm && !bench_opts.fwd) ||
	    (strcmp(bench_opts.backends, "sock") &&
	     strcmp(bench_opts.backends, "uring") &&
	     strcmp(bench_opts.backends, "both")))
		goto bad;
	return 0;
bad:
	fprintf(stderr, "lr-bench-gateway: bad or missing option value\n");
	usage(stderr);
	return -EINVAL;
}

/* One backend: linerated started with it, its ttfm (first round) and
 * fwd cells, then the reference with the same backend. */
static void bench_backend(struct gwb_env *e, const char *be, unsigned round)
{
	struct gwb_world w = {.env = e};
	struct gwb_gw gw;
	int rc = gwb_gw_start(&gw, bench_opts.exe, be, bench_opts.dp_cpu,
			      bench_opts.load_cpu);

	if (rc == -EIO && !strcmp(be, "uring")) {
		printf("(uring: linerated could not start its data plane "
		       "here; skipped)\n");
		return;
	}
	if (rc) {
		bench_fail("linerated --backend %s did not start (%d)", be, rc);
		return;
	}
	e->http_port = gw.http_port;
	if (!round && bench_opts.ttfm)
		bench_ttfm(&w, e, be);
	if (bench_opts.fwd)
		bench_fwd_gateway(&w, e, &gw, round);
	rc = gwb_gw_stop(&gw);
	if (rc)
		bench_fail("linerated --backend %s exited with status %d", be,
			   rc);
	if (bench_opts.fwd)
		bench_fwd_ref(e, be, round);
}

int main(int argc, char **argv)
{
	static const char *const bes[] = {"sock", "uring"};
	char exe_buf[4096];
	struct gwb_env env;
	int ncpu = fwd_ncpu();

	if (parse(argc, argv))
		return 2;
	bench_opts.exe = gwb_find_linerated(bench_opts.linerated, exe_buf,
					    sizeof(exe_buf));
	if (!bench_opts.exe) {
		fprintf(stderr, "lr-bench-gateway: linerated not found (build "
				"it, or give --linerated PATH)\n");
		return 2;
	}
	bench_opts.dp_cpu = ncpu > 1 ? ncpu - 1 : -1;
	bench_opts.load_cpu = ncpu > 1 ? 0 : -1;
	gwb_pin_self(bench_opts.load_cpu);
	if (bench_opts.out && !(out_file = fopen(bench_opts.out, "a"))) {
		perror(bench_opts.out);
		return 2;
	}
	if (gwb_env_init(&env, bench_opts.suite)) {
		fprintf(stderr, "lr-bench-gateway: no certificate or DTLS "
				"context\n");
		return 1;
	}
	fwd_secs_per_run = bench_opts.secs;
	fwd_sinks_open();
	for (unsigned round = 0; round < bench_opts.rounds; round++) {
		for (int b = 0; b < 2; b++) {
			if (strcmp(bench_opts.backends, "both") &&
			    strcmp(bench_opts.backends, bes[b]))
				continue;
			bench_backend(&env, bes[b], round);
		}
		if (bench_opts.fwd)
			bench_fwd_cell(round);
	}
	if (bench_opts.fwd)
		bench_summary();
	gwb_env_free(&env);
	if (out_file)
		fclose(out_file);
	if (bench_failures)
		fprintf(stderr, "lr-bench-gateway: %d check(s) failed\n",
			bench_failures);
	return bench_failures || (bench_opts.strict && bench_misses) ? 1 : 0;
}
