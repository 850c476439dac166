// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-gateway's WebRTC clients: each an lr_pc (the driver's CSPRNG,
 * one shared certificate and DTLS context) on a UDP socket of its own on
 * 127.0.0.1, offering audio and video (sendonly for WHIP, recvonly for
 * WHEP) and one SRTP profile. The loop (gwb_world_run) is their driver:
 * it owns the sockets and the clock, reads UDP GRO messages and splits
 * them, feeds lr_pc, sends what it transmits, takes its events, and
 * makes a publisher's media before its hand-over (a video packet every
 * 5 ms, an audio packet every 20 ms, through lr_pc_send_rtp).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gwb.h"
#include "linerate/lr_rand.h"
#include "linerate/lr_rtp.h"

#ifndef UDP_GRO
#define UDP_GRO 104
#endif

#define VIDEO_GAP 5000	/* us between video packets through lr_pc */
#define AUDIO_GAP 20000 /* us between audio packets */

int gwb_env_init(struct gwb_env *e, uint16_t profile)
{
	memset(e, 0, sizeof(*e));
	e->profile = profile;
	if (lr_cert_generate(LR_CERT_ECDSA_P256, (int64_t)time(NULL), 30,
			     (uint64_t)getpid() << 16 | 1, &e->cert) ||
	    lr_dtls_ctx_new(e->cert, &e->profile, 1, &e->dtls))
		return -EIO;
	e->srtp = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	return e->srtp ? 0 : -ENOMEM;
}

void gwb_env_free(struct gwb_env *e)
{
	lr_dtls_ctx_free(e->dtls);
	lr_cert_free(e->cert);
	if (e->srtp)
		lr_srtp_worker_free(e->srtp);
	memset(e, 0, sizeof(*e));
}

/* A UDP socket on 127.0.0.1 with big buffers and UDP GRO. */
int gwb_udp_socket(struct lr_addr *local)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int big = 8 << 20, one = 1;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &al)) {
		close(fd);
		return -errno;
	}
	memset(local, 0, sizeof(*local));
	local->family = 4;
	local->port = ntohs(a.sin_port);
	memcpy(local->ip, &a.sin_addr, 4);
	return fd;
}

int gwb_peer_new(struct gwb_peer *p, struct gwb_env *e, enum gwb_kind kind)
{
	struct lr_pc_config c = {.cert = e->cert,
				 .nlocal = 1,
				 .rand = lr_rand_system(),
				 .srtp_profiles = &e->profile,
				 .nprofiles = 1,
				 .dtls_ctx = e->dtls,
				 .srtp_worker = e->srtp};
	enum lr_sdp_dir dir =
		kind == GWB_PUBLISH ? LR_SDP_SENDONLY : LR_SDP_RECVONLY;

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->pt[0] = p->pt[1] = -1;
	p->fd = gwb_udp_socket(&p->local);
	if (p->fd < 0)
		return p->fd;
	c.local = &p->local;
	if (lr_pc_new(&c, gwb_now_us(), &p->pc) ||
	    (p->tr[0] = lr_pc_add_transceiver(p->pc, "audio", dir)) < 0 ||
	    (p->tr[1] = lr_pc_add_transceiver(p->pc, "video", dir)) < 0) {
		gwb_peer_free(p);
		return -EIO;
	}
	return 0;
}

void gwb_peer_free(struct gwb_peer *p)
{
	if (p->pc)
		lr_pc_free(p->pc);
	if (p->fd > 0)
		close(p->fd);
	if (p->rx_ok)
		lr_srtp_ctx_clear(&p->rx);
	memset(&p->k, 0, sizeof(p->k));
	p->pc = NULL;
	p->fd = -1;
	p->rx_ok = 0;
}

/* The first payload type of the answer's m= line of kind. */
static int answer_pt(const char *sdp, const char *kind)
{
	char want[16];
	const char *m;
	int pt;

	snprintf(want, sizeof(want), "m=%s ", kind);
	m = strstr(sdp, want);
	if (!m || sscanf(m + strlen(want), "%*u %*s %d", &pt) != 1)
		return -1;
	return pt;
}

