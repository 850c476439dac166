/*
 * The SRTP core's limits and hand-overs (issue 12): the 2^48 packet
 * index (RFC 3711 §3.3.1: the ROC never wraps), the previous keys'
 * retirement after a re-key, a re-key in two steps, and owned streams
 * (one context's state used by one core at a time, handed over whole).
 * libsrtp2 is the independent receiver where it can be. Every test runs
 * with every crypto implementation built in and every suite.
 */
#include <errno.h>
#include <string.h>

#include "lr_test_libsrtp.h"
#include "srtp_core_helpers.h"

#define S1 0x11223344u
#define S2 0x55667788u

static int setup(void)
{
	nimpls = lr_test_impls_open(impls);
	return nimpls && srtp_init() == srtp_err_status_ok ? 0 : -1;
}

static int teardown(void)
{
	lr_test_impls_close(impls, nimpls);
	srtp_shutdown();
	return 0;
}

/* A libsrtp2 receiver of pol's keys for ssrc only, its ROC set. */
static void ls_receiver(srtp_t *s, const struct lr_srtp_policy *pol,
			uint8_t *key, uint32_t ssrc, uint32_t roc)
{
	srtp_policy_t p;

	memcpy(key, pol->key, pol->key_len);
	memcpy(key + pol->key_len, pol->salt, pol->salt_len);
	lr_test_ls_policy(&p, pol->suite, key, 1);
	p.ssrc.type = ssrc_specific;
	p.ssrc.value = ssrc;
	CU_ASSERT_FATAL(srtp_create(s, &p) == srtp_err_status_ok);
	CU_ASSERT_FATAL(srtp_set_stream_roc(*s, ssrc, roc) ==
			srtp_err_status_ok);
}

/* Issue 12 (SRTP has no 2^48 limit, the ROC wraps): a sender at ROC
 * 2^32 - 1 protects up to index 2^48 - 1 (libsrtp2, told that ROC,
 * takes every one: the index is right at the end), then refuses
 * (index_exhausted, the packet as it came) instead of wrapping to ROC 0
 * and using index 0's keystream again. */
static void test_protect_index_limit(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		for (unsigned s = 0; s < NSUITES; s++) {
			struct pair p;
			srtp_t ls;
			uint8_t key[64];

			pair_init(&p, &impls[m].w, suites[s], 0, 1);
			CU_ASSERT_EQUAL(lr_srtp_stream_add(&p.tx, S1), 0);
			CU_ASSERT_EQUAL(lr_srtp_stream_set_roc(
						&p.tx, S1, 0xffffffffu, 0xfff0),
					0);
			for (unsigned i = 0; i < 16; i++)
				make_rtp(i, S1, (uint16_t)(0xfff0 + i));
			CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 16), 16);
			ls_receiver(&ls, &p.pol, key, S1, 0xffffffffu);
			for (unsigned i = 0; i < 16; i++) {
				int len = (int)pk[i].len;

				CU_ASSERT(srtp_unprotect(ls, bufs[i], &len) ==
					  srtp_err_status_ok);
				CU_ASSERT_EQUAL(len, (int)orig_len[i]);
				CU_ASSERT(
					!memcmp(bufs[i], orig[i], orig_len[i]));
			}
			/* 2^48: the ROC would wrap */
			make_rtp(0, S1, 0x0000);
			make_rtp(1, S1, 0x0001);
			CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 2), 0);
			CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_INDEX_EXHAUSTED);
			CU_ASSERT_EQUAL(pk[1].drop, LR_DROP_INDEX_EXHAUSTED);
			CU_ASSERT(is_orig(0) && is_orig(1));
			CU_ASSERT_EQUAL(
				p.tx.stats.drops[LR_DROP_INDEX_EXHAUSTED], 2);
			CU_ASSERT_EQUAL(
				lr_srtp_stream_get(&p.tx, S1)->rtp_index,
				LR_SRTP_INDEX_MAX);
			srtp_dealloc(ls);
			pair_clear(&p);
		}
	}
}

/* Issue 12, the receiving side of the same: a receiver whose highest
 * index is 2^48 - 1 refuses what would be past it (index_exhausted)
 * instead of wrapping its ROC to 0, where a packet sent at the start of
 * the stream, replayed now, would authenticate as new. */
