/*
 * Behaviour of the SRTP core beyond the RFC vectors: index estimation
 * across wraps and reordering, replay windows, burst results and their
 * order, buffers (tailroom, out of place), streams, re-keying, SRTCP
 * index handling and clear errors. Every test runs with every crypto
 * implementation built in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "linerate/lr_crypto_user.h"
#include "linerate/lr_srtp_core.h"
#include "lr_test.h"
#include "lr_test_crypto.h"

#define BUF  1600
#define NPKT 300

static struct lr_test_impl impls[2];
static unsigned nimpls;

static const uint16_t suites[] = {
	LR_SRTP_AES128_CM_SHA1_80, LR_SRTP_AES128_CM_SHA1_32,
	LR_SRTP_NULL_SHA1_80,	   LR_SRTP_AEAD_AES_128_GCM,
	LR_SRTP_AEAD_AES_256_GCM,
};
#define NSUITES (sizeof(suites) / sizeof(suites[0]))

/* A pair of contexts (sender, receiver) sharing keys, plus buffers. */
struct pair {
	struct lr_srtp_ctx tx, rx;
	struct lr_srtp_stream txs[8], rxs[8];
	struct lr_srtp_policy pol;
};

static uint8_t bufs[NPKT][BUF], orig[NPKT][BUF], prot[NPKT][BUF];
static uint32_t orig_len[NPKT], prot_len[NPKT];
static struct lr_pkt pk[NPKT];
static struct lr_pkt *pp[NPKT];

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

static void make_policy(struct lr_srtp_policy *pol, unsigned suite,
			unsigned window)
{
	const struct lr_srtp_suite_info *si = lr_srtp_suite_get(suite);

	memset(pol, 0, sizeof(*pol));
	pol->suite = (uint16_t)suite;
	pol->window = (uint16_t)window;
	pol->key_len = si->key_len;
	pol->salt_len = si->salt_len;
	lr_test_fill(pol->key, sizeof(pol->key));
	lr_test_fill(pol->salt, sizeof(pol->salt));
}

static void pair_init(struct pair *p, struct lr_srtp_worker *w, unsigned suite,
		      unsigned window, int any)
{
	make_policy(&p->pol, suite, window);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&p->tx, w, LR_SRTP_OUTBOUND,
					       &p->pol, p->txs, 8, any),
			      0);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&p->rx, w, LR_SRTP_INBOUND,
					       &p->pol, p->rxs, 8, any),
			      0);
}

static void pair_clear(struct pair *p)
{
	lr_srtp_ctx_clear(&p->tx);
	lr_srtp_ctx_clear(&p->rx);
}

/* An RTP packet in bufs[i] (and orig[i]) with cc CSRCs, an extension of
 * ext_words words if x, and pl bytes of payload; the rest random. */
static void make_rtp_shaped(unsigned i, uint32_t ssrc, uint16_t seq,
			    unsigned cc, unsigned x, unsigned ext_words,
			    unsigned pl)
{
	uint8_t *d = bufs[i];
	unsigned len = 12;

	d[0] = (uint8_t)(0x80 | (x << 4) | cc);
	d[1] = (uint8_t)(lr_test_rand() & 0x7f);
	d[2] = (uint8_t)(seq >> 8);
	d[3] = (uint8_t)seq;
	lr_test_fill(d + 4, 4);
	d[8] = (uint8_t)(ssrc >> 24);
	d[9] = (uint8_t)(ssrc >> 16);
	d[10] = (uint8_t)(ssrc >> 8);
	d[11] = (uint8_t)ssrc;
	lr_test_fill(d + len, cc * 4);
	len += cc * 4;
	if (x) {
		d[len] = 0xbe;
		d[len + 1] = 0xde;
		d[len + 2] = 0;
		d[len + 3] = (uint8_t)ext_words;
		lr_test_fill(d + len + 4, ext_words * 4);
		len += 4 + ext_words * 4;
	}
	lr_test_fill(d + len, pl);
	len += pl;
	memcpy(orig[i], d, len);
	orig_len[i] = len;
	pk[i] = (struct lr_pkt){.data = d, .len = len, .room = BUF};
	pp[i] = &pk[i];
}

