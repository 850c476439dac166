/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RTCP relay between workers. The worker that received a compound
 * (rtcp_relay.c) queues what it relays to the worker that protects the
 * target session's RTCP (id mod workers: one worker per session, so an
 * SRTCP index is never used twice) on a bounded ring per (producer,
 * consumer) pair (relayq.h, on spsc.c), allocated when the data plane starts: no
 * lock and no allocation per packet, and a full ring drops the packet,
 * counted queue_full. A producer wakes each consumer it queued to once
 * per burst (an eventfd write; not for dpdk, whose workers poll, nor for
 * itself); a consumer drains its rings every round, between bursts.
 *
 * The consumer, being the only worker that sends the publisher's RTCP,
 * is where keyframe requests from all subscribers of a stream meet: it
 * lets one through per relay_pli_interval_ms and numbers FIRs (RFC 5104
 * §4.3.1.2: a new number per new request from this sender). Then the
 * compound is protected with the target's SRTCP context; its sender
 * SSRC's stream must exist (made at install: lr__fb_streams), else it
 * is dropped, unknown_ssrc: relayed RTCP never makes a stream.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dp_internal.h"
#include "linerate/lr_rtp.h"
#include "relayq.h"

#define PSFB 206

uint32_t lr__relay_now_ms(const struct lr_dp *dp)
{
	struct timespec ts;

	if (dp->relay_clock)
		return dp->relay_clock();
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000u +
			  (uint64_t)ts.tv_nsec / 1000000u);
}

static unsigned dflt(unsigned v, unsigned d)
{
	return v ? v : d;
}

int lr__relay_init(struct lr_dp *dp, unsigned workers)
{
	struct lr_dp_config *c = &dp->cfg;
	unsigned slots = 1;
	int r = 0;

	c->relay_pli_interval_ms = dflt(c->relay_pli_interval_ms, 500);
	c->relay_nack_max = dflt(c->relay_nack_max, 64);
	c->relay_nack_interval_ms = dflt(c->relay_nack_interval_ms, 100);
	c->relay_sr_interval_ms = dflt(c->relay_sr_interval_ms, 500);
	c->relay_queue = dflt(c->relay_queue, LR_DP_BURST);
	if (c->relay_queue > 4096 || c->relay_nack_max > 0xffff || !workers ||
	    workers > LR_DP_MAX_WORKERS)
		return -EINVAL;
	while (slots < c->relay_queue)
		slots <<= 1;
	c->relay_queue = slots;
	dp->relay_in = calloc(workers, sizeof(*dp->relay_in));
	if (!dp->relay_in)
		return -ENOMEM;
	dp->nrelay_in = workers;
	for (unsigned i = 0; i < workers && !r; i++)
		r = lr__relayq_init(&dp->relay_in[i], slots);
	return r;
}

void lr__relay_fini(struct lr_dp *dp)
{
	for (unsigned i = 0; i < dp->nrelay_in; i++)
		lr__relayq_fini(&dp->relay_in[i]);
	free(dp->relay_in);
	dp->relay_in = NULL;
	dp->nrelay_in = 0;
}

/* The worker that protects session to's RTCP. */
static unsigned owner(const struct lr_dp *dp, uint64_t to)
{
	return (unsigned)(to % dp->front->nshards);
}

static struct lr__relayq *ring_to(const struct lr_dp *dp, uint64_t to)
{
	const struct lr_dp *c = dp->front->shard[owner(dp, to)];

	return dp->index < c->nrelay_in ? &c->relay_in[dp->index] : NULL;
}

struct lr__relay_item *lr__relay_slot(struct lr_dp *dp, uint64_t to)
{
	struct lr__relayq *q = ring_to(dp, to);

	return q ? lr__relayq_slot(q) : NULL;
}

void lr__relay_push(struct lr_dp *dp, uint64_t to)
{
	lr__relayq_push(ring_to(dp, to));
	dp->relay_woke |= 1ull << owner(dp, to);
}

void lr__relay_wake(struct lr_dp *dp)
{
	uint64_t w = dp->relay_woke;

	dp->relay_woke = 0;
	if (dp->cfg.backend == LR_DP_DPDK)
		return; /* its workers poll */
	for (unsigned c = 0; w; c++, w >>= 1)
		if ((w & 1) && c != dp->index)
			lr__dp_kick(dp->front->shard[c]);
}

