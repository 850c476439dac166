/*
 * lr_pc: two RTCPeerConnections on the simulator (virtual clock):
 * offer/answer with audio + video + a data channel, DTLS with each
 * SRTP profile and RTP both ways through the SRTP core, fingerprint
 * mismatch, loss, a 1 MiB message and 1,000 small ones, DTMF "123#",
 * stats (the selected pair's local and remote candidates) and the
 * end-of-candidates event; unordered, maxRetransmits and
 * maxPacketLifeTime channels message by message. Renegotiation,
 * rollback, ICE restart and identity are in test_pc_signaling.c (same
 * program, same suite).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_helpers.h"
#include "pc_tests.h"

static int setup(void)
{
	for (int i = 0; i < 3; i++)
		if (lr_cert_generate(LR_CERT_ECDSA_P256, NOW_UNIX, 30,
				     100 + (uint64_t)i, &certs[i]))
			return -1;
	return 0;
}

static int teardown(void)
{
	for (int i = 0; i < 3; i++)
		lr_cert_free(certs[i]);
	return 0;
}

static const struct lr_pc_identity_provider *no_idp;

static void test_av_dc_session(void)
{
	struct world w;
	struct wopts o = {0};
	int ch;
	char stats[16384];

	world_init(&w, &o);
	av_dc(&w, &ch);
	for (int i = 0; i < 2; i++) {
		struct peer *p = &w.p[i];

		CU_ASSERT_EQUAL(lr_pc_connection_state(p->pc), LR_PC_CONNECTED);
		CU_ASSERT_EQUAL(lr_pc_signaling_state(p->pc), LR_PC_STABLE);
		CU_ASSERT(saw_state(p, LR_PC_EV_CONNECTION_STATE,
				    LR_PC_CONNECTING));
		CU_ASSERT(saw_state(p, LR_PC_EV_CONNECTION_STATE,
				    LR_PC_CONNECTED));
		CU_ASSERT(saw_state(p, LR_PC_EV_SIGNALING_STATE, LR_PC_STABLE));
		CU_ASSERT(saw_state(p, LR_PC_EV_ICE_GATHERING_STATE,
				    LR_ICE_GATHER_COMPLETE));
		CU_ASSERT(count(p, LR_PC_EV_ICE_CANDIDATE) >= 2);
		CU_ASSERT_EQUAL(count(p, LR_PC_EV_TRACK), 2);
		CU_ASSERT_EQUAL(p->nkeys, 1);
		CU_ASSERT_EQUAL(lr_pc_transceiver_direction(p->pc, 0),
				LR_SDP_SENDRECV);
	}
	CU_ASSERT_EQUAL(count(&w.p[0], LR_PC_EV_NEGOTIATION_NEEDED), 1);
	/* The keys as the data plane gets them: mirrored, and the pair. */
	CU_ASSERT_EQUAL(w.p[0].keys.suite, LR_SRTP_AEAD_AES_128_GCM);
	CU_ASSERT(!memcmp(&w.p[0].keys.tx, &w.p[1].keys.rx,
			  sizeof(w.p[0].keys.tx)));
	CU_ASSERT(!memcmp(&w.p[0].keys.rx, &w.p[1].keys.tx,
			  sizeof(w.p[0].keys.rx)));
	CU_ASSERT_EQUAL(w.p[0].keys.remote.port, w.p[1].addr.port);
	CU_ASSERT_EQUAL(w.p[0].keys.nlocal_ssrcs, 2);
	CU_ASSERT_EQUAL(w.p[0].keys.dtls_client, 0); /* JSEP: answerer */
	CU_ASSERT_EQUAL(w.p[1].keys.dtls_client, 1); /* is active */
	/* RTP both ways, decrypted by the other side. */
	send_audio(&w, 0, 20, 1000);
	send_audio(&w, 1, 20, 2000);
	CU_ASSERT_EQUAL(rtp_with(&w.p[1], 0, 1000, 1020), 20);
	CU_ASSERT_EQUAL(rtp_with(&w.p[0], 0, 2000, 2020), 20);
	/* video goes to the video transceiver */
	{
		uint8_t pl[1000] = {0};
		uint32_t tag = 3000;

		memcpy(pl, &tag, 4);
		CU_ASSERT_EQUAL(
			lr_pc_send_rtp(w.p[0].pc, 1, 96, 0, 1, pl, sizeof(pl)),
			0);
		CU_ASSERT_EQUAL(lr_pc_send_rtp(w.p[0].pc, 1, 8, 0, 1, pl, 10),
				-EINVAL); /* PCMA is not a video codec */
		run(&w, 0.2);
		CU_ASSERT_EQUAL(rtp_with(&w.p[1], 1, 3000, 3001), 1);
	}
	/* The data channel: opened in band, echoed. */
	CU_ASSERT_EQUAL(lr_pc_dc_state(w.p[0].pc, ch), LR_DC_OPEN);
	CU_ASSERT_EQUAL(lr_pc_dc_id(w.p[0].pc, ch), 1); /* server: odd */
	CU_ASSERT_EQUAL(count(&w.p[1], LR_PC_EV_DATA_CHANNEL), 1);
	CU_ASSERT_EQUAL(lr_pc_dc_send(w.p[0].pc, ch, "ping", 4, 0), 0);
	run(&w, 0.5);
	CU_ASSERT_EQUAL(count(&w.p[1], LR_PC_EV_DC_MESSAGE), 1);
	{
		int bch = -1;

		for (unsigned i = 0; i < w.p[1].n; i++)
			if (w.p[1].r[i].type == LR_PC_EV_DATA_CHANNEL)
				bch = w.p[1].r[i].channel;
		CU_ASSERT_STRING_EQUAL(lr_pc_dc_label(w.p[1].pc, bch), "chat");
		CU_ASSERT_EQUAL(lr_pc_dc_send(w.p[1].pc, bch, "pong", 4, 0), 0);
		run(&w, 0.5);
		CU_ASSERT_EQUAL(count(&w.p[0], LR_PC_EV_DC_MESSAGE), 1);
	}
	CU_ASSERT(lr_pc_get_stats(w.p[0].pc, stats, sizeof(stats)) > 0);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(stats, "\"srtpCipher\":\"AEAD_AES_128_GCM\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(stats, "\"tlsVersion\":\"FEFD\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(stats, "\"type\":\"inbound-rtp\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(stats, "\"type\":\"outbound-rtp\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(stats, "\"type\":\"candidate-pair\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(stats, "\"type\":\"certificate\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(stats, "\"label\":\"chat\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(stats, "\"dataChannelsOpened\":1"));
	/* close: the peer sees the channel close, then everything ends */
	lr_pc_dc_close(w.p[0].pc, ch);
	run(&w, 1);
	CU_ASSERT_EQUAL(count(&w.p[1], LR_PC_EV_DC_CLOSE), 1);
	lr_pc_close(w.p[0].pc);
	CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[0].pc), LR_PC_CLOSED);
	world_free(&w);
}

