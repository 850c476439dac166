/*
 * lr_pc signalling after the first offer/answer: a track added later
 * (renegotiation in the same bundle), rollback of a local and of a
 * remote offer, an ICE restart that keeps DTLS and the keys, and
 * identity assertions from a test identity provider. Part of the
 * test_pc program.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pc_helpers.h"

/* Adding a track later: negotiationneeded, a new offer with one more
 * section in the bundle, a track event at the peer, media on it; the
 * DTLS association and keys stay. */
static void test_renegotiate_add_track(void)
{
	struct world w;
	struct wopts o = {0};
	int v;

	world_init(&w, &o);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	CU_ASSERT_EQUAL_FATAL(negotiate(&w, 0, 1), 0);
	run(&w, 5);
	CU_ASSERT_EQUAL_FATAL(lr_pc_connection_state(w.p[1].pc),
			      LR_PC_CONNECTED);
	CU_ASSERT_EQUAL(count(&w.p[1], LR_PC_EV_TRACK), 1);
	v = lr_pc_add_transceiver(w.p[0].pc, "video", LR_SDP_SENDONLY);
	record(&w, 0);
	CU_ASSERT_EQUAL(count(&w.p[0], LR_PC_EV_NEGOTIATION_NEEDED), 2);
	CU_ASSERT_EQUAL_FATAL(negotiate(&w, 0, 1), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(lr_pc_local_description(w.p[0].pc),
				      "a=group:BUNDLE 0 1"));
	run(&w, 1);
	CU_ASSERT_EQUAL(count(&w.p[1], LR_PC_EV_TRACK), 2);
	CU_ASSERT_EQUAL(lr_pc_transceiver_direction(w.p[0].pc, v),
			LR_SDP_SENDONLY);
	{
		uint8_t pl[500] = {0};
		uint32_t tag = 77;

		memcpy(pl, &tag, 4);
		CU_ASSERT_EQUAL(
			lr_pc_send_rtp(w.p[0].pc, v, -1, 0, 1, pl, sizeof(pl)),
			0);
		run(&w, 0.2);
		CU_ASSERT_EQUAL(rtp_with(&w.p[1], 1, 77, 78), 1);
	}
	CU_ASSERT_EQUAL(w.p[0].nkeys, 1);
	CU_ASSERT_EQUAL(w.p[1].nkeys, 1);
	world_free(&w);
}

/* Rollback (RFC 8829 §4.1.10.2) of a local and of a remote offer, and
 * the states the signaling machine refuses. */
