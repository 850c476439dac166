/*
 * Data channel sections in both syntaxes (issue 13): RFC 8841's
 * "UDP/DTLS/SCTP webrtc-datachannel" + a=sctp-port, and the older
 * "DTLS/SCTP <port>" + a=sctpmap (draft-ietf-mmusic-sctp-sdp-05) that
 * aiortc 1.4 offers (tests/fixtures/sdp/aiortc-1.4.0-offer-legacy-dc.sdp).
 * Each is read (lr_sdp_sctp), answered in its own syntax, and a section
 * whose parts disagree is refused naming the line. Part of the test_sdp
 * program.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sdp_helpers.h"

#define FP                                                                     \
	"sha-256 01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:" \
	"15:16:17:18:19:1A:1B:1C:1D:1E:1F:20"

/* The transport lines every answered section of answer_opts has. */
#define TRANSPORT                                                              \
	"c=IN IP4 0.0.0.0\r\n"                                                 \
	"a=ice-ufrag:lRat\r\n"                                                 \
	"a=ice-pwd:0123456789abcdefABCDEF\r\n"                                 \
	"a=ice-options:trickle\r\n"                                            \
	"a=fingerprint:" FP "\r\n"                                             \
	"a=setup:active\r\n"

static struct lr_sdp *parse(const char *t)
{
	struct lr_sdp *s = NULL;
	struct lr_sdp_error err;

	if (lr_sdp_parse(t, strlen(t), &s, &err)) {
		printf("line %u: %s\n", err.lineno, err.msg);
		CU_FAIL("did not parse");
	}
	return s;
}

/* The SCTP reading of the only section of HEAD + section. */
static int read1(const char *section, struct lr_sdp_sctp *o)
{
	static char t[2048];
	struct lr_sdp *s;
	int rc;

	snprintf(t, sizeof(t), HEAD "%s", section);
	s = parse(t);
	if (!s)
		return -999;
	rc = lr_sdp_sctp(s, 0, o);
	lr_sdp_free(s);
	return rc;
}

static void test_read_both_syntaxes(void)
{
	struct lr_sdp *s;
	struct lr_sdp_sctp o;

	/* RFC 8841 as Chromium writes it */
	roundtrip("chromium-156-offer-av-dc.sdp", &s);
	CU_ASSERT_EQUAL(lr_sdp_sctp(s, 2, &o), 0);
	CU_ASSERT_EQUAL(o.legacy, 0);
	CU_ASSERT_EQUAL(o.port, 5000);
	CU_ASSERT_EQUAL(o.streams, 0);
	CU_ASSERT_EQUAL(lr_sdp_sctp(s, 0, &o), -ENOENT); /* audio */
	CU_ASSERT_EQUAL(lr_sdp_sctp(s, 3, &o), -ENOENT); /* none */
	CU_ASSERT_EQUAL(lr_sdp_sctp(s, -1, &o), -ENOENT);
	lr_sdp_free(s);
	/* the older syntax as aiortc 1.4 writes it */
	roundtrip("aiortc-1.4.0-offer-legacy-dc.sdp", &s);
	CU_ASSERT_EQUAL(lr_sdp_sctp(s, 1, &o), 0);
	CU_ASSERT_EQUAL(o.legacy, 1);
	CU_ASSERT_EQUAL(o.port, 5000);
	CU_ASSERT_EQUAL(o.streams, 65535);
	lr_sdp_free(s);

	/* RFC 8841: a=sctp-port, 5000 without it (§5.2), TCP too */
	CU_ASSERT_EQUAL(read1("m=application 9 UDP/DTLS/SCTP "
			      "webrtc-datachannel\r\na=sctp-port:5001\r\n",
			      &o),
			0);
	CU_ASSERT(!o.legacy && o.port == 5001);
	CU_ASSERT_EQUAL(read1("m=application 9 UDP/DTLS/SCTP "
			      "webrtc-datachannel\r\n",
			      &o),
			0);
	CU_ASSERT(!o.legacy && o.port == 5000);
	CU_ASSERT_EQUAL(read1("m=application 9 TCP/DTLS/SCTP "
			      "webrtc-datachannel\r\na=sctp-port:6000\r\n",
			      &o),
			0);
	CU_ASSERT(!o.legacy && o.port == 6000);
	/* the older one: the port is the format, a=sctpmap names it */
	CU_ASSERT_EQUAL(read1("m=application 9 DTLS/SCTP 5001\r\n"
			      "a=sctpmap:5001 webrtc-datachannel 1024\r\n",
			      &o),
			0);
	CU_ASSERT(o.legacy && o.port == 5001 && o.streams == 1024);
	/* streams left out, or a=sctpmap left out: the format still says
	 * the port */
	CU_ASSERT_EQUAL(read1("m=application 9 DTLS/SCTP 5002\r\n"
			      "a=sctpmap:5002 webrtc-datachannel\r\n",
			      &o),
			0);
	CU_ASSERT(o.legacy && o.port == 5002 && o.streams == 0);
	CU_ASSERT_EQUAL(read1("m=application 9 DTLS/SCTP 5003\r\n", &o), 0);
	CU_ASSERT(o.legacy && o.port == 5003 && o.streams == 0);
	/* the same port in a=sctp-port too does no harm */
	CU_ASSERT_EQUAL(read1("m=application 9 DTLS/SCTP 5004\r\n"
			      "a=sctpmap:5004 webrtc-datachannel 256\r\n"
			      "a=sctp-port:5004\r\n",
			      &o),
			0);
	CU_ASSERT(o.legacy && o.port == 5004 && o.streams == 256);
	/* the mix our answers were before issue 13: RFC 8841's format, so
	 * RFC 8841's reading whatever the proto */
	CU_ASSERT_EQUAL(read1("m=application 9 DTLS/SCTP webrtc-datachannel\r\n"
			      "a=sctp-port:5005\r\n",
			      &o),
			0);
	CU_ASSERT(!o.legacy && o.port == 5005);

	/* not data channels */
	CU_ASSERT_EQUAL(read1("m=application 9 UDP/DTLS/SCTP t38\r\n", &o),
			-ENOENT);
	CU_ASSERT_EQUAL(read1("m=application 9 DTLS/SCTP 5000\r\n"
			      "a=sctpmap:5000 other-usage 16\r\n",
			      &o),
			-ENOENT);
	CU_ASSERT_EQUAL(read1("m=application 9 DTLS/SCTP 5000\r\n"
			      "a=sctpmap:5000 webrtc-datachannelx 16\r\n",
			      &o),
			-ENOENT);
	CU_ASSERT_EQUAL(read1("m=application 9 UDP/BFCP *\r\n", &o), -ENOENT);
	CU_ASSERT_EQUAL(read1("m=application 9 DTLS/SCTP 70000\r\n", &o),
			-ENOENT);
	/* SCTP port 0: nothing to connect to (our own rejections of a
	 * format we cannot name say "0") */
	CU_ASSERT_EQUAL(read1("m=application 0 UDP/DTLS/SCTP 0\r\n", &o),
			-ENOENT);
	CU_ASSERT_EQUAL(read1("m=application 9 DTLS/SCTP 0\r\n"
			      "a=sctpmap:0 webrtc-datachannel 1024\r\n",
			      &o),
			-ENOENT);
	CU_ASSERT_EQUAL(read1("m=audio 9 DTLS/SCTP 5000\r\n", &o), -ENOENT);
}

