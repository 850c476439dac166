/*
 * SDP attributes beyond the basics: a=rid (RFC 8851) and a=simulcast
 * (RFC 8853) parsed, checked and typed, simulcast as Chromium offers it
 * and declined in our answer, a=ice-lite and a=ice-options, sha-384 and
 * sha-512 fingerprints, and the errors of each naming the line. Part of
 * the test_sdp program.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sdp_helpers.h"

/* Parse text that must parse, and check it round-trips byte for byte. */
static struct lr_sdp *parse_ok(const char *t)
{
	static char out[8192];
	struct lr_sdp *s = NULL;
	struct lr_sdp_error err;
	int rc = lr_sdp_parse(t, strlen(t), &s, &err);

	CU_ASSERT_EQUAL(rc, 0);
	if (rc) {
		printf("line %u: %s\n", err.lineno, err.msg);
		return NULL;
	}
	CU_ASSERT_EQUAL(lr_sdp_write(s, out, sizeof(out)), (int)strlen(t));
	CU_ASSERT_STRING_EQUAL(out, t);
	return s;
}

/* Simulcast as Chromium offers it (RFC 8851 a=rid, RFC 8853
 * a=simulcast, RFC 5576 a=ssrc-group:SIM), and a receive side with
 * alternatives and a paused stream. Each line is found where it was
 * written, in order, survives a round trip, and reads typed. */
static const char simulcast_offer[] =
	HEAD "a=group:BUNDLE 0 1\r\n"
	     "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
	     "a=mid:0\r\n"
	     "a=sendonly\r\n"
	     "a=rtcp-mux\r\n"
	     "a=rtpmap:96 VP8/90000\r\n"
	     "a=rtpmap:97 rtx/90000\r\n"
	     "a=fmtp:97 apt=96\r\n"
	     "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
	     "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"
	     "a=rid:q send\r\n"
	     "a=rid:h send pt=96;max-width=1280;max-height=720\r\n"
	     "a=rid:f send pt=96,97;max-fps=30;max-br=2500000\r\n"
	     "a=simulcast:send q;h;f\r\n"
	     "a=ssrc-group:SIM 1111 2222 3333\r\n"
	     "a=ssrc-group:FID 1111 4444\r\n"
	     "a=ssrc:1111 cname:sim\r\n"
	     "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
	     "a=mid:1\r\n"
	     "a=recvonly\r\n"
	     "a=rtcp-mux\r\n"
	     "a=rtpmap:96 VP8/90000\r\n"
	     "a=rid:1 recv max-width=320\r\n"
	     "a=rid:2 recv depend=1\r\n"
	     "a=rid:3 recv\r\n"
	     "a=rid:4 recv\r\n"
	     "a=rid:5 send\r\n"
	     "a=simulcast:recv 1,~2;~3;4 send 5\r\n";

