// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-fwd: SRTP forwarding, packets per second on ONE worker core.
 *
 * A generator thread (pinned to the other CPU) protects RTP with each
 * flow's keys and sends it over loopback UDP to the data plane, as fast
 * as the data plane takes it in (paced: fwd.h); the data plane (its
 * worker pinned to the last CPU) decrypts, routes to 1 or 10 legs and
 * re-encrypts per leg; the legs go to sink sockets nobody reads (the
 * kernel drops what overflows, as a slow receiver would). Reported: legs
 * forwarded per second and the worker's CPU use, over a fixed time.
 *
 * How the packets reach the socket backends ("rx", fwd.h):
 *   datagram   one datagram per packet, the flows round robin packet by
 *              packet: what a NIC delivers at media rates, where the
 *              kernel's UDP GRO has nothing to merge. The headline.
 *   gso-batch  32 packets of one flow as one UDP GSO message, which on
 *              loopback reaches the UDP_GRO socket whole: the receive
 *              side paid once per 32 packets. The best case, labelled so.
 * dpdk (in-process ring ports, no NIC) gets its frames in the datagram
 * order; so do the recvfrom and relay-mmsg baselines.
 *
 * Baselines, same run:
 *   recvfrom          the same SRTP work with one recvfrom/sendto per
 *                     packet (what a naive gateway does)
 *   relay-mmsg        plain UDP relay with recvmmsg/sendmmsg, no crypto
 *                     (the socket I/O limit)
 *   crypto-only       the unprotect + per-leg protect work in memory,
 *                     bursts of 64, no I/O, the packets hot in the cache
 *                     (they were just written): the crypto limit
 *   crypto-only-cold  the same with each burst's packets flushed from
 *                     every cache level first, as after a NIC's DMA
 *                     (fwd_baselines.c): the limit a receive path that
 *                     gets its packets from a device can approach
 *
 * One JSON object per line:
 *   {"backend":..,"rx":..,"size":..,"fanout":..,"flows":..,"suite":..,
 *    "pps":..,"cpu_pct":..[,"rx_packets":..,"rx_coalesced":..]}
 * ("rx" absent for the crypto rows; rx_packets / rx_coalesced, the data
 * plane's counters over the cell, for sock and uring), then a table, the
 * headline and the ratios the issues ask about, PASS or MISS.
 *
 *   lr-bench-fwd [--secs S] [--quick] [--only BACKEND] [--rx MODE]
 *                [--max-flows N] [--flows N] [--size N] [--fanout N]
 *                [--no-gro]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd.h"

#define GCM   LR_SRTP_AEAD_AES_128_GCM
#define CM_80 LR_SRTP_AES128_CM_SHA1_80
#define DGRAM "datagram"
#define GSO   "gso-batch"

struct row {
	const char *be, *rx; /* rx: NULL for the crypto rows */
	unsigned size, fanout, flows, suite;
	struct result r;
};
static struct row rows[192];
static unsigned nrows;

static const struct row *row_of(const char *be, const char *rx, unsigned size,
				unsigned fanout, unsigned flows, unsigned suite)
{
	for (unsigned i = 0; i < nrows; i++)
		if (!strcmp(rows[i].be, be) && rows[i].size == size &&
		    rows[i].fanout == fanout && rows[i].flows == flows &&
		    rows[i].suite == suite &&
		    (!rx || (rows[i].rx && !strcmp(rows[i].rx, rx))))
			return &rows[i];
	return NULL;
}

static double pps_of(const char *be, const char *rx, unsigned size,
		     unsigned fanout, unsigned flows, unsigned suite)
{
	const struct row *r = row_of(be, rx, size, fanout, flows, suite);

	return r ? r->r.pps : 0;
}

/* One target: PASS or MISS (both printed), or n/a when a side was not
 * measured in this run. */
static void check(const char *what, double a, double b, double want)
{
	double ratio = b > 0 ? a / b : 0;

	if (a <= 0 || b <= 0) {
		printf("  n/a  %-62s (not measured in this run)\n", what);
		return;
	}
	printf("  %-4s %-62s %6.2f (>= %.2f)\n",
	       ratio >= want ? "PASS" : "MISS", what, ratio, want);
}

static const char *only; /* --only BACKEND: that row (and no other) */
/* --rx: the generator's modes (fwd.h), a bit each; default datagram and
 * gso-batch */
static unsigned rx_modes = 1u << FWD_RX_DATAGRAM | 1u << FWD_RX_GSO;

#define WANT(b) (!only || !strcmp(only, b))

static void emit(const char *be, const char *rx, unsigned size, unsigned fanout,
		 unsigned flows, unsigned suite, struct result r)
{
	int sockets = !strcmp(be, "sock") || !strcmp(be, "uring");

	if (nrows < sizeof(rows) / sizeof(rows[0]))
		rows[nrows++] =
			(struct row){be, rx, size, fanout, flows, suite, r};
	printf("{\"backend\":\"%s\"", be);
	if (rx)
		printf(",\"rx\":\"%s\"", rx);
	printf(",\"size\":%u,\"fanout\":%u,\"flows\":%u,\"suite\":\"%s\","
	       "\"pps\":%.0f,\"cpu_pct\":%.1f",
	       size, fanout, flows, lr_srtp_suite_get(suite)->name, r.pps,
	       r.cpu_pct);
	if (sockets)
		printf(",\"rx_packets\":%llu,\"rx_coalesced\":%llu",
		       (unsigned long long)r.rx_packets,
		       (unsigned long long)r.rx_coalesced);
	printf("}\n");
	fflush(stdout);
}

/* A socket backend in each rx mode asked for. */
static void run_sockets(const char *be, enum lr_dp_backend b, unsigned s,
			unsigned z, unsigned o, unsigned f)
{
	for (unsigned m = 0; m < 3 && WANT(be); m++)
		if (rx_modes & 1u << m) {
			fwd_rx_mode = (enum fwd_rx)m;
			emit(be, fwd_rx_name(m), z, o, f, s,
			     fwd_run_dp(b, s, z, o, f));
		}
}

/* One cell: every backend and baseline wanted. The crypto rows have no
 * flows (one session each way), and recvfrom and relay-mmsg are in no
 * target past one flow (where recvfrom's one tx session per leg holds
 * every flow's stream, whose lookup is not what it measures): with the
 * first flow count only. dpdk and the baselines have no GSO: they run
 * in the datagram order when datagram or gso-batch is asked for. */
static void run_cell(unsigned s, unsigned z, unsigned o, unsigned f,
		     int first_flows)
{
	static const enum fwd_rx other[] = {FWD_RX_DATAGRAM,
					    FWD_RX_DATAGRAM_BURSTS};

	run_sockets("sock", LR_DP_SOCK, s, z, o, f);
#ifdef LR_HAVE_URING
	run_sockets("uring", LR_DP_URING, s, z, o, f);
#endif
	for (unsigned k = 0; k < 2; k++) {
		enum fwd_rx m = other[k];
		const char *rx = fwd_rx_name(m);

		if (m == FWD_RX_DATAGRAM ? !(rx_modes & (1u << FWD_RX_DATAGRAM |
							 1u << FWD_RX_GSO))
					 : !(rx_modes & 1u << m))
			continue;
		fwd_rx_mode = m;
#ifdef LR_HAVE_DPDK
		if (WANT("dpdk"))
			emit("dpdk", rx, z, o, f, s, fwd_run_dpdk(s, z, o, f));
#endif
		if (first_flows && WANT("recvfrom"))
			emit("recvfrom", rx, z, o, f, s,
			     fwd_run_naive(0, s, z, o, f));
		if (first_flows && WANT("relay-mmsg"))
			emit("relay-mmsg", rx, z, o, f, s,
			     fwd_run_naive(1, s, z, o, f));
	}
	if (first_flows && WANT("crypto-only"))
		emit("crypto-only", NULL, z, o, 1, s,
		     fwd_run_crypto(s, z, o, 0));
	if (first_flows && WANT("crypto-only-cold") &&
	    fwd_crypto_cold_supported())
		emit("crypto-only-cold", NULL, z, o, 1, s,
		     fwd_run_crypto(s, z, o, 1));
}

/* Below this share of its CPU the worker waited for packets: the generator
 * (one core) set the pace of that cell, in part. */
#define BUSY_PCT 95.0

/* legs per second of the worker's CPU time (kpps) */
static double per_cpu(const struct row *w)
{
	return w && w->r.cpu_pct > 0 ? w->r.pps / (w->r.cpu_pct / 100.0) : 0;
}

static void print_table(void)
{
	unsigned idle = 0;

	printf("\nlegs forwarded per second, one worker core (kpps; per cpu: "
	       "per second of the worker's CPU time; coalesced: share of "
	       "received datagrams UDP GRO merged):\n");
	printf("  %-16s %-15s %5s %6s %6s %-24s %9s %6s  %9s %9s\n", "backend",
	       "rx", "size", "fanout", "flows", "suite", "kpps", "cpu%",
	       "per cpu", "coalesced");
	for (unsigned i = 0; i < nrows; i++) {
		const struct row *w = &rows[i];
		int low = w->r.pps > 0 && w->r.cpu_pct < BUSY_PCT;
		char co[16] = "";

		if (w->r.rx_packets)
			snprintf(co, sizeof(co), "%.1f%%",
				 100.0 * (double)w->r.rx_coalesced /
					 (double)w->r.rx_packets);
		idle += low;
		printf("  %-16s %-15s %5u %6u %6u %-24s %9.1f %6.1f%c %9.1f "
		       "%9s\n",
		       w->be, w->rx ? w->rx : "-", w->size, w->fanout, w->flows,
		       lr_srtp_suite_get(w->suite)->name, w->r.pps / 1e3,
		       w->r.cpu_pct, low ? '*' : ' ', per_cpu(w) / 1e3, co);
	}
	if (idle)
		printf("  *: the worker below %.0f %% CPU: the generator (one "
		       "core) set the pace of that cell in part; per cpu is a "
		       "lower bound of what the worker would take\n",
		       BUSY_PCT);
}

/* The datagram rows (and datagram-bursts) must be what they say: no more
 * than 1 % of their datagrams merged by GRO (on loopback none are). */
static void print_gro_check(void)
{
	uint64_t rx = 0, co = 0;
	unsigned cells = 0, bad = 0;

	for (unsigned i = 0; i < nrows; i++) {
		const struct row *w = &rows[i];

		if (!w->rx || strncmp(w->rx, DGRAM, strlen(DGRAM)) ||
		    !w->r.rx_packets)
			continue;
		cells++;
		rx += w->r.rx_packets;
		co += w->r.rx_coalesced;
		if (w->r.rx_coalesced * 100 > w->r.rx_packets)
			bad++;
	}
	if (!cells)
		return;
	printf("\none datagram per packet: %llu of %llu datagrams came merged "
	       "by UDP GRO over %u cells; %u cell(s) above 1 %%%s\n",
	       (unsigned long long)co, (unsigned long long)rx, cells, bad,
	       bad ? ": NOT one datagram per packet there" : "");
}

static void print_headline(void)
{
	printf("\nheadline, 1200 B, fan-out 1, one flow, AEAD_AES_128_GCM "
	       "(kpps):\n");
	printf("  one datagram per packet:        sock %7.1f  uring %7.1f  "
	       "dpdk (ring ports) %7.1f\n",
	       pps_of("sock", DGRAM, 1200, 1, 1, GCM) / 1e3,
	       pps_of("uring", DGRAM, 1200, 1, 1, GCM) / 1e3,
	       pps_of("dpdk", DGRAM, 1200, 1, 1, GCM) / 1e3);
	printf("  best case, GSO batches of %2u:   sock %7.1f  uring %7.1f  "
	       "(loopback GRO takes them whole)\n",
	       GEN_BURST, pps_of("sock", GSO, 1200, 1, 1, GCM) / 1e3,
	       pps_of("uring", GSO, 1200, 1, 1, GCM) / 1e3);
	printf("  crypto limit, no I/O:           hot %7.1f  cold %7.1f\n",
	       pps_of("crypto-only", NULL, 1200, 1, 1, GCM) / 1e3,
	       pps_of("crypto-only-cold", NULL, 1200, 1, 1, GCM) / 1e3);
}

/* a / b for the same cell, a's rx mode and b's given */
static void check_cell(const char *a, const char *arx, const char *b,
		       const char *brx, unsigned size, unsigned suite,
		       double want, const char *note)
{
	char what[128];

	snprintf(what, sizeof(what), "%s / %s, %u B, fan-out 1, %s%s", a, b,
		 size, suite == GCM ? "GCM" : "CM_80", note);
	check(what, pps_of(a, arx, size, 1, 1, suite),
	      pps_of(b, brx, size, 1, 1, suite), want);
}

static void print_targets(const unsigned *flowsv, unsigned nflows)
{
	printf("\ntargets (issue 6), sockets one datagram per packet "
	       "(best case: GSO batches):\n");
	check_cell("sock", DGRAM, "recvfrom", DGRAM, 1200, GCM, 1.5, "");
	check_cell("sock", GSO, "recvfrom", DGRAM, 1200, GCM, 1.5,
		   " (best case)");
	check_cell("sock", DGRAM, "relay-mmsg", DGRAM, 1200, GCM, 0.8, "");
	check_cell("sock", GSO, "relay-mmsg", DGRAM, 1200, GCM, 0.8,
		   " (best case)");
#ifdef LR_HAVE_DPDK
	for (unsigned k = 0; k < 2; k++) {
		unsigned su = k ? CM_80 : GCM;

		check_cell("dpdk", DGRAM, "sock", DGRAM, 1200, su, 3.0, "");
		check_cell("dpdk", DGRAM, "sock", GSO, 1200, su, 3.0,
			   " (sock best case)");
	}
#endif
	for (unsigned k = 0; k < 5; k++) {
		static const char *const be[] = {"sock", "sock", "uring",
						 "uring", "dpdk"};
		int best = k == 1 || k == 3;
		const char *rx = best ? GSO : DGRAM;

		for (unsigned fl = 1; fl < nflows; fl++) {
			char what[128];

			snprintf(what, sizeof(what),
				 "%s %u flows / 1 flow, 200 B, fan-out 1%s",
				 be[k], flowsv[fl], best ? " (best case)" : "");
			check(what, pps_of(be[k], rx, 200, 1, flowsv[fl], GCM),
			      pps_of(be[k], rx, 200, 1, 1, GCM), 0.8);
		}
	}
	printf("\ngoals (issue 14):\n");
#ifdef LR_HAVE_DPDK
	for (unsigned k = 0; k < 2; k++) {
		unsigned su = k ? CM_80 : GCM;

		check_cell("dpdk", DGRAM, "crypto-only-cold", NULL, 1200, su,
			   0.85, "");
		check_cell("dpdk", DGRAM, "crypto-only", NULL, 1200, su, 0.85,
			   " (hot)");
	}
	printf("  (dpdk runs on ring-driver ports: no NIC here)\n");
#endif
	for (unsigned k = 0; k < 2; k++) {
		const char *rx = k ? GSO : DGRAM;
		const struct row *u = row_of("uring", rx, 200, 1, 1, GCM),
				 *o = row_of("sock", rx, 200, 1, 1, GCM);

		check_cell("uring", rx, "sock", rx, 200, GCM, 1.2,
			   k ? " (best case)" : "");
		if (u && o && per_cpu(o) > 0)
			printf("       the same per second of worker CPU: %.2f "
			       "(worker at %.0f %% and %.0f %% CPU)\n",
			       per_cpu(u) / per_cpu(o), u->r.cpu_pct,
			       o->r.cpu_pct);
	}
}

static int usage(const char *bad)
{
	if (bad)
		fprintf(stderr,
			"lr-bench-fwd: %s: unknown option or missing value\n",
			bad);
	fprintf(bad ? stderr : stdout,
		"usage: lr-bench-fwd [--quick] [--secs S] [--only BACKEND] "
		"[--rx datagram|gso-batch|both|datagram-bursts] [--max-flows N] "
		"[--flows N] "
		"[--size 200|1200] [--fanout 1|10] [--no-gro]\n");
	return bad ? 2 : 0;
}

int main(int argc, char **argv)
{
	static const unsigned sizes[] = {200, 1200}, fanouts[] = {1, 10},
			      flowsv[] = {1, 1000, MAXFLOWS};
	static const unsigned suites[] = {GCM, CM_80};
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
		else if (!strcmp(argv[i], "--rx") && more) {
			const char *m = argv[++i];

			rx_modes = 0;
			for (unsigned k = 0; k < 3; k++)
				if (!strcmp(m, fwd_rx_name(k)))
					rx_modes = 1u << k;
			if (!strcmp(m, "both"))
				rx_modes = 1u << FWD_RX_DATAGRAM |
					   1u << FWD_RX_GSO;
			if (!rx_modes)
				return usage(m);
		} else if (!strcmp(argv[i], "--max-flows") && more)
			max_flows = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--flows") && more)
			only_flows = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--size") && more)
			only_size = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--fanout") && more)
			only_fanout = (unsigned)atoi(argv[++i]);
		else
			return usage(strcmp(argv[i], "--help") &&
						     strcmp(argv[i], "-h")
					     ? argv[i]
					     : NULL);
	}
	fwd_sinks_open();
	for (unsigned su = 0; su < 2; su++)
		for (unsigned si = 0; si < 2; si++)
			for (unsigned fo = 0; fo < 2; fo++)
				for (unsigned fl = 0; fl < 3; fl++) {
					unsigned f = flowsv[fl];

					if (f > max_flows ||
					    (only_flows && f != only_flows) ||
					    (only_size &&
					     sizes[si] != only_size) ||
					    (only_fanout &&
					     fanouts[fo] != only_fanout))
						continue;
					/* CM_80: the headline cell only */
					if (su && (si == 0 || fo || fl))
						continue;
					run_cell(suites[su], sizes[si],
						 fanouts[fo], f, !fl);
				}
	print_table();
	print_gro_check();
	print_headline();
	print_targets(flowsv, 3);
	fwd_memory_report();
	return 0;
}
