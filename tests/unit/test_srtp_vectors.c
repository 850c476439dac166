/*
 * Known-answer tests of the SRTP core, each from the RFC section cited,
 * run once per crypto implementation (OpenSSL EVP, intel-ipsec-mb):
 *   RFC 3711 Appendix B.2  AES-CM keystream from the SRTP IV
 *   RFC 3711 Appendix B.3  key derivation
 *   RFC 7714 §16.1.1, §16.2.1  SRTP AEAD_AES_128_GCM / _256_GCM
 *   RFC 7714 §17.1, §17.2  SRTCP AEAD_AES_128_GCM / _256_GCM (E=1)
 *   RFC 7714 §17.3, §17.4  SRTCP AEAD_AES_128_GCM / _256_GCM tagging only
 *                          (E=0), received; and every bit of them flipped
 */
#include <stdio.h>
#include <stdlib.h>

#include "linerate/lr_crypto_user.h"
#include "linerate/lr_srtp_core.h"
#include "lr_test.h"
#include "lr_test_crypto.h"
#include "srtp_internal.h"

static struct lr_test_impl impls[2];
static unsigned nimpls;

static int setup(void)
{
	nimpls = lr_test_impls_open(impls);
	return nimpls ? 0 : -1;
}

static int teardown(void)
{
	lr_test_impls_close(impls, nimpls);
	return 0;
}

/* RFC 3711 Appendix B.3 */
static void test_b3_kdf(void)
{
	struct lr_srtp_policy pol = {.suite = LR_SRTP_AES128_CM_SHA1_80,
				     .key_len = 16,
				     .salt_len = 14};
	uint8_t exp_key[16], exp_salt[14], exp_auth[20], got[20];

	lr_test_unhex("E1F97A0D3E018BE0D64FA32C06DE4139", pol.key);
	lr_test_unhex("0EC675AD498AFEEBB6960B3AABE6", pol.salt);
	lr_test_unhex("C61E7A93744F39EE10734AFE3FF7A087", exp_key);
	lr_test_unhex("30CBBC08863D8C85D49DB34A9AE1", exp_salt);
	lr_test_unhex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", exp_auth);
	for (unsigned i = 0; i < nimpls; i++) {
		struct lr_srtp_worker *w = &impls[i].w;
		struct lr_srtp_stream st[1];
		struct lr_srtp_ctx ctx;

		CU_ASSERT_EQUAL(lr__srtp_derive(w, &pol, 0, got, 16), 0);
		CU_ASSERT_EQUAL(memcmp(got, exp_key, 16), 0);
		CU_ASSERT_EQUAL(lr__srtp_derive(w, &pol, 1, got, 20), 0);
		CU_ASSERT_EQUAL(memcmp(got, exp_auth, 20), 0);
		CU_ASSERT_EQUAL(lr__srtp_derive(w, &pol, 2, got, 14), 0);
		CU_ASSERT_EQUAL(memcmp(got, exp_salt, 14), 0);
		/* and the context keeps that salt for SRTP */
		CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&ctx, w,
						       LR_SRTP_OUTBOUND, &pol,
						       st, 1, 1),
				      0);
		CU_ASSERT_EQUAL(memcmp(ctx.keys[0].rtp_salt, exp_salt, 14), 0);
		lr_srtp_ctx_clear(&ctx);
	}
}

/* RFC 3711 Appendix B.2: session key and salt as given, SSRC 0, ROC 0,
 * SEQ 0; the IV is the first counter block. */
