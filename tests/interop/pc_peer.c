/*
 * Interop: lr_pc against a real WebRTC peer no one here wrote (werift, or
 * headless Chromium), over UDP on 127.0.0.1. The peer runs as a Node.js
 * script (tests/interop/node/) with signalling as JSON lines on a pipe.
 *
 *   pc_peer <werift|chromium|aiortc> <we-offer|they-offer>
 *           [--dp (chromium)] [--peer-sctp-port N (aiortc)]
 *
 * Passes when: ICE and DTLS connect; 20 data-channel messages come back
 * echoed and intact; audio RTP flows both ways and is decrypted on both
 * sides (werift echoes our packets, which must come back byte for byte;
 * Chromium sends its fake microphone and reports how many of ours it
 * received, and its RTCDTMFSender's "123#" must arrive here as four
 * 100 ms tones). The peer's own report must agree: connected, the other
 * DTLS role, and for Chromium DTLS 1.2 (FEFD: it offers 1.3 and falls
 * back). The DTLS roles must follow the answer's a=setup, on both
 * sides' reports and on the wire (who sent the first ClientHello); with
 * Chromium the SRTP profile must be the DTLS server's first choice on
 * both sides (AES128_CM_SHA1_80 when Chromium is server, our
 * AEAD_AES_128_GCM when we are), and as DTLS client Chromium's
 * ClientHello must have come in fragments over more than one datagram.
 * Prints what was negotiated.
 *
 * With --dp (Chromium), our side runs behind an lr_dp: after our 100
 * packets the media is handed over and the data plane echoes Chromium's
 * own audio back to it on our SSRC for 1.5 s; Chromium must count those
 * too (its inbound-rtp counts only packets that authenticate). Exit 0 pass, 1 fail, 77 peer not installed.
 *
 * aiortc (Debian's python3-aiortc 1.4, tests/interop/python/) offers its
 * data channel in the older syntax (DTLS/SCTP <port> + a=sctpmap): we
 * must answer in that syntax and use the SCTP port it names, which
 * --peer-sctp-port moves off 5000 (sctp_syntax.h). It sends its own
 * audio like Chromium, and prints Python's JSON (": " and ", ").
 *
 * A driver: it owns the socket, the clock and the randomness.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jsonl.h"
#include "sctp_syntax.h"
#include "linerate/lr_dp.h"
#include "linerate/lr_pc.h"
#include "linerate/lr_rtp.h"

#define MESSAGES      20
#define AUDIO_PACKETS 100
#define DEADLINE_S    40

struct run {
	const char *peer, *mode;
	struct lr_pc *pc;
	struct lr_cert *cert;
	int sock, to_child, from_child;
	pid_t child;
	struct lr_addr local;
	int ch;	   /* the data channel */
	int audio; /* our audio transceiver */
	int open, sent_msgs, echoes, bad_echoes;
	unsigned audio_sent, rtp_in, rtp_echo_ok, rtp_peer_media;
	uint64_t next_audio;
	int keys, suite, dtls_client, connected, failed;
	int reported, dtmf_asked;
	/* --dp: our side's datagrams go through an lr_dp (sock backend);
	 * after our audio, the media is handed over to it and it echoes the
	 * peer's audio back on our SSRC */
	int use_dp, handed;
	const char *peer_sctp_port; /* aiortc: its SCTP port, or NULL */
	unsigned sr_sent; /* RTCP sender reports through lr_dp_send_rtcp */
	uint64_t sr_at;
	struct lr_dp *dp;
	struct lr_pc_keys kr;
	uint32_t peer_ssrc, peer_ts;
	struct lr_dp_session_stats dps;
	char dtmf[16];
	unsigned ndtmf, dtmf_bad_duration;
	long long peer_rx;
	/* DTLS as the driver saw it pass (RFC 7983 class, then the
	 * epoch-0 record and handshake headers, RFC 6347 §4.1, §4.2.2) */
	unsigned our_dtls_out; /* DTLS datagrams we have sent */
	int first_ch_from;     /* the first ClientHello: 1 the peer, 2 us */
	int peer_first_hs, our_first_hs; /* first handshake type each way */
	int ch_seq;		     /* the peer's first ClientHello: seq, */
	unsigned ch_len, ch_covered; /* its length, bytes of it seen, */
	unsigned ch_datagrams;	     /* datagrams bringing new fragments of */
	unsigned ch_nfrag;	     /* it before our first DTLS datagram */
	unsigned ch_off[16];	     /* the fragment offsets seen */
	char our_stats[16384];
	char peer_info[4096];
	char line[262144];
	size_t ll;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

