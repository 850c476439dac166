/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * lr_prng: xorshift64* (Vigna), a small deterministic generator for what
 * needs reproducible randomness from a caller's seed and nothing secret:
 * the network simulator's loss and jitter, tests' payloads. It is not
 * cryptographic: one output gives its state and every other output away.
 * Never for credentials, tie-breakers, transaction IDs or keys: those
 * come from the driver's CSPRNG (lr_rand.h).
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
