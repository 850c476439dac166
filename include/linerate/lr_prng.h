/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * lr_prng: xorshift64* (Vigna), a small deterministic generator for what
 * needs reproducible randomness from a caller's seed: the sans-IO
 * protocol machines (transaction IDs, tie-breakers, jitter), the network
 * simulator and tests. Not for keys: those come from the system CSPRNG,
 * by way of the driver.
 */
#ifndef LINERATE_LR_PRNG_H
#define LINERATE_LR_PRNG_H

#include "lr_types.h"

/* Next value; *state must not be 0. */
static inline uint64_t lr_prng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif
