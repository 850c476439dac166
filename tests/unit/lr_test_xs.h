/*
 * The attack of issue 12, defect 1, for the tests that show it no longer
 * works (test_ice_secrets.c, test_pc_secrets.c): xorshift64* (the
 * generator the ICE agent and lr_pc used to draw their secrets from) and
 * its inversion. One output times M^-1 (mod 2^64) is the state after it;
 * from the state every later output follows, and every earlier one by
 * undoing the shifts.
 */
#ifndef LR_TEST_XS_H
#define LR_TEST_XS_H

#include <stdint.h>

#define LR_XS_M 0x2545F4914F6CDD1DULL

static inline uint64_t lr_xs_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * LR_XS_M;
}

/* M^-1 mod 2^64 by Newton's iteration (M is odd). */
static inline uint64_t lr_xs_inverse(void)
{
	uint64_t x = LR_XS_M;

	for (int i = 0; i < 5; i++)
		x *= 2 - LR_XS_M * x;
	return x;
}

/* The state after the output v was drawn. */
static inline uint64_t lr_xs_state_of(uint64_t v)
{
	return v * lr_xs_inverse();
}

/* The ICE agent's characters (RFC 8839 ice-char), one per output. */
static const char lr_xs_ice_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
				      "opqrstuvwxyz0123456789+/";

#endif
