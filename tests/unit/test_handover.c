/*
 * Hand-over from lr_pc's in-process media path to the data plane, over
 * real UDP on 127.0.0.1. P is a peer (an lr_pc on its own socket); G is a
 * gateway: an lr_pc whose datagrams go through an lr_dp (sock backend),
 * which punts to it everything that is not an installed flow.
 *
 * P sends 400 audio packets, one every 4 ms. G echoes them back: first
 * in process (lr_pc decrypts, the test re-sends with lr_pc_send_rtp),
 * then, after about 150, through the data plane, installed with lr_pc's
 * stream state and a route back to P with G's SSRC and a sequence offset
 * that continues lr_pc's numbering. P must see every echo exactly once,
 * with consecutive sequence numbers across the switch.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "linerate/lr_dp.h"
#include "linerate/lr_pc.h"
#include "linerate/lr_rtp.h"
#include "lr_test.h"

#define TOTAL	  400
#define SWITCH_AT 150

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

struct world {
	struct lr_dp *dp;
	struct lr_pc *g, *p;
	int pfd;
	struct lr_addr paddr, gaddr;
	struct lr_pc_keys gkeys;
	int gready, pready, switched;
	unsigned sent, echoed_inproc, injected;
	/* what P received from G */
	uint16_t seq[TOTAL * 2];
	uint32_t tag[TOTAL * 2];
	unsigned got;
	struct lr_cert *cert[2];
};

static void trickle(struct lr_pc *to, const struct lr_pc_event *ev)
{
	if (ev->type == LR_PC_EV_ICE_CANDIDATE && lr_pc_remote_description(to))
		lr_pc_add_ice_candidate(to, ev->cand);
}

static void g_events(struct world *w)
{
	struct lr_pc_event ev;

	while (lr_pc_poll_event(w->g, &ev)) {
		trickle(w->p, &ev);
		if (ev.type == LR_PC_EV_KEYS_READY) {
			w->gkeys = ev.keys;
			w->gready = 1;
		}
		if (ev.type == LR_PC_EV_RTP && !w->switched) {
			/* the in-process path: echo it */
			if (!lr_pc_send_rtp(w->g, 0, ev.rtp.pt, ev.rtp.ts,
					    ev.rtp.marker, ev.data, ev.len))
				w->echoed_inproc++;
		}
		lr_pc_event_clear(&ev);
	}
}

static void p_events(struct world *w)
{
	struct lr_pc_event ev;

	while (lr_pc_poll_event(w->p, &ev)) {
		trickle(w->g, &ev);
		if (ev.type == LR_PC_EV_KEYS_READY)
			w->pready = 1;
		if (ev.type == LR_PC_EV_RTP && ev.len >= 4 &&
		    w->got < TOTAL * 2) {
			w->seq[w->got] = ev.rtp.seq;
			memcpy(&w->tag[w->got], ev.data, 4);
			w->got++;
		}
		lr_pc_event_clear(&ev);
	}
}

static void flush(struct world *w)
{
	struct lr_pc_transmit t;

	while (lr_pc_poll_transmit(w->p, &t)) {
		struct sockaddr_in to = {.sin_family = AF_INET,
					 .sin_port = htons(t.remote.port)};

		memcpy(&to.sin_addr, t.remote.ip, 4);
		sendto(w->pfd, t.buf, t.len, 0, (struct sockaddr *)&to,
		       sizeof(to));
	}
	while (lr_pc_poll_transmit(w->g, &t)) {
		struct lr_addr l = t.local, r = t.remote;

		CU_ASSERT_EQUAL(lr_dp_send(w->dp, &l, &r, t.buf, t.len), 0);
	}
}

static void pump(struct world *w)
{
	uint8_t buf[2048];
	struct lr_dp_punt pu;
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;
	uint64_t now = now_us();

	while ((n = recvfrom(w->pfd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl)) > 0) {
		struct lr_addr r = {.family = 4, .port = ntohs(from.sin_port)};

		memcpy(r.ip, &from.sin_addr, 4);
		lr_pc_handle_packet(w->p, now, &w->paddr, &r, buf, (size_t)n);
		fl = sizeof(from);
	}
	while (lr_dp_poll_punt(w->dp, &pu)) {
		struct lr_addr l = pu.local, r = pu.remote;

		if (lr_pc_handle_packet(w->g, now, &l, &r, pu.buf, pu.len) ==
		    -EXDEV) {
			/* media that reached lr_pc after the hand-over */
			lr_dp_inject(w->dp, &pu.local, &pu.remote, pu.buf,
				     pu.len);
			w->injected++;
		}
	}
	lr_pc_handle_timeout(w->p, now);
	lr_pc_handle_timeout(w->g, now);
	g_events(w);
	p_events(w);
	flush(w);
}

static void handover(struct world *w)
{
	struct lr_pc_handover h;
	struct lr_dp_route r = {.to = 1, .pt_from = -1, .pt_to = -1};
	struct lr_dp_session s;
	uint32_t pssrc = lr_pc_transceiver_ssrc(w->p, 0);
	int next_in;

	/* what is already waiting goes through lr_pc first */
	pump(w);
	CU_ASSERT_EQUAL_FATAL(lr_pc_media_handover(w->g, &h), 0);
	w->switched = 1;
	next_in = lr_pc_handover_next_seq_in(&h, pssrc);
	CU_ASSERT_FATAL(next_in >= 0);
	/* G's echo: P's packets back to P, on G's SSRC, numbered on from
	 * where lr_pc stopped; timestamps as they came (as the echo did) */
	r.ssrc = pssrc;
	r.out_ssrc = lr_pc_transceiver_ssrc(w->g, 0);
	r.seq_delta = (uint16_t)(h.next_seq[0] - (uint16_t)next_in);
	lr_pc_dp_session(&w->gkeys, &h, &s);
	s.routes = &r;
	s.nroutes = 1;
	CU_ASSERT_EQUAL(lr_dp_session_install(w->dp, 1, &s), 0);
}

