/*
 * The STUN codec (control/stun):
 *   RFC 5769 §2.1 request, §2.2 IPv4 response, §2.3 IPv6 response,
 *   §2.4 long-term credentials (rebuilt byte for byte);
 *   build/parse round trips with MESSAGE-INTEGRITY(-SHA256) and
 *   FINGERPRINT; a 420 for unknown comprehension-required attributes;
 *   malformed input rejected with its reason; any flipped bit of a
 *   protected message fails the fingerprint or the integrity check.
 */
#include <errno.h>
#include <string.h>

#include "linerate/lr_stun.h"
#include "lr_test.h"
#include "lr_test_crypto.h"

static const char *req_2_1 =
	"00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
	"80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74"
	"00 24 00 04 6e 00 01 ff 80 29 00 08 93 2f f9 b1 51 26 3b 36"
	"00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20"
	"00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2"
	"80 28 00 04 e5 7a 3b cf";
static const char *resp_2_2 =
	"01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
	"80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20"
	"00 20 00 08 00 01 a1 47 e1 12 a6 43"
	"00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7"
	"80 28 00 04 c0 7d 4c 96";
static const char *resp_2_3 =
	"01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
	"80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20"
	"00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9"
	"00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41"
	"80 28 00 04 c8 fb 0b 4c";
static const char *req_2_4 =
	"00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e"
	"00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00"
	"00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46"
	"53 54 76 79 36 34 73 41"
	"00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00"
	"00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66";
static const char *pwd = "VOkJxbRl1RmTxUk/WvJxBt";

static void test_5769_2_1_request(void)
{
	uint8_t b[256];
	size_t n = lr_test_unhex(req_2_1, b);
	struct lr_stun_msg m;
	const struct lr_stun_attr *a;
	uint32_t prio;
	uint64_t tie;

	CU_ASSERT_EQUAL_FATAL(lr_stun_parse(&m, b, n), LR_STUN_OK);
	CU_ASSERT_EQUAL(m.method, LR_STUN_BINDING);
	CU_ASSERT_EQUAL(m.cls, LR_STUN_REQUEST);
	a = lr_stun_find(&m, LR_STUN_USERNAME);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(a->len, 9);
	CU_ASSERT_EQUAL(memcmp(lr_stun_value(&m, a), "evtj:h6vY", 9), 0);
	a = lr_stun_find(&m, LR_STUN_SOFTWARE);
	CU_ASSERT_EQUAL(memcmp(lr_stun_value(&m, a), "STUN test client", 16),
			0);
	CU_ASSERT_EQUAL(lr_stun_get_u32(&m, LR_STUN_PRIORITY, &prio), 0);
	CU_ASSERT_EQUAL(prio, 0x6e0001ff);
	CU_ASSERT_EQUAL(lr_stun_get_u64(&m, LR_STUN_ICE_CONTROLLED, &tie), 0);
	CU_ASSERT_EQUAL(tie, 0x932ff9b151263b36ULL);
	CU_ASSERT_EQUAL(
		lr_stun_check_integrity(&m, (const uint8_t *)pwd, strlen(pwd)),
		1);
	CU_ASSERT_EQUAL(lr_stun_check_integrity(&m, (const uint8_t *)"x", 1),
			0);
	CU_ASSERT_EQUAL(lr_stun_check_integrity_sha256(&m, (const uint8_t *)pwd,
						       strlen(pwd)),
			-ENOENT);
	CU_ASSERT_EQUAL(m.nunknown, 0);
}

static void check_response(const char *hex, int v6)
{
	uint8_t b[256];
	size_t n = lr_test_unhex(hex, b);
	struct lr_stun_msg m;
	struct lr_addr a;
	static const uint8_t ip6[16] = {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34,
					0x56, 0x78, 0x00, 0x11, 0x22, 0x33,
					0x44, 0x55, 0x66, 0x77};
	uint8_t out[256];
	struct lr_stun_builder bl;

	CU_ASSERT_EQUAL_FATAL(lr_stun_parse(&m, b, n), LR_STUN_OK);
	CU_ASSERT_EQUAL(m.cls, LR_STUN_SUCCESS);
	CU_ASSERT_EQUAL(
		lr_stun_get_xor_addr(&m, LR_STUN_XOR_MAPPED_ADDRESS, &a), 0);
	CU_ASSERT_EQUAL(a.port, 32853);
	if (v6) {
		CU_ASSERT_EQUAL(a.family, 6);
		CU_ASSERT_EQUAL(memcmp(a.ip, ip6, 16), 0);
	} else {
		CU_ASSERT_EQUAL(a.family, 4);
		CU_ASSERT_EQUAL(memcmp(a.ip, "\xc0\x00\x02\x01", 4), 0);
	}
	CU_ASSERT_EQUAL(
		lr_stun_check_integrity(&m, (const uint8_t *)pwd, strlen(pwd)),
		1);
	/* our XOR-MAPPED-ADDRESS encoding is the vector's */
	lr_stun_build_init(&bl, out, sizeof(out), LR_STUN_BINDING,
			   LR_STUN_SUCCESS, m.txid);
	lr_stun_add_xor_addr(&bl, LR_STUN_XOR_MAPPED_ADDRESS, &a);
	CU_ASSERT_EQUAL(lr_stun_build_end(&bl), 20 + 4 + (v6 ? 20 : 8));
	CU_ASSERT_EQUAL(memcmp(out + 20, b + 36, 4 + (v6 ? 20 : 8)), 0);
}

