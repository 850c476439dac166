/*
 * The crypto ops (lr_crypto.h) on their own: known answers, then the two
 * implementations against each other on random mixed bursts.
 *   AES-CTR        NIST SP 800-38A F.5.1 (AES-128), F.5.5 (AES-256)
 *   HMAC-SHA1      RFC 2202 §3 test cases 1 and 3 (20-byte keys)
 *   AES-GCM        McGrew & Viega, "The Galois/Counter Mode of Operation",
 *                  test cases 4 (AES-128) and 16 (AES-256)
 */
#include <stdio.h>
#include <stdlib.h>

#include "linerate/lr_crypto_user.h"
#include "lr_test.h"
#include "lr_test_crypto.h"

static struct lr_test_impl impls[2];
static unsigned nimpls;

static int setup(void)
{
	nimpls = lr_test_impls_open(impls);
	if (nimpls > 1)
		printf("ipsec-mb arch: %s\n",
		       lr_crypto_ipsecmb_arch(impls[1].inst));
	return nimpls ? 0 : -1;
}

static int teardown(void)
{
	lr_test_impls_close(impls, nimpls);
	return 0;
}

static void test_ctr_sp800_38a(void)
{
	static const struct {
		const char *key, *ct;
	} v[] = {
		/* F.5.1 CTR-AES128.Encrypt */
		{"2b7e151628aed2a6abf7158809cf4f3c",
		 "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
		 "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"},
		/* F.5.5 CTR-AES256.Encrypt */
		{"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
		 "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
		 "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"},
	};
	static const char *pt =
		"6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
		"30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
	uint8_t key[32], iv[16], p[64], c[64], buf[64];

	lr_test_unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", iv);
	lr_test_unhex(pt, p);
	for (unsigned k = 0; k < 2; k++) {
		unsigned klen = (unsigned)lr_test_unhex(v[k].key, key);

		lr_test_unhex(v[k].ct, c);
		for (unsigned i = 0; i < nimpls; i++) {
			struct lr_crypto_key ck;
			struct lr_crypto_job j;
			uint8_t akey[20] = {0}, tag[10];

			/* prf: keystream = E(counter) = ciphertext ^ plaintext */
			CU_ASSERT_EQUAL_FATAL(impls[i].ops->prf(impls[i].inst,
								key, klen, iv,
								buf, 64),
					      0);
			for (unsigned b = 0; b < 64; b++)
				CU_ASSERT_EQUAL(buf[b] ^ p[b], c[b]);
			/* and as a job */
			CU_ASSERT_EQUAL_FATAL(
				impls[i].ops->key_init(impls[i].inst, &ck,
						       LR_ALG_AES_CM_HMAC_SHA1,
						       key, klen, akey, 20),
				0);
			memcpy(buf, p, 64);
			memset(&j, 0, sizeof(j));
			j.key = &ck;
			j.src = buf;
			j.auth_len = 64;
			j.cipher_len = 64;
			j.tag = tag;
			j.tag_len = 10;
			memcpy(j.iv, iv, 16);
			impls[i].ops->run(impls[i].inst, &j, 1);
			CU_ASSERT_EQUAL(j.status, 0);
			CU_ASSERT_EQUAL(memcmp(buf, c, 64), 0);
			impls[i].ops->key_free(impls[i].inst, &ck);
		}
	}
}

