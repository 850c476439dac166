/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_dtmf: RTCDTMFSender and received DTMF, as RFC 4733 telephone-events
 * (RFC 4733 §3: events 0-9, *, #, A-D). Sans-IO: the sender says which
 * 4-byte payloads to send when (the transceiver adds the RTP header);
 * the receiver turns payloads back into tone events.
 */
#ifndef LINERATE_LR_DTMF_H
#define LINERATE_LR_DTMF_H

#include <stddef.h>
#include <stdint.h>

#define LR_DTMF_DURATION_DEFAULT 100 /* ms, RTCDTMFSender.insertDTMF */
#define LR_DTMF_GAP_DEFAULT	 70
#define LR_DTMF_DURATION_MIN	 40
#define LR_DTMF_DURATION_MAX	 6000
#define LR_DTMF_GAP_MIN		 30
#define LR_DTMF_PAUSE_MS	 2000 /* a ',' in the tone buffer */

struct lr_dtmf_sender_config {
	uint32_t clock_rate;  /* of the negotiated telephone-event: 8000 or
			       * 48000; 0 = 8000 */
	uint32_t interval_ms; /* update interval; 0 = 50 (RFC 4733 §2.5.1.2) */
	uint8_t volume;	      /* 0..63 (-dBm0); 0 = 10 */
};

/* One telephone-event packet to send. */
struct lr_dtmf_packet {
	uint8_t payload[4];
	int marker;	    /* first packet of an event */
	uint32_t timestamp; /* RTP units from the sender's start, the same for
			     * every packet of one event (§2.5.1.1) */
};

struct lr_dtmf_sender;

int lr_dtmf_sender_new(const struct lr_dtmf_sender_config *cfg,
		       struct lr_dtmf_sender **out);
void lr_dtmf_sender_free(struct lr_dtmf_sender *s);
/*
 * insertDTMF(tones, duration, interToneGap): replaces what is still
 * queued. 0 means omitted (100 ms, 70 ms); durations are clamped to
 * 40..6000 ms and the gap to >= 30 ms as the WebRTC spec says. 0, or -EINVAL for a character other than
 * 0-9 A-D a-d # * , (InvalidCharacterError).
 */
int lr_dtmf_insert(struct lr_dtmf_sender *s, uint64_t now, const char *tones,
		   unsigned duration_ms, unsigned gap_ms);
/* toneBuffer: what has not started yet. */
const char *lr_dtmf_tone_buffer(const struct lr_dtmf_sender *s);
void lr_dtmf_handle_timeout(struct lr_dtmf_sender *s, uint64_t now);
uint64_t lr_dtmf_poll_timeout(const struct lr_dtmf_sender *s);
/* 1 and *p filled, or 0. */
int lr_dtmf_poll_packet(struct lr_dtmf_sender *s, struct lr_dtmf_packet *p);
/* RTCDTMFToneChangeEvent: 1 and *tone set to the tone that started
 * ('\0' once the buffer is done), or 0. */
int lr_dtmf_poll_tonechange(struct lr_dtmf_sender *s, char *tone);

/* Receiving. */
struct lr_dtmf_event {
	char tone;    /* '0'..'9', '*', '#', 'A'..'D', '?' (other code) */
	uint8_t code; /* the event code */
	uint8_t volume;
	uint32_t duration; /* RTP units */
	uint32_t duration_ms;
	uint32_t timestamp;
};

struct lr_dtmf_receiver {
	uint32_t clock_rate;
	int have_last;
	uint32_t last_ts; /* event already reported ended */
	uint64_t bad;	  /* payloads refused (short) */
	uint64_t events;
};

void lr_dtmf_receiver_init(struct lr_dtmf_receiver *r, uint32_t clock_rate);
/* One telephone-event payload with its RTP timestamp: 1 and *ev filled
 * when an event ended (first end packet; the retransmitted end packets
 * are recognised and ignored), 0 otherwise, -EINVAL (counted) if it is
 * not a telephone-event payload. */
int lr_dtmf_receive(struct lr_dtmf_receiver *r, uint32_t timestamp,
		    const uint8_t *payload, size_t len,
		    struct lr_dtmf_event *ev);

/* '#' -> 11 and so on (RFC 4733 §3.2), or -1. */
int lr_dtmf_code(char tone);
char lr_dtmf_tone(uint8_t code);

#endif