static void test_unprotect_index_limit(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		for (unsigned s = 0; s < NSUITES; s++) {
			struct pair p;
			struct lr_srtp_stream_state st = {
				.ssrc = S1, .rtp_index = LR_SRTP_INDEX_MAX};
			struct lr_pkt *q = &pk[0];

			pair_init(&p, &impls[m].w, suites[s], 0, 1);
			send_seq(&p, S1, 5, 1); /* index 5, ROC 0 */
			CU_ASSERT_EQUAL(lr_srtp_stream_import(&p.rx, &st), 0);
			load_prot(0);
			CU_ASSERT_EQUAL(lr_srtp_unprotect(&p.rx, &q, 1), 0);
			CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_INDEX_EXHAUSTED);
			CU_ASSERT_EQUAL(
				lr_srtp_stream_get(&p.rx, S1)->rtp_index,
				LR_SRTP_INDEX_MAX);
			/* (the same packet to a receiver at its start: good) */
			CU_ASSERT_EQUAL(lr_srtp_stream_remove(&p.rx, S1), 0);
			CU_ASSERT_EQUAL(recv_one(&p, 0), 0);
			pair_clear(&p);
		}
	}
}

/* Issue 12 (the lr_pc hand-over's tx_state): an outbound stream
 * imported with the last index the old context sent does not send it,
 * or anything before it, again (that would reuse its keystream). */
static void test_import_outbound_used(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		struct pair p;
		struct lr_srtp_stream_state st = {.ssrc = S1,
						  .rtp_index = 1000};

		pair_init(&p, &impls[m].w, LR_SRTP_AEAD_AES_128_GCM, 0, 1);
		CU_ASSERT_EQUAL(lr_srtp_stream_import(&p.tx, &st), 0);
		make_rtp(0, S1, 1000);
		make_rtp(1, S1, 990);
		make_rtp(2, S1, 1001);
		CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 3), 1);
		CU_ASSERT_EQUAL(pp[0], &pk[2]);
		CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_REPLAY);
		CU_ASSERT_EQUAL(pk[1].drop, LR_DROP_REPLAY);
		pair_clear(&p);
	}
}

/* Issue 12 (after a re-key the previous rx keys were never retired):
 * packets under the old keys still pass while the sender's switch may
 * be in flight, and no longer once LR_SRTP_REKEY_GRACE packets have
 * authenticated with the new keys: an old-key packet of another stream,
 * fresh in its window, fails then (SRTP and SRTCP). The sender's
 * previous keys go at the re-key. */
static void test_rekey_retires(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		for (unsigned s = 0; s < NSUITES; s++) {
			struct pair p;
			struct lr_srtp_policy np;
			unsigned grace, i;
			static uint8_t rtcp[2][BUF];
			uint32_t rtcp_len[2];

			pair_init(&p, &impls[m].w, suites[s], 0, 1);
			grace = LR_SRTP_REKEY_GRACE(p.rx.window);
			/* S2: three packets and two SRTCP under the old keys,
			 * in flight; slots 200.. keep them */
			send_seq(&p, S2, 100, 3);
			for (i = 0; i < 3; i++) {
				memcpy(prot[200 + i], prot[i], prot_len[i]);
				prot_len[200 + i] = prot_len[i];
			}
			for (i = 0; i < 2; i++) {
				struct lr_pkt *q = &pk[0];

				make_rtcp(0, S2);
				CU_ASSERT_EQUAL(lr_srtcp_protect(&p.tx, &q, 1),
						1);
				memcpy(rtcp[i], bufs[0], pk[0].len);
				rtcp_len[i] = pk[0].len;
			}
			make_policy(&np, suites[s], 0);
			CU_ASSERT_EQUAL(lr_srtp_ctx_rekey(&p.rx, &np), 0);
			CU_ASSERT_EQUAL(lr_srtp_ctx_rekey(&p.tx, &np), 0);
			CU_ASSERT(!p.tx.keys[p.tx.cur ^ 1].live);
			/* S1 under the new keys, all but one of the grace */
			for (unsigned done = 0; done + 1 < grace; done += 100) {
				unsigned n = grace - 1 - done < 100
						     ? grace - 1 - done
						     : 100;

				send_seq(&p, S1, (uint16_t)(1000 + done), n);
				for (i = 0; i < n; i++)
					CU_ASSERT_EQUAL(recv_one(&p, i), 0);
			}
			/* still in grace: an old one of S2 passes */
			memcpy(prot[0], prot[200], prot_len[200]);
			prot_len[0] = prot_len[200];
			CU_ASSERT_EQUAL(recv_one(&p, 0), 0);
			CU_ASSERT_EQUAL(p.rx.stats.old_key, 1);
			CU_ASSERT(p.rx.keys[p.rx.cur ^ 1].live);
			/* the last of the grace: retired */
			send_seq(&p, S1, (uint16_t)(1000 + grace), 1);
			CU_ASSERT_EQUAL(recv_one(&p, 0), 0);
			CU_ASSERT(!p.rx.keys[p.rx.cur ^ 1].live);
			memcpy(prot[0], prot[201], prot_len[201]);
			prot_len[0] = prot_len[201];
			CU_ASSERT_EQUAL(recv_one(&p, 0), LR_DROP_AUTH);
			{
				struct lr_pkt *q = &pk[0];

				memcpy(bufs[0], rtcp[0], rtcp_len[0]);
				pk[0] = (struct lr_pkt){.data = bufs[0],
							.len = rtcp_len[0],
							.room = BUF};
				CU_ASSERT_EQUAL(
					lr_srtcp_unprotect(&p.rx, &q, 1), 0);
				CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_AUTH);
			}
			CU_ASSERT_EQUAL(p.rx.stats.old_key, 1);
			pair_clear(&p);
		}
	}
}

