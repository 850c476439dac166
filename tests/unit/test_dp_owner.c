/*
 * Issue 12, defect 5: with several workers, one owner per SRTP stream.
 *
 * Two workers (SO_REUSEPORT; each peer's datagrams reach the worker the
 * steering names for its port). A publisher's stream goes to one
 * subscriber under one outgoing SSRC, through every move that can put
 * the stream's SRTP state on another worker mid-stream: the publisher's
 * address moves to the other worker's (its flow, rx, and the legs it
 * makes, tx, change worker), then the route switches to a publisher on
 * the first worker feeding the same SSRC, then both publishers feed it
 * at once with the same sequence numbers (a hostile one reusing the
 * other's SSRC). The stream crosses a sequence-number wrap before the
 * first move, so its state has ROC 1 when it moves (a copy starting
 * afresh would use ROC 0: indices the stream used before, keystream
 * again). The subscriber's receiver is libsrtp2, which rejects replays:
 * every packet delivered must be accepted, and no (SSRC, index) is
 * delivered twice. Replays of the publisher's packets to its new
 * worker, and one that reaches the old worker past the steering (IPv4
 * options), are refused.
 *
 * Each batch is followed by a settle: the data plane's counters show
 * every datagram taken, and one more round of commands has passed every
 * worker (a worker serves the streams others asked it for before its
 * commands), so what each phase loses is known exactly: the one packet
 * that asked for a stream held elsewhere.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linerate/lr_dp.h"
#include "linerate/lr_rtp.h"
#include "dp_peers.h"

#define BATCH  64
#define MAXLOG 73728
#define CYCLE  66000 /* packets after the move: X's ROC passes 2 */

/* What the subscriber accepted: (SSRC, index), and what it rejected. */
struct sublog {
	uint64_t key[MAXLOG]; /* index | SSRC << 48 */
	unsigned n, rejected;
	int have;
	uint64_t hi; /* the highest index, as libsrtp2 keeps it */
};

static struct sublog sl;

/* The index libsrtp2 gives a packet with sequence number seq (RFC 3711
 * Appendix A, with libsrtp's ROC 0 while the highest is <= 0x8000). */
static uint64_t sub_index(struct sublog *l, uint16_t seq)
{
	uint64_t g = seq;

	if (l->have && l->hi > 0x8000) {
		uint32_t roc = (uint32_t)(l->hi >> 16);
		int ls = (int)(l->hi & 0xffff), s = seq;

		if (ls < 0x8000 && s - ls > 0x8000)
			roc--;
		else if (ls >= 0x8000 && ls - 0x8000 > s)
			roc++;
		g = (uint64_t)roc << 16 | seq;
	}
	if (!l->have || g > l->hi)
		l->hi = g;
	l->have = 1;
	return g;
}

/* Receive exactly n legs (2 s of silence: fewer); each one unprotected
 * by the subscriber's libsrtp2 and logged. */
static unsigned take_legs(struct peer *sub, unsigned n)
{
	unsigned got = 0;
	uint8_t buf[2048];

	while (got < n) {
		struct pollfd pf = {.fd = sub->fd, .events = POLLIN};
		int len;
		uint64_t idx;
		uint32_t roc = 0;

		if (poll(&pf, 1, 2000) <= 0)
			break;
		len = (int)recv(sub->fd, buf, sizeof(buf), 0);
		if (len <= 0)
			break;
		got++;
		if (srtp_unprotect(sub->rx, buf, &len) != srtp_err_status_ok) {
			sl.rejected++;
			continue;
		}
		idx = sub_index(&sl, lr_rtp_seq(buf));
		/* our estimate is libsrtp2's: its ROC, for the highest */
		if (idx == sl.hi)
			CU_ASSERT(srtp_get_stream_roc(sub->rx, lr_rtp_ssrc(buf),
						      &roc) ==
					  srtp_err_status_ok &&
				  roc == idx >> 16);
		if (sl.n < MAXLOG)
			sl.key[sl.n++] = idx | (uint64_t)lr_rtp_ssrc(buf) << 48;
	}
	return got;
}

