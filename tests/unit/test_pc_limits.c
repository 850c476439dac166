/*
 * What lr_pc requires of a remote description for its DTLS transport,
 * and what it accepts on it (issue 12): a description without
 * a=fingerprint is refused, offer and answer (RFC 8829 §5.8: at least
 * one fingerprint, at media or session level; RFC 8842 §5), and a
 * session-level one is enough; sha-512 and sha-384 fingerprints in SDP
 * (RFC 8122 §5), right and wrong; our max_message_size enforced on what
 * the peer sends (RFC 8841 §6.1, RFC 8831 §6.6). Part of the test_pc
 * program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_helpers.h"
#include "pc_tests.h"

/* Every "a=fingerprint:" line of sdp gets value (NULL: is removed); with
 * at_session, one "a=fingerprint:value" goes after the t= line too. */
static void set_fingerprints(char *sdp, const char *value, int at_session)
{
	static char out[sizeof(sdp_buf)];
	const char *p = sdp;
	size_t n = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) + 1 : strlen(p);

		if (!strncmp(p, "a=fingerprint:", 14)) {
			if (value)
				n += (size_t)snprintf(out + n, sizeof(out) - n,
						      "a=fingerprint:%s\r\n",
						      value);
		} else {
			CU_ASSERT_FATAL(n + len < sizeof(out));
			memcpy(out + n, p, len);
			n += len;
			if (at_session && !strncmp(p, "t=", 2))
				n += (size_t)snprintf(out + n, sizeof(out) - n,
						      "a=fingerprint:%s\r\n",
						      value);
		}
		p += len;
	}
	out[n] = '\0';
	memcpy(sdp, out, n + 1);
}

static int has_fingerprint(const char *sdp)
{
	return strstr(sdp, "a=fingerprint:") != NULL;
}

/* Issue 12's acceptance list: a remote description without
 * a=fingerprint (session or media level) is refused by
 * lr_pc_set_remote_description, with a reason, and changes nothing: the
 * offer, then the answer; the right ones are then taken and the
 * session connects. */
static void test_no_fingerprint_refused(void)
{
	static char offer[16384], answer[16384];
	struct world w;
	struct wopts o = {.seed = 31};
	struct lr_sdp_error err;

	world_init(&w, &o);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	CU_ASSERT_FATAL(lr_pc_create_offer(w.p[0].pc, offer, sizeof(offer)) >
			0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w.p[0].pc, LR_PC_OFFER, offer, NULL),
			      0);
	snprintf(sdp_buf, sizeof(sdp_buf), "%s", offer);
	set_fingerprints(sdp_buf, NULL, 0);
	CU_ASSERT_FATAL(!has_fingerprint(sdp_buf));
	memset(&err, 0, sizeof(err));
	CU_ASSERT_EQUAL(lr_pc_set_remote_description(w.p[1].pc, LR_PC_OFFER,
						     sdp_buf, &err),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "fingerprint"));
	CU_ASSERT_EQUAL(lr_pc_signaling_state(w.p[1].pc), LR_PC_STABLE);
	CU_ASSERT_PTR_NULL(lr_pc_remote_description(w.p[1].pc));

	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w.p[1].pc, LR_PC_OFFER, offer, NULL),
			      0);
	CU_ASSERT_FATAL(lr_pc_create_answer(w.p[1].pc, answer, sizeof(answer)) >
			0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w.p[1].pc, LR_PC_ANSWER, answer, NULL),
			      0);
	snprintf(sdp_buf, sizeof(sdp_buf), "%s", answer);
	set_fingerprints(sdp_buf, NULL, 0);
	memset(&err, 0, sizeof(err));
	CU_ASSERT_EQUAL(lr_pc_set_remote_description(w.p[0].pc, LR_PC_ANSWER,
						     sdp_buf, &err),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "fingerprint"));
	CU_ASSERT_EQUAL(lr_pc_signaling_state(w.p[0].pc),
			LR_PC_HAVE_LOCAL_OFFER);
	CU_ASSERT_EQUAL(lr_pc_dtls_state(w.p[0].pc), LR_DTLS_NEW);

	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w.p[0].pc, LR_PC_ANSWER, answer, NULL),
			      0);
	run(&w, 5);
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[i].pc),
				LR_PC_CONNECTED);
	world_free(&w);
}

