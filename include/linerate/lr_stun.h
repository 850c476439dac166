/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_stun: the STUN message codec (RFC 8489), sans-IO.
 *
 * Parsing never copies: struct lr_stun_msg points into the caller's
 * buffer, which must outlive it. Every malformed message is rejected with
 * a reason (enum lr_stun_err, lr_stun_err_name()) for the caller to count.
 * Building writes into a caller buffer of stated capacity; running out of
 * room is a sticky -ENOSPC, never an overflow.
 *
 * Integrity: MESSAGE-INTEGRITY (HMAC-SHA1) and MESSAGE-INTEGRITY-SHA256
 * are compared in constant time; FINGERPRINT is CRC-32 (zlib) XOR
 * 0x5354554e and is checked by lr_stun_parse() whenever present.
 */
#ifndef LINERATE_LR_STUN_H
#define LINERATE_LR_STUN_H

#include <stddef.h>
#include <stdint.h>
#include "lr_addr.h"

#define LR_STUN_HDR	    20
#define LR_STUN_MAGIC	    0x2112A442u
#define LR_STUN_MAX_ATTRS   40
#define LR_STUN_MAX_UNKNOWN 8

enum lr_stun_class {
	LR_STUN_REQUEST = 0,
	LR_STUN_INDICATION = 1,
	LR_STUN_SUCCESS = 2,
	LR_STUN_ERROR = 3,
};

#define LR_STUN_BINDING 0x001

enum lr_stun_attr_type {
	LR_STUN_MAPPED_ADDRESS = 0x0001,
	LR_STUN_USERNAME = 0x0006,
	LR_STUN_MESSAGE_INTEGRITY = 0x0008,
	LR_STUN_ERROR_CODE = 0x0009,
	LR_STUN_UNKNOWN_ATTRIBUTES = 0x000A,
	LR_STUN_REALM = 0x0014,
	LR_STUN_NONCE = 0x0015,
	LR_STUN_MESSAGE_INTEGRITY_SHA256 = 0x001C,
	LR_STUN_PASSWORD_ALGORITHM = 0x001D,
	LR_STUN_USERHASH = 0x001E,
	LR_STUN_XOR_MAPPED_ADDRESS = 0x0020,
	LR_STUN_PRIORITY = 0x0024,
	LR_STUN_USE_CANDIDATE = 0x0025,
	LR_STUN_PASSWORD_ALGORITHMS = 0x8002,
	LR_STUN_ALTERNATE_DOMAIN = 0x8003,
	LR_STUN_SOFTWARE = 0x8022,
	LR_STUN_ALTERNATE_SERVER = 0x8023,
	LR_STUN_FINGERPRINT = 0x8028,
	LR_STUN_ICE_CONTROLLED = 0x8029,
	LR_STUN_ICE_CONTROLLING = 0x802A,
};

/* Why a datagram is not an acceptable STUN message. */
enum lr_stun_err {
	LR_STUN_OK = 0,
	LR_STUN_ERR_SHORT,	       /* fewer than 20 bytes */
	LR_STUN_ERR_NOT_STUN,	       /* first two bits not zero */
	LR_STUN_ERR_COOKIE,	       /* magic cookie missing */
	LR_STUN_ERR_LENGTH,	       /* length not a multiple of 4 or not the
				     * datagram's */
	LR_STUN_ERR_ATTR_OVERRUN,      /* an attribute runs past the end */
	LR_STUN_ERR_TOO_MANY_ATTRS,    /* more than LR_STUN_MAX_ATTRS */
	LR_STUN_ERR_AFTER_FINGERPRINT, /* anything after FINGERPRINT */
	LR_STUN_ERR_FINGERPRINT,       /* FINGERPRINT present and wrong */
	LR_STUN_ERR_BAD_ATTR,	       /* a known attribute of the wrong size */
	LR_STUN_ERR__MAX
};

struct lr_stun_attr {
	uint16_t type;
	uint16_t len; /* value length, without padding */
	uint16_t off; /* value offset from the start of the message */
};