static void test_hmac_rfc2202(void)
{
	static const struct {
		const char *key, *data, *mac;
	} v[] = {
		/* test case 1: key 0x0b x 20, "Hi There" */
		{"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		 "b617318655057264e28bc0b6fb378c8ef146be00"},
		/* test case 3: key 0xaa x 20, 0xdd x 50 */
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
		 "dddddddddddddddddddddddddddddddddddd",
		 "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
	};

	for (unsigned k = 0; k < 2; k++) {
		uint8_t key[20], data[64], mac[20], tag[10];
		unsigned dlen;

		lr_test_unhex(v[k].key, key);
		dlen = (unsigned)lr_test_unhex(v[k].data, data);
		lr_test_unhex(v[k].mac, mac);
		for (unsigned i = 0; i < nimpls; i++) {
			struct lr_crypto_key ck;
			struct lr_crypto_job j;

			CU_ASSERT_EQUAL_FATAL(
				impls[i].ops->key_init(impls[i].inst, &ck,
						       LR_ALG_NULL_HMAC_SHA1,
						       NULL, 0, key, 20),
				0);
			memset(&j, 0, sizeof(j));
			j.key = &ck;
			j.src = data;
			j.auth_len = dlen;
			j.tag = tag;
			j.tag_len = 10;
			impls[i].ops->run(impls[i].inst, &j, 1);
			CU_ASSERT_EQUAL(memcmp(tag, mac, 10), 0);
			/* verify: match, then one flipped bit */
			j.decrypt = 1;
			impls[i].ops->run(impls[i].inst, &j, 1);
			CU_ASSERT_EQUAL(j.status, 0);
			tag[9] ^= 0x80;
			impls[i].ops->run(impls[i].inst, &j, 1);
			CU_ASSERT_EQUAL(j.status, 1);
			impls[i].ops->key_free(impls[i].inst, &ck);
		}
	}
}

static void test_gcm_mcgrew_viega(void)
{
	static const struct {
		const char *key, *ct, *tag;
	} v[] = {
		/* test case 4 */
		{"feffe9928665731c6d6a8f9467308308",
		 "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		 "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
		 "5bc94fbc3221a5db94fae95ae7121a47"},
		/* test case 16 */
		{"feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
		 "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
		 "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
		 "76fc6ece0f4e1768cddf8853bb2d551b"},
	};
	static const char *pt =
		"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
		"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
	uint8_t key[32], p[64], c[64], t[16], aad[20], buf[64], tag[16];
	unsigned plen = (unsigned)lr_test_unhex(pt, p);

	lr_test_unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad);
	for (unsigned k = 0; k < 2; k++) {
		unsigned klen = (unsigned)lr_test_unhex(v[k].key, key);

		lr_test_unhex(v[k].ct, c);
		lr_test_unhex(v[k].tag, t);
		for (unsigned i = 0; i < nimpls; i++) {
			struct lr_crypto_key ck;
			struct lr_crypto_job j;

			CU_ASSERT_EQUAL_FATAL(
				impls[i].ops->key_init(impls[i].inst, &ck,
						       LR_ALG_AES_GCM, key,
						       klen, NULL, 0),
				0);
			memcpy(buf, p, plen);
			memset(&j, 0, sizeof(j));
			j.key = &ck;
			j.src = buf;
			j.aad = aad;
			j.auth_len = 20;
			j.cipher_len = plen;
			j.tag = tag;
			j.tag_len = 16;
			lr_test_unhex("cafebabefacedbaddecaf888", j.iv);
			impls[i].ops->run(impls[i].inst, &j, 1);
			CU_ASSERT_EQUAL(j.status, 0);
			CU_ASSERT_EQUAL(memcmp(buf, c, plen), 0);
			CU_ASSERT_EQUAL(memcmp(tag, t, 16), 0);
			j.decrypt = 1;
			impls[i].ops->run(impls[i].inst, &j, 1);
			CU_ASSERT_EQUAL(j.status, 0);
			CU_ASSERT_EQUAL(memcmp(buf, p, plen), 0);
			impls[i].ops->key_free(impls[i].inst, &ck);
		}
	}
}

/* Random mixed bursts: both implementations give the same bytes and
 * tags; decrypt round-trips; a flipped bit fails and the cipher is still
 * applied (re-applying it in encrypt mode gives the input back). */
#define NB 64
static uint8_t ba[NB][1600], bb[NB][1600], bo[NB][1600];
static uint8_t ta[NB][16], tb[NB][16], bc[NB][1600], tagonly[NB];

