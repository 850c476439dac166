/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 4733 telephone-events: RTCDTMFSender's schedule, and the receiver. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_bytes.h"
#include "linerate/lr_dtmf.h"

#define MAXQ	  16
#define TONES_MAX 1024

struct lr_dtmf_sender {
	struct lr_dtmf_sender_config cfg;
	char buf[TONES_MAX + 1]; /* toneBuffer */
	unsigned duration, gap;	 /* ms */
	int active;		 /* a tone is playing */
	uint8_t code;
	uint64_t start, end; /* us */
	uint64_t t0;	     /* the sender's RTP time origin, us */
	int t0_set;
	uint64_t next; /* next thing to do, us */
	unsigned ends_left;
	uint64_t next_end;
	uint32_t ts, dur_units;
	uint8_t end_code; /* the tone whose end packets are going out */
	uint32_t end_ts;
	int marker_due;
	int idle_announced; /* the "" tonechange went out */
	struct lr_dtmf_packet q[MAXQ];
	unsigned qn;
	char tc[MAXQ];
	unsigned tcn;
};

int lr_dtmf_code(char t)
{
	if (t >= '0' && t <= '9')
		return t - '0';
	if (t == '*')
		return 10;
	if (t == '#')
		return 11;
	if (t >= 'A' && t <= 'D')
		return 12 + (t - 'A');
	if (t >= 'a' && t <= 'd')
		return 12 + (t - 'a');
	return -1;
}

char lr_dtmf_tone(uint8_t code)
{
	static const char t[] = "0123456789*#ABCD";

	return code < 16 ? t[code] : '?';
}

int lr_dtmf_sender_new(const struct lr_dtmf_sender_config *cfg,
		       struct lr_dtmf_sender **out)
{
	struct lr_dtmf_sender *s;

	*out = NULL;
	if (cfg->volume > 63)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	if (!s->cfg.clock_rate)
		s->cfg.clock_rate = 8000;
	if (!s->cfg.interval_ms)
		s->cfg.interval_ms = 50;
	if (!s->cfg.volume)
		s->cfg.volume = 10;
	s->next = UINT64_MAX;
	s->next_end = UINT64_MAX;
	s->idle_announced = 1;
	*out = s;
	return 0;
}

void lr_dtmf_sender_free(struct lr_dtmf_sender *s)
{
	free(s);
}

static uint32_t units(const struct lr_dtmf_sender *s, uint64_t us)
{
	return (uint32_t)(us * s->cfg.clock_rate / 1000000);
}

