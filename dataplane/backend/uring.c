/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The uring backend: the sock backend's sockets, driven through io_uring.
 * One multishot recvmsg per socket takes datagrams into a provided buffer
 * ring; sends are batched sendmsg SQEs, submitted with the next reap; the
 * sockets are registered files (no lookup per operation); the ring is
 * single-issuer with deferred task running where the kernel has them
 * (6.0+), so completions run only when the worker asks. Without io_uring
 * (too old, or kernel.io_uring_disabled) lr_dp_new fails with the ring's
 * error; LR_DP_AUTO then takes sock (front.c).
 *
 * Received datagrams are copied from the ring's buffers into the worker's
 * packet buffers (one memcpy; the ring buffer goes back once its last
 * datagram is taken), so the engine and fan-out work as with sockets;
 * with UDP GRO a message holding a peer's run of same-size datagrams is
 * split in that copy, a burst at a time.
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

#include "sock_io.h"

#define RING_ENTRIES 1024
/* Provided buffers (a power of two): recvmsg_out, address, control and
 * a datagram; with UDP GRO, room for a whole GRO message (64 KiB),
 * fewer of them (their pages are touched only as far as filled). */
#define BR_ENTRIES     1024
#define BR_SIZE	       2048
#define BR_ENTRIES_GRO 256
#define BR_SIZE_GRO    (65536 + 512)
#define BGID	       7

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
	struct lr__sockset s; /* first (lr__sockset_wake) */
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	uint8_t *bufs;
	unsigned br_entries, br_size;
	int gro;	    /* UDP GRO on the sockets */
	struct msghdr tmpl; /* what multishot recvmsg fills in */
	uint64_t wake_val;
	int wake_fd; /* the worker's */
	/* a wake-up was read outside wait (in rx_burst's reap): the round
	 * it asked for has not run yet, so the next wait must not sleep */
	int woken;
	int armed[DP_MAX_LOCAL];
	unsigned recycled;
	/* Received messages whose datagrams the worker has not taken yet,
	 * in order (a ring of them, head hd, n of them); off: the next
	 * datagram's offset in the first. The ring buffers stay ours
	 * meanwhile. */
	struct pending {
		int res;
		uint8_t li;
		uint16_t bid;
	} back[BR_ENTRIES];
	unsigned hd, nback, off;
	/* legs hold their buffers until their sends complete: below low
	 * free buffers, completions are reaped before more is taken */
	unsigned low;
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

static void arm_recv(struct uring *u, unsigned li)
{
	struct io_uring_sqe *sqe = sqe_get(u);

	if (!sqe)
		return;
	io_uring_prep_recvmsg_multishot(sqe, (int)li, &u->tmpl, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT | IOSQE_FIXED_FILE;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, UD_RECV + li);
	u->armed[li] = 1;
}

static void arm_wake(struct uring *u)
{
	struct io_uring_sqe *sqe = sqe_get(u);

	if (!sqe)
		return;
	io_uring_prep_read(sqe, u->wake_fd, &u->wake_val, sizeof(u->wake_val),
			   0);
	io_uring_sqe_set_data64(sqe, UD_WAKE);
}

/* Consecutive datagrams of one size to one peer go as one UDP GSO
 * message, as in the sock backend. */
static unsigned group(const struct uring *u, struct lr__dpbuf **tx, unsigned i,
		      unsigned n)
{
	unsigned j = i + 1;
	size_t bytes = tx[i]->pkt.len;

	if (u->s.no_gso)
		return 1;
	while (j < n && j - i < DP_GSO_SEGS && tx[j]->lidx == tx[i]->lidx &&
	       tx[j]->pkt.len == tx[i]->pkt.len &&
	       bytes + tx[j]->pkt.len <= DP_GSO_BYTES &&
	       lr_addr_eq(&tx[j]->remote, &tx[i]->remote))
		bytes += tx[j++]->pkt.len;
	return j - i;
}

/* The sendmsg SQEs of tx[0..n); they go with the next submit (rx_burst
 * or wait), their buffers back to the pool as they complete. */
