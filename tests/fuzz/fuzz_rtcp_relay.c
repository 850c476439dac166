/*
 * libFuzzer: the RTCP relay on arbitrary decrypted RTCP from
 * authenticated but hostile peers, through its limits and its bounded
 * queue (issue 12, defect 3). White box: the forwarding core (struct
 * lr__fwd) alone, with an environment of the target's own -- calloc/free,
 * the input's clock, and the relay's queue, a ring of 2 slots owned
 * here -- and no thread or worker. The queue is drained when the input
 * says so the way a consumer worker does (lr__relay_seal: SRTCP-protected,
 * with the NULL cipher so the output can be read back, and checked to
 * authenticate at the receiving peer). Each input is a run of steps on
 * fresh sessions:
 *
 *   [h][len (2 bytes)][len bytes of RTCP] ...
 *   h bits 0-1: the sender (0: the publisher, 1 or 3: subscriber A, 2:
 *   subscriber B); bit 2: drain the queue after; bits 3-7: the clock
 *   moves on by that many times 32 ms first.
 *
 * The publisher (id 1) sends SSRCs 5 and 6: 5 to A (as 0x77) and B (as
 * 0x78), 6 to A (as 0x79), and every SSRC to B (no feedback or SR relay
 * for that one). Limits: keyframe requests 500 ms, NACK 8 entries per
 * 100 ms, SR 500 ms, a queue of 2. Checked, whatever comes in: what is
 * left for the punt is whole packets of the input, in order (all of it
 * from the publisher); each queued packet is a whole compound for the
 * right session, at most one per target and step, all of it from the
 * gateway's SSRC (0xfeed) or the leg SSRCs, about the publisher's
 * streams; the limits hold per (subscriber, stream), per (stream,
 * target), and, in what the drain sends, per stream from all
 * subscribers, with FIRs numbered 0, 1, 2...; the queue never holds
 * more than 2, and a compound it had no room for counts queue_full; each
 * item drained is sent (rtcp_relayed) or dropped with a reason, and
 * what is sent authenticates at its session's peer and is addressed to
 * it.
 */
#include <stdlib.h>
#include <string.h>

#include "fwd/fwd.h"
#include "linerate/lr_rtp.h"
#include "linerate/lr_srtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GW  0xfeedu
#define PLI 500
#define SRI 500
#define NKI 100
#define NKM 8
#define QN  2 /* the relay queue's slots */

static struct lr__fwd fw;
static struct lr_srtp_worker *crypto;
static uint32_t now;
static unsigned clock_reads; /* how often the core read it */

static const struct lr_addr local = {
	.family = 4, .port = 5000, .ip = {127, 0, 0, 1}};

/* The relay queue to the RTCP worker of every session (one worker):
 * slots [head, tail) are queued; open: a slot handed out, not pushed. */
static struct {
	struct lr__relay_item it[QN];
	unsigned head, tail, refused;
	int open;
} q;

/* The peers of sessions 1..3: what they receive must authenticate. */
static struct lr_srtp_ctx peer_rx[4];
static struct lr_srtp_stream peer_streams[4][8];
static int peers_ready;

/* The model: what the limits allow, as the spec says. */
static struct {
	uint32_t kf[4][2]; /* (subscriber, stream): last request */
	uint32_t nk_start[4][2], nk_n[4][2]; /* NACK windows */
	uint32_t sr[3];			     /* leg 0x77, 0x78, 0x79: last SR */
	uint32_t pub_kf[2];		     /* stream: last request sent */
	unsigned fir[2];		     /* stream: next FIR number */
} m;

static void *zalloc(size_t n)
{
	return calloc(1, n);
}

static uint32_t clock_ms(struct lr__fwd *f)
{
	(void)f;
	clock_reads++;
	return now;
}

static struct lr__relay_item *relay_slot(struct lr__fwd *f, uint64_t to)
{
	if (f != &fw || to < 1 || to > 3)
		abort(); /* a session of this core */
	if (q.tail - q.head == QN) {
		q.refused++;
		return NULL;
	}
	q.open = 1;
	return &q.it[q.tail % QN];
}

static void relay_push(struct lr__fwd *f, uint64_t to)
{
	if (f != &fw || !q.open || q.it[q.tail % QN].to != to)
		abort(); /* the slot it was given, for that target */
	q.open = 0;
	q.tail++;
}