/* A section that says two things of its SCTP port is refused, naming
 * the line and why; so is an a=sctpmap off its grammar. */
static void test_disagreeing_sections_refused(void)
{
	expect_error(HEAD "m=application 9 DTLS/SCTP 5000\r\n"
			  "a=mid:0\r\n"
			  "a=sctpmap:5001 webrtc-datachannel 1024\r\n",
		     7, "no a=sctpmap for the SCTP port");
	expect_error(HEAD "m=application 9 DTLS/SCTP 5000\r\n"
			  "a=sctpmap:5000 webrtc-datachannel 1024\r\n"
			  "a=sctp-port:5001\r\n",
		     7, "a=sctp-port differs");
	expect_error(HEAD "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
			  "a=sctp-port:5000\r\n"
			  "a=sctp-port:5001\r\n",
		     7, "given twice");
	/* the error is found in a section that is not the last one too */
	expect_error(HEAD "m=application 9 DTLS/SCTP 5000\r\n"
			  "a=sctp-port:6000\r\n"
			  "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n",
		     6, "a=sctp-port differs");
	/* grammar: <port> <usage> [<streams>], numbers to 65535 */
	static const char *const bad[] = {
		"a=sctpmap:abc webrtc-datachannel 1024\r\n",
		"a=sctpmap:5000\r\n",
		"a=sctpmap:5000 \r\n",
		"a=sctpmap:5000 webrtc-datachannel x\r\n",
		"a=sctpmap:5000 webrtc-datachannel 70000\r\n",
		"a=sctpmap:70000 webrtc-datachannel 1024\r\n",
		"a=sctpmap:5000 webrtc-datachannel 1024 9\r\n",
		"a=sctpmap\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char t[512];

		snprintf(t, sizeof(t),
			 HEAD "m=application 9 DTLS/SCTP 5000\r\n%s", bad[i]);
		expect_error(t, 6,
			     i == sizeof(bad) / sizeof(*bad) - 1
				     ? "missing value"
				     : "sctpmap needs");
	}
}

/* The whole answer text of offer with opts; returns where its first
 * m=application line starts. */
static const char *answer_text(const struct lr_sdp *offer,
			       const struct lr_sdp_answer_opts *o)
{
	static char buf[16384];
	struct lr_sdp_error err;
	int n = lr_sdp_answer(offer, o, buf, sizeof(buf), &err);
	const char *m;

	CU_ASSERT_FATAL(n > 0);
	m = strstr(buf, "m=application");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	lr_sdp_free(answer(offer, o)); /* and it parses back */
	return m;
}

