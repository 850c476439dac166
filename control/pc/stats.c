/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * getStats(): an RTCStatsReport as JSON (W3C webrtc-stats): the
 * peer-connection, transport, candidate-pair, local/remote-candidate,
 * certificate, inbound-rtp, outbound-rtp and data-channel objects.
 * Secrets never appear; the certificate is public.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "pc_internal.h"

struct js {
	char *buf;
	size_t cap, n;
	int err, first;
};

static void put(struct js *j, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (j->err)
		return;
	va_start(ap, fmt);
	k = vsnprintf(j->buf + j->n, j->cap - j->n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= j->cap - j->n) {
		j->err = -ENOSPC;
		return;
	}
	j->n += (size_t)k;
}

static void obj(struct js *j, const char *type, const char *id)
{
	put(j, "%s\n{\"type\":\"%s\",\"id\":\"%s\"", j->first ? "" : ",", type,
	    id);
	j->first = 0;
}

/* JSON string body: labels come from the peer. */
static void str(struct js *j, const char *key, const char *v)
{
	put(j, ",\"%s\":\"", key);
	for (; v && *v; v++) {
		unsigned char c = (unsigned char)*v;

		if (c == '"' || c == '\\')
			put(j, "\\%c", c);
		else if (c < 0x20)
			put(j, "\\u%04x", c);
		else
			put(j, "%c", c);
	}
	put(j, "\"");
}

static void addr(const struct lr_addr *a, char *ip, size_t cap)
{
	if (!inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->ip, ip,
		       (socklen_t)cap))
		snprintf(ip, cap, "?");
}

static const char *const dtls_states[] = {"new", "connecting", "connected",
					  "closed", "failed"};
static const char *const dc_states[] = {"connecting", "open", "closing",
					"closed"};

static const char *srtp_name(uint16_t s)
{
	switch (s) {
	case LR_SRTP_AES128_CM_SHA1_80:
		return "AES_CM_128_HMAC_SHA1_80";
	case LR_SRTP_AES128_CM_SHA1_32:
		return "AES_CM_128_HMAC_SHA1_32";
	case LR_SRTP_AEAD_AES_128_GCM:
		return "AEAD_AES_128_GCM";
	case LR_SRTP_AEAD_AES_256_GCM:
		return "AEAD_AES_256_GCM";
	}
	return "";
}

static void transport(struct js *j, const struct lr_pc *pc)
{
	enum lr_dtls_state d = lr_pc_dtls_state(pc);
	char fp[LR_CERT_FP_MAX];

	obj(j, "transport", "T01");
	put(j, ",\"bytesSent\":%llu,\"bytesReceived\":%llu",
	    (unsigned long long)pc->bytes_sent,
	    (unsigned long long)pc->bytes_recv);
	put(j, ",\"packetsSent\":%llu,\"packetsReceived\":%llu",
	    (unsigned long long)pc->pkts_sent,
	    (unsigned long long)pc->pkts_recv);
	str(j, "dtlsState", dtls_states[d]);
	str(j, "iceRole",
	    pc->ice && lr_ice_controlling(pc->ice) ? "controlling"
						   : "controlled");
	if (pc->dtls)
		str(j, "dtlsRole", pc->dtls_client ? "client" : "server");
	if (pc->have_sel)
		str(j, "selectedCandidatePairId", "CP01");
	if (d == LR_DTLS_CONNECTED) {
		put(j, ",\"tlsVersion\":\"%04X\"", lr_dtls_version(pc->dtls));
		str(j, "dtlsCipher", lr_dtls_cipher(pc->dtls));
		str(j, "srtpCipher", srtp_name(pc->suite));
		str(j, "localCertificateId", "CERT-local");
		if (lr_dtls_peer_fingerprint(pc->dtls, "sha-256", fp,
					     sizeof(fp)) > 0)
			str(j, "remoteCertificateId", "CERT-remote");
	}
	if (pc->dtls)
		put(j,
		    ",\"linerateDtlsRetransmits\":%llu,"
		    "\"linerateFingerprintMismatches\":%llu,"
		    "\"linerateDtlsPlainAlerts\":%llu",
		    (unsigned long long)lr_dtls_stats(pc->dtls)->retransmits,
		    (unsigned long long)lr_dtls_stats(pc->dtls)
			    ->fingerprint_mismatch,
		    (unsigned long long)lr_dtls_stats(pc->dtls)
			    ->rx_plain_alerts);
	if (pc->sctp)
		put(j,
		    ",\"linerateSctpRxTooBig\":%llu"
		    ",\"linerateSctpRxPartialAborted\":%llu",
		    (unsigned long long)lr_sctp_stats(pc->sctp)->rx_too_big,
		    (unsigned long long)lr_sctp_stats(pc->sctp)
			    ->rx_partial_aborted);
	/* DTLS not from an address ICE authenticated (dtls_gate.c) */
	put(j,
	    ",\"linerateDtlsUnauthenticated\":%llu"
	    ",\"linerateDtlsEarlyDropped\":%llu",
	    (unsigned long long)pc->rx_dtls_unauth,
	    (unsigned long long)pc->rx_dtls_early_drops);
	put(j,
	    ",\"linerateRtpDropped\":%llu,\"linerateNotSelectedPair\":%llu"
	    ",\"linerateUnknownDatagrams\":%llu,\"linerateDtlsRefused\":%llu}",
	    (unsigned long long)pc->rx_rtp_drops,
	    (unsigned long long)pc->rx_not_selected,
	    (unsigned long long)pc->rx_unknown,
	    (unsigned long long)pc->rx_dtls_refused);
}

