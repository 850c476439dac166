// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-gateway's media: the publisher's sender (its own thread, SRTP
 * through the core with the keys and stream state lr_pc handed over, as
 * a data plane would take them) and the viewers' side (count every
 * datagram, check the first GWB_CHECK_ALL and then one in GWB_SAMPLE
 * with the viewer's own keys, give STUN and DTLS to lr_pc so consent and
 * the association go on).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gwb.h"
#include "linerate/lr_rtp.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

#define AUDIO_GAP 20000 /* us */
#define PACE_GIVE 2000	/* us with nothing received: what is out is lost */

static int init_tx(struct gwb_sender *s, const struct lr_srtp_policy *pol)
{
	int rc;

	s->w = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	if (!s->w)
		return -ENOMEM;
	rc = lr_srtp_ctx_init(&s->tx, s->w, LR_SRTP_OUTBOUND, pol, s->streams,
			      4, 1);
	if (rc) {
		lr_srtp_worker_free(s->w);
		s->w = NULL;
	}
	return rc;
}

int gwb_sender_from_peer(struct gwb_sender *s, struct gwb_peer *p)
{
	struct lr_pc_handover h;
	int rc;

	memset(s, 0, sizeof(*s));
	if (p->pt[0] < 0 || p->pt[1] < 0 || !p->remote.port)
		return -EINVAL;
	rc = lr_pc_media_handover(p->pc, &h);
	if (!rc)
		rc = init_tx(s, &p->k.tx);
	for (unsigned i = 0; !rc && i < h.ntx; i++)
		rc = lr_srtp_stream_import(&s->tx, &h.tx[i]);
	if (rc) {
		memset(&h, 0, sizeof(h));
		return rc;
	}
	for (int k = 0; k < 2; k++) {
		s->ssrc[k] = p->ssrc[k];
		s->seq[k] = h.next_seq[p->tr[k]];
		s->pt[k] = (uint8_t)p->pt[k];
	}
	memset(&h, 0, sizeof(h));
	p->send_media = 0; /* lr_pc's media is ours now */
	s->fd = p->fd;
	s->to = p->remote;
	s->tag = p->tag;
	return 0;
}

int gwb_sender_from_policy(struct gwb_sender *s, int fd,
			   const struct lr_addr *to,
			   const struct lr_srtp_policy *pol,
			   const uint32_t ssrc[2], const uint8_t pt[2])
{
	int rc;

	memset(s, 0, sizeof(*s));
	rc = init_tx(s, pol);
	if (rc)
		return rc;
	for (int k = 0; k < 2; k++) {
		s->ssrc[k] = ssrc[k];
		s->pt[k] = pt[k];
		s->seq[k] = (uint16_t)(1000 * (k + 1));
	}
	s->fd = fd;
	s->to = *to;
	return 0;
}

/* n RTP packets of kind k (1 video, 0 audio) into bufs, protected: how
 * many protected (the rest are not sent). */
static unsigned build(struct gwb_sender *s, uint8_t (*bufs)[1536], unsigned n,
		      int k, struct lr_pkt **pp, struct lr_pkt *pk)
{
	unsigned size = k ? GWB_VIDEO_SIZE : GWB_AUDIO_SIZE;

	for (unsigned i = 0; i < n; i++) {
		uint8_t *b = bufs[i];

		b[0] = 0x80;
		b[1] = s->pt[k];
		lr_wr16(b + 2, s->seq[k]++);
		lr_wr32(b + 4, (uint32_t)s->seq[k] * (k ? 3000u : 960u));
		lr_wr32(b + 8, s->ssrc[k]);
		lr_wr32(b + 12, GWB_MAGIC);
		lr_wr32(b + 16, s->tag);
		memset(b + 20, 0xab, size - 8);
		pk[i] = (struct lr_pkt){
			.data = b, .len = 12 + size, .room = 1536};
		pp[i] = &pk[i];
	}
	return lr_srtp_protect(&s->tx, pp, n);
}

