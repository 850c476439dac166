/*
 * linerate's SRTP core against libsrtp2 (Debian's, NSS crypto), called
 * directly as an independent oracle, for every suite and both of the
 * core's crypto implementations:
 *  - sender: 10,000 random packets (12..1400 bytes, random CSRCs, one- and
 *    two-byte header extensions, padding, two SSRCs, sequence numbers
 *    crossing 65535 -> 0 several times) protected by both: byte-identical;
 *  - receiver: the stream delivered reordered and with duplicates, old and
 *    recent, to both receivers (linerate in random bursts of 1..64):
 *    identical accept/replay/replay-old decisions and plaintext; linerate's
 *    output into libsrtp2 and libsrtp2's output into linerate;
 *  - SRTCP both ways (libsrtp2 counts from index 1, so our sender is set
 *    to 1 to compare bytes too), with reordering and duplicates;
 *  - every single-bit flip of sample packets rejected by both, linerate
 *    for the exact reason (bad version, bad header or auth).
 */
#include <stdio.h>
#include <stdlib.h>

#include <srtp2/srtp.h>

#include "lr_test_libsrtp.h"

#include "linerate/lr_crypto_user.h"
#include "linerate/lr_srtp.h"
#include "lr_test.h"

#define NPKT   10000
#define MAXLEN 1400
#define SLOT   1500
#define NDELIV (NPKT + NPKT / 10)

static const uint16_t suites[] = {
	LR_SRTP_AES128_CM_SHA1_80, LR_SRTP_AES128_CM_SHA1_32,
	LR_SRTP_NULL_SHA1_80,	   LR_SRTP_AEAD_AES_128_GCM,
	LR_SRTP_AEAD_AES_256_GCM,
};
#define NSUITES (sizeof(suites) / sizeof(suites[0]))

struct impl {
	const char *name;
	struct lr_srtp_worker *w;
};
static struct impl impls[2];
static unsigned nimpls;

/* plaintext, linerate-protected, libsrtp-protected */
static uint8_t *plain, *lrp, *lsp;
static uint32_t plain_len[NPKT], lrp_len[NPKT], lsp_len[NPKT];
static unsigned order[NDELIV];
static unsigned ndeliv;

static int setup(void)
{
	if (srtp_init() != srtp_err_status_ok)
		return -1;
	impls[0].name = "openssl";
	impls[0].w = lr_srtp_worker_new(LR_SRTP_IMPL_OPENSSL);
	nimpls = 1;
	if (lr_crypto_have(LR_CRYPTO_IPSECMB)) {
		impls[1].w = lr_srtp_worker_new(LR_SRTP_IMPL_IPSECMB);
		if (impls[1].w) {
			impls[1].name = "ipsec-mb";
			nimpls = 2;
		}
	}
	plain = malloc((size_t)NPKT * SLOT);
	lrp = malloc((size_t)NPKT * SLOT);
	lsp = malloc((size_t)NPKT * SLOT);
	return impls[0].w && plain && lrp && lsp ? 0 : -1;
}

static int teardown(void)
{
	for (unsigned i = 0; i < nimpls; i++)
		lr_srtp_worker_free(impls[i].w);
	free(plain);
	free(lrp);
	free(lsp);
	srtp_shutdown();
	return 0;
}

/* One side of the comparison: a linerate session and a libsrtp one
 * sharing keys. */
struct sides {
	struct lr_srtp_session *lr;
	srtp_t ls;
	uint8_t key[46];
	unsigned suite;
};

static void sides_open(struct sides *s, unsigned suite, struct impl *im,
		       int inbound, const struct lr_srtp_policy *pol)
{
	struct lr_srtp_config cfg = {
		.impl = im->w->ops == &lr_crypto_ipsecmb_ops
				? LR_SRTP_IMPL_IPSECMB
				: LR_SRTP_IMPL_OPENSSL,
		.dir = inbound ? LR_SRTP_INBOUND : LR_SRTP_OUTBOUND,
		.policy = *pol,
		.any_ssrc = 1,
		.worker = im->w,
	};
	srtp_policy_t p;

	s->suite = suite;
	memcpy(s->key, pol->key, pol->key_len);
	memcpy(s->key + pol->key_len, pol->salt, pol->salt_len);
	lr_test_ls_policy(&p, suite, s->key, inbound);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_session_new(&s->lr, &cfg), 0);
	CU_ASSERT_EQUAL_FATAL(srtp_create(&s->ls, &p), srtp_err_status_ok);
}

