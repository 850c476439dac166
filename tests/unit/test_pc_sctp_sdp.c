/*
 * lr_pc with data channel sections in both syntaxes (issue 13): an
 * offer in the older syntax ("DTLS/SCTP <port>" + a=sctpmap, as aiortc
 * 1.4 sends) is answered in it and the channel carries messages both
 * ways; an answer in it is taken too. The remote SCTP port is read from
 * either syntax, offer and answer, and is the port lr_sctp is given
 * (white-box: pc_internal.h). A section that contradicts itself is
 * refused with its line and changes nothing. Part of the test_pc
 * program; the real peer that offers this syntax is aiortc, in
 * tests/interop (interop_pc_aiortc_*).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_helpers.h"
#include "pc_internal.h"
#include "pc_tests.h"

/* Rewrite the data channel section of an lr_pc description: with
 * legacy, into the older syntax on port (a=sctpmap with usage and 65535
 * streams for its a=sctp-port or a=sctpmap); else RFC 8841's with
 * a=sctp-port:port. */
static void data_syntax(char *sdp, int legacy, unsigned port, const char *usage)
{
	static char out[sizeof(sdp_buf)];
	const char *p = sdp;
	size_t n = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) + 1 : strlen(p);

		CU_ASSERT_FATAL(n + len + 64 < sizeof(out));
		if (!strncmp(p, "m=application ", 14))
			n += (size_t)snprintf(
				out + n, sizeof(out) - n,
				legacy ? "m=application 9 DTLS/SCTP %u\r\n"
				       : "m=application 9 UDP/DTLS/SCTP "
					 "webrtc-datachannel\r\n",
				port);
		else if ((!strncmp(p, "a=sctp-port:", 12) ||
			  !strncmp(p, "a=sctpmap:", 10)) &&
			 legacy)
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      "a=sctpmap:%u %s 65535\r\n", port,
					      usage);
		else if (!strncmp(p, "a=sctp-port:", 12))
			n += (size_t)snprintf(out + n, sizeof(out) - n,
					      "a=sctp-port:%u\r\n", port);
		else {
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
	}
	out[n] = '\0';
	memcpy(sdp, out, n + 1);
}

static int has(const char *sdp, const char *line)
{
	return strstr(sdp, line) != NULL;
}

/* p[0] offers a channel; its offer reaches p[1] in the syntax and port
 * asked (offer_port 0: as p[0] wrote it), and p[1]'s answer reaches
 * p[0] likewise. Returns p[1]'s answer as written in sdp_buf's copy. */
static void offer_answer(struct world *w, int legacy, unsigned offer_port,
			 unsigned answer_port, char *answer, size_t cap)
{
	CU_ASSERT_FATAL(
		lr_pc_create_offer(w->p[0].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w->p[0].pc, LR_PC_OFFER, sdp_buf, NULL),
			      0);
	/* our own offers stay RFC 8841's */
	CU_ASSERT(has(sdp_buf, "m=application 9 UDP/DTLS/SCTP "
			       "webrtc-datachannel\r\n"));
	CU_ASSERT(has(sdp_buf, "\r\na=sctp-port:5000\r\n"));
	if (legacy || offer_port)
		data_syntax(sdp_buf, legacy, offer_port ? offer_port : 5000,
			    "webrtc-datachannel");
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w->p[1].pc, LR_PC_OFFER, sdp_buf, NULL),
			      0);
	CU_ASSERT_FATAL(
		lr_pc_create_answer(w->p[1].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w->p[1].pc, LR_PC_ANSWER, sdp_buf, NULL),
			      0);
	CU_ASSERT_FATAL(strlen(sdp_buf) < cap);
	memcpy(answer, sdp_buf, strlen(sdp_buf) + 1);
	if (answer_port)
		data_syntax(sdp_buf, legacy, answer_port, "webrtc-datachannel");
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w->p[0].pc, LR_PC_ANSWER, sdp_buf, NULL),
			      0);
}

static unsigned messages(const struct peer *p)
{
	return count(p, LR_PC_EV_DC_MESSAGE);
}