/* Offer from p[0] whose fingerprint lines say `fp` (at session level
 * only with at_session), answer from p[1]; then run. */
static void negotiate_with_fingerprint(struct world *w, const char *fp,
				       int at_session)
{
	CU_ASSERT_FATAL(
		lr_pc_create_offer(w->p[0].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w->p[0].pc, LR_PC_OFFER, sdp_buf, NULL),
			      0);
	set_fingerprints(sdp_buf, at_session ? NULL : fp, 0);
	if (at_session)
		set_fingerprints(sdp_buf, fp, 1);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w->p[1].pc, LR_PC_OFFER, sdp_buf, NULL),
			      0);
	CU_ASSERT_FATAL(
		lr_pc_create_answer(w->p[1].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w->p[1].pc, LR_PC_ANSWER, sdp_buf, NULL),
			      0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w->p[0].pc, LR_PC_ANSWER, sdp_buf, NULL),
			      0);
	run(w, 5);
}

/* Issue 12's acceptance list (sha-384 and sha-512): the offerer's
 * certificate signalled with sha-512 at media level, and with sha-384 at
 * session level only: the answerer (the DTLS client) checks it with that
 * hash and connects. A sha-384 fingerprint of another certificate: the
 * handshake fails on the fingerprint. */
static void test_fingerprint_hashes_in_sdp(void)
{
	char fp[LR_CERT_FP_MAX];
	struct world w;

	for (int k = 0; k < 2; k++) {
		struct wopts o = {.seed = 32 + (uint64_t)k};

		CU_ASSERT_FATAL(lr_cert_fingerprint(certs[0],
						    k ? "sha-384" : "sha-512",
						    fp, sizeof(fp)) > 0);
		world_init(&w, &o);
		lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
		negotiate_with_fingerprint(&w, fp, k);
		for (int i = 0; i < 2; i++)
			CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[i].pc),
					LR_PC_CONNECTED);
		world_free(&w);
	}
	{
		struct wopts o = {.seed = 34};

		CU_ASSERT_FATAL(lr_cert_fingerprint(certs[2], "sha-384", fp,
						    sizeof(fp)) > 0);
		world_init(&w, &o);
		lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
		negotiate_with_fingerprint(&w, fp, 0);
		CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[1].pc),
				LR_PC_FAILED);
		CU_ASSERT_EQUAL(w.p[0].nkeys + w.p[1].nkeys, 0);
		CU_ASSERT(lr_pc_get_stats(w.p[1].pc, sdp_buf, sizeof(sdp_buf)) >
			  0);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(sdp_buf, "\"linerateFingerprintMismatches\":1"));
		world_free(&w);
	}
}

/* p[1]'s handle of the channel labelled label, or -1. */
static int peer_channel(struct world *w, const char *label)
{
	for (unsigned i = 0; i < w->p[1].n; i++) {
		const struct rec *r = &w->p[1].r[i];

		if (r->type == LR_PC_EV_DATA_CHANNEL &&
		    !strcmp(lr_pc_dc_label(w->p[1].pc, r->channel), label))
			return r->channel;
	}
	return -1;
}

static unsigned on_channel(const struct peer *p, enum lr_pc_ev_type t, int ch)
{
	unsigned c = 0;

	for (unsigned i = 0; i < p->n; i++)
		c += p->r[i].type == t && p->r[i].channel == ch;
	return c;
}

/* Issue 12: max_message_size was advertised but not enforced on
 * receive. p[0] accepts 64 KiB (lr_pc_config.max_message_size) and says
 * so in its offer; the offer reaches p[1] saying 1 MiB (as if p[1]
 * ignored it). p[1] sends 64 KiB + 1 on channel "a": p[0] drops it
 * (counted), fires error, and closes "a" (both sides see it close);
 * 64 KiB on channel "b" arrive whole and "b" goes on. */
