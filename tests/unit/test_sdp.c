/*
 * The SDP codec (control/sdp): real offers from Chromium 156 and GStreamer
 * webrtcbin 1.22 (tests/fixtures/sdp) parse, round-trip and give their
 * typed attributes; unknown attributes survive; malformed descriptions
 * are refused with the line and the reason; the size limits hold;
 * answers follow the offer. a=rid, a=simulcast, ice-lite and the longer
 * fingerprints are in test_sdp_attrs.c (same program, same suite).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdp_helpers.h"

static void test_chromium_offer(void)
{
	struct lr_sdp *s;
	struct lr_sdp_fingerprint f;
	struct lr_sdp_rtpmap r;
	struct lr_sdp_extmap e;
	const char *v;
	unsigned nrtpmap = 0;

	roundtrip("chromium-156-offer-av-dc.sdp", &s);
	CU_ASSERT_EQUAL_FATAL(s->nmedia, 3);
	CU_ASSERT_STRING_EQUAL(s->media[0].kind, "audio");
	CU_ASSERT_STRING_EQUAL(s->media[1].kind, "video");
	CU_ASSERT_STRING_EQUAL(s->media[2].kind, "application");
	CU_ASSERT_STRING_EQUAL(s->media[0].proto, "UDP/TLS/RTP/SAVPF");
	CU_ASSERT_STRING_EQUAL(s->media[2].proto, "UDP/DTLS/SCTP");
	CU_ASSERT_EQUAL(s->media[0].port, 9);
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, -1, "group", 0), "BUNDLE 0 1 2");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, -1, "extmap-allow-mixed", 0), "");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 0, "ice-ufrag", 0), "1Ne5");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 0, "setup", 0), "actpass");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 1, "mid", 0), "1");
	CU_ASSERT_PTR_NULL(lr_sdp_attr(s, 0, "mid", 1));
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 2, "sctp-port", 0), "5000");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 2, "max-message-size", 0),
			       "262144");
	v = lr_sdp_attr(s, 0, "fingerprint", 0);
	CU_ASSERT_EQUAL_FATAL(lr_sdp_parse_fingerprint(v, &f), 0);
	CU_ASSERT_STRING_EQUAL(f.hash, "sha-256");
	CU_ASSERT_EQUAL(f.len, 32);
	CU_ASSERT_EQUAL(f.digest[0], 0xF5);
	CU_ASSERT_EQUAL(f.digest[31], 0x78);
	while ((v = lr_sdp_attr(s, 0, "rtpmap", nrtpmap))) {
		CU_ASSERT_EQUAL(lr_sdp_parse_rtpmap(v, &r), 0);
		if (nrtpmap == 0) {
			CU_ASSERT_EQUAL(r.pt, 111);
			CU_ASSERT_STRING_EQUAL(r.encoding, "opus");
			CU_ASSERT_EQUAL(r.clock, 48000);
			CU_ASSERT_EQUAL(r.channels, 2);
		}
		nrtpmap++;
	}
	CU_ASSERT_EQUAL(nrtpmap, 8);
	CU_ASSERT_EQUAL(lr_sdp_parse_extmap(lr_sdp_attr(s, 0, "extmap", 3), &e),
			0);
	CU_ASSERT_EQUAL(e.id, 4);
	CU_ASSERT_STRING_EQUAL(e.uri, "urn:ietf:params:rtp-hdrext:sdes:mid");
	/* unknown attributes are kept as written */
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 0, "rtcp-xr", 0), "rcvr-rtt=all");
	lr_sdp_free(s);
}

static void test_webrtcbin_offer(void)
{
	struct lr_sdp *s;

	roundtrip("webrtcbin-1.22-offer.sdp", &s);
	CU_ASSERT_EQUAL_FATAL(s->nmedia, 3);
	CU_ASSERT_STRING_EQUAL(s->media[0].kind, "video");
	CU_ASSERT_EQUAL(s->media[1].port, 0);
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 1, "bundle-only", 0), "");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 0, "rtcp-mux-only", 0), "");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, -1, "group", 0),
			       "BUNDLE video0 audio1 application2");
	lr_sdp_free(s);
}