int gwb_peer_post(struct gwb_peer *p, struct gwb_env *e, const char *room)
{
	static char sdp[65536];
	char path[160];
	struct gwb_resp r;
	struct lr_sdp_error err = {0};
	int n, rc;

	n = lr_pc_create_offer(p->pc, sdp, sizeof(sdp));
	if (n < 0 || lr_pc_set_local_description(p->pc, LR_PC_OFFER, sdp, NULL))
		return n < 0 ? n : -EINVAL;
	snprintf(path, sizeof(path), "/%s/%s",
		 p->kind == GWB_PUBLISH ? "whip" : "whep", room);
	p->t_post = gwb_now_us();
	rc = gwb_http(e->http_port, "POST", path, "application/sdp", sdp,
		      (size_t)n, &r);
	if (rc)
		return rc;
	p->t_answer = gwb_now_us();
	if (r.status != 201 || !r.location[0]) {
		fprintf(stderr, "lr-bench-gateway: POST %s: %d %.200s\n", path,
			r.status, r.body ? r.body : "");
		gwb_resp_free(&r);
		return -EPROTO;
	}
	snprintf(p->location, sizeof(p->location), "%s", r.location);
	rc = lr_pc_set_remote_description(p->pc, LR_PC_ANSWER, r.body, &err);
	if (!rc && p->kind == GWB_PUBLISH) {
		p->pt[0] = answer_pt(r.body, "audio");
		p->pt[1] = answer_pt(r.body, "video");
	}
	gwb_resp_free(&r);
	return rc;
}

int gwb_peer_delete(struct gwb_peer *p, struct gwb_env *e)
{
	struct gwb_resp r;
	int rc;

	if (!p->location[0] || p->deleted)
		return 0;
	rc = gwb_http(e->http_port, "DELETE", p->location, NULL, NULL, 0, &r);
	if (rc)
		return rc;
	p->deleted = 1;
	rc = r.status == 200 ? 0 : -EPROTO;
	gwb_resp_free(&r);
	return rc;
}

void gwb_world_add(struct gwb_world *w, struct gwb_peer *p)
{
	if (w->n < sizeof(w->peers) / sizeof(w->peers[0]))
		w->peers[w->n++] = p;
}

void gwb_world_del(struct gwb_world *w, struct gwb_peer *p)
{
	for (unsigned i = 0; i < w->n; i++)
		if (w->peers[i] == p) {
			w->peers[i] = w->peers[--w->n];
			return;
		}
}

static void transmit(struct gwb_peer *p)
{
	struct lr_pc_transmit t;

	while (lr_pc_poll_transmit(p->pc, &t)) {
		struct sockaddr_in to = {.sin_family = AF_INET,
					 .sin_port = htons(t.remote.port)};

		if (t.remote.family != 4)
			continue; /* 127.0.0.1 only here */
		memcpy(&to.sin_addr, t.remote.ip, 4);
		sendto(p->fd, t.buf, t.len, 0, (struct sockaddr *)&to,
		       sizeof(to));
	}
}

static void on_event(struct gwb_peer *p, const struct lr_pc_event *ev,
		     uint64_t now)
{
	switch (ev->type) {
	case LR_PC_EV_CONNECTION_STATE:
		if (ev->state == LR_PC_CONNECTED && !p->t_connected) {
			struct lr_addr l, r;

			p->t_connected = now;
			p->connected = 1;
			if (lr_pc_selected_pair(p->pc, &l, &r)) {
				p->remote.family = r.family;
				p->remote.port = r.port;
				memcpy(p->remote.ip, r.ip, 16);
			}
		}
		if (ev->state == LR_PC_FAILED || ev->state == LR_PC_CLOSED)
			p->failed = 1;
		break;
	case LR_PC_EV_KEYS_READY:
		p->k = ev->keys;
		p->keys = 1;
		p->next_audio = p->next_video = now;
		for (int k = 0; k < 2; k++)
			p->ssrc[k] = lr_pc_transceiver_ssrc(p->pc, p->tr[k]);
		break;
	case LR_PC_EV_RTP:
		if (p->kind == GWB_PLAY && !p->t_first && ev->len >= 8 &&
		    lr_rd32(ev->data) == GWB_MAGIC &&
		    lr_rd32(ev->data + 4) == p->rep)
			p->t_first = now;
		break;
	default:
		break;
	}
}

static void events(struct gwb_peer *p, uint64_t now)
{
	struct lr_pc_event ev;

	while (lr_pc_poll_event(p->pc, &ev)) {
		on_event(p, &ev, now);
		lr_pc_event_clear(&ev);
	}
}

