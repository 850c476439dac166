/*
 * Behaviour of the SRTP core beyond the RFC vectors: index estimation
 * across wraps and reordering, burst results and their order, buffers
 * (tailroom, out of place), streams, re-keying, SRTCP index handling and
 * clear errors. Replay windows are in test_srtp_window.c, every-bit
 * tampering in test_srtp_tamper.c; one program, one suite. Every test
 * runs with every crypto implementation built in.
 */
#include <errno.h>

#include "srtp_core_helpers.h"

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

static void test_roundtrip_all_suites(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		for (unsigned s = 0; s < NSUITES; s++) {
			const struct lr_srtp_suite_info *si =
				lr_srtp_suite_get(suites[s]);
			struct pair p;
			unsigned n = 200;

			pair_init(&p, &impls[m].w, suites[s], 0, 1);
			send_seq(&p, 0x1234, 100, n);
			for (unsigned i = 0; i < n; i++) {
				CU_ASSERT_EQUAL(prot_len[i],
						orig_len[i] + si->rtp_tag_len);
				load_prot(i);
			}
			/* in random-size bursts */
			for (unsigned i = 0; i < n;) {
				unsigned c =
					1 + (unsigned)(lr_test_rand() % 64);

				if (c > n - i)
					c = n - i;
				CU_ASSERT_EQUAL(
					lr_srtp_unprotect(&p.rx, pp + i, c), c);
				i += c;
			}
			for (unsigned i = 0; i < n; i++)
				CU_ASSERT(is_orig(i));
			CU_ASSERT_EQUAL(p.rx.stats.ok, n);
			CU_ASSERT_EQUAL(p.tx.stats.ok, n);
			pair_clear(&p);
		}
	}
}

static void test_encrypts_payload_not_header(void)
{
	struct pair p;

	pair_init(&p, &impls[0].w, LR_SRTP_AES128_CM_SHA1_80, 0, 1);
	make_rtp(0, 7, 1);
	bufs[0][0] = 0x92; /* 2 CSRCs, extension */
	memcpy(bufs[0] + 20, "\xbe\xde\x00\x01", 4);
	memset(bufs[0] + 28, 0xab, 40);
	pk[0].len = 68;
	memcpy(orig[0], bufs[0], 68);
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 1);
	CU_ASSERT_EQUAL(memcmp(bufs[0], orig[0], 28), 0); /* header clear */
	CU_ASSERT_NOT_EQUAL(memcmp(bufs[0] + 28, orig[0] + 28, 40), 0);
	pair_clear(&p);
	/* NULL cipher: payload stays clear, tag still added */
	pair_init(&p, &impls[0].w, LR_SRTP_NULL_SHA1_80, 0, 1);
	make_rtp(0, 7, 1);
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 1);
	CU_ASSERT_EQUAL(memcmp(bufs[0], orig[0], orig_len[0]), 0);
	CU_ASSERT_EQUAL(pk[0].len, orig_len[0] + 10);
	pair_clear(&p);
}

/* Sequence numbers wrap 65535 -> 0: the ROC moves to 1 on both sides,
 * including when packets around the wrap arrive out of order. */
static void test_roc_wrap_and_reorder(void)
{
	static const unsigned order[] = {0, 1, 3, 2, 5, 4, 6, 8, 7, 9};

	for (unsigned m = 0; m < nimpls; m++) {
		struct pair p;
		struct lr_srtp_stream *st;

		pair_init(&p, &impls[m].w, LR_SRTP_AES128_CM_SHA1_80, 0, 1);
		/* start the receiver past 0x8000 so the ROC is estimated */
		send_seq(&p, 0xabc, 40000, 10);
		for (unsigned i = 0; i < 10; i++)
			CU_ASSERT_EQUAL(recv_one(&p, i), 0);
		send_seq(&p, 0xabc, 65531, 10); /* 65531..65535, 0..4 */
		for (unsigned i = 0; i < 10; i++)
			CU_ASSERT_EQUAL(recv_one(&p, order[i]), 0);
		st = lr_srtp_stream_get(&p.rx, 0xabc);
		CU_ASSERT_PTR_NOT_NULL_FATAL(st);
		CU_ASSERT_EQUAL(st->rtp_index, (1ull << 16) | 4);
		/* 65535 (ROC 0) again, after the wrap: still a replay */
		CU_ASSERT_EQUAL(recv_one(&p, 4), LR_DROP_REPLAY);
		/* and the sender refuses to encrypt an index twice */
		make_rtp(0, 0xabc, 65535);
		CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 0);
		CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_REPLAY);
		pair_clear(&p);
	}
}

