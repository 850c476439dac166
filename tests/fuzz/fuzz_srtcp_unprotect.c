/* libFuzzer: SRTCP unprotect of arbitrary bursts (tests/fuzz/README). */
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_burst b;
	struct lr_srtp_stream txs[4], rxs[4];
	struct lr_srtp_ctx tx, rx;
	struct fuzz_case fc;
	const uint8_t *rest;
	size_t rest_len;
	unsigned ok;

	if (fuzz_parse(data, size, &fc, &b, &rest, &rest_len))
		return 0;
	fuzz_ctx_pair(&fc, &tx, &rx, txs, rxs, 4);
	if (fc.flags & 1)
		fuzz_keep_ok(&b, lr_srtcp_protect(&tx, b.pp, b.n), rest,
			     rest_len);
	fuzz_snapshot(&b);
	ok = lr_srtcp_unprotect(&rx, b.pp, b.n);
	fuzz_check_result(&b, ok,
			  4 + lr_srtp_suite_get(fc.suite)->rtcp_tag_len);
	lr_srtp_ctx_clear(&tx);
	lr_srtp_ctx_clear(&rx);
	return 0;
}