int lr_dtmf_insert(struct lr_dtmf_sender *s, uint64_t now, const char *tones,
		   unsigned duration_ms, unsigned gap_ms)
{
	size_t n = strlen(tones);

	if (n > TONES_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (tones[i] != ',' && lr_dtmf_code(tones[i]) < 0)
			return -EINVAL;
	if (!s->t0_set) {
		s->t0 = now;
		s->t0_set = 1;
	}
	if (!duration_ms) /* omitted */
		duration_ms = LR_DTMF_DURATION_DEFAULT;
	if (!gap_ms)
		gap_ms = LR_DTMF_GAP_DEFAULT;
	if (duration_ms < LR_DTMF_DURATION_MIN)
		duration_ms = LR_DTMF_DURATION_MIN;
	if (duration_ms > LR_DTMF_DURATION_MAX)
		duration_ms = LR_DTMF_DURATION_MAX;
	if (gap_ms < LR_DTMF_GAP_MIN)
		gap_ms = LR_DTMF_GAP_MIN;
	/* Upper-case, as toneBuffer reports it. */
	for (size_t i = 0; i <= n; i++)
		s->buf[i] = (char)(tones[i] >= 'a' && tones[i] <= 'd'
					   ? tones[i] - 32
					   : tones[i]);
	s->duration = duration_ms;
	s->gap = gap_ms;
	if (!s->active && s->next == UINT64_MAX && n)
		s->next = now; /* start at once */
	if (n)
		s->idle_announced = 0;
	return 0;
}

const char *lr_dtmf_tone_buffer(const struct lr_dtmf_sender *s)
{
	return s->buf;
}

static void push(struct lr_dtmf_sender *s, uint8_t code, uint32_t ts, int end,
		 uint32_t dur)
{
	struct lr_dtmf_packet *p;

	if (s->qn == MAXQ)
		return;
	p = &s->q[s->qn++];
	p->payload[0] = code;
	p->payload[1] = (uint8_t)((end ? 0x80 : 0) | s->cfg.volume);
	p->payload[2] = (uint8_t)(dur >> 8);
	p->payload[3] = (uint8_t)dur;
	p->marker = !end && s->marker_due;
	p->timestamp = ts;
	if (!end)
		s->marker_due = 0;
}

static void tonechange(struct lr_dtmf_sender *s, char t)
{
	if (s->tcn < MAXQ)
		s->tc[s->tcn++] = t;
}

/* Take the next tone off the buffer at time t. */
static void next_tone(struct lr_dtmf_sender *s, uint64_t t)
{
	char c = s->buf[0];

	if (!c) {
		s->next = UINT64_MAX;
		if (!s->idle_announced) {
			s->idle_announced = 1;
			tonechange(s, '\0');
		}
		return;
	}
	memmove(s->buf, s->buf + 1, strlen(s->buf));
	if (c == ',') {
		/* RTCDTMFSender: a comma is a 2 s pause. */
		tonechange(s, ',');
		s->next = t + LR_DTMF_PAUSE_MS * 1000ull;
		return;
	}
	tonechange(s, c);
	s->active = 1;
	s->code = (uint8_t)lr_dtmf_code(c);
	s->start = t;
	s->end = t + s->duration * 1000ull;
	s->ts = units(s, t - s->t0);
	s->marker_due = 1;
	push(s, s->code, s->ts, 0, 0);
	s->next = t + s->cfg.interval_ms * 1000ull;
}

void lr_dtmf_handle_timeout(struct lr_dtmf_sender *s, uint64_t now)
{
	while (now >= s->next || now >= s->next_end) {
		if (s->next_end <= s->next) {
			/* §2.5.1.4: the end packet, three times. */
			uint64_t t = s->next_end;

			push(s, s->end_code, s->end_ts, 1, s->dur_units);
			if (--s->ends_left)
				s->next_end = t + s->cfg.interval_ms * 1000ull;
			else
				s->next_end = UINT64_MAX;
			continue;
		}
		if (!s->active) {
			next_tone(s, s->next);
			continue;
		}
		if (s->next < s->end) {
			/* An update: the duration so far. */
			push(s, s->code, s->ts, 0,
			     units(s, s->next - s->start));
			s->next += s->cfg.interval_ms * 1000ull;
			continue;
		}
		/* The tone ends; the next starts after the gap. */
		s->active = 0;
		s->dur_units = units(s, s->end - s->start);
		s->end_code = s->code;
		s->end_ts = s->ts;
		s->ends_left = 3;
		s->next_end = s->end;
		s->next = s->end + s->gap * 1000ull;
	}
}

uint64_t lr_dtmf_poll_timeout(const struct lr_dtmf_sender *s)
{
	return s->next < s->next_end ? s->next : s->next_end;
}

int lr_dtmf_poll_packet(struct lr_dtmf_sender *s, struct lr_dtmf_packet *p)
{
	if (!s->qn)
		return 0;
	*p = s->q[0];
	memmove(s->q, s->q + 1, --s->qn * sizeof(s->q[0]));
	return 1;
}

int lr_dtmf_poll_tonechange(struct lr_dtmf_sender *s, char *tone)
{
	if (!s->tcn)
		return 0;
	*tone = s->tc[0];
	memmove(s->tc, s->tc + 1, --s->tcn);
	return 1;
}

void lr_dtmf_receiver_init(struct lr_dtmf_receiver *r, uint32_t clock_rate)
{
	memset(r, 0, sizeof(*r));
	r->clock_rate = clock_rate ? clock_rate : 8000;
}

/* RFC 4733 §2.3: event (8) | E R volume (1+1+6) | duration (16). */
int lr_dtmf_receive(struct lr_dtmf_receiver *r, uint32_t timestamp,
		    const uint8_t *p, size_t len, struct lr_dtmf_event *ev)
{
	if (len < 4) {
		r->bad++;
		return -EINVAL;
	}
	if (!(p[1] & 0x80))
		return 0; /* still going */
	if (r->have_last && r->last_ts == timestamp)
		return 0; /* a retransmitted end packet */
	r->have_last = 1;
	r->last_ts = timestamp;
	r->events++;
	memset(ev, 0, sizeof(*ev));
	ev->code = p[0];
	ev->tone = lr_dtmf_tone(p[0]);
	ev->volume = p[1] & 0x3f;
	ev->duration = lr_rd16(p + 2);
	ev->duration_ms =
		(uint32_t)((uint64_t)ev->duration * 1000 / r->clock_rate);
	ev->timestamp = timestamp;
	return 1;
}