/* The flat stats object {"type":"<type>",...} of a getStats() report,
 * copied into out: 0, or -1 if absent or there are two. */
static int stats_obj(const char *json, const char *type, char *out, size_t cap)
{
	char key[64];
	const char *b, *e;

	snprintf(key, sizeof(key), "{\"type\":\"%s\"", type);
	b = strstr(json, key);
	if (!b || !(e = strchr(b, '}')) || strstr(e, key))
		return -1;
	snprintf(out, cap, "%.*s", (int)(e - b + 1), b);
	return 0;
}

/* obj has `"address":"<a as a dotted quad>"` and `"port":<a's port>,` */
static int has_addr(const char *obj, const struct lr_addr *a)
{
	char want[64];

	snprintf(want, sizeof(want), "\"address\":\"%u.%u.%u.%u\"", a->ip[0],
		 a->ip[1], a->ip[2], a->ip[3]);
	if (!strstr(obj, want))
		return 0;
	snprintf(want, sizeof(want), "\"port\":%u,", a->port);
	return strstr(obj, want) != NULL;
}

/* icecandidate events: each side trickles its host candidate, then one
 * end-of-candidates event ("", the null candidate of the W3C API) on the
 * bundle's first mid, never a candidate after it, and gathering ends
 * "complete". getStats(): the candidate-pair names a local-candidate and
 * a remote-candidate whose address and port are the selected pair's
 * (the pair KEYS_READY handed out), each side's the mirror of the
 * other's. Distinct ports so that a swap would show. */