/* aiortc's offer in the older syntax is answered in it: our port as the
 * format, a=sctpmap with it and our streams, no a=sctp-port. */
static void test_answer_legacy_offer(void)
{
	struct lr_sdp *s, *a;
	struct lr_sdp_sctp o;
	struct lr_sdp_answer_opts opts = answer_opts;

	roundtrip("aiortc-1.4.0-offer-legacy-dc.sdp", &s);
	CU_ASSERT_STRING_EQUAL(answer_text(s, &answer_opts),
			       "m=application 9 DTLS/SCTP 5000\r\n" TRANSPORT
			       "a=mid:1\r\n"
			       "a=sctpmap:5000 webrtc-datachannel 1024\r\n"
			       "a=max-message-size:262144\r\n");
	a = answer(s, &answer_opts);
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, -1, "group", 0), "BUNDLE 0 1");
	CU_ASSERT_EQUAL(lr_sdp_sctp(a, 1, &o), 0);
	CU_ASSERT(o.legacy && o.port == 5000 && o.streams == 1024);
	lr_sdp_free(a);
	/* what the caller says it runs is what is written */
	opts.sctp_port = 5010;
	opts.sctp_streams = 256;
	opts.max_message_size = 65536;
	CU_ASSERT_STRING_EQUAL(answer_text(s, &opts),
			       "m=application 9 DTLS/SCTP 5010\r\n" TRANSPORT
			       "a=mid:1\r\n"
			       "a=sctpmap:5010 webrtc-datachannel 256\r\n"
			       "a=max-message-size:65536\r\n");
	lr_sdp_free(s);
	/* our port, not the offerer's, whatever it offers */
	s = parse(HEAD "a=group:BUNDLE d\r\n"
		       "m=application 9 DTLS/SCTP 5001\r\n"
		       "a=mid:d\r\n"
		       "a=sctpmap:5001 webrtc-datachannel 65535\r\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(answer_text(s, &answer_opts),
			       "m=application 9 DTLS/SCTP 5000\r\n" TRANSPORT
			       "a=mid:d\r\n"
			       "a=sctpmap:5000 webrtc-datachannel 1024\r\n"
			       "a=max-message-size:262144\r\n");
	lr_sdp_free(s);
}

/* An RFC 8841 offer is answered exactly as before issue 13. */
static void test_answer_rfc8841_offer_unchanged(void)
{
	struct lr_sdp *s;
	struct lr_sdp_answer_opts opts = answer_opts;

	roundtrip("chromium-156-offer-av-dc.sdp", &s);
	CU_ASSERT_STRING_EQUAL(
		answer_text(s, &answer_opts),
		"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" TRANSPORT
		"a=mid:2\r\n"
		"a=sctp-port:5000\r\n"
		"a=max-message-size:262144\r\n");
	opts.sctp_port = 5010;
	CU_ASSERT_PTR_NOT_NULL(
		strstr(answer_text(s, &opts), "\r\na=sctp-port:5010\r\n"));
	lr_sdp_free(s);
	/* webrtcbin's too (its offer has no a=sctp-port) */
	roundtrip("webrtcbin-1.22-offer.sdp", &s);
	CU_ASSERT_PTR_NOT_NULL(strstr(answer_text(s, &answer_opts),
				      "m=application 9 UDP/DTLS/SCTP "
				      "webrtc-datachannel\r\n"));
	CU_ASSERT_PTR_NULL(strstr(answer_text(s, &answer_opts), "sctpmap"));
	lr_sdp_free(s);
}

/* A section of another SCTP usage is rejected (port 0) and left out of
 * the bundle, as any section we cannot take. */
static void test_answer_other_usage_rejected(void)
{
	struct lr_sdp *s, *a;

	s = parse(HEAD "a=group:BUNDLE a d\r\n"
		       "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:a\r\n"
		       "a=rtcp-mux\r\n"
		       "m=application 9 DTLS/SCTP 5000\r\na=mid:d\r\n"
		       "a=sctpmap:5000 t38 16\r\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	a = answer(s, &answer_opts);
	CU_ASSERT_EQUAL(a->media[1].port, 0);
	CU_ASSERT_STRING_EQUAL(a->media[1].fmt, "5000");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, -1, "group", 0), "BUNDLE a");
	lr_sdp_free(a);
	lr_sdp_free(s);
}

void sdp_sctp_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_read_both_syntaxes);
	LR_ADD_TEST(s, test_disagreeing_sections_refused);
	LR_ADD_TEST(s, test_answer_legacy_offer);
	LR_ADD_TEST(s, test_answer_rfc8841_offer_unchanged);
	LR_ADD_TEST(s, test_answer_other_usage_rejected);
}
