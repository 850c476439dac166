// SPDX-License-Identifier: BSD-2-Clause
/* STUN parsing and typed getters (RFC 8489 §5, §14). */
#include <errno.h>
#include <string.h>

#include "stun_internal.h"

static const char *const err_names[LR_STUN_ERR__MAX] = {
	[LR_STUN_OK] = "ok",
	[LR_STUN_ERR_SHORT] = "short",
	[LR_STUN_ERR_NOT_STUN] = "not_stun",
	[LR_STUN_ERR_COOKIE] = "bad_cookie",
	[LR_STUN_ERR_LENGTH] = "bad_length",
	[LR_STUN_ERR_ATTR_OVERRUN] = "attr_overrun",
	[LR_STUN_ERR_TOO_MANY_ATTRS] = "too_many_attrs",
	[LR_STUN_ERR_AFTER_FINGERPRINT] = "attr_after_fingerprint",
	[LR_STUN_ERR_FINGERPRINT] = "bad_fingerprint",
	[LR_STUN_ERR_BAD_ATTR] = "bad_attr_size",
};

const char *lr_stun_err_name(int err)
{
	if (err < 0 || err >= LR_STUN_ERR__MAX)
		return "unknown";
	return err_names[err];
}

int lr_stun_is_stun(const uint8_t *buf, size_t len)
{
	return len >= LR_STUN_HDR && buf[0] < 4 &&
	       lr_rd32(buf + 4) == LR_STUN_MAGIC;
}

/* Attributes this codec understands (the comprehension-required ones
 * among them are not "unknown"). */
static int known(uint16_t t)
{
	switch (t) {
	case LR_STUN_MAPPED_ADDRESS:
	case LR_STUN_USERNAME:
	case LR_STUN_MESSAGE_INTEGRITY:
	case LR_STUN_ERROR_CODE:
	case LR_STUN_UNKNOWN_ATTRIBUTES:
	case LR_STUN_REALM:
	case LR_STUN_NONCE:
	case LR_STUN_MESSAGE_INTEGRITY_SHA256:
	case LR_STUN_PASSWORD_ALGORITHM:
	case LR_STUN_USERHASH:
	case LR_STUN_XOR_MAPPED_ADDRESS:
	case LR_STUN_PRIORITY:
	case LR_STUN_USE_CANDIDATE:
		return 1;
	}
	return 0;
}

/* Sizes fixed by the RFCs; 0 = size ok. */
static int bad_size(uint16_t t, uint16_t len)
{
	switch (t) {
	case LR_STUN_MESSAGE_INTEGRITY:
		return len != 20;
	case LR_STUN_MESSAGE_INTEGRITY_SHA256:
		return len < 16 || len > 32 || len % 4;
	case LR_STUN_FINGERPRINT:
	case LR_STUN_PRIORITY:
		return len != 4;
	case LR_STUN_ICE_CONTROLLED:
	case LR_STUN_ICE_CONTROLLING:
		return len != 8;
	case LR_STUN_USE_CANDIDATE:
		return len != 0;
	case LR_STUN_XOR_MAPPED_ADDRESS:
	case LR_STUN_MAPPED_ADDRESS:
		return len != 8 && len != 20;
	case LR_STUN_ERROR_CODE:
		return len < 4 || len > 4 + 763;
	case LR_STUN_USERNAME:
		return len > 513;
	}
	return 0;
}