/* The older syntax both ways: p[1] answers an offer in it in it (the
 * issue's answer was RFC 8841's format with a=sctp-port, refused by a
 * legacy parser), p[0] takes an answer in it, and the channel carries
 * messages both ways. */
static void test_legacy_offer_answered_in_kind(void)
{
	struct world w;
	struct wopts o = {.seed = 41};
	static char answer[sizeof(sdp_buf)];
	int ch, pch = -1;

	world_init(&w, &o);
	ch = lr_pc_create_data_channel(w.p[0].pc, "chat", NULL);
	CU_ASSERT_FATAL(ch >= 0);
	offer_answer(&w, 1, 0, 0, answer, sizeof(answer));
	CU_ASSERT(has(answer, "\r\nm=application 9 DTLS/SCTP 5000\r\n"));
	CU_ASSERT(
		has(answer, "\r\na=sctpmap:5000 webrtc-datachannel 1024\r\n"));
	CU_ASSERT(!has(answer, "a=sctp-port"));
	CU_ASSERT(!has(answer, "webrtc-datachannel\r\n"));
	CU_ASSERT(has(answer, "\r\na=max-message-size:"));
	run(&w, 5);
	CU_ASSERT_EQUAL(w.p[0].pc->remote_sctp_port, 5000);
	CU_ASSERT_EQUAL(w.p[1].pc->remote_sctp_port, 5000);
	for (unsigned i = 0; i < w.p[1].n; i++)
		if (w.p[1].r[i].type == LR_PC_EV_DATA_CHANNEL)
			pch = w.p[1].r[i].channel;
	CU_ASSERT_FATAL(pch >= 0);
	CU_ASSERT_EQUAL(lr_pc_dc_state(w.p[0].pc, ch), LR_DC_OPEN);
	CU_ASSERT_EQUAL(lr_pc_dc_state(w.p[1].pc, pch), LR_DC_OPEN);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(lr_pc_dc_send(w.p[0].pc, ch, "to 1", 4, 0), 0);
		CU_ASSERT_EQUAL(lr_pc_dc_send(w.p[1].pc, pch, "to 0", 4, 0), 0);
	}
	run(&w, 1);
	CU_ASSERT_EQUAL(messages(&w.p[1]), 3);
	CU_ASSERT_EQUAL(messages(&w.p[0]), 3);
	world_free(&w);
}

/* The remote SCTP port, read from each syntax, from the offer (p[1]) and
 * from the answer (p[0]), is the port lr_sctp connects to: both ends
 * really listen on 5000, so with any other the association never comes
 * up (before issue 13 the older syntax was read as 5000 whatever it
 * said). */
static void check_ports_reach_sctp(int legacy)
{
	struct world w;
	struct wopts o = {.seed = 42};
	static char answer[sizeof(sdp_buf)];

	world_init(&w, &o);
	CU_ASSERT_FATAL(lr_pc_create_data_channel(w.p[0].pc, "x", NULL) >= 0);
	offer_answer(&w, legacy, 5001, 5002, answer, sizeof(answer));
	CU_ASSERT_EQUAL(w.p[1].pc->remote_sctp_port, 5001);
	CU_ASSERT_EQUAL(w.p[0].pc->remote_sctp_port, 5002);
	/* our port in our answer, in the offer's syntax */
	CU_ASSERT(has(answer, legacy ? "\r\nm=application 9 DTLS/SCTP 5000\r\n"
				     : "\r\na=sctp-port:5000\r\n"));
	run(&w, 5);
	CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[0].pc), LR_PC_CONNECTED);
	CU_ASSERT_EQUAL(count(&w.p[1], LR_PC_EV_DATA_CHANNEL), 0);
	CU_ASSERT_EQUAL(count(&w.p[0], LR_PC_EV_DC_OPEN), 0);
	world_free(&w);
}

static void test_remote_port_legacy(void)
{
	check_ports_reach_sctp(1);
}

static void test_remote_port_rfc8841(void)
{
	check_ports_reach_sctp(0);
}

/* An offer whose a=sctpmap names another port than its format is
 * refused with the line and the reason, and leaves p[1] as it was: the
 * right offer is then taken and the session connects. */
