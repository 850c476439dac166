/* libFuzzer: the STUN parser, getters and integrity checks on arbitrary
 * datagrams; a message that parses is rebuilt and must parse again. */
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lr_stun_msg m, m2;
	struct lr_addr a;
	struct lr_stun_builder b;
	static uint8_t out[70000];
	const char *reason;
	size_t rl;
	unsigned code;
	uint32_t u32;
	uint64_t u64;
	int n;

	lr_stun_is_stun(data, size);
	if (lr_stun_parse(&m, data, size) != LR_STUN_OK)
		return 0;
	if (m.len != size || m.nattrs > LR_STUN_MAX_ATTRS)
		abort();
	for (unsigned i = 0; i < m.nattrs; i++)
		if (m.attrs[i].off + (size_t)m.attrs[i].len > size)
			abort();
	lr_stun_get_u32(&m, LR_STUN_PRIORITY, &u32);
	lr_stun_get_u64(&m, LR_STUN_ICE_CONTROLLING, &u64);
	lr_stun_get_xor_addr(&m, LR_STUN_XOR_MAPPED_ADDRESS, &a);
	lr_stun_get_error(&m, &code, &reason, &rl);
	lr_stun_check_integrity(&m, (const uint8_t *)"key", 3);
	lr_stun_check_integrity_sha256(&m, (const uint8_t *)"key", 3);
	if (m.cls == LR_STUN_REQUEST && m.nunknown) {
		n = lr_stun_build_420(&m, out, sizeof(out));
		if (n < 0 || lr_stun_parse(&m2, out, (size_t)n) != LR_STUN_OK)
			abort();
	}
	/* rebuild what was understood, with fresh integrity */
	lr_stun_build_init(&b, out, sizeof(out), m.method, m.cls, m.txid);
	for (unsigned i = 0; i < m.nattrs; i++) {
		const struct lr_stun_attr *at = &m.attrs[i];

		if (at->type == LR_STUN_MESSAGE_INTEGRITY ||
		    at->type == LR_STUN_MESSAGE_INTEGRITY_SHA256 ||
		    at->type == LR_STUN_FINGERPRINT)
			continue;
		lr_stun_add(&b, at->type, lr_stun_value(&m, at), at->len);
	}
	lr_stun_add_integrity(&b, (const uint8_t *)"key", 3);
	lr_stun_add_fingerprint(&b);
	n = lr_stun_build_end(&b);
	/* too big, or more attributes than a parse keeps: not ours to judge */
	if (n < 0 || m.nattrs + 2 > LR_STUN_MAX_ATTRS)
		return 0;
	if (lr_stun_parse(&m2, out, (size_t)n) != LR_STUN_OK ||
	    lr_stun_check_integrity(&m2, (const uint8_t *)"key", 3) != 1)
		abort();
	return 0;
}
