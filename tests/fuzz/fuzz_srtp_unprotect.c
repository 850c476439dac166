/* libFuzzer: SRTP unprotect of arbitrary bursts (tests/fuzz/README.md). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_one(data, size, lr_srtp_protect, lr_srtp_unprotect, 0);
}
