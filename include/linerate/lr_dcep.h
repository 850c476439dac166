/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_dcep: the Data Channel Establishment Protocol (RFC 8832) wire
 * format and the data channel PPIDs (RFC 8831 §8). Pure functions over
 * bytes: no state, no allocation.
 */
#ifndef LINERATE_LR_DCEP_H
#define LINERATE_LR_DCEP_H

#include <stddef.h>
#include <stdint.h>

/* RFC 8831 §8 (and §6.6: empty messages are sent as one byte). */
enum lr_dc_ppid {
	LR_PPID_DCEP = 50,
	LR_PPID_STRING = 51,
	LR_PPID_BINARY_PARTIAL = 52, /* deprecated, received as binary */
	LR_PPID_BINARY = 53,
	LR_PPID_STRING_PARTIAL = 54, /* deprecated, received as string */
	LR_PPID_STRING_EMPTY = 56,
	LR_PPID_BINARY_EMPTY = 57,
};

/* RFC 8832 §5.1 channel types. */
enum lr_dc_type {
	LR_DC_RELIABLE = 0x00,
	LR_DC_PARTIAL_RELIABLE_REXMIT = 0x01,
	LR_DC_PARTIAL_RELIABLE_TIMED = 0x02,
	LR_DC_RELIABLE_UNORDERED = 0x80,
	LR_DC_PARTIAL_RELIABLE_REXMIT_UNORDERED = 0x81,
	LR_DC_PARTIAL_RELIABLE_TIMED_UNORDERED = 0x82,
};

#define LR_DCEP_OPEN	 0x03
#define LR_DCEP_ACK	 0x02
#define LR_DCEP_OPEN_HDR 12

struct lr_dcep_open {
	uint8_t type;	      /* enum lr_dc_type */
	uint16_t priority;    /* RFC 8832 §6.4 */
	uint32_t reliability; /* retransmits or lifetime in ms */
	const uint8_t *label; /* not NUL-terminated; points into the input */
	uint16_t label_len;
	const uint8_t *protocol;
	uint16_t protocol_len;
};

enum lr_dcep_err {
	LR_DCEP_OK = 0,
	LR_DCEP_ERR_EMPTY,	  /* zero bytes */
	LR_DCEP_ERR_UNKNOWN,	  /* not OPEN or ACK */
	LR_DCEP_ERR_SHORT,	  /* OPEN shorter than its header */
	LR_DCEP_ERR_LENGTHS,	  /* label + protocol do not match the size */
	LR_DCEP_ERR_CHANNEL_TYPE, /* not one of the six types */
	LR_DCEP_ERR_ACK_LENGTH,	  /* ACK with trailing bytes */
	LR_DCEP_ERR__COUNT,
};
const char *lr_dcep_err_str(enum lr_dcep_err e);

/* Classify and parse a DCEP message (PPID 50). Returns LR_DCEP_OPEN or
 * LR_DCEP_ACK with *open filled for OPEN, or -(enum lr_dcep_err). */
int lr_dcep_parse(const uint8_t *buf, size_t len, struct lr_dcep_open *open);
/* Serialise an OPEN: its length, or -ENOSPC. */
int lr_dcep_build_open(const struct lr_dcep_open *o, uint8_t *buf, size_t cap);

#endif