static void test_simulcast_rid(void)
{
	static const char *const rids0[] = {
		"q send", "h send pt=96;max-width=1280;max-height=720",
		"f send pt=96,97;max-fps=30;max-br=2500000"};
	static const char *const rids1[] = {"1 recv max-width=320",
					    "2 recv depend=1", "3 recv",
					    "4 recv", "5 send"};
	struct lr_sdp *s = parse_ok(simulcast_offer), *a;
	struct lr_sdp_rid r[LR_SDP_MAX_RIDS];
	struct lr_sdp_simulcast sc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(s->nmedia, 2);
	for (unsigned k = 0; k < 3; k++)
		CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 0, "rid", k), rids0[k]);
	CU_ASSERT_PTR_NULL(lr_sdp_attr(s, 0, "rid", 3));
	for (unsigned k = 0; k < 5; k++)
		CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 1, "rid", k), rids1[k]);
	CU_ASSERT_PTR_NULL(lr_sdp_attr(s, 1, "rid", 5));
	/* typed */
	CU_ASSERT_EQUAL_FATAL(lr_sdp_rids(s, 0, r, LR_SDP_MAX_RIDS), 3);
	CU_ASSERT_STRING_EQUAL(r[0].id, "q");
	CU_ASSERT_STRING_EQUAL(r[0].restrictions, "");
	CU_ASSERT_EQUAL(r[1].npt, 1);
	CU_ASSERT_EQUAL(r[1].pt[0], 96);
	CU_ASSERT_EQUAL(r[1].max_width, 1280);
	CU_ASSERT_EQUAL(r[1].max_height, 720);
	CU_ASSERT_EQUAL(r[2].npt, 2);
	CU_ASSERT_EQUAL(r[2].pt[1], 97);
	CU_ASSERT_EQUAL(r[2].max_br, 2500000);
	CU_ASSERT(r[2].max_fps == 30);
	CU_ASSERT_EQUAL_FATAL(lr_sdp_rids(s, 1, r, LR_SDP_MAX_RIDS), 5);
	CU_ASSERT_EQUAL(r[1].dir, LR_SDP_RID_RECV);
	CU_ASSERT_EQUAL(r[1].ndepend, 1);
	CU_ASSERT_EQUAL(strncmp(r[1].depend, "1", 2), 0);
	CU_ASSERT_EQUAL(r[4].dir, LR_SDP_RID_SEND);
	CU_ASSERT_EQUAL_FATAL(lr_sdp_simulcast(s, 1, &sc), 1);
	CU_ASSERT_EQUAL(sc.recv.nstreams, 3);
	CU_ASSERT_EQUAL_FATAL(sc.recv.nids, 4);
	CU_ASSERT(!sc.recv.ids[0].paused && sc.recv.ids[1].paused);
	CU_ASSERT(sc.recv.ids[2].paused && !sc.recv.ids[3].paused);
	CU_ASSERT_EQUAL(sc.recv.ids[1].stream, 0);
	CU_ASSERT_EQUAL(sc.recv.ids[3].stream, 2);
	CU_ASSERT_EQUAL(sc.send.nids, 1);
	CU_ASSERT_STRING_EQUAL(sc.send.ids[0].id, "5");
	CU_ASSERT_PTR_NULL(lr_sdp_attr(s, -1, "rid", 0)); /* media level */
	/* streams separated by ';', alternatives by ',', '~' paused */
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 0, "simulcast", 0), "send q;h;f");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 1, "simulcast", 0),
			       "recv 1,~2;~3;4 send 5");
	CU_ASSERT_PTR_NULL(lr_sdp_attr(s, 0, "simulcast", 1));
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 0, "ssrc-group", 0),
			       "SIM 1111 2222 3333");
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 0, "ssrc-group", 1),
			       "FID 1111 4444");
	CU_ASSERT_PTR_NULL(lr_sdp_attr(s, 1, "ssrc-group", 0));
	CU_ASSERT_EQUAL(lr_sdp_direction(s, 0), LR_SDP_SENDONLY);
	CU_ASSERT_EQUAL(lr_sdp_direction(s, 1), LR_SDP_RECVONLY);
	/* The answer does not negotiate simulcast (docs/stun-sdp-ice.md):
	 * it declines it by leaving a=rid and a=simulcast out, which makes
	 * the offerer send one stream (RFC 8853), and is valid SDP. */
	a = answer(s, &answer_opts);
	CU_ASSERT_EQUAL_FATAL(a->nmedia, 2);
	for (int m = 0; m < 2; m++) {
		CU_ASSERT_PTR_NULL(lr_sdp_attr(a, m, "rid", 0));
		CU_ASSERT_PTR_NULL(lr_sdp_attr(a, m, "simulcast", 0));
		CU_ASSERT_PTR_NULL(lr_sdp_attr(a, m, "ssrc-group", 0));
	}
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 0, "recvonly", 0), "");
	lr_sdp_free(a);
	lr_sdp_free(s);
}

/* a=ice-lite is a session-level flag (RFC 8839 §5.3), a=ice-options a
 * list of tokens (§5.6). */
