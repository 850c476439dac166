/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_rand: randomness the driver supplies to the sans-IO machines.
 *
 * Secrets (ICE ufrag and password, the ICE tie-breaker) and everything
 * RFC 8489 §5 wants unpredictable (STUN transaction IDs) come from a
 * cryptographically secure generator the driver owns: getrandom(2) or
 * OpenSSL's RAND_bytes in a program (lr_rand_system(), library
 * lr_sysrand), a deterministic CSPRNG in tests that replay a run. The
 * machines never fall back to anything else: a config without a
 * generator is refused (-EINVAL), and a generator that fails makes the
 * call that needed it fail (-EIO), never use a constant.
 */
#ifndef LINERATE_LR_RAND_H
#define LINERATE_LR_RAND_H

#include <errno.h>
#include <stddef.h>

struct lr_rand {
	/* Write len unpredictable bytes to buf: 0, or -errno. */
	int (*fill)(void *ctx, void *buf, size_t len);
	void *ctx;
};

/* buf[0..len) from r: 0, -EINVAL (no generator), -EIO (it failed). */
static inline int lr_rand_fill(const struct lr_rand *r, void *buf, size_t len)
{
	if (!r || !r->fill)
		return -EINVAL;
	return r->fill(r->ctx, buf, len) ? -EIO : 0;
}

/* The system's CSPRNG (getrandom(2), blocking until the kernel's pool
 * is initialised). For drivers only: lr_sysrand, not the machines. */
struct lr_rand lr_rand_system(void);

#endif
