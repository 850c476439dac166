/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sock backend: one UDP socket per local address, recvmmsg and
 * sendmmsg in bursts, poll() on the sockets and the wake eventfd when
 * idle. Same-size datagrams to one peer leave as one UDP GSO message;
 * with UDP GRO the kernel may hand over a peer's run of same-size
 * datagrams as one message, split here into the bursts the worker asks
 * for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock_io.h"

#define RX_ROOM	 DP_RX_ROOM	   /* a datagram, in a pool buffer */
#define GRO_ROOM (65535 - RX_ROOM) /* the rest of a GRO message */

/* The messages of the last recvmmsg, delivered a burst at a time. */
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
	struct lr_addr remote[LR_DP_BURST]; /* its sender */
	/* GRO (NULL: off): message i's bytes past RX_ROOM land at
	 * ovf + i * GRO_ROOM; straddle[i] holds its bytes after its first
	 * datagram that were in the first buffer (the engine rewrites that
	 * buffer before the rest are split off) */
	uint8_t *ovf;
	uint8_t (*straddle)[RX_ROOM];
	/* messages the next recvmmsg asks for: a call takes about
	 * LR_DP_BURST datagrams, however many come in one GRO message */
	unsigned want[DP_MAX_LOCAL];
	unsigned got, i, off; /* messages, the next, its next datagram */
	unsigned next_li;     /* the socket to read first */
	uint16_t lidx;	      /* the socket of these messages */
};

struct tx_slots {
	struct mmsghdr msg[DP_TX_MAX];
	struct iovec iov[DP_TX_MAX];
	struct sockaddr_storage to[DP_TX_MAX];
	union {
		char buf[32]; /* >= CMSG_SPACE(sizeof(uint16_t)) */
		size_t align; /* as struct cmsghdr */
	} cm[DP_TX_MAX];
	unsigned segs[DP_TX_MAX]; /* datagrams in each message */
};

struct sock {
	struct lr__sockset s; /* first (lr__sockset_wake) */
	struct rx_slots rx;
	struct tx_slots tx;
};

static int sock_open(struct lr__worker *w)
{
	struct sock *k = calloc(1, sizeof(*k));
	int r = k ? lr__sockset_open(w, &k->s) : -ENOMEM;

	if (r) {
		free(k);
		return r;
	}
	/* UDP GRO: same-size datagrams from one peer may come as one
	 * message (its room: GRO_ROOM past the first buffer, per slot;
	 * pages are only touched when a big message comes). */
	if (lr__sockset_gro(w, &k->s)) {
		k->rx.ovf = malloc((size_t)LR_DP_BURST * GRO_ROOM);
		k->rx.straddle = malloc(LR_DP_BURST * sizeof(*k->rx.straddle));
		if (!k->rx.ovf || !k->rx.straddle) {
			free(k->rx.ovf);
			free(k->rx.straddle);
			lr__sockset_close(&k->s);
			free(k);
			return -ENOMEM;
		}
	}
	w->be = k;
	return 0;
}

static void sock_close(struct lr__worker *w)
{
	struct sock *k = w->be;

	if (!k)
		return;
	for (unsigned i = k->rx.i; i < k->rx.got; i++)
		if (i != k->rx.i || !k->rx.off)
			lr__buf_put(&w->fwd, k->rx.b[i]);
	lr__sockset_close(&k->s);
	free(k->rx.ovf);
	free(k->rx.straddle);
	free(k);
	w->be = NULL;
}

static unsigned gro_size(struct msghdr *m)
{
	unsigned seg;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
		if ((seg = lr__dp_gro_seg(c)))
			return seg;
	return 0;
}

/* One recvmmsg on socket li into r (r->got messages, from 0). */
static unsigned recv_msgs(struct lr__worker *w, struct sock *k, unsigned li)
{
	struct rx_slots *r = &k->rx;
	unsigned max = r->want[li] ? r->want[li] : LR_DP_BURST, dgrams = 0;
	unsigned n = 0;
	int got;

	while (n < max && (r->b[n] = lr__buf_get(&w->fwd))) {
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
	got = n ? recvmmsg(k->s.fd[li], r->msg, n, MSG_DONTWAIT, NULL) : 0;
	if (got < 0)
		got = 0;
	for (unsigned i = (unsigned)got; i < n; i++)
		lr__buf_put(&w->fwd, r->b[i]);
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
		lr__dp_from_sa(&r->from[i], &r->remote[i]);
		b->remote = r->remote[i];
		b->local = w->dp->local[li];
		b->lidx = (uint16_t)li;
	}
	if (got > 0) {
		/* datagrams per message this time: ask for what makes a
		 * burst next time */
		unsigned per = (dgrams + (unsigned)got - 1) / (unsigned)got;

		r->want[li] = per > LR_DP_BURST ? 1 : LR_DP_BURST / per;
	}
	r->got = (unsigned)got;
	r->i = r->off = 0;
	r->lidx = (uint16_t)li;
	return (unsigned)got;
}

/* The datagram at off (> 0) of GRO message i into a new buffer: its
 * bytes are straddle[i] up to the first buffer's end, then the
 * overflow. NULL (counted no_buffer) when the pool is empty. */