static void test_ice_lite_and_options(void)
{
	const char *t = HEAD "a=ice-lite\r\n"
			     "a=ice-options:trickle ice2\r\n"
			     "a=group:BUNDLE 0\r\n"
			     "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
			     "a=mid:0\r\n"
			     "a=rtcp-mux\r\n"
			     "a=ice-ufrag:abcd\r\n"
			     "a=ice-pwd:0123456789abcdefghijkl\r\n"
			     "a=ice-options:trickle\r\n";
	struct lr_sdp *s = parse_ok(t), *a;
	struct lr_sdp_answer_opts o = answer_opts;
	const char *v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->nsession, 7);
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, -1, "ice-lite", 0), "");
	CU_ASSERT_PTR_NULL(lr_sdp_attr(s, 0, "ice-lite", 0));
	v = lr_sdp_attr(s, -1, "ice-options", 0);
	CU_ASSERT_STRING_EQUAL(v, "trickle ice2");
	CU_ASSERT_PTR_NULL(lr_sdp_attr(s, -1, "ice-options", 1));
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 0, "ice-options", 0), "trickle");
	/* "ice-options" is not a prefix match for other names */
	CU_ASSERT_PTR_NULL(lr_sdp_attr(s, -1, "ice", 0));
	/* our answer: ice-lite at session level only when asked */
	a = answer(s, &answer_opts);
	CU_ASSERT_PTR_NULL(lr_sdp_attr(a, -1, "ice-lite", 0));
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, 0, "ice-options", 0), "trickle");
	lr_sdp_free(a);
	o.ice_lite = 1;
	a = answer(s, &o);
	CU_ASSERT_STRING_EQUAL(lr_sdp_attr(a, -1, "ice-lite", 0), "");
	CU_ASSERT_PTR_NULL(lr_sdp_attr(a, 0, "ice-lite", 0));
	lr_sdp_free(a);
	lr_sdp_free(s);
}

/* "sha-NNN " and n bytes of digest: i, i+1, ... as upper-case hex. */
static void fingerprint_text(char *out, size_t cap, const char *hash,
			     unsigned n)
{
	size_t k = (size_t)snprintf(out, cap, "%s ", hash);

	for (unsigned i = 0; i < n && k + 4 < cap; i++)
		k += (size_t)snprintf(out + k, cap - k, "%s%02X", i ? ":" : "",
				      (i * 7 + 1) & 0xff);
}

/* RFC 8122 §5 with the longer hashes DTLS certificates may use. */
static void test_fingerprint_sha384_sha512(void)
{
	static const struct {
		const char *name;
		unsigned len;
	} h[] = {{"sha-384", 48}, {"sha-512", 64}, {"SHA-512", 64}};
	char v[256], sdp[1024];
	struct lr_sdp_fingerprint f;

	for (unsigned i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		struct lr_sdp *s;

		fingerprint_text(v, sizeof(v), h[i].name, h[i].len);
		CU_ASSERT_EQUAL_FATAL(lr_sdp_parse_fingerprint(v, &f), 0);
		CU_ASSERT_STRING_EQUAL(f.hash,
				       h[i].len == 48 ? "sha-384" : "sha-512");
		CU_ASSERT_EQUAL(f.len, h[i].len);
		for (unsigned k = 0; k < f.len; k++)
			CU_ASSERT_EQUAL(f.digest[k], (k * 7 + 1) & 0xff);
		/* in a description, session or media level */
		snprintf(sdp, sizeof(sdp),
			 HEAD "a=fingerprint:%s\r\n"
			      "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
			      "a=fingerprint:%s\r\n",
			 v, v);
		s = parse_ok(sdp);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, -1, "fingerprint", 0), v);
		CU_ASSERT_STRING_EQUAL(lr_sdp_attr(s, 0, "fingerprint", 0), v);
		lr_sdp_free(s);
	}
	/* lower-case hex is as good */
	CU_ASSERT_EQUAL(lr_sdp_parse_fingerprint(
				"sha-384 "
				"ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:"
				"89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:"
				"67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:"
				"45:67:89",
				&f),
			0);
	CU_ASSERT_EQUAL(f.len, 48);
	CU_ASSERT_EQUAL(f.digest[0], 0xab);
	CU_ASSERT_EQUAL(f.digest[47], 0x89);
	/* a digest of another hash's length is refused */
	fingerprint_text(v, sizeof(v), "sha-384", 32);
	CU_ASSERT_EQUAL(lr_sdp_parse_fingerprint(v, &f), -EINVAL);
	fingerprint_text(v, sizeof(v), "sha-384", 64);
	CU_ASSERT_EQUAL(lr_sdp_parse_fingerprint(v, &f), -EINVAL);
	fingerprint_text(v, sizeof(v), "sha-512", 48);
	CU_ASSERT_EQUAL(lr_sdp_parse_fingerprint(v, &f), -EINVAL);
	fingerprint_text(v, sizeof(v), "sha-512", 63);
	CU_ASSERT_EQUAL(lr_sdp_parse_fingerprint(v, &f), -EINVAL);
}

/* Malformed versions of each, at different lines: the error names the
 * line and the attribute. */
