/*
 * A deterministic CSPRNG for tests (lr_rand): SHA-256 of (seed, block
 * counter), so a test run is repeatable from its seed while the machines
 * see the same kind of generator as in a program (nothing in the output
 * reveals the seed or the other outputs). Never for real secrets: the
 * seed is in the test's source.
 */
#ifndef LR_SIM_RAND_H
#define LR_SIM_RAND_H

#include <stdint.h>

#include "linerate/lr_rand.h"

struct lr_sim_drbg {
	uint64_t seed, block;
	uint8_t out[32];
	unsigned used;
	unsigned fail_after; /* tests: fail every fill after this many
			      * bytes were given (0: never) */
	uint64_t given;
};

void lr_sim_drbg_init(struct lr_sim_drbg *d, uint64_t seed);
/* A generator reading from d (which must outlive its users). */
struct lr_rand lr_sim_drbg_rand(struct lr_sim_drbg *d);

#endif
