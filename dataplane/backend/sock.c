/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sock backend: one UDP socket per local address, recvmmsg and
 * sendmmsg in bursts of LR_DP_BURST, one worker thread sleeping in poll()
 * on the sockets and the wake eventfd. Same-size datagrams to one peer
 * leave as one UDP GSO message; with UDP GRO the kernel may hand over a
 * peer's run of same-size datagrams as one message, split here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../dp_internal.h"

#define TX_MAX (LR_DP_BURST * LR_DP_MAX_ROUTES)

socklen_t lr__dp_to_sa(const struct lr_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(a->port);
		memcpy(&s6->sin6_addr, a->ip, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(a->port);
	memcpy(&s4->sin_addr, a->ip, 4);
	return sizeof(*s4);
}

void lr__dp_from_sa(const struct sockaddr_storage *ss, struct lr_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		a->family = 6;
		a->port = ntohs(s6->sin6_port);
		memcpy(a->ip, &s6->sin6_addr, 16);
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		a->family = 4;
		a->port = ntohs(s4->sin_port);
		memcpy(a->ip, &s4->sin_addr, 4);
	}
}

int lr__dp_sock_open(struct lr_dp *dp)
{
	for (unsigned i = 0; i < dp->nlocal; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = lr__dp_to_sa(&dp->local[i], &ss);
		int one = 1, buf = 4 << 20;
		int fd = socket(ss.ss_family,
				SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		dp->fd[i] = fd;
		if (ss.ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				   sizeof(one));
		/* several workers: one socket each on the same address */
		if (dp->cfg.workers > 1 &&
		    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
			return -errno;
		/* Bursts need room in the kernel's queues: past rmem_max
		 * and wmem_max when we may (CAP_NET_ADMIN). */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf,
			       sizeof(buf)))
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf,
				   sizeof(buf));
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf,
			       sizeof(buf)))
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf,
				   sizeof(buf));
		if (bind(fd, (struct sockaddr *)&ss, sl) ||
		    getsockname(fd, (struct sockaddr *)&ss, &sl))
			return -errno;
		lr__dp_from_sa(&ss, &dp->local[i]);
	}
	return 0;
}

void lr__dp_sock_close(struct lr_dp *dp)
{
	for (unsigned i = 0; i < DP_MAX_LOCAL; i++)
		if (dp->fd[i] >= 0) {
			close(dp->fd[i]);
			dp->fd[i] = -1;
		}
}

#define RX_ROOM	 DP_RX_ROOM	   /* a datagram, in a pool buffer */
#define GRO_ROOM (65535 - RX_ROOM) /* the rest of a GRO message */

struct rx_slots {
	struct mmsghdr msg[LR_DP_BURST];
	struct iovec iov[LR_DP_BURST][2];
	struct sockaddr_storage from[LR_DP_BURST];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm[LR_DP_BURST];
	struct lr__dpbuf *b[LR_DP_BURST];
	unsigned len[LR_DP_BURST]; /* bytes in message i */
	unsigned seg[LR_DP_BURST]; /* its GRO segment size; 0: one datagram */
	/* GRO (NULL: off): message i's bytes past RX_ROOM land at
	 * ovf + i * GRO_ROOM; straddle holds a message's bytes after its
	 * first datagram that were in the first buffer. */
	uint8_t *ovf;
	/* messages the next recvmmsg asks for: a round takes about
	 * LR_DP_BURST datagrams, however many come in one GRO message, so
	 * that commands, other sockets and the socket's own queue are
	 * served as often as without GRO */
	unsigned want[DP_MAX_LOCAL];
	uint8_t straddle[RX_ROOM];
	struct lr_addr local; /* the socket of this burst */
	uint16_t lidx;
};

static unsigned gro_size(struct msghdr *m)
{
	unsigned seg;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
		if ((seg = lr__dp_gro_seg(c)))
			return seg;
	return 0;
}

