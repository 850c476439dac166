/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The uring backend: the sock backend's sockets, driven through io_uring.
 * One multishot recvmsg per socket takes datagrams into a provided buffer
 * ring; sends are batched sendmsg SQEs, one submit per round; the ring is
 * single-issuer with deferred task running where the kernel has them
 * (6.0+), so completions run only when the worker asks. Without io_uring
 * (too old, or kernel.io_uring_disabled) lr_dp_new fails with the ring's
 * error; LR_DP_AUTO then takes sock (workers.c).
 *
 * Received datagrams are copied from the ring's buffers into the worker's
 * packet buffers (one memcpy, and the ring buffer is back at once), so
 * the engine and fan-out work as with sockets; with UDP GRO a message
 * holding a peer's run of same-size datagrams is split in that copy.
 * Sends use UDP GSO like the sock backend.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../dp_internal.h"

#define RING_ENTRIES 1024
/* Provided buffers (a power of two): recvmsg_out, address, control and
 * a datagram; with UDP GRO, room for a whole GRO message (64 KiB),
 * fewer of them (their pages are touched only as far as filled). */
#define BR_ENTRIES     1024
#define BR_SIZE	       2048
#define BR_ENTRIES_GRO 256
#define BR_SIZE_GRO    (65536 + 512)
#define BGID	       7
#define TX_MAX	       (LR_DP_BURST * LR_DP_MAX_ROUTES)

enum {
	UD_RECV = 1,
	UD_WAKE = 100,
	UD_MAX_TAG = 4096
};

/* What a sendmsg SQE points at until it completes (kept in the slot of
 * the message's first buffer; the others hang off b->next). */
struct txd {
	struct msghdr mh;
	struct sockaddr_storage to;
	union {
		char buf[32]; /* >= CMSG_SPACE(sizeof(uint16_t)) */
		size_t align; /* as struct cmsghdr */
	} cm;
	unsigned nseg;
	struct iovec iov[DP_GSO_SEGS];
};

struct uring {
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	uint8_t *bufs;
	unsigned br_entries, br_size;
	int gro;	    /* UDP GRO on the sockets */
	struct msghdr tmpl; /* what multishot recvmsg fills in */
	uint64_t wake_val;
	int armed[DP_MAX_LOCAL];
	unsigned recycled;
	/* Received messages whose datagrams wait for the pool: legs hold
	 * their buffers until their sends complete (next round), so with
	 * GRO one round could take more datagrams than the pool has legs
	 * for. In order; the ring buffers stay ours meanwhile. */
	struct pending {
		int res;
		uint8_t li;
		uint16_t bid;
	} back[BR_ENTRIES];
	unsigned nback, low;
	/* one pending rx burst per socket */
	struct lr__dpbuf *rx[DP_MAX_LOCAL][LR_DP_BURST];
	unsigned nrx[DP_MAX_LOCAL];
	struct lr__dpbuf *tx[TX_MAX];
	struct txd *txd; /* send state per pool buffer (same index) */
};

static struct io_uring_sqe *sqe_get(struct uring *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	if (!sqe) {
		io_uring_submit(&u->ring);
		sqe = io_uring_get_sqe(&u->ring);
	}
	return sqe;
}

static void arm_recv(struct lr_dp *dp, struct uring *u, unsigned li)
{
	struct io_uring_sqe *sqe = sqe_get(u);

	if (!sqe)
		return;
	io_uring_prep_recvmsg_multishot(sqe, dp->fd[li], &u->tmpl, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, UD_RECV + li);
	u->armed[li] = 1;
}

static void arm_wake(struct lr_dp *dp, struct uring *u)
{
	struct io_uring_sqe *sqe = sqe_get(u);

	if (!sqe)
		return;
	io_uring_prep_read(sqe, dp->wake_fd, &u->wake_val, sizeof(u->wake_val),
			   0);
	io_uring_sqe_set_data64(sqe, UD_WAKE);
}

/* Consecutive datagrams of one size to one peer go as one UDP GSO
 * message, as in the sock backend. */