static void test_b2_aes_cm(void)
{
	static const struct {
		unsigned block;
		const char *ks;
	} exp[] = {
		{0x0000, "E03EAD0935C95E80E166B16DD92B4EB4"},
		{0x0001, "D23513162B02D0F72A43A2FE4A5F97AB"},
		{0x0002, "41E95B3BB0A2E8DD477901E4FCA894C0"},
		{0xFEFF, "EC8CDF7398607CB0F2D21675EA9EA1E4"},
		{0xFF00, "362B7C3C6773516318A077D7FC5073AE"},
		{0xFF01, "6A2CC3787889374FBEB4C81B17BA6C44"},
	};
	const struct lr_srtp_suite_info *si =
		lr_srtp_suite_get(LR_SRTP_AES128_CM_SHA1_80);
	uint8_t key[16], salt[16] = {0}, iv[16], exp_iv[16], pkt[12] = {0x80};
	size_t len = 0xFF02 * 16;
	uint8_t *ks = malloc(len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(ks);
	lr_test_unhex("2B7E151628AED2A6ABF7158809CF4F3C", key);
	lr_test_unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD", salt);
	lr_test_unhex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000", exp_iv);
	lr__srtp_rtp_iv(si, salt, pkt, 0, iv);
	CU_ASSERT_EQUAL(memcmp(iv, exp_iv, 16), 0);
	for (unsigned i = 0; i < nimpls; i++) {
		CU_ASSERT_EQUAL_FATAL(impls[i].ops->prf(impls[i].inst, key, 16,
							iv, ks, (unsigned)len),
				      0);
		for (unsigned k = 0; k < sizeof(exp) / sizeof(exp[0]); k++) {
			uint8_t want[16];

			lr_test_unhex(exp[k].ks, want);
			CU_ASSERT_EQUAL(
				memcmp(ks + exp[k].block * 16, want, 16), 0);
		}
	}
	free(ks);
}

/* RFC 7714 §16 */
static const char *rtp_plain =
	"8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973"
	"20646976 69736120 696e2070 61727465 73207472 6573";
static const char *key128 = "000102030405060708090a0b0c0d0e0f";
static const char *key256 = "000102030405060708090a0b0c0d0e0f"
			    "101112131415161718191a1b1c1d1e1f";
static const char *salt7714 = "517569642070726f2071756f";

static void gcm_policy(struct lr_srtp_policy *pol, int k256)
{
	memset(pol, 0, sizeof(*pol));
	pol->suite = k256 ? LR_SRTP_AEAD_AES_256_GCM : LR_SRTP_AEAD_AES_128_GCM;
	pol->key_len = (uint8_t)lr_test_unhex(k256 ? key256 : key128, pol->key);
	pol->salt_len = (uint8_t)lr_test_unhex(salt7714, pol->salt);
	pol->flags = LR_SRTP_POLICY_SESSION_KEYS;
}

static void check_rtp_vector(int k256, const char *protected_hex)
{
	uint8_t plain[128], expect[128], buf[128];
	size_t plen = lr_test_unhex(rtp_plain, plain);
	size_t elen = lr_test_unhex(protected_hex, expect);

	for (unsigned i = 0; i < nimpls; i++) {
		struct lr_srtp_policy pol;
		struct lr_srtp_stream sst[2], rst[2];
		struct lr_srtp_ctx tx, rx;
		struct lr_pkt p = {.data = buf, .room = sizeof(buf)};
		struct lr_pkt *pp = &p;

		gcm_policy(&pol, k256);
		CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&tx, &impls[i].w,
						       LR_SRTP_OUTBOUND, &pol,
						       sst, 2, 1),
				      0);
		CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&rx, &impls[i].w,
						       LR_SRTP_INBOUND, &pol,
						       rst, 2, 1),
				      0);
		memcpy(buf, plain, plen);
		p.len = (uint32_t)plen;
		CU_ASSERT_EQUAL(lr_srtp_protect(&tx, &pp, 1), 1);
		CU_ASSERT_EQUAL(p.len, elen);
		CU_ASSERT_EQUAL(memcmp(buf, expect, elen), 0);
		CU_ASSERT_EQUAL(lr_srtp_unprotect(&rx, &pp, 1), 1);
		CU_ASSERT_EQUAL(p.len, plen);
		CU_ASSERT_EQUAL(memcmp(buf, plain, plen), 0);
		lr_srtp_ctx_clear(&tx);
		lr_srtp_ctx_clear(&rx);
	}
}

