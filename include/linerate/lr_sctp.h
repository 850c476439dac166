/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_sctp: SCTP over DTLS (RFC 8261) with data channels (RFC 8831, DCEP
 * RFC 8832), sans-IO. usrsctp runs in AF_CONN mode without its threads:
 * SCTP packets come in through lr_sctp_handle_input(), go out through
 * lr_sctp_poll_transmit() (the caller wraps them in DTLS records), and
 * usrsctp's timers advance only in lr_sctp_handle_timeout(now).
 *
 * usrsctp is one stack per process: every lr_sctp shares it, and all
 * must be driven from one thread. Its timers are advanced by the largest
 * `now` any association has been given. (usrsctp's RTT samples and
 * PR-SCTP lifetimes use the wall clock; a lifetime of 0 is exact.)
 */
#ifndef LINERATE_LR_SCTP_H
#define LINERATE_LR_SCTP_H

#include <stddef.h>
#include <stdint.h>

#include "lr_dcep.h"

#define LR_SCTP_PORT		 5000
#define LR_SCTP_MAX_MESSAGE_SIZE 1048576 /* what we accept and advertise */
#define LR_SCTP_MAX_CHANNELS	 1024

struct lr_sctp_config {
	int dtls_client; /* RFC 8832 §6: the DTLS client uses even ids */
	uint16_t local_port, remote_port; /* a=sctp-port, 0 = 5000 */
	/* The peer's a=max-message-size: 0 = 65536 (RFC 8841 §6.1 when
	 * absent); larger sends fail with -EMSGSIZE. */
	uint32_t remote_max_message_size;
	uint16_t mtu; /* SCTP packet size; 0 = 1160 (fits DTLS in 1200) */
	/* What we accept (our a=max-message-size): 0 =
	 * LR_SCTP_MAX_MESSAGE_SIZE. A larger message is refused: counted in
	 * rx_too_big, an ERROR event, and its channel is closed (RFC 8831
	 * §6.6: an error with a received message closes the channel). Only
	 * one message is reassembled at a time, in one buffer of at most
	 * this size, freed when the message is delivered. */
	uint32_t max_message_size;
};

/* RTCDataChannelInit */
struct lr_dc_init {
	int unordered;		     /* !ordered */
	int32_t max_retransmits;     /* -1 = unset */
	int32_t max_packet_lifetime; /* ms, -1 = unset */
	const char *protocol;	     /* NULL = "" */
	int negotiated;		     /* true: no DCEP, id must be given */
	int32_t id;		     /* -1 = pick by DTLS role */
	uint16_t priority;	     /* 0 = 256 ("low") */
};
#define LR_DC_INIT_DEFAULT                                                     \
	{                                                                      \
		.max_retransmits = -1, .max_packet_lifetime = -1, .id = -1     \
	}

enum lr_dc_state {
	LR_DC_CONNECTING = 0, /* RTCDataChannelState */
	LR_DC_OPEN,
	LR_DC_CLOSING,
	LR_DC_CLOSED,
};

enum lr_sctp_state {
	LR_SCTP_NEW = 0,
	LR_SCTP_CONNECTING,
	LR_SCTP_CONNECTED,
	LR_SCTP_CLOSED,
};

enum lr_sctp_ev_type {
	LR_SCTP_EV_CONNECTED = 1,  /* the association is up */
	LR_SCTP_EV_CLOSED,	   /* the association ended (abort/shutdown) */
	LR_SCTP_EV_DATA_CHANNEL,   /* the peer opened a channel (DCEP) */
	LR_SCTP_EV_OPEN,	   /* a channel's "open" */
	LR_SCTP_EV_MESSAGE,	   /* a channel's "message" */
	LR_SCTP_EV_CLOSING,	   /* a channel's "closing" */
	LR_SCTP_EV_CHANNEL_CLOSED, /* a channel's "close" */
	LR_SCTP_EV_BUFFERED_LOW,   /* a channel's "bufferedamountlow" */
	LR_SCTP_EV_ERROR,	   /* a channel's "error" (a message dropped:
				    * one we sent, or one over our
				    * max_message_size, which also closes
				    * the channel) */
};