static void test_candidates(void)
{
	struct lr_sdp_candidate c;

	CU_ASSERT_EQUAL(lr_sdp_parse_candidate(
				"1467250027 1 udp 2122260223 192.168.0.196 "
				"46243 typ host generation 0 network-id 1",
				&c),
			0);
	CU_ASSERT_STRING_EQUAL(c.foundation, "1467250027");
	CU_ASSERT_EQUAL(c.component, 1);
	CU_ASSERT_STRING_EQUAL(c.transport, "udp");
	CU_ASSERT_EQUAL(c.priority, 2122260223u);
	CU_ASSERT_EQUAL(c.port, 46243);
	CU_ASSERT_STRING_EQUAL(c.type, "host");
	CU_ASSERT_EQUAL(c.next, 2);
	CU_ASSERT_EQUAL(lr_sdp_parse_candidate(
				"842163049 1 udp 1677729535 203.0.113.5 3478 "
				"typ srflx raddr 10.0.0.1 rport 54321",
				&c),
			0);
	CU_ASSERT_STRING_EQUAL(c.raddr, "10.0.0.1");
	CU_ASSERT_EQUAL(c.rport, 54321);
	CU_ASSERT_EQUAL(lr_sdp_parse_candidate(
				"2 1 TCP 1518280447 2001:db8::1 9 typ host "
				"tcptype active",
				&c),
			0);
	CU_ASSERT_STRING_EQUAL(c.transport, "tcp");
	CU_ASSERT_STRING_EQUAL(c.tcptype, "active");
	CU_ASSERT_EQUAL(lr_sdp_parse_candidate(
				"3 1 udp 2113937151 4f6a9b7c-1.local 5000 "
				"typ host",
				&c),
			0);
	/* broken ones */
	CU_ASSERT_NOT_EQUAL(lr_sdp_parse_candidate("1 1 udp 5 1.2.3.4 9", &c),
			    0);
	CU_ASSERT_NOT_EQUAL(
		lr_sdp_parse_candidate("1 0 udp 5 1.2.3.4 9 typ host", &c), 0);
	CU_ASSERT_NOT_EQUAL(
		lr_sdp_parse_candidate("1 1 udp 5 1.2.3.4 70000 typ host", &c),
		0);
	CU_ASSERT_NOT_EQUAL(
		lr_sdp_parse_candidate("1 1 udp 5 1.2.3.4 9 typ bogus", &c), 0);
	CU_ASSERT_NOT_EQUAL(
		lr_sdp_parse_candidate("1 1 udp 4294967296 1.2.3.4 9 typ host",
				       &c),
		0);
	CU_ASSERT_NOT_EQUAL(
		lr_sdp_parse_candidate("1 1 udp 5 1.2.3.4 9 typ host tcptype x",
				       &c),
		0);
	CU_ASSERT_NOT_EQUAL(
		lr_sdp_parse_candidate("1 1 udp 5 1.2.3.4 9 typ host gen", &c),
		0);
}

static void test_errors_name_the_line(void)
{
	expect_error("v=1\r\n", 1, "v=0");
	expect_error(HEAD "bogus\r\n", 5, "not <type>=<value>");
	expect_error(HEAD "\r\na=x\r\n", 5, "empty line");
	expect_error(HEAD "m=audio 99999 RTP/AVP 0\r\n", 5, "m= line");
	expect_error(HEAD "m=audio 9 RTP/AVP\r\n", 5, "m= line");
	expect_error(HEAD "m=audio 9 RTP/AVP 0\r\na=setup:maybe\r\n", 6,
		     "setup");
	expect_error(HEAD "a=ice-ufrag:ab\r\n", 5, "ice-ufrag");
	expect_error(HEAD "a=ice-pwd:short\r\n", 5, "ice-pwd");
	expect_error(HEAD "a=fingerprint:sha-256 AB:CD\r\n", 5, "fingerprint");
	expect_error(HEAD "a=fingerprint:md5 AB:CD\r\n", 5, "fingerprint");
	expect_error(HEAD "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", 6,
		     "rtpmap");
	expect_error(HEAD "m=audio 9 RTP/AVP 0\r\na=extmap:0 urn:x\r\n", 6,
		     "extmap");
	expect_error(HEAD "m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp\r\n", 6,
		     "candidate");
	expect_error(HEAD "a=rtcp-mux:yes\r\n", 5, "no value");
	expect_error(HEAD "a=sctp-port:70000\r\n", 5, "sctp-port");
	expect_error(HEAD "a=ssrc:12ab cname:x\r\n", 5, "ssrc");
	expect_error("v=0\r\ns=-\r\nt=0 0\r\n", 0, "o=");
	expect_error("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n", 0, "t=");
}

