/* Test support for the SRTP/crypto suites: hex vectors and the crypto
 * implementations built in. */
#ifndef LR_TEST_CRYPTO_H
#define LR_TEST_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "linerate/lr_crypto_user.h"
#include "linerate/lr_srtp_core.h"

/* Hex (spaces ignored) to bytes; returns the byte count. */
size_t lr_test_unhex(const char *s, uint8_t *out);

struct lr_test_impl {
	const char *name;
	const struct lr_crypto_ops *ops;
	void *inst;
	struct lr_srtp_worker w; /* initialised over ops/inst */
};

/* OpenSSL always, intel-ipsec-mb when built in and runnable here.
 * Returns how many (1 or 2); 0 on failure. Prints which. */
unsigned lr_test_impls_open(struct lr_test_impl impls[2]);
void lr_test_impls_close(struct lr_test_impl impls[2], unsigned n);

#endif