static void sides_close(struct sides *s)
{
	lr_srtp_session_free(s->lr);
	srtp_dealloc(s->ls);
}

static void make_policy(struct lr_srtp_policy *pol, unsigned suite)
{
	const struct lr_srtp_suite_info *si = lr_srtp_suite_get(suite);

	memset(pol, 0, sizeof(*pol));
	pol->suite = (uint16_t)suite;
	pol->key_len = si->key_len;
	pol->salt_len = si->salt_len;
	lr_test_fill(pol->key, si->key_len);
	lr_test_fill(pol->salt, si->salt_len);
}

/* Random RTP packet i: two SSRCs, sequence numbers crossing 65535 with
 * occasional gaps (losses) so the ROC moves several times. */
static void make_packets(void)
{
	uint16_t seq[2] = {65000, 30000};
	uint8_t *d;

	for (unsigned i = 0; i < NPKT; i++) {
		unsigned s = (unsigned)(lr_test_rand() % 8 == 0);
		unsigned cc = (unsigned)(lr_test_rand() % 16);
		unsigned x = (unsigned)(lr_test_rand() % 3);
		unsigned pad = (unsigned)(lr_test_rand() % 8 == 0);
		unsigned len = 12 + cc * 4, pl;

		d = plain + (size_t)i * SLOT;
		if (lr_test_rand() % 500 == 0)
			seq[s] = (uint16_t)(seq[s] + 20000); /* a long loss */
		d[0] = (uint8_t)(0x80 | (pad << 5) | ((x != 0) << 4) | cc);
		d[1] = (uint8_t)(lr_test_rand() & 0xff);
		d[2] = (uint8_t)(seq[s] >> 8);
		d[3] = (uint8_t)seq[s];
		seq[s]++;
		lr_test_fill(d + 4, 4);
		memcpy(d + 8, s ? "\x11\x22\x33\x44" : "\xca\xfe\xba\xbe", 4);
		lr_test_fill(d + 12, cc * 4);
		if (x) {
			unsigned words = (unsigned)(lr_test_rand() % 11);

			d[len] = x == 1 ? 0xbe : 0x10; /* one- or two-byte */
			d[len + 1] = x == 1 ? 0xde : 0x00;
			d[len + 2] = 0;
			d[len + 3] = (uint8_t)words;
			lr_test_fill(d + len + 4, words * 4);
			len += 4 + words * 4;
		}
		pl = (unsigned)(lr_test_rand() % (MAXLEN - len + 1));
		lr_test_fill(d + len, pl);
		len += pl;
		if (pad && len > 12 + cc * 4 + 4) {
			unsigned n = 1 + (unsigned)(lr_test_rand() % 4);

			d[len - 1] = (uint8_t)n;
		} else {
			d[0] &= (uint8_t)~0x20;
		}
		plain_len[i] = len;
	}
}

/* Delivery order: local swaps, recent duplicates (replays) and old ones
 * (beyond the window). */
static void make_order(void)
{
	ndeliv = 0;
	for (unsigned i = 0; i < NPKT; i++) {
		order[ndeliv++] = i;
		if (lr_test_rand() % 20 == 0 && i > 0)
			order[ndeliv++] = i - (unsigned)(lr_test_rand() %
							 (i < 300 ? i : 300));
	}
	for (unsigned i = 0; i + 1 < ndeliv; i++) {
		if (lr_test_rand() % 8 == 0) {
			unsigned j = i + 1 + (unsigned)(lr_test_rand() % 20);
			unsigned t;

			if (j >= ndeliv)
				continue;
			t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
	}
}

static unsigned ls_reason(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_ok:
		return LR_DROP_NONE;
	case srtp_err_status_replay_fail:
		return LR_DROP_REPLAY;
	case srtp_err_status_replay_old:
		return LR_DROP_REPLAY_OLD;
	default:
		return LR_DROP_AUTH;
	}
}

