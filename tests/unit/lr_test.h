/* Shared CUnit driver: each test program defines lr_test_register(),
 * which adds its suites; main() runs them and exits 0 only if every
 * assertion passed. Exit 77 means "skipped here" (ctest SKIP). */
#ifndef LR_TEST_H
#define LR_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <CUnit/Basic.h>

void lr_test_register(void);
/* Print why and exit 77 (ctest counts the test as skipped). */
void lr_test_skip(const char *why) __attribute__((noreturn));
/* Deterministic PRNG for tests (xorshift64*), seeded per test program
 * from LR_TEST_SEED or a fixed default; the seed is printed. */
uint64_t lr_test_rand(void);
void lr_test_fill(void *buf, size_t len);
/* What an SRTP receiver must say of a protected RTP packet's header
 * before any crypto (RFC 3550 §5.1, §5.3.1): LR_DROP_BAD_VERSION,
 * LR_DROP_BAD_HEADER when the CSRC list or extension runs into the tag,
 * else LR_DROP_NONE. */
unsigned lr_test_rtp_header_expect(const uint8_t *d, uint32_t len,
				   unsigned tag_len);
#define LR_ADD_TEST(suite, fn)                                                 \
	do {                                                                   \
		if (!CU_add_test((suite), #fn, (fn)))                          \
			return;                                                \
	} while (0)

#endif