static void test_max_message_size_enforced(void)
{
	enum {
		MMS = 65536
	};
	struct world w;
	struct wopts o = {.seed = 35};
	struct lr_pc_config c = {
		.cert = certs[0], .nlocal = 1, .max_message_size = MMS};
	uint8_t *buf = malloc(MMS + 1);
	char *mms;
	int a, b, pa, pb;

	CU_ASSERT_FATAL(buf != NULL);
	lr_test_fill(buf, MMS + 1);
	world_init(&w, &o);
	lr_pc_free(w.p[0].pc);
	c.local = &w.p[0].addr;
	c.rand = lr_sim_drbg_rand(&w.p[0].drbg);
	CU_ASSERT_EQUAL_FATAL(lr_pc_new(&c, lr_sim_now(w.sim), &w.p[0].pc), 0);
	a = lr_pc_create_data_channel(w.p[0].pc, "a", NULL);
	b = lr_pc_create_data_channel(w.p[0].pc, "b", NULL);
	CU_ASSERT_FATAL(
		lr_pc_create_offer(w.p[0].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w.p[0].pc, LR_PC_OFFER, sdp_buf, NULL),
			      0);
	mms = strstr(sdp_buf, "a=max-message-size:65536\r\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mms);
	memcpy(mms + 19, "99999", 5); /* 65536 -> 99999: above 64 KiB + 1 */
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w.p[1].pc, LR_PC_OFFER, sdp_buf, NULL),
			      0);
	CU_ASSERT_FATAL(
		lr_pc_create_answer(w.p[1].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_local_description(
				      w.p[1].pc, LR_PC_ANSWER, sdp_buf, NULL),
			      0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_set_remote_description(
				      w.p[0].pc, LR_PC_ANSWER, sdp_buf, NULL),
			      0);
	run(&w, 5);
	pa = peer_channel(&w, "a");
	pb = peer_channel(&w, "b");
	CU_ASSERT_FATAL(pa >= 0 && pb >= 0);
	CU_ASSERT_EQUAL_FATAL(lr_pc_dc_state(w.p[1].pc, pa), LR_DC_OPEN);
	CU_ASSERT_EQUAL(lr_pc_dc_send(w.p[1].pc, pa, buf, MMS + 1, 1), 0);
	CU_ASSERT_EQUAL(lr_pc_dc_send(w.p[1].pc, pb, buf, MMS, 1), 0);
	run(&w, 2);
	CU_ASSERT_EQUAL(on_channel(&w.p[0], LR_PC_EV_DC_MESSAGE, a), 0);
	CU_ASSERT_EQUAL(on_channel(&w.p[0], LR_PC_EV_DC_ERROR, a), 1);
	CU_ASSERT_EQUAL(on_channel(&w.p[0], LR_PC_EV_DC_CLOSE, a), 1);
	CU_ASSERT_EQUAL(on_channel(&w.p[1], LR_PC_EV_DC_CLOSE, pa), 1);
	CU_ASSERT_EQUAL(lr_pc_dc_state(w.p[0].pc, a), LR_DC_CLOSED);
	CU_ASSERT_EQUAL(on_channel(&w.p[0], LR_PC_EV_DC_MESSAGE, b), 1);
	CU_ASSERT_EQUAL_FATAL(w.p[0].big_len, MMS);
	CU_ASSERT(!memcmp(w.p[0].big, buf, MMS));
	CU_ASSERT(lr_pc_get_stats(w.p[0].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(sdp_buf, "\"linerateSctpRxTooBig\":1"));
	CU_ASSERT_EQUAL(lr_pc_dc_send(w.p[1].pc, pb, "more", 4, 0), 0);
	CU_ASSERT_EQUAL(lr_pc_dc_send(w.p[0].pc, b, "back", 4, 0), 0);
	run(&w, 1);
	CU_ASSERT_EQUAL(on_channel(&w.p[0], LR_PC_EV_DC_MESSAGE, b), 2);
	CU_ASSERT_EQUAL(on_channel(&w.p[1], LR_PC_EV_DC_MESSAGE, pb), 1);
	CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[0].pc), LR_PC_CONNECTED);
	free(buf);
	world_free(&w);
}

void pc_limits_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_no_fingerprint_refused);
	LR_ADD_TEST(s, test_fingerprint_hashes_in_sdp);
	LR_ADD_TEST(s, test_max_message_size_enforced);
}