/* An RTP packet with random CSRCs, extension and payload. */
static void make_rtp(unsigned i, uint32_t ssrc, uint16_t seq)
{
	unsigned cc = (unsigned)(lr_test_rand() % 4);
	unsigned x = (unsigned)(lr_test_rand() % 2);
	unsigned pl = (unsigned)(lr_test_rand() % 1200);

	make_rtp_shaped(i, ssrc, seq, cc, x,
			x ? (unsigned)(lr_test_rand() % 4) : 0, pl);
}

static void make_rtcp(unsigned i, uint32_t ssrc)
{
	uint8_t *d = bufs[i];
	unsigned words = 1 + (unsigned)(lr_test_rand() % 30);
	unsigned len = 4 + words * 4;

	lr_test_fill(d, len);
	d[0] = 0x81;
	d[1] = 200;
	d[2] = (uint8_t)(words >> 8);
	d[3] = (uint8_t)words;
	d[4] = (uint8_t)(ssrc >> 24);
	d[5] = (uint8_t)(ssrc >> 16);
	d[6] = (uint8_t)(ssrc >> 8);
	d[7] = (uint8_t)ssrc;
	memcpy(orig[i], d, len);
	orig_len[i] = len;
	pk[i] = (struct lr_pkt){.data = d, .len = len, .room = BUF};
	pp[i] = &pk[i];
}

static void save_prot(unsigned i)
{
	memcpy(prot[i], bufs[i], pk[i].len);
	prot_len[i] = pk[i].len;
}

static void load_prot(unsigned i)
{
	memcpy(bufs[i], prot[i], prot_len[i]);
	pk[i] = (struct lr_pkt){
		.data = bufs[i], .len = prot_len[i], .room = BUF};
	pp[i] = &pk[i];
}

static int is_orig(unsigned i)
{
	return pk[i].len == orig_len[i] &&
	       memcmp(bufs[i], orig[i], orig_len[i]) == 0;
}

/* Protect n packets seq0.. in bursts of 32, keep them in prot[]. */
static void send_seq(struct pair *p, uint32_t ssrc, uint16_t seq0, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		make_rtp(i, ssrc, (uint16_t)(seq0 + i));
	for (unsigned i = 0; i < n; i += 32) {
		unsigned c = n - i < 32 ? n - i : 32;

		CU_ASSERT_EQUAL(lr_srtp_protect(&p->tx, pp + i, c), c);
	}
	for (unsigned i = 0; i < n; i++)
		save_prot(i);
}