int lr_stun_parse(struct lr_stun_msg *m, const uint8_t *buf, size_t len)
{
	uint16_t t, mlen;
	size_t off;
	int after_mi = 0;

	m->nattrs = 0;
	m->mi = m->mi256 = m->fp = -1;
	m->nunknown = 0;
	if (len < LR_STUN_HDR)
		return LR_STUN_ERR_SHORT;
	if (buf[0] & 0xc0)
		return LR_STUN_ERR_NOT_STUN;
	if (lr_rd32(buf + 4) != LR_STUN_MAGIC)
		return LR_STUN_ERR_COOKIE;
	mlen = lr_rd16(buf + 2);
	if (mlen % 4 || (size_t)mlen + LR_STUN_HDR != len)
		return LR_STUN_ERR_LENGTH;
	t = lr_rd16(buf);
	m->buf = buf;
	m->len = (uint16_t)len;
	m->method = (uint16_t)((t & 0x000f) | ((t & 0x00e0) >> 1) |
			       ((t & 0x3e00) >> 2));
	m->cls = (uint8_t)(((t >> 4) & 1) | ((t >> 7) & 2));
	memcpy(m->txid, buf + 8, 12);
	for (off = LR_STUN_HDR; off < len;) {
		uint16_t at = lr_rd16(buf + off), alen = lr_rd16(buf + off + 2);
		size_t padded = ((size_t)alen + 3) & ~(size_t)3;
		struct lr_stun_attr *a;

		if (off + 4 + padded > len)
			return LR_STUN_ERR_ATTR_OVERRUN;
		if (m->fp >= 0)
			return LR_STUN_ERR_AFTER_FINGERPRINT;
		if (bad_size(at, alen))
			return LR_STUN_ERR_BAD_ATTR;
		/* After MESSAGE-INTEGRITY only MI-SHA256 and FINGERPRINT
		 * count; after MI-SHA256 only FINGERPRINT. */
		if (after_mi && at != LR_STUN_FINGERPRINT &&
		    (after_mi > 1 || at != LR_STUN_MESSAGE_INTEGRITY_SHA256)) {
			off += 4 + padded;
			continue;
		}
		if (m->nattrs >= LR_STUN_MAX_ATTRS)
			return LR_STUN_ERR_TOO_MANY_ATTRS;
		a = &m->attrs[m->nattrs];
		a->type = at;
		a->len = alen;
		a->off = (uint16_t)(off + 4);
		if (at == LR_STUN_MESSAGE_INTEGRITY) {
			m->mi = (int8_t)m->nattrs;
			after_mi = 1;
		} else if (at == LR_STUN_MESSAGE_INTEGRITY_SHA256) {
			m->mi256 = (int8_t)m->nattrs;
			after_mi = 2;
		} else if (at == LR_STUN_FINGERPRINT) {
			m->fp = (int8_t)m->nattrs;
		} else if (at < 0x8000 && !known(at) &&
			   m->nunknown < LR_STUN_MAX_UNKNOWN) {
			m->unknown[m->nunknown++] = at;
		}
		m->nattrs++;
		off += 4 + padded;
	}
	if (m->fp >= 0) {
		const struct lr_stun_attr *f = &m->attrs[m->fp];

		if ((lr__stun_fingerprint(buf, f->off - 4) ^ LR_STUN_FP_XOR) !=
		    lr_rd32(buf + f->off))
			return LR_STUN_ERR_FINGERPRINT;
	}
	return LR_STUN_OK;
}

const struct lr_stun_attr *lr_stun_find(const struct lr_stun_msg *m,
					uint16_t type)
{
	for (unsigned i = 0; i < m->nattrs; i++)
		if (m->attrs[i].type == type)
			return &m->attrs[i];
	return NULL;
}

int lr_stun_get_u32(const struct lr_stun_msg *m, uint16_t type, uint32_t *out)
{
	const struct lr_stun_attr *a = lr_stun_find(m, type);

	if (!a)
		return -ENOENT;
	if (a->len != 4)
		return -EINVAL;
	*out = lr_rd32(m->buf + a->off);
	return 0;
}

int lr_stun_get_u64(const struct lr_stun_msg *m, uint16_t type, uint64_t *out)
{
	const struct lr_stun_attr *a = lr_stun_find(m, type);

	if (!a)
		return -ENOENT;
	if (a->len != 8)
		return -EINVAL;
	*out = (uint64_t)lr_rd32(m->buf + a->off) << 32 |
	       lr_rd32(m->buf + a->off + 4);
	return 0;
}

int lr_stun_get_xor_addr(const struct lr_stun_msg *m, uint16_t type,
			 struct lr_addr *out)
{
	const struct lr_stun_attr *a = lr_stun_find(m, type);
	const uint8_t *v;
	uint8_t mask[16];

	if (!a)
		return -ENOENT;
	v = m->buf + a->off;
	if (a->len < 8 || v[0] != 0 || (v[1] != 1 && v[1] != 2) ||
	    a->len != (v[1] == 1 ? 8 : 20))
		return -EINVAL;
	lr_wr32(mask, LR_STUN_MAGIC);
	memcpy(mask + 4, m->txid, 12);
	out->family = v[1] == 1 ? 4 : 6;
	out->port = (uint16_t)(lr_rd16(v + 2) ^ (LR_STUN_MAGIC >> 16));
	memset(out->ip, 0, sizeof(out->ip));
	for (unsigned i = 0; i < (out->family == 4 ? 4u : 16u); i++)
		out->ip[i] = (uint8_t)(v[4 + i] ^ mask[i]);
	return 0;
}

int lr_stun_get_error(const struct lr_stun_msg *m, unsigned *code,
		      const char **reason, size_t *reason_len)
{
	const struct lr_stun_attr *a = lr_stun_find(m, LR_STUN_ERROR_CODE);
	const uint8_t *v;

	if (!a)
		return -ENOENT;
	v = m->buf + a->off;
	if (a->len < 4 || (v[2] & 7) < 3 || (v[2] & 7) > 6 || v[3] > 99)
		return -EINVAL;
	*code = (v[2] & 7) * 100u + v[3];
	*reason = (const char *)v + 4;
	*reason_len = a->len - 4u;
	return 0;
}