static const struct lr__fwd_env env = {
	.zalloc = zalloc,
	.free = free,
	.now_ms = clock_ms,
	.relay_slot = relay_slot,
	.relay_push = relay_push,
};

static struct lr_dp_session desc(uint16_t port)
{
	struct lr_dp_session s = {.local = local};

	s.remote = (struct lr_addr){
		.family = 4, .port = port, .ip = {127, 0, 0, 2}};
	s.rx.suite = s.tx.suite = LR_SRTP_NULL_SHA1_80;
	s.rx.key_len = s.tx.key_len = 16;
	s.rx.salt_len = s.tx.salt_len = 14;
	return s;
}

static void setup(void)
{
	struct lr__fwd_cfg cfg = {.max_sessions = 16,
				  .max_tx_streams = 4,
				  .pool = 256,
				  .relay_pli_interval_ms = PLI,
				  .relay_nack_max = NKM,
				  .relay_nack_interval_ms = NKI,
				  .relay_sr_interval_ms = SRI};

	crypto = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	if (!crypto || lr__fwd_init(&fw, &env, &cfg, &local, 1, crypto))
		abort();
}

/* Fresh sessions (fresh limits) for each input: subscriber A, then the
 * publisher (its reports make A's leg streams), then B (it finds its
 * leg stream by target); their peers' receivers afresh too. */
static void sessions(void)
{
	struct lr_dp_route r[4] = {
		{.ssrc = 5,
		 .to = 2,
		 .out_ssrc = 0x77,
		 .pt_from = -1,
		 .pt_to = -1,
		 .seq_delta = 100,
		 .ts_delta = 1000},
		{.ssrc = 5,
		 .to = 3,
		 .out_ssrc = 0x78,
		 .pt_to = -1,
		 .seq_delta = 7},
		{.ssrc = 6, .to = 2, .out_ssrc = 0x79, .pt_to = -1},
		{.to = 3, .pt_to = -1}};
	struct lr_dp_session s;

	for (uint64_t id = 1; id <= 3; id++)
		lr__flow_remove(&fw, id);
	s = desc(7000);
	s.relay_feedback = 1;
	if (lr__flow_install(&fw, 2, &s, NULL))
		abort();
	s = desc(6000);
	s.routes = r;
	s.nroutes = 4;
	s.relay_reports = 1;
	s.rtcp_ssrc = GW;
	if (lr__flow_install(&fw, 1, &s, NULL))
		abort();
	s = desc(7001);
	s.relay_feedback = 1;
	if (lr__flow_install(&fw, 3, &s, NULL))
		abort();
	for (unsigned id = 1; id <= 3; id++) { /* (the same tx keys) */
		if (peers_ready)
			lr_srtp_ctx_clear(&peer_rx[id]);
		if (lr_srtp_ctx_init(&peer_rx[id], crypto, LR_SRTP_INBOUND,
				     &s.tx, peer_streams[id], 8, 1))
			abort();
	}
	peers_ready = 1;
	memset(&m, 0, sizeof(m));
}

static unsigned packets(const uint8_t *p, size_t len)
{
	unsigned n = 0;

	for (size_t off = 0; off < len; off += 4 + 4u * lr_rd16(p + off + 2))
		n++;
	return n;
}

static int whole_packets(const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		if (len - off < 4 || (p[off] >> 6) != 2 ||
		    4 + 4u * lr_rd16(p + off + 2) > len - off)
			return 0;
		off += 4 + 4u * lr_rd16(p + off + 2);
	}
	return 1;
}

static int stream(uint32_t ssrc)
{
	return ssrc == 5 ? 0 : ssrc == 6 ? 1 : -1;
}

static int soon(uint32_t at, uint32_t interval)
{
	return at && now - at < interval;
}

