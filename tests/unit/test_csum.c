/*
 * The Internet checksum the dpdk backend puts on every datagram it sends
 * (dataplane/backend/csum.c), against RFC 1071's own example and a
 * word-by-word reference (RFC 1071 §4.1: 16-bit words, end-around carry)
 * at every length and alignment a datagram can have.
 */
#include <string.h>

#include "backend/csum.h"
#include "lr_test.h"

/* RFC 1071 §4.1, in memory order: the words as loaded, so the result is
 * stored back the same way. */
static uint16_t ref_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	while (len > 1) {
		uint16_t w;

		memcpy(&w, p, 2);
		sum += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = {p[0], 0};
		uint16_t w;

		memcpy(&w, last, 2);
		sum += w;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to dd f2. */
static void test_rfc1071_example(void)
{
	static const uint8_t b[8] = {0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7};
	uint16_t s = lr__csum(b, sizeof(b), 0);
	uint8_t out[2];

	memcpy(out, &s, 2);
	CU_ASSERT_EQUAL(out[0], 0xdd);
	CU_ASSERT_EQUAL(out[1], 0xf2);
}

/* Every length 0..2048 at every alignment 0..7, random and all-ones
 * data (where carries pile up most), with and without a starting sum. */
static void test_against_reference(void)
{
	static uint8_t buf[2048 + 16];
	unsigned bad = 0;

	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			memset(buf, 0xff, sizeof(buf));
		else
			lr_test_fill(buf, sizeof(buf));
		for (size_t off = 0; off < 8; off++)
			for (size_t len = 0; len <= 2048; len++) {
				uint32_t init =
					(uint32_t)(len * 2654435761u) & 0xffff;

				bad += lr__csum(buf + off, len, 0) !=
				       ref_csum(buf + off, len, 0);
				bad += lr__csum(buf + off, len, init) !=
				       ref_csum(buf + off, len, init);
			}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* A sum over a buffer that holds its own complemented checksum folds to
 * all ones (how a receiver checks one), and chaining partial sums of an
 * even split equals the whole. */
static void test_verify_and_chain(void)
{
	uint8_t b[1210];

	lr_test_fill(b, sizeof(b));
	b[6] = b[7] = 0;
	{
		uint16_t ck = (uint16_t)~lr__csum(b, sizeof(b), 0);

		memcpy(b + 6, &ck, 2);
	}
	CU_ASSERT_EQUAL(lr__csum(b, sizeof(b), 0), 0xffff);
	for (size_t cut = 0; cut <= sizeof(b); cut += 2)
		CU_ASSERT_EQUAL(
			lr__csum(b + cut, sizeof(b) - cut, lr__csum(b, cut, 0)),
			lr__csum(b, sizeof(b), 0));
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("csum", NULL, NULL);

	LR_ADD_TEST(s, test_rfc1071_example);
	LR_ADD_TEST(s, test_against_reference);
	LR_ADD_TEST(s, test_verify_and_chain);
}