static void test_stats_candidates_and_end_of_candidates(void)
{
	struct world w;
	struct wopts o = {.seed = 12, .port = {40010, 40020}};
	char stats[16384], ob[1024];
	int ch;

	world_init(&w, &o);
	av_dc(&w, &ch);
	for (int i = 0; i < 2; i++) {
		struct peer *p = &w.p[i], *q = &w.p[1 - i];
		unsigned ends = 0, last_cand = 0, end_at = 0, complete_at = 0;
		char host[64];

		CU_ASSERT_EQUAL_FATAL(lr_pc_connection_state(p->pc),
				      LR_PC_CONNECTED);
		for (unsigned k = 0; k < p->n; k++) {
			const struct rec *r = &p->r[k];

			if (r->type == LR_PC_EV_ICE_CANDIDATE && r->len) {
				last_cand = k + 1;
			} else if (r->type == LR_PC_EV_ICE_CANDIDATE) {
				ends++;
				end_at = k + 1;
			} else if (r->type == LR_PC_EV_ICE_GATHERING_STATE &&
				   r->state == LR_ICE_GATHER_COMPLETE) {
				complete_at = k + 1;
			}
		}
		CU_ASSERT_EQUAL(ends, 1);
		CU_ASSERT(last_cand > 0);
		CU_ASSERT(end_at > last_cand);
		CU_ASSERT(complete_at > last_cand);
		CU_ASSERT_EQUAL(lr_pc_ice_gathering_state(p->pc),
				LR_ICE_GATHER_COMPLETE);
		CU_ASSERT_STRING_EQUAL(p->end_mid,
				       lr_pc_transceiver_mid(p->pc, 0));
		/* its one host candidate, as trickled */
		snprintf(host, sizeof(host), " 192.0.2.%u %u typ host",
			 p->addr.ip[3], p->addr.port);
		CU_ASSERT_EQUAL_FATAL(p->ncands, 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(p->cands[0], host));
		/* the selected pair: ours to theirs */
		CU_ASSERT_EQUAL(p->nkeys, 1);
		CU_ASSERT(!memcmp(p->keys.local.ip, p->addr.ip, 4) &&
			  p->keys.local.port == p->addr.port);
		CU_ASSERT(!memcmp(p->keys.remote.ip, q->addr.ip, 4) &&
			  p->keys.remote.port == q->addr.port);

		CU_ASSERT_FATAL(lr_pc_get_stats(p->pc, stats, sizeof(stats)) >
				0);
		CU_ASSERT_EQUAL_FATAL(
			stats_obj(stats, "transport", ob, sizeof(ob)), 0);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(ob, "\"selectedCandidatePairId\":\"CP01\""));
		CU_ASSERT_EQUAL_FATAL(
			stats_obj(stats, "candidate-pair", ob, sizeof(ob)), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(ob, "\"id\":\"CP01\""));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(ob, "\"localCandidateId\":\"CL01\""));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(ob, "\"remoteCandidateId\":\"CR01\""));
		CU_ASSERT_PTR_NOT_NULL(strstr(ob, "\"state\":\"succeeded\""));
		CU_ASSERT_PTR_NOT_NULL(strstr(ob, "\"nominated\":true"));
		CU_ASSERT_EQUAL_FATAL(
			stats_obj(stats, "local-candidate", ob, sizeof(ob)), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(ob, "\"id\":\"CL01\""));
		CU_ASSERT(has_addr(ob, &p->addr));
		CU_ASSERT_PTR_NOT_NULL(strstr(ob, "\"protocol\":\"udp\""));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(ob, "\"candidateType\":\"host\""));
		CU_ASSERT_EQUAL_FATAL(
			stats_obj(stats, "remote-candidate", ob, sizeof(ob)),
			0);
		CU_ASSERT_PTR_NOT_NULL(strstr(ob, "\"id\":\"CR01\""));
		CU_ASSERT(has_addr(ob, &q->addr));
		CU_ASSERT_PTR_NOT_NULL(strstr(ob, "\"protocol\":\"udp\""));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(ob, "\"candidateType\":\"host\""));
	}
	world_free(&w);
}

static void one_profile(uint16_t prof)
{
	struct world w;
	struct wopts o = {.seed = prof};
	int ch;

	/* p[0] answers passive: it is the DTLS server, and its order
	 * decides. */
	o.profiles[0] = &prof;
	o.nprofiles[0] = 1;
	world_init(&w, &o);
	av_dc(&w, &ch);
	CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[1].pc), LR_PC_CONNECTED);
	CU_ASSERT_EQUAL(w.p[0].keys.suite, prof);
	CU_ASSERT_EQUAL(w.p[1].keys.suite, prof);
	send_audio(&w, 0, 5, 100);
	send_audio(&w, 1, 5, 200);
	CU_ASSERT_EQUAL(rtp_with(&w.p[1], 0, 100, 105), 5);
	CU_ASSERT_EQUAL(rtp_with(&w.p[0], 0, 200, 205), 5);
	world_free(&w);
}