/* One queued feedback compound from subscriber `from`. */
static void check_feedback(const struct lr__relay_item *it)
{
	int kf[2] = {0, 0}, nk[2] = {0, 0};
	unsigned sub = (unsigned)it->from;

	if (it->to != 1 || (sub != 2 && sub != 3))
		abort();
	for (size_t off = 0; off < it->len;) {
		const uint8_t *p = it->buf + off;
		size_t n = 4 + 4u * lr_rd16(p + 2);
		unsigned fmt = p[0] & 0x1f;
		int fir = p[1] == 206 && fmt == 4 && n == 20 && !lr_rd32(p + 8);
		int pli = p[1] == 206 && fmt == 1 && n == 12;
		int nack = p[1] == 205 && fmt == 1 && n >= 16;
		int s = stream(lr_rd32(p + (fir ? 12 : 8)));

		if (lr_rd32(p + 4) != GW || s < 0 || !(fir || pli || nack))
			abort();
		if (nack) {
			uint32_t *st = &m.nk_start[sub][s],
				 *c = &m.nk_n[sub][s];

			if (nk[s]++)
				abort(); /* one NACK per stream */
			if (!soon(*st, NKI)) {
				*st = now ? now : 1;
				*c = 0;
			}
			*c += (uint32_t)(n - 12) / 4;
			if (*c > NKM)
				abort();
		} else {
			if (kf[s]++ || soon(m.kf[sub][s], PLI))
				abort(); /* one request per stream, interval */
			m.kf[sub][s] = now ? now : 1;
		}
		off += n;
	}
}

/* One queued SR compound for subscriber `to`. */
static void check_reports(const struct lr__relay_item *it)
{
	int seen[3] = {0, 0, 0};

	if (it->from != 1 || it->len % 28 || (it->to != 2 && it->to != 3))
		abort();
	for (size_t off = 0; off < it->len; off += 28) {
		const uint8_t *p = it->buf + off;
		uint32_t leg = lr_rd32(p + 4);
		unsigned k = leg - 0x77;

		if (p[0] != 0x80 || p[1] != 200 || lr_rd16(p + 2) != 6 ||
		    k > 2 || (k == 1) != (it->to == 3) || seen[k]++ ||
		    soon(m.sr[k], SRI))
			abort();
		m.sr[k] = now ? now : 1;
	}
}

/* What the drain sent for item it, b, decrypted (NULL cipher: read
 * in place) into p[0..len): from the item, what the publisher's RTCP
 * worker's limit cut aside (keyframe requests only, FIRs numbered). */
static void check_cut(const struct lr__relay_item *it, const uint8_t *p,
		      size_t len)
{
	size_t at = 0;

	for (size_t off = 0; off < len; off += 4 + 4u * lr_rd16(p + off + 2)) {
		const uint8_t *o = p + off;
		size_t n = 4 + 4u * lr_rd16(o + 2);
		int fir = o[1] == 206 && (o[0] & 0x1f) == 4 && n == 20;

		for (;; at += 4 + 4u * lr_rd16(it->buf + at + 2)) {
			const uint8_t *i = it->buf + at;

			if (at >= it->len)
				abort(); /* not from the item, or reordered */
			if (4 + 4u * lr_rd16(i + 2) == n &&
			    !memcmp(i, o, fir ? 16 : n) &&
			    !memcmp(i + 17, o + 17, fir ? 3 : 0))
				break;
			if (i[1] != 206) /* only keyframe requests are cut */
				abort();
		}
		at += n;
	}
	if (it->kind == LR__RELAY_REPORT &&
	    (len != it->len || memcmp(p, it->buf, len)))
		abort(); /* sender reports go as they were queued */
}

/* What the drain sent: to the item's session's peer, authentic there;
 * to the publisher, one keyframe request per stream and interval from
 * all subscribers together, FIRs numbered in turn. */
static void check_sent(const struct lr__relay_item *it,
		       const struct lr__dpbuf *b)
{
	static uint8_t c[LR_DP_RTCP_MAX + 64];
	const struct lr__dpsess *s = lr__flow_by_id(&fw, it->to);
	struct lr_pkt pk = {.data = c, .len = b->pkt.len, .room = sizeof(c)};
	struct lr_pkt *pp = &pk;
	size_t len = b->pkt.len - 14; /* NULL cipher: index and tag after */
	const uint8_t *p = b->pkt.data;

	if (!s || b->sess != s || b->lidx != 0 ||
	    !lr_addr_eq(&b->remote, &s->remote) ||
	    !lr_addr_eq(&b->local, &local))
		abort(); /* addressed to the session's peer */
	if (b->pkt.len < 14 + 8 || b->pkt.len > sizeof(c) ||
	    !lr_rtcp_compound_ok(p, len))
		abort();
	memcpy(c, p, b->pkt.len);
	if (lr_srtcp_unprotect(&peer_rx[it->to], &pp, 1) != 1 ||
	    pk.len != len || memcmp(c, p, len))
		abort(); /* the peer takes it, and reads what was sent */
	check_cut(it, p, len);
	if (it->to != 1)
		return;
	for (size_t off = 0; off < len; off += 4 + 4u * lr_rd16(p + off + 2)) {
		const uint8_t *o = p + off;
		int fir = o[1] == 206 && (o[0] & 0x1f) == 4;
		int st = stream(lr_rd32(o + (fir ? 12 : 8)));

		if (o[1] != 206)
			continue;
		if (st < 0 || soon(m.pub_kf[st], PLI))
			abort();
		m.pub_kf[st] = now ? now : 1;
		if (fir && o[16] != (uint8_t)m.fir[st]++)
			abort();
	}
}

