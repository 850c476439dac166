/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the socket backends (sock, uring) share: address conversions,
 * a worker's UDP sockets -- one per local address, an SO_REUSEPORT group
 * per address when there are several workers, steered by a classic BPF
 * program that computes lr__dp_steer (workers.c) -- and the eventfd that
 * wakes the worker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdio.h>
#include <unistd.h>

#include "sock_io.h"

#ifndef SO_ATTACH_REUSEPORT_CBPF
#define SO_ATTACH_REUSEPORT_CBPF 51
#endif

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

/* The program sees the datagram after its UDP header (the kernel pulls
 * it); the network header is at SKF_NET_OFF. IPv4 is taken to have no
 * options (a datagram with them still lands on one worker, maybe not the
 * one lr__dp_steer names). */
static int steer_attach(int fd, int v6, unsigned n)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 (uint32_t)(SKF_NET_OFF + (v6 ? 20 : 12))),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS,
			 (uint32_t)(SKF_NET_OFF + (v6 ? 40 : 20))),
		BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, n),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]),
				  .filter = code};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog,
			  sizeof(prog))
		       ? -errno
		       : 0;
}

static int open_one(struct lr__worker *w, unsigned i, int *out)
{
	struct lr_dp *dp = w->dp;
	struct sockaddr_storage ss;
	socklen_t sl = lr__dp_to_sa(&dp->local[i], &ss);
	int one = 1, buf = 4 << 20;
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);

	if (fd < 0)
		return -errno;
	*out = fd;
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* several workers: one socket each on the same address */
	if (dp->cfg.workers > 1 &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
		return -errno;
	/* Bursts need room in the kernel's queues: past rmem_max and
	 * wmem_max when we may (CAP_NET_ADMIN). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&ss, sl) ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl))
		return -errno;
	/* the first worker learns the ports (0: any), the others bind
	 * them; the first attaches the steering to the group it made */
	if (!w->index) {
		lr__dp_from_sa(&ss, &dp->local[i]);
		if (dp->cfg.workers > 1)
			return steer_attach(fd, ss.ss_family == AF_INET6,
					    dp->cfg.workers);
	}
	return 0;
}

int lr__sockset_open(struct lr__worker *w, struct lr__sockset *s)
{
	int r = 0;

	for (unsigned i = 0; i < DP_MAX_LOCAL; i++)
		s->fd[i] = -1;
	for (unsigned i = 0; i < w->dp->nlocal && !r; i++)
		r = open_one(w, i, &s->fd[i]);
	if (r)
		lr__sockset_close(s);
	return r;
}

void lr__sockset_close(struct lr__sockset *s)
{
	for (unsigned i = 0; i < DP_MAX_LOCAL; i++)
		if (s->fd[i] >= 0) {
			close(s->fd[i]);
			s->fd[i] = -1;
		}
}

/* Any thread; the socket backends' wake op: the worker's eventfd
 * (it outlives the worker's thread and its sockets: another worker may
 * kick it while it stops). */
void lr__sockset_wake(struct lr__worker *w)
{
	uint64_t one = 1;

	if (write(w->wake_fd, &one, sizeof(one)) < 0) {
		/* eventfd counter full: the worker is awake anyway */
	}
}

int lr__sockset_gro(struct lr__worker *w, struct lr__sockset *s)
{
	int on = 0;

	for (unsigned i = 0; !w->dp->cfg.no_udp_gro && i < w->dp->nlocal; i++) {
		int one = 1;

		if (!setsockopt(s->fd[i], SOL_UDP, UDP_GRO, &one, sizeof(one)))
			on = 1;
	}
	return on;
}

void lr__sockset_no_gso(struct lr__sockset *s, int err)
{
	if (s->no_gso)
		return;
	/* no UDP GSO on this path: from now on, one datagram a message */
	s->no_gso = 1;
	fprintf(stderr, "linerate: UDP GSO refused (%s): sending without it\n",
		strerror(err));
}