static void test_errors_new_attributes(void)
{
	char bad[1024], v[256];
	size_t n;

#define MV "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n"
	expect_error(HEAD MV "a=rid:\r\n", 7, "a=rid:");
	expect_error(HEAD MV "a=rid\r\n", 7, "missing value");
	expect_error(HEAD MV "a=rid:h send\r\na=rid: \r\n", 8, "a=rid:");
	expect_error(HEAD MV "a=simulcast:\r\n", 7, "a=simulcast:");
	expect_error(HEAD MV "a=simulcast\r\n", 7, "missing value");
	expect_error(HEAD MV "a=ssrc-group:\r\n", 7, "a=ssrc-group:");
	expect_error(HEAD MV "a=ssrc-group\r\n", 7, "missing value");
	expect_error(HEAD "a=ice-lite:yes\r\n", 5, "a=ice-lite:");
	expect_error(HEAD "a=group:BUNDLE 0\r\na=ice-lite:\r\n", 6,
		     "takes no value");
	expect_error(HEAD "a=ice-options:\r\n", 5, "a=ice-options:");
	expect_error(HEAD MV "a=ice-options\r\n", 7, "missing value");
#undef MV
	/* sha-384 with a sha-256 digest, sha-512 one byte short, a bad hex
	 * digit, a missing colon, trailing junk */
	fingerprint_text(v, sizeof(v), "sha-384", 32);
	snprintf(bad, sizeof(bad), HEAD "a=fingerprint:%s\r\n", v);
	expect_error(bad, 5, "a=fingerprint: bad fingerprint");
	fingerprint_text(v, sizeof(v), "sha-512", 63);
	snprintf(bad, sizeof(bad),
		 HEAD "m=audio 9 RTP/AVP 0\r\na=fingerprint:%s\r\n", v);
	expect_error(bad, 6, "fingerprint");
	fingerprint_text(v, sizeof(v), "sha-384", 48);
	v[8] = 'G';
	snprintf(bad, sizeof(bad), HEAD "a=fingerprint:%s\r\n", v);
	expect_error(bad, 5, "fingerprint");
	fingerprint_text(v, sizeof(v), "sha-512", 64);
	v[10] = ' ';
	snprintf(bad, sizeof(bad), HEAD "a=fingerprint:%s\r\n", v);
	expect_error(bad, 5, "fingerprint");
	fingerprint_text(v, sizeof(v), "sha-512", 64);
	n = strlen(v);
	snprintf(v + n, sizeof(v) - n, ":00");
	snprintf(bad, sizeof(bad), HEAD "a=fingerprint:%s\r\n", v);
	expect_error(bad, 5, "fingerprint");
	snprintf(bad, sizeof(bad), HEAD "a=fingerprint:sha-384\r\n");
	expect_error(bad, 5, "fingerprint");
}

/* a=rid values (RFC 8851 §10): the example of §4, then every kind of
 * restriction, then malformed ones. */