static unsigned rx_burst(struct lr_dp *dp, unsigned li, struct rx_slots *r)
{
	unsigned n = 0;
	int got;

	unsigned max = r->want[li] ? r->want[li] : LR_DP_BURST, dgrams = 0;

	while (n < max && (r->b[n] = lr__buf_get(dp))) {
		struct msghdr *m = &r->msg[n].msg_hdr;

		r->iov[n][0].iov_base = r->b[n]->data;
		r->iov[n][0].iov_len = RX_ROOM;
		memset(m, 0, sizeof(*m));
		m->msg_name = &r->from[n];
		m->msg_namelen = sizeof(r->from[n]);
		m->msg_iov = r->iov[n];
		m->msg_iovlen = 1;
		if (r->ovf) {
			r->iov[n][1].iov_base = r->ovf + (size_t)n * GRO_ROOM;
			r->iov[n][1].iov_len = GRO_ROOM;
			m->msg_iovlen = 2;
			m->msg_control = r->cm[n].buf;
			m->msg_controllen = sizeof(r->cm[n].buf);
		}
		n++;
	}
	r->local = dp->local[li];
	r->lidx = (uint16_t)li;
	got = n ? recvmmsg(dp->fd[li], r->msg, n, MSG_DONTWAIT, NULL) : 0;
	if (got < 0)
		got = 0;
	for (unsigned i = (unsigned)got; i < n; i++)
		lr__buf_put(dp, r->b[i]);
	for (int i = 0; i < got; i++) {
		struct lr__dpbuf *b = r->b[i];
		struct msghdr *m = &r->msg[i].msg_hdr;
		unsigned len = r->msg[i].msg_len;
		unsigned seg = r->ovf ? gro_size(m) : 0;

		if (seg && seg <= RX_ROOM && len <= seg)
			seg = 0; /* one datagram */
		/* over 1500 bytes, as one datagram or as GRO's segments:
		 * demux calls it OTHER */
		if ((m->msg_flags & MSG_TRUNC) || seg > RX_ROOM ||
		    (!seg && len > RX_ROOM))
			len = seg = 0;
		r->len[i] = len;
		r->seg[i] = seg;
		dgrams += seg ? (len + seg - 1) / seg : 1;
		b->pkt.len = seg ? seg : len;
		lr__dp_from_sa(&r->from[i], &b->remote);
		b->local = dp->local[li];
		b->lidx = (uint16_t)li;
	}
	if (got > 0) {
		/* datagrams per message this time: ask for what makes a
		 * burst next time */
		unsigned per = (dgrams + (unsigned)got - 1) / (unsigned)got;

		r->want[li] = per > LR_DP_BURST ? 1 : LR_DP_BURST / per;
	}
	return (unsigned)got;
}

/* Datagram k (1..) of GRO message i into a new buffer: its bytes are
 * straddle[0, head) then the overflow (see deliver). NULL (counted
 * no_buffer) when the pool is empty. */
static struct lr__dpbuf *gro_piece(struct lr_dp *dp, const struct rx_slots *r,
				   unsigned i, const struct lr_addr *from,
				   unsigned head, unsigned off)
{
	const uint8_t *ovf = r->ovf + (size_t)i * GRO_ROOM;
	unsigned seg = r->seg[i], len = r->len[i];
	unsigned sl = len - off < seg ? len - off : seg, p = off - seg, a = 0;
	struct lr__dpbuf *x = lr__buf_get(dp);

	if (!x) {
		dp->st.drops[LR_DROP_NO_BUFFER]++;
		return NULL;
	}
	if (p < head) {
		a = head - p < sl ? head - p : sl;
		memcpy(x->data, r->straddle + p, a);
	}
	memcpy(x->data + a, ovf + (p + a - head), sl - a);
	x->pkt.len = sl;
	x->remote = *from;
	x->lidx = r->lidx;
	x->local = r->local;
	return x;
}

struct tx_slots {
	struct mmsghdr msg[TX_MAX];
	struct iovec iov[TX_MAX];
	struct sockaddr_storage to[TX_MAX];
	union {
		char buf[32]; /* >= CMSG_SPACE(sizeof(uint16_t)) */
		size_t align; /* as struct cmsghdr */
	} cm[TX_MAX];
	unsigned segs[TX_MAX]; /* datagrams in each message */
};

/*
 * Build the messages for local address li: consecutive datagrams of the
 * same size to the same peer become one UDP GSO message (UDP_SEGMENT),
 * which the kernel routes, builds and hands down once instead of per
 * datagram. The engine puts a target's legs next to each other, so a
 * burst to one peer goes out as one message. Returns the message count.
 */