struct lr_sctp_event {
	enum lr_sctp_ev_type type;
	uint16_t id;   /* channel (stream) id */
	int binary;    /* MESSAGE: PPID binary */
	uint8_t *data; /* MESSAGE: malloc'd, owned by the caller after poll
			* (free() it or call lr_sctp_event_clear) */
	size_t len;
};
void lr_sctp_event_clear(struct lr_sctp_event *ev);

struct lr_sctp_stats {
	uint64_t rx_packets, tx_packets;
	uint64_t messages_sent, messages_received;
	uint64_t bytes_sent, bytes_received;
	uint64_t dcep_errors;	     /* malformed DCEP, counted, ignored */
	uint64_t rx_too_big;	     /* messages over our max-message-size */
	uint64_t rx_unknown_stream;  /* data on a stream with no channel */
	uint64_t tx_queue_drops;     /* packets dropped: output queue full */
	uint64_t rx_partial_aborted; /* messages given up part way (PR-SCTP) */
	uint64_t rx_buffered;	     /* bytes held now for the message being
				      * received (its buffer's size) */
	uint64_t rx_buffered_max;    /* ... and the most ever held */
};

struct lr_sctp;

int lr_sctp_new(const struct lr_sctp_config *cfg, struct lr_sctp **out);
void lr_sctp_free(struct lr_sctp *s);
/* Start the association (both sides call it: simultaneous INIT works).
 * Channels created earlier are announced once it is up. */
int lr_sctp_start(struct lr_sctp *s, uint64_t now);
/* One SCTP packet from the DTLS layer. */
void lr_sctp_handle_input(struct lr_sctp *s, uint64_t now, const void *pkt,
			  size_t len);
void lr_sctp_handle_timeout(struct lr_sctp *s, uint64_t now);
uint64_t lr_sctp_poll_timeout(const struct lr_sctp *s);
/* The next SCTP packet for the DTLS layer: length, 0, or -ENOSPC. */
int lr_sctp_poll_transmit(struct lr_sctp *s, uint8_t *buf, size_t cap);
/* 1 and *ev filled, or 0 if there is nothing. */
int lr_sctp_poll_event(struct lr_sctp *s, struct lr_sctp_event *ev);
enum lr_sctp_state lr_sctp_state(const struct lr_sctp *s);
const struct lr_sctp_stats *lr_sctp_stats(const struct lr_sctp *s);
/* Graceful end (SHUTDOWN); channels close. */
void lr_sctp_close(struct lr_sctp *s);

/* RTCPeerConnection.createDataChannel: the id, or -EINVAL (bad init:
 * both retransmits and lifetime, id parity/range, label over 65535),
 * -EEXIST (id in use), -ENOSPC. */
int lr_sctp_channel_open(struct lr_sctp *s, const char *label,
			 const struct lr_dc_init *init);
/* RTCDataChannel.send: 0, -EMSGSIZE (over the peer's
 * max-message-size), -ENOTCONN (not open), -ENOENT, -ENOMEM. */
int lr_sctp_send(struct lr_sctp *s, uint16_t id, const void *data, size_t len,
		 int binary);
/* RTCDataChannel.close: outgoing stream reset (RFC 8831 §6.7). */
int lr_sctp_channel_close(struct lr_sctp *s, uint16_t id);

enum lr_dc_state lr_sctp_channel_state(const struct lr_sctp *s, uint16_t id);
const char *lr_sctp_channel_label(const struct lr_sctp *s, uint16_t id);
const char *lr_sctp_channel_protocol(const struct lr_sctp *s, uint16_t id);
/* The channel's init as negotiated (for the remote side's channels:
 * from its OPEN). -ENOENT. */
int lr_sctp_channel_init(const struct lr_sctp *s, uint16_t id,
			 struct lr_dc_init *out);
/* bytes accepted by send() and not yet handed to the network */
size_t lr_sctp_buffered_amount(const struct lr_sctp *s, uint16_t id);
int lr_sctp_set_buffered_low(struct lr_sctp *s, uint16_t id, size_t bytes);
/* Per-channel counters (RTCDataChannelStats). */
struct lr_dc_stats {
	uint64_t messages_sent, bytes_sent;
	uint64_t messages_received, bytes_received;
};
int lr_sctp_channel_stats(const struct lr_sctp *s, uint16_t id,
			  struct lr_dc_stats *out);

#endif