/* RFC 7714 §16.1.1 */
static void test_7714_16_1_rtp_gcm128(void)
{
	check_rtp_vector(0, "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c"
			    "acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a"
			    "51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf"
			    "765ee439 0cce");
}

/* RFC 7714 §16.2.1 */
static void test_7714_16_2_rtp_gcm256(void)
{
	check_rtp_vector(1, "8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12"
			    "ef9f78fa 332e33aa b1801238 9a58e2f3 b50b2a02"
			    "76ffae0f 1ba63799 b87b7aa3 db36dfff d6b0f9bb"
			    "7878d7a7 6c13");
}

static const char *rtcp_plain =
	"81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930"
	"4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef";

static void check_rtcp_vector(int k256, const char *protected_hex)
{
	uint8_t plain[128], expect[128], buf[128];
	size_t plen = lr_test_unhex(rtcp_plain, plain);
	size_t elen = lr_test_unhex(protected_hex, expect);

	for (unsigned i = 0; i < nimpls; i++) {
		struct lr_srtp_policy pol;
		struct lr_srtp_stream sst[2], rst[2];
		struct lr_srtp_ctx tx, rx;
		struct lr_pkt p = {.data = buf, .room = sizeof(buf)};
		struct lr_pkt *pp = &p;

		gcm_policy(&pol, k256);
		CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&tx, &impls[i].w,
						       LR_SRTP_OUTBOUND, &pol,
						       sst, 2, 0),
				      0);
		CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&rx, &impls[i].w,
						       LR_SRTP_INBOUND, &pol,
						       rst, 2, 0),
				      0);
		CU_ASSERT_EQUAL(lr_srtp_stream_add(&tx, 0x4d617273), 0);
		CU_ASSERT_EQUAL(lr_srtp_stream_add(&rx, 0x4d617273), 0);
		CU_ASSERT_EQUAL(
			lr_srtp_stream_set_rtcp_index(&tx, 0x4d617273, 0x5d4),
			0);
		memcpy(buf, plain, plen);
		p.len = (uint32_t)plen;
		CU_ASSERT_EQUAL(lr_srtcp_protect(&tx, &pp, 1), 1);
		CU_ASSERT_EQUAL(p.len, elen);
		CU_ASSERT_EQUAL(memcmp(buf, expect, elen), 0);
		CU_ASSERT_EQUAL(lr_srtcp_unprotect(&rx, &pp, 1), 1);
		CU_ASSERT_EQUAL(p.len, plen);
		CU_ASSERT_EQUAL(memcmp(buf, plain, plen), 0);
		/* the same packet again is a replay */
		memcpy(buf, expect, elen);
		p.len = (uint32_t)elen;
		CU_ASSERT_EQUAL(lr_srtcp_unprotect(&rx, &pp, 1), 0);
		CU_ASSERT_EQUAL(p.drop, LR_DROP_REPLAY);
		CU_ASSERT_EQUAL(memcmp(buf, expect, elen), 0);
		lr_srtp_ctx_clear(&tx);
		lr_srtp_ctx_clear(&rx);
	}
}

/* RFC 7714 §17.1 (SRTCP AEAD_AES_128_GCM Encryption and Tagging) */
static void test_7714_17_1_rtcp_gcm128(void)
{
	check_rtcp_vector(0, "81c8000d 4d617273 63e94885 dcdab67c a727d766"
			     "2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda"
			     "4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f"
			     "c5abf872 45d9eade 800005d4");
}

/* RFC 7714 §17.2 (SRTCP AEAD_AES_256_GCM Verification and Decryption):
 * protecting the plaintext with index 0x5d4 gives the packet §17.2
 * decrypts. */
