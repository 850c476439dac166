// SPDX-License-Identifier: BSD-2-Clause
/* Building STUN messages into a caller buffer (RFC 8489 §5, §14). */
#include <errno.h>
#include <string.h>

#include "stun_internal.h"

static void set_len(struct lr_stun_builder *b, size_t total)
{
	lr_wr16(b->buf + 2, (uint16_t)(total - LR_STUN_HDR));
}

void lr_stun_build_init(struct lr_stun_builder *b, uint8_t *buf, size_t cap,
			uint16_t method, enum lr_stun_class cls,
			const uint8_t txid[12])
{
	uint16_t t;

	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->err = 0;
	if (cap < LR_STUN_HDR) {
		b->err = -ENOSPC;
		return;
	}
	if (method > 0xfff || (unsigned)cls > 3) {
		b->err = -EINVAL;
		return;
	}
	t = (uint16_t)((method & 0x000f) | ((method & 0x0070) << 1) |
		       ((method & 0x0f80) << 2) | ((cls & 1) << 4) |
		       ((cls & 2) << 7));
	lr_wr16(buf, t);
	lr_wr32(buf + 4, LR_STUN_MAGIC);
	memcpy(buf + 8, txid, 12);
	b->len = LR_STUN_HDR;
	set_len(b, b->len);
}

/* Room for an attribute with a value of len; returns the value. */
static uint8_t *attr(struct lr_stun_builder *b, uint16_t type, size_t len)
{
	size_t padded = (len + 3) & ~(size_t)3;
	uint8_t *p;

	if (b->err)
		return NULL;
	if (len > 0xffff || b->len + 4 + padded > b->cap ||
	    b->len + 4 + padded - LR_STUN_HDR > 0xffff) {
		b->err = -ENOSPC;
		return NULL;
	}
	p = b->buf + b->len;
	lr_wr16(p, type);
	lr_wr16(p + 2, (uint16_t)len);
	memset(p + 4 + len, 0, padded - len);
	b->len += 4 + padded;
	set_len(b, b->len);
	return p + 4;
}

void lr_stun_add(struct lr_stun_builder *b, uint16_t type, const void *val,
		 size_t len)
{
	uint8_t *p = attr(b, type, len);

	if (p && len)
		memcpy(p, val, len);
}

void lr_stun_add_u32(struct lr_stun_builder *b, uint16_t type, uint32_t v)
{
	uint8_t *p = attr(b, type, 4);

	if (p)
		lr_wr32(p, v);
}

void lr_stun_add_u64(struct lr_stun_builder *b, uint16_t type, uint64_t v)
{
	uint8_t *p = attr(b, type, 8);

	if (p) {
		lr_wr32(p, (uint32_t)(v >> 32));
		lr_wr32(p + 4, (uint32_t)v);
	}
}

void lr_stun_add_xor_addr(struct lr_stun_builder *b, uint16_t type,
			  const struct lr_addr *a)
{
	unsigned n = a->family == 4 ? 4 : 16;
	uint8_t mask[16], *p;

	if (a->family != 4 && a->family != 6) {
		if (!b->err)
			b->err = -EINVAL;
		return;
	}
	p = attr(b, type, 4 + n);
	if (!p)
		return;
	lr_wr32(mask, LR_STUN_MAGIC);
	memcpy(mask + 4, b->buf + 8, 12); /* the transaction ID */
	p[0] = 0;
	p[1] = a->family == 4 ? 1 : 2;
	lr_wr16(p + 2, (uint16_t)(a->port ^ (LR_STUN_MAGIC >> 16)));
	for (unsigned i = 0; i < n; i++)
		p[4 + i] = (uint8_t)(a->ip[i] ^ mask[i]);
}

void lr_stun_add_error(struct lr_stun_builder *b, unsigned code,
		       const char *reason)
{
	size_t rl = reason ? strlen(reason) : 0;
	uint8_t *p;

	if (code < 300 || code > 699 || rl > 763) {
		if (!b->err)
			b->err = -EINVAL;
		return;
	}
	p = attr(b, LR_STUN_ERROR_CODE, 4 + rl);
	if (!p)
		return;
	p[0] = p[1] = 0;
	p[2] = (uint8_t)(code / 100);
	p[3] = (uint8_t)(code % 100);
	memcpy(p + 4, reason, rl);
}

static void add_mi(struct lr_stun_builder *b, int sha256, const uint8_t *key,
		   size_t key_len)
{
	size_t vlen = sha256 ? 32 : 20, start = b->len;
	uint8_t mac[32], *p;

	p = attr(b,
		 sha256 ? LR_STUN_MESSAGE_INTEGRITY_SHA256
			: LR_STUN_MESSAGE_INTEGRITY,
		 vlen);
	if (!p)
		return;
	/* attr() set the length to include this attribute, as §14.5 wants */
	if (lr__stun_hmac(sha256, key, key_len, b->buf,
			  (uint16_t)(b->len - LR_STUN_HDR),
			  b->buf + LR_STUN_HDR, start - LR_STUN_HDR, mac)) {
		b->err = -EIO;
		return;
	}
	memcpy(p, mac, vlen);
}

void lr_stun_add_integrity(struct lr_stun_builder *b, const uint8_t *key,
			   size_t key_len)
{
	add_mi(b, 0, key, key_len);
}

void lr_stun_add_integrity_sha256(struct lr_stun_builder *b, const uint8_t *key,
				  size_t key_len)
{
	add_mi(b, 1, key, key_len);
}

void lr_stun_add_fingerprint(struct lr_stun_builder *b)
{
	size_t start = b->len;
	uint8_t *p = attr(b, LR_STUN_FINGERPRINT, 4);

	if (p)
		lr_wr32(p,
			lr__stun_fingerprint(b->buf, start) ^ LR_STUN_FP_XOR);
}

int lr_stun_build_end(struct lr_stun_builder *b)
{
	return b->err ? b->err : (int)b->len;
}

int lr_stun_build_420(const struct lr_stun_msg *req, uint8_t *buf, size_t cap)
{
	struct lr_stun_builder b;
	uint8_t list[2 * LR_STUN_MAX_UNKNOWN];

	lr_stun_build_init(&b, buf, cap, req->method, LR_STUN_ERROR, req->txid);
	lr_stun_add_error(&b, 420, "Unknown Attribute");
	for (unsigned i = 0; i < req->nunknown; i++)
		lr_wr16(list + 2 * i, req->unknown[i]);
	lr_stun_add(&b, LR_STUN_UNKNOWN_ATTRIBUTES, list, 2u * req->nunknown);
	lr_stun_add_fingerprint(&b);
	return lr_stun_build_end(&b);
}