static unsigned recv_one(struct pair *p, unsigned i)
{
	struct lr_pkt *q;

	load_prot(i);
	q = &pk[i];
	return lr_srtp_unprotect(&p->rx, &q, 1) ? 0 : pk[i].drop;
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

/*
 * Replay windows of every size at their edges. Small packets in their
 * own storage so that a 1024-packet window is covered whole: slot k has
 * sequence number base + k; the sender protects them all in order, the
 * receiver gets them in the order below and each outcome is checked
 * against a model of RFC 3711 §3.3.2 (an index more than W - 1 behind
 * the highest is too old; one inside the window seen before, a replay).
 */
#define WSLOTS	(4 * LR_SRTP_WINDOW_MAX)
#define WSLOT_B 48

static uint8_t wprot[WSLOTS][WSLOT_B];
static uint32_t wprot_len[WSLOTS];

struct win_model {
	unsigned window;
	unsigned high; /* highest slot accepted */
	unsigned ok, replay, old;
	uint8_t seen[WSLOTS];
};

static unsigned win_expect(const struct win_model *wm, unsigned slot)
{
	if (slot > wm->high)
		return LR_DROP_NONE;
	if (wm->high - slot >= wm->window)
		return LR_DROP_REPLAY_OLD;
	return wm->seen[slot] ? LR_DROP_REPLAY : LR_DROP_NONE;
}

static unsigned win_recv(struct pair *p, unsigned slot)
{
	static uint8_t b[WSLOT_B];
	struct lr_pkt q = {.data = b, .len = wprot_len[slot], .room = WSLOT_B};
	struct lr_pkt *qp = &q;

	memcpy(b, wprot[slot], wprot_len[slot]);
	if (lr_srtp_unprotect(&p->rx, &qp, 1) != 1)
		return q.drop ? q.drop : 9999;
	return q.len == 30 && b[2] == wprot[slot][2] && b[3] == wprot[slot][3]
		       ? LR_DROP_NONE
		       : 9999;
}

/* Receive slot, check the outcome against the model, update it. */
static void win_step(struct pair *p, struct win_model *wm, unsigned slot)
{
	unsigned want = win_expect(wm, slot), got = win_recv(p, slot);

	CU_ASSERT_EQUAL(got, want);
	if (got != want)
		printf("window %u: slot %u (high %u): %s, want %s\n",
		       wm->window, slot, wm->high, lr_drop_reason_name(got),
		       lr_drop_reason_name(want));
	if (want == LR_DROP_NONE) {
		wm->seen[slot] = 1;
		if (slot > wm->high)
			wm->high = slot;
		wm->ok++;
	} else if (want == LR_DROP_REPLAY) {
		wm->replay++;
	} else {
		wm->old++;
	}
}

/* Every slot from just past the window's far edge up to the highest. */
static void win_sweep(struct pair *p, struct win_model *wm)
{
	unsigned from =
		wm->high > wm->window + 2 ? wm->high - wm->window - 2 : 0;

	for (unsigned k = from; k <= wm->high; k++)
		win_step(p, wm, k);
}

static void test_replay_window(void)
{
	static const unsigned windows[] = {0, 64, 128, 512, 1024};
	static struct win_model wm;

	for (unsigned k = 0; k < sizeof(windows) / sizeof(windows[0]); k++) {
		unsigned win = windows[k] ? windows[k] : LR_SRTP_WINDOW_DEFAULT;
		/* below 0x8000, and straddling a ROC change (65535 -> 0) */
		uint16_t bases[2] = {1000, (uint16_t)(0x10000 - win / 2 - 1)};
		unsigned jumps[] = {37, win / 2 + 3, win - 1, win + 5};

		for (unsigned b = 0; b < 2; b++) {
			struct pair p;
			unsigned n = win + 3, high;

			for (unsigned j = 0; j < 4; j++)
				n += jumps[j];
			CU_ASSERT_FATAL(n <= WSLOTS);
			pair_init(&p, &impls[0].w, LR_SRTP_AES128_CM_SHA1_32,
				  windows[k], 1);
			CU_ASSERT_EQUAL(p.rx.window, win);
			for (unsigned i = 0; i < n; i++) {
				uint8_t *d = wprot[i];
				struct lr_pkt q = {
					.data = d, .len = 30, .room = WSLOT_B};
				struct lr_pkt *qp = &q;
				uint16_t seq = (uint16_t)(bases[b] + i);

				lr_test_fill(d, 30);
				d[0] = 0x80;
				d[1] = 96;
				d[2] = (uint8_t)(seq >> 8);
				d[3] = (uint8_t)seq;
				memcpy(d + 8, "\x00\x00\x00\x09", 4);
				CU_ASSERT_EQUAL(lr_srtp_protect(&p.tx, &qp, 1),
						1);
				wprot_len[i] = q.len;
			}
			memset(&wm, 0, sizeof(wm));
			wm.window = win;
			/* the edges, by hand: slot 0 first, then win + 1 */
			CU_ASSERT_EQUAL(win_recv(&p, 0), LR_DROP_NONE);
			CU_ASSERT_EQUAL(win_recv(&p, win + 1), LR_DROP_NONE);
			/* age win + 1, seen; age win, never seen: too old */
			CU_ASSERT_EQUAL(win_recv(&p, 0), LR_DROP_REPLAY_OLD);
			CU_ASSERT_EQUAL(win_recv(&p, 1), LR_DROP_REPLAY_OLD);
			/* age win - 1: inside, accepted once */
			CU_ASSERT_EQUAL(win_recv(&p, 2), LR_DROP_NONE);
			CU_ASSERT_EQUAL(win_recv(&p, 2), LR_DROP_REPLAY);
			CU_ASSERT_EQUAL(win_recv(&p, win + 1), LR_DROP_REPLAY);
			/* one step on: slot 2, seen, is now exactly win old */
			CU_ASSERT_EQUAL(win_recv(&p, win + 2), LR_DROP_NONE);
			CU_ASSERT_EQUAL(win_recv(&p, 2), LR_DROP_REPLAY_OLD);
			CU_ASSERT_EQUAL(win_recv(&p, 3), LR_DROP_NONE);
			CU_ASSERT_EQUAL(p.rx.stats.ok, 5);
			CU_ASSERT_EQUAL(p.rx.stats.drops[LR_DROP_REPLAY], 2);
			CU_ASSERT_EQUAL(p.rx.stats.drops[LR_DROP_REPLAY_OLD],
					3);
			wm.seen[0] = wm.seen[2] = wm.seen[3] = 1;
			wm.seen[win + 1] = wm.seen[win + 2] = 1;
			wm.high = win + 2;
			wm.ok = 5;
			wm.replay = 2;
			wm.old = 3;
			/* the rest of the window, then all of it again */
			win_sweep(&p, &wm);
			win_sweep(&p, &wm);
			/* jumps ahead: the bitmap moves by d, across words */
			for (unsigned j = 0; j < 4; j++) {
				win_step(&p, &wm, wm.high + jumps[j]);
				win_sweep(&p, &wm);
				win_sweep(&p, &wm);
			}
			high = wm.high;
			CU_ASSERT_EQUAL(high, n - 1);
			CU_ASSERT_EQUAL(lr_srtp_stream_get(&p.rx, 9)->rtp_index,
					(uint64_t)bases[b] + high);
			CU_ASSERT_EQUAL(p.rx.stats.ok, wm.ok);
			CU_ASSERT_EQUAL(p.rx.stats.drops[LR_DROP_REPLAY],
					wm.replay);
			CU_ASSERT_EQUAL(p.rx.stats.drops[LR_DROP_REPLAY_OLD],
					wm.old);
			CU_ASSERT_EQUAL(p.rx.stats.drops[LR_DROP_AUTH], 0);
			pair_clear(&p);
		}
	}
}

/* The window is 64..1024 packets (lr_srtp_core.h): outside is -EINVAL,
 * at either end it is taken as is; a re-key may not change it. */
static void test_replay_window_limits(void)
{
	static const unsigned bad[] = {1, 32, 63, 1025, 1056, 2048, 65535};
	static const unsigned good[] = {64, 128, 512, 1024};
	struct lr_srtp_policy pol;
	struct lr_srtp_stream st[1];
	struct lr_srtp_ctx ctx;
	struct lr_srtp_worker *w = &impls[0].w;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (unsigned d = 0; d < 2; d++) {
			make_policy(&pol, LR_SRTP_AEAD_AES_128_GCM, bad[i]);
			CU_ASSERT_EQUAL(lr_srtp_ctx_init(&ctx, w,
							 (enum lr_srtp_dir)d,
							 &pol, st, 1, 1),
					-EINVAL);
		}
	}
	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct lr_srtp_policy np;

		make_policy(&pol, LR_SRTP_AEAD_AES_128_GCM, good[i]);
		CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&ctx, w, LR_SRTP_INBOUND,
						       &pol, st, 1, 1),
				      0);
		CU_ASSERT_EQUAL(ctx.window, good[i]);
		make_policy(&np, LR_SRTP_AEAD_AES_128_GCM,
			    good[i] == 128 ? 64 : 128);
		CU_ASSERT_EQUAL(lr_srtp_ctx_rekey(&ctx, &np), -EINVAL);
		make_policy(&np, LR_SRTP_AEAD_AES_128_GCM, 1025);
		CU_ASSERT_EQUAL(lr_srtp_ctx_rekey(&ctx, &np), -EINVAL);
		make_policy(&np, LR_SRTP_AEAD_AES_128_GCM, good[i]);
		CU_ASSERT_EQUAL(lr_srtp_ctx_rekey(&ctx, &np), 0);
		lr_srtp_ctx_clear(&ctx);
	}
	/* 0 means the default */
	make_policy(&pol, LR_SRTP_AEAD_AES_128_GCM, 0);
	CU_ASSERT_EQUAL_FATAL(
		lr_srtp_ctx_init(&ctx, w, LR_SRTP_INBOUND, &pol, st, 1, 1), 0);
	CU_ASSERT_EQUAL(ctx.window, LR_SRTP_WINDOW_DEFAULT);
	lr_srtp_ctx_clear(&ctx);
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

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("srtp_core", setup, teardown);

	if (!s)
		return;
	LR_ADD_TEST(s, test_roundtrip_all_suites);
	LR_ADD_TEST(s, test_encrypts_payload_not_header);
	LR_ADD_TEST(s, test_roc_wrap_and_reorder);
	LR_ADD_TEST(s, test_multiple_wraps);
	LR_ADD_TEST(s, test_replay_window);
	LR_ADD_TEST(s, test_replay_window_limits);
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
	LR_ADD_TEST(s, test_tamper_every_bit);
	LR_ADD_TEST(s, test_srtcp_tamper_every_bit);
}
