/*
 * Tampering with SRTP and SRTCP packets of every suite, one bit at a
 * time: each flip is refused for exactly the reason the first failed
 * check gives (version, header, replay, tag) and leaves the packet and
 * the receiver's state as they were. Part of the test_srtp_core program.
 */
#include <stdio.h>

#include "srtp_core_helpers.h"

/*
 * Tamper tests. The receiver has accepted the indices in seen[] (high the
 * highest); a genuine packet with a later index then has each of its bits
 * flipped in turn. Each flip must be dropped with exactly the reason the
 * first failed check gives, in the order the core checks them: the
 * version (RFC 3550 §5.1: V=2), then the header lengths, then replay from
 * the index the packet claims (RFC 3711 §3.3.2: before authentication),
 * and otherwise the tag: LR_DROP_AUTH, for every bit the tag covers and
 * for the tag's own bits. A failed packet is left exactly as it came.
 */
struct seen_set {
	uint64_t idx[4];
	unsigned n;
	uint64_t high;
	unsigned window;
};

static unsigned replay_expect(const struct seen_set *ss, uint64_t idx)
{
	if (idx > ss->high)
		return LR_DROP_AUTH; /* fresh: only the tag can tell */
	if (ss->high - idx >= ss->window)
		return LR_DROP_REPLAY_OLD;
	for (unsigned k = 0; k < ss->n; k++)
		if (ss->idx[k] == idx)
			return LR_DROP_REPLAY;
	return LR_DROP_AUTH;
}

static unsigned rtp_tamper_expect(const struct lr_srtp_suite_info *si,
				  const uint8_t *d, uint32_t len, uint32_t ssrc,
				  const struct seen_set *ss)
{
	unsigned r = lr_test_rtp_header_expect(d, len, si->rtp_tag_len);
	uint32_t s = (uint32_t)d[8] << 24 | d[9] << 16 | d[10] << 8 | d[11];

	if (r)
		return r;
	if (s != ssrc)
		return LR_DROP_AUTH; /* a new stream: its first index */
	/* ROC 0 throughout: high <= 0x8000 */
	return replay_expect(ss, (uint64_t)(d[2] << 8 | d[3]));
}

static unsigned rtcp_tamper_expect(const struct lr_srtp_suite_info *si,
				   const uint8_t *d, uint32_t len,
				   uint32_t ssrc, const struct seen_set *ss)
{
	/* E+index: last word for AEAD (RFC 7714 §9.2), before the tag
	 * otherwise (RFC 3711 §3.4) */
	uint32_t off = si->alg == LR_ALG_AES_GCM ? len - 4
						 : len - si->rtcp_tag_len - 4;
	uint32_t s = (uint32_t)d[4] << 24 | d[5] << 16 | d[6] << 8 | d[7];
	uint32_t idx = ((uint32_t)d[off] << 24 | d[off + 1] << 16 |
			d[off + 2] << 8 | d[off + 3]) &
		       0x7fffffff;

	if (d[0] >> 6 != 2)
		return LR_DROP_BAD_VERSION;
	if (s != ssrc)
		return LR_DROP_AUTH; /* a new stream, whose window is empty */
	return replay_expect(ss, idx);
}

/* Flip every bit of the SRTP (rtcp 0) or SRTCP packet in prot[0], one at
 * a time; each must be refused for exactly the expected reason and left
 * as it was. The reasons are counted in got[]. */
static void flip_all(struct pair *p, int rtcp, uint32_t ssrc,
		     const struct seen_set *ss, unsigned got[LR_DROP__MAX])
{
	static uint8_t flipped[BUF];
	unsigned bad = 0;

	for (unsigned b = 0; b < prot_len[0] * 8; b++) {
		struct lr_pkt *q = &pk[0];
		unsigned want, ok;

		load_prot(0);
		bufs[0][b / 8] ^= (uint8_t)(1u << (b % 8));
		memcpy(flipped, bufs[0], prot_len[0]);
		want = rtcp ? rtcp_tamper_expect(p->rx.si, bufs[0], prot_len[0],
						 ssrc, ss)
			    : rtp_tamper_expect(p->rx.si, bufs[0], prot_len[0],
						ssrc, ss);
		ok = rtcp ? lr_srtcp_unprotect(&p->rx, &q, 1)
			  : lr_srtp_unprotect(&p->rx, &q, 1);
		CU_ASSERT_EQUAL(ok, 0);
		CU_ASSERT_EQUAL(pk[0].drop, want);
		CU_ASSERT_EQUAL(pk[0].len, prot_len[0]);
		CU_ASSERT_EQUAL(memcmp(bufs[0], flipped, prot_len[0]), 0);
		if (pk[0].drop < LR_DROP__MAX)
			got[pk[0].drop]++;
		if (pk[0].drop != want && bad++ < 3)
			printf("%s %s: bit %u of %u: %s, want %s\n",
			       rtcp ? "SRTCP" : "SRTP", p->rx.si->name, b,
			       prot_len[0] * 8, lr_drop_reason_name(pk[0].drop),
			       lr_drop_reason_name(want));
	}
}