static void test_7714_17_2_rtcp_gcm256(void)
{
	check_rtcp_vector(1, "81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4"
			     "7d470c28 2c3ece5d bffe0a50 a2eaa5c1 110555be"
			     "8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f"
			     "57ff6f6c b26ac3be 800005d4");
}

/*
 * RFC 7714 §17.3 and §17.4: the same RTCP packet tagged but not encrypted
 * (E=0 in the ESRTCP word; §9.3: the whole packet and the ESRTCP word
 * are the AAD, the cipher is the tag alone). The core never sends E=0
 * for AEAD suites (lr_srtcp_protect sets E), so only the receiving side
 * can be checked against the RFC: it must verify and return the packet
 * as it was, then count it.
 */
static const char rtcp_tagged_128[] = /* §17.3, "Tagged packet" */
	"81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930"
	"4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968"
	"3dd78ec9 2ae58790 125f62b3 000005d4";
static const char rtcp_tagged_256[] = /* §17.4, "Verifying the following" */
	"81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930"
	"4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef 91db4afb"
	"feee5a97 8fab4393 ed2615fe 000005d4";

struct e0_ctx {
	struct lr_srtp_stream sst[2], rst[2];
	struct lr_srtp_ctx tx, rx;
};

static void e0_open(struct e0_ctx *c, struct lr_srtp_worker *w, int k256)
{
	struct lr_srtp_policy pol;

	gcm_policy(&pol, k256);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&c->tx, w, LR_SRTP_OUTBOUND,
					       &pol, c->sst, 2, 0),
			      0);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&c->rx, w, LR_SRTP_INBOUND, &pol,
					       c->rst, 2, 1),
			      0);
	CU_ASSERT_EQUAL(lr_srtp_stream_add(&c->tx, 0x4d617273), 0);
}

static void e0_close(struct e0_ctx *c)
{
	lr_srtp_ctx_clear(&c->tx);
	lr_srtp_ctx_clear(&c->rx);
}

static void check_rtcp_e0_vector(int k256, const char *tagged_hex)
{
	uint8_t plain[128], tagged[128], buf[128];
	size_t plen = lr_test_unhex(rtcp_plain, plain);
	size_t tlen = lr_test_unhex(tagged_hex, tagged);

	/* the RFC's layout: packet | tag(16) | 0 | index 0x5d4 */
	CU_ASSERT_EQUAL_FATAL(tlen, plen + 16 + 4);
	CU_ASSERT_EQUAL(memcmp(tagged, plain, plen), 0);
	CU_ASSERT_EQUAL(memcmp(tagged + tlen - 4, "\x00\x00\x05\xd4", 4), 0);
	for (unsigned i = 0; i < nimpls; i++) {
		struct e0_ctx c;
		struct lr_pkt p = {.data = buf, .room = sizeof(buf)};
		struct lr_pkt *pp = &p;

		e0_open(&c, &impls[i].w, k256);
		memcpy(buf, tagged, tlen);
		p.len = (uint32_t)tlen;
		CU_ASSERT_EQUAL(lr_srtcp_unprotect(&c.rx, &pp, 1), 1);
		CU_ASSERT_EQUAL(p.len, plen);
		CU_ASSERT_EQUAL(memcmp(buf, plain, plen), 0);
		CU_ASSERT_EQUAL(c.rx.stats.ok, 1);
		CU_ASSERT_EQUAL(
			lr_srtp_stream_get(&c.rx, 0x4d617273)->rtcp_index,
			0x5d4);
		/* the same packet again is a replay, and is left as it was */
		memcpy(buf, tagged, tlen);
		p.len = (uint32_t)tlen;
		CU_ASSERT_EQUAL(lr_srtcp_unprotect(&c.rx, &pp, 1), 0);
		CU_ASSERT_EQUAL(p.drop, LR_DROP_REPLAY);
		CU_ASSERT_EQUAL(p.len, tlen);
		CU_ASSERT_EQUAL(memcmp(buf, tagged, tlen), 0);
		e0_close(&c);
		/* with the other key size's key it does not verify */
		e0_open(&c, &impls[i].w, !k256);
		memcpy(buf, tagged, tlen);
		p = (struct lr_pkt){.data = buf,
				    .len = (uint32_t)tlen,
				    .room = sizeof(buf)};
		CU_ASSERT_EQUAL(lr_srtcp_unprotect(&c.rx, &pp, 1), 0);
		CU_ASSERT_EQUAL(p.drop, LR_DROP_AUTH);
		CU_ASSERT_EQUAL(memcmp(buf, tagged, tlen), 0);
		e0_close(&c);
	}
}