static uint8_t wa[64][SLOT];
static struct lr_pkt pk[64];
static struct lr_pkt *pp[64];

/* Protect all packets with both senders and compare. */
static void sender_compare(unsigned suite, struct impl *im,
			   const struct lr_srtp_policy *pol)
{
	struct sides tx;
	unsigned mism = 0;

	sides_open(&tx, suite, im, 0, pol);
	for (unsigned i = 0; i < NPKT;) {
		unsigned c = 1 + (unsigned)(lr_test_rand() % 64);

		if (c > NPKT - i)
			c = NPKT - i;
		for (unsigned k = 0; k < c; k++) {
			uint8_t *o = lrp + (size_t)(i + k) * SLOT;

			memcpy(o, plain + (size_t)(i + k) * SLOT,
			       plain_len[i + k]);
			pk[k] = (struct lr_pkt){.data = o,
						.len = plain_len[i + k],
						.room = SLOT};
			pp[k] = &pk[k];
		}
		CU_ASSERT_EQUAL(lr_srtp_session_protect(tx.lr, pp, c), c);
		for (unsigned k = 0; k < c; k++) {
			uint8_t *o = lsp + (size_t)(i + k) * SLOT;
			int len = (int)plain_len[i + k];

			lrp_len[i + k] = pk[k].len;
			memcpy(o, plain + (size_t)(i + k) * SLOT, (size_t)len);
			CU_ASSERT_EQUAL(srtp_protect(tx.ls, o, &len),
					srtp_err_status_ok);
			lsp_len[i + k] = (uint32_t)len;
			if (lsp_len[i + k] != lrp_len[i + k] ||
			    memcmp(o, lrp + (size_t)(i + k) * SLOT,
				   (size_t)len))
				mism++;
		}
		i += c;
	}
	CU_ASSERT_EQUAL(mism, 0);
	if (mism)
		printf("%s/%s: %u protected packets differ\n",
		       lr_srtp_suite_get(suite)->name, im->name, mism);
	sides_close(&tx);
}

/* Deliver src (lrp or lsp) in `order` to both receivers; compare. */
static void receiver_compare(unsigned suite, struct impl *im,
			     const struct lr_srtp_policy *pol,
			     const uint8_t *src, const uint32_t *src_len)
{
	struct sides rx;
	unsigned diff = 0, accepted = 0, replays = 0;
	static uint8_t lsbuf[SLOT];

	sides_open(&rx, suite, im, 1, pol);
	for (unsigned i = 0; i < ndeliv;) {
		unsigned c = 1 + (unsigned)(lr_test_rand() % 64), ok;
		unsigned drop[64];

		if (c > ndeliv - i)
			c = ndeliv - i;
		for (unsigned k = 0; k < c; k++) {
			unsigned j = order[i + k];

			memcpy(wa[k], src + (size_t)j * SLOT, src_len[j]);
			pk[k] = (struct lr_pkt){.data = wa[k],
						.len = src_len[j],
						.room = SLOT,
						.user = k};
			pp[k] = &pk[k];
		}
		ok = lr_srtp_session_unprotect(rx.lr, pp, c);
		for (unsigned k = 0; k < c; k++)
			drop[pk[k].user] = pk[k].drop;
		(void)ok;
		for (unsigned k = 0; k < c; k++) {
			unsigned j = order[i + k];
			int len = (int)src_len[j];
			srtp_err_status_t st;

			memcpy(lsbuf, src + (size_t)j * SLOT, (size_t)len);
			st = srtp_unprotect(rx.ls, lsbuf, &len);
			if (ls_reason(st) != drop[k]) {
				if (diff++ < 5)
					printf("delivery %u (pkt %u): libsrtp2 "
					       "%d, linerate %s\n",
					       i + k, j, st,
					       lr_drop_reason_name(drop[k]));
				continue;
			}
			if (st != srtp_err_status_ok) {
				replays++;
				continue;
			}
			accepted++;
			if ((uint32_t)len != plain_len[j] ||
			    memcmp(lsbuf, plain + (size_t)j * SLOT,
				   (size_t)len) ||
			    pk[k].len != plain_len[j] ||
			    memcmp(wa[k], plain + (size_t)j * SLOT,
				   (size_t)len))
				diff++;
		}
		i += c;
	}
	CU_ASSERT_EQUAL(diff, 0);
	CU_ASSERT(accepted >= NPKT * 9 / 10);
	CU_ASSERT(replays > 0);
	if (diff)
		printf("%s/%s: %u receiver differences\n",
		       lr_srtp_suite_get(suite)->name, im->name, diff);
	sides_close(&rx);
}

