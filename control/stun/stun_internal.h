/* SPDX-License-Identifier: BSD-2-Clause */
/* Private helpers of control/stun. */
#ifndef LR_STUN_INTERNAL_H
#define LR_STUN_INTERNAL_H

#include <stdint.h>

#include "linerate/lr_bytes.h"
#include "linerate/lr_stun.h"

#define LR_STUN_FP_XOR 0x5354554eu

/* integrity.c */
uint32_t lr__stun_fingerprint(const uint8_t *buf, size_t len);
/* HMAC (SHA-1 if !sha256) over the 20-byte header with its length field
 * replaced by msg_len, then body[0..body_len). out: 20 or 32 bytes. */
int lr__stun_hmac(int sha256, const uint8_t *key, size_t key_len,
		  const uint8_t *hdr, uint16_t msg_len, const uint8_t *body,
		  size_t body_len, uint8_t *out);

#endif