/* RFC 7714 §17.3 (SRTCP AEAD_AES_128_GCM Tagging Only) */
static void test_7714_17_3_rtcp_gcm128_tag_only(void)
{
	check_rtcp_e0_vector(0, rtcp_tagged_128);
}

/* RFC 7714 §17.4 (SRTCP AEAD_AES_256_GCM Tag Verification) */
static void test_7714_17_4_rtcp_gcm256_tag_verify(void)
{
	check_rtcp_e0_vector(1, rtcp_tagged_256);
}

/* What a receiver that has accepted indices 0x5d0 (1488) and 0x5d3
 * (1491) must say of a packet claiming idx: the SRTCP window is 128
 * (RFC 3711 §3.3.2, as libsrtp), replay is checked before the tag. */
static unsigned e0_replay_expect(uint32_t idx)
{
	if (idx > 1491)
		return LR_DROP_AUTH;
	if (1491 - idx >= 128)
		return LR_DROP_REPLAY_OLD;
	return idx == 1488 || idx == 1491 ? LR_DROP_REPLAY : LR_DROP_AUTH;
}

/*
 * Every single-bit flip of the §17.3/§17.4 E=0 packets is dropped, for
 * exactly the reason of the first check it fails: the version bits (not
 * 2), replay of the index it now claims, else the tag (everything in the
 * packet, the E flag and the index are AAD, §9.3). Flipping the index
 * 0x5d4 gives bit 2 -> 1488 (a replay), bits 8 and 10 -> 1236 and 468
 * (too old), bits 4, 6, 7 -> 1476, 1428, 1364 (in the window, unseen:
 * auth). The failed packet is left as it came; the genuine one is then
 * accepted.
 */
