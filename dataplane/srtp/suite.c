// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/* The SRTP suites: RFC 3711 §8.2 / RFC 5764 §4.1.2 / RFC 7714 §14.2. */
#include "srtp_internal.h"

static const struct lr_srtp_suite_info suites[] = {
	{LR_SRTP_AES128_CM_SHA1_80, LR_ALG_AES_CM_HMAC_SHA1, 16, 14, 10, 10, 20,
	 "AES_CM_128_HMAC_SHA1_80"},
	{LR_SRTP_AES128_CM_SHA1_32, LR_ALG_AES_CM_HMAC_SHA1, 16, 14, 4, 10, 20,
	 "AES_CM_128_HMAC_SHA1_32"},
	{LR_SRTP_NULL_SHA1_80, LR_ALG_NULL_HMAC_SHA1, 16, 14, 10, 10, 20,
	 "NULL_HMAC_SHA1_80"},
	{LR_SRTP_AEAD_AES_128_GCM, LR_ALG_AES_GCM, 16, 12, 16, 16, 0,
	 "AEAD_AES_128_GCM"},
	{LR_SRTP_AEAD_AES_256_GCM, LR_ALG_AES_GCM, 32, 12, 16, 16, 0,
	 "AEAD_AES_256_GCM"},
};

/* DTLS-SRTP profile names (RFC 5764, RFC 7714), same order as suites. */
static const char *const dtls_names[] = {
	"SRTP_AES128_CM_SHA1_80", "SRTP_AES128_CM_SHA1_32", "SRTP_NULL_SHA1_80",
	"SRTP_AEAD_AES_128_GCM",  "SRTP_AEAD_AES_256_GCM",
};

#define NSUITES (sizeof(suites) / sizeof(suites[0]))

const struct lr_srtp_suite_info *lr_srtp_suite_get(unsigned suite)
{
	unsigned i;

	for (i = 0; i < NSUITES; i++)
		if (suites[i].suite == suite)
			return &suites[i];
	return NULL;
}

static int name_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

unsigned lr_srtp_suite_from_name(const char *name)
{
	unsigned i;

	if (!name)
		return 0;
	for (i = 0; i < NSUITES; i++)
		if (name_eq(name, suites[i].name) ||
		    name_eq(name, dtls_names[i]))
			return suites[i].suite;
	return 0;
}

unsigned lr_srtp_tailroom(unsigned suite, int rtcp)
{
	const struct lr_srtp_suite_info *si = lr_srtp_suite_get(suite);

	if (!si)
		return 0;
	return rtcp ? LR_SRTCP_TRAILER + si->rtcp_tag_len : si->rtp_tag_len;
}
