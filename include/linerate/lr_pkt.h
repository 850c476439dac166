/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * lr_pkt: the packet descriptor every data-plane stage works on.
 *
 * Ownership: the descriptor and the buffer belong to whoever created them
 * (a backend, a test, the control plane); stages never allocate or free
 * packets. A stage may write anywhere in [data, data + room) and changes
 * len; it never moves data. Headroom, if a later stage needs it, is the
 * owner's business: no SRTP operation needs any.
 */
#ifndef LINERATE_LR_PKT_H
#define LINERATE_LR_PKT_H

#include "lr_types.h"

/* Why a packet was dropped. One counter per reason per context. */
enum lr_drop_reason {
	LR_DROP_NONE = 0,
	LR_DROP_TOO_SHORT,	 /* shorter than header + tag (+ trailer) */
	LR_DROP_BAD_VERSION,	 /* RTP/RTCP version is not 2 */
	LR_DROP_BAD_HEADER,	 /* CSRC/extension lengths run past the end */
	LR_DROP_NO_TAILROOM,	 /* room < len + tailroom needed by protect */
	LR_DROP_UNKNOWN_SSRC,	 /* no stream for the SSRC, none may be made */
	LR_DROP_NO_STREAM_SLOT,	 /* stream table full */
	LR_DROP_AUTH,		 /* authentication tag did not verify */
	LR_DROP_REPLAY,		 /* index already seen (rx) or sent (tx) */
	LR_DROP_REPLAY_OLD,	 /* index older than the replay window */
	LR_DROP_INDEX_EXHAUSTED, /* SRTCP index would pass 2^31 - 1, or
				  * SRTP's 2^48 (RFC 3711 §3.3.1, §9.2) */
	LR_DROP_NOT_RTP,	 /* RFC 7983: first byte is not RTP/RTCP */
	/* data plane engine */
	LR_DROP_UNKNOWN_FLOW, /* RTP/RTCP from no installed flow (punted) */
	LR_DROP_NO_ROUTE,     /* authentic media nobody subscribed to */
	LR_DROP_NO_BUFFER,    /* packet pool empty (fan-out copy) */
	LR_DROP_TX_FAILED,    /* the backend could not send it */
	/* backends with their own network stack (dpdk) */
	LR_DROP_BAD_FRAME, /* malformed L2/L3/UDP (lengths, IPv4 checksum) */
	LR_DROP_NOT_OURS,  /* not UDP to a local address and port, or a
			    * fragment, or an unknown EtherType */
	/* limits against hostile input */
	LR_DROP_RATE_LIMITED, /* over a rate limit (relayed feedback, ...) */
	LR_DROP_QUEUE_FULL,   /* a bounded queue between threads was full */
	LR_DROP_NOT_OWNER,    /* this worker does not own the SRTP stream:
			       * another does, or it is being handed over */
	LR_DROP__MAX
};

struct lr_pkt {
	uint8_t *data;	/* first byte of the packet */
	uint32_t len;	/* packet length in bytes */
	uint32_t room;	/* writable bytes at data: len + tailroom */
	uint16_t drop;	/* enum lr_drop_reason set by the stage that failed */
	uint16_t flags; /* owner's */
	uint32_t user;	/* owner's */
	void *priv;	/* owner's: mbuf, ring buffer id, ... */
};

/* Stable name of a drop reason ("auth", "replay", ...), for logs and
 * metrics. Never NULL. */
const char *lr_drop_reason_name(unsigned reason);

#endif