static void test_7714_17_3_17_4_tamper_every_bit(void)
{
	static const char *const vec[2] = {rtcp_tagged_128, rtcp_tagged_256};

	for (unsigned i = 0; i < nimpls; i++) {
		for (int k256 = 0; k256 < 2; k256++) {
			uint8_t plain[128], tagged[128], buf[128], flipped[128];
			size_t plen = lr_test_unhex(rtcp_plain, plain);
			size_t tlen = lr_test_unhex(vec[k256], tagged);
			unsigned got[LR_DROP__MAX] = {0}, bad = 0;
			static const uint32_t seen[2] = {1488, 1491};
			struct lr_pkt p, *pp = &p;
			struct e0_ctx c;

			e0_open(&c, &impls[i].w, k256);
			for (unsigned k = 0; k < 2; k++) {
				memcpy(buf, plain, plen);
				p = (struct lr_pkt){.data = buf,
						    .len = (uint32_t)plen,
						    .room = sizeof(buf)};
				CU_ASSERT_EQUAL(
					lr_srtp_stream_set_rtcp_index(
						&c.tx, 0x4d617273, seen[k]),
					0);
				CU_ASSERT_EQUAL(lr_srtcp_protect(&c.tx, &pp, 1),
						1);
				CU_ASSERT_EQUAL(
					lr_srtcp_unprotect(&c.rx, &pp, 1), 1);
			}
			for (unsigned b = 0; b < tlen * 8; b++) {
				uint32_t idx, want;

				memcpy(buf, tagged, tlen);
				buf[b / 8] ^= (uint8_t)(1u << (b % 8));
				memcpy(flipped, buf, tlen);
				idx = (uint32_t)buf[tlen - 4] << 24 |
				      buf[tlen - 3] << 16 | buf[tlen - 2] << 8 |
				      buf[tlen - 1];
				idx &= 0x7fffffff;
				if (buf[0] >> 6 != 2)
					want = LR_DROP_BAD_VERSION;
				else if (memcmp(buf + 4, "Mars", 4))
					want = LR_DROP_AUTH; /* a new SSRC */
				else
					want = e0_replay_expect(idx);
				p = (struct lr_pkt){.data = buf,
						    .len = (uint32_t)tlen,
						    .room = sizeof(buf)};
				CU_ASSERT_EQUAL(
					lr_srtcp_unprotect(&c.rx, &pp, 1), 0);
				CU_ASSERT_EQUAL(p.drop, want);
				CU_ASSERT_EQUAL(p.len, tlen);
				CU_ASSERT_EQUAL(memcmp(buf, flipped, tlen), 0);
				if (p.drop < LR_DROP__MAX)
					got[p.drop]++;
				if (p.drop != want && bad++ < 3)
					printf("§17.%d bit %u: %s, want %s\n",
					       3 + k256, b,
					       lr_drop_reason_name(p.drop),
					       lr_drop_reason_name(want));
			}
			CU_ASSERT_EQUAL(got[LR_DROP_NONE], 0);
			CU_ASSERT_EQUAL(got[LR_DROP_BAD_VERSION], 2);
			CU_ASSERT_EQUAL(got[LR_DROP_REPLAY], 1);
			CU_ASSERT_EQUAL(got[LR_DROP_REPLAY_OLD], 2);
			CU_ASSERT_EQUAL(got[LR_DROP_AUTH], tlen * 8 - 5);
			/* E set on the RFC packet: AAD and cipher change */
			memcpy(buf, tagged, tlen);
			buf[tlen - 4] ^= 0x80;
			p = (struct lr_pkt){.data = buf,
					    .len = (uint32_t)tlen,
					    .room = sizeof(buf)};
			CU_ASSERT_EQUAL(lr_srtcp_unprotect(&c.rx, &pp, 1), 0);
			CU_ASSERT_EQUAL(p.drop, LR_DROP_AUTH);
			/* the genuine packet after all that */
			memcpy(buf, tagged, tlen);
			p = (struct lr_pkt){.data = buf,
					    .len = (uint32_t)tlen,
					    .room = sizeof(buf)};
			CU_ASSERT_EQUAL(lr_srtcp_unprotect(&c.rx, &pp, 1), 1);
			CU_ASSERT_EQUAL(p.len, plen);
			CU_ASSERT_EQUAL(memcmp(buf, plain, plen), 0);
			CU_ASSERT_EQUAL(c.rx.nstreams, 1);
			e0_close(&c);
		}
	}
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("srtp_vectors", setup, teardown);

	if (!s)
		return;
	LR_ADD_TEST(s, test_b3_kdf);
	LR_ADD_TEST(s, test_b2_aes_cm);
	LR_ADD_TEST(s, test_7714_16_1_rtp_gcm128);
	LR_ADD_TEST(s, test_7714_16_2_rtp_gcm256);
	LR_ADD_TEST(s, test_7714_17_1_rtcp_gcm128);
	LR_ADD_TEST(s, test_7714_17_2_rtcp_gcm256);
	LR_ADD_TEST(s, test_7714_17_3_rtcp_gcm128_tag_only);
	LR_ADD_TEST(s, test_7714_17_4_rtcp_gcm256_tag_verify);
	LR_ADD_TEST(s, test_7714_17_3_17_4_tamper_every_bit);
}