/* A publisher's media through lr_pc, before any hand-over. */
static void media(struct gwb_peer *p, uint64_t now)
{
	static uint8_t pl[GWB_VIDEO_SIZE];

	if (!p->send_media || !p->keys || p->kind != GWB_PUBLISH)
		return;
	lr_wr32(pl, GWB_MAGIC);
	lr_wr32(pl + 4, p->tag);
	memset(pl + 8, 0xab, sizeof(pl) - 8);
	while (p->next_video <= now) {
		p->ts[1] += 450; /* 90 kHz, 5 ms */
		lr_pc_send_rtp(p->pc, p->tr[1], -1, p->ts[1], 0, pl,
			       GWB_VIDEO_SIZE);
		p->next_video += VIDEO_GAP;
	}
	while (p->next_audio <= now) {
		p->ts[0] += 960; /* 48 kHz, 20 ms */
		lr_pc_send_rtp(p->pc, p->tr[0], -1, p->ts[0], 0, pl,
			       GWB_AUDIO_SIZE);
		p->next_audio += AUDIO_GAP;
	}
}

static void service(struct gwb_peer *p, uint64_t now)
{
	if (!p->pc)
		return;
	if (lr_pc_poll_timeout(p->pc) <= now)
		lr_pc_handle_timeout(p->pc, now);
	events(p, now);
	media(p, now);
	transmit(p);
}

static uint64_t next_due(const struct gwb_peer *p)
{
	uint64_t t;

	if (!p->pc)
		return UINT64_MAX;
	t = lr_pc_poll_timeout(p->pc);
	if (p->send_media && p->keys && p->kind == GWB_PUBLISH) {
		if (p->next_video < t)
			t = p->next_video;
		if (p->next_audio < t)
			t = p->next_audio;
	}
	return t;
}

/* One datagram for a peer that does not count: lr_pc's. */
static void give(struct gwb_peer *p, uint8_t *b, size_t len, uint64_t now,
		 const struct lr_addr *from)
{
	if (p->counting) {
		gwb_count_input(p, b, len, now, from);
		return;
	}
	if (!p->pc)
		return;
	lr_pc_handle_packet(p->pc, now, &p->local, from, b, len);
}

/* Everything waiting on p's socket, GRO messages split. */
static void drain(struct gwb_peer *p, uint64_t now)
{
	static uint8_t buf[65536];
	union {
		uint8_t b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;

	for (int round = 0; round < 256; round++) {
		struct sockaddr_in from;
		struct iovec iov = {buf, sizeof(buf)};
		struct msghdr mh = {.msg_name = &from,
				    .msg_namelen = sizeof(from),
				    .msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cm.b,
				    .msg_controllen = sizeof(cm.b)};
		struct lr_addr fa = {.family = 4};
		struct cmsghdr *c;
		ssize_t n = recvmsg(p->fd, &mh, MSG_DONTWAIT);
		size_t seg;

		if (n <= 0)
			break;
		seg = (size_t)n;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_UDP &&
			    c->cmsg_type == UDP_GRO) {
				int gs;

				memcpy(&gs, CMSG_DATA(c), sizeof(gs));
				if (gs > 0)
					seg = (size_t)gs;
			}
		fa.port = ntohs(from.sin_port);
		memcpy(fa.ip, &from.sin_addr, 4);
		for (size_t off = 0; off < (size_t)n; off += seg)
			give(p, buf + off,
			     (size_t)n - off < seg ? (size_t)n - off : seg, now,
			     &fa);
	}
}

int gwb_world_run(struct gwb_world *w, uint64_t until, int (*done)(void *arg),
		  void *arg)
{
	struct pollfd pf[GWB_MAX_VIEWERS + 2];

	for (;;) {
		uint64_t now = gwb_now_us(), next = until;
		struct timespec ts;

		for (unsigned i = 0; i < w->n; i++) {
			uint64_t t;

			service(w->peers[i], now);
			t = next_due(w->peers[i]);
			if (t < next)
				next = t;
			pf[i] = (struct pollfd){.fd = w->peers[i]->fd,
						.events = POLLIN};
		}
		if (done && done(arg))
			return 1;
		if (now >= until)
			return 0;
		next = next <= now ? 0 : next - now;
		if (next > 10000)
			next = 10000;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)next * 1000;
		if (ppoll(pf, w->n, &ts, NULL) <= 0)
			continue;
		now = gwb_now_us();
		for (unsigned i = 0; i < w->n; i++)
			if (pf[i].revents & POLLIN)
				drain(w->peers[i], now);
	}
}