static void setup_world(struct world *w)
{
	struct lr_addr lo = {.family = 4, .ip = {127, 0, 0, 1}}, bound;
	struct lr_dp_config dc = {
		.backend = LR_DP_SOCK, .local = &lo, .nlocal = 1};
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof(a);
	static char sdp[65536];

	memset(w, 0, sizeof(*w));
	CU_ASSERT_EQUAL_FATAL(lr_dp_new(&dc, &w->dp), 0);
	lr_dp_local_addr(w->dp, 0, &bound);
	w->gaddr = bound;
	w->pfd = socket(AF_INET, SOCK_DGRAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL(!bind(w->pfd, (struct sockaddr *)&a, sizeof(a)));
	getsockname(w->pfd, (struct sockaddr *)&a, &al);
	w->paddr = (struct lr_addr){.family = 4, .port = ntohs(a.sin_port)};
	memcpy(w->paddr.ip, &a.sin_addr, 4);
	for (int i = 0; i < 2; i++) {
		struct lr_pc_config c = {.nlocal = 1, .rand = lr_rand_system()};

		lr_cert_generate(LR_CERT_ECDSA_P256, (int64_t)time(NULL), 30,
				 (uint64_t)i + 5, &w->cert[i]);
		c.cert = w->cert[i];
		c.local = i ? &w->paddr : &w->gaddr;
		CU_ASSERT_EQUAL_FATAL(
			lr_pc_new(&c, now_us(), i ? &w->p : &w->g), 0);
	}
	lr_pc_add_transceiver(w->p, "audio", LR_SDP_SENDRECV);
	lr_pc_add_transceiver(w->g, "audio", LR_SDP_SENDRECV);
	CU_ASSERT_FATAL(lr_pc_create_offer(w->p, sdp, sizeof(sdp)) > 0);
	lr_pc_set_local_description(w->p, LR_PC_OFFER, sdp, NULL);
	CU_ASSERT_EQUAL_FATAL(
		lr_pc_set_remote_description(w->g, LR_PC_OFFER, sdp, NULL), 0);
	CU_ASSERT_FATAL(lr_pc_create_answer(w->g, sdp, sizeof(sdp)) > 0);
	lr_pc_set_local_description(w->g, LR_PC_ANSWER, sdp, NULL);
	CU_ASSERT_EQUAL_FATAL(
		lr_pc_set_remote_description(w->p, LR_PC_ANSWER, sdp, NULL), 0);
}

static void test_handover_continuity(void)
{
	struct world w;
	uint64_t deadline, next_send = 0;
	unsigned gaps = 0, dups = 0;
	struct lr_dp_session_stats ss;

	setup_world(&w);
	deadline = now_us() + 20000000;
	while (now_us() < deadline && (w.sent < TOTAL || w.got < TOTAL)) {
		struct pollfd pf[2] = {
			{.fd = w.pfd, .events = POLLIN},
			{.fd = lr_dp_punt_fd(w.dp), .events = POLLIN}};
		uint64_t now = now_us();

		poll(pf, 2, 2);
		pump(&w);
		if (w.gready && w.pready && w.sent < TOTAL &&
		    now >= next_send) {
			uint8_t pl[100] = {0};
			uint32_t k = w.sent;

			memcpy(pl, &k, 4);
			if (!lr_pc_send_rtp(w.p, 0, -1, k * 960, k == 0, pl,
					    sizeof(pl)))
				w.sent++;
			next_send = now + 4000;
		}
		if (!w.switched && w.echoed_inproc >= SWITCH_AT)
			handover(&w);
	}
	CU_ASSERT_EQUAL(w.sent, TOTAL);
	CU_ASSERT(w.switched);
	CU_ASSERT(w.echoed_inproc >= SWITCH_AT);
	CU_ASSERT_EQUAL_FATAL(w.got, TOTAL);
	for (unsigned i = 1; i < w.got; i++) {
		gaps += w.seq[i] != (uint16_t)(w.seq[i - 1] + 1);
		dups += w.tag[i] <= w.tag[i - 1];
	}
	CU_ASSERT_EQUAL(gaps, 0);
	CU_ASSERT_EQUAL(dups, 0);
	CU_ASSERT_EQUAL(w.tag[w.got - 1], TOTAL - 1);
	/* the data plane carried the rest */
	CU_ASSERT_EQUAL(lr_dp_session_stats(w.dp, 1, &ss), 0);
	CU_ASSERT_EQUAL(ss.tx_packets + w.echoed_inproc, TOTAL);
	lr_pc_free(w.p);
	lr_pc_free(w.g);
	lr_dp_free(w.dp);
	close(w.pfd);
	lr_cert_free(w.cert[0]);
	lr_cert_free(w.cert[1]);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("handover", NULL, NULL);

	LR_ADD_TEST(s, test_handover_continuity);
}