/*
 * Every bit of 20 short packets flipped, into receivers that have seen
 * nothing (so no flip can make a replay): linerate drops each for the
 * reason of the first check it fails (bad version, bad header, else
 * auth, the tag covering every other bit) and libsrtp2 rejects each,
 * with an auth failure wherever linerate says auth.
 */
static void tamper_compare(unsigned suite, struct impl *im,
			   const struct lr_srtp_policy *pol)
{
	unsigned tag_len = lr_srtp_suite_get(suite)->rtp_tag_len;
	unsigned got[LR_DROP__MAX] = {0};
	struct sides rx;
	unsigned bad = 0, n = 0;

	sides_open(&rx, suite, im, 1, pol);
	for (unsigned j = 0; j < NPKT && n < 20; j++) {
		if (plain_len[j] > 160)
			continue;
		n++;
		for (unsigned b = 0; b < lrp_len[j] * 8; b++) {
			int len = (int)lrp_len[j];
			struct lr_pkt *q = &pk[0];
			unsigned want;
			srtp_err_status_t st;
			int fail;

			memcpy(wa[0], lrp + (size_t)j * SLOT, lrp_len[j]);
			wa[0][b / 8] ^= (uint8_t)(1u << (b % 8));
			memcpy(wa[1], wa[0], lrp_len[j]);
			memcpy(wa[2], wa[0], lrp_len[j]);
			want = lr_test_rtp_header_expect(wa[0], lrp_len[j],
							 tag_len);
			if (!want)
				want = LR_DROP_AUTH;
			pk[0] = (struct lr_pkt){
				.data = wa[0], .len = lrp_len[j], .room = SLOT};
			fail = lr_srtp_session_unprotect(rx.lr, &q, 1) != 0 ||
			       pk[0].drop != want ||
			       memcmp(wa[0], wa[2], lrp_len[j]) != 0;
			if (pk[0].drop < LR_DROP__MAX)
				got[pk[0].drop]++;
			st = srtp_unprotect(rx.ls, wa[1], &len);
			if (st == srtp_err_status_ok ||
			    (want == LR_DROP_AUTH &&
			     st != srtp_err_status_auth_fail))
				fail = 1;
			if (fail && bad++ < 3)
				printf("pkt %u bit %u: linerate %s (want %s), "
				       "libsrtp2 %d\n",
				       j, b, lr_drop_reason_name(pk[0].drop),
				       lr_drop_reason_name(want), st);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(n, 20);
	CU_ASSERT_EQUAL(got[LR_DROP_BAD_VERSION], 2 * n);
	CU_ASSERT(got[LR_DROP_BAD_HEADER] > 0);
	CU_ASSERT(got[LR_DROP_AUTH] > 0);
	CU_ASSERT_EQUAL(got[LR_DROP_REPLAY] + got[LR_DROP_REPLAY_OLD], 0);
	sides_close(&rx);
}

static void test_srtp_both_ways(void)
{
	for (unsigned s = 0; s < NSUITES; s++) {
		for (unsigned m = 0; m < nimpls; m++) {
			struct lr_srtp_policy pol;

			make_policy(&pol, suites[s]);
			make_packets();
			make_order();
			sender_compare(suites[s], &impls[m], &pol);
			/* linerate -> libsrtp2 and libsrtp2 -> linerate */
			receiver_compare(suites[s], &impls[m], &pol, lrp,
					 lrp_len);
			receiver_compare(suites[s], &impls[m], &pol, lsp,
					 lsp_len);
			tamper_compare(suites[s], &impls[m], &pol);
			printf("  %s/%s: %u packets, %u deliveries\n",
			       lr_srtp_suite_get(suites[s])->name,
			       impls[m].name, NPKT, ndeliv);
		}
	}
}

#define NRTCP 2000
static uint8_t rtcp_plain[NRTCP][256], rtcp_lr[NRTCP][300], rtcp_ls[NRTCP][300];
static uint32_t rtcp_len[NRTCP], rtcp_lr_len[NRTCP], rtcp_ls_len[NRTCP];

static void rtcp_receive(struct sides *rx, uint8_t (*src)[300],
			 const uint32_t *len, unsigned *diff)
{
	static uint8_t b1[300], b2[300];

	for (unsigned i = 0; i < NRTCP + NRTCP / 10; i++) {
		unsigned j = i < NRTCP ? i : (unsigned)(lr_test_rand() % NRTCP);
		struct lr_pkt p, *q = &p;
		srtp_err_status_t st;
		unsigned ok;
		int l2;

		/* local reordering: deliver a near neighbour now (and again
		 * in its turn, as a replay) */
		if (i + 3 < NRTCP && lr_test_rand() % 5 == 0)
			j = i + 1 + (unsigned)(lr_test_rand() % 3);
		p = (struct lr_pkt){.data = b1, .len = len[j], .room = 300};
		l2 = (int)len[j];
		memcpy(b1, src[j], len[j]);
		memcpy(b2, src[j], len[j]);
		ok = lr_srtp_session_unprotect_rtcp(rx->lr, &q, 1);
		st = srtp_unprotect_rtcp(rx->ls, b2, &l2);
		if (ls_reason(st) != (ok ? LR_DROP_NONE : p.drop)) {
			if ((*diff)++ < 3)
				printf("SRTCP %u: libsrtp2 %d, linerate %s\n",
				       j, st,
				       lr_drop_reason_name(ok ? 0 : p.drop));
			continue;
		}
		if (ok &&
		    (p.len != rtcp_len[j] || (uint32_t)l2 != rtcp_len[j] ||
		     memcmp(b1, rtcp_plain[j], p.len) ||
		     memcmp(b2, rtcp_plain[j], p.len)))
			(*diff)++;
	}
}

static void test_srtcp_both_ways(void)
{
	for (unsigned s = 0; s < NSUITES; s++) {
		for (unsigned m = 0; m < nimpls; m++) {
			struct lr_srtp_policy pol;
			struct sides tx, rx;
			unsigned diff = 0;
			struct lr_srtp_stats st;

			make_policy(&pol, suites[s]);
			sides_open(&tx, suites[s], &impls[m], 0, &pol);
			for (unsigned i = 0; i < NRTCP; i++) {
				unsigned words =
					1 + (unsigned)(lr_test_rand() % 50);
				struct lr_pkt p = {.data = rtcp_lr[i],
						   .room = 300};
				struct lr_pkt *q = &p;
				int l2;

				rtcp_len[i] = 4 + 4 * words;
				lr_test_fill(rtcp_plain[i], rtcp_len[i]);
				rtcp_plain[i][0] = 0x80;
				rtcp_plain[i][1] = 200;
				rtcp_plain[i][2] = 0;
				rtcp_plain[i][3] = (uint8_t)words;
				memcpy(rtcp_plain[i] + 4, "\x0b\xad\xca\xfe",
				       4);
				if (i == 0) {
					/* libsrtp2's first SRTCP index is 1 */
					lr_srtp_session_add_stream(tx.lr,
								   0x0badcafe);
				}
				memcpy(rtcp_lr[i], rtcp_plain[i], rtcp_len[i]);
				memcpy(rtcp_ls[i], rtcp_plain[i], rtcp_len[i]);
				p.len = rtcp_len[i];
				if (i == 0) {
					/* reach into the core to set it */
					struct lr_pkt dummy = p;
					struct lr_pkt *dq = &dummy;
					uint8_t tmpb[300];

					memcpy(tmpb, rtcp_plain[i],
					       rtcp_len[i]);
					dummy.data = tmpb;
					/* index 0 used on a throwaway */
					CU_ASSERT_EQUAL(
						lr_srtp_session_protect_rtcp(
							tx.lr, &dq, 1),
						1);
				}
				CU_ASSERT_EQUAL(lr_srtp_session_protect_rtcp(
							tx.lr, &q, 1),
						1);
				rtcp_lr_len[i] = p.len;
				l2 = (int)rtcp_len[i];
				CU_ASSERT_EQUAL(srtp_protect_rtcp(
							tx.ls, rtcp_ls[i], &l2),
						srtp_err_status_ok);
				rtcp_ls_len[i] = (uint32_t)l2;
				if (rtcp_ls_len[i] != rtcp_lr_len[i] ||
				    memcmp(rtcp_ls[i], rtcp_lr[i], p.len))
					diff++;
			}
			sides_close(&tx);
			CU_ASSERT_EQUAL(diff, 0);
			sides_open(&rx, suites[s], &impls[m], 1, &pol);
			rtcp_receive(&rx, rtcp_lr, rtcp_lr_len, &diff);
			sides_close(&rx);
			sides_open(&rx, suites[s], &impls[m], 1, &pol);
			rtcp_receive(&rx, rtcp_ls, rtcp_ls_len, &diff);
			lr_srtp_session_stats(rx.lr, &st);
			CU_ASSERT(st.drops[LR_DROP_REPLAY] > 0);
			sides_close(&rx);
			CU_ASSERT_EQUAL(diff, 0);
			if (diff)
				printf("%s/%s: %u SRTCP differences\n",
				       lr_srtp_suite_get(suites[s])->name,
				       impls[m].name, diff);
		}
	}
}

/* What a receiver that has accepted SRTCP indices 1..n must say of an
 * E=0 packet whose trailer now claims idx (window 128 from the highest,
 * and from 127 before that: replay.c, as libsrtp). */
static unsigned e0_expect(const uint8_t *d, unsigned len, unsigned n)
{
	uint32_t idx = ((uint32_t)d[len - 4] << 24 | d[len - 3] << 16 |
			d[len - 2] << 8 | d[len - 1]) &
		       0x7fffffff;
	uint32_t high = n > 127 ? n : 127;

	if (d[0] >> 6 != 2)
		return LR_DROP_BAD_VERSION;
	if (memcmp(d + 4, "\x0b\xad\xf0\x0d", 4))
		return LR_DROP_AUTH; /* a new SSRC: nothing seen */
	if (idx > high)
		return LR_DROP_AUTH;
	if (high - idx >= 128)
		return LR_DROP_REPLAY_OLD;
	return idx >= 1 && idx <= n ? LR_DROP_REPLAY : LR_DROP_AUTH;
}

/* Every bit of the E=0 packet b (libsrtp2's index n + 1) flipped: each
 * dropped for exactly its reason, and left as it came. Returns the
 * number of wrong answers. */
static unsigned e0_flip_all(struct sides *rx, const uint8_t *b, unsigned l,
			    unsigned n, unsigned got[LR_DROP__MAX])
{
	static uint8_t c[300];
	unsigned bad = 0;

	for (unsigned bit = 0; bit < l * 8; bit++) {
		struct lr_pkt p = {.data = c, .len = l, .room = 300};
		struct lr_pkt *q = &p;
		unsigned want;

		memcpy(c, b, l);
		c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		want = e0_expect(c, l, n);
		got[want]++;
		if (lr_srtp_session_unprotect_rtcp(rx->lr, &q, 1) ||
		    p.drop != want || p.len != l) {
			if (bad++ < 3)
				printf("E=0 SRTCP %u bit %u: %s, want %s\n", n,
				       bit, lr_drop_reason_name(p.drop),
				       lr_drop_reason_name(want));
			continue;
		}
		c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (memcmp(c, b, l))
			bad++;
	}
	return bad;
}

/* SRTCP with E=0 under AEAD (RFC 7714 §9.3: the whole packet is AAD):
 * libsrtp2 sends it when RTCP confidentiality is off; the core accepts
 * what authenticates and rejects every flipped bit, for exactly the
 * reason of the first check that bit fails. */
static void test_srtcp_gcm_unencrypted(void)
{
	static const uint16_t gcm[] = {LR_SRTP_AEAD_AES_128_GCM,
				       LR_SRTP_AEAD_AES_256_GCM};

	for (unsigned s = 0; s < 2; s++) {
		for (unsigned m = 0; m < nimpls; m++) {
			struct lr_srtp_policy pol;
			struct sides rx;
			srtp_policy_t p;
			srtp_t tx;
			uint8_t key[46];
			unsigned bad = 0, got[LR_DROP__MAX] = {0};

			make_policy(&pol, gcm[s]);
			memcpy(key, pol.key, pol.key_len);
			memcpy(key + pol.key_len, pol.salt, pol.salt_len);
			lr_test_ls_policy(&p, gcm[s], key, 0);
			p.rtcp.sec_serv = sec_serv_auth;
			CU_ASSERT_EQUAL_FATAL(srtp_create(&tx, &p),
					      srtp_err_status_ok);
			sides_open(&rx, gcm[s], &impls[m], 1, &pol);
			for (unsigned i = 0; i < 200; i++) {
				unsigned words =
					1 + (unsigned)(lr_test_rand() % 40);
				unsigned len = 4 + 4 * words;
				uint8_t b[300], c[300];
				int l = (int)len;
				struct lr_pkt pk1 = {.data = c, .room = 300};
				struct lr_pkt *q = &pk1;

				lr_test_fill(rtcp_plain[0], len);
				memcpy(rtcp_plain[0], "\x80\xc9\x00", 3);
				rtcp_plain[0][3] = (uint8_t)words;
				memcpy(rtcp_plain[0] + 4, "\x0b\xad\xf0\x0d",
				       4);
				memcpy(b, rtcp_plain[0], len);
				CU_ASSERT_EQUAL(srtp_protect_rtcp(tx, b, &l),
						srtp_err_status_ok);
				/* E=0: the trailer's top bit is clear and the
				 * payload is in the clear */
				CU_ASSERT_EQUAL(b[l - 4] & 0x80, 0);
				CU_ASSERT_EQUAL(memcmp(b, rtcp_plain[0], len),
						0);
				/* libsrtp2 counts from 1 */
				CU_ASSERT_EQUAL(memcmp(b + l - 4, "\0\0\0", 3),
						0);
				CU_ASSERT_EQUAL(b[l - 1], (uint8_t)(i + 1));
				if (i % 10 == 0)
					bad += e0_flip_all(&rx, b, (unsigned)l,
							   i, got);
				memcpy(c, b, (size_t)l);
				pk1 = (struct lr_pkt){.data = c,
						      .len = (uint32_t)l,
						      .room = 300};
				CU_ASSERT_EQUAL(lr_srtp_session_unprotect_rtcp(
							rx.lr, &q, 1),
						1);
				CU_ASSERT_EQUAL(pk1.len, len);
				CU_ASSERT_EQUAL(memcmp(c, rtcp_plain[0], len),
						0);
			}
			CU_ASSERT_EQUAL(bad, 0);
			/* 2 version bits a packet; replays from the second */
			CU_ASSERT_EQUAL(got[LR_DROP_BAD_VERSION], 2 * 20);
			CU_ASSERT(got[LR_DROP_REPLAY] > 0);
			CU_ASSERT(got[LR_DROP_AUTH] > 0);
			sides_close(&rx);
			srtp_dealloc(tx);
		}
	}
}

/* The libsrtp2 implementation behind lr_srtp.h talks to the core. */
static void test_session_impls_interop(void)
{
	static const enum lr_srtp_impl ids[] = {LR_SRTP_IMPL_OPENSSL,
						LR_SRTP_IMPL_IPSECMB,
						LR_SRTP_IMPL_LIBSRTP2};

	for (unsigned s = 0; s < NSUITES; s++) {
		struct lr_srtp_policy pol;

		make_policy(&pol, suites[s]);
		for (unsigned a = 0; a < 3; a++) {
			for (unsigned b = 0; b < 3; b++) {
				struct lr_srtp_config tc = {
					.impl = ids[a],
					.dir = LR_SRTP_OUTBOUND,
					.policy = pol,
					.any_ssrc = 1};
				struct lr_srtp_config rc = tc;
				struct lr_srtp_session *tx, *rx;

				rc.impl = ids[b];
				rc.dir = LR_SRTP_INBOUND;
				if (lr_srtp_session_new(&tx, &tc))
					continue; /* ipsec-mb absent here */
				if (lr_srtp_session_new(&rx, &rc)) {
					lr_srtp_session_free(tx);
					continue;
				}
				for (unsigned i = 0; i < 64; i++) {
					uint8_t *d = wa[i];

					memcpy(d, plain + (size_t)i * SLOT,
					       plain_len[i]);
					pk[i] = (struct lr_pkt){
						.data = d,
						.len = plain_len[i],
						.room = SLOT};
					pp[i] = &pk[i];
				}
				CU_ASSERT_EQUAL(
					lr_srtp_session_protect(tx, pp, 64),
					64);
				CU_ASSERT_EQUAL(
					lr_srtp_session_unprotect(rx, pp, 64),
					64);
				for (unsigned i = 0; i < 64; i++)
					CU_ASSERT_EQUAL(
						memcmp(wa[i],
						       plain + (size_t)i * SLOT,
						       plain_len[i]),
						0);
				CU_ASSERT_EQUAL(lr_srtp_session_impl(rx),
						ids[b]);
				lr_srtp_session_free(tx);
				lr_srtp_session_free(rx);
			}
		}
	}
}

static void test_impl_selection(void)
{
	CU_ASSERT_EQUAL(lr_srtp_impl_parse("libsrtp2"), LR_SRTP_IMPL_LIBSRTP2);
	CU_ASSERT_EQUAL(lr_srtp_impl_parse("openssl"), LR_SRTP_IMPL_OPENSSL);
	CU_ASSERT_EQUAL(lr_srtp_impl_parse("ipsec-mb"), LR_SRTP_IMPL_IPSECMB);
	CU_ASSERT_EQUAL(lr_srtp_impl_parse("nss"), -EINVAL);
	setenv("LR_SRTP", "libsrtp2", 1);
	CU_ASSERT_EQUAL(lr_srtp_impl_resolve(LR_SRTP_IMPL_AUTO),
			LR_SRTP_IMPL_LIBSRTP2);
	CU_ASSERT_EQUAL(lr_srtp_impl_resolve(LR_SRTP_IMPL_OPENSSL),
			LR_SRTP_IMPL_OPENSSL);
	setenv("LR_SRTP", "bogus", 1);
	CU_ASSERT_EQUAL(lr_srtp_impl_resolve(LR_SRTP_IMPL_AUTO), -EINVAL);
	unsetenv("LR_SRTP");
	CU_ASSERT_EQUAL(lr_srtp_impl_resolve(LR_SRTP_IMPL_AUTO),
			nimpls > 1 ? LR_SRTP_IMPL_IPSECMB
				   : LR_SRTP_IMPL_OPENSSL);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("srtp_xcheck_libsrtp2", setup, teardown);

	if (!s)
		return;
	LR_ADD_TEST(s, test_srtp_both_ways);
	LR_ADD_TEST(s, test_srtcp_both_ways);
	LR_ADD_TEST(s, test_srtcp_gcm_unencrypted);
	LR_ADD_TEST(s, test_session_impls_interop);
	LR_ADD_TEST(s, test_impl_selection);
}
