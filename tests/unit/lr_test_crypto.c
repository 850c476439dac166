#include <stdio.h>

#include "lr_test_crypto.h"

size_t lr_test_unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

unsigned lr_test_impls_open(struct lr_test_impl impls[2])
{
	unsigned n = 0;

	impls[0].name = "openssl";
	impls[0].ops = &lr_crypto_openssl_ops;
	impls[0].inst = lr_crypto_openssl_new();
	if (!impls[0].inst)
		return 0;
	n = 1;
	if (lr_crypto_have(LR_CRYPTO_IPSECMB)) {
		impls[1].inst = lr_crypto_ipsecmb_new();
		if (impls[1].inst) {
			impls[1].name = "ipsec-mb";
			impls[1].ops = &lr_crypto_ipsecmb_ops;
			n = 2;
		}
	}
	for (unsigned i = 0; i < n; i++)
		lr_srtp_worker_init(&impls[i].w, impls[i].ops, impls[i].inst);
	printf("crypto implementations under test: %s%s%s\n", impls[0].name,
	       n > 1 ? ", " : "", n > 1 ? impls[1].name : "");
	return n;
}

void lr_test_impls_close(struct lr_test_impl impls[2], unsigned n)
{
	if (n > 0)
		lr_crypto_openssl_free(impls[0].inst);
	if (n > 1)
		lr_crypto_ipsecmb_free(impls[1].inst);
}