static void test_multiple_wraps(void)
{
	struct pair p;
	uint32_t seq = 65000;

	pair_init(&p, &impls[nimpls - 1].w, LR_SRTP_AEAD_AES_128_GCM, 0, 1);
	for (unsigned lap = 0; lap < 3 * 65536 / 2000; lap++) {
		send_seq(&p, 5, (uint16_t)seq, 64);
		for (unsigned i = 0; i < 64; i++)
			load_prot(i);
		CU_ASSERT_EQUAL(lr_srtp_unprotect(&p.rx, pp, 64), 64);
		seq += 2000; /* a gap of 1936 lost packets each time */
	}
	CU_ASSERT_EQUAL(lr_srtp_stream_get(&p.rx, 5)->rtp_index,
			lr_srtp_stream_get(&p.tx, 5)->rtp_index);
	CU_ASSERT(lr_srtp_stream_get(&p.rx, 5)->rtp_index >> 16 >= 2);
	pair_clear(&p);
}

/* Duplicates inside one burst are caught; the burst result is ordered:
 * successes first then failures, each in arrival order. */
static void test_burst_order_and_duplicates(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		struct pair p;
		struct lr_pkt *want_ok[16], *want_bad[16];
		unsigned nok = 0, nbad = 0;

		pair_init(&p, &impls[m].w, LR_SRTP_AEAD_AES_256_GCM, 0, 1);
		send_seq(&p, 77, 500, 10);
		for (unsigned i = 0; i < 10; i++)
			load_prot(i);
		/* slot 10: duplicate of 3; slot 11: 5 with a broken tag */
		memcpy(bufs[10], prot[3], prot_len[3]);
		pk[10] = (struct lr_pkt){
			.data = bufs[10], .len = prot_len[3], .room = BUF};
		pp[10] = &pk[10];
		memcpy(bufs[11], prot[5], prot_len[5]);
		bufs[11][prot_len[5] - 1] ^= 1;
		pk[11] = (struct lr_pkt){
			.data = bufs[11], .len = prot_len[5], .room = BUF};
		pp[11] = &pk[11];
		/* order: 0 1 2 3 dup3 5bad 4 5 6 ... */
		struct lr_pkt *arr[12] = {pp[0],  pp[1],  pp[2], pp[3],
					  pp[10], pp[11], pp[4], pp[5],
					  pp[6],  pp[7],  pp[8], pp[9]};
		for (unsigned i = 0; i < 12; i++) {
			if (arr[i] == pp[10] || arr[i] == pp[11])
				want_bad[nbad++] = arr[i];
			else
				want_ok[nok++] = arr[i];
		}
		CU_ASSERT_EQUAL(lr_srtp_unprotect(&p.rx, arr, 12), 10);
		for (unsigned i = 0; i < nok; i++)
			CU_ASSERT_PTR_EQUAL(arr[i], want_ok[i]);
		CU_ASSERT_PTR_EQUAL(arr[10], want_bad[0]);
		CU_ASSERT_PTR_EQUAL(arr[11], want_bad[1]);
		CU_ASSERT_EQUAL(pk[10].drop, LR_DROP_REPLAY);
		CU_ASSERT_EQUAL(pk[11].drop, LR_DROP_AUTH);
		/* failed packets are left exactly as they came in */
		CU_ASSERT_EQUAL(memcmp(bufs[10], prot[3], prot_len[3]), 0);
		CU_ASSERT_EQUAL(memcmp(bufs[11], prot[5], prot_len[5] - 1), 0);
		pair_clear(&p);
	}
}

/* More than LR_BURST_MAX packets with failures spread over the chunks:
 * the whole array is partitioned. */