static unsigned group(const struct lr_dp *dp, struct lr__dpbuf **tx, unsigned i,
		      unsigned n)
{
	unsigned j = i + 1;
	size_t bytes = tx[i]->pkt.len;

	if (dp->no_gso)
		return 1;
	while (j < n && j - i < DP_GSO_SEGS && tx[j]->lidx == tx[i]->lidx &&
	       tx[j]->pkt.len == tx[i]->pkt.len &&
	       bytes + tx[j]->pkt.len <= DP_GSO_BYTES &&
	       lr_addr_eq(&tx[j]->remote, &tx[i]->remote))
		bytes += tx[j++]->pkt.len;
	return j - i;
}

static void send_all(struct lr_dp *dp, struct uring *u, struct lr__dpbuf **tx,
		     unsigned n)
{
	for (unsigned i = 0; i < n;) {
		unsigned k = group(dp, tx, i, n);
		struct lr__dpbuf *b = tx[i];
		struct txd *t = &u->txd[b - dp->bufs];
		struct io_uring_sqe *sqe = sqe_get(u);

		if (!sqe) {
			for (unsigned x = 0; x < k; x++)
				lr__buf_put(dp, tx[i + x]);
			dp->st.drops[LR_DROP_TX_FAILED] += k;
			i += k;
			continue;
		}
		memset(&t->mh, 0, sizeof(t->mh));
		for (unsigned x = 0; x < k; x++) {
			t->iov[x].iov_base = tx[i + x]->pkt.data;
			t->iov[x].iov_len = tx[i + x]->pkt.len;
			tx[i + x]->next = x + 1 < k ? tx[i + x + 1] : NULL;
		}
		t->nseg = k;
		t->mh.msg_name = &t->to;
		t->mh.msg_namelen = lr__dp_to_sa(&b->remote, &t->to);
		t->mh.msg_iov = t->iov;
		t->mh.msg_iovlen = k;
		if (k > 1) {
			struct cmsghdr *c;
			uint16_t seg = (uint16_t)b->pkt.len;

			t->mh.msg_control = t->cm.buf;
			t->mh.msg_controllen = sizeof(t->cm.buf);
			c = CMSG_FIRSTHDR(&t->mh);
			c->cmsg_level = SOL_UDP;
			c->cmsg_type = UDP_SEGMENT;
			c->cmsg_len = CMSG_LEN(sizeof(seg));
			memcpy(CMSG_DATA(c), &seg, sizeof(seg));
		}
		io_uring_prep_sendmsg(sqe, dp->fd[b->lidx], &t->mh, 0);
		io_uring_sqe_set_data(sqe, b);
		i += k;
	}
}

/* A sendmsg completed: count it and give its buffers back. */
static void sent(struct lr_dp *dp, struct uring *u, struct lr__dpbuf *b,
		 int res)
{
	struct txd *t = &u->txd[b - dp->bufs];

	if (res < 0) {
		dp->st.drops[LR_DROP_TX_FAILED] += t->nseg;
		if (t->nseg > 1 && (res == -EIO || res == -EINVAL) &&
		    !dp->no_gso) {
			dp->no_gso = 1;
			fprintf(stderr,
				"linerate: UDP GSO refused (%s): "
				"sending without it\n",
				strerror(-res));
		}
	} else {
		dp->st.tx_packets += t->nseg;
		dp->st.tx_bytes += (unsigned)res;
	}
	while (b) {
		struct lr__dpbuf *nx = b->next;

		lr__buf_put(dp, b);
		b = nx;
	}
}

static void run_engine(struct lr_dp *dp, struct uring *u, unsigned li)
{
	unsigned n;

	if (!u->nrx[li])
		return;
	n = lr__engine_burst(dp, u->rx[li], u->nrx[li], u->tx);
	u->nrx[li] = 0;
	send_all(dp, u, u->tx, n);
}

/* The GRO segment size a message came with (0: one datagram). */
static unsigned gro_size(struct io_uring_recvmsg_out *o, struct msghdr *tmpl)
{
	struct cmsghdr *c;
	unsigned seg;

	for (c = io_uring_recvmsg_cmsg_firsthdr(o, tmpl); c;
	     c = io_uring_recvmsg_cmsg_nexthdr(o, tmpl, c))
		if ((seg = lr__dp_gro_seg(c)))
			return seg;
	return 0;
}