static uint64_t drops(void)
{
	uint64_t n = 0;

	for (unsigned d = 0; d < LR_DROP__MAX; d++)
		n += fw.st.drops[d];
	return n;
}

/* The consumer's side, as a worker drains its ring: each item sealed
 * into a buffer of the pool, sent (then checked) or dropped, counted
 * either way; the clock read once at most. */
static void drain(void)
{
	uint32_t t = 0;
	unsigned t_read = 0, reads = clock_reads;

	while (q.head != q.tail) {
		const struct lr__relay_item *it = &q.it[q.head % QN];
		struct lr__dpbuf *b = lr__buf_get(&fw);
		uint64_t d0 = drops(), r0 = fw.st.rtcp_relayed;
		uint64_t s0 = fw.st.rtcp_sent;
		int ok;

		if (!b)
			abort(); /* the pool must never leak */
		ok = lr__relay_seal(&fw, it, b, &t, &t_read);
		if (ok &&
		    (fw.st.rtcp_relayed != r0 + 1 || fw.st.rtcp_sent != s0 + 1))
			abort();
		if (!ok && (fw.st.rtcp_relayed != r0 || drops() == d0))
			abort(); /* not sent: a reason counted */
		if (ok)
			check_sent(it, b);
		lr__buf_put(&fw, b);
		q.head++;
	}
	if (clock_reads - reads > 1 || (t_read && t != now) ||
	    fw.nfree != fw.nbufs)
		abort();
}

/* One step: RTCP p[0..len) from session `from`. */
static void step(uint64_t from, const uint8_t *in, size_t len)
{
	static uint8_t p[2048];
	struct lr__dpsess *s = lr__flow_by_id(&fw, from);
	unsigned t0 = q.tail, r0 = q.refused, in_pk;
	int whole = lr_rtcp_compound_ok(in, len);
	uint64_t seen_to[4] = {0, 0, 0, 0};
	uint64_t full0 = fw.st.drops[LR_DROP_QUEUE_FULL];
	uint64_t sfull0 = s->st.drops[LR_DROP_QUEUE_FULL];
	size_t kept;

	memcpy(p, in, len);
	in_pk = whole ? packets(p, len) : 0;
	kept = lr__rtcp_relay(&fw, s, p, len, now);
	if (q.open || q.tail - q.head > QN)
		abort(); /* every slot taken was pushed; the queue's bound */
	if (fw.st.drops[LR_DROP_QUEUE_FULL] - full0 != q.refused - r0 ||
	    s->st.drops[LR_DROP_QUEUE_FULL] - sfull0 != q.refused - r0)
		abort(); /* each compound with no room counted queue_full */
	for (unsigned t = t0; t != q.tail; t++) {
		const struct lr__relay_item *it = &q.it[t % QN];

		if (it->len > LR_DP_RTCP_MAX ||
		    !lr_rtcp_compound_ok(it->buf, it->len) ||
		    it->from != from || it->to > 3 || seen_to[it->to]++)
			abort(); /* whole, one per target */
		if (it->kind == LR__RELAY_FEEDBACK)
			check_feedback(it);
		else if (it->kind == LR__RELAY_REPORT)
			check_reports(it);
		else
			abort();
	}
	if (!whole || len > LR_DP_RTCP_MAX || from == 1) {
		if (kept != len || memcmp(p, in, len))
			abort(); /* left as it came */
		return;
	}
	if (kept > len || !whole_packets(p, kept) || packets(p, kept) > in_pk)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!crypto)
		setup();
	sessions();
	now = 1000;
	while (size >= 3) {
		unsigned h = data[0];
		size_t len = (size_t)data[1] << 8 | data[2];
		static const uint64_t who[4] = {1, 2, 3, 2};

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (len > 1600)
			len = 1600;
		now += (h >> 3) * 32u;
		step(who[h & 3], data, len);
		if (h & 4)
			drain();
		data += len;
		size -= len;
	}
	drain(); /* empty for the next input */
	return 0;
}