/* A single-packet exchange: protect seq, deliver it, expect success. */
static void rtp_accept(struct pair *p, uint32_t ssrc, uint16_t seq,
		       struct seen_set *ss)
{
	make_rtp_shaped(0, ssrc, seq, 0, 0, 0, 20);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_protect(&p->tx, pp, 1), 1);
	save_prot(0);
	CU_ASSERT_EQUAL(recv_one(p, 0), 0);
	ss->idx[ss->n++] = seq;
	if (seq > ss->high)
		ss->high = seq;
}

static void test_tamper_every_bit(void)
{
	/* cc, x, extension words, payload: headers of every shape, each
	 * packet short enough that 8 more CSRCs run past its end */
	static const unsigned shape[NSUITES][4] = {
		{0, 0, 0, 20}, {2, 1, 1, 3},  {3, 0, 0, 0},
		{1, 1, 0, 13}, {0, 1, 3, 11},
	};

	for (unsigned m = 0; m < nimpls; m++) {
		for (unsigned s = 0; s < NSUITES; s++) {
			const unsigned *sh = shape[s];
			unsigned got[LR_DROP__MAX] = {0}, total;
			struct seen_set ss = {.window = LR_SRTP_WINDOW_DEFAULT};
			struct lr_srtp_stats before;
			struct pair p;

			pair_init(&p, &impls[m].w, suites[s], 0, 1);
			/* seen: 993 and 1000; the packet under test: 1001 =
			 * 0x3e9. Flipping its sequence number's bit 0 gives
			 * 1000 and bit 3 993 (replays), bits 5..7 969, 937,
			 * 873 (inside the window, unseen: auth), bits 8, 9
			 * 745, 489 (too old), the others later (auth). */
			rtp_accept(&p, 0x99, 993, &ss);
			rtp_accept(&p, 0x99, 1000, &ss);
			make_rtp_shaped(0, 0x99, 1001, sh[0], sh[1], sh[2],
					sh[3]);
			CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, pp, 1), 1);
			save_prot(0);
			before = p.rx.stats;
			flip_all(&p, 0, 0x99, &ss, got);
			total = prot_len[0] * 8;
			CU_ASSERT_EQUAL(got[LR_DROP_NONE], 0);
			CU_ASSERT_EQUAL(got[LR_DROP_BAD_VERSION], 2);
			CU_ASSERT_EQUAL(got[LR_DROP_REPLAY], 2);
			CU_ASSERT_EQUAL(got[LR_DROP_REPLAY_OLD], 2);
			/* at least CC's top bit, always */
			CU_ASSERT(got[LR_DROP_BAD_HEADER] >= 1);
			CU_ASSERT_EQUAL(got[LR_DROP_AUTH],
					total - 6 - got[LR_DROP_BAD_HEADER]);
			for (unsigned r = 0; r < LR_DROP__MAX; r++)
				CU_ASSERT_EQUAL(p.rx.stats.drops[r] -
							before.drops[r],
						got[r]);
			CU_ASSERT_EQUAL(p.rx.nstreams, 1);
			/* state intact: the genuine packet still goes through */
			CU_ASSERT_EQUAL(recv_one(&p, 0), 0);
			CU_ASSERT(is_orig(0));
			ss.idx[ss.n++] = 1001;
			ss.high = 1001;
			/* and a random (long) one, 1002 */
			memset(got, 0, sizeof(got));
			send_seq(&p, 0x99, 1002, 1);
			flip_all(&p, 0, 0x99, &ss, got);
			CU_ASSERT_EQUAL(got[LR_DROP_NONE], 0);
			CU_ASSERT_EQUAL(got[LR_DROP_BAD_VERSION], 2);
			CU_ASSERT_EQUAL(recv_one(&p, 0), 0);
			CU_ASSERT(is_orig(0));
			pair_clear(&p);
		}
	}
}