static void test_rid_parse(void)
{
	static const char *const bad[] = {
		"h sideways",
		"h@x send",
		"h",
		"h ",
		" send",
		"h send;",
		"h sendx",
		"h send pt=",
		"h send pt=96,",
		"h send pt=128",
		"h send pt=x",
		"h send pt",
		"h send max-width=abc",
		"h send max-width=-1",
		"h send max-width=4294967296",
		"h send max-width=1;max-width=2",
		"h send ;",
		"h send max-width=1;",
		"h send max-width=1;;max-height=2",
		"h send max-fps=30;pt=96",
		"h send max-bpp=1.",
		"h send max-bpp=.5",
		"h send depend=",
		"h send depend",
		"h send depend=a,",
		"h send depend=a@b",
		"h send x@y=1",
		"h send pt=96 max-width=1",
		"h send x-foo=caf\xc3\xa9",
		"h send pt=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
		"abcdefghijklmnopqrstuvwxyz0123456 send"};
	struct lr_sdp_rid r;
	const char *v;

	CU_ASSERT_EQUAL_FATAL(
		lr_sdp_parse_rid("5 send pt=99,102;max-br=64000;max-width=1280;"
				 "max-height=720;max-fps=30",
				 &r),
		0);
	CU_ASSERT_STRING_EQUAL(r.id, "5");
	CU_ASSERT_EQUAL(r.dir, LR_SDP_RID_SEND);
	CU_ASSERT_EQUAL_FATAL(r.npt, 2);
	CU_ASSERT_EQUAL(r.pt[0], 99);
	CU_ASSERT_EQUAL(r.pt[1], 102);
	CU_ASSERT_EQUAL(r.max_br, 64000);
	CU_ASSERT_EQUAL(r.max_width, 1280);
	CU_ASSERT_EQUAL(r.max_height, 720);
	CU_ASSERT(r.max_fps == 30);
	CU_ASSERT_EQUAL(r.nother, 0);
	CU_ASSERT_PTR_NULL(r.depend);
	/* valueless, fractional, depend, an unknown one whose value has a
	 * space (param-val is any printable character but ';') */
	v = "a-b_C recv max-width;max-height=180;max-fs=8160;max-pps=1000;"
	    "max-bpp=0.25;max-fps=29.97;depend=x,y;x-foo=a b;flag";
	CU_ASSERT_EQUAL_FATAL(lr_sdp_parse_rid(v, &r), 0);
	CU_ASSERT_STRING_EQUAL(r.id, "a-b_C");
	CU_ASSERT_EQUAL(r.dir, LR_SDP_RID_RECV);
	CU_ASSERT_EQUAL(r.npt, 0);
	CU_ASSERT_EQUAL(r.max_width, 0);
	CU_ASSERT_EQUAL(r.max_height, 180);
	CU_ASSERT_EQUAL(r.max_fs, 8160);
	CU_ASSERT_EQUAL(r.max_pps, 1000);
	CU_ASSERT(r.max_bpp == 0.25);
	CU_ASSERT(r.max_fps > 29.969 && r.max_fps < 29.971);
	CU_ASSERT_EQUAL(r.ndepend, 2);
	CU_ASSERT_EQUAL(strncmp(r.depend, "x,y;", 4), 0);
	CU_ASSERT_EQUAL(r.nother, 2);
	CU_ASSERT_PTR_EQUAL(r.restrictions, v + 11);
	/* a rid-id of LR_SDP_RID_ID_MAX characters */
	CU_ASSERT_EQUAL(
		lr_sdp_parse_rid("abcdefghijklmnopqrstuvwxyz012345 send", &r),
		0);
	CU_ASSERT_EQUAL(strlen(r.id), LR_SDP_RID_ID_MAX);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(lr_sdp_parse_rid(bad[i], &r), -EINVAL);
		if (lr_sdp_parse_rid(bad[i], &r) != -EINVAL)
			printf("accepted a=rid:%s\n", bad[i]);
	}
}

/* a=simulcast values (RFC 8853 §5.1): streams separated by ';', their
 * alternatives by ',', '~' paused, one send and one recv part at most. */
