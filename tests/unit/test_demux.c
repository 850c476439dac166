/*
 * RFC 7983 §7 demultiplexing by first byte, with RFC 5761 §4 for RTCP
 * versus RTP: every value of the first byte and the RTCP packet types.
 */
#include "linerate/lr_demux.h"
#include "lr_test.h"

static void test_first_byte_ranges(void)
{
	uint8_t p[2] = {0, 96};

	for (unsigned b = 0; b < 256; b++) {
		enum lr_demux_kind want = LR_DEMUX_OTHER;

		if (b <= 3)
			want = LR_DEMUX_STUN;
		else if (b >= 20 && b <= 63)
			want = LR_DEMUX_DTLS;
		else if (b >= 128 && b <= 191)
			want = LR_DEMUX_RTP;
		/* 16..19 ZRTP, 64..79 TURN channels: not ours */
		p[0] = (uint8_t)b;
		CU_ASSERT_EQUAL(lr_demux(p, 2), want);
	}
	CU_ASSERT_EQUAL(lr_demux(p, 0), LR_DEMUX_OTHER);
}

static void test_rtcp_vs_rtp(void)
{
	uint8_t p[2] = {0x80, 0};

	for (unsigned pt = 0; pt < 256; pt++) {
		p[1] = (uint8_t)pt;
		/* RFC 5761 §4: 192..223 are RTCP (SR 200, RR 201, SDES 202,
		 * BYE 203, APP 204, RTPFB 205, PSFB 206, XR 207 ...). */
		CU_ASSERT_EQUAL(lr_demux(p, 2), pt >= 192 && pt <= 223
							? LR_DEMUX_RTCP
							: LR_DEMUX_RTP);
	}
	/* One byte of RTP-range data: treated as RTP; the SRTP layer
	 * rejects it as too short. */
	CU_ASSERT_EQUAL(lr_demux(p, 1), LR_DEMUX_RTP);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("demux", NULL, NULL);

	LR_ADD_TEST(s, test_first_byte_ranges);
	LR_ADD_TEST(s, test_rtcp_vs_rtp);
}
