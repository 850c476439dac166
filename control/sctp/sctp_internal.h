/* SPDX-License-Identifier: BSD-2-Clause */
/* Internals of control/sctp. */
#ifndef LR_SCTP_INTERNAL_H
#define LR_SCTP_INTERNAL_H

#include "linerate/lr_sctp.h"
#include "lr_dgram_q.h"

struct socket;

/* One data channel (one SCTP stream id both ways). */
struct lr__dc {
	uint16_t id;
	enum lr_dc_state state;
	struct lr_dc_init init;
	char *label, *protocol;
	int local;	 /* we created it */
	int announced;	 /* OPEN sent (or negotiated: nothing to send) */
	int acked;	 /* peer's ACK seen, or not needed */
	int reset_asked; /* our outgoing stream reset requested */
	int out_reset;	 /* ... and done */
	int in_reset;	 /* the peer reset its outgoing stream */
	size_t buffered; /* bytes accepted by send(), not yet in SCTP */
	size_t low;	 /* bufferedAmountLowThreshold */
	struct lr_dc_stats st;
};

/* A message accepted by send() and waiting for room in usrsctp. */
struct lr__msg {
	struct lr__msg *next;
	uint16_t id;
	uint32_t ppid;
	size_t len;	/* bytes on the wire (1 for empty messages) */
	size_t counted; /* bytes in bufferedAmount */
	uint8_t data[];
};

struct lr__ev {
	struct lr__ev *next;
	struct lr_sctp_event ev;
};

struct lr_sctp {
	struct socket *sock;
	struct lr_sctp_config cfg;
	enum lr_sctp_state state;
	uint64_t now;
	struct lr__dgram_q out; /* SCTP packets for the DTLS layer */
	struct lr__msg *pend, *pend_tail;
	struct lr__ev *ev, *ev_tail;
	struct lr__dc *dc[LR_SCTP_MAX_CHANNELS];
	/* The message being received. usrsctp hands over one message at a
	 * time (fragment interleave level 1), in pieces (partial delivery,
	 * and our reads of rbuf's size): one buffer serves every channel. */
	int rx_sid;	  /* its stream, -1: none */
	uint32_t rx_ppid; /* its first piece's PPID */
	int rx_drop;	  /* refused or unwanted: skip to its end */
	uint8_t *rx;	  /* what came so far; at most cfg.max_message_size */
	size_t rx_len, rx_cap;
	struct lr_sctp_stats st;
	uint8_t rbuf[65536] __attribute__((aligned(8)));
};

/* stack.c: the process's one usrsctp. */
int lr__sctp_stack_ref(void);
void lr__sctp_stack_unref(void);
void lr__sctp_stack_advance(uint64_t now);
uint64_t lr__sctp_stack_next(void);

/* assoc.c */
void lr__sctp_emit(struct lr_sctp *s, enum lr_sctp_ev_type t, uint16_t id,
		   int binary, uint8_t *data, size_t len);
int lr__sctp_reset_out(struct lr_sctp *s, uint16_t id);

/* channel.c */
void lr__sctp_pump(struct lr_sctp *s);
void lr__sctp_on_up(struct lr_sctp *s);
void lr__sctp_on_data(struct lr_sctp *s, uint16_t sid, uint32_t ppid,
		      const uint8_t *data, size_t len, int eor);
/* usrsctp gave up the message being received on stream sid (-1: any). */
void lr__sctp_rx_abort(struct lr_sctp *s, int sid);
void lr__sctp_rx_free(struct lr_sctp *s);
void lr__sctp_on_reset(struct lr_sctp *s, uint16_t sid, int incoming,
		       int outgoing);
void lr__sctp_close_all(struct lr_sctp *s);
void lr__sctp_free_channels(struct lr_sctp *s);
int lr__sctp_queue(struct lr_sctp *s, uint16_t id, uint32_t ppid,
		   const void *data, size_t len, size_t counted);

#endif