static void test_contradicting_offer_refused(void)
{
	struct world w;
	struct wopts o = {.seed = 43};
	struct lr_sdp_error e = {0};
	static char good[sizeof(sdp_buf)];
	char *map;
	int ch;

	world_init(&w, &o);
	ch = lr_pc_create_data_channel(w.p[0].pc, "chat", NULL);
	CU_ASSERT_FATAL(
		lr_pc_create_offer(w.p[0].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w.p[0].pc, LR_PC_OFFER, sdp_buf, NULL),
			      0);
	data_syntax(sdp_buf, 1, 5000, "webrtc-datachannel");
	memcpy(good, sdp_buf, sizeof(good));
	map = strstr(sdp_buf, "a=sctpmap:5000");
	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	map[13] = '1'; /* a=sctpmap:5001 for "DTLS/SCTP 5000" */
	CU_ASSERT_EQUAL(lr_pc_set_remote_description(w.p[1].pc, LR_PC_OFFER,
						     sdp_buf, &e),
			-EINVAL);
	CU_ASSERT(e.lineno > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "no a=sctpmap for the SCTP port"));
	CU_ASSERT_EQUAL(lr_pc_signaling_state(w.p[1].pc), LR_PC_STABLE);
	CU_ASSERT_PTR_NULL(lr_pc_remote_description(w.p[1].pc));
	CU_ASSERT_EQUAL(
		lr_pc_set_remote_description(w.p[1].pc, LR_PC_OFFER, good, &e),
		0);
	CU_ASSERT_FATAL(
		lr_pc_create_answer(w.p[1].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_EQUAL(lr_pc_set_local_description(w.p[1].pc, LR_PC_ANSWER,
						    sdp_buf, NULL),
			0);
	CU_ASSERT_EQUAL(lr_pc_set_remote_description(w.p[0].pc, LR_PC_ANSWER,
						     sdp_buf, NULL),
			0);
	run(&w, 5);
	CU_ASSERT_EQUAL(lr_pc_dc_state(w.p[0].pc, ch), LR_DC_OPEN);
	world_free(&w);
}

/* An answer whose application section is another usage of SCTP (not
 * webrtc-datachannel) gives no data channel transport, and nothing
 * else breaks. */
static void test_answer_other_usage(void)
{
	struct world w;
	struct wopts o = {.seed = 44};
	static char answer[sizeof(sdp_buf)];

	world_init(&w, &o);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	CU_ASSERT_FATAL(lr_pc_create_data_channel(w.p[0].pc, "x", NULL) >= 0);
	CU_ASSERT_FATAL(
		lr_pc_create_offer(w.p[0].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w.p[0].pc, LR_PC_OFFER, sdp_buf, NULL),
			      0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w.p[1].pc, LR_PC_OFFER, sdp_buf, NULL),
			      0);
	CU_ASSERT_FATAL(
		lr_pc_create_answer(w.p[1].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w.p[1].pc, LR_PC_ANSWER, sdp_buf, NULL),
			      0);
	memcpy(answer, sdp_buf, sizeof(answer));
	data_syntax(answer, 1, 5000, "t38");
	CU_ASSERT_EQUAL(lr_pc_set_remote_description(w.p[0].pc, LR_PC_ANSWER,
						     answer, NULL),
			0);
	CU_ASSERT_EQUAL(w.p[0].pc->data_mline, -1);
	run(&w, 5);
	CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[0].pc), LR_PC_CONNECTED);
	CU_ASSERT_PTR_NULL(w.p[0].pc->sctp);
	CU_ASSERT_EQUAL(count(&w.p[0], LR_PC_EV_DC_OPEN), 0);
	world_free(&w);
}

void pc_sctp_sdp_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_legacy_offer_answered_in_kind);
	LR_ADD_TEST(s, test_remote_port_legacy);
	LR_ADD_TEST(s, test_remote_port_rfc8841);
	LR_ADD_TEST(s, test_contradicting_offer_refused);
	LR_ADD_TEST(s, test_answer_other_usage);
}
