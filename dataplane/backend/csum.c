/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RFC 1071 §4.1 sums 16-bit words with end-around carry; RFC 1071 §2(B)
 * allows summing wider words and folding at the end, and the result is
 * independent of byte order when the words are read in memory order.
 * Here 32-bit words are added into 64-bit accumulators, which cannot
 * overflow below 2^32 words, so the loop has no carries to chase and the
 * compiler turns it into vector adds. On x86-64 an AVX2 clone is chosen
 * at load time where the CPU has it (DPDK's pkg-config builds for
 * corei7, whose SSE version is half as fast).
 */
#include <string.h>

#include "csum.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LR_CSUM_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define LR_CSUM_CLONES
#endif

LR_CSUM_CLONES
static uint64_t sum32(const uint8_t *p, size_t nwords)
{
	uint64_t a = 0, b = 0;
	size_t i = 0;

	for (; i + 2 <= nwords; i += 2) {
		uint32_t x, y;

		memcpy(&x, p + 4 * i, 4);
		memcpy(&y, p + 4 * i + 4, 4);
		a += x;
		b += y;
	}
	if (i < nwords) {
		uint32_t x;

		memcpy(&x, p + 4 * i, 4);
		a += x;
	}
	return a + b;
}

uint16_t lr__csum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	uint64_t s = sum32(b, len / 4) + sum;
	uint32_t tail = 0;

	memcpy(&tail, b + (len & ~(size_t)3), len & 3); /* zero padded */
	s += tail;
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}
