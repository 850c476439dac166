/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Userspace crypto implementations of struct lr_crypto_ops.
 *
 * Each instance (impl) belongs to one thread: OpenSSL contexts and the
 * intel-ipsec-mb manager are not shared between cores. Keys made by one
 * instance are used only with that instance.
 */
#ifndef LINERATE_LR_CRYPTO_USER_H
#define LINERATE_LR_CRYPTO_USER_H

#include "lr_crypto.h"

enum lr_crypto_impl_id {
	LR_CRYPTO_AUTO = 0, /* best available: ipsec-mb, else openssl */
	LR_CRYPTO_IPSECMB = 1,
	LR_CRYPTO_OPENSSL = 2,
};

extern const struct lr_crypto_ops lr_crypto_openssl_ops;
extern const struct lr_crypto_ops lr_crypto_ipsecmb_ops;

/* New/free an OpenSSL instance. NULL on allocation failure. */
void *lr_crypto_openssl_new(void);
void lr_crypto_openssl_free(void *impl);

/* New/free an intel-ipsec-mb instance (its own IMB_MGR, the best
 * architecture the CPU supports). NULL if the library or the CPU cannot
 * run it (then fall back to OpenSSL). */
void *lr_crypto_ipsecmb_new(void);
void lr_crypto_ipsecmb_free(void *impl);
/* Which architecture ipsec-mb picked ("avx2", "sse", ...), for logs. */
const char *lr_crypto_ipsecmb_arch(const void *impl);

/* 1 if this build has the implementation at all. */
int lr_crypto_have(enum lr_crypto_impl_id id);

#endif
