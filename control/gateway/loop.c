/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The gateway's one control thread: set-up (the data plane, the
 * certificate, the HTTP server), then a loop that polls HTTP, the punt
 * queue and the signals, drives every session's timers and pumps what
 * changed. SIGTERM/SIGINT drain: no new sessions (503), the existing
 * ones may run until limits.drain_s, then everything ends and the
 * process exits 0. SIGHUP reloads tokens and limits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "gw.h"
#include "linerate/lr_srtp.h"

#define GW_SLOW_US 20000 /* rooms' keyframe requests, receiver reports */

uint64_t gw_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

static int text_ip(const char *s, uint8_t *ip, uint8_t *family)
{
	if (inet_pton(AF_INET, s, ip) == 1) {
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ip) == 1) {
		*family = 6;
		return 0;
	}
	return -EINVAL;
}

static int open_dp(struct gw *g)
{
	struct lr_addr want[GW_MAX_PORTS] = {{0}};
	struct lr_dp_config dc = {0};
	unsigned n =
		g->cfg.port_max ? g->cfg.port_max - g->cfg.port_min + 1 : 1;
	uint8_t fam;
	int rc;

	for (unsigned i = 0; i < n; i++) {
		if (text_ip(g->cfg.media_ip, want[i].ip, &fam))
			return -EINVAL;
		want[i].family = fam;
		want[i].port =
			g->cfg.port_max ? (uint16_t)(g->cfg.port_min + i) : 0;
	}
	/* a publisher's session routes each of its two tracks to each
	 * viewer */
	if (g->cfg.limits.max_viewers * GW_KINDS > LR_DP_MAX_ROUTES) {
		gw_log(&g->log, GW_LOG_ERROR, "config", "why",
		       "max_viewers is more than the data plane's routes allow "
		       "(LR_DP_MAX_ROUTES / 2)",
		       NULL);
		return -EINVAL;
	}
	dc.local = want;
	dc.nlocal = n;
	dc.workers = g->cfg.workers;
	dc.max_sessions = g->cfg.limits.max_sessions + 16;
	/* a packet fans out to up to two legs per viewer: enough buffers
	 * for a burst of them to the fullest room (~2 KB each) */
	dc.pool = LR_DP_BURST * (g->cfg.limits.max_viewers + 1);
	if (dc.pool < 4096)
		dc.pool = 4096;
	switch (g->cfg.backend) {
	case GW_BACKEND_SOCK:
		dc.backend = LR_DP_SOCK;
		break;
	case GW_BACKEND_URING:
		dc.backend = LR_DP_URING;
		break;
	case GW_BACKEND_DPDK:
		dc.backend = LR_DP_DPDK;
		dc.eal_args = g->cfg.dpdk_eal[0] ? g->cfg.dpdk_eal : NULL;
		dc.dpdk_port = g->cfg.dpdk_port;
		dc.dpdk_prefix4 = g->cfg.dpdk_prefix4;
		dc.dpdk_prefix6 = g->cfg.dpdk_prefix6;
		/* validated by the configuration: numeric, of their family */
		if ((g->cfg.dpdk_gw4[0] &&
		     inet_pton(AF_INET, g->cfg.dpdk_gw4, dc.dpdk_gw4) != 1) ||
		    (g->cfg.dpdk_gw6[0] &&
		     inet_pton(AF_INET6, g->cfg.dpdk_gw6, dc.dpdk_gw6) != 1))
			return -EINVAL;
		break;
	default:
		dc.backend =
			LR_DP_AUTO; /* uring if its ring starts, else sock */
	}
	g->backend_name = dc.backend == LR_DP_URING  ? "uring"
			  : dc.backend == LR_DP_DPDK ? "dpdk"
			  : dc.backend == LR_DP_SOCK ? "sock"
						     : "auto";
	rc = lr_dp_new(&dc, &g->dp);
	if (rc)
		return rc;
	g->backend_name = lr_dp_backend_name(g->dp); /* auto's pick */
	g->nlocal = n;
	for (unsigned i = 0; i < n; i++) {
		lr_dp_local_addr(g->dp, i, &g->dp_local[i]);
		g->adv[i].family = g->dp_local[i].family;
		g->adv[i].port = g->dp_local[i].port;
		memcpy(g->adv[i].ip, g->dp_local[i].ip, 16);
		if (g->cfg.public_ip[0] &&
		    text_ip(g->cfg.public_ip, g->adv[i].ip, &g->adv[i].family))
			return -EINVAL;
	}
	return 0;
}

static int open_signals(struct gw *g)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	g->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return g->sigfd < 0 ? -errno : 0;
}