static void to_child(struct run *r, const char *t, const char *k1,
		     const char *v1, const char *k2, const char *v2)
{
	static char buf[200000];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "{");

	n = jsonl_str(buf, sizeof(buf), n, "t", t);
	if (k1)
		n = jsonl_str(buf, sizeof(buf), n, k1, v1);
	if (k2)
		n = jsonl_str(buf, sizeof(buf), n, k2, v2);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "}\n");
	if (write(r->to_child, buf, n) != (ssize_t)n)
		fprintf(stderr, "pc_peer: short write to the peer\n");
}

static int spawn(struct run *r, const char *script)
{
	int in[2], out[2];

	if (pipe(in) || pipe(out))
		return -1;
	r->child = fork();
	if (r->child < 0)
		return -1;
	if (!r->child) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		if (!strcmp(r->peer, "aiortc"))
			execl("/usr/bin/python3", "python3", script, r->mode,
			      r->peer_sctp_port ? "--sctp-port" : (char *)NULL,
			      r->peer_sctp_port, (char *)NULL);
		else
			execlp("node", "node", script, r->mode, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	r->to_child = in[1];
	r->from_child = out[0];
	return 0;
}

static int bind_loopback(struct run *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof(a);

	r->sock = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->sock < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(r->sock, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(r->sock, (struct sockaddr *)&a, &al))
		return -1;
	r->local.family = 4;
	r->local.port = ntohs(a.sin_port);
	memcpy(r->local.ip, &a.sin_addr, 4);
	return 0;
}

static void send_offer_or_answer(struct run *r, int offer)
{
	static char sdp[65536];
	int n = offer ? lr_pc_create_offer(r->pc, sdp, sizeof(sdp))
		      : lr_pc_create_answer(r->pc, sdp, sizeof(sdp));

	if (n < 0 ||
	    lr_pc_set_local_description(
		    r->pc, offer ? LR_PC_OFFER : LR_PC_ANSWER, sdp, NULL)) {
		fprintf(stderr, "pc_peer: cannot make our %s (%d)\n",
			offer ? "offer" : "answer", n);
		r->failed = 1;
		return;
	}
	to_child(r, offer ? "offer" : "answer", "sdp", sdp, NULL, NULL);
}

/* Only loopback candidates: the tests never touch another address. */
static int loopback_cand(const char *c)
{
	char ip[64] = "";
	unsigned dummy;

	if (sscanf(c, "candidate:%*s %u %*s %*u %63s", &dummy, ip) != 2)
		return 0;
	return !strncmp(ip, "127.", 4);
}

static void child_line(struct run *r, const char *l)
{
	static char sdp[65536];
	char t[16], c[512], m[16];
	struct lr_sdp_error e = {0};
	int rc = jsonl_get(l, "t", t, sizeof(t));

	if (rc) {
		/* never a line read past: the peer's messages are JSON */
		fprintf(stderr, "pc_peer: from the peer, %s (%d): %.200s\n",
			rc == -ENOENT ? "no \"t\"" : "not one JSON object", rc,
			l);
		r->failed = 1;
		return;
	}
	if (!strcmp(t, "log")) {
		if (!jsonl_get(l, "m", c, sizeof(c)))
			fprintf(stderr, "  %s: %s\n", r->peer, c);
	} else if (!strcmp(t, "offer") || !strcmp(t, "answer")) {
		int offer = !strcmp(t, "offer");

		if (jsonl_get(l, "sdp", sdp, sizeof(sdp)) ||
		    lr_pc_set_remote_description(
			    r->pc, offer ? LR_PC_OFFER : LR_PC_ANSWER, sdp,
			    &e)) {
			fprintf(stderr,
				"pc_peer: their %s refused: line %u %s\n", t,
				e.lineno, e.msg);
			r->failed = 1;
			return;
		}
		if (offer)
			send_offer_or_answer(r, 0);
	} else if (!strcmp(t, "cand")) {
		if (jsonl_get(l, "c", c, sizeof(c)))
			return;
		if (!c[0])
			lr_pc_add_ice_candidate(r->pc, NULL);
		else if (loopback_cand(c))
			lr_pc_add_ice_candidate(r->pc, c);
		(void)m;
	} else if (!strcmp(t, "stats")) {
		r->reported = 1;
		r->peer_rx = jsonl_int(l, "packetsReceived", -1);
		if (strlen(l) >= sizeof(r->peer_info)) {
			fprintf(stderr, "pc_peer: the peer's report is too "
					"long\n");
			r->failed = 1;
		}
		snprintf(r->peer_info, sizeof(r->peer_info), "%s", l);
	}
}

static void read_child(struct run *r)
{
	ssize_t n = read(r->from_child, r->line + r->ll,
			 sizeof(r->line) - 1 - r->ll);
	char *nl;

	if (n <= 0) {
		if (n == 0) {
			fprintf(stderr, "pc_peer: the peer exited\n");
			r->failed = 1;
		}
		return;
	}
	r->ll += (size_t)n;
	r->line[r->ll] = '\0';
	while ((nl = strchr(r->line, '\n'))) {
		*nl = '\0';
		child_line(r, r->line);
		r->ll -= (size_t)(nl + 1 - r->line);
		memmove(r->line, nl + 1, r->ll + 1);
	}
}

static void events(struct run *r)
{
	struct lr_pc_event ev;

	while (lr_pc_poll_event(r->pc, &ev)) {
		switch (ev.type) {
		case LR_PC_EV_ICE_CANDIDATE:
			to_child(r, "cand", "c", ev.cand, "mid", ev.mid);
			break;
		case LR_PC_EV_CONNECTION_STATE:
			fprintf(stderr, "  linerate: connection %d\n",
				ev.state);
			if (ev.state == LR_PC_CONNECTED)
				r->connected = 1;
			if (ev.state == LR_PC_FAILED)
				r->failed = 1;
			break;
		case LR_PC_EV_KEYS_READY:
			/* the keys themselves are secret: never printed */
			r->keys = 1;
			r->kr = ev.keys;
			r->suite = ev.keys.suite;
			r->dtls_client = ev.keys.dtls_client;
			break;
		case LR_PC_EV_DATA_CHANNEL:
			r->ch = ev.channel;
			break;
		case LR_PC_EV_DC_OPEN:
			if (ev.channel == r->ch)
				r->open = 1;
			break;
		case LR_PC_EV_DC_MESSAGE: {
			char want[32];

			snprintf(want, sizeof(want), "echo-%d", r->echoes);
			if (ev.len == strlen(want) &&
			    !memcmp(ev.data, want, ev.len))
				r->echoes++;
			else
				r->bad_echoes++;
			break;
		}
		case LR_PC_EV_DTMF_RECEIVED:
			if (r->ndtmf < sizeof(r->dtmf) - 1)
				r->dtmf[r->ndtmf++] = ev.tone;
			/* Asked for 100 ms; Chromium 156 sends 120 (its audio
			 * frames): no shorter, and not much longer. */
			if (ev.duration_ms < 100 || ev.duration_ms > 150)
				r->dtmf_bad_duration++;
			fprintf(stderr, "  linerate: DTMF '%c' %u ms\n",
				ev.tone, ev.duration_ms);
			break;
		case LR_PC_EV_RTP:
			r->peer_ssrc = ev.rtp.ssrc;
			r->peer_ts = ev.rtp.ts;
			r->rtp_in++;
			if (ev.len >= 9 && !memcmp(ev.data, "LRTAG", 5))
				r->rtp_echo_ok++;
			else
				r->rtp_peer_media++;
			break;
		default:
			break;
		}
		lr_pc_event_clear(&ev);
	}
}

static void media(struct run *r, uint64_t now)
{
	/* werift does not decode: tagged payloads come back as sent.
	 * Chromium decodes: an Opus silence frame (RFC 6716 §3.1 code 0,
	 * config 31: CELT FB 20 ms). */
	static const uint8_t silence[] = {0xf8, 0xff, 0xfe};
	uint8_t pl[64];
	size_t len;

	if (!r->keys || r->audio_sent >= AUDIO_PACKETS || now < r->next_audio)
		return;
	if (!strcmp(r->peer, "werift")) {
		len = (size_t)snprintf((char *)pl, sizeof(pl), "LRTAG%04u",
				       r->audio_sent);
	} else {
		memcpy(pl, silence, sizeof(silence));
		len = sizeof(silence);
	}
	if (!lr_pc_send_rtp(r->pc, r->audio, -1, r->audio_sent * 960,
			    r->audio_sent == 0, pl, len))
		r->audio_sent++;
	r->next_audio = now + 20000;
	if (r->open && r->sent_msgs < MESSAGES) {
		char msg[32];
		int n = snprintf(msg, sizeof(msg), "echo-%d", r->sent_msgs);

		if (!lr_pc_dc_send(r->pc, r->ch, msg, (size_t)n, 0))
			r->sent_msgs++;
	}
}

static unsigned be(const uint8_t *p, int n)
{
	unsigned v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

/* One datagram passing the driver, from the peer (in) or ours. Only
 * cleartext headers are read: epoch-0 handshake records. */
static void wire(struct run *r, int in, const uint8_t *b, size_t len)
{
	int fresh = 0;

	if (!len || b[0] < 20 || b[0] > 63)
		return; /* not DTLS (RFC 7983 §7) */
	for (size_t o = 0; o + 13 <= len;) {
		/* type(1) version(2) epoch(2) seq(6) length(2), then the
		 * handshake header: type(1) length(3) message_seq(2)
		 * fragment_offset(3) fragment_length(3) */
		const uint8_t *rec = b + o, *h = rec + 13;
		size_t rl = be(rec + 11, 2);
		unsigned mt, mlen, mseq, foff, flen, k;

		if (o + 13 + rl > len)
			break;
		o += 13 + rl;
		if (rec[0] != 22 || be(rec + 3, 2) != 0 || rl < 12)
			continue; /* not an epoch-0 handshake record */
		mt = h[0];
		mlen = be(h + 1, 3);
		mseq = be(h + 4, 2);
		foff = be(h + 6, 3);
		flen = be(h + 9, 3);
		if (in && r->peer_first_hs < 0)
			r->peer_first_hs = (int)mt;
		if (!in && r->our_first_hs < 0)
			r->our_first_hs = (int)mt;
		if (mt == 1 && !r->first_ch_from)
			r->first_ch_from = in ? 1 : 2;
		if (mt != 1 || !in || r->our_dtls_out)
			continue;
		if (r->ch_seq < 0) {
			r->ch_seq = (int)mseq;
			r->ch_len = mlen;
		}
		if ((int)mseq != r->ch_seq)
			continue;
		for (k = 0; k < r->ch_nfrag && r->ch_off[k] != foff; k++)
			;
		if (k < r->ch_nfrag || k == 16)
			continue; /* a retransmission of a fragment we have */
		r->ch_off[r->ch_nfrag++] = foff;
		r->ch_covered += flen;
		fresh = 1;
	}
	r->ch_datagrams += fresh;
	if (!in)
		r->our_dtls_out++;
}

static void flush(struct run *r)
{
	struct lr_pc_transmit t;

	while (r->use_dp && lr_pc_poll_transmit(r->pc, &t)) {
		struct lr_addr l = t.local, to = t.remote;

		if (t.remote.family == 4 && t.remote.ip[0] == 127) {
			wire(r, 0, t.buf, t.len);
			lr_dp_send(r->dp, &l, &to, t.buf, t.len);
		}
	}
	while (lr_pc_poll_transmit(r->pc, &t)) {
		struct sockaddr_in to = {.sin_family = AF_INET,
					 .sin_port = htons(t.remote.port)};

		if (t.remote.family != 4 || t.remote.ip[0] != 127)
			continue; /* never anything but loopback */
		memcpy(&to.sin_addr, t.remote.ip, 4);
		wire(r, 0, t.buf, t.len);
		sendto(r->sock, t.buf, t.len, 0, (struct sockaddr *)&to,
		       sizeof(to));
	}
}

static void read_sock(struct run *r, uint64_t now)
{
	uint8_t buf[2048];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;
	struct lr_dp_punt pu;

	while (r->use_dp && lr_dp_poll_punt(r->dp, &pu)) {
		struct lr_addr l = pu.local, rem = pu.remote;

		wire(r, 1, pu.buf, pu.len);
		if (lr_pc_handle_packet(r->pc, now, &l, &rem, pu.buf, pu.len) ==
		    -EXDEV)
			lr_dp_inject(r->dp, &pu.local, &pu.remote, pu.buf,
				     pu.len);
	}
	if (r->use_dp)
		return;

	while ((n = recvfrom(r->sock, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &fl)) > 0) {
		struct lr_addr rem = {.family = 4,
				      .port = ntohs(from.sin_port)};

		memcpy(rem.ip, &from.sin_addr, 4);
		wire(r, 1, buf, (size_t)n);
		lr_pc_handle_packet(r->pc, now, &r->local, &rem, buf,
				    (size_t)n);
		fl = sizeof(from);
	}
}

static int chromium(const struct run *r)
{
	return !strcmp(r->peer, "chromium");
}

static int done(const struct run *r)
{
	return r->echoes == MESSAGES && r->audio_sent == AUDIO_PACKETS &&
	       r->rtp_in >= 20 && (!chromium(r) || r->ndtmf >= 4);
}

/* The peer's report says key is want (parsed: any JSON writer). */
static int peer_says(const struct run *r, const char *key, const char *want)
{
	char v[64];

	return !jsonl_get(r->peer_info, key, v, sizeof(v)) && !strcmp(v, want);
}

/* What the peer said about its side, checked. */
static int peer_agrees(const struct run *r)
{
	const char *want_role = r->dtls_client ? "server" : "client";

	if (!strcmp(r->peer, "werift"))
		return peer_says(r, "dtlsState", "connected");
	if (!chromium(r))
		return peer_says(r, "dtlsState", "connected") &&
		       peer_says(r, "dtlsRole", want_role);
	/* Chromium offers DTLS 1.3 and must have fallen back to 1.2. */
	return peer_says(r, "tlsVersion", "FEFD") &&
	       peer_says(r, "dtlsState", "connected") &&
	       peer_says(r, "dtlsRole", want_role);
}

/* The first a=setup value of an SDP, or "". */
static void setup_of(const char *sdp, char *out, size_t cap)
{
	const char *p = sdp ? strstr(sdp, "a=setup:") : NULL;
	size_t n = 0;

	if (p)
		for (p += 8;
		     p[n] && p[n] != '\r' && p[n] != '\n' && n + 1 < cap; n++)
			out[n] = p[n];
	out[n] = '\0';
}

static int check(int ok, const char *what)
{
	if (!ok)
		fprintf(stderr, "pc_peer: not so: %s\n", what);
	return ok;
}

/* Who was the DTLS client: by the SDP (RFC 8842 §5.1: the offer says
 * actpass, the answerer is active, JSEP §5.3.1), by our KEYS_READY and
 * getStats, by the peer's getStats, and on the wire (who sent the first
 * ClientHello). What was negotiated with Chromium: DTLS 1.2, and the
 * SRTP profile the DTLS server's order picks (RFC 5764 §4.1.2) --
 * Chromium's, AES128_CM_SHA1_80 first, when it is the server; ours,
 * AEAD_AES_128_GCM first, when we are. And Chromium as client: its
 * ClientHello (about 1.4 KB) came in fragments over more than one
 * datagram, whole, before we sent any DTLS. */
static int dtls_facts(const struct run *r)
{
	int we_offer = !strcmp(r->mode, "we-offer"), client = !we_offer;
	char so[16], sa[16];
	int ok = 1;

	setup_of(we_offer ? lr_pc_local_description(r->pc)
			  : lr_pc_remote_description(r->pc),
		 so, sizeof(so));
	setup_of(we_offer ? lr_pc_remote_description(r->pc)
			  : lr_pc_local_description(r->pc),
		 sa, sizeof(sa));
	printf("  DTLS: offer a=setup:%s, answer a=setup:%s; first "
	       "ClientHello from %s; first handshake message ours %d, "
	       "theirs %d\n",
	       so, sa,
	       r->first_ch_from == 2   ? "us"
	       : r->first_ch_from == 1 ? "the peer"
				       : "nobody",
	       r->our_first_hs, r->peer_first_hs);
	ok &= check(!strcmp(so, "actpass"), "the offer has a=setup:actpass");
	ok &= check(!strcmp(sa, "active"), "the answer has a=setup:active");
	ok &= check(r->dtls_client == client,
		    "our DTLS role (KEYS_READY) is the answer's");
	ok &= check(strstr(r->our_stats, client ? "\"dtlsRole\":\"client\""
						: "\"dtlsRole\":\"server\"") !=
			    NULL,
		    "our getStats dtlsRole");
	ok &= check(r->first_ch_from == (client ? 2 : 1),
		    "the DTLS client sent the first ClientHello");
	ok &= check(r->our_first_hs == (client ? 1 : 2),
		    "our first handshake message: ClientHello as client, "
		    "ServerHello as server");
	ok &= check(client ? r->peer_first_hs == 2 || r->peer_first_hs == 3
			   : r->peer_first_hs == 1,
		    "the peer's first handshake message: ServerHello (or "
		    "HelloVerifyRequest) as server, ClientHello as client");
	if (!chromium(r))
		return ok;
	ok &= check(peer_says(r, "dtlsRole", client ? "server" : "client"),
		    "Chromium's getStats dtlsRole is the other one");
	ok &= check(peer_says(r, "tlsVersion", "FEFD") &&
			    strstr(r->our_stats, "\"tlsVersion\":\"FEFD\""),
		    "DTLS 1.2 (FEFD) on both sides");
	ok &= check(r->suite == (client ? LR_SRTP_AES128_CM_SHA1_80
					: LR_SRTP_AEAD_AES_128_GCM),
		    "the SRTP profile is the DTLS server's first choice");
	ok &= check(strstr(r->our_stats,
			   client ? "\"srtpCipher\":\"AES_CM_128_HMAC_SHA1_80\""
				  : "\"srtpCipher\":\"AEAD_AES_128_GCM\"") !=
			    NULL,
		    "our getStats srtpCipher");
	ok &= check(peer_says(r, "srtpCipher",
			      client ? "SRTP_AES128_CM_HMAC_SHA1_80"
				     : "SRTP_AEAD_AES_128_GCM"),
		    "Chromium's getStats srtpCipher agrees");
	if (!client) {
		printf("  DTLS: Chromium's ClientHello: %u bytes, %u "
		       "fragments over %u datagrams before our first\n",
		       r->ch_len, r->ch_nfrag, r->ch_datagrams);
		ok &= check(r->ch_nfrag >= 2 && r->ch_datagrams >= 2 &&
				    r->ch_covered == r->ch_len,
			    "Chromium's ClientHello came whole, in fragments "
			    "over more than one datagram");
	}
	return ok;
}

static int setup(struct run *r)
{
	uint64_t serial;
	struct lr_pc_config c = {.nlocal = 1};

	if (getrandom(&serial, sizeof(serial), 0) != sizeof(serial) ||
	    bind_loopback(r))
		return -1;
	if (r->use_dp) {
		struct lr_addr lo = {.family = 4, .ip = {127, 0, 0, 1}}, b;
		struct lr_dp_config dc = {
			.backend = LR_DP_SOCK, .local = &lo, .nlocal = 1};

		if (lr_dp_new(&dc, &r->dp) || lr_dp_local_addr(r->dp, 0, &b))
			return -1;
		r->local = b;
	}
	if (lr_cert_generate(LR_CERT_ECDSA_P256, (int64_t)time(NULL), 30,
			     serial | 1, &r->cert))
		return -1;
	c.cert = r->cert;
	c.local = &r->local;
	c.rand = lr_rand_system();
	if (lr_pc_new(&c, now_us(), &r->pc))
		return -1;
	r->audio = lr_pc_add_transceiver(r->pc, "audio", LR_SDP_SENDRECV);
	r->ch = -1;
	r->ch_seq = r->peer_first_hs = r->our_first_hs = -1;
	if (!strcmp(r->mode, "we-offer"))
		r->ch = lr_pc_create_data_channel(r->pc, "echo", NULL);
	return 0;
}

/* After the hand-over, sender reports for our stream (RFC 3550 §6.4.1)
 * go through lr_dp_send_rtcp: the data plane protects them with the
 * session's SRTCP context. The browser's remote-outbound-rtp stats
 * count them and carry their packet count, which only these say. lr_pc
 * itself sends no RTCP, so the browser has had none before. */
#define SR_PACKETS 424242u
#define SR_COUNT   4

static void send_sr(struct run *r, uint64_t now)
{
	uint8_t sr[28] = {0x80, 200, 0, 6};
	struct timespec ts;
	int rc;

	clock_gettime(CLOCK_REALTIME, &ts);
	lr_wr32(sr + 4, lr_pc_transceiver_ssrc(r->pc, r->audio));
	lr_wr32(sr + 8, (uint32_t)((uint64_t)ts.tv_sec + 2208988800u));
	lr_wr32(sr + 12,
		(uint32_t)(((uint64_t)ts.tv_nsec << 32) / 1000000000u));
	lr_wr32(sr + 16, r->audio_sent * 960u);
	lr_wr32(sr + 20, SR_PACKETS);
	lr_wr32(sr + 24, SR_PACKETS * 100u);
	rc = lr_dp_send_rtcp(r->dp, 1, sr, sizeof(sr));
	if (rc)
		fprintf(stderr, "  linerate: lr_dp_send_rtcp: %d\n", rc);
	r->sr_sent += !rc;
	r->sr_at = now + 250000;
}

/* The in-process media path hands over to the data plane, which from
 * now on echoes the peer's audio back on our SSRC, numbered on from ours
 * (sequence and timestamp). */
static int handover(struct run *r)
{
	struct lr_pc_handover h;
	struct lr_dp_route rt = {
		.ssrc = r->peer_ssrc, .to = 1, .pt_from = -1, .pt_to = -1};
	struct lr_dp_session s;
	int next_in, rc;

	read_sock(r, now_us()); /* what is waiting goes through lr_pc */
	events(r);
	rc = lr_pc_media_handover(r->pc, &h);
	if (rc)
		return rc;
	next_in = lr_pc_handover_next_seq_in(&h, r->peer_ssrc);
	if (next_in < 0)
		return next_in;
	rt.out_ssrc = lr_pc_transceiver_ssrc(r->pc, r->audio);
	rt.seq_delta = (uint16_t)(h.next_seq[r->audio] - (uint16_t)next_in);
	rt.ts_delta = r->audio_sent * 960u - (r->peer_ts + 960u);
	lr_pc_dp_session(&r->kr, &h, &s);
	s.routes = &rt;
	s.nroutes = 1;
	rc = lr_dp_session_install(r->dp, 1, &s);
	memset(&s, 0, sizeof(s));
	fprintf(stderr,
		"  linerate: media handed over to the data plane "
		"(%d)\n",
		rc);
	r->handed = !rc;
	return rc;
}

static int args(int argc, char **argv, struct run *r)
{
	if (argc < 3 ||
	    (strcmp(argv[1], "werift") && strcmp(argv[1], "chromium") &&
	     strcmp(argv[1], "aiortc")) ||
	    (strcmp(argv[2], "we-offer") && strcmp(argv[2], "they-offer")))
		return -EINVAL;
	r->peer = argv[1];
	r->mode = argv[2];
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--dp") && chromium(r))
			r->use_dp = 1;
		else if (!strcmp(argv[i], "--peer-sctp-port") &&
			 !strcmp(r->peer, "aiortc") && i + 1 < argc &&
			 atoi(argv[i + 1]) > 0 && atoi(argv[i + 1]) < 65536)
			r->peer_sctp_port = argv[++i];
		else
			return -EINVAL;
	}
	return 0;
}

/* The peer's script into script, if the peer is there. */
static int installed(const struct run *r, char *script, size_t cap)
{
	if (!strcmp(r->peer, "aiortc")) {
		snprintf(script, cap, "%s/aiortc-peer.py", LR_INTEROP_PYTHON);
		return !system("/usr/bin/python3 -c 'import aiortc' "
			       ">/dev/null 2>&1");
	}
	snprintf(script, cap, "%s/node_modules/%s", LR_INTEROP_NODE,
		 !strcmp(r->peer, "werift") ? "werift" : "playwright-core");
	if (access(script, R_OK) ||
	    (chromium(r) && access("/usr/bin/chromium", X_OK)))
		return 0;
	snprintf(script, cap, "%s/%s-peer.mjs", LR_INTEROP_NODE, r->peer);
	return 1;
}

int main(int argc, char **argv)
{
	struct run r = {0};
	char script[512];
	uint64_t deadline, asked = 0;
	int ok;

	if (args(argc, argv, &r)) {
		fprintf(stderr, "usage: pc_peer <werift|chromium|aiortc> "
				"<we-offer|they-offer> [--dp (chromium)] "
				"[--peer-sctp-port N (aiortc)]\n");
		return 2;
	}
	if (!installed(&r, script, sizeof(script))) {
		printf("skip: %s is not installed (./run.sh test installs it)\n",
		       r.peer);
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	if (setup(&r) || spawn(&r, script)) {
		fprintf(stderr, "pc_peer: setup failed\n");
		return 1;
	}
	if (!strcmp(r.mode, "we-offer"))
		send_offer_or_answer(&r, 1);
	deadline = now_us() + DEADLINE_S * 1000000ull;
	while (!r.failed && now_us() < deadline && !r.reported) {
		struct pollfd p[2] = {
			{.fd = r.use_dp ? lr_dp_punt_fd(r.dp) : r.sock,
			 .events = POLLIN},
			{.fd = r.from_child, .events = POLLIN}};
		uint64_t now = now_us(), t = lr_pc_poll_timeout(r.pc);
		int ms = t == UINT64_MAX ? 20
			 : t <= now	 ? 0
					 : (int)((t - now) / 1000) + 1;

		poll(p, 2, ms > 20 ? 20 : ms);
		now = now_us();
		if (p[1].revents & (POLLIN | POLLHUP))
			read_child(&r);
		read_sock(&r, now);
		lr_pc_handle_timeout(r.pc, now);
		events(&r);
		media(&r, now);
		if (r.handed && r.sr_sent < SR_COUNT && now >= r.sr_at)
			send_sr(&r, now);
		if (chromium(&r) && r.keys && r.open && !r.dtmf_asked) {
			/* RTCDTMFSender in the browser, decoded here */
			to_child(&r, "dtmf", "tones", "123#", NULL, NULL);
			r.dtmf_asked = 1;
		}
		flush(&r);
		if (done(&r) && !asked) {
			/* give the last packets a moment, then ask; with a
			 * data plane, first hand over and let it echo 1.5 s */
			if (r.use_dp && handover(&r))
				r.failed = 1;
			asked = now + (r.use_dp ? 1500000 : 300000);
		}
		if (asked && now >= asked && asked != 1) {
			to_child(&r, "report", NULL, NULL, NULL, NULL);
			asked = 1;
		}
	}
	if (lr_pc_get_stats(r.pc, r.our_stats, sizeof(r.our_stats)) < 0)
		r.our_stats[0] = '\0';
	ok = !r.failed && done(&r) && r.reported && r.peer_rx >= 50 &&
	     !r.bad_echoes && peer_agrees(&r);
	ok = dtls_facts(&r) && ok;
	if (r.use_dp) {
		/* the browser got our 100 and then its own audio back, through
		 * the data plane, and decrypted them (inbound-rtp counts
		 * authentic packets only) */
		lr_dp_session_stats(r.dp, 1, &r.dps);
		ok = ok && r.handed && r.dps.tx_packets >= 50 &&
		     r.peer_rx >= (long long)AUDIO_PACKETS + 50 &&
		     /* no gap in our numbering across the switch */
		     jsonl_int(r.peer_info, "packetsLost", -1) == 0 &&
		     /* our SRTCP from the data plane, authenticated */
		     r.sr_sent == SR_COUNT &&
		     jsonl_int(r.peer_info, "srReports", -1) >= 1 &&
		     jsonl_int(r.peer_info, "srPackets", -1) == SR_PACKETS;
		printf("  data plane: %llu packets in, %llu out after the "
		       "hand-over; %u sender reports sent, %lld counted by "
		       "the peer\n",
		       (unsigned long long)r.dps.rx_packets,
		       (unsigned long long)r.dps.tx_packets, r.sr_sent,
		       jsonl_int(r.peer_info, "srReports", -1));
	}
	if (chromium(&r))
		ok = ok && !strcmp(r.dtmf, "123#") && !r.dtmf_bad_duration;
	if (!strcmp(r.peer, "aiortc"))
		ok = sctp_syntax_check(r.pc, !strcmp(r.mode, "they-offer"),
				       r.peer_sctp_port ? atoi(r.peer_sctp_port)
							: LR_SCTP_PORT,
				       r.peer_info) &&
		     ok;
	if (!strcmp(r.peer, "werift"))
		ok = ok && r.rtp_echo_ok >= 50;
	else
		ok = ok && r.rtp_peer_media >= 20;
	printf("%s %s: %s\n  linerate: DTLS %s, SRTP suite %#06x, "
	       "%d/%d messages echoed, audio sent %u, RTP received %u "
	       "(%u our own echoed, %u the peer's), DTMF received \"%s\"\n"
	       "  peer: %s\n",
	       r.peer, r.mode, ok ? "PASS" : "FAIL",
	       r.dtls_client ? "client" : "server", r.suite, r.echoes, MESSAGES,
	       r.audio_sent, r.rtp_in, r.rtp_echo_ok, r.rtp_peer_media, r.dtmf,
	       r.peer_info[0] ? r.peer_info : "(no report)");
	to_child(&r, "bye", NULL, NULL, NULL, NULL);
	close(r.to_child);
	usleep(200000);
	kill(r.child, SIGTERM);
	waitpid(r.child, NULL, 0);
	lr_pc_free(r.pc);
	lr_dp_free(r.dp);
	lr_cert_free(r.cert);
	close(r.sock);
	return ok ? 0 : 1;
}