static void test_5769_2_2_ipv4_response(void)
{
	check_response(resp_2_2, 0);
}

static void test_5769_2_3_ipv6_response(void)
{
	check_response(resp_2_3, 1);
}

/* §2.4: long-term credentials; rebuilt from its parts, byte for byte. */
static void test_5769_2_4_long_term(void)
{
	static const char user[] = "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa"
				   "\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9";
	static const char nonce[] = "f//499k954d6OL34oL9FSTvy64sA";
	uint8_t b[256], out[256], key[16];
	size_t n = lr_test_unhex(req_2_4, b);
	struct lr_stun_msg m;
	struct lr_stun_builder bl;

	CU_ASSERT_EQUAL_FATAL(lr_stun_parse(&m, b, n), LR_STUN_OK);
	CU_ASSERT_EQUAL(lr_stun_long_term_key(user, strlen(user), "example.org",
					      11, "TheMatrIX", 9, key),
			0);
	CU_ASSERT_EQUAL(lr_stun_check_integrity(&m, key, 16), 1);
	key[0] ^= 1;
	CU_ASSERT_EQUAL(lr_stun_check_integrity(&m, key, 16), 0);
	key[0] ^= 1;
	lr_stun_build_init(&bl, out, sizeof(out), LR_STUN_BINDING,
			   LR_STUN_REQUEST, m.txid);
	lr_stun_add(&bl, LR_STUN_USERNAME, user, strlen(user));
	lr_stun_add(&bl, LR_STUN_NONCE, nonce, strlen(nonce));
	lr_stun_add(&bl, LR_STUN_REALM, "example.org", 11);
	lr_stun_add_integrity(&bl, key, 16);
	CU_ASSERT_EQUAL(lr_stun_build_end(&bl), (int)n);
	CU_ASSERT_EQUAL(memcmp(out, b, n), 0);
}