static void test_profiles(void)
{
	one_profile(LR_SRTP_AEAD_AES_128_GCM);
	one_profile(LR_SRTP_AEAD_AES_256_GCM);
	one_profile(LR_SRTP_AES128_CM_SHA1_80);
	one_profile(LR_SRTP_AES128_CM_SHA1_32);
}

static void test_fingerprint_mismatch(void)
{
	struct world w;
	struct wopts o = {0};
	char *fp;
	int n;

	world_init(&w, &o);
	lr_pc_add_transceiver(w.p[0].pc, "audio", LR_SDP_SENDRECV);
	n = lr_pc_create_offer(w.p[0].pc, sdp_buf, sizeof(sdp_buf));
	CU_ASSERT_FATAL(n > 0);
	lr_pc_set_local_description(w.p[0].pc, LR_PC_OFFER, sdp_buf, NULL);
	/* Someone on the signalling path swaps the fingerprint. */
	fp = strstr(sdp_buf, "a=fingerprint:sha-256 ");
	CU_ASSERT_FATAL(fp != NULL);
	fp[22] = fp[22] == 'A' ? 'B' : 'A';
	CU_ASSERT_EQUAL(lr_pc_set_remote_description(w.p[1].pc, LR_PC_OFFER,
						     sdp_buf, NULL),
			0);
	n = lr_pc_create_answer(w.p[1].pc, sdp_buf, sizeof(sdp_buf));
	lr_pc_set_local_description(w.p[1].pc, LR_PC_ANSWER, sdp_buf, NULL);
	lr_pc_set_remote_description(w.p[0].pc, LR_PC_ANSWER, sdp_buf, NULL);
	run(&w, 10);
	CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[1].pc), LR_PC_FAILED);
	/* p[1]'s alert is plaintext, which p[0] does not trust (issue 12,
	 * defect 2): p[0] fails when its DTLS retransmissions run out. */
	CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[0].pc), LR_PC_CONNECTING);
	run(&w, 200);
	CU_ASSERT_EQUAL(lr_pc_connection_state(w.p[0].pc), LR_PC_FAILED);
	CU_ASSERT_EQUAL(w.p[0].nkeys + w.p[1].nkeys, 0);
	CU_ASSERT(lr_pc_get_stats(w.p[1].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(sdp_buf, "\"linerateFingerprintMismatches\":1"));
	world_free(&w);
}

/* 10 % loss: ICE, DTLS and SCTP recover; a 1 MiB message and 1,000
 * small ones arrive whole and in order. */