static void test_long_burst_partition(void)
{
	struct pair p;
	unsigned n = 200, ok = 0;

	pair_init(&p, &impls[nimpls - 1].w, LR_SRTP_AES128_CM_SHA1_80, 0, 1);
	send_seq(&p, 3, 1000, n);
	for (unsigned i = 0; i < n; i++) {
		load_prot(i);
		pk[i].user = i;
		if (i % 7 == 3)
			bufs[i][12] ^= 0x40; /* breaks auth */
		else
			ok++;
	}
	CU_ASSERT_EQUAL(lr_srtp_unprotect(&p.rx, pp, n), ok);
	for (unsigned i = 0; i + 1 < ok; i++)
		CU_ASSERT(pp[i]->user < pp[i + 1]->user);
	for (unsigned i = ok; i + 1 < n; i++)
		CU_ASSERT(pp[i]->user < pp[i + 1]->user);
	for (unsigned i = 0; i < n; i++)
		CU_ASSERT_EQUAL(pp[i]->drop ? 1 : 0, i >= ok);
	CU_ASSERT_EQUAL(p.rx.stats.drops[LR_DROP_AUTH], n - ok);
	pair_clear(&p);
}

/* A forged packet that would move the index far ahead must not make
 * the genuine packets after it in the same burst fail. */
static void test_forged_jump_in_burst(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		struct pair p;

		pair_init(&p, &impls[m].w, LR_SRTP_AES128_CM_SHA1_80, 0, 1);
		send_seq(&p, 11, 60000, 8);
		for (unsigned i = 0; i < 8; i++)
			CU_ASSERT_EQUAL(recv_one(&p, i), 0);
		send_seq(&p, 11, 60008, 8);
		for (unsigned i = 0; i < 8; i++)
			load_prot(i);
		/* slot 1: genuine bytes of pkt 0 but seq + 30000, tag random */
		memcpy(bufs[20], prot[0], prot_len[0]);
		bufs[20][2] = (uint8_t)((60008 + 30000) >> 8 & 0xff);
		bufs[20][3] = (uint8_t)((60008 + 30000) & 0xff);
		pk[20] = (struct lr_pkt){
			.data = bufs[20], .len = prot_len[0], .room = BUF};
		struct lr_pkt *arr[9] = {pp[0], &pk[20], pp[1], pp[2], pp[3],
					 pp[4], pp[5],	 pp[6], pp[7]};
		CU_ASSERT_EQUAL(lr_srtp_unprotect(&p.rx, arr, 9), 8);
		CU_ASSERT_PTR_EQUAL(arr[8], &pk[20]);
		CU_ASSERT_EQUAL(pk[20].drop, LR_DROP_AUTH);
		for (unsigned i = 0; i < 8; i++)
			CU_ASSERT(is_orig(i));
		pair_clear(&p);
	}
}