static void test_limits_and_unknown(void)
{
	size_t cap = LR_SDP_MAX_TEXT + 64, n = 0;
	char *big = malloc(cap);
	struct lr_sdp *s;
	struct lr_sdp_error err;
	const char *t = HEAD "a=x-foo:anything at all\r\nk=prompt\r\n"
			     "m=audio 9 RTP/AVP 0\r\nb=AS:30\r\n"
			     "a=weird-flag\r\n";
	char out[512];

	CU_ASSERT_EQUAL_FATAL(lr_sdp_parse(t, strlen(t), &s, &err), 0);
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, -1, "x-foo", 0),
			       "anything at all");
	CU_ASSERT_EQUAL(lr_sdp_write(s, out, sizeof(out)), (int)strlen(t));
	CU_ASSERT_STRING_EQUAL(out, t);
	lr_sdp_free(s);
	/* 65 media sections */
	n = (size_t)snprintf(big, cap, "%s", HEAD);
	for (int i = 0; i < 65; i++)
		n += (size_t)snprintf(big + n, cap - n,
				      "m=audio 9 RTP/AVP 0\r\n");
	CU_ASSERT_EQUAL(lr_sdp_parse(big, n, &s, &err), -E2BIG);
	CU_ASSERT_EQUAL(err.lineno, 5 + 64);
	/* more than 64 KiB */
	memset(big, 'a', cap);
	CU_ASSERT_EQUAL(lr_sdp_parse(big, LR_SDP_MAX_TEXT + 1, &s, &err),
			-E2BIG);
	free(big);
}

/* Every fixture: parses, round-trips byte for byte, its candidates and
 * fingerprints parse, and it gets an answer that parses. */
static void test_all_fixtures(void)
{
	static const struct {
		const char *name;
		unsigned candidates;
	} fx[] = {
		{"chromium-156-offer-av-dc.sdp", 0},
		{"webrtcbin-1.22-offer.sdp", 0},
		{"werift-0.24.4-offer.sdp", 6},
		{"werift-0.24.4-answer-to-chromium.sdp", 6},
		{"chromium-156-answer-to-werift.sdp", 8},
		{"aiortc-1.4.0-offer-legacy-dc.sdp", 2},
	};

	for (unsigned f = 0; f < sizeof(fx) / sizeof(fx[0]); f++) {
		struct lr_sdp *s;
		unsigned ncand = 0;

		roundtrip(fx[f].name, &s);
		for (int m = 0; m < (int)s->nmedia; m++) {
			struct lr_sdp_candidate c;
			struct lr_sdp_fingerprint fp;
			const char *v;

			for (unsigned k = 0;
			     (v = lr_sdp_attr(s, m, "candidate", k)); k++) {
				CU_ASSERT_EQUAL(lr_sdp_parse_candidate(v, &c),
						0);
				ncand++;
			}
			v = lr_sdp_attr(s, m, "fingerprint", 0);
			if (!v)
				v = lr_sdp_attr(s, -1, "fingerprint", 0);
			CU_ASSERT_PTR_NOT_NULL(v);
			if (v)
				CU_ASSERT_EQUAL(
					lr_sdp_parse_fingerprint(v, &fp), 0);
		}
		CU_ASSERT_EQUAL(ncand, fx[f].candidates);
		/* answers too get one (as if they were offers): the
		 * generator must cope with whatever a real peer wrote */
		lr_sdp_free(answer(s, &answer_opts));
		lr_sdp_free(s);
	}
}

/* Trickled candidates as Chromium hands them to JavaScript. */
static void test_trickle_candidates(void)
{
	size_t len = 0;
	char *t = slurp("chromium-156-trickle-candidates.txt", &len);
	unsigned n = 0, tcp = 0, v6 = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
		struct lr_sdp_candidate c;

		CU_ASSERT_EQUAL_FATAL(strncmp(line, "candidate:", 10), 0);
		CU_ASSERT_EQUAL(lr_sdp_parse_candidate(line + 10, &c), 0);
		n++;
		tcp += !strcmp(c.transport, "tcp") &&
		       !strcmp(c.tcptype, "active");
		v6 += strchr(c.address, ':') != NULL;
	}
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT_EQUAL(tcp, 4);
	CU_ASSERT_EQUAL(v6, 4);
	free(t);
}