int gw_open(struct gw *g)
{
	uint64_t serial = 0;
	char e[32], port[16], addr[80];
	int rc;

	g->log.out = stderr;
	g->log.json = g->cfg.log_json;
	g->log.level = g->cfg.log_level;
	g->sigfd = -1;
	g->now = g->started_us = gw_now_us();
	g->next_due = UINT64_MAX;
	/* before any thread starts: the data plane's workers inherit the
	 * mask, so the signals come to the signalfd only */
	rc = open_signals(g);
	if (rc)
		return rc;
	if (gw_map_init(&g->by_rid, 4096, (size_t)-1) ||
	    gw_map_init(&g->by_id, 4096, (size_t)-1) ||
	    gw_map_init(&g->by_ufrag, 4096, (size_t)-1) ||
	    gw_map_init(&g->by_tuple, 4096,
			(size_t)g->cfg.limits.max_sessions * GW_TUPLES + 64) ||
	    gw_map_init(&g->rate, 1024, 65536))
		return -ENOMEM;
	rc = open_dp(g);
	if (rc) {
		snprintf(e, sizeof(e), "%d", rc);
		gw_log(&g->log, GW_LOG_ERROR, "dataplane_failed", "backend",
		       g->backend_name ? g->backend_name : "-", "error", e,
		       "why",
		       rc == -ENODEV	   ? "no such device: for dpdk, [dpdk] "
					     "eal_args must bring a port (a NIC "
					     "bound to vfio-pci, or a --vdev)"
		       : rc == -EADDRINUSE ? "a media port is in use"
					   : strerror(-rc),
		       NULL);
		return rc;
	}
	if (getrandom(&serial, sizeof(serial), 0) != sizeof(serial) ||
	    lr_cert_generate(LR_CERT_ECDSA_P256, (int64_t)time(NULL), 30,
			     serial | 1, &g->cert) ||
	    lr_dtls_ctx_new(g->cert, NULL, 0, &g->dtls))
		return -EIO;
	g->srtp = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	if (!g->srtp)
		return -ENOMEM;
	rc = gw_http_start(g);
	if (rc) {
		gw_log(&g->log, GW_LOG_ERROR, "http_failed", "listen",
		       g->cfg.http_listen, NULL);
		return rc;
	}
	snprintf(port, sizeof(port), "%u", g->http_port);
	gw_addr_text(&g->dp_local[0], addr, sizeof(addr));
	snprintf(e, sizeof(e), "%u", g->nlocal);
	gw_log(&g->log, GW_LOG_INFO, "started", "http", g->cfg.http_listen,
	       "http_port", port, "media", addr, "media_ports", e, "backend",
	       g->backend_name, NULL);
	return 0;
}

static void on_signal(struct gw *g)
{
	struct signalfd_siginfo si;
	char err[300], note[300];

	while (read(g->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			if (gw_config_reload(&g->cfg, err, sizeof(err), note,
					     sizeof(note)))
				gw_log(&g->log, GW_LOG_ERROR, "reload_failed",
				       "why", err, NULL);
			else
				gw_log(&g->log, GW_LOG_INFO, "reloaded", "note",
				       note, NULL);
		} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			if (g->draining) {
				g->stop = 1; /* a second one: now */
				continue;
			}
			g->draining = 1;
			g->drain_until =
				g->now +
				(uint64_t)g->cfg.limits.drain_s * 1000000u;
			gw_log(&g->log, GW_LOG_INFO, "draining", NULL);
		}
	}
}

static int poll_ms(struct gw *g)
{
	uint64_t t = gw_http_timeout_ms(g), next;

	if (g->any_dirty)
		return 0;
	next = g->next_due <= g->now ? 0 : (g->next_due - g->now) / 1000 + 1;
	if (next < t)
		t = next;
	return t > 100 ? 100 : (int)t;
}

int gw_run(struct gw *g)
{
	while (!g->stop) {
		struct pollfd p[3] = {
			{.fd = gw_http_fd(g), .events = POLLIN},
			{.fd = lr_dp_punt_fd(g->dp), .events = POLLIN},
			{.fd = g->sigfd, .events = POLLIN},
		};

		g->now = gw_now_us();
		poll(p, 3, poll_ms(g));
		g->now = gw_now_us();
		if (p[2].revents)
			on_signal(g);
		gw_http_run(g);
		gw_punts(g, 4096);
		g->now = gw_now_us();
		gw_session_timers(g);
		if (g->now >= g->slow_at) {
			g->slow_at = g->now + GW_SLOW_US;
			gw_room_timers(g);
			gw_rtcp_timers(g);
		}
		gw_sessions_reap(g);
		if (g->draining && (!g->nsessions || g->now >= g->drain_until))
			g->stop = 1;
	}
	return 0;
}

void gw_close(struct gw *g)
{
	for (struct gw_session *s = g->sessions; s; s = s->next)
		gw_session_end(s, "the gateway stops");
	gw_sessions_reap(g);
	gw_http_stop(g);
	if (g->dp)
		lr_dp_free(g->dp);
	g->dp = NULL;
	lr_dtls_ctx_free(g->dtls);
	lr_srtp_worker_free(g->srtp);
	lr_cert_free(g->cert);
	gw_map_free(&g->by_rid);
	gw_map_free(&g->by_id);
	gw_map_free(&g->by_ufrag);
	gw_map_free(&g->by_tuple);
	for (size_t i = 0; g->rate.b && i < g->rate.nb; i++)
		for (struct gw_map_ent *e = g->rate.b[i]; e; e = e->next)
			free(e->val);
	gw_map_free(&g->rate);
	while (g->rooms) {
		struct gw_room *r = g->rooms;

		g->rooms = r->next;
		free(r);
	}
	if (g->sigfd >= 0)
		close(g->sigfd);
	gw_log(&g->log, GW_LOG_INFO, "stopped", NULL);
}