static void test_tailroom_and_oop(void)
{
	struct pair p;
	static uint8_t outb[4][BUF];
	struct lr_pkt out[4], *op[4];

	pair_init(&p, &impls[0].w, LR_SRTP_AEAD_AES_128_GCM, 0, 1);
	make_rtp(0, 1, 1);
	pk[0].room = pk[0].len + 15; /* GCM needs 16 */
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 0);
	CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_NO_TAILROOM);
	CU_ASSERT(is_orig(0));
	CU_ASSERT_EQUAL(lr_srtp_tailroom(LR_SRTP_AEAD_AES_128_GCM, 0), 16);
	CU_ASSERT_EQUAL(lr_srtp_tailroom(LR_SRTP_AES128_CM_SHA1_32, 0), 4);
	CU_ASSERT_EQUAL(lr_srtp_tailroom(LR_SRTP_AES128_CM_SHA1_32, 1), 14);
	CU_ASSERT_EQUAL(lr_srtp_tailroom(LR_SRTP_AEAD_AES_256_GCM, 1), 20);
	pk[0].room = pk[0].len + 16;
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 1);
	/* out of place, both ways: inputs untouched */
	for (unsigned i = 0; i < 4; i++) {
		make_rtp(i, 1, (uint16_t)(2 + i));
		out[i] = (struct lr_pkt){.data = outb[i], .room = BUF};
		op[i] = &out[i];
	}
	CU_ASSERT_EQUAL(lr_srtp_protect_oop(&p.tx, pp, op, 4), 4);
	for (unsigned i = 0; i < 4; i++) {
		CU_ASSERT(is_orig(i));
		CU_ASSERT_EQUAL(out[i].len, orig_len[i] + 16);
		memcpy(prot[i], outb[i], out[i].len);
		prot_len[i] = out[i].len;
		load_prot(i);
		out[i].room = 8; /* too small for the copy */
	}
	CU_ASSERT_EQUAL(lr_srtp_unprotect_oop(&p.rx, pp, op, 4), 0);
	CU_ASSERT_EQUAL(out[0].drop, LR_DROP_NO_TAILROOM);
	for (unsigned i = 0; i < 4; i++)
		out[i].room = BUF;
	CU_ASSERT_EQUAL(lr_srtp_unprotect_oop(&p.rx, pp, op, 4), 4);
	for (unsigned i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(memcmp(bufs[i], prot[i], prot_len[i]), 0);
		CU_ASSERT_EQUAL(out[i].len, orig_len[i]);
		CU_ASSERT_EQUAL(memcmp(outb[i], orig[i], orig_len[i]), 0);
	}
	pair_clear(&p);
}

static void test_malformed(void)
{
	struct pair p;

	pair_init(&p, &impls[0].w, LR_SRTP_AES128_CM_SHA1_80, 0, 1);
	make_rtp(0, 1, 1);
	pk[0].len = 11;
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 0);
	CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_TOO_SHORT);
	make_rtp(0, 1, 1);
	bufs[0][0] = 0x40; /* version 1 */
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 0);
	CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_BAD_VERSION);
	make_rtp(0, 1, 1);
	bufs[0][0] = 0x90; /* extension running past the end */
	bufs[0][14] = 0xff;
	bufs[0][15] = 0xff;
	pk[0].len = 40;
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 0);
	CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_BAD_HEADER);
	make_rtp(0, 1, 1);
	bufs[0][0] = 0x8f; /* 15 CSRCs in a 40-byte packet */
	pk[0].len = 40;
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 0);
	CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_BAD_HEADER);
	/* unprotect: shorter than header + tag */
	make_rtp(0, 1, 1);
	pk[0].len = 21;
	CU_ASSERT_EQUAL(lr_srtp_unprotect(&p.rx, pp, 1), 0);
	CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_TOO_SHORT);
	CU_ASSERT_EQUAL(p.tx.stats.drops[LR_DROP_BAD_HEADER], 2);
	CU_ASSERT_STRING_EQUAL(lr_drop_reason_name(LR_DROP_AUTH), "auth");
	CU_ASSERT_STRING_EQUAL(lr_drop_reason_name(9999), "unknown");
	pair_clear(&p);
}