struct lr_stun_msg {
	const uint8_t *buf;
	uint16_t len; /* whole message, header included */
	uint16_t method;
	uint8_t cls; /* enum lr_stun_class */
	uint8_t txid[12];
	uint16_t nattrs;
	/* Attributes in order; those after MESSAGE-INTEGRITY other than
	 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored (RFC 8489
	 * §14.5) and not listed. */
	struct lr_stun_attr attrs[LR_STUN_MAX_ATTRS];
	int8_t mi;    /* index in attrs of MESSAGE-INTEGRITY, or -1 */
	int8_t mi256; /* MESSAGE-INTEGRITY-SHA256, or -1 */
	int8_t fp;    /* FINGERPRINT, or -1 */
	uint8_t nunknown;
	/* Comprehension-required attributes (< 0x8000) this codec does not
	 * know: a request carrying any gets a 420 (lr_stun_build_420). */
	uint16_t unknown[LR_STUN_MAX_UNKNOWN];
};

/* 1 if buf looks like STUN (RFC 7983: first byte 0..3, magic cookie). */
int lr_stun_is_stun(const uint8_t *buf, size_t len);

/* Parse; LR_STUN_OK or an enum lr_stun_err. */
int lr_stun_parse(struct lr_stun_msg *m, const uint8_t *buf, size_t len);
const char *lr_stun_err_name(int err);

const struct lr_stun_attr *lr_stun_find(const struct lr_stun_msg *m,
					uint16_t type);
static inline const uint8_t *lr_stun_value(const struct lr_stun_msg *m,
					   const struct lr_stun_attr *a)
{
	return m->buf + a->off;
}
/* Typed getters: 0, -ENOENT (absent) or -EINVAL (malformed value). */
int lr_stun_get_u32(const struct lr_stun_msg *m, uint16_t type, uint32_t *out);
int lr_stun_get_u64(const struct lr_stun_msg *m, uint16_t type, uint64_t *out);
int lr_stun_get_xor_addr(const struct lr_stun_msg *m, uint16_t type,
			 struct lr_addr *out);
int lr_stun_get_error(const struct lr_stun_msg *m, unsigned *code,
		      const char **reason, size_t *reason_len);

/* 1 if MESSAGE-INTEGRITY (HMAC-SHA1) verifies with key, 0 if not,
 * -ENOENT if absent. */
int lr_stun_check_integrity(const struct lr_stun_msg *m, const uint8_t *key,
			    size_t key_len);
/* The same for MESSAGE-INTEGRITY-SHA256 (16..32-byte values). */
int lr_stun_check_integrity_sha256(const struct lr_stun_msg *m,
				   const uint8_t *key, size_t key_len);
/* Long-term credential key, RFC 8489 §9.2.2 (MD5): the caller passes
 * username, realm and password already SASLprep'ed / OpaqueString'ed. */
int lr_stun_long_term_key(const char *user, size_t user_len, const char *realm,
			  size_t realm_len, const char *pass, size_t pass_len,
			  uint8_t key[16]);

/* Building. */
struct lr_stun_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err; /* 0 or -ENOSPC / -EINVAL, sticky */
};

void lr_stun_build_init(struct lr_stun_builder *b, uint8_t *buf, size_t cap,
			uint16_t method, enum lr_stun_class cls,
			const uint8_t txid[12]);
void lr_stun_add(struct lr_stun_builder *b, uint16_t type, const void *val,
		 size_t len);
void lr_stun_add_u32(struct lr_stun_builder *b, uint16_t type, uint32_t v);
void lr_stun_add_u64(struct lr_stun_builder *b, uint16_t type, uint64_t v);
void lr_stun_add_xor_addr(struct lr_stun_builder *b, uint16_t type,
			  const struct lr_addr *a);
/* ERROR-CODE: code 300..699 and a reason phrase (UTF-8, < 128 chars). */
void lr_stun_add_error(struct lr_stun_builder *b, unsigned code,
		       const char *reason);
void lr_stun_add_integrity(struct lr_stun_builder *b, const uint8_t *key,
			   size_t key_len);
void lr_stun_add_integrity_sha256(struct lr_stun_builder *b, const uint8_t *key,
				  size_t key_len);
void lr_stun_add_fingerprint(struct lr_stun_builder *b);
/* The message length, or the sticky error. */
int lr_stun_build_end(struct lr_stun_builder *b);

/* A 420 (Unknown Attribute) error response to request m, listing its
 * unknown comprehension-required attributes. Length or -errno. */
int lr_stun_build_420(const struct lr_stun_msg *req, uint8_t *buf, size_t cap);

#endif