static void test_simulcast_parse(void)
{
	static const char *const bad[] = {"send",
					  "send ",
					  "bogus h",
					  "send h;;l",
					  "send h;",
					  "send h,",
					  "send ;h",
					  "send ~",
					  "send ~~h",
					  "send h,h",
					  "send h;h",
					  "send h recv l send m",
					  "send h send l",
					  "recv h recv l",
					  "send h recv",
					  "send h x",
					  "sendh",
					  "send h@x",
					  "",
					  "~h",
					  "send h\tl"};
	struct lr_sdp_simulcast sc;
	char v[256];
	size_t n;

	/* the example offer of RFC 8853: two streams to send, the second
	 * as 2 or 3; one to receive */
	CU_ASSERT_EQUAL_FATAL(lr_sdp_parse_simulcast("send 1;2,3 recv 4", &sc),
			      0);
	CU_ASSERT_EQUAL(sc.send.nstreams, 2);
	CU_ASSERT_EQUAL_FATAL(sc.send.nids, 3);
	CU_ASSERT_STRING_EQUAL(sc.send.ids[0].id, "1");
	CU_ASSERT_EQUAL(sc.send.ids[0].stream, 0);
	CU_ASSERT_STRING_EQUAL(sc.send.ids[1].id, "2");
	CU_ASSERT_EQUAL(sc.send.ids[1].stream, 1);
	CU_ASSERT_STRING_EQUAL(sc.send.ids[2].id, "3");
	CU_ASSERT_EQUAL(sc.send.ids[2].stream, 1);
	CU_ASSERT_EQUAL(sc.recv.nstreams, 1);
	CU_ASSERT_EQUAL_FATAL(sc.recv.nids, 1);
	CU_ASSERT_STRING_EQUAL(sc.recv.ids[0].id, "4");
	for (unsigned k = 0; k < 3; k++)
		CU_ASSERT_EQUAL(sc.send.ids[k].paused, 0);
	/* its answer: recv first */
	CU_ASSERT_EQUAL_FATAL(lr_sdp_parse_simulcast("recv 1;2 send 4", &sc),
			      0);
	CU_ASSERT_EQUAL(sc.recv.nstreams, 2);
	CU_ASSERT_EQUAL(sc.send.nstreams, 1);
	/* paused, one direction only */
	CU_ASSERT_EQUAL_FATAL(lr_sdp_parse_simulcast("recv ~a,b;~c", &sc), 0);
	CU_ASSERT_EQUAL(sc.send.nstreams, 0);
	CU_ASSERT_EQUAL(sc.send.nids, 0);
	CU_ASSERT_EQUAL_FATAL(sc.recv.nids, 3);
	CU_ASSERT_STRING_EQUAL(sc.recv.ids[0].id, "a");
	CU_ASSERT(sc.recv.ids[0].paused && !sc.recv.ids[1].paused &&
		  sc.recv.ids[2].paused);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(lr_sdp_parse_simulcast(bad[i], &sc), -EINVAL);
		if (lr_sdp_parse_simulcast(bad[i], &sc) != -EINVAL)
			printf("accepted a=simulcast:%s\n", bad[i]);
	}
	/* LR_SDP_MAX_RIDS rid-ids per direction, not one more */
	n = (size_t)snprintf(v, sizeof(v), "send r0");
	for (int k = 1; k < LR_SDP_MAX_RIDS; k++)
		n += (size_t)snprintf(v + n, sizeof(v) - n, ";r%d", k);
	CU_ASSERT_EQUAL(lr_sdp_parse_simulcast(v, &sc), 0);
	CU_ASSERT_EQUAL(sc.send.nstreams, LR_SDP_MAX_RIDS);
	snprintf(v + n, sizeof(v) - n, ",x");
	CU_ASSERT_EQUAL(lr_sdp_parse_simulcast(v, &sc), -E2BIG);
}

/* The example offer and answer of RFC 8853 as whole descriptions: they
 * parse, round-trip byte for byte and read typed per section. */
