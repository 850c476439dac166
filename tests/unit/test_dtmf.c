/*
 * DTMF (RFC 4733 §2.5 sending rules, §3.2 event codes) as RTCDTMFSender
 * does it: "123#" with the default 100 ms tones and 70 ms gaps on an
 * 8 kHz clock produces, per tone, a marker packet, updates every 50 ms
 * with the same timestamp, and three end packets with the full
 * duration; tonechange events; the receiver decodes the durations.
 */
#include <errno.h>
#include <string.h>

#include "linerate/lr_dtmf.h"
#include "lr_test.h"

struct sent {
	uint64_t at;
	struct lr_dtmf_packet p;
};

static unsigned run(struct lr_dtmf_sender *s, struct sent *out, unsigned max,
		    char *tones)
{
	unsigned n = 0, nt = 0;
	uint64_t t;
	char c;

	while ((t = lr_dtmf_poll_timeout(s)) != UINT64_MAX) {
		lr_dtmf_handle_timeout(s, t);
		while (n < max && lr_dtmf_poll_packet(s, &out[n].p))
			out[n++].at = t;
		while (lr_dtmf_poll_tonechange(s, &c))
			tones[nt++] = c ? c : '|';
	}
	tones[nt] = '\0';
	return n;
}

static void test_send_123hash(void)
{
	struct lr_dtmf_sender_config cfg = {0};
	struct lr_dtmf_sender *s;
	struct lr_dtmf_receiver r;
	struct lr_dtmf_event ev;
	struct sent pk[128];
	char tones[32], decoded[8] = "";
	unsigned n, nd = 0, markers = 0, ends = 0;

	CU_ASSERT_EQUAL_FATAL(lr_dtmf_sender_new(&cfg, &s), 0);
	/* 0, 0: the defaults, 100 ms tones with 70 ms gaps */
	CU_ASSERT_EQUAL(lr_dtmf_insert(s, 1000000, "123#", 0, 0), 0);
	CU_ASSERT_STRING_EQUAL(lr_dtmf_tone_buffer(s), "123#");
	n = run(s, pk, 128, tones);
	CU_ASSERT_STRING_EQUAL(tones, "123#|");
	CU_ASSERT_STRING_EQUAL(lr_dtmf_tone_buffer(s), "");
	/* Per tone: marker (duration 0), one update at 50 ms (400 units),
	 * three end packets with 100 ms = 800 units: 5 packets. */
	CU_ASSERT_EQUAL(n, 20);
	lr_dtmf_receiver_init(&r, 8000);
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *p = pk[i].p.payload;
		uint32_t dur = (uint32_t)p[2] << 8 | p[3];

		CU_ASSERT_EQUAL(p[1] & 0x3f, 10); /* volume */
		markers += pk[i].p.marker;
		if (pk[i].p.marker)
			CU_ASSERT_EQUAL(dur, 0);
		if (p[1] & 0x80) {
			ends++;
			CU_ASSERT_EQUAL(dur, 800);
		}
		if (lr_dtmf_receive(&r, pk[i].p.timestamp, p, 4, &ev) == 1) {
			CU_ASSERT_EQUAL(ev.duration_ms, 100);
			CU_ASSERT_EQUAL(ev.timestamp, nd * 170u * 8);
			decoded[nd++] = ev.tone;
		}
	}
	CU_ASSERT_EQUAL(markers, 4);
	CU_ASSERT_EQUAL(ends, 12);
	CU_ASSERT_STRING_EQUAL(decoded, "123#");
	CU_ASSERT_EQUAL(r.events, 4);
	/* Each tone's packets: start at 0, 50 ms; ends at 100, 150, 200 ms
	 * after its start, interleaved with the next tone's. */
	CU_ASSERT_EQUAL(pk[0].at, 1000000);
	CU_ASSERT_EQUAL(pk[1].at, 1050000);
	CU_ASSERT_EQUAL(pk[2].at, 1100000);
	lr_dtmf_sender_free(s);
}

static void test_insert_rules(void)
{
	struct lr_dtmf_sender_config cfg = {.clock_rate = 48000};
	struct lr_dtmf_sender *s;
	struct lr_dtmf_receiver r;
	struct lr_dtmf_event ev;
	struct sent pk[64];
	char tones[16];
	unsigned n, got = 0;

	CU_ASSERT_EQUAL_FATAL(lr_dtmf_sender_new(&cfg, &s), 0);
	CU_ASSERT_EQUAL(lr_dtmf_insert(s, 0, "12x", 100, 70), -EINVAL);
	CU_ASSERT_EQUAL(lr_dtmf_poll_timeout(s), UINT64_MAX);
	/* Clamped: 10 ms -> 40 ms, gap 5 -> 30; lower case accepted. */
	CU_ASSERT_EQUAL(lr_dtmf_insert(s, 0, "a*", 10, 5), 0);
	CU_ASSERT_EQUAL(lr_dtmf_insert(s, 0, "a*", 10, 5), 0); /* replaces */
	CU_ASSERT_STRING_EQUAL(lr_dtmf_tone_buffer(s), "A*");
	n = run(s, pk, 64, tones);
	CU_ASSERT_STRING_EQUAL(tones, "A*|");
	lr_dtmf_receiver_init(&r, 48000);
	for (unsigned i = 0; i < n; i++)
		if (lr_dtmf_receive(&r, pk[i].p.timestamp, pk[i].p.payload, 4,
				    &ev) == 1) {
			CU_ASSERT_EQUAL(ev.duration_ms, 40);
			CU_ASSERT_EQUAL(ev.duration, 40 * 48);
			CU_ASSERT_EQUAL(ev.code, got ? 10 : 12);
			/* second tone: 40 + 30 ms later */
			CU_ASSERT_EQUAL(ev.timestamp, got * 70u * 48);
			got++;
		}
	CU_ASSERT_EQUAL(got, 2);
	/* A comma is a 2 s pause; a new insert replaces the buffer. */
	CU_ASSERT_EQUAL(lr_dtmf_insert(s, 10000000, "1,2", 100, 70), 0);
	CU_ASSERT_EQUAL(lr_dtmf_insert(s, 10000000, "9", 100, 70), 0);
	n = run(s, pk, 64, tones);
	CU_ASSERT_STRING_EQUAL(tones, "9|");
	CU_ASSERT_EQUAL(lr_dtmf_insert(s, 20000000, "1,2", 100, 70), 0);
	n = run(s, pk, 64, tones);
	CU_ASSERT_STRING_EQUAL(tones, "1,2|");
	CU_ASSERT_EQUAL(pk[n - 1].at, 20000000 + 170000 + 2000000 + 200000);
	CU_ASSERT_EQUAL(lr_dtmf_receive(&r, 0, pk[0].p.payload, 3, &ev),
			-EINVAL);
	CU_ASSERT_EQUAL(r.bad, 1);
	lr_dtmf_sender_free(s);
}

static void test_codes(void)
{
	const char *all = "0123456789*#ABCD";

	for (int i = 0; i < 16; i++) {
		CU_ASSERT_EQUAL(lr_dtmf_code(all[i]), i);
		CU_ASSERT_EQUAL(lr_dtmf_tone((uint8_t)i), all[i]);
	}
	CU_ASSERT_EQUAL(lr_dtmf_code('E'), -1);
	CU_ASSERT_EQUAL(lr_dtmf_tone(16), '?');
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("dtmf", NULL, NULL);

	LR_ADD_TEST(s, test_send_123hash);
	LR_ADD_TEST(s, test_insert_rules);
	LR_ADD_TEST(s, test_codes);
}
