/* SPDX-License-Identifier: BSD-2-Clause */
/* DCEP messages, RFC 8832 §5. */
#include <errno.h>
#include <string.h>

#include "linerate/lr_bytes.h"
#include "linerate/lr_dcep.h"

const char *lr_dcep_err_str(enum lr_dcep_err e)
{
	static const char *const s[LR_DCEP_ERR__COUNT] = {
		[LR_DCEP_OK] = "ok",
		[LR_DCEP_ERR_EMPTY] = "empty",
		[LR_DCEP_ERR_UNKNOWN] = "unknown message type",
		[LR_DCEP_ERR_SHORT] = "open too short",
		[LR_DCEP_ERR_LENGTHS] = "label/protocol lengths",
		[LR_DCEP_ERR_CHANNEL_TYPE] = "unknown channel type",
		[LR_DCEP_ERR_ACK_LENGTH] = "ack length",
	};

	return (unsigned)e < LR_DCEP_ERR__COUNT ? s[e] : "?";
}

static int known_type(uint8_t t)
{
	switch (t) {
	case LR_DC_RELIABLE:
	case LR_DC_PARTIAL_RELIABLE_REXMIT:
	case LR_DC_PARTIAL_RELIABLE_TIMED:
	case LR_DC_RELIABLE_UNORDERED:
	case LR_DC_PARTIAL_RELIABLE_REXMIT_UNORDERED:
	case LR_DC_PARTIAL_RELIABLE_TIMED_UNORDERED:
		return 1;
	}
	return 0;
}

/*
 * RFC 8832 §5.1:
 *  0: Message Type (0x03) | Channel Type | Priority (2)
 *  4: Reliability Parameter (4)
 *  8: Label Length (2) | Protocol Length (2)
 * 12: Label, then Protocol
 * RFC 8832 §5.2: an ACK is one byte, 0x02.
 */
int lr_dcep_parse(const uint8_t *buf, size_t len, struct lr_dcep_open *o)
{
	size_t ll, pl;

	if (!len)
		return -LR_DCEP_ERR_EMPTY;
	if (buf[0] == LR_DCEP_ACK)
		return len == 1 ? LR_DCEP_ACK : -LR_DCEP_ERR_ACK_LENGTH;
	if (buf[0] != LR_DCEP_OPEN)
		return -LR_DCEP_ERR_UNKNOWN;
	if (len < LR_DCEP_OPEN_HDR)
		return -LR_DCEP_ERR_SHORT;
	if (!known_type(buf[1]))
		return -LR_DCEP_ERR_CHANNEL_TYPE;
	ll = lr_rd16(buf + 8);
	pl = lr_rd16(buf + 10);
	if (LR_DCEP_OPEN_HDR + ll + pl != len)
		return -LR_DCEP_ERR_LENGTHS;
	memset(o, 0, sizeof(*o));
	o->type = buf[1];
	o->priority = lr_rd16(buf + 2);
	o->reliability = lr_rd32(buf + 4);
	o->label = buf + LR_DCEP_OPEN_HDR;
	o->label_len = (uint16_t)ll;
	o->protocol = buf + LR_DCEP_OPEN_HDR + ll;
	o->protocol_len = (uint16_t)pl;
	return LR_DCEP_OPEN;
}

int lr_dcep_build_open(const struct lr_dcep_open *o, uint8_t *buf, size_t cap)
{
	size_t n = LR_DCEP_OPEN_HDR + o->label_len + o->protocol_len;

	if (n > cap)
		return -ENOSPC;
	buf[0] = LR_DCEP_OPEN;
	buf[1] = o->type;
	buf[2] = (uint8_t)(o->priority >> 8);
	buf[3] = (uint8_t)o->priority;
	buf[4] = (uint8_t)(o->reliability >> 24);
	buf[5] = (uint8_t)(o->reliability >> 16);
	buf[6] = (uint8_t)(o->reliability >> 8);
	buf[7] = (uint8_t)o->reliability;
	buf[8] = (uint8_t)(o->label_len >> 8);
	buf[9] = (uint8_t)o->label_len;
	buf[10] = (uint8_t)(o->protocol_len >> 8);
	buf[11] = (uint8_t)o->protocol_len;
	if (o->label_len)
		memcpy(buf + LR_DCEP_OPEN_HDR, o->label, o->label_len);
	if (o->protocol_len)
		memcpy(buf + LR_DCEP_OPEN_HDR + o->label_len, o->protocol,
		       o->protocol_len);
	return (int)n;
}
