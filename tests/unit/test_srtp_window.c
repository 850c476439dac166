/*
 * The SRTP receiver's replay window (RFC 3711 §3.3.2) at every size
 * the core allows, at its edges and across ROC changes, and the limits
 * on its size. Part of the test_srtp_core program.
 */
#include <errno.h>
#include <stdio.h>

#include "srtp_core_helpers.h"

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

/* SRTCP index i of ssrc, protected by p's sender, given to rx: 1 if
 * accepted. */
static int srtcp_to(struct pair *p, struct lr_srtp_ctx *rx, uint32_t ssrc)
{
	make_rtcp(0, ssrc);
	CU_ASSERT_FATAL(lr_srtcp_protect(&p->tx, &pp[0], 1) == 1);
	return lr_srtcp_unprotect(rx, &pp[0], 1) == 1;
}

/* A stream handed over (export -> import, lr_pc -> lr_dp) before any
 * SRTCP came in must take the sender's first indices: the fresh
 * window's 127 is not an index that was seen (issue 13: Chromium's
 * sender reports were all refused as replays after the hand-over). And
 * one that has taken some goes on after the highest. */
static void test_srtcp_state_handover(void)
{
	const uint32_t ssrc = 0x5eed0001;
	struct lr_srtp_stream_state st;
	struct lr_srtp_stream qs[8];
	struct lr_srtp_ctx q;
	struct pair p;

	pair_init(&p, &impls[0].w, LR_SRTP_AES128_CM_SHA1_80, 0, 0);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_stream_add(&p.tx, ssrc), 0);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_stream_add(&p.rx, ssrc), 0);
	CU_ASSERT_EQUAL(lr_srtp_stream_export(&p.rx, ssrc, &st), 0);
	CU_ASSERT_EQUAL(st.rtcp_index, 0);
	/* the receiver that takes over: same keys, the exported state */
	CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&q, &impls[0].w, LR_SRTP_INBOUND,
					       &p.pol, qs, 8, 0),
			      0);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_stream_import(&q, &st), 0);
	for (int i = 0; i < 5; i++) /* the sender's indices 0..4 */
		CU_ASSERT(srtcp_to(&p, &q, ssrc) == (i > 0));
	/* q has taken 1..4: the next receiver goes on from 5 */
	CU_ASSERT_EQUAL(lr_srtp_stream_export(&q, ssrc, &st), 0);
	CU_ASSERT_EQUAL(st.rtcp_index, 4);
	lr_srtp_ctx_clear(&q);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&q, &impls[0].w, LR_SRTP_INBOUND,
					       &p.pol, qs, 8, 0),
			      0);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_stream_import(&q, &st), 0);
	CU_ASSERT(srtcp_to(&p, &q, ssrc));
	lr_srtp_ctx_clear(&q);
	pair_clear(&p);
}

void srtp_window_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_replay_window);
	LR_ADD_TEST(s, test_replay_window_limits);
	LR_ADD_TEST(s, test_srtcp_state_handover);
}