static void test_rollback(void)
{
	struct world w;
	struct wopts o = {0};
	int n;

	world_init(&w, &o);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	CU_ASSERT_EQUAL(
		lr_pc_create_answer(w.p[0].pc, sdp_buf, sizeof(sdp_buf)),
		-EINVAL);
	CU_ASSERT_EQUAL(lr_pc_set_local_description(w.p[0].pc, LR_PC_ROLLBACK,
						    NULL, NULL),
			-EINVAL);
	n = lr_pc_create_offer(w.p[0].pc, sdp_buf, sizeof(sdp_buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(lr_pc_set_local_description(w.p[0].pc, LR_PC_OFFER,
						    sdp_buf, NULL),
			0);
	CU_ASSERT_EQUAL(lr_pc_signaling_state(w.p[0].pc),
			LR_PC_HAVE_LOCAL_OFFER);
	/* an answer cannot be our own next step */
	CU_ASSERT_EQUAL(lr_pc_set_local_description(w.p[0].pc, LR_PC_ANSWER,
						    sdp_buf, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(lr_pc_set_remote_description(w.p[1].pc, LR_PC_OFFER,
						     sdp_buf, NULL),
			0);
	CU_ASSERT_EQUAL(lr_pc_signaling_state(w.p[1].pc),
			LR_PC_HAVE_REMOTE_OFFER);
	CU_ASSERT_EQUAL(lr_pc_set_remote_description(w.p[1].pc, LR_PC_ROLLBACK,
						     NULL, NULL),
			0);
	CU_ASSERT_EQUAL(lr_pc_signaling_state(w.p[1].pc), LR_PC_STABLE);
	CU_ASSERT_PTR_NULL(lr_pc_remote_description(w.p[1].pc));
	CU_ASSERT_EQUAL(lr_pc_set_local_description(w.p[0].pc, LR_PC_ROLLBACK,
						    NULL, NULL),
			0);
	CU_ASSERT_EQUAL(lr_pc_signaling_state(w.p[0].pc), LR_PC_STABLE);
	CU_ASSERT_PTR_NULL(lr_pc_local_description(w.p[0].pc));
	/* junk SDP is refused with the line named */
	{
		struct lr_sdp_error e;

		CU_ASSERT_EQUAL(
			lr_pc_set_remote_description(w.p[1].pc, LR_PC_OFFER,
						     "v=0\r\nbogus\r\n", &e),
			-EINVAL);
		CU_ASSERT_EQUAL(e.lineno, 2);
	}
	/* after all that, a normal negotiation still works */
	CU_ASSERT_EQUAL(negotiate(&w, 0, 1), 0);
	run(&w, 5);
	CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[0].pc), LR_PC_CONNECTED);
	world_free(&w);
}

/* ICE restart: new credentials in the next offer, and in the answer
 * too (RFC 8839 §4.4.1.1.1: an answerer that sees the offerer restart
 * restarts; a WHIP server answers an ICE-restart PATCH with new
 * credentials, RFC 9725 §4.3.2), ICE checks again and selects a pair;
 * the DTLS association and the keys stay, and media flows after. */
static void test_ice_restart_keeps_dtls(void)
{
	struct world w;
	struct wopts o = {0};
	const char *ufrag0, *ufrag1;
	char before[64], before1[64];
	int ch;

	world_init(&w, &o);
	av_dc(&w, &ch);
	ufrag0 = strstr(lr_pc_local_description(w.p[0].pc), "a=ice-ufrag:");
	ufrag1 = strstr(lr_pc_local_description(w.p[1].pc), "a=ice-ufrag:");
	CU_ASSERT_FATAL(ufrag0 != NULL && ufrag1 != NULL);
	snprintf(before, sizeof(before), "%.20s", ufrag0);
	snprintf(before1, sizeof(before1), "%.20s", ufrag1);
	lr_pc_restart_ice(w.p[0].pc);
	record(&w, 0);
	CU_ASSERT_EQUAL(count(&w.p[0], LR_PC_EV_NEGOTIATION_NEEDED), 2);
	CU_ASSERT_EQUAL_FATAL(negotiate(&w, 0, 1), 0);
	CU_ASSERT_PTR_NULL(strstr(lr_pc_local_description(w.p[0].pc), before));
	CU_ASSERT_PTR_NULL(strstr(lr_pc_local_description(w.p[1].pc), before1));
	run(&w, 5);
	CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[0].pc), LR_PC_CONNECTED);
	CU_ASSERT_EQUAL(lr_pc_dtls_state(w.p[0].pc), LR_DTLS_CONNECTED);
	CU_ASSERT_EQUAL(w.p[0].nkeys, 1);
	CU_ASSERT_EQUAL(w.p[1].nkeys, 1);
	send_audio(&w, 0, 5, 500);
	CU_ASSERT_EQUAL(rtp_with(&w.p[1], 0, 500, 505), 5);
	CU_ASSERT_EQUAL(lr_pc_dc_send(w.p[0].pc, ch, "after", 5, 0), 0);
	run(&w, 0.5);
	CU_ASSERT_EQUAL(count(&w.p[1], LR_PC_EV_DC_MESSAGE), 1);
	world_free(&w);
}

/* A test identity provider: an assertion is "<identity>|<contents>|<mac>"
 * with a keyed checksum only this provider can make. */
