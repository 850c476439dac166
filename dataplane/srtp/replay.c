// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Packet index estimation (RFC 3711 §3.3.1, Appendix A) and replay
 * windows (§3.3.2). The decisions are those libsrtp 2.x makes, so a
 * receiver built on either accepts and rejects the same packets:
 *  - while the highest index is <= 0x8000 the ROC is taken as 0;
 *  - a window of W packets ending at the highest index; an index more
 *    than W - 1 behind it is "old", one inside it seen before "replay";
 *  - SRTCP: a 128-packet window that starts out covering indices 0..127.
 */
#include "srtp_internal.h"

#define SEQ_MEDIAN 0x8000
#define SEQ_MAX	   0x10000

/* lr__srtp_estimate() past its fast path: highest index > 0x8000. */
int32_t lr__srtp_estimate_slow(uint64_t local, uint16_t seq, uint64_t *guess)
{
	uint32_t local_roc, roc;
	int32_t local_seq, s = seq, diff;

	local_roc = (uint32_t)(local >> 16);
	local_seq = (int32_t)(local & 0xffff);
	if (local_seq < SEQ_MEDIAN) {
		if (s - local_seq > SEQ_MEDIAN) {
			roc = local_roc - 1;
			diff = s - local_seq - SEQ_MAX;
		} else {
			roc = local_roc;
			diff = s - local_seq;
		}
	} else {
		if (local_seq - SEQ_MEDIAN > s) {
			if (local_roc == 0xffffffffu) {
				*guess = 0; /* past 2^48 - 1: no wrap */
				return LR__SRTP_SPENT;
			}
			roc = local_roc + 1;
			diff = s - local_seq + SEQ_MAX;
		} else {
			roc = local_roc;
			diff = s - local_seq;
		}
	}
	*guess = ((uint64_t)roc << 16) | seq;
	return diff;
}

static inline int win_bit(const uint64_t *win, unsigned k)
{
	return (int)((win[k >> 6] >> (k & 63)) & 1);
}

static inline void win_set(uint64_t *win, unsigned k)
{
	win[k >> 6] |= (uint64_t)1 << (k & 63);
}

/* Age every entry by d (bit k moves to k + d); words beyond nw drop. */
void lr__srtp_win_shift(uint64_t *win, unsigned nw, uint32_t d)
{
	unsigned words = d >> 6, bits = d & 63, i;

	if (words >= nw) {
		memset(win, 0, nw * sizeof(*win));
		return;
	}
	for (i = nw; i-- > 0;) {
		uint64_t v = 0;

		if (i >= words) {
			v = win[i - words] << bits;
			if (bits && i > words)
				v |= win[i - words - 1] >> (64 - bits);
		}
		win[i] = v;
	}
}

#define RTCP_WINDOW 128

unsigned lr__srtcp_replay_check(const struct lr_srtp_stream *st, uint32_t index)
{
	uint32_t age;

	if (index > st->rtcp_index)
		return 0;
	age = st->rtcp_index - index;
	if (age >= RTCP_WINDOW)
		return LR_DROP_REPLAY_OLD;
	return win_bit(st->rtcp_win, age) ? LR_DROP_REPLAY : 0;
}

uint32_t lr__srtcp_highest(const struct lr_srtp_stream *st)
{
	/* a fresh inbound stream's window starts out at 127 with no bit
	 * set (stream.c): the highest index accepted is the newest set */
	for (uint32_t age = 0; age < RTCP_WINDOW && age <= st->rtcp_index;
	     age++)
		if (win_bit(st->rtcp_win, age))
			return st->rtcp_index - age;
	return 0;
}

void lr__srtcp_replay_add(struct lr_srtp_stream *st, uint32_t index)
{
	if (index > st->rtcp_index) {
		lr__srtp_win_shift(st->rtcp_win, RTCP_WINDOW / 64,
				   index - st->rtcp_index);
		win_set(st->rtcp_win, 0);
		st->rtcp_index = index;
	} else {
		win_set(st->rtcp_win, st->rtcp_index - index);
	}
}