/* One message: n datagrams of equal length as one UDP GSO send. */
static int send_gso(struct gwb_sender *s, struct lr_pkt **pp, unsigned n)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(s->to.port)};
	struct iovec iov[GWB_BURST];
	union {
		uint8_t b[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} cm;
	struct msghdr mh = {.msg_name = &to,
			    .msg_namelen = sizeof(to),
			    .msg_iov = iov,
			    .msg_iovlen = n};
	uint16_t seg = (uint16_t)pp[0]->len;

	memcpy(&to.sin_addr, s->to.ip, 4);
	for (unsigned i = 0; i < n; i++)
		iov[i] = (struct iovec){pp[i]->data, pp[i]->len};
	if (n > 1) {
		struct cmsghdr *c;

		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof(cm.b);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(seg));
		memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	}
	for (int tries = 0; tries < 100; tries++) {
		struct pollfd p = {.fd = s->fd, .events = POLLOUT};

		if (sendmsg(s->fd, &mh, 0) >= 0)
			return 0;
		if (errno != EAGAIN && errno != ENOBUFS)
			break;
		poll(&p, 1, 10);
	}
	s->send_errors += n;
	return -EIO;
}

static uint64_t sent_all(const struct gwb_sender *s)
{
	return s->sent + s->audio_sent;
}

/* Flat out: wait until what viewer 0 has received is at most GWB_LAG
 * behind; what it has not received after PACE_GIVE without progress is
 * written off (lost on the way: the sender must not wait for ever). */
static void pace(struct gwb_sender *s)
{
	uint64_t t0 = gwb_now_us(), last = UINT64_MAX;

	while (!atomic_load(&s->stop)) {
		uint64_t c = atomic_load(&s->paced_by->rtp) + s->written_off;

		if (sent_all(s) <= c + GWB_LAG)
			return;
		if (c != last) {
			last = c;
			t0 = gwb_now_us();
		} else if (gwb_now_us() - t0 > PACE_GIVE) {
			s->written_off += sent_all(s) - GWB_LAG - c;
			return;
		}
		usleep(50);
	}
}

/* How many video packets are due now at s->rate (at most GWB_BURST). */
static unsigned due(const struct gwb_sender *s, uint64_t t0, uint64_t now)
{
	uint64_t want = (now - t0) * s->rate / 1000000u;

	if (want <= s->sent)
		return 0;
	return want - s->sent > GWB_BURST ? GWB_BURST
					  : (unsigned)(want - s->sent);
}

static void *sender_run(void *arg)
{
	struct gwb_sender *s = arg;
	static __thread uint8_t bufs[GWB_BURST][1536];
	struct lr_pkt pk[GWB_BURST], *pp[GWB_BURST];
	uint64_t t0 = gwb_now_us(), next_audio = t0;

	gwb_pin_self(s->cpu);
	while (!atomic_load(&s->stop)) {
		uint64_t now = gwb_now_us();
		unsigned n = GWB_BURST, ok;

		if (now >= next_audio) {
			if (build(s, bufs, 1, 0, pp, pk) == 1 &&
			    !send_gso(s, pp, 1))
				s->audio_sent++;
			next_audio += AUDIO_GAP;
		}
		if (s->rate) {
			n = due(s, t0, now);
			if (!n) {
				usleep(200);
				continue;
			}
		} else if (s->paced_by) {
			pace(s);
		}
		ok = build(s, bufs, n, 1, pp, pk);
		if (ok && !send_gso(s, pp, ok))
			s->sent += ok;
		else if (s->rate)
			s->sent += n; /* not sent: not due again */
	}
	return NULL;
}

int gwb_sender_start(struct gwb_sender *s, unsigned rate, int cpu,
		     const struct gwb_count *paced_by)
{
	s->rate = rate;
	s->cpu = cpu;
	s->paced_by = paced_by;
	atomic_store(&s->stop, 0);
	return -pthread_create(&s->th, NULL, sender_run, s);
}