/* An SFU's answers (issue 13): without rtx for a publisher, without the
 * MID and RID extensions for a viewer; the rest as usual. */
static void test_answer_sfu_flags(void)
{
	struct lr_sdp_answer_opts o = answer_opts;
	struct lr_sdp *s, *a;
	const char *v;
	int mid = 0, other = 0;

	roundtrip("chromium-156-offer-av-dc.sdp", &s);
	o.flags = LR_SDP_ANSWER_NO_RTX;
	a = answer(s, &o);
	CU_ASSERT_STRING_EQUAL(a->media[1].fmt, "96 102 108 116 45 98");
	for (unsigned k = 0; (v = lr_sdp_attr(a, 1, "extmap", k)); k++)
		mid += strstr(v, "sdes:mid") != NULL;
	CU_ASSERT_EQUAL(mid, 1);
	lr_sdp_free(a);
	o.flags = LR_SDP_ANSWER_NO_MID;
	a = answer(s, &o);
	CU_ASSERT_STRING_EQUAL(a->media[1].fmt,
			       "96 102 108 116 45 98 97 103 109 117 46 99");
	mid = 0;
	for (int i = 0; i < 2; i++)
		for (unsigned k = 0; (v = lr_sdp_attr(a, i, "extmap", k));
		     k++) {
			mid += strstr(v, "sdes:") != NULL;
			other++;
		}
	CU_ASSERT_EQUAL(mid, 0);
	CU_ASSERT(other > 0); /* the others stay */
	lr_sdp_free(a);
	lr_sdp_free(s);
}

static void test_answer_chromium(void)
{
	struct lr_sdp *s, *a;

	roundtrip("chromium-156-offer-av-dc.sdp", &s);
	a = answer(s, &answer_opts);
	CU_ASSERT_EQUAL_FATAL(a->nmedia, 3);
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, -1, "group", 0), "BUNDLE 0 1 2");
	/* opus, PCMU, PCMA, telephone-event x2; not red, G722 or CN */
	CU_ASSERT_STRING_EQUAL(a->media[0].fmt, "111 0 8 110 126");
	/* VP8, H264 packetization-mode=1 only, AV1, VP9 profile 0, and the
	 * rtx of exactly those */
	CU_ASSERT_STRING_EQUAL(a->media[1].fmt,
			       "96 102 108 116 45 98 97 103 109 117 46 99");
	CU_ASSERT_STRING_EQUAL(a->media[2].fmt, "webrtc-datachannel");
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(a->media[i].port, 9);
		CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, i, "setup", 0), "active");
		CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, i, "ice-ufrag", 0),
				       "lRat");
		CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, i, "mid", 0),
				       lr_sdp_attr(s, i, "mid", 0));
	}
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 0, "sendrecv", 0), "");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 0, "rtcp-mux", 0), "");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 0, "fmtp", 0),
			       "111 minptime=10;useinbandfec=1");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 0, "rtcp-fb", 0),
			       "111 transport-cc");
	{
		int rtx96 = 0, rtx100 = 0;
		const char *v;

		for (unsigned k = 0; (v = lr_sdp_attr(a, 1, "fmtp", k)); k++) {
			rtx96 += !strcmp(v, "97 apt=96");
			rtx100 += !strcmp(v, "101 apt=100");
		}
		CU_ASSERT_EQUAL(rtx96, 1);
		CU_ASSERT_EQUAL(rtx100, 0);
	}
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 2, "sctp-port", 0), "5000");
	/* extensions we know, with the offered ids */
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 0, "extmap", 0),
			       "1 urn:ietf:params:rtp-hdrext:ssrc-audio-level");
	lr_sdp_free(a);
	lr_sdp_free(s);
}

static void test_answer_webrtcbin(void)
{
	struct lr_sdp *s, *a;

	roundtrip("webrtcbin-1.22-offer.sdp", &s);
	a = answer(s, &answer_opts);
	CU_ASSERT_EQUAL_FATAL(a->nmedia, 3);
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, -1, "group", 0),
			       "BUNDLE video0 audio1 application2");
	CU_ASSERT_STRING_EQUAL(a->media[0].fmt, "96");
	/* bundle-only sections are accepted inside the bundle */
	CU_ASSERT_EQUAL(a->media[1].port, 9);
	CU_ASSERT_STRING_EQUAL(a->media[1].fmt, "111");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 1, "rtpmap", 0),
			       "111 OPUS/48000/2");
	CU_ASSERT_EQUAL(a->media[2].port, 9);
	lr_sdp_free(a);
	lr_sdp_free(s);
}

