/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * lr_rtp: RTP and RTCP header views (RFC 3550 §5.1, §6.4) for the data
 * plane: read and rewrite the fields a forwarder touches, with every
 * length checked. No allocation; usable in the kernel module.
 */
#ifndef LINERATE_LR_RTP_H
#define LINERATE_LR_RTP_H

#include "lr_bytes.h"

/* Length of the RTP header with CSRCs and extension, or 0 if it is not
 * a whole RTP version 2 header. */
static inline size_t lr_rtp_header_len(const uint8_t *p, size_t len)
{
	size_t hl;

	if (len < 12 || (p[0] >> 6) != 2)
		return 0;
	hl = 12 + 4u * (p[0] & 0x0f);
	if (p[0] & 0x10) {
		if (len < hl + 4)
			return 0;
		hl += 4 + 4u * lr_rd16(p + hl + 2);
	}
	return hl <= len ? hl : 0;
}

static inline uint8_t lr_rtp_pt(const uint8_t *p)
{
	return p[1] & 0x7f;
}

static inline void lr_rtp_set_pt(uint8_t *p, uint8_t pt)
{
	p[1] = (uint8_t)((p[1] & 0x80) | (pt & 0x7f));
}

static inline uint16_t lr_rtp_seq(const uint8_t *p)
{
	return lr_rd16(p + 2);
}

static inline uint32_t lr_rtp_ts(const uint8_t *p)
{
	return lr_rd32(p + 4);
}

static inline uint32_t lr_rtp_ssrc(const uint8_t *p)
{
	return lr_rd32(p + 8);
}

/* RTCP: the sender SSRC of the first packet of a compound (RFC 3550
 * §6.4.1), or 0 if too short. */
static inline uint32_t lr_rtcp_ssrc(const uint8_t *p, size_t len)
{
	return len >= 8 ? lr_rd32(p + 4) : 0;
}

/* 1 if p[0..len) is a compound of whole RTCP packets, else 0: each of
 * version 2 with a packet type of 192-223 (RFC 5761 §4) and a length
 * inside what is left, the lengths adding up to len exactly, padding
 * only on the last one, and a sender SSRC in the first (RFC 3550 §6.4.1
 * and the checks of its appendix A.2 that do not depend on the types;
 * a reduced-size packet, feedback alone, passes: RFC 5506 §3). */
static inline int lr_rtcp_compound_ok(const uint8_t *p, size_t len)
{
	size_t off = 0;

	if (len < 8)
		return 0;
	while (off < len) {
		size_t n;

		if (len - off < 4 || (p[off] >> 6) != 2 || p[off + 1] < 192 ||
		    p[off + 1] > 223)
			return 0;
		n = 4 + 4u * lr_rd16(p + off + 2);
		if (n > len - off || ((p[off] & 0x20) && off + n != len))
			return 0;
		off += n;
	}
	return 1;
}

#endif