void gwb_sender_stop(struct gwb_sender *s)
{
	if (s->th) {
		atomic_store(&s->stop, 1);
		pthread_join(s->th, NULL);
		s->th = 0;
	}
	if (s->w) {
		lr_srtp_ctx_clear(&s->tx);
		lr_srtp_worker_free(s->w);
		s->w = NULL;
	}
}

int gwb_peer_count(struct gwb_peer *p, struct lr_srtp_worker *w,
		   const struct lr_srtp_policy *rx)
{
	int rc;

	memset(&p->c, 0, sizeof(p->c));
	p->counting = 1;
	rc = lr_srtp_ctx_init(&p->rx, w, LR_SRTP_INBOUND, rx, p->rx_streams, 8,
			      1);
	p->rx_ok = !rc;
	return rc;
}

/* A failed check; the first one is kept for the report. */
static void fail(struct gwb_peer *p, uint16_t why, uint16_t seq, uint32_t ssrc)
{
	if (!p->c.verify_failed++) {
		p->c.fail_why = why;
		p->c.fail_seq = seq;
		p->c.fail_ssrc = ssrc;
		p->c.fail_at = atomic_load(&p->c.rtp);
	}
}

/* Decrypt one media datagram in place: is it ours? */
static void check(struct gwb_peer *p, uint8_t *b, size_t len)
{
	struct lr_pkt pk = {.data = b,
			    .len = (uint32_t)len,
			    .room = (uint32_t)len},
		      *pp = &pk;
	size_t hl;

	uint16_t seq = lr_rtp_seq(b);
	uint32_t ssrc = lr_rtp_ssrc(b);

	if (lr_srtp_unprotect(&p->rx, &pp, 1) != 1) {
		if (pk.drop == LR_DROP_REPLAY_OLD)
			p->c.late++;
		else
			fail(p, pk.drop, seq, ssrc);
		return;
	}
	hl = lr_rtp_header_len(b, pk.len);
	if (hl && pk.len >= hl + 8 && lr_rd32(b + hl) == GWB_MAGIC) {
		p->c.verified++;
		p->c.ok_seq = seq;
	} else {
		fail(p, LR_DROP__MAX, seq, ssrc);
	}
}

/* Is seq older than the newest seen on ssrc (RFC 3550 A.1's
 * half-range comparison)? */
static void order(struct gwb_count *c, uint32_t ssrc, uint16_t seq)
{
	for (int k = 0; k < 2; k++) {
		if (!c->last_ssrc[k]) {
			c->last_ssrc[k] = ssrc;
			c->last_seq[k] = seq;
			return;
		}
		if (c->last_ssrc[k] != ssrc)
			continue;
		if ((int16_t)(uint16_t)(seq - c->last_seq[k]) < 0)
			c->reordered++;
		else
			c->last_seq[k] = seq;
		return;
	}
}

void gwb_count_input(struct gwb_peer *p, uint8_t *b, size_t len, uint64_t now,
		     const struct lr_addr *from)
{
	uint8_t b0 = len ? b[0] : 0xff;
	uint64_t n;

	if (b0 <= 3 || (b0 >= 20 && b0 <= 63)) { /* STUN, DTLS: RFC 7983 */
		if (p->pc)
			lr_pc_handle_packet(p->pc, now, &p->local, from, b,
					    len);
		return;
	}
	if (b0 < 128 || b0 > 191 || len < 12) {
		p->c.other++;
		return;
	}
	if (b[1] >= 192 && b[1] <= 223) { /* RTCP (RFC 5761 §4) */
		p->c.rtcp++;
		return;
	}
	order(&p->c, lr_rtp_ssrc(b), lr_rtp_seq(b));
	n = atomic_fetch_add(&p->c.rtp, 1);
	if (p->rx_ok && (n < GWB_CHECK_ALL || n % GWB_SAMPLE == 0))
		check(p, b, len);
}