static void test_simulcast_sections(void)
{
	static const char offer[] =
		HEAD "m=video 49300 RTP/AVP 97 98 99\r\n"
		     "a=rtpmap:97 H264/90000\r\n"
		     "a=rtpmap:98 H264/90000\r\n"
		     "a=rtpmap:99 VP8/90000\r\n"
		     "a=fmtp:97 profile-level-id=42c01f;max-fs=3600;"
		     "max-mbps=108000\r\n"
		     "a=fmtp:98 profile-level-id=42c00b;max-fs=240;"
		     "max-mbps=3600\r\n"
		     "a=fmtp:99 max-fs=240; max-fr=30\r\n"
		     "a=rid:1 send pt=97;max-width=1280;max-height=720\r\n"
		     "a=rid:2 send pt=98;max-width=320;max-height=180\r\n"
		     "a=rid:3 send pt=99;max-width=320;max-height=180\r\n"
		     "a=rid:4 recv pt=97\r\n"
		     "a=simulcast:send 1;2,3 recv 4\r\n"
		     "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
		     "\r\n";
	/* the answer; its a=simulcast before an a=rid it names (the order
	 * in the section does not matter), and a section without any */
	static const char answer_t[] =
		HEAD "a=rid:session level is ignored\r\n"
		     "a=simulcast:so is this (RFC 8853 5.2)\r\n"
		     "m=video 49674 RTP/AVP 97 98\r\n"
		     "a=rtpmap:97 H264/90000\r\n"
		     "a=rtpmap:98 H264/90000\r\n"
		     "a=rid:1 recv pt=97;max-width=1280;max-height=720\r\n"
		     "a=rid:2 recv pt=98;max-width=320;max-height=180\r\n"
		     "a=simulcast:recv 1;2 send 4\r\n"
		     "a=rid:4 send pt=97\r\n"
		     "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
		     "\r\n"
		     "m=audio 9 RTP/AVP 0\r\n";
	struct lr_sdp *s = parse_ok(offer);
	struct lr_sdp_rid r[LR_SDP_MAX_RIDS];
	struct lr_sdp_simulcast sc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* fewer slots than lines: the count, cap filled */
	memset(r, 0, sizeof(r));
	CU_ASSERT_EQUAL(lr_sdp_rids(s, 0, r, 2), 4);
	CU_ASSERT_STRING_EQUAL(r[1].id, "2");
	CU_ASSERT_STRING_EQUAL(r[2].id, "");
	CU_ASSERT_EQUAL_FATAL(lr_sdp_rids(s, 0, r, LR_SDP_MAX_RIDS), 4);
	CU_ASSERT_EQUAL(r[0].dir, LR_SDP_RID_SEND);
	CU_ASSERT_EQUAL(r[0].pt[0], 97);
	CU_ASSERT_EQUAL(r[0].max_width, 1280);
	CU_ASSERT_EQUAL(r[2].pt[0], 99);
	CU_ASSERT_EQUAL(r[2].max_height, 180);
	CU_ASSERT_EQUAL(r[3].dir, LR_SDP_RID_RECV);
	CU_ASSERT_STRING_EQUAL(r[3].restrictions, "pt=97");
	CU_ASSERT_EQUAL_FATAL(lr_sdp_simulcast(s, 0, &sc), 1);
	CU_ASSERT_EQUAL(sc.send.nstreams, 2);
	CU_ASSERT_EQUAL(sc.send.nids, 3);
	CU_ASSERT_STRING_EQUAL(sc.recv.ids[0].id, "4");
	CU_ASSERT_EQUAL(lr_sdp_rids(s, 1, r, LR_SDP_MAX_RIDS), -EINVAL);
	CU_ASSERT_EQUAL(lr_sdp_rids(s, -1, r, LR_SDP_MAX_RIDS), -EINVAL);
	CU_ASSERT_EQUAL(lr_sdp_simulcast(s, 1, &sc), -EINVAL);
	lr_sdp_free(s);

	s = parse_ok(answer_t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(lr_sdp_rids(s, 0, r, LR_SDP_MAX_RIDS), 3);
	CU_ASSERT_EQUAL(r[1].dir, LR_SDP_RID_RECV);
	CU_ASSERT_EQUAL(r[1].pt[0], 98);
	CU_ASSERT_EQUAL(r[2].dir, LR_SDP_RID_SEND);
	CU_ASSERT_STRING_EQUAL(r[2].id, "4");
	CU_ASSERT_EQUAL_FATAL(lr_sdp_simulcast(s, 0, &sc), 1);
	CU_ASSERT_EQUAL(sc.recv.nstreams, 2);
	CU_ASSERT_STRING_EQUAL(sc.recv.ids[1].id, "2");
	CU_ASSERT_EQUAL(sc.recv.ids[1].stream, 1);
	CU_ASSERT_EQUAL(sc.send.nids, 1);
	CU_ASSERT_EQUAL(lr_sdp_rids(s, 1, r, LR_SDP_MAX_RIDS), 0);
	CU_ASSERT_EQUAL(lr_sdp_simulcast(s, 1, &sc), 0);
	lr_sdp_free(s);
}

/* Malformed rid/simulcast/ssrc-group lines, the rules of RFC 8853 §5.2
 * within a section, and a=ice-lite in a media section: the error names
 * the line. */
static void test_errors_simulcast(void)
{
	struct lr_sdp *s;
	struct lr_sdp_error err;
	char t[4096];
	size_t n;

#define MV  "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n"
#define MV1 "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n"
	expect_error(HEAD MV "a=rid:h sideways\r\n", 7, "a=rid: bad rid");
	expect_error(HEAD MV "a=rid:h@x send\r\n", 7, "a=rid: bad rid");
	expect_error(HEAD MV "a=rid:h send max-width=wide\r\n", 7, "RFC 8851");
	expect_error(HEAD MV "a=simulcast:send\r\n", 7,
		     "a=simulcast: bad simulcast");
	expect_error(HEAD MV "a=simulcast:bogus h\r\n", 7, "a=simulcast:");
	expect_error(HEAD MV "a=rid:h send\r\na=simulcast:send h;;l\r\n", 8,
		     "a=simulcast:");
	expect_error(HEAD MV "a=simulcast:send h recv l send m\r\n", 7,
		     "a=simulcast:");
	/* every rid-id names an a=rid line of its direction, in the same
	 * section; rid-ids are unique; one a=simulcast per section */
	expect_error(HEAD MV "a=rid:h send\r\na=simulcast:send h;l\r\n", 8,
		     "l has no a=rid:l send");
	expect_error(HEAD MV "a=rid:h recv\r\na=simulcast:send h\r\n", 8,
		     "h has no a=rid:h send");
	expect_error(HEAD MV "a=simulcast:recv ~h\r\na=rid:h send\r\n", 7,
		     "h has no a=rid:h recv");
	expect_error(HEAD MV "a=rid:h send\r\n" MV1 "a=simulcast:send h\r\n",
		     10, "RFC 8853 §5.2");
	expect_error(HEAD MV "a=rid:h send\r\na=rid:h recv\r\n", 8,
		     "defined twice");
	expect_error(HEAD MV "a=rid:h send\r\na=simulcast:send h\r\n"
			     "a=simulcast:send h\r\n",
		     9, "more than one");
	/* a section's errors come before the next section's lines */
	expect_error(HEAD MV "a=simulcast:send h\r\n" MV1 "a=setup:maybe\r\n",
		     7, "a=simulcast");
	/* ssrc-group: numeric SSRCs, SIM one at least, FID two */
	expect_error(HEAD MV "a=ssrc-group:SIM\r\n", 7, "a=ssrc-group:");
	expect_error(HEAD MV "a=ssrc-group:FID 1111\r\n", 7, "a=ssrc-group:");
	expect_error(HEAD MV "a=ssrc-group:FID 1111 x2\r\n", 7,
		     "a=ssrc-group:");
	expect_error(HEAD MV "a=ssrc-group:SIM 1 4294967296\r\n", 7,
		     "RFC 5576");
	lr_sdp_free(parse_ok(HEAD MV "a=ssrc-group:SIM 1\r\n"
				     "a=ssrc-group:FID 1 4294967295\r\n"
				     "a=ssrc-group:FEC-FR\r\n"));
	/* a=ice-lite is session-level only (RFC 8839 §5.3) */
	expect_error(HEAD MV "a=ice-lite\r\n", 7,
		     "a=ice-lite: session-level only");
	expect_error(HEAD "a=ice-lite\r\n" MV "a=rtcp-mux\r\na=ice-lite\r\n", 9,
		     "RFC 8839 §5.3");
	/* limits: LR_SDP_MAX_RIDS a=rid lines per section */
	n = (size_t)snprintf(t, sizeof(t), HEAD MV);
	for (int k = 0; k < LR_SDP_MAX_RIDS; k++)
		n += (size_t)snprintf(t + n, sizeof(t) - n,
				      "a=rid:r%d send\r\n", k);
	n += (size_t)snprintf(t + n, sizeof(t) - n, MV1 "a=rid:r send\r\n");
	s = parse_ok(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(lr_sdp_rids(s, 0, NULL, 0), LR_SDP_MAX_RIDS);
	lr_sdp_free(s);
	n = (size_t)snprintf(t, sizeof(t), HEAD MV);
	for (int k = 0; k <= LR_SDP_MAX_RIDS; k++)
		n += (size_t)snprintf(t + n, sizeof(t) - n,
				      "a=rid:r%d send\r\n", k);
	CU_ASSERT_EQUAL(lr_sdp_parse(t, n, &s, &err), -E2BIG);
	CU_ASSERT_EQUAL(err.lineno, 7 + LR_SDP_MAX_RIDS);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "a=rid"));
	/* and rid-ids per direction of a=simulcast */
	n = (size_t)snprintf(t, sizeof(t), HEAD MV "a=simulcast:recv x");
	for (int k = 0; k < LR_SDP_MAX_RIDS; k++)
		n += (size_t)snprintf(t + n, sizeof(t) - n, ";r%d", k);
	n += (size_t)snprintf(t + n, sizeof(t) - n, "\r\n");
	CU_ASSERT_EQUAL(lr_sdp_parse(t, n, &s, &err), -E2BIG);
	CU_ASSERT_EQUAL(err.lineno, 7);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "a=simulcast"));
#undef MV1
#undef MV
}

void sdp_attrs_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_simulcast_rid);
	LR_ADD_TEST(s, test_ice_lite_and_options);
	LR_ADD_TEST(s, test_fingerprint_sha384_sha512);
	LR_ADD_TEST(s, test_errors_new_attributes);
	LR_ADD_TEST(s, test_rid_parse);
	LR_ADD_TEST(s, test_simulcast_parse);
	LR_ADD_TEST(s, test_simulcast_sections);
	LR_ADD_TEST(s, test_errors_simulcast);
}