static void uring_tx_burst(struct lr__worker *w, struct lr__dpbuf **tx,
			   unsigned n)
{
	struct uring *u = w->be;
	struct lr__fwd *f = &w->fwd;

	for (unsigned i = 0; i < n;) {
		unsigned k = group(u, tx, i, n);
		struct lr__dpbuf *b = tx[i];
		struct txd *t = &u->txd[b - f->bufs];
		struct io_uring_sqe *sqe = sqe_get(u);

		if (!sqe) {
			for (unsigned x = 0; x < k; x++)
				lr__buf_put(f, tx[i + x]);
			f->st.drops[LR_DROP_TX_FAILED] += k;
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
		io_uring_prep_sendmsg(sqe, b->lidx, &t->mh, 0);
		sqe->flags |= IOSQE_FIXED_FILE;
		io_uring_sqe_set_data(sqe, b);
		i += k;
	}
}

/* A sendmsg completed: count it and give its buffers back. */
static void sent(struct lr__worker *w, struct uring *u, struct lr__dpbuf *b,
		 int res)
{
	struct txd *t = &u->txd[b - w->fwd.bufs];

	if (res < 0) {
		w->fwd.st.drops[LR_DROP_TX_FAILED] += t->nseg;
		if (t->nseg > 1 && (res == -EIO || res == -EINVAL))
			lr__sockset_no_gso(&u->s, -res);
	} else {
		w->fwd.st.tx_packets += t->nseg;
		w->fwd.st.tx_bytes += (unsigned)res;
	}
	while (b) {
		struct lr__dpbuf *nx = b->next;

		lr__buf_put(&w->fwd, b);
		b = nx;
	}
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

/* The ring buffer of a message whose datagrams are all taken, back. */
static void give_back(struct uring *u, unsigned bid)
{
	io_uring_buf_ring_add(u->br, u->bufs + (size_t)bid * u->br_size,
			      u->br_size, (unsigned short)bid,
			      io_uring_buf_ring_mask(u->br_entries),
			      (int)u->recycled++);
}

/* Datagrams of the oldest waiting message into b[0..max) from u->off:
 * how many; the message is done (popped, its ring buffer back) once its
 * last is taken or it is not one we take. */
static unsigned take(struct lr__worker *w, struct uring *u,
		     struct lr__dpbuf **b, unsigned max)
{
	const struct pending *p = &u->back[u->hd];
	uint8_t *raw = u->bufs + (size_t)p->bid * u->br_size;
	struct io_uring_recvmsg_out *o =
		io_uring_recvmsg_validate(raw, p->res, &u->tmpl);
	unsigned n = 0, seg = 0, done = 1;
	struct lr_addr from;
	const uint8_t *pl;
	size_t len = 0;

	if (o && !(o->flags & MSG_TRUNC)) {
		len = io_uring_recvmsg_payload_length(o, p->res, &u->tmpl);
		pl = io_uring_recvmsg_payload(o, &u->tmpl);
		seg = u->gro ? gro_size(o, &u->tmpl) : 0;
		if (!(seg && seg < len && seg <= DP_RX_ROOM))
			seg = 0;
		if (!seg && len > DP_RX_ROOM)
			len = 0; /* too big: dropped, as by sock */
		lr__dp_from_sa(io_uring_recvmsg_name(o), &from);
		if (seg && !u->off)
			w->fwd.st.rx_coalesced += (len + seg - 1) / seg;
		while (n < max && u->off < len) {
			size_t l =
				seg ? (len - u->off < seg ? len - u->off : seg)
				    : len;
			struct lr__dpbuf *x = lr__buf_get(&w->fwd);

			if (!x) {
				w->fwd.st.drops[LR_DROP_NO_BUFFER]++;
			} else {
				memcpy(x->data, pl + u->off, l);
				x->pkt.len = (uint32_t)l;
				x->remote = from;
				x->local = w->dp->local[p->li];
				x->lidx = p->li;
				b[n++] = x;
			}
			u->off += l;
		}
		done = u->off >= len;
	}
	if (done) {
		give_back(u, p->bid);
		u->hd = (u->hd + 1) % BR_ENTRIES;
		u->nback--;
		u->off = 0;
	}
	return n;
}

static void on_recv(struct uring *u, unsigned li,
		    const struct io_uring_cqe *cqe)
{
	if (!(cqe->flags & IORING_CQE_F_MORE))
		u->armed[li] = 0; /* re-armed at the next reap */
	if (cqe->res < 0 || !(cqe->flags & IORING_CQE_F_BUFFER))
		return; /* -ENOBUFS: the ring ran dry; re-armed below */
	u->back[(u->hd + u->nback++) % BR_ENTRIES] = (struct pending){
		.res = cqe->res,
		.li = (uint8_t)li,
		.bid = (uint16_t)(cqe->flags >> IORING_CQE_BUFFER_SHIFT)};
}

/* What completed: received messages queued, sends' buffers back. With
 * wait, until something completes or about 100 ms pass. */
static void reap(struct lr__worker *w, struct uring *u, int wait)
{
	struct __kernel_timespec ts = {.tv_nsec = 100000000};
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;

	for (unsigned li = 0; li < w->dp->nlocal; li++)
		if (!u->armed[li])
			arm_recv(u, li);
	if (wait)
		io_uring_submit_and_wait_timeout(&u->ring, &cqe, 1, &ts, NULL);
	else
		io_uring_submit_and_get_events(&u->ring);
	io_uring_for_each_cqe(&u->ring, head, cqe)
	{
		uint64_t ud = io_uring_cqe_get_data64(cqe);

		seen++;
		if (ud >= UD_RECV && ud < UD_RECV + DP_MAX_LOCAL)
			on_recv(u, (unsigned)(ud - UD_RECV), cqe);
		else if (ud == UD_WAKE) {
			arm_wake(u);
			u->woken |= !wait;
		} else if (ud >= UD_MAX_TAG)
			sent(w, u, (void *)(uintptr_t)ud, cqe->res);
	}
	io_uring_cq_advance(&u->ring, seen);
}

static unsigned uring_rx_burst(struct lr__worker *w, struct lr__dpbuf **b,
			       unsigned max)
{
	struct uring *u = w->be;
	unsigned n = 0;

	if (!u->nback || w->fwd.nfree < u->low)
		reap(w, u, 0);
	if (w->fwd.nfree < u->low)
		return 0; /* the next round, once sends have completed */
	u->recycled = 0;
	while (n < max && u->nback)
		n += take(w, u, b + n, max - n);
	if (u->recycled)
		io_uring_buf_ring_advance(u->br, (int)u->recycled);
	return n;
}

static void uring_wait(struct lr__worker *w)
{
	struct uring *u = w->be;

	if (u->woken) { /* its round first (commands, relayed RTCP) */
		u->woken = 0;
		return;
	}
	reap(w, u, 1);
}

static int ring_setup(struct lr__worker *w, struct uring *u)
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
	/* the sockets as registered files, by local index: no file
	 * lookup and reference per operation */
	r = io_uring_register_files(&u->ring, u->s.fd, w->dp->nlocal);
	if (r)
		return r;
	u->gro = lr__sockset_gro(w, &u->s);
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

static void uring_close(struct lr__worker *w)
{
	struct uring *u = w->be;

	if (!u)
		return;
	/* (sends still in flight end with the ring; their buffers are
	 * the pool's, freed with the worker) */
	if (u->ring.ring_fd > 0)
		io_uring_queue_exit(&u->ring);
	lr__sockset_close(&u->s);
	free(u->br);
	free(u->bufs);
	free(u->txd);
	free(u);
	w->be = NULL;
}

static int uring_open(struct lr__worker *w)
{
	struct uring *u = calloc(1, sizeof(*u));
	int r = u ? lr__sockset_open(w, &u->s) : -ENOMEM;

	if (r) {
		free(u);
		return r;
	}
	w->be = u;
	u->wake_fd = w->wake_fd;
	r = ring_setup(w, u);
	if (!r) {
		u->txd = calloc(w->fwd.nbufs, sizeof(*u->txd));
		r = u->txd ? 0 : -ENOMEM;
	}
	if (r) {
		/* lr_dp_new fails with this: falling back to sock is the
		 * caller's choice (LR_DP_AUTO), never made here */
		uring_close(w);
		return r;
	}
	/* room for a burst's legs, all fanned out, or half the pool */
	u->low = LR_DP_BURST * (LR_DP_MAX_ROUTES + 1);
	if (u->low > w->fwd.nbufs / 2)
		u->low = w->fwd.nbufs / 2;
	arm_wake(u);
	return 0;
}

const struct lr__backend_ops lr__dp_uring_ops = {
	.name = "uring",
	.open = uring_open,
	.close = uring_close,
	.rx_burst = uring_rx_burst,
	.tx_burst = uring_tx_burst,
	.wait = uring_wait,
	.wake = lr__sockset_wake,
};