static unsigned build(unsigned li, struct lr__dpbuf **tx, unsigned n,
		      struct tx_slots *t, int gso)
{
	unsigned k = 0, v = 0;
	size_t bytes = 0;
	const struct lr__dpbuf *prev = NULL;

	for (unsigned i = 0; i < n; i++) {
		struct lr__dpbuf *b = tx[i];
		struct msghdr *m;

		if (b->lidx != li)
			continue;
		t->iov[v].iov_base = b->pkt.data;
		t->iov[v].iov_len = b->pkt.len;
		if (gso && prev && t->segs[k - 1] < DP_GSO_SEGS &&
		    b->pkt.len == prev->pkt.len &&
		    bytes + b->pkt.len <= DP_GSO_BYTES &&
		    lr_addr_eq(&b->remote, &prev->remote)) {
			t->msg[k - 1].msg_hdr.msg_iovlen++;
			t->segs[k - 1]++;
			bytes += b->pkt.len;
			v++;
			prev = b;
			continue;
		}
		m = &t->msg[k].msg_hdr;
		memset(m, 0, sizeof(*m));
		m->msg_iov = &t->iov[v];
		m->msg_iovlen = 1;
		m->msg_name = &t->to[k];
		m->msg_namelen = lr__dp_to_sa(&b->remote, &t->to[k]);
		t->segs[k] = 1;
		bytes = b->pkt.len;
		prev = b;
		v++;
		k++;
	}
	for (unsigned i = 0; i < k; i++) {
		struct msghdr *m = &t->msg[i].msg_hdr;
		struct cmsghdr *c;
		uint16_t seg;

		if (t->segs[i] < 2)
			continue;
		m->msg_control = t->cm[i].buf;
		m->msg_controllen = sizeof(t->cm[i].buf);
		c = CMSG_FIRSTHDR(m);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(seg));
		seg = (uint16_t)m->msg_iov[0].iov_len;
		memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	}
	return k;
}

/* Send tx[0..n) (any local addresses) and give the buffers back. */
static void tx_burst(struct lr_dp *dp, struct lr__dpbuf **tx, unsigned n,
		     struct tx_slots *t)
{
	for (unsigned li = 0; li < dp->nlocal && n; li++) {
		unsigned k = build(li, tx, n, t, !dp->no_gso), sent = 0;

		while (sent < k) {
			int r = sendmmsg(dp->fd[li], t->msg + sent, k - sent,
					 0);
			unsigned lost = 0;

			if (r <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0 &&
				    (errno == EIO || errno == EINVAL ||
				     errno == ENOPROTOOPT) &&
				    !dp->no_gso) {
					/* no UDP GSO on this path: from
					 * now on, one datagram a message */
					dp->no_gso = 1;
					fprintf(stderr,
						"linerate: UDP GSO refused "
						"(%s): sending without it\n",
						strerror(errno));
				}
				/* EAGAIN with a full socket buffer, or an
				 * unroutable peer: the rest are lost */
				for (unsigned i = sent; i < k; i++)
					lost += t->segs[i];
				dp->st.drops[LR_DROP_TX_FAILED] += lost;
				break;
			}
			for (int i = 0; i < r; i++) {
				struct msghdr *m = &t->msg[sent + i].msg_hdr;

				for (size_t j = 0; j < m->msg_iovlen; j++)
					dp->st.tx_bytes +=
						m->msg_iov[j].iov_len;
				dp->st.tx_packets += t->segs[sent + i];
			}
			sent += (unsigned)r;
		}
	}
	for (unsigned i = 0; i < n; i++)
		lr__buf_put(dp, tx[i]);
}

struct chunk {
	struct lr__dpbuf *c[LR_DP_BURST];
	unsigned n;
};

static void push(struct lr_dp *dp, struct chunk *k, struct lr__dpbuf *b,
		 struct lr__dpbuf **tx, struct tx_slots *ts)
{
	k->c[k->n++] = b;
	if (k->n == LR_DP_BURST) {
		tx_burst(dp, tx, lr__engine_burst(dp, k->c, k->n, tx), ts);
		k->n = 0;
	}
}

/* Received messages through the engine in bursts of at most
 * LR_DP_BURST datagrams, a GRO message's datagrams in order. The first
 * datagram of a GRO message stays in its buffer; the bytes after it in
 * that buffer are copied aside before the engine rewrites it. */
