/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sock backend: one UDP socket per local address, recvmmsg and
 * sendmmsg in bursts of LR_DP_BURST, one worker thread sleeping in poll()
 * on the sockets and the wake eventfd.
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

socklen_t lr__dp_to_sa(const struct lr_dp_addr *a, struct sockaddr_storage *ss)
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

void lr__dp_from_sa(const struct sockaddr_storage *ss, struct lr_dp_addr *a)
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

struct rx_slots {
	struct mmsghdr msg[LR_DP_BURST];
	struct iovec iov[LR_DP_BURST];
	struct sockaddr_storage from[LR_DP_BURST];
	struct lr__dpbuf *b[LR_DP_BURST];
};

static unsigned rx_burst(struct lr_dp *dp, unsigned li, struct rx_slots *r)
{
	unsigned n = 0;
	int got;

	while (n < LR_DP_BURST && (r->b[n] = lr__buf_get(dp))) {
		r->iov[n].iov_base = r->b[n]->data;
		r->iov[n].iov_len = 1500;
		memset(&r->msg[n].msg_hdr, 0, sizeof(r->msg[n].msg_hdr));
		r->msg[n].msg_hdr.msg_name = &r->from[n];
		r->msg[n].msg_hdr.msg_namelen = sizeof(r->from[n]);
		r->msg[n].msg_hdr.msg_iov = &r->iov[n];
		r->msg[n].msg_hdr.msg_iovlen = 1;
		n++;
	}
	got = n ? recvmmsg(dp->fd[li], r->msg, n, MSG_DONTWAIT, NULL) : 0;
	if (got < 0)
		got = 0;
	for (unsigned i = (unsigned)got; i < n; i++)
		lr__buf_put(dp, r->b[i]);
	for (int i = 0; i < got; i++) {
		struct lr__dpbuf *b = r->b[i];

		b->pkt.len = r->msg[i].msg_len;
		if (r->msg[i].msg_hdr.msg_flags & MSG_TRUNC)
			b->pkt.len = 0; /* over 1500: demux calls it OTHER */
		lr__dp_from_sa(&r->from[i], &b->remote);
		b->local = dp->local[li];
		b->lidx = (uint16_t)li;
	}
	return (unsigned)got;
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
		    lr__dp_addr_eq(&b->remote, &prev->remote)) {
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

void *lr__dp_sock_run(void *arg)
{
	struct lr_dp *dp = arg;
	struct pollfd pfd[DP_MAX_LOCAL + 1];
	struct rx_slots *rx = calloc(1, sizeof(*rx));
	struct tx_slots *ts = calloc(1, sizeof(*ts));
	struct lr__dpbuf **tx = calloc(TX_MAX, sizeof(*tx));

	if (!rx || !ts || !tx)
		goto out;
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
			n = lr__engine_burst(dp, rx->b, got, tx);
			tx_burst(dp, tx, n, ts);
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
	free(rx);
	free(ts);
	free(tx);
	return NULL;
}

const struct lr__dp_backend_ops lr__dp_sock_ops = {
	.name = "sock",
	.open = lr__dp_sock_open,
	.close = lr__dp_sock_close,
	.run = lr__dp_sock_run,
};
