// SPDX-License-Identifier: BSD-2-Clause
#include "linerate/lr_crypto_user.h"

int lr_crypto_have(enum lr_crypto_impl_id id)
{
	switch (id) {
	case LR_CRYPTO_OPENSSL:
		return 1;
	case LR_CRYPTO_IPSECMB:
#ifdef LR_HAVE_IPSECMB
		return 1;
#else
		return 0;
#endif
	case LR_CRYPTO_AUTO:
		return 1;
	}
	return 0;
}
