/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * RFC 7983 §7: what a datagram on a WebRTC 5-tuple is, from its first
 * byte. (ZRTP and TURN channel ranges are reported as OTHER.)
 */
#ifndef LINERATE_LR_DEMUX_H
#define LINERATE_LR_DEMUX_H

#include "lr_types.h"

enum lr_demux_kind {
	LR_DEMUX_OTHER = 0,
	LR_DEMUX_STUN, /* 0..3 */
	LR_DEMUX_DTLS, /* 20..63 */
	LR_DEMUX_RTP,  /* 128..191, payload type not 64..95 */
	LR_DEMUX_RTCP, /* 128..191, packet type 192..223 (RFC 5761 §4) */
};

static inline enum lr_demux_kind lr_demux(const uint8_t *buf, size_t len)
{
	uint8_t b;

	if (!len)
		return LR_DEMUX_OTHER;
	b = buf[0];
	if (b <= 3)
		return LR_DEMUX_STUN;
	if (b >= 20 && b <= 63)
		return LR_DEMUX_DTLS;
	if (b >= 128 && b <= 191) {
		if (len >= 2 && buf[1] >= 192 && buf[1] <= 223)
			return LR_DEMUX_RTCP;
		return LR_DEMUX_RTP;
	}
	return LR_DEMUX_OTHER;
}

#endif