/* An ICE connectivity check as linerate sends it, parsed back. */
static void test_roundtrip_ice_check(void)
{
	uint8_t out[512], txid[12];
	struct lr_stun_builder bl;
	struct lr_stun_msg m;
	struct lr_addr a = {.family = 6, .port = 4242}, got;
	uint32_t prio;
	uint64_t tie;
	int n;

	lr_test_fill(txid, 12);
	lr_test_fill(a.ip, 16);
	lr_stun_build_init(&bl, out, sizeof(out), LR_STUN_BINDING,
			   LR_STUN_REQUEST, txid);
	lr_stun_add(&bl, LR_STUN_USERNAME, "ab:cde", 6);
	lr_stun_add_u32(&bl, LR_STUN_PRIORITY, 0x7e7fffff);
	lr_stun_add_u64(&bl, LR_STUN_ICE_CONTROLLING, 0x0102030405060708ULL);
	lr_stun_add(&bl, LR_STUN_USE_CANDIDATE, NULL, 0);
	lr_stun_add_xor_addr(&bl, LR_STUN_XOR_MAPPED_ADDRESS, &a);
	lr_stun_add_integrity(&bl, (const uint8_t *)pwd, strlen(pwd));
	lr_stun_add_integrity_sha256(&bl, (const uint8_t *)pwd, strlen(pwd));
	lr_stun_add_fingerprint(&bl);
	n = lr_stun_build_end(&bl);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(lr_stun_parse(&m, out, (size_t)n), LR_STUN_OK);
	CU_ASSERT_EQUAL(memcmp(m.txid, txid, 12), 0);
	CU_ASSERT_EQUAL(lr_stun_get_u32(&m, LR_STUN_PRIORITY, &prio), 0);
	CU_ASSERT_EQUAL(prio, 0x7e7fffff);
	CU_ASSERT_EQUAL(lr_stun_get_u64(&m, LR_STUN_ICE_CONTROLLING, &tie), 0);
	CU_ASSERT_EQUAL(tie, 0x0102030405060708ULL);
	CU_ASSERT_PTR_NOT_NULL(lr_stun_find(&m, LR_STUN_USE_CANDIDATE));
	CU_ASSERT_EQUAL(
		lr_stun_get_xor_addr(&m, LR_STUN_XOR_MAPPED_ADDRESS, &got), 0);
	CU_ASSERT_EQUAL(memcmp(&got.ip, a.ip, 16), 0);
	CU_ASSERT_EQUAL(got.port, 4242);
	CU_ASSERT_EQUAL(
		lr_stun_check_integrity(&m, (const uint8_t *)pwd, strlen(pwd)),
		1);
	CU_ASSERT_EQUAL(lr_stun_check_integrity_sha256(&m, (const uint8_t *)pwd,
						       strlen(pwd)),
			1);
	/* every single flipped bit is caught: by the fingerprint, or, in
	 * the fingerprint's own type field (which makes it an attribute
	 * after MESSAGE-INTEGRITY, ignored), by nothing being changed that
	 * the integrity covers */
	for (int bit = 0; bit < n * 8; bit++) {
		int r;

		out[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		r = lr_stun_parse(&m, out, (size_t)n);
		if (bit / 8 == n - 8 || bit / 8 == n - 7) {
			CU_ASSERT(r != LR_STUN_OK ||
				  (m.fp < 0 && lr_stun_check_integrity(
						       &m, (const uint8_t *)pwd,
						       strlen(pwd)) == 1));
		} else {
			CU_ASSERT(r != LR_STUN_OK);
		}
		out[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* without FINGERPRINT, integrity alone catches every flip */
	n -= 8;
	out[2] = (uint8_t)((n - 20) >> 8);
	out[3] = (uint8_t)(n - 20);
	for (int bit = 0; bit < n * 8; bit++) {
		out[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (lr_stun_parse(&m, out, (size_t)n) == LR_STUN_OK)
			CU_ASSERT(lr_stun_check_integrity(&m,
							  (const uint8_t *)pwd,
							  strlen(pwd)) != 1 ||
				  lr_stun_check_integrity_sha256(
					  &m, (const uint8_t *)pwd,
					  strlen(pwd)) != 1);
		out[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
}

static void test_error_and_420(void)
{
	uint8_t req[128], resp[128], txid[12] = {1, 2, 3};
	struct lr_stun_builder bl;
	struct lr_stun_msg m, r;
	const struct lr_stun_attr *ua;
	const char *reason;
	size_t rl;
	unsigned code;
	int n;

	lr_stun_build_init(&bl, req, sizeof(req), LR_STUN_BINDING,
			   LR_STUN_REQUEST, txid);
	lr_stun_add(&bl, 0x0777, "zz", 2); /* comprehension-required */
	lr_stun_add(&bl, 0x8777, "yy", 2); /* comprehension-optional */
	lr_stun_add(&bl, 0x0778, NULL, 0);
	n = lr_stun_build_end(&bl);
	CU_ASSERT_EQUAL_FATAL(lr_stun_parse(&m, req, (size_t)n), LR_STUN_OK);
	CU_ASSERT_EQUAL(m.nunknown, 2);
	n = lr_stun_build_420(&m, resp, sizeof(resp));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(lr_stun_parse(&r, resp, (size_t)n), LR_STUN_OK);
	CU_ASSERT_EQUAL(r.cls, LR_STUN_ERROR);
	CU_ASSERT_EQUAL(memcmp(r.txid, txid, 12), 0);
	CU_ASSERT_EQUAL(lr_stun_get_error(&r, &code, &reason, &rl), 0);
	CU_ASSERT_EQUAL(code, 420);
	CU_ASSERT_EQUAL(rl, strlen("Unknown Attribute"));
	ua = lr_stun_find(&r, LR_STUN_UNKNOWN_ATTRIBUTES);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ua);
	CU_ASSERT_EQUAL(ua->len, 4);
	CU_ASSERT_EQUAL(memcmp(lr_stun_value(&r, ua), "\x07\x77\x07\x78", 4),
			0);
	/* error codes and their limits */
	lr_stun_build_init(&bl, resp, sizeof(resp), LR_STUN_BINDING,
			   LR_STUN_ERROR, txid);
	lr_stun_add_error(&bl, 487, "Role Conflict");
	n = lr_stun_build_end(&bl);
	CU_ASSERT_EQUAL(lr_stun_parse(&r, resp, (size_t)n), LR_STUN_OK);
	CU_ASSERT_EQUAL(lr_stun_get_error(&r, &code, &reason, &rl), 0);
	CU_ASSERT_EQUAL(code, 487);
	lr_stun_add_error(&bl, 200, "OK");
	CU_ASSERT_EQUAL(lr_stun_build_end(&bl), -EINVAL);
}

static void test_builder_limits(void)
{
	uint8_t small[40], txid[12] = {0};
	struct lr_stun_builder bl;

	lr_stun_build_init(&bl, small, 10, LR_STUN_BINDING, LR_STUN_REQUEST,
			   txid);
	CU_ASSERT_EQUAL(lr_stun_build_end(&bl), -ENOSPC);
	lr_stun_build_init(&bl, small, sizeof(small), LR_STUN_BINDING,
			   LR_STUN_REQUEST, txid);
	lr_stun_add(&bl, LR_STUN_SOFTWARE, "0123456789", 10);
	CU_ASSERT_EQUAL(lr_stun_build_end(&bl), 36);
	lr_stun_add(&bl, LR_STUN_SOFTWARE, "x", 1); /* 8 more: 44 > 40 */
	CU_ASSERT_EQUAL(lr_stun_build_end(&bl), -ENOSPC);
	lr_stun_add_fingerprint(&bl); /* sticky */
	CU_ASSERT_EQUAL(lr_stun_build_end(&bl), -ENOSPC);
	/* method and class bits (RFC 8489 §5) */
	lr_stun_build_init(&bl, small, sizeof(small), 0x0fff, LR_STUN_ERROR,
			   txid);
	CU_ASSERT_EQUAL(small[0], 0x3f);
	CU_ASSERT_EQUAL(small[1], 0xff);
	lr_stun_build_init(&bl, small, sizeof(small), 0x1000, LR_STUN_ERROR,
			   txid);
	CU_ASSERT_EQUAL(lr_stun_build_end(&bl), -EINVAL);
}

static void test_malformed(void)
{
	uint8_t b[256];
	size_t n = lr_test_unhex(resp_2_2, b);
	struct lr_stun_msg m;

	CU_ASSERT_EQUAL(lr_stun_parse(&m, b, 19), LR_STUN_ERR_SHORT);
	b[0] |= 0x80;
	CU_ASSERT_EQUAL(lr_stun_parse(&m, b, n), LR_STUN_ERR_NOT_STUN);
	CU_ASSERT_FALSE(lr_stun_is_stun(b, n));
	b[0] &= 0x3f;
	CU_ASSERT_TRUE(lr_stun_is_stun(b, n));
	b[4] ^= 1;
	CU_ASSERT_EQUAL(lr_stun_parse(&m, b, n), LR_STUN_ERR_COOKIE);
	b[4] ^= 1;
	CU_ASSERT_EQUAL(lr_stun_parse(&m, b, n - 4), LR_STUN_ERR_LENGTH);
	b[3] += 1;
	CU_ASSERT_EQUAL(lr_stun_parse(&m, b, n), LR_STUN_ERR_LENGTH);
	b[3] -= 1;
	b[22] = 0x40; /* SOFTWARE length 0x400b: past the end */
	CU_ASSERT_EQUAL(lr_stun_parse(&m, b, n), LR_STUN_ERR_ATTR_OVERRUN);
	b[22] = 0x00;
	b[39] = 0x09; /* XOR-MAPPED-ADDRESS of 9 bytes */
	CU_ASSERT_EQUAL(lr_stun_parse(&m, b, n), LR_STUN_ERR_BAD_ATTR);
	b[39] = 0x08;
	b[37] = 0x08; /* ... turned into a MESSAGE-INTEGRITY of 8 bytes */
	CU_ASSERT_EQUAL(lr_stun_parse(&m, b, n), LR_STUN_ERR_BAD_ATTR);
	b[37] = 0x20;
	b[n - 1] ^= 1; /* the fingerprint itself */
	CU_ASSERT_EQUAL(lr_stun_parse(&m, b, n), LR_STUN_ERR_FINGERPRINT);
	b[n - 1] ^= 1;
	CU_ASSERT_EQUAL(lr_stun_parse(&m, b, n), LR_STUN_OK);
	CU_ASSERT_STRING_EQUAL(lr_stun_err_name(LR_STUN_ERR_COOKIE),
			       "bad_cookie");
	CU_ASSERT_STRING_EQUAL(lr_stun_err_name(99), "unknown");
}

/* Issue 12 (mutation run): an attribute whose length runs past the end
 * of the message by 1 to 4 bytes (its value, or its padding, RFC 8489
 * §14) is an overrun, not read past the datagram; only a far-out length
 * was tested before. */
static void test_attr_overrun_by_a_few(void)
{
	uint8_t out[64], txid[12] = {3};
	struct lr_stun_builder bl;
	struct lr_stun_msg m;
	int n;

	for (unsigned vlen = 5; vlen <= 8; vlen++) {
		lr_stun_build_init(&bl, out, sizeof(out), LR_STUN_BINDING,
				   LR_STUN_REQUEST, txid);
		lr_stun_add_u32(&bl, LR_STUN_PRIORITY, 7);
		lr_stun_add(&bl, LR_STUN_USERNAME, "abcdefgh", vlen);
		n = lr_stun_build_end(&bl);
		CU_ASSERT_EQUAL_FATAL(n, 20 + 8 + 12);
		CU_ASSERT_EQUAL(lr_stun_parse(&m, out, (size_t)n), LR_STUN_OK);
		/* the value's length, 1..4 past the padded end */
		for (unsigned over = 1; over <= 4; over++) {
			unsigned l = ((vlen + 3) & ~3u) + over;

			out[20 + 8 + 2] = (uint8_t)(l >> 8);
			out[20 + 8 + 3] = (uint8_t)l;
			CU_ASSERT_EQUAL(lr_stun_parse(&m, out, (size_t)n),
					LR_STUN_ERR_ATTR_OVERRUN);
		}
	}
	/* the first attribute running 1..4 bytes into nothing: the message
	 * length says 8 bytes of attributes, PRIORITY claims more */
	lr_stun_build_init(&bl, out, sizeof(out), LR_STUN_BINDING,
			   LR_STUN_REQUEST, txid);
	lr_stun_add(&bl, 0x8777, "abcd", 4); /* comprehension-optional */
	n = lr_stun_build_end(&bl);
	CU_ASSERT_EQUAL_FATAL(n, 28);
	for (unsigned l = 5; l <= 8; l++) {
		out[23] = (uint8_t)l;
		CU_ASSERT_EQUAL(lr_stun_parse(&m, out, (size_t)n),
				LR_STUN_ERR_ATTR_OVERRUN);
	}
}

static void test_attrs_after_fingerprint_and_integrity(void)
{
	uint8_t out[256], txid[12] = {9};
	struct lr_stun_builder bl;
	struct lr_stun_msg m;
	int n;

	/* anything after FINGERPRINT is refused */
	lr_stun_build_init(&bl, out, sizeof(out), LR_STUN_BINDING,
			   LR_STUN_REQUEST, txid);
	lr_stun_add_fingerprint(&bl);
	lr_stun_add(&bl, LR_STUN_SOFTWARE, "x", 1);
	n = lr_stun_build_end(&bl);
	CU_ASSERT_EQUAL(lr_stun_parse(&m, out, (size_t)n),
			LR_STUN_ERR_AFTER_FINGERPRINT);
	/* attributes after MESSAGE-INTEGRITY are ignored, MI still holds */
	lr_stun_build_init(&bl, out, sizeof(out), LR_STUN_BINDING,
			   LR_STUN_REQUEST, txid);
	lr_stun_add(&bl, LR_STUN_USERNAME, "u:v", 3);
	lr_stun_add_integrity(&bl, (const uint8_t *)"k", 1);
	lr_stun_add(&bl, LR_STUN_PRIORITY, "\0\0\0\1", 4);
	lr_stun_add(&bl, 0x0777, "zz", 2);
	n = lr_stun_build_end(&bl);
	CU_ASSERT_EQUAL_FATAL(lr_stun_parse(&m, out, (size_t)n), LR_STUN_OK);
	CU_ASSERT_PTR_NULL(lr_stun_find(&m, LR_STUN_PRIORITY));
	CU_ASSERT_EQUAL(m.nunknown, 0);
	CU_ASSERT_EQUAL(lr_stun_check_integrity(&m, (const uint8_t *)"k", 1),
			1);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("stun", NULL, NULL);

	if (!s)
		return;
	LR_ADD_TEST(s, test_5769_2_1_request);
	LR_ADD_TEST(s, test_5769_2_2_ipv4_response);
	LR_ADD_TEST(s, test_5769_2_3_ipv6_response);
	LR_ADD_TEST(s, test_5769_2_4_long_term);
	LR_ADD_TEST(s, test_roundtrip_ice_check);
	LR_ADD_TEST(s, test_error_and_420);
	LR_ADD_TEST(s, test_builder_limits);
	LR_ADD_TEST(s, test_malformed);
	LR_ADD_TEST(s, test_attr_overrun_by_a_few);
	LR_ADD_TEST(s, test_attrs_after_fingerprint_and_integrity);
}