static void test_cross_impl_bursts(void)
{
	static const unsigned algs[] = {LR_ALG_AES_CM_HMAC_SHA1,
					LR_ALG_NULL_HMAC_SHA1, LR_ALG_AES_GCM};
	struct lr_crypto_key ka[6], kb[6];
	struct lr_crypto_job ja[NB], jb[NB];
	unsigned njobs = 0;

	if (nimpls < 2) {
		printf("only one implementation here: cross-check skipped\n");
		return;
	}
	for (unsigned k = 0; k < 6; k++) {
		uint8_t ck[32], ak[20];
		unsigned alg = algs[k % 3], clen = k < 3 ? 16 : 32;

		lr_test_fill(ck, sizeof(ck));
		lr_test_fill(ak, sizeof(ak));
		if (alg == LR_ALG_NULL_HMAC_SHA1)
			clen = 0;
		CU_ASSERT_EQUAL_FATAL(
			impls[0].ops->key_init(impls[0].inst, &ka[k], alg, ck,
					       clen, ak,
					       alg == LR_ALG_AES_GCM ? 0 : 20),
			0);
		CU_ASSERT_EQUAL_FATAL(
			impls[1].ops->key_init(impls[1].inst, &kb[k], alg, ck,
					       clen, ak,
					       alg == LR_ALG_AES_GCM ? 0 : 20),
			0);
	}
	while (njobs < 6000) {
		unsigned n = 1 + (unsigned)(lr_test_rand() % NB);

		for (unsigned i = 0; i < n; i++) {
			unsigned k = (unsigned)(lr_test_rand() % 6);
			unsigned off = (unsigned)(lr_test_rand() % 64);
			unsigned clen = (unsigned)(lr_test_rand() % 1500);
			unsigned gcm = ka[k].alg == LR_ALG_AES_GCM;
			struct lr_crypto_job *a = &ja[i], *b = &jb[i];

			lr_test_fill(bo[i], off + clen + 4);
			memcpy(ba[i], bo[i], off + clen + 4);
			memcpy(bb[i], bo[i], off + clen + 4);
			memset(a, 0, sizeof(*a));
			a->key = &ka[k];
			a->src = ba[i];
			a->cipher_off = off;
			a->cipher_len =
				ka[k].alg == LR_ALG_NULL_HMAC_SHA1 ? 0 : clen;
			a->auth_len = gcm ? off : off + clen + 4;
			a->aad = gcm ? ba[i] : NULL;
			a->tag = ta[i];
			a->tag_len = gcm ? 16 : (lr_test_rand() & 1 ? 10 : 4);
			lr_test_fill(a->iv, 16);
			*b = *a;
			b->key = &kb[k];
			b->src = bb[i];
			b->aad = gcm ? bb[i] : NULL;
			b->tag = tb[i];
		}
		impls[0].ops->run(impls[0].inst, ja, n);
		impls[1].ops->run(impls[1].inst, jb, n);
		for (unsigned i = 0; i < n; i++) {
			size_t len = ja[i].cipher_off + ja[i].cipher_len + 4;

			CU_ASSERT_EQUAL(ja[i].status, 0);
			CU_ASSERT_EQUAL(jb[i].status, 0);
			CU_ASSERT_EQUAL(memcmp(ba[i], bb[i], len), 0);
			CU_ASSERT_EQUAL(memcmp(ta[i], tb[i], ja[i].tag_len), 0);
			memcpy(bc[i], bb[i], len);
			/* decrypt: a verifies intact, b with one flipped bit */
			ja[i].decrypt = jb[i].decrypt = 1;
			tagonly[i] = 0;
			if (lr_test_rand() & 1) {
				tb[i][lr_test_rand() % jb[i].tag_len] ^= 1;
				tagonly[i] = 1;
			} else if (jb[i].auth_len) {
				uint8_t *h = jb[i].aad ? (uint8_t *)jb[i].aad
						       : jb[i].src;

				h[lr_test_rand() % jb[i].auth_len] ^= 0x20;
			} else {
				tb[i][0] ^= 1;
				tagonly[i] = 1;
			}
		}
		impls[0].ops->run(impls[0].inst, ja, n);
		impls[1].ops->run(impls[1].inst, jb, n);
		for (unsigned i = 0; i < n; i++) {
			size_t len = ja[i].cipher_off + ja[i].cipher_len;

			CU_ASSERT_EQUAL(ja[i].status, 0);
			CU_ASSERT_EQUAL(jb[i].status, 1);
			CU_ASSERT_EQUAL(memcmp(ba[i], bo[i], len), 0);
			/* the failed decrypt still ran the cipher ... */
			if (tagonly[i])
				CU_ASSERT_EQUAL(memcmp(bb[i], bo[i], len), 0);
			jb[i].decrypt = 0;
			jb[i].tag = jb[i].sink;
		}
		impls[1].ops->run(impls[1].inst, jb, n);
		/* ... and re-applying it gives the input back */
		for (unsigned i = 0; i < n; i++)
			if (tagonly[i])
				CU_ASSERT_EQUAL(
					memcmp(bb[i], bc[i],
					       ja[i].cipher_off +
						       ja[i].cipher_len),
					0);
		njobs += n;
	}
	for (unsigned k = 0; k < 6; k++) {
		impls[0].ops->key_free(impls[0].inst, &ka[k]);
		impls[1].ops->key_free(impls[1].inst, &kb[k]);
	}
}

static void test_key_errors(void)
{
	uint8_t k[32] = {0};

	for (unsigned i = 0; i < nimpls; i++) {
		struct lr_crypto_key ck;
		const struct lr_crypto_ops *o = impls[i].ops;

		CU_ASSERT_EQUAL(o->key_init(impls[i].inst, &ck, LR_ALG_AES_GCM,
					    k, 24, NULL, 0),
				-EINVAL);
		CU_ASSERT_EQUAL(o->key_init(impls[i].inst, &ck,
					    LR_ALG_AES_CM_HMAC_SHA1, k, 16, k,
					    16),
				-EINVAL);
		CU_ASSERT(o->key_init(impls[i].inst, &ck, 99, k, 16, k, 20) <
			  0);
		CU_ASSERT(o->prf(impls[i].inst, k, 24, k, k, 16) < 0);
	}
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("crypto_ops", setup, teardown);

	if (!s)
		return;
	LR_ADD_TEST(s, test_ctr_sp800_38a);
	LR_ADD_TEST(s, test_hmac_rfc2202);
	LR_ADD_TEST(s, test_gcm_mcgrew_viega);
	LR_ADD_TEST(s, test_cross_impl_bursts);
	LR_ADD_TEST(s, test_key_errors);
}
