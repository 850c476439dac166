/* libsrtp2 as the independent party in tests (see lr_test_libsrtp.h). */
#include <string.h>

#include "lr_test.h"
#include "lr_test_libsrtp.h"

void lr_test_ls_policy(srtp_policy_t *p, unsigned suite, uint8_t *key,
		       int inbound)
{
	memset(p, 0, sizeof(*p));
	switch (suite) {
	case LR_SRTP_AES128_CM_SHA1_80:
		srtp_crypto_policy_set_rtp_default(&p->rtp);
		srtp_crypto_policy_set_rtcp_default(&p->rtcp);
		break;
	case LR_SRTP_AES128_CM_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
		srtp_crypto_policy_set_rtcp_default(&p->rtcp);
		break;
	case LR_SRTP_NULL_SHA1_80:
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&p->rtp);
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&p->rtcp);
		break;
	case LR_SRTP_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
		break;
	case LR_SRTP_AEAD_AES_256_GCM:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp);
		break;
	}
	p->ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	p->key = key;
	p->window_size = 128;
}

int lr_test_ls_session(srtp_t *s, const struct lr_srtp_policy *pol,
		       uint8_t *keybuf, int inbound)
{
	srtp_policy_t p;

	memcpy(keybuf, pol->key, pol->key_len);
	memcpy(keybuf + pol->key_len, pol->salt, pol->salt_len);
	lr_test_ls_policy(&p, pol->suite, keybuf, inbound);
	return srtp_create(s, &p);
}

void lr_test_policy(struct lr_srtp_policy *p, unsigned suite)
{
	const struct lr_srtp_suite_info *si = lr_srtp_suite_get(suite);

	memset(p, 0, sizeof(*p));
	p->suite = (uint16_t)suite;
	p->key_len = si->key_len;
	p->salt_len = si->salt_len;
	lr_test_fill(p->key, p->key_len);
	lr_test_fill(p->salt, p->salt_len);
}

int lr_test_ls_peer(unsigned suite, struct lr_srtp_policy *to_dp,
		    struct lr_srtp_policy *from_dp, srtp_t *tx, srtp_t *rx,
		    uint8_t *txkey, uint8_t *rxkey)
{
	int r;

	lr_test_policy(to_dp, suite);
	lr_test_policy(from_dp, suite);
	r = lr_test_ls_session(tx, to_dp, txkey, 0);
	if (r == srtp_err_status_ok)
		r = lr_test_ls_session(rx, from_dp, rxkey, 1);
	return r;
}