/* One datagram of a message into the socket's pending burst. */
static void take(struct lr_dp *dp, struct uring *u, unsigned li,
		 const struct lr_addr *from, const uint8_t *p, size_t len)
{
	struct lr__dpbuf *b = lr__buf_get(dp);

	if (!b) {
		dp->st.drops[LR_DROP_NO_BUFFER]++;
		return;
	}
	memcpy(b->data, p, len);
	b->pkt.len = (uint32_t)len;
	b->remote = *from;
	b->local = dp->local[li];
	b->lidx = (uint16_t)li;
	u->rx[li][u->nrx[li]++] = b;
	if (u->nrx[li] == LR_DP_BURST)
		run_engine(dp, u, li);
}

/* A received message's datagrams into the socket's pending burst, and
 * its ring buffer back. */
static void on_data(struct lr_dp *dp, struct uring *u, unsigned li, int res,
		    unsigned bid)
{
	uint8_t *raw = u->bufs + (size_t)bid * u->br_size;
	struct io_uring_recvmsg_out *o =
		io_uring_recvmsg_validate(raw, res, &u->tmpl);
	struct lr_addr from;
	const uint8_t *pl;
	unsigned seg;
	size_t len;

	if (o && !(o->flags & MSG_TRUNC)) {
		len = io_uring_recvmsg_payload_length(o, res, &u->tmpl);
		pl = io_uring_recvmsg_payload(o, &u->tmpl);
		seg = u->gro ? gro_size(o, &u->tmpl) : 0;
		lr__dp_from_sa(io_uring_recvmsg_name(o), &from);
		if (seg && seg < len && seg <= DP_RX_ROOM) {
			/* a GRO message: its datagrams, in order */
			dp->st.rx_coalesced += (len + seg - 1) / seg;
			for (size_t off = 0; off < len; off += seg)
				take(dp, u, li, &from, pl + off,
				     len - off < seg ? len - off : seg);
		} else if (len <= DP_RX_ROOM) {
			take(dp, u, li, &from, pl, len);
		} /* else too big: dropped, as by the sock backend */
	}
	/* the ring buffer goes straight back */
	io_uring_buf_ring_add(u->br, raw, u->br_size, (unsigned short)bid,
			      io_uring_buf_ring_mask(u->br_entries),
			      (int)u->recycled++);
}

/* Waiting messages, oldest first, while the pool has room for one
 * message's legs. */
static void drain_back(struct lr_dp *dp, struct uring *u)
{
	unsigned i = 0;

	while (i < u->nback && dp->nfree >= u->low) {
		on_data(dp, u, u->back[i].li, u->back[i].res, u->back[i].bid);
		i++;
	}
	memmove(u->back, u->back + i, (u->nback - i) * sizeof(u->back[0]));
	u->nback -= i;
}

static void on_recv(struct lr_dp *dp, struct uring *u, unsigned li,
		    const struct io_uring_cqe *cqe)
{
	unsigned bid;

	if (!(cqe->flags & IORING_CQE_F_MORE))
		u->armed[li] = 0; /* re-armed after this round */
	if (cqe->res < 0 || !(cqe->flags & IORING_CQE_F_BUFFER))
		return; /* -ENOBUFS: the ring ran dry; re-armed below */
	bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	if (u->nback || dp->nfree < u->low) {
		u->back[u->nback++] = (struct pending){.res = cqe->res,
						       .li = (uint8_t)li,
						       .bid = (uint16_t)bid};
		return;
	}
	on_data(dp, u, li, cqe->res, bid);
}