static void pair(struct js *j, const struct lr_pc *pc)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	struct lr_ice_stats is;

	if (!pc->have_sel)
		return;
	lr_ice_stats(pc->ice, &is);
	addr(&pc->sel_local, l, sizeof(l));
	addr(&pc->sel_remote, r, sizeof(r));
	obj(j, "candidate-pair", "CP01");
	put(j, ",\"transportId\":\"T01\",\"localCandidateId\":\"CL01\","
	       "\"remoteCandidateId\":\"CR01\",\"state\":\"succeeded\","
	       "\"nominated\":true");
	put(j,
	    ",\"requestsSent\":%llu,\"requestsReceived\":%llu,"
	    "\"responsesReceived\":%llu,\"responsesSent\":%llu,"
	    "\"consentRequestsSent\":%llu}",
	    (unsigned long long)is.checks_sent,
	    (unsigned long long)is.checks_recv,
	    (unsigned long long)is.responses_recv,
	    (unsigned long long)is.responses_sent,
	    (unsigned long long)is.consent_sent);
	obj(j, "local-candidate", "CL01");
	str(j, "candidateType", lr__pc_cand_type_name(pc->sel_local_type));
	str(j, "address", l);
	put(j, ",\"port\":%u,\"protocol\":\"udp\",\"transportId\":\"T01\"}",
	    pc->sel_local.port);
	obj(j, "remote-candidate", "CR01");
	str(j, "candidateType", lr__pc_cand_type_name(pc->sel_remote_type));
	str(j, "address", r);
	put(j, ",\"port\":%u,\"protocol\":\"udp\",\"transportId\":\"T01\"}",
	    pc->sel_remote.port);
}

static void certificate(struct js *j, const struct lr_pc *pc)
{
	uint8_t der[4096];
	char b64[5600], fp[LR_CERT_FP_MAX];
	int n = lr_cert_der(pc->cfg.cert, der, sizeof(der));

	if (n <= 0 ||
	    lr_cert_fingerprint(pc->cfg.cert, "sha-256", fp, sizeof(fp)) < 0)
		return;
	EVP_EncodeBlock((unsigned char *)b64, der, n);
	obj(j, "certificate", "CERT-local");
	str(j, "fingerprint", fp + 8);
	str(j, "fingerprintAlgorithm", "sha-256");
	str(j, "base64Certificate", b64);
	put(j, "}");
	if (pc->dtls &&
	    lr_dtls_peer_fingerprint(pc->dtls, "sha-256", fp, sizeof(fp)) > 0) {
		obj(j, "certificate", "CERT-remote");
		str(j, "fingerprint", fp + 8);
		str(j, "fingerprintAlgorithm", "sha-256");
		put(j, "}");
	}
}

static void rtp(struct js *j, const struct lr_pc *pc)
{
	char id[32];

	for (int i = 0; i < pc->ntr; i++) {
		const struct lr__tr *t = &pc->tr[i];

		if (t->current < 0)
			continue;
		snprintf(id, sizeof(id), "OT%08X", t->ssrc);
		obj(j, "outbound-rtp", id);
		put(j, ",\"ssrc\":%u", t->ssrc);
		str(j, "kind", t->kind);
		str(j, "mid", t->mid);
		put(j,
		    ",\"transportId\":\"T01\",\"packetsSent\":%llu,"
		    "\"bytesSent\":%llu}",
		    (unsigned long long)t->pkts_sent,
		    (unsigned long long)t->bytes_sent);
		if (!t->pkts_recv)
			continue;
		snprintf(id, sizeof(id), "IT%08X", t->nrssrc ? t->rssrc[0] : 0);
		obj(j, "inbound-rtp", id);
		put(j, ",\"ssrc\":%u", t->nrssrc ? t->rssrc[0] : 0);
		str(j, "kind", t->kind);
		str(j, "mid", t->mid);
		put(j,
		    ",\"transportId\":\"T01\",\"packetsReceived\":%llu,"
		    "\"bytesReceived\":%llu}",
		    (unsigned long long)t->pkts_recv,
		    (unsigned long long)t->bytes_recv);
	}
}

static void channels(struct js *j, const struct lr_pc *pc)
{
	char id[16];

	for (int i = 0; i < LR_PC_MAX_CHANNELS; i++) {
		const struct lr__chan *c = &pc->ch[i];
		struct lr_dc_stats st = {0};

		if (!c->used)
			continue;
		if (pc->sctp && c->sid >= 0 && c->state != LR_DC_CLOSED)
			lr_sctp_channel_stats(pc->sctp, (uint16_t)c->sid, &st);
		snprintf(id, sizeof(id), "D%d", i);
		obj(j, "data-channel", id);
		str(j, "label", c->label);
		str(j, "protocol", c->protocol);
		if (c->sid >= 0)
			put(j, ",\"dataChannelIdentifier\":%d", c->sid);
		str(j, "state", dc_states[c->state]);
		put(j,
		    ",\"messagesSent\":%llu,\"bytesSent\":%llu,"
		    "\"messagesReceived\":%llu,\"bytesReceived\":%llu}",
		    (unsigned long long)st.messages_sent,
		    (unsigned long long)st.bytes_sent,
		    (unsigned long long)st.messages_received,
		    (unsigned long long)st.bytes_received);
	}
}

int lr_pc_get_stats(const struct lr_pc *pc, char *buf, size_t cap)
{
	struct js j = {.buf = buf, .cap = cap, .first = 1};

	if (!cap)
		return -ENOSPC;
	put(&j, "[");
	obj(&j, "peer-connection", "P");
	put(&j, ",\"dataChannelsOpened\":%u,\"dataChannelsClosed\":%u}",
	    pc->dc_opened, pc->dc_closed);
	transport(&j, pc);
	pair(&j, pc);
	certificate(&j, pc);
	rtp(&j, pc);
	channels(&j, pc);
	put(&j, "\n]\n");
	return j.err ? j.err : (int)j.n;
}