static struct lr__dpbuf *gro_piece(struct lr__worker *w,
				   const struct rx_slots *r, unsigned i,
				   unsigned off)
{
	const uint8_t *ovf = r->ovf + (size_t)i * GRO_ROOM;
	unsigned seg = r->seg[i], len = r->len[i];
	unsigned head = (len < RX_ROOM ? len : RX_ROOM) - seg;
	unsigned sl = len - off < seg ? len - off : seg, p = off - seg, a = 0;
	struct lr__dpbuf *x = lr__buf_get(&w->fwd);

	if (!x) {
		w->fwd.st.drops[LR_DROP_NO_BUFFER]++;
		return NULL;
	}
	if (p < head) {
		a = head - p < sl ? head - p : sl;
		memcpy(x->data, r->straddle[i] + p, a);
	}
	memcpy(x->data + a, ovf + (p + a - head), sl - a);
	x->pkt.len = sl;
	x->remote = r->remote[i]; /* (b[i] may be a leg's by now) */
	x->lidx = r->lidx;
	x->local = w->dp->local[r->lidx];
	return x;
}

/* Received messages' datagrams into b[0..max), a GRO message's in order
 * (its first stays in its buffer; what the rest need of that buffer is
 * kept aside before the engine rewrites it). */
static unsigned take(struct lr__worker *w, struct rx_slots *r,
		     struct lr__dpbuf **b, unsigned max)
{
	unsigned n = 0;

	while (n < max && r->i < r->got) {
		unsigned i = r->i, seg = r->seg[i], len = r->len[i];

		if (!r->off) {
			if (seg) {
				unsigned head = (len < RX_ROOM ? len : RX_ROOM);

				memcpy(r->straddle[i], r->b[i]->data + seg,
				       head - seg);
				w->fwd.st.rx_coalesced += (len + seg - 1) / seg;
			}
			b[n++] = r->b[i];
			r->off = seg ? seg : len;
		} else {
			struct lr__dpbuf *x = gro_piece(w, r, i, r->off);

			if (x)
				b[n++] = x;
			r->off += seg;
		}
		if (!seg || r->off >= len) {
			r->i++;
			r->off = 0;
		}
	}
	return n;
}

static unsigned sock_rx_burst(struct lr__worker *w, struct lr__dpbuf **b,
			      unsigned max)
{
	struct sock *k = w->be;
	struct rx_slots *r = &k->rx;
	unsigned nl = w->dp->nlocal;

	if (r->i == r->got) { /* the next socket that has some */
		unsigned k0 = r->next_li, got = 0;

		for (unsigned t = 0; t < nl && !got; t++) {
			unsigned li = (k0 + t) % nl;

			got = recv_msgs(w, k, li);
			r->next_li = (li + 1) % nl;
		}
		if (!got)
			return 0;
	}
	return take(w, r, b, max);
}

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
static void sock_tx_burst(struct lr__worker *w, struct lr__dpbuf **tx,
			  unsigned n)
{
	struct sock *k = w->be;
	struct tx_slots *t = &k->tx;
	struct lr_dp_stats *st = &w->fwd.st;

	for (unsigned li = 0; li < w->dp->nlocal && n; li++) {
		unsigned m = build(li, tx, n, t, !k->s.no_gso), sent = 0;

		while (sent < m) {
			int r = sendmmsg(k->s.fd[li], t->msg + sent, m - sent,
					 0);
			unsigned lost = 0;

			if (r <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0 && (errno == EIO || errno == EINVAL ||
					      errno == ENOPROTOOPT))
					lr__sockset_no_gso(&k->s, errno);
				/* EAGAIN with a full socket buffer, or an
				 * unroutable peer: the rest are lost */
				for (unsigned i = sent; i < m; i++)
					lost += t->segs[i];
				st->drops[LR_DROP_TX_FAILED] += lost;
				break;
			}
			for (int i = 0; i < r; i++) {
				struct msghdr *h = &t->msg[sent + i].msg_hdr;

				for (size_t j = 0; j < h->msg_iovlen; j++)
					st->tx_bytes += h->msg_iov[j].iov_len;
				st->tx_packets += t->segs[sent + i];
			}
			sent += (unsigned)r;
		}
	}
	for (unsigned i = 0; i < n; i++)
		lr__buf_put(&w->fwd, tx[i]);
}

/* Idle: sleep until a packet, a command or a send. */
static void sock_wait(struct lr__worker *w)
{
	struct sock *k = w->be;
	struct pollfd pfd[DP_MAX_LOCAL + 1];
	unsigned nl = w->dp->nlocal;
	uint64_t v;

	for (unsigned i = 0; i < nl; i++)
		pfd[i] = (struct pollfd){.fd = k->s.fd[i], .events = POLLIN};
	pfd[nl] = (struct pollfd){.fd = w->wake_fd, .events = POLLIN};
	if (poll(pfd, nl + 1, 100) > 0 && (pfd[nl].revents & POLLIN) &&
	    read(w->wake_fd, &v, sizeof(v)) < 0) {
		/* already drained */
	}
}

const struct lr__backend_ops lr__dp_sock_ops = {
	.name = "sock",
	.open = sock_open,
	.close = sock_close,
	.rx_burst = sock_rx_burst,
	.tx_burst = sock_tx_burst,
	.wait = sock_wait,
	.wake = lr__sockset_wake,
};