static void rtcp_send(struct pair *p, uint32_t ssrc, uint32_t index)
{
	make_rtcp(0, ssrc);
	CU_ASSERT_EQUAL(lr_srtp_stream_set_rtcp_index(&p->tx, ssrc, index), 0);
	CU_ASSERT_EQUAL_FATAL(lr_srtcp_protect(&p->tx, pp, 1), 1);
	save_prot(0);
}

/* Every bit of SRTCP packets of every suite: E=1 for the ciphers, E=0
 * for NULL (RFC 3711 §3.4: E, then the 31-bit index, both under the
 * tag). The E=0 AEAD form is tested on RFC 7714's own §17.3/§17.4
 * packets in test_srtp_vectors.c. */
static void test_srtcp_tamper_every_bit(void)
{
	for (unsigned m = 0; m < nimpls; m++) {
		for (unsigned s = 0; s < NSUITES; s++) {
			const struct lr_srtp_suite_info *si =
				lr_srtp_suite_get(suites[s]);
			struct seen_set ss = {.window = 128}; /* RFC 3711 */
			unsigned got[LR_DROP__MAX] = {0}, total, e_off;
			struct lr_srtp_stream *st;
			struct lr_srtp_stats before;
			struct pair p;
			struct lr_pkt *q = &pk[0];

			pair_init(&p, &impls[m].w, suites[s], 0, 1);
			CU_ASSERT_EQUAL(lr_srtp_stream_add(&p.tx, 0x5555), 0);
			/* seen 993 and 1000; under test 1001, as for SRTP */
			rtcp_send(&p, 0x5555, 993);
			CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, &q, 1), 1);
			rtcp_send(&p, 0x5555, 1000);
			CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, &q, 1), 1);
			ss.idx[0] = 993;
			ss.idx[1] = 1000;
			ss.n = 2;
			ss.high = 1000;
			rtcp_send(&p, 0x5555, 1001);
			e_off = si->alg == LR_ALG_AES_GCM
					? prot_len[0] - 4
					: prot_len[0] - si->rtcp_tag_len - 4;
			CU_ASSERT_EQUAL(prot[0][e_off] >> 7,
					si->alg != LR_ALG_NULL_HMAC_SHA1);
			before = p.rx.stats;
			flip_all(&p, 1, 0x5555, &ss, got);
			total = prot_len[0] * 8;
			/* by hand: E flipped is an auth failure; index bit 0
			 * (1000) a replay, bit 8 (745) too old */
			CU_ASSERT_EQUAL(got[LR_DROP_NONE], 0);
			CU_ASSERT_EQUAL(got[LR_DROP_BAD_VERSION], 2);
			CU_ASSERT_EQUAL(got[LR_DROP_REPLAY], 2);
			CU_ASSERT_EQUAL(got[LR_DROP_REPLAY_OLD], 2);
			CU_ASSERT_EQUAL(got[LR_DROP_AUTH], total - 6);
			for (unsigned r = 0; r < LR_DROP__MAX; r++)
				CU_ASSERT_EQUAL(p.rx.stats.drops[r] -
							before.drops[r],
						got[r]);
			load_prot(0);
			bufs[0][e_off] ^= 0x80;
			CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, &q, 1), 0);
			CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_AUTH);
			load_prot(0);
			bufs[0][e_off + 3] ^= 0x01;
			CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, &q, 1), 0);
			CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_REPLAY);
			load_prot(0);
			bufs[0][e_off + 2] ^= 0x01;
			CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, &q, 1), 0);
			CU_ASSERT_EQUAL(pk[0].drop, LR_DROP_REPLAY_OLD);
			/* state intact: the genuine packet still goes through */
			CU_ASSERT_EQUAL(p.rx.nstreams, 1);
			load_prot(0);
			CU_ASSERT_EQUAL(lr_srtcp_unprotect(&p.rx, &q, 1), 1);
			CU_ASSERT(is_orig(0));
			st = lr_srtp_stream_get(&p.rx, 0x5555);
			CU_ASSERT_PTR_NOT_NULL_FATAL(st);
			CU_ASSERT_EQUAL(st->rtcp_index, 1001);
			pair_clear(&p);
		}
	}
}

void srtp_tamper_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_tamper_every_bit);
	LR_ADD_TEST(s, test_srtcp_tamper_every_bit);
}