static int cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* No (SSRC, index) delivered twice. */
static unsigned repeats(void)
{
	static uint64_t k[MAXLOG];
	unsigned r = 0;

	memcpy(k, sl.key, sl.n * sizeof(k[0]));
	qsort(k, sl.n, sizeof(k[0]), cmp64);
	for (unsigned i = 1; i < sl.n; i++)
		r += k[i] == k[i - 1];
	return r;
}

/* The worker a peer's datagrams reach: (the address's last 32 bits XOR
 * the port) mod 2, the steering of lr_dp.h. */
static unsigned steer2(const struct peer *p)
{
	return ((1u ^ p->addr.port) & 1u);
}

/* A peer on worker w. */
static void open_on(struct peer *p, unsigned w)
{
	for (int tries = 0; tries < 100; tries++) {
		peer_open(p, 0, LR_SRTP_AEAD_AES_128_GCM);
		if (steer2(p) == w)
			return;
		peer_close(p);
	}
	CU_FAIL_FATAL("no port for the worker");
}

/* Until the data plane has taken rx datagrams in all, then one more
 * round of commands on every worker (requests posted so far served). */
static void settle(struct lr_dp *dp, uint64_t rx)
{
	struct lr_dp_stats st;

	for (int i = 0; i < 5000; i++) {
		lr_dp_stats(dp, &st);
		if (st.rx_packets >= rx)
			break;
		usleep(2000);
	}
	CU_ASSERT_EQUAL(st.rx_packets, rx);
	lr_dp_stats(dp, &st);
}

static uint64_t sess_tx(struct lr_dp *dp, uint64_t id)
{
	struct lr_dp_session_stats ss;

	CU_ASSERT_EQUAL(lr_dp_session_stats(dp, id, &ss), 0);
	return ss.tx_packets;
}

/* The test's state: the data plane, its address and what it was sent,
 * the subscriber and how many legs it took. */
struct run {
	struct lr_dp *dp;
	struct lr_addr to;
	uint64_t sent;
	struct peer sub;
	uint64_t legs;
};

/* Settle, then take every leg the subscriber's session sent since. */
static unsigned sync_legs(struct run *r)
{
	uint64_t tx;
	unsigned got;

	settle(r->dp, r->sent);
	tx = sess_tx(r->dp, 100);
	got = take_legs(&r->sub, (unsigned)(tx - r->legs));
	CU_ASSERT_EQUAL(got, tx - r->legs);
	r->legs = tx;
	return got;
}

/* n packets of pub (as sent from the socket of via), in batches. */
static unsigned feed(struct run *r, struct peer *pub, struct peer *via,
		     unsigned n)
{
	uint8_t buf[256];
	unsigned got = 0;

	for (unsigned i = 0; i < n; i++) {
		int len = make_rtp_len(pub, i, buf, 20);

		send_to(via, &r->to, buf, (size_t)len);
		r->sent++;
		if ((i + 1) % BATCH == 0 || i + 1 == n)
			got += sync_legs(r);
	}
	return got;
}

static void send_one(struct run *r, struct peer *via, const uint8_t *buf,
		     int len)
{
	send_to(via, &r->to, buf, (size_t)len);
	r->sent++;
}

static struct lr_dp_session_stats sstats(struct lr_dp *dp, uint64_t id)
{
	struct lr_dp_session_stats ss;

	CU_ASSERT_EQUAL(lr_dp_session_stats(dp, id, &ss), 0);
	return ss;
}

static uint64_t wdrops(struct lr_dp *dp, unsigned w, unsigned why)
{
	struct lr_dp_stats st;

	CU_ASSERT_EQUAL(lr_dp_worker_stats(dp, w, &st), 0);
	return st.drops[why];
}

/* Session id's remote and routes (key_len 0: its keys kept). */
static int update(struct lr_dp *dp, uint64_t id, const struct lr_addr *remote,
		  const struct lr_dp_route *rt, unsigned nrt)
{
	struct lr_dp_session s = {.local = dp_local(dp, 0),
				  .remote = *remote,
				  .routes = rt,
				  .nroutes = nrt};

	return lr_dp_session_update(dp, id, &s);
}