static void test_answer_rules(void)
{
	const char *offer =
		HEAD "a=group:BUNDLE a v x\r\n"
		     "m=audio 9 UDP/TLS/RTP/SAVPF 0 9\r\na=mid:a\r\n"
		     "a=setup:active\r\na=sendonly\r\na=rtcp-mux\r\n"
		     "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:v\r\n"
		     "a=rtpmap:96 VP8/90000\r\n" /* no rtcp-mux */
		     "m=video 9 UDP/TLS/RTP/SAVPF 100\r\na=mid:x\r\n"
		     "a=rtcp-mux\r\na=rtpmap:100 H264/90000\r\n"
		     "a=fmtp:100 packetization-mode=0\r\n";
	struct lr_sdp *s, *a;
	struct lr_sdp_error err;
	struct lr_sdp_answer_opts o = answer_opts;
	char small[64];

	CU_ASSERT_EQUAL_FATAL(lr_sdp_parse(offer, strlen(offer), &s, &err), 0);
	a = answer(s, &o);
	/* PCMU by its static payload type; G722 not ours */
	CU_ASSERT_STRING_EQUAL(a->media[0].fmt, "0");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 0, "recvonly", 0), "");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 0, "setup", 0), "passive");
	/* no rtcp-mux, and H264 without packetization-mode=1: rejected */
	CU_ASSERT_EQUAL(a->media[1].port, 0);
	CU_ASSERT_EQUAL(a->media[2].port, 0);
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, -1, "group", 0), "BUNDLE a");
	lr_sdp_free(a);
	/* what we want narrows the direction */
	o.audio = LR_SDP_SENDONLY; /* but the offerer only sends */
	a = answer(s, &o);
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 0, "inactive", 0), "");
	lr_sdp_free(a);
	CU_ASSERT_EQUAL(lr_sdp_answer(s, &o, small, sizeof(small), &err),
			-ENOSPC);
	o.fingerprint = NULL;
	CU_ASSERT_EQUAL(lr_sdp_answer(s, &o, small, sizeof(small), &err),
			-EINVAL);
	lr_sdp_free(s);
	/* a BUNDLE group longer than we write is refused, not truncated */
	{
		static char big[32768], out[65536];
		size_t n = (size_t)snprintf(big, sizeof(big), "%s", HEAD);
		char mid[48];

		memset(mid, 'm', 40);
		mid[40] = '\0';
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "a=group:BUNDLE");
		for (int i = 0; i < 60; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n,
					      " %s%02d", mid, i);
		n += (size_t)snprintf(big + n, sizeof(big) - n, "\r\n");
		for (int i = 0; i < 60; i++)
			n += (size_t)snprintf(
				big + n, sizeof(big) - n,
				"m=application 9 UDP/DTLS/SCTP "
				"webrtc-datachannel\r\na=mid:%s%02d\r\n",
				mid, i);
		CU_ASSERT_EQUAL_FATAL(lr_sdp_parse(big, n, &s, &err), 0);
		CU_ASSERT_EQUAL(
			lr_sdp_answer(s, &answer_opts, out, sizeof(out), &err),
			-E2BIG);
		lr_sdp_free(s);
	}
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("sdp", NULL, NULL);

	if (!s)
		return;
	LR_ADD_TEST(s, test_chromium_offer);
	LR_ADD_TEST(s, test_webrtcbin_offer);
	LR_ADD_TEST(s, test_candidates);
	LR_ADD_TEST(s, test_errors_name_the_line);
	LR_ADD_TEST(s, test_limits_and_unknown);
	LR_ADD_TEST(s, test_all_fixtures);
	LR_ADD_TEST(s, test_trickle_candidates);
	LR_ADD_TEST(s, test_answer_chromium);
	LR_ADD_TEST(s, test_answer_sfu_flags);
	LR_ADD_TEST(s, test_answer_webrtcbin);
	LR_ADD_TEST(s, test_answer_rules);
	sdp_attrs_add_tests(s);
	sdp_sctp_add_tests(s);
}