static void test_loss_bulk(void)
{
	struct world w;
	struct wopts o = {.loss = 0.10, .seed = 5};
	uint8_t *big = malloc(LR_SCTP_MAX_MESSAGE_SIZE);
	int ch, bch = -1;
	unsigned seen = 0, inorder = 1;

	CU_ASSERT_FATAL(big != NULL);
	world_init(&w, &o);
	av_dc(&w, &ch);
	run(&w, 30);
	CU_ASSERT_EQUAL_FATAL(lr_pc_connection_state(w.p[0].pc),
			      LR_PC_CONNECTED);
	CU_ASSERT_EQUAL_FATAL(lr_pc_dc_state(w.p[0].pc, ch), LR_DC_OPEN);
	lr_test_fill(big, LR_SCTP_MAX_MESSAGE_SIZE);
	CU_ASSERT_EQUAL(
		lr_pc_dc_send(w.p[0].pc, ch, big, LR_SCTP_MAX_MESSAGE_SIZE, 1),
		0);
	for (uint32_t i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(lr_pc_dc_send(w.p[0].pc, ch, &i, 4, 1), 0);
	run(&w, 120);
	CU_ASSERT_EQUAL_FATAL(w.p[1].big_len, LR_SCTP_MAX_MESSAGE_SIZE);
	CU_ASSERT(!memcmp(w.p[1].big, big, LR_SCTP_MAX_MESSAGE_SIZE));
	for (unsigned i = 0; i < w.p[1].n; i++) {
		const struct rec *r = &w.p[1].r[i];

		if (r->type == LR_PC_EV_DATA_CHANNEL)
			bch = r->channel;
		if (r->type != LR_PC_EV_DC_MESSAGE || r->len != 4)
			continue;
		inorder &= r->tag == seen;
		seen++;
	}
	CU_ASSERT(bch >= 0);
	CU_ASSERT_EQUAL(seen, 1000);
	CU_ASSERT(inorder);
	free(big);
	world_free(&w);
}

/* Channel options travel in DCEP; the peer's channel has them. */
static void test_channel_options(void)
{
	struct world w;
	struct wopts o = {0};
	struct lr_dc_init in = LR_DC_INIT_DEFAULT;
	int ch, c2, neg0, neg1;

	world_init(&w, &o);
	in.unordered = 1;
	in.max_retransmits = 0;
	in.protocol = "game-state";
	c2 = lr_pc_create_data_channel(w.p[0].pc, "fast", &in);
	in = (struct lr_dc_init)LR_DC_INIT_DEFAULT;
	in.negotiated = 1;
	in.id = 9;
	neg0 = lr_pc_create_data_channel(w.p[0].pc, "neg", &in);
	neg1 = lr_pc_create_data_channel(w.p[1].pc, "neg", &in);
	av_dc(&w, &ch);
	CU_ASSERT_EQUAL(lr_pc_dc_state(w.p[0].pc, c2), LR_DC_OPEN);
	CU_ASSERT_EQUAL(lr_pc_dc_id(w.p[0].pc, neg0), 9);
	CU_ASSERT_EQUAL(lr_pc_dc_state(w.p[1].pc, neg1), LR_DC_OPEN);
	/* two in-band channels announced, the negotiated one is not */
	CU_ASSERT_EQUAL(count(&w.p[1], LR_PC_EV_DATA_CHANNEL), 2);
	CU_ASSERT_EQUAL(lr_pc_dc_send(w.p[1].pc, neg1, "n", 1, 0), 0);
	run(&w, 0.5);
	CU_ASSERT_EQUAL(count(&w.p[0], LR_PC_EV_DC_MESSAGE), 1);
	CU_ASSERT(lr_pc_get_stats(w.p[1].pc, sdp_buf, sizeof(sdp_buf)) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(sdp_buf, "\"protocol\":\"game-state\""));
	world_free(&w);
}

/* Under 20 % loss (no reordering on the link: datagrams arrive in the
 * order sent, or not at all):
 * - the reliable channel delivers every message in order;
 * - an unordered reliable channel delivers every message once, some
 *   before an earlier one that was lost and resent (not held back);
 * - an unordered channel with maxRetransmits 0 loses some messages;
 * - an unordered channel with maxPacketLifeTime 100 ms loses some but
 *   not all, and delivers none later than 100 ms + the link's 10 ms
 *   after it was sent (virtual clock);
 * - nothing is delivered twice. */
static void test_partial_reliability(void)
{
	enum {
		REL,
		UNORD,
		FAST,
		LIFE,
		NCH
	};
	struct world w;
	struct wopts o = {.loss = 0.2, .seed = 9};
	struct lr_dc_init in = LR_DC_INIT_DEFAULT;
	int ch[NCH];
	unsigned got[NCH] = {0}, dups = 0, inversions = 0, inorder = 1;
	uint32_t next = 0, max_unord = 0;
	uint64_t sent_at[300], max_life = 0;
	static uint8_t seen[NCH][300];

	memset(seen, 0, sizeof(seen));
	world_init(&w, &o);
	in.unordered = 1;
	in.max_retransmits = 0;
	ch[FAST] = lr_pc_create_data_channel(w.p[0].pc, "fast", &in);
	in = (struct lr_dc_init)LR_DC_INIT_DEFAULT;
	in.unordered = 1;
	ch[UNORD] = lr_pc_create_data_channel(w.p[0].pc, "unordered", &in);
	in.max_packet_lifetime = 100;
	ch[LIFE] = lr_pc_create_data_channel(w.p[0].pc, "lifetime", &in);
	av_dc(&w, &ch[REL]);
	run(&w, 30);
	for (int c = 0; c < NCH; c++)
		CU_ASSERT_EQUAL_FATAL(lr_pc_dc_state(w.p[0].pc, ch[c]),
				      LR_DC_OPEN);
	/* tags: channel * 100000 + index */
	for (uint32_t i = 0; i < 300; i++) {
		sent_at[i] = lr_sim_now(w.sim);
		for (uint32_t c = 0; c < NCH; c++) {
			uint32_t tag = c * 100000 + i;

			CU_ASSERT_EQUAL(
				lr_pc_dc_send(w.p[0].pc, ch[c], &tag, 4, 1), 0);
		}
		run(&w, 0.02);
	}
	run(&w, 60);
	for (unsigned i = 0; i < w.p[1].n; i++) {
		const struct rec *r = &w.p[1].r[i];
		uint32_t c = r->tag / 100000, k = r->tag % 100000;

		if (r->type != LR_PC_EV_DC_MESSAGE || r->len != 4 || c >= NCH ||
		    k >= 300)
			continue;
		dups += seen[c][k];
		got[c] += !seen[c][k];
		seen[c][k] = 1;
		if (c == REL)
			inorder &= k == next++;
		if (c == UNORD) {
			inversions += k < max_unord;
			if (k > max_unord)
				max_unord = k;
		}
		if (c == LIFE && r->at - sent_at[k] > max_life)
			max_life = r->at - sent_at[k];
	}
	CU_ASSERT_EQUAL(dups, 0);
	CU_ASSERT_EQUAL(got[REL], 300);
	CU_ASSERT(inorder);
	CU_ASSERT_EQUAL(got[UNORD], 300);
	CU_ASSERT(inversions > 0);
	CU_ASSERT(got[FAST] > 150 && got[FAST] < 300);
	/* retransmissions inside the lifetime recover most of them; that it
	 * abandons what is late is asserted by the bound below and by
	 * test_sctp's black-out */
	CU_ASSERT(got[LIFE] > 150 && got[LIFE] <= 300);
	CU_ASSERT(max_life <= 100000 + 10000);
	world_free(&w);
}

/* RTCDTMFSender.insertDTMF("123#"): tonechange per tone, and the peer
 * decodes each with its 100 ms duration. */
static void test_dtmf(void)
{
	struct world w;
	struct wopts o = {0};
	char got[8] = "", changes[8] = "";
	unsigned ng = 0, nc = 0;
	int ch;

	world_init(&w, &o);
	av_dc(&w, &ch);
	CU_ASSERT_EQUAL(lr_pc_insert_dtmf(w.p[0].pc, 1, "1", 100, 70),
			-ENOTCONN); /* video */
	CU_ASSERT_EQUAL(lr_pc_insert_dtmf(w.p[0].pc, 0, "12x", 100, 70),
			-EINVAL);
	CU_ASSERT_EQUAL(lr_pc_insert_dtmf(w.p[0].pc, 0, "123#", 100, 70), 0);
	CU_ASSERT_STRING_EQUAL(lr_pc_dtmf_tone_buffer(w.p[0].pc, 0), "23#");
	run(&w, 2);
	for (unsigned i = 0; i < w.p[1].n; i++)
		if (w.p[1].r[i].type == LR_PC_EV_DTMF_RECEIVED) {
			CU_ASSERT_EQUAL(w.p[1].r[i].duration_ms, 100);
			got[ng++] = w.p[1].r[i].tone;
		}
	for (unsigned i = 0; i < w.p[0].n; i++)
		if (w.p[0].r[i].type == LR_PC_EV_DTMF_TONECHANGE)
			changes[nc++] =
				w.p[0].r[i].tone ? w.p[0].r[i].tone : '|';
	CU_ASSERT_STRING_EQUAL(got, "123#");
	CU_ASSERT_STRING_EQUAL(changes, "123#|");
	world_free(&w);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("pc", setup, teardown);

	(void)no_idp;
	LR_ADD_TEST(s, test_av_dc_session);
	LR_ADD_TEST(s, test_stats_candidates_and_end_of_candidates);
	LR_ADD_TEST(s, test_profiles);
	LR_ADD_TEST(s, test_fingerprint_mismatch);
	LR_ADD_TEST(s, test_loss_bulk);
	LR_ADD_TEST(s, test_channel_options);
	LR_ADD_TEST(s, test_partial_reliability);
	LR_ADD_TEST(s, test_dtmf);
	pc_signaling_add_tests(s);
	pc_secrets_add_tests(s);
	pc_gate_add_tests(s);
	pc_limits_add_tests(s);
	pc_sctp_sdp_add_tests(s);
}