static void test_policy_errors(void)
{
	struct lr_srtp_policy pol;
	struct lr_srtp_stream st[1];
	struct lr_srtp_ctx ctx;
	struct lr_srtp_worker *w = &impls[0].w;

	make_policy(&pol, LR_SRTP_AES128_CM_SHA1_80, 0);
	pol.mki_len = 4;
	CU_ASSERT_EQUAL(
		lr_srtp_ctx_init(&ctx, w, LR_SRTP_INBOUND, &pol, st, 1, 1),
		-ENOTSUP);
	make_policy(&pol, LR_SRTP_AES128_CM_SHA1_80, 0);
	pol.suite = 0x0003; /* a profile nobody implements */
	CU_ASSERT_EQUAL(
		lr_srtp_ctx_init(&ctx, w, LR_SRTP_INBOUND, &pol, st, 1, 1),
		-EINVAL);
	make_policy(&pol, LR_SRTP_AEAD_AES_128_GCM, 0);
	pol.salt_len = 14;
	CU_ASSERT_EQUAL(
		lr_srtp_ctx_init(&ctx, w, LR_SRTP_INBOUND, &pol, st, 1, 1),
		-EINVAL);
	make_policy(&pol, LR_SRTP_AES128_CM_SHA1_80, 32);
	CU_ASSERT_EQUAL(
		lr_srtp_ctx_init(&ctx, w, LR_SRTP_INBOUND, &pol, st, 1, 1),
		-EINVAL);
	make_policy(&pol, LR_SRTP_AES128_CM_SHA1_80, 2048);
	CU_ASSERT_EQUAL(
		lr_srtp_ctx_init(&ctx, w, LR_SRTP_INBOUND, &pol, st, 1, 1),
		-EINVAL);
	make_policy(&pol, LR_SRTP_AES128_CM_SHA1_80, 0);
	pol.flags = LR_SRTP_POLICY_SESSION_KEYS; /* AEAD only */
	CU_ASSERT_EQUAL(
		lr_srtp_ctx_init(&ctx, w, LR_SRTP_INBOUND, &pol, st, 1, 1),
		-EINVAL);
	CU_ASSERT_EQUAL(
		lr_srtp_ctx_init(&ctx, w, LR_SRTP_INBOUND, &pol, st, 0, 1),
		-EINVAL);
	CU_ASSERT_EQUAL(lr_srtp_suite_from_name("SRTP_AEAD_AES_128_GCM"),
			LR_SRTP_AEAD_AES_128_GCM);
	CU_ASSERT_EQUAL(lr_srtp_suite_from_name("AES_CM_128_HMAC_SHA1_32"),
			LR_SRTP_AES128_CM_SHA1_32);
	CU_ASSERT_EQUAL(lr_srtp_suite_from_name("AES_256_CM_HMAC_SHA1_80"), 0);
	CU_ASSERT_PTR_NULL(lr_srtp_suite_get(0));
}

static void test_streams(void)
{
	struct pair p;

	/* specific SSRCs only */
	pair_init(&p, &impls[0].w, LR_SRTP_AES128_CM_SHA1_80, 0, 0);
	CU_ASSERT_EQUAL(lr_srtp_stream_add(&p.tx, 1), 0);
	CU_ASSERT_EQUAL(lr_srtp_stream_add(&p.tx, 1), 0);
	CU_ASSERT_EQUAL(p.tx.nstreams, 1);
	make_rtp(0, 2, 1);
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 0);
	CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_UNKNOWN_SSRC);
	make_rtp(0, 1, 1);
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 1);
	save_prot(0);
	CU_ASSERT_EQUAL(recv_one(&p, 0), LR_DROP_UNKNOWN_SSRC);
	CU_ASSERT_EQUAL(lr_srtp_stream_add(&p.rx, 1), 0);
	CU_ASSERT_EQUAL(recv_one(&p, 0), 0);
	CU_ASSERT_EQUAL(lr_srtp_stream_remove(&p.rx, 1), 0);
	CU_ASSERT_EQUAL(lr_srtp_stream_remove(&p.rx, 1), -ENOENT);
	for (uint32_t s = 10; s < 18; s++)
		CU_ASSERT_EQUAL(lr_srtp_stream_add(&p.rx, s), 0);
	CU_ASSERT_EQUAL(lr_srtp_stream_add(&p.rx, 99), -ENOSPC);
	pair_clear(&p);

	/* any SSRC: forged packets do not take stream slots */
	pair_init(&p, &impls[0].w, LR_SRTP_AES128_CM_SHA1_80, 0, 1);
	for (unsigned i = 0; i < 64; i++) {
		make_rtp(i, 1000 + i, 1);
		pk[i].len += 10;
	}
	CU_ASSERT_EQUAL(lr_srtp_unprotect(&p.rx, pp, 64), 0);
	CU_ASSERT_EQUAL(p.rx.nstreams, 0);
	CU_ASSERT_EQUAL(p.rx.stats.drops[LR_DROP_AUTH], 8);
	CU_ASSERT_EQUAL(p.rx.stats.drops[LR_DROP_NO_STREAM_SLOT], 56);
	/* and genuine ones do, up to the limit */
	for (unsigned i = 0; i < 9; i++) {
		make_rtp(i, 2000 + i, 1);
		CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp + i, 1), i < 8);
		save_prot(i);
	}
	for (unsigned i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(recv_one(&p, i), 0);
	CU_ASSERT_EQUAL(p.rx.nstreams, 8);
	pair_clear(&p);
}