static void count(struct lr_dp *dp, struct lr__dpsess *s, unsigned why,
		  unsigned n)
{
	dp->st.drops[why] += n;
	if (s)
		s->st.drops[why] += n;
}

/* The first feedback entry of publisher s for its SSRC ssrc: where the
 * stream's keyframe limit and FIR number are kept on this worker. */
static struct lr__dpfb *stream_of(struct lr__dpsess *s, uint32_t ssrc)
{
	for (unsigned i = 0; i < s->nfb; i++)
		if (s->fb[i].in_ssrc == ssrc)
			return &s->fb[i];
	return NULL;
}

/* Keyframe requests in the feedback compound p[0..len) for publisher s
 * that are too soon after the last one sent its stream are cut (counted
 * on src, the subscriber, and the worker); FIRs get their number.
 * What is left: its length. */
static size_t keyframes(struct lr_dp *dp, struct lr__dpsess *s,
			struct lr__dpsess *src, uint8_t *p, size_t len,
			uint32_t now)
{
	size_t off = 0, kept = 0;
	unsigned cut = 0;

	while (off < len) {
		size_t n = 4 + 4u * lr_rd16(p + off + 2);
		unsigned fmt = p[off] & 0x1f;
		int fir = p[off + 1] == PSFB && fmt == 4;
		struct lr__dpfb *f = NULL;

		if (p[off + 1] == PSFB && (fmt == 1 || fir))
			f = stream_of(s, lr_rd32(p + off + (fir ? 12 : 8)));
		if (f && !lr__relay_passed(f->pub_kf_at, now,
					   dp->cfg.relay_pli_interval_ms)) {
			cut++;
			off += n;
			continue;
		}
		if (f) {
			f->pub_kf_at = lr__relay_stamp(now);
			if (fir)
				p[off + 16] = f->fir_seq++;
		}
		memmove(p + kept, p + off, n);
		kept += n;
		off += n;
	}
	count(dp, src, LR_DROP_RATE_LIMITED, cut);
	return kept;
}

struct clock {
	uint32_t ms;
	unsigned read; /* ms is set */
};

/* Item it, protected into b for its target's peer: 1, or 0 (counted, or
 * nothing left to send). */
static int relay_out(struct lr_dp *dp, const struct lr__relay_item *it,
		     struct lr__dpbuf *b, struct clock *now)
{
	struct lr__dpsess *s = lr__flow_by_id(dp, it->to);
	struct lr__dpsess *src = lr__flow_by_id(dp, it->from);
	size_t len = it->len;

	if (!s) {
		count(dp, src, LR_DROP_UNKNOWN_FLOW, 1);
		return 0;
	}
	memcpy(b->data, it->buf, len);
	if (it->kind == LR__RELAY_FEEDBACK) {
		if (!now->read++)
			now->ms = lr__relay_now_ms(dp);
		len = keyframes(dp, s, src, b->data, len, now->ms);
		if (!len)
			return 0;
	}
	if (!lr_srtp_stream_get(&s->tx, lr_rtcp_ssrc(b->data, len))) {
		count(dp, s, LR_DROP_UNKNOWN_SSRC, 1);
		return 0;
	}
	b->pkt.len = (uint32_t)len;
	if (!lr__dp_rtcp_seal(dp, s, b))
		return 0;
	dp->st.rtcp_relayed++;
	return 1;
}

unsigned lr__relay_drain(struct lr_dp *dp, struct lr__dpbuf **tx, unsigned max)
{
	unsigned n = 0, nq = dp->nrelay_in, left = 0;
	struct clock now = {0, 0};

	for (unsigned k = 0; k < nq; k++) {
		struct lr__relayq *q = &dp->relay_in[(dp->relay_next + k) % nq];
		struct lr__relay_item *it;

		while ((it = lr__relayq_peek(q))) {
			struct lr__dpbuf *b;

			if (n == max) {
				left = 1; /* the next round takes it */
				break;
			}
			b = lr__buf_get(dp);
			if (!b)
				dp->st.drops[LR_DROP_NO_BUFFER]++;
			else if (relay_out(dp, it, b, &now))
				tx[n++] = b;
			else
				lr__buf_put(dp, b);
			lr__relayq_pop(q);
		}
	}
	if (nq)
		dp->relay_next = (dp->relay_next + 1) % nq;
	if (left && dp->cfg.backend != LR_DP_DPDK)
		lr__dp_kick(dp); /* do not sleep on it */
	return n;
}