/* A re-key in two steps changes nothing until committed: a prepared
 * set discarded leaves the context on its keys (the data plane's
 * update re-keys rx and tx all or nothing with it). */
static void test_rekey_prepare(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		struct pair p;
		struct lr_srtp_policy np, bad;
		struct lr_srtp_keyset ks;

		pair_init(&p, &impls[m].w, LR_SRTP_AES128_CM_SHA1_80, 0, 1);
		make_policy(&np, LR_SRTP_AES128_CM_SHA1_80, 0);
		bad = np;
		bad.mki_len = 4;
		CU_ASSERT_EQUAL(lr_srtp_ctx_rekey_prepare(&p.rx, &bad, &ks),
				-ENOTSUP);
		bad = np;
		bad.window = 512;
		CU_ASSERT_EQUAL(lr_srtp_ctx_rekey_prepare(&p.rx, &bad, &ks),
				-EINVAL);
		CU_ASSERT_EQUAL(lr_srtp_ctx_rekey_prepare(&p.rx, &np, &ks), 0);
		lr_srtp_ctx_rekey_discard(&p.rx, &ks);
		CU_ASSERT(!p.rx.keys[p.rx.cur ^ 1].live);
		send_seq(&p, S1, 1, 4); /* the old keys: still the keys */
		for (unsigned i = 0; i < 4; i++)
			CU_ASSERT_EQUAL(recv_one(&p, i), 0);
		CU_ASSERT_EQUAL(p.rx.stats.old_key, 0);
		CU_ASSERT_EQUAL(lr_srtp_ctx_rekey_prepare(&p.tx, &np, &ks), 0);
		lr_srtp_ctx_rekey_commit(&p.tx, &ks);
		send_seq(&p, S1, 5, 1); /* the new ones: not the receiver's */
		CU_ASSERT_EQUAL(recv_one(&p, 0), LR_DROP_AUTH);
		pair_clear(&p);
	}
}

/* A context in owned mode: SRTP only on streams it holds, SRTCP where
 * it may make them; a stream handed over to another context (another
 * core, the same keys) carries its index and window: libsrtp2 takes the
 * whole sequence from the two, nothing is protected twice. */