/* The sender never protects one index twice (keystream reuse). */
static void test_sender_repeat(void)
{
	struct pair p;

	pair_init(&p, &impls[0].w, LR_SRTP_AEAD_AES_128_GCM, 0, 1);
	make_rtp(0, 1, 5);
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 1);
	make_rtp(0, 1, 5);
	CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 0);
	CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_REPLAY);
	pair_clear(&p);
}

/* Re-key: packets protected with the old keys and still in flight are
 * accepted after the receiver re-keys, until retired. */
static void test_rekey(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		for (unsigned s = 0; s < NSUITES; s++) {
			struct pair p;
			struct lr_srtp_policy np;

			pair_init(&p, &impls[m].w, suites[s], 0, 1);
			send_seq(&p, 42, 10, 20); /* old keys, in flight */
			memcpy(orig[40], orig[18], orig_len[18]);
			memcpy(prot[40], prot[18], prot_len[18]);
			prot_len[40] = prot_len[18];
			orig_len[40] = orig_len[18];
			make_policy(&np, suites[s], 0);
			CU_ASSERT_EQUAL(lr_srtp_ctx_rekey(&p.rx, &np), 0);
			CU_ASSERT_EQUAL(lr_srtp_ctx_rekey(&p.tx, &np), 0);
			for (unsigned i = 0; i < 18; i++)
				load_prot(i);
			CU_ASSERT_EQUAL(lr_srtp_unprotect(&p.rx, pp, 18), 18);
			CU_ASSERT_EQUAL(p.rx.stats.old_key, 18);
			for (unsigned i = 0; i < 18; i++)
				CU_ASSERT(is_orig(i));
			/* new keys from the sender */
			send_seq(&p, 42, 30, 5);
			for (unsigned i = 0; i < 5; i++)
				CU_ASSERT_EQUAL(recv_one(&p, i), 0);
			CU_ASSERT_EQUAL(p.rx.stats.old_key, 18);
			lr_srtp_ctx_retire(&p.rx);
			/* a straggler after retirement fails */
			memcpy(prot[0], prot[40], prot_len[40]);
			prot_len[0] = prot_len[40];
			CU_ASSERT_EQUAL(recv_one(&p, 0), LR_DROP_AUTH);
			/* suite cannot change in a re-key */
			make_policy(&np, suites[(s + 1) % NSUITES], 0);
			CU_ASSERT_EQUAL(lr_srtp_ctx_rekey(&p.rx, &np), -EINVAL);
			pair_clear(&p);
		}
	}
}

static void test_srtcp(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		for (unsigned s = 0; s < NSUITES; s++) {
			const struct lr_srtp_suite_info *si =
				lr_srtp_suite_get(suites[s]);
			struct pair p;
			unsigned n = 50;
			struct lr_pkt *q;

			pair_init(&p, &impls[m].w, suites[s], 0, 1);
			for (unsigned i = 0; i < n; i++)
				make_rtcp(i, 0x5555);
			CU_ASSERT_EQUAL(lr_srtcp_protect(&p.tx, pp, n), n);
			for (unsigned i = 0; i < n; i++) {
				uint32_t t;
				const uint8_t *tr;

				save_prot(i);
				CU_ASSERT_EQUAL(prot_len[i],
						orig_len[i] + 4 +
							si->rtcp_tag_len);
				tr = si->alg == LR_ALG_AES_GCM
					     ? prot[i] + prot_len[i] - 4
					     : prot[i] + orig_len[i];
				t = (uint32_t)tr[0] << 24 | tr[1] << 16 |
				    tr[2] << 8 | tr[3];
				/* E set unless NULL; index from 0 */
				CU_ASSERT_EQUAL(t >> 31,
						si->alg !=
							LR_ALG_NULL_HMAC_SHA1);
				CU_ASSERT_EQUAL(t & 0x7fffffff, i);
			}
			/* reversed order, in one burst */
			struct lr_pkt *rev[NPKT];

			for (unsigned i = 0; i < n; i++) {
				load_prot(n - 1 - i);
				rev[i] = &pk[n - 1 - i];
			}
			CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, rev, n), n);
			for (unsigned i = 0; i < n; i++)
				CU_ASSERT(is_orig(i));
			load_prot(7);
			q = &pk[7];
			CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, &q, 1), 0);
			CU_ASSERT_EQUAL(pk[7].drop, LR_DROP_REPLAY);
			load_prot(8);
			bufs[8][9] ^= 0x10;
			q = &pk[8];
			CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, &q, 1), 0);
			CU_ASSERT(pk[8].drop == LR_DROP_AUTH ||
				  pk[8].drop == LR_DROP_REPLAY);
			pair_clear(&p);
		}
	}
}