static uint32_t mac(const char *who, const char *contents)
{
	uint32_t h = 0x811c9dc5u ^ 0x5eed;

	for (const char *p = who; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (const char *p = contents; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h;
}

static int idp_generate(void *ctx, const char *contents, char *out, size_t cap)
{
	const char *who = ctx;
	int n = snprintf(out, cap, "%s|%s|%08x", who, contents,
			 mac(who, contents));

	return n > 0 && (size_t)n < cap ? 0 : -ENOSPC;
}

static int idp_validate(void *ctx, const char *a, char *contents, size_t cap,
			char *who, size_t wcap)
{
	const char *p1 = strchr(a, '|'), *p2 = strrchr(a, '|');
	unsigned m;

	(void)ctx;
	if (!p1 || p2 == p1 || (size_t)(p1 - a) >= wcap ||
	    (size_t)(p2 - p1) >= cap || sscanf(p2 + 1, "%8x", &m) != 1)
		return -EINVAL;
	memcpy(who, a, (size_t)(p1 - a));
	who[p1 - a] = '\0';
	memcpy(contents, p1 + 1, (size_t)(p2 - p1 - 1));
	contents[p2 - p1 - 1] = '\0';
	return m == mac(who, contents) ? 0 : -EPERM;
}

static int idp_refuse(void *ctx, const char *contents, char *out, size_t cap)
{
	(void)ctx;
	(void)contents;
	(void)out;
	(void)cap;
	return -EACCES; /* the user is not logged in to the IdP */
}

static void test_identity(void)
{
	struct lr_pc_identity_provider alice = {idp_generate, idp_validate,
						"alice@test.example"};
	struct lr_pc_identity_provider bob = {idp_generate, idp_validate,
					      "bob@test.example"};
	struct world w;
	struct wopts o = {.idp = {&alice, &bob}};
	char *fp;
	int n;

	world_init(&w, &o);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	CU_ASSERT_EQUAL_FATAL(negotiate(&w, 0, 1), 0);
	CU_ASSERT_STRING_EQUAL(lr_pc_peer_identity(w.p[1].pc),
			       "alice@test.example");
	CU_ASSERT_STRING_EQUAL(lr_pc_peer_identity(w.p[0].pc),
			       "bob@test.example");
	record(&w, 1);
	CU_ASSERT_EQUAL(count(&w.p[1], LR_PC_EV_PEER_IDENTITY), 1);
	run(&w, 5);
	CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[0].pc), LR_PC_CONNECTED);
	world_free(&w);

	/* A valid assertion for another certificate does not cover this
	 * description's fingerprint: refused. */
	world_init(&w, &o);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	n = lr_pc_create_offer(w.p[0].pc, sdp_buf, sizeof(sdp_buf));
	CU_ASSERT_FATAL(n > 0);
	fp = strstr(sdp_buf, "a=fingerprint:sha-256 ");
	CU_ASSERT_FATAL(fp != NULL);
	{
		char other[LR_CERT_FP_MAX];

		lr_cert_fingerprint(certs[2], "sha-256", other, sizeof(other));
		memcpy(fp + 14, other, strlen(other));
	}
	CU_ASSERT_EQUAL(lr_pc_set_remote_description(w.p[1].pc, LR_PC_OFFER,
						     sdp_buf, NULL),
			-EPERM);
	CU_ASSERT_PTR_NULL(lr_pc_peer_identity(w.p[1].pc));
	CU_ASSERT_EQUAL(lr_pc_signaling_state(w.p[1].pc), LR_PC_STABLE);
	record(&w, 1);
	CU_ASSERT_EQUAL(count(&w.p[1], LR_PC_EV_IDP_VALIDATION_ERROR), 1);
	CU_ASSERT_EQUAL(count(&w.p[1], LR_PC_EV_PEER_IDENTITY), 0);
	world_free(&w);

	/* Our IdP cannot sign: createOffer fails, idpassertionerror. */
	{
		struct lr_pc_identity_provider no = {idp_refuse, idp_validate,
						     NULL};
		struct wopts o2 = {.idp = {&no, NULL}};

		world_init(&w, &o2);
		lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
		CU_ASSERT_EQUAL(
			lr_pc_create_offer(w.p[0].pc, sdp_buf, sizeof(sdp_buf)),
			-EACCES);
		record(&w, 0);
		CU_ASSERT_EQUAL(count(&w.p[0], LR_PC_EV_IDP_ASSERTION_ERROR),
				1);
		world_free(&w);
	}
}

void pc_signaling_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_renegotiate_add_track);
	LR_ADD_TEST(s, test_rollback);
	LR_ADD_TEST(s, test_ice_restart_keeps_dtls);
	LR_ADD_TEST(s, test_identity);
}
