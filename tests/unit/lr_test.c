#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "linerate/lr_prng.h"
#include "linerate/lr_pkt.h"
#include "lr_test.h"

static uint64_t rng_state;

uint64_t lr_test_rand(void)
{
	return lr_prng_next(&rng_state);
}

void lr_test_fill(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len >= 8) {
		uint64_t r = lr_test_rand();

		memcpy(p, &r, 8);
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t r = lr_test_rand();

		memcpy(p, &r, len);
	}
}

void lr_test_skip(const char *why)
{
	printf("SKIP: %s\n", why);
	exit(77);
}

int main(void)
{
	const char *s = getenv("LR_TEST_SEED");
	unsigned failed;

	rng_state = s ? strtoull(s, NULL, 0) : 0x6c696e6572617465ULL;
	if (!rng_state)
		rng_state = 1;
	printf("LR_TEST_SEED=0x%" PRIx64 "\n", rng_state);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	lr_test_register();
	if (CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

unsigned lr_test_rtp_header_expect(const uint8_t *d, uint32_t len,
				   unsigned tag_len)
{
	uint32_t body = len - tag_len;
	uint32_t h = 12 + 4u * (d[0] & 0x0f);

	if (d[0] >> 6 != 2)
		return LR_DROP_BAD_VERSION;
	if (d[0] & 0x10) {
		if (h + 4 > body)
			return LR_DROP_BAD_HEADER;
		h += 4 + 4u * (uint32_t)(d[h + 2] << 8 | d[h + 3]);
	}
	return h > body ? LR_DROP_BAD_HEADER : LR_DROP_NONE;
}