static void test_owned_streams(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		for (unsigned s = 0; s < NSUITES; s++) {
			struct pair p;
			struct lr_srtp_ctx b;
			struct lr_srtp_stream bs[4], moved,
				fresh = {.ssrc = S1};
			struct lr_pkt *q = &pk[0];
			srtp_t ls;
			uint8_t key[64];
			unsigned i;

			pair_init(&p, &impls[m].w, suites[s], 0, 1);
			CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&b, &impls[m].w,
							       LR_SRTP_OUTBOUND,
							       &p.pol, bs, 4,
							       1),
					      0);
			lr_srtp_ctx_own(&p.tx, 0);
			lr_srtp_ctx_own(&b, LR_SRTP_OWN_RTCP);
			/* neither holds S1: nothing protected, nothing made */
			make_rtp(0, S1, 7);
			CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, &q, 1), 0);
			CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_NOT_OWNER);
			CU_ASSERT(is_orig(0));
			CU_ASSERT_EQUAL(lr_srtp_protect(&b, &q, 1), 0);
			CU_ASSERT_EQUAL(p.tx.nstreams + b.nstreams, 0);
			make_rtcp(0, S1);
			CU_ASSERT_EQUAL(lr_srtcp_protect(&p.tx, &q, 1), 0);
			CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_NOT_OWNER);
			/* b makes S1 for SRTCP: not for SRTP with it */
			CU_ASSERT_EQUAL(lr_srtcp_protect(&b, &q, 1), 1);
			make_rtp(0, S1, 7);
			CU_ASSERT_EQUAL(lr_srtp_protect(&b, &q, 1), 0);
			CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_NOT_OWNER);
			/* p.tx takes S1's SRTP, fresh, and sends 7..16 */
			CU_ASSERT_EQUAL(lr_srtp_stream_take_over(
						&p.tx, &fresh, LR_SRTP_OWN_RTP),
					0);
			ls_receiver(&ls, &p.pol, key, S1, 0);
			for (i = 0; i < 10; i++)
				make_rtp(i, S1, (uint16_t)(7 + i));
			make_rtp(10, S1, 18); /* 17 left out */
			CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 11), 11);
			/* hands it to b, which sends 17 (not yet sent), 19 */
			CU_ASSERT_EQUAL(
				lr_srtp_stream_hand_over(
					&p.tx, S1, LR_SRTP_OWN_RTP, &moved),
				0);
			CU_ASSERT_EQUAL(p.tx.nstreams, 0);
			CU_ASSERT_EQUAL(lr_srtp_stream_take_over(
						&b, &moved, LR_SRTP_OWN_RTP),
					0);
			make_rtp(11, S1, 17);
			make_rtp(12, S1, 19);
			make_rtp(13, S1, 12); /* p.tx sent it: not again */
			CU_ASSERT_EQUAL(lr_srtp_protect(&b, pp + 11, 3), 2);
			CU_ASSERT_EQUAL(pk[13].drop, LR_DROP_REPLAY);
			make_rtp(14, S1, 20);
			CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp + 14, 1), 0);
			CU_ASSERT_EQUAL(pk[14].drop, LR_DROP_NOT_OWNER);
			for (i = 0; i < 13; i++) {
				int len = (int)pk[i].len;

				CU_ASSERT(srtp_unprotect(ls, bufs[i], &len) ==
					  srtp_err_status_ok);
				CU_ASSERT(
					!memcmp(bufs[i], orig[i], orig_len[i]));
			}
			/* b's SRTCP index went on by itself */
			CU_ASSERT_EQUAL(lr_srtp_stream_get(&b, S1)->rtcp_index,
					1);
			srtp_dealloc(ls);
			lr_srtp_ctx_clear(&b);
			pair_clear(&p);
		}
	}
}

/* Inbound hand-over: what the first context accepted is a replay in
 * the second, what it did not (inside the window) is not. */
static void test_inbound_hand_over(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		struct pair p;
		struct lr_srtp_ctx b;
		struct lr_srtp_stream bs[4], moved;

		pair_init(&p, &impls[m].w, LR_SRTP_AEAD_AES_128_GCM, 0, 1);
		CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&b, &impls[m].w,
						       LR_SRTP_INBOUND, &p.pol,
						       bs, 4, 1),
				      0);
		send_seq(&p, S1, 0xfff0, 40); /* across the wrap */
		for (unsigned i = 0; i < 40; i++)
			if (i != 30)
				CU_ASSERT_EQUAL(recv_one(&p, i), 0);
		CU_ASSERT_EQUAL(lr_srtp_stream_hand_over(&p.rx, S1, 0, &moved),
				0);
		CU_ASSERT_EQUAL(p.rx.nstreams, 0);
		CU_ASSERT_EQUAL(
			lr_srtp_stream_take_over(
				&b, &moved, LR_SRTP_OWN_RTP | LR_SRTP_OWN_RTCP),
			0);
		for (unsigned i = 0; i < 40; i++) {
			struct lr_pkt *q;

			load_prot(i);
			q = &pk[i];
			CU_ASSERT_EQUAL(lr_srtp_unprotect(&b, &q, 1),
					i == 30 ? 1u : 0u);
			if (i != 30)
				CU_ASSERT_EQUAL(pk[i].drop, LR_DROP_REPLAY);
		}
		CU_ASSERT_EQUAL(lr_srtp_stream_get(&b, S1)->rtp_index,
				0x10000u + 0x17);
		lr_srtp_ctx_clear(&b);
		pair_clear(&p);
	}
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("srtp-limits", setup, teardown);

	LR_ADD_TEST(s, test_protect_index_limit);
	LR_ADD_TEST(s, test_unprotect_index_limit);
	LR_ADD_TEST(s, test_import_outbound_used);
	LR_ADD_TEST(s, test_rekey_retires);
	LR_ADD_TEST(s, test_rekey_prepare);
	LR_ADD_TEST(s, test_owned_streams);
	LR_ADD_TEST(s, test_inbound_hand_over);
}