static void deliver(struct lr_dp *dp, struct rx_slots *r, unsigned got,
		    struct lr__dpbuf **tx, struct tx_slots *ts)
{
	struct chunk k = {.n = 0};

	for (unsigned i = 0; i < got; i++) {
		unsigned seg = r->seg[i], len = r->len[i], head;
		struct lr_addr from;

		if (!seg) {
			push(dp, &k, r->b[i], tx, ts);
			continue;
		}
		/* The engine rewrites the first buffer (data, and its
		 * addresses into a leg's), so what the rest need of it is
		 * kept aside first. */
		head = (len < RX_ROOM ? len : RX_ROOM) - seg;
		memcpy(r->straddle, r->b[i]->data + seg, head);
		from = r->b[i]->remote;
		dp->st.rx_coalesced += (len + seg - 1) / seg;
		push(dp, &k, r->b[i], tx, ts);
		for (unsigned off = seg; off < len; off += seg) {
			struct lr__dpbuf *x =
				gro_piece(dp, r, i, &from, head, off);

			if (x)
				push(dp, &k, x, tx, ts);
		}
	}
	if (k.n)
		tx_burst(dp, tx, lr__engine_burst(dp, k.c, k.n, tx), ts);
}

static void *sock_run(void *arg)
{
	struct lr_dp *dp = arg;
	struct pollfd pfd[DP_MAX_LOCAL + 1];
	struct rx_slots *rx = calloc(1, sizeof(*rx));
	struct tx_slots *ts = calloc(1, sizeof(*ts));
	struct lr__dpbuf **tx = calloc(TX_MAX, sizeof(*tx));

	if (!rx || !ts || !tx) {
		lr__dp_ready(dp, -ENOMEM);
		goto out;
	}
	lr__dp_ready(dp, 0);
	/* UDP GRO: same-size datagrams from one peer may come as one
	 * message (its room: GRO_ROOM past the first buffer, per slot;
	 * pages are only touched when a big message comes). */
	for (unsigned i = 0; !dp->cfg.no_udp_gro && i < dp->nlocal; i++) {
		int one = 1;

		if (!setsockopt(dp->fd[i], SOL_UDP, UDP_GRO, &one,
				sizeof(one)) &&
		    !rx->ovf &&
		    !(rx->ovf = malloc((size_t)LR_DP_BURST * GRO_ROOM))) {
			/* no memory for it: without GRO, then */
			one = 0;
			setsockopt(dp->fd[i], SOL_UDP, UDP_GRO, &one,
				   sizeof(one));
			break;
		}
	}
	for (unsigned i = 0; i < dp->nlocal; i++)
		pfd[i] = (struct pollfd){.fd = dp->fd[i], .events = POLLIN};
	pfd[dp->nlocal] = (struct pollfd){.fd = dp->wake_fd, .events = POLLIN};
	while (!atomic_load(&dp->stop)) {
		uint64_t v;
		unsigned busy = 0, n, ninj;

		n = lr__dp_service(dp, tx, TX_MAX, rx->b, &ninj);
		if (n)
			tx_burst(dp, tx, n, ts);
		if (ninj) {
			n = lr__engine_burst(dp, rx->b, ninj, tx);
			tx_burst(dp, tx, n, ts);
		}
		for (unsigned li = 0; li < dp->nlocal; li++) {
			unsigned got = rx_burst(dp, li, rx);

			if (!got)
				continue;
			busy = 1;
			deliver(dp, rx, got, tx, ts);
		}
		if (busy)
			continue;
		/* Idle: sleep until a packet, a command or a send. */
		if (poll(pfd, dp->nlocal + 1, 100) > 0 &&
		    (pfd[dp->nlocal].revents & POLLIN) &&
		    read(dp->wake_fd, &v, sizeof(v)) < 0) {
			/* already drained */
		}
	}
out:
	if (rx)
		free(rx->ovf);
	free(rx);
	free(ts);
	free(tx);
	return NULL;
}

const struct lr__dp_backend_ops lr__dp_sock_ops = {
	.name = "sock",
	.open = lr__dp_sock_open,
	.close = lr__dp_sock_close,
	.run = sock_run,
};
