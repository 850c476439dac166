/* libFuzzer: DCEP messages (RFC 8832 §5). Whatever parses as an OPEN is
 * rebuilt and must come out byte for byte the same; nothing else may
 * parse. */
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_dcep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[LR_DCEP_OPEN_HDR + 2 * 65535];
	struct lr_dcep_open o;
	int r = lr_dcep_parse(data, size, &o), n;

	if (r == LR_DCEP_ACK) {
		if (size != 1 || data[0] != LR_DCEP_ACK)
			abort();
		return 0;
	}
	if (r != LR_DCEP_OPEN) {
		if (r >= 0 || -r >= LR_DCEP_ERR__COUNT || !lr_dcep_err_str(-r))
			abort();
		return 0;
	}
	if (o.label < data || o.label + o.label_len > data + size ||
	    o.protocol < data || o.protocol + o.protocol_len > data + size)
		abort();
	n = lr_dcep_build_open(&o, out, sizeof(out));
	if (n < 0 || (size_t)n != size || memcmp(out, data, size))
		abort();
	return 0;
}