static int ring_setup(struct lr_dp *dp, struct uring *u)
{
	struct io_uring_params p = {0};
	struct io_uring_buf_reg reg = {0};
	int r;

	/* one thread submits and reaps: say so, and run task work only
	 * when we wait (kernel 6.1) */
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	r = io_uring_queue_init_params(RING_ENTRIES, &u->ring, &p);
	if (r == -EINVAL) {
		memset(&p, 0, sizeof(p));
		r = io_uring_queue_init_params(RING_ENTRIES, &u->ring, &p);
	}
	if (r)
		return r;
	/* UDP GRO where the sockets take it (as the sock backend) */
	for (unsigned i = 0; !dp->cfg.no_udp_gro && i < dp->nlocal; i++) {
		int one = 1;

		if (!setsockopt(dp->fd[i], SOL_UDP, UDP_GRO, &one, sizeof(one)))
			u->gro = 1;
	}
	u->br_entries = u->gro ? BR_ENTRIES_GRO : BR_ENTRIES;
	u->br_size = u->gro ? BR_SIZE_GRO : BR_SIZE;
	if (posix_memalign((void **)&u->br, 4096,
			   u->br_entries * sizeof(struct io_uring_buf)) ||
	    posix_memalign((void **)&u->bufs, 4096,
			   (size_t)u->br_entries * u->br_size))
		return -ENOMEM;
	io_uring_buf_ring_init(u->br);
	reg.ring_addr = (unsigned long)u->br;
	reg.ring_entries = u->br_entries;
	reg.bgid = BGID;
	r = io_uring_register_buf_ring(&u->ring, &reg, 0);
	if (r)
		return r;
	for (unsigned i = 0; i < u->br_entries; i++)
		io_uring_buf_ring_add(u->br, u->bufs + (size_t)i * u->br_size,
				      u->br_size, (unsigned short)i,
				      io_uring_buf_ring_mask(u->br_entries),
				      (int)i);
	io_uring_buf_ring_advance(u->br, (int)u->br_entries);
	u->tmpl.msg_namelen = sizeof(struct sockaddr_storage);
	if (u->gro)
		u->tmpl.msg_controllen = CMSG_SPACE(sizeof(int));
	return 0;
}

static void *uring_run(void *arg)
{
	struct lr_dp *dp = arg;
	struct uring *u = calloc(1, sizeof(*u));
	unsigned pool = dp->cfg.pool ? dp->cfg.pool : 4096;
	int r = u ? ring_setup(dp, u) : -ENOMEM;

	if (pool < 2 * LR_DP_BURST)
		pool = 2 * LR_DP_BURST;
	if (!r) {
		u->txd = calloc(pool, sizeof(*u->txd));
		r = u->txd ? 0 : -ENOMEM;
	}
	if (r) {
		/* lr_dp_new fails with this: falling back to sock is the
		 * caller's choice (LR_DP_AUTO), never made here */
		if (u && u->ring.ring_fd > 0)
			io_uring_queue_exit(&u->ring);
		if (u) {
			free(u->br);
			free(u->bufs);
		}
		free(u);
		lr__dp_ready(dp, r);
		return NULL;
	}
	lr__dp_ready(dp, 0);
	/* room for a GRO message's legs, all fanned out, or half the pool */
	u->low = LR_DP_BURST * (LR_DP_MAX_ROUTES + 1);
	if (u->low > pool / 2)
		u->low = pool / 2;
	arm_wake(dp, u);
	while (!atomic_load(&dp->stop)) {
		struct __kernel_timespec ts = {.tv_nsec = 100000000};
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0, n, ninj;

		for (unsigned li = 0; li < dp->nlocal; li++)
			if (!u->armed[li])
				arm_recv(dp, u, li);
		n = lr__dp_service(dp, u->tx, TX_MAX, u->rx[0], &ninj);
		send_all(dp, u, u->tx, n);
		if (ninj) {
			n = lr__engine_burst(dp, u->rx[0], ninj, u->tx);
			send_all(dp, u, u->tx, n);
		}
		io_uring_submit_and_wait_timeout(&u->ring, &cqe, 1, &ts, NULL);
		u->recycled = 0;
		io_uring_for_each_cqe(&u->ring, head, cqe)
		{
			uint64_t ud = io_uring_cqe_get_data64(cqe);

			seen++;
			if (ud >= UD_RECV && ud < UD_RECV + DP_MAX_LOCAL) {
				on_recv(dp, u, (unsigned)(ud - UD_RECV), cqe);
			} else if (ud == UD_WAKE) {
				arm_wake(dp, u);
			} else if (ud >= UD_MAX_TAG) {
				sent(dp, u, (void *)(uintptr_t)ud, cqe->res);
			}
		}
		io_uring_cq_advance(&u->ring, seen);
		drain_back(dp, u);
		io_uring_buf_ring_advance(u->br, (int)u->recycled);
		for (unsigned li = 0; li < dp->nlocal; li++)
			run_engine(dp, u, li);
	}
	/* (sends still in flight end with the ring; the pool is freed
	 * with the data plane) */
	io_uring_queue_exit(&u->ring);
	free(u->br);
	free(u->bufs);
	free(u->txd);
	free(u);
	return NULL;
}

const struct lr__dp_backend_ops lr__dp_uring_ops = {
	.name = "uring",
	.open = lr__dp_sock_open,
	.close = lr__dp_sock_close,
	.run = uring_run,
};
