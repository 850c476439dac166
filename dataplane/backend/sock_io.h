/* SPDX-License-Identifier: BSD-2-Clause */
/* What the socket backends share (sock_io.c). */
#ifndef LR_DP_SOCK_IO_H
#define LR_DP_SOCK_IO_H

#include <string.h>

#include "backend.h"

/* A worker's sockets, at the start of its backend state (w->be); its
 * wake-up is w->wake_fd. */
struct lr__sockset {
	int fd[DP_MAX_LOCAL]; /* one UDP socket per local address */
	int no_gso;	      /* the kernel refused UDP GSO once */
};

/* On the worker's thread: its sockets (0, or -errno and none left). */
int lr__sockset_open(struct lr__worker *w, struct lr__sockset *s);
void lr__sockset_close(struct lr__sockset *s);
void lr__sockset_wake(struct lr__worker *w);
/* UDP GRO asked for on the sockets (unless cfg.no_udp_gro): 1 if any
 * took it. */
int lr__sockset_gro(struct lr__worker *w, struct lr__sockset *s);
/* A send with UDP GSO failed with err: without it from now on, said
 * once. */
void lr__sockset_no_gso(struct lr__sockset *s, int err);

#endif