static struct lr_dp *open2(void)
{
	struct lr_addr local = loop_addr(0);
	struct lr_dp_config c = {.backend = dp_backend,
				 .local = &local,
				 .nlocal = 1,
				 .workers = 2};
	struct lr_dp *dp;

	CU_ASSERT_EQUAL_FATAL(lr_dp_new(&c, &dp), 0);
	return dp;
}

/*
 * Issue 12, defect 5 (the regression test): publisher P (id 1) starts
 * on worker A and moves to worker B (a new address, pm); then the route
 * switches to publisher Q (id 2) on A, feeding the same outgoing SSRC X
 * of subscriber T (id 100); then P and Q both feed X. Before the fix B
 * started P's flow and X afresh (ROC 0): libsrtp2 rejected what it was
 * sent, B accepted replays of P's packets, and A's stale copy accepted
 * what B had accepted.
 */
static void test_stream_moves(void)
{
	struct run r = {0};
	struct peer p, pm, q;
	const uint32_t X = 0x5eed0001;
	struct lr_dp_route rp = {
		.to = 100, .out_ssrc = X, .pt_from = -1, .pt_to = -1};
	struct lr_dp_route rq = rp;
	struct lr_dp_session_stats ss;
	uint8_t held[256], replay[256], last[256], buf[256];
	int held_len = 0, replay_len = 0, last_len = 0, len;
	unsigned a, b, got;
	static const uint8_t opt_to[2][4] = {{1, 1, 1, 0}, {1, 0, 1, 0}};
	uint64_t n1;

	memset(&sl, 0, sizeof(sl));
	r.dp = open2();
	r.to = dp_local(r.dp, 0);
	peer_open(&r.sub, 0, LR_SRTP_AEAD_AES_128_GCM);
	open_on(&p, 0);
	a = steer2(&p);
	b = a ^ 1;
	open_on(&pm, b);
	open_on(&q, a);
	CU_ASSERT_EQUAL(install(r.dp, 100, &r.sub, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(r.dp, 1, &p, 0, &rp, 1), 0);
	CU_ASSERT_EQUAL(install(r.dp, 2, &q, 0, NULL, 0), 0);

	/* 1. P on A across the wrap: ROC 1 at P's sender and on X. One
	 * packet is held back (never sent before the move), one kept to
	 * replay, and the last one sent. */
	p.seq = (uint16_t)(65536 - 300);
	for (unsigned i = 0; i < 600; i++) {
		len = make_rtp_len(&p, i, buf, 20);
		if (i == 10)
			memcpy(replay, buf, (size_t)(replay_len = len));
		if (i == 590) {
			memcpy(held, buf, (size_t)(held_len = len));
			continue;
		}
		if (i == 599)
			memcpy(last, buf, (size_t)(last_len = len));
		send_one(&r, &p, buf, len);
		if ((i + 1) % BATCH == 0 || i + 1 == 600)
			sync_legs(&r);
	}
	CU_ASSERT_EQUAL(r.legs, 599);
	CU_ASSERT_EQUAL(sl.hi >> 16, 1); /* X wrapped */

	/* 2. P moves to pm's address: B owns its flow now, with A's
	 * streams: the held packet (inside the replay window, never seen)
	 * passes, it again, the last one and an old one are replays */
	CU_ASSERT_EQUAL(update(r.dp, 1, &pm.addr, &rp, 1), 0);
	send_one(&r, &pm, held, held_len);
	send_one(&r, &pm, held, held_len);
	send_one(&r, &pm, last, last_len);
	send_one(&r, &pm, replay, replay_len);
	sync_legs(&r); /* the held one asked A for X: not sent */
	ss = sstats(r.dp, 1);
	CU_ASSERT_EQUAL(ss.rx_packets, 600);
	CU_ASSERT_EQUAL(ss.drops[LR_DROP_REPLAY], 2);
	CU_ASSERT_EQUAL(ss.drops[LR_DROP_REPLAY_OLD], 1);
	CU_ASSERT_EQUAL(ss.drops[LR_DROP_AUTH], 0);
	CU_ASSERT_EQUAL(sstats(r.dp, 100).drops[LR_DROP_NOT_OWNER], 1);
	/* A packet B accepts (X comes over from A with it), sent again
	 * with IPv4 options, which the steering reads as the port: it
	 * reaches A, which no longer owns the flow (before the fix, its
	 * old copy accepted it again). */
	n1 = r.legs;
	len = make_rtp_len(&p, 700, buf, 20);
	send_one(&r, &pm, buf, len);
	sync_legs(&r);
	CU_ASSERT_EQUAL(setsockopt(pm.fd, IPPROTO_IP, IP_OPTIONS, opt_to[a], 4),
			0);
	send_one(&r, &pm, buf, len);
	CU_ASSERT_EQUAL(setsockopt(pm.fd, IPPROTO_IP, IP_OPTIONS, NULL, 0), 0);
	sync_legs(&r);
	CU_ASSERT_EQUAL(wdrops(r.dp, a, LR_DROP_NOT_OWNER), 1);
	CU_ASSERT_EQUAL(sstats(r.dp, 1).rx_packets, 601);
	CU_ASSERT_EQUAL(r.legs, n1 + 1);
	/* then a whole sequence-number cycle and more on B: X goes on
	 * from A's ROC 1 into ROC 2, never back over an index A used */
	got = feed(&r, &p, &pm, CYCLE);
	CU_ASSERT_EQUAL(got, CYCLE);
	CU_ASSERT_EQUAL(sl.hi >> 16, 2);
	CU_ASSERT_EQUAL(sstats(r.dp, 1).rx_packets, 601 + CYCLE);

	/* 3. The route switches to Q on A, same X, numbering carried on:
	 * its first packet asks B for X (dropped), the rest go out. */
	CU_ASSERT_EQUAL(update(r.dp, 1, &pm.addr, NULL, 0), 0);
	rq.seq_delta = (uint16_t)(p.seq - q.seq);
	CU_ASSERT_EQUAL(update(r.dp, 2, &q.addr, &rq, 1), 0);
	n1 = r.legs;
	CU_ASSERT_EQUAL(feed(&r, &q, &q, 1), 0);
	got = feed(&r, &q, &q, 600);
	CU_ASSERT_EQUAL(got, 600);
	CU_ASSERT_EQUAL(sstats(r.dp, 100).drops[LR_DROP_NOT_OWNER], 2);

	/* 4. P feeds X too, its packets numbered as Q's: X goes back and
	 * forth between A and B, one index never used twice (how many of
	 * either go out depends on the timing of the hand-overs: the
	 * second of two packets numbered alike is a replay, and a worker
	 * may hand X over before its own packets come); then Q stops and
	 * X, whoever had it last, is whole for P. */
	rp.seq_delta = (uint16_t)(q.seq + rq.seq_delta - p.seq);
	CU_ASSERT_EQUAL(update(r.dp, 1, &pm.addr, &rp, 1), 0);
	for (unsigned i = 0; i < 400; i++) {
		len = make_rtp_len(&p, i, buf, 20);
		send_one(&r, &pm, buf, len);
		memcpy(last, buf, (size_t)(last_len = len));
		len = make_rtp_len(&q, i, buf, 20);
		send_one(&r, &q, buf, len);
		if ((i + 1) % (BATCH / 2) == 0)
			sync_legs(&r);
	}
	sync_legs(&r);
	CU_ASSERT(feed(&r, &p, &pm, 1) <= 1); /* it may ask A for X */
	CU_ASSERT_EQUAL(feed(&r, &p, &pm, 50), 50);

	/* 5. P moves back to its first address: A takes its flow over
	 * again, from B (not the copy A had before): what B accepted is a
	 * replay there; X follows P to A (its first packet may ask B) */
	CU_ASSERT_EQUAL(update(r.dp, 1, &p.addr, &rp, 1), 0);
	send_one(&r, &p, last, last_len);
	sync_legs(&r);
	CU_ASSERT_EQUAL(sstats(r.dp, 1).drops[LR_DROP_REPLAY], 3);
	CU_ASSERT(feed(&r, &p, &p, 1) <= 1);
	CU_ASSERT_EQUAL(feed(&r, &p, &p, 200), 200);

	/* what the subscriber saw, from every phase */
	CU_ASSERT_EQUAL(sl.rejected, 0);
	CU_ASSERT_EQUAL(repeats(), 0);
	CU_ASSERT_EQUAL(sl.n, r.legs);
	peer_close(&p);
	peer_close(&pm);
	peer_close(&q);
	peer_close(&r.sub);
	lr_dp_free(r.dp);
}

/*
 * Issue 12, defect 5 (memory lifetime of the hand-over): two publishers
 * on the two workers feed one SSRC of a subscriber, so the workers keep
 * asking each other for it, while the subscriber's session is removed
 * and installed again under the same id (a new peer, new keys) five
 * times, with requests about the old session still in the workers'
 * rings (they name it by id and install generation: ignored, never
 * followed to freed memory; the sanitizer builds run this). The last
 * one's stream is whole: every leg accepted by libsrtp2, none twice.
 */
static void test_remove_while_asked(void)
{
	struct run r = {0};
	struct peer p, q, old[5];
	struct lr_dp_route rt = {
		.to = 100, .out_ssrc = 0x5eed0002, .pt_from = -1, .pt_to = -1};
	struct lr_dp_route rq = rt;
	struct lr_dp_stats st;
	uint8_t buf[256];
	int len;

	memset(&sl, 0, sizeof(sl));
	r.dp = open2();
	r.to = dp_local(r.dp, 0);
	open_on(&p, 0);
	open_on(&q, 1);
	CU_ASSERT_EQUAL(install(r.dp, 1, &p, 0, &rt, 1), 0);
	rq.seq_delta = (uint16_t)(p.seq - q.seq); /* numbered as P's */
	CU_ASSERT_EQUAL(install(r.dp, 2, &q, 0, &rq, 1), 0);
	for (unsigned gen = 0; gen < 5; gen++) {
		/* (the old subscribers' sockets stay open: no port of
		 * theirs is the new one's) */
		peer_open(&old[gen], 0, LR_SRTP_AEAD_AES_128_GCM);
		r.sub = old[gen];
		CU_ASSERT_EQUAL(install(r.dp, 100, &r.sub, 0, NULL, 0), 0);
		for (unsigned i = 0; i < BATCH; i++) {
			len = make_rtp_len(&p, i, buf, 20);
			send_one(&r, &p, buf, len);
			len = make_rtp_len(&q, i, buf, 20);
			send_one(&r, &q, buf, len);
		}
		if (gen == 4)
			break;
		CU_ASSERT_EQUAL(lr_dp_session_remove(r.dp, 100), 0);
	}
	/* the last subscriber: what its session sent, all of it good */
	sync_legs(&r);
	for (unsigned i = 0; i < 200; i++) {
		len = make_rtp_len(&p, i, buf, 20);
		send_one(&r, &p, buf, len);
		len = make_rtp_len(&q, i, buf, 20);
		send_one(&r, &q, buf, len);
		if ((i + 1) % (BATCH / 2) == 0)
			sync_legs(&r);
	}
	sync_legs(&r);
	/* Q stops: the stream, wherever it is, is whole for P */
	CU_ASSERT(feed(&r, &p, &p, 1) <= 1);
	CU_ASSERT_EQUAL(feed(&r, &p, &p, 50), 50);
	CU_ASSERT_EQUAL(sl.rejected, 0);
	CU_ASSERT_EQUAL(repeats(), 0);
	CU_ASSERT_EQUAL(sl.n, r.legs);
	lr_dp_stats(r.dp, &st);
	CU_ASSERT_EQUAL(st.sessions, 3);
	CU_ASSERT_EQUAL(lr_dp_session_remove(r.dp, 100), 0);
	for (unsigned gen = 0; gen < 5; gen++)
		peer_close(&old[gen]);
	peer_close(&p);
	peer_close(&q);
	lr_dp_free(r.dp); /* with requests maybe still in the rings */
}

/* The subscriber's libsrtp2 receiver for X only, at ROC roc (what the
 * in-process path had sent it before the hand-over). */
static void sub_rx_at(struct peer *sub, uint32_t x, uint32_t roc)
{
	srtp_policy_t pol;

	srtp_dealloc(sub->rx);
	memcpy(sub->rxkey, sub->from_dp.key, sub->from_dp.key_len);
	memcpy(sub->rxkey + sub->from_dp.key_len, sub->from_dp.salt,
	       sub->from_dp.salt_len);
	lr_test_ls_policy(&pol, sub->from_dp.suite, sub->rxkey, 1);
	pol.ssrc.type = ssrc_specific;
	pol.ssrc.value = x;
	CU_ASSERT_FATAL(srtp_create(&sub->rx, &pol) == srtp_err_status_ok);
	CU_ASSERT_FATAL(srtp_set_stream_roc(sub->rx, x, roc) ==
			srtp_err_status_ok);
}

/*
 * Issue 12, defect 5 (lr_pc's hand-over, tx_state, with workers): the
 * subscriber's session comes with X's state as lr_pc left it (index
 * 1:1000, SRTCP index 5). Before the fix every worker imported it, each
 * its own copy, so after publisher P on A used 1:1001..1010, a route
 * switch to Q on B, whose numbering (hostile, or a bad offset) lands on
 * 1005, had B protect 1005..1010 again: keystream twice, replays at the
 * subscriber. Now the state is parked in the table until one worker
 * takes it, goes from A to B with its window, and B sends only what A
 * did not; X's SRTCP goes on from 5 on the session's SRTCP worker.
 */
static void test_install_state_parked(void)
{
	struct run r = {0};
	struct peer p, q;
	const uint32_t X = 0x5eed0003;
	struct lr_srtp_stream_state xs = {
		.ssrc = X, .rtp_index = 0x10000 + 1000, .rtcp_index = 5};
	struct lr_dp_session t;
	struct lr_dp_route rp = {
		.to = 100, .out_ssrc = X, .pt_from = -1, .pt_to = -1};
	struct lr_dp_route rq = rp;
	uint8_t sr[28] = {0x80, 200, 0, 6}, buf[256];
	ssize_t n;
	int len;

	memset(&sl, 0, sizeof(sl));
	r.dp = open2();
	r.to = dp_local(r.dp, 0);
	peer_open(&r.sub, 0, LR_SRTP_AEAD_AES_128_GCM);
	sub_rx_at(&r.sub, X, 1);
	sl.have = 1;
	sl.hi = xs.rtp_index;
	open_on(&p, 0);
	open_on(&q, 1);
	t = (struct lr_dp_session){.local = r.to,
				   .remote = r.sub.addr,
				   .tx = r.sub.from_dp,
				   .rx = r.sub.to_dp,
				   .tx_state = &xs,
				   .ntx_state = 1};
	CU_ASSERT_EQUAL(lr_dp_session_install(r.dp, 100, &t), 0);
	rp.seq_delta = (uint16_t)(1001 - p.seq);
	CU_ASSERT_EQUAL(install(r.dp, 1, &p, 0, &rp, 1), 0);
	CU_ASSERT_EQUAL(install(r.dp, 2, &q, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(feed(&r, &p, &p, 10), 10); /* 1:1001..1010 */
	CU_ASSERT_EQUAL(sl.hi, 0x10000u + 1010);
	/* X's SRTCP: index 5 where lr_pc left it */
	lr_wr32(sr + 4, X);
	CU_ASSERT_EQUAL(lr_dp_send_rtcp(r.dp, 100, sr, sizeof(sr)), 0);
	n = peer_recv(&r.sub, buf, sizeof(buf), 2000);
	CU_ASSERT_FATAL(n > 4);
	CU_ASSERT_EQUAL(lr_rd32(buf + n - 4) & 0x7fffffff, 5);
	len = (int)n;
	CU_ASSERT(srtp_unprotect_rtcp(r.sub.rx, buf, &len) ==
		  srtp_err_status_ok);
	/* Q on B, its first packet numbered 1005: it asks A for X */
	CU_ASSERT_EQUAL(update(r.dp, 1, &p.addr, NULL, 0), 0);
	rq.seq_delta = (uint16_t)(1005 - q.seq);
	CU_ASSERT_EQUAL(update(r.dp, 2, &q.addr, &rq, 1), 0);
	CU_ASSERT_EQUAL(feed(&r, &q, &q, 1), 0);
	/* 1006..1015: A sent up to 1010, B sends the rest only */
	CU_ASSERT_EQUAL(feed(&r, &q, &q, 10), 5);
	CU_ASSERT_EQUAL(sstats(r.dp, 100).drops[LR_DROP_REPLAY], 5);
	CU_ASSERT_EQUAL(sstats(r.dp, 100).drops[LR_DROP_NOT_OWNER], 1);
	CU_ASSERT_EQUAL(sl.hi, 0x10000u + 1015);
	CU_ASSERT_EQUAL(sl.rejected, 0);
	CU_ASSERT_EQUAL(repeats(), 0);
	peer_close(&p);
	peer_close(&q);
	peer_close(&r.sub);
	lr_dp_free(r.dp);
}

/* Issue 12 (previous rx keys never retired), with workers: the flow's
 * owner retires a re-key's previous keys after the grace; when the flow
 * then moves to the other worker, whose copy saw none of those packets,
 * the retirement goes with the streams: a packet under the old keys
 * (another SSRC, fresh in its window) is refused there too. */
static void test_retired_keys_move(void)
{
	struct run r = {0};
	struct peer p, pm;
	struct lr_dp_route rt = {.to = 100, .pt_from = -1, .pt_to = -1};
	struct lr_dp_session up;
	struct lr_srtp_policy newrx;
	srtp_t oldtx, newtx;
	uint8_t newkey[46], held[256], buf[256];
	int held_len, len;
	uint32_t s1;

	memset(&sl, 0, sizeof(sl));
	r.dp = open2();
	r.to = dp_local(r.dp, 0);
	peer_open(&r.sub, 0, LR_SRTP_AEAD_AES_128_GCM);
	open_on(&p, 0);
	open_on(&pm, 1);
	CU_ASSERT_EQUAL(install(r.dp, 100, &r.sub, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(r.dp, 1, &p, 0, &rt, 1), 0);
	feed(&r, &p, &p, 10);
	s1 = p.ssrc;
	p.ssrc = s1 + 1; /* another SSRC's packet, old keys, held */
	held_len = make_rtp_len(&p, 0, held, 20);
	p.ssrc = s1;
	lr_test_policy(&newrx, LR_SRTP_AEAD_AES_128_GCM);
	up = (struct lr_dp_session){.local = r.to,
				    .remote = p.addr,
				    .rx = newrx,
				    .tx = p.from_dp,
				    .routes = &rt,
				    .nroutes = 1};
	CU_ASSERT_EQUAL(lr_dp_session_update(r.dp, 1, &up), 0);
	CU_ASSERT_FATAL(lr_test_ls_session(&newtx, &newrx, newkey, 0) ==
			srtp_err_status_ok);
	oldtx = p.tx;
	p.tx = newtx;
	CU_ASSERT_EQUAL(feed(&r, &p, &p, LR_SRTP_REKEY_GRACE(128)),
			LR_SRTP_REKEY_GRACE(128));
	/* P moves to the other worker, keys unchanged */
	up.rx.key_len = up.tx.key_len = 0;
	up.remote = pm.addr;
	CU_ASSERT_EQUAL(lr_dp_session_update(r.dp, 1, &up), 0);
	send_one(&r, &pm, held, held_len);
	len = make_rtp_len(&p, 1, buf, 20);
	send_one(&r, &pm, buf, len);
	sync_legs(&r);
	CU_ASSERT_EQUAL(sstats(r.dp, 1).drops[LR_DROP_AUTH], 1);
	CU_ASSERT_EQUAL(sstats(r.dp, 1).rx_packets,
			10 + LR_SRTP_REKEY_GRACE(128) + 1);
	CU_ASSERT_EQUAL(sl.rejected, 0);
	p.tx = oldtx;
	srtp_dealloc(newtx);
	peer_close(&p);
	peer_close(&pm);
	peer_close(&r.sub);
	lr_dp_free(r.dp);
}

/* Issue 12 (a half-failed re-key must roll back): an update whose rx
 * keys are good but whose tx policy fails (an MKI) fails as a whole: the
 * session keeps its rx keys (a packet under the refused ones does not
 * authenticate, one under the old ones is not "previous"), and a good
 * update after it re-keys both. One worker: the update's one copy. */
static void test_rekey_all_or_nothing(void)
{
	struct lr_dp *dp = dp_open(0);
	struct lr_addr to = dp_local(dp, 0);
	struct peer pub, sub;
	struct lr_dp_route rt = {.to = 2, .pt_from = -1, .pt_to = -1};
	struct lr_dp_session up = {.local = to, .routes = &rt, .nroutes = 1};
	struct lr_dp_session_stats ss;
	struct lr_srtp_policy newrx;
	srtp_t oldtx, newtx;
	uint8_t newkey[46], buf[256];
	int len;

	peer_open(&pub, 0, LR_SRTP_AES128_CM_SHA1_80);
	peer_open(&sub, 0, LR_SRTP_AES128_CM_SHA1_80);
	CU_ASSERT_EQUAL(install(dp, 2, &sub, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(dp, 1, &pub, 0, &rt, 1), 0);
	len = make_rtp(&pub, 0, buf);
	send_to(&pub, &to, buf, (size_t)len);
	CU_ASSERT_EQUAL(receive(&sub, 1, NULL, NULL), 1);
	/* rx: new keys, fine; tx: an MKI, refused (after rx, before the
	 * fix, which was then left re-keyed) */
	lr_test_policy(&newrx, LR_SRTP_AES128_CM_SHA1_80);
	up.remote = pub.addr;
	up.rx = newrx;
	up.tx = pub.from_dp;
	up.tx.mki_len = 4;
	CU_ASSERT_EQUAL(lr_dp_session_update(dp, 1, &up), -ENOTSUP);
	CU_ASSERT_FATAL(lr_test_ls_session(&newtx, &newrx, newkey, 0) ==
			srtp_err_status_ok);
	oldtx = pub.tx;
	pub.tx = newtx; /* a packet under the refused keys */
	len = make_rtp(&pub, 1, buf);
	send_to(&pub, &to, buf, (size_t)len);
	pub.tx = oldtx; /* and one under the keys the session has */
	len = make_rtp(&pub, 2, buf);
	send_to(&pub, &to, buf, (size_t)len);
	settle(dp, 3);
	CU_ASSERT_EQUAL(lr_dp_session_stats(dp, 1, &ss), 0);
	CU_ASSERT_EQUAL(ss.rx_packets, 2);
	CU_ASSERT_EQUAL(ss.drops[LR_DROP_AUTH], 1);
	CU_ASSERT_EQUAL(sess_tx(dp, 2), 2);
	CU_ASSERT_EQUAL(receive(&sub, 1, NULL, NULL), 1);
	/* both good: re-keyed */
	up.tx.mki_len = 0;
	CU_ASSERT_EQUAL(lr_dp_session_update(dp, 1, &up), 0);
	pub.tx = newtx;
	len = make_rtp(&pub, 3, buf);
	send_to(&pub, &to, buf, (size_t)len);
	CU_ASSERT_EQUAL(receive(&sub, 1, NULL, NULL), 1);
	pub.tx = oldtx;
	srtp_dealloc(newtx);
	peer_close(&pub);
	peer_close(&sub);
	lr_dp_free(dp);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("dp-owner-sock", dp_setup_sock, dp_teardown);

	LR_ADD_TEST(s, test_stream_moves);
	LR_ADD_TEST(s, test_remove_while_asked);
	LR_ADD_TEST(s, test_install_state_parked);
	LR_ADD_TEST(s, test_retired_keys_move);
	LR_ADD_TEST(s, test_rekey_all_or_nothing);
#ifdef LR_HAVE_URING
	s = CU_add_suite("dp-owner-uring", dp_setup_uring, dp_teardown);
	LR_ADD_TEST(s, test_stream_moves);
	LR_ADD_TEST(s, test_remove_while_asked);
#endif
}