static void test_srtcp_index_limits(void)
{
	struct pair p;

	pair_init(&p, &impls[0].w, LR_SRTP_AES128_CM_SHA1_80, 0, 1);
	make_rtcp(0, 3);
	CU_ASSERT_EQUAL(lr_srtcp_protect(&p.tx, pp, 1), 1);
	CU_ASSERT_EQUAL(lr_srtp_stream_set_rtcp_index(&p.tx, 3, 0x80000000u),
			-EINVAL);
	CU_ASSERT_EQUAL(lr_srtp_stream_set_rtcp_index(&p.tx, 3, 0x7fffffff), 0);
	make_rtcp(0, 3);
	CU_ASSERT_EQUAL(lr_srtcp_protect(&p.tx, pp, 1), 1);
	make_rtcp(0, 3);
	CU_ASSERT_EQUAL(lr_srtcp_protect(&p.tx, pp, 1), 0);
	CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_INDEX_EXHAUSTED);
	/* receiver: index 0x7fffffff accepted; then index 0 is too old */
	make_rtcp(1, 4);
	CU_ASSERT_EQUAL(lr_srtcp_protect(&p.tx, pp + 1, 1), 1);
	save_prot(1);
	make_rtcp(2, 4);
	CU_ASSERT_EQUAL(lr_srtp_stream_set_rtcp_index(&p.tx, 4, 0x7fffffff), 0);
	CU_ASSERT_EQUAL(lr_srtcp_protect(&p.tx, pp + 2, 1), 1);
	save_prot(2);
	load_prot(2);
	CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, pp + 2, 1), 1);
	load_prot(1);
	CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, pp + 1, 1), 0);
	CU_ASSERT_EQUAL(pk[1].drop, LR_DROP_REPLAY_OLD);
	/* too short for header + trailer + tag */
	make_rtcp(3, 4);
	pk[3].len = 8 + 4 + 9;
	CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, pp + 3, 1), 0);
	CU_ASSERT_EQUAL(pk[3].drop, LR_DROP_TOO_SHORT);
	pair_clear(&p);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("srtp_core", setup, teardown);

	if (!s)
		return;
	LR_ADD_TEST(s, test_roundtrip_all_suites);
	LR_ADD_TEST(s, test_encrypts_payload_not_header);
	LR_ADD_TEST(s, test_roc_wrap_and_reorder);
	LR_ADD_TEST(s, test_multiple_wraps);
	srtp_window_add_tests(s);
	if (CU_get_error() != CUE_SUCCESS)
		return;
	LR_ADD_TEST(s, test_burst_order_and_duplicates);
	LR_ADD_TEST(s, test_long_burst_partition);
	LR_ADD_TEST(s, test_forged_jump_in_burst);
	LR_ADD_TEST(s, test_tailroom_and_oop);
	LR_ADD_TEST(s, test_malformed);
	LR_ADD_TEST(s, test_policy_errors);
	LR_ADD_TEST(s, test_streams);
	LR_ADD_TEST(s, test_sender_repeat);
	LR_ADD_TEST(s, test_rekey);
	LR_ADD_TEST(s, test_srtcp);
	LR_ADD_TEST(s, test_srtcp_index_limits);
	srtp_tamper_add_tests(s);
}
