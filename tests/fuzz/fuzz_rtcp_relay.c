/*
 * libFuzzer: the RTCP relay on arbitrary decrypted RTCP from
 * authenticated but hostile peers, through its limits and its bounded
 * queue (issue 12, defect 3). White box, one worker, no thread: the
 * relay's clock is the input's, the queue is drained (SRTCP-protected,
 * with the NULL cipher so the output can be read back) when the input
 * says so. Each input is a run of steps on fresh sessions:
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
 * more than 2.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#include "dp_internal.h"
#include "linerate/lr_rtp.h"
#include "relayq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GW  0xfeedu
#define PLI 500
#define SRI 500
#define NKI 100
#define NKM 8

static struct lr_dp *dp;
static uint32_t now;
static struct lr__dpbuf *tx[LR_DP_BURST * LR_DP_MAX_ROUTES];

/* The model: what the limits allow, as the spec says. */
static struct {
	uint32_t kf[4][2]; /* (subscriber, stream): last request */
	uint32_t nk_start[4][2], nk_n[4][2]; /* NACK windows */
	uint32_t sr[3];			     /* leg 0x77, 0x78, 0x79: last SR */
	uint32_t pub_kf[2];		     /* stream: last request sent */
	unsigned fir[2];		     /* stream: next FIR number */
} m;

static uint32_t clock_ms(void)
{
	return now;
}

static struct lr_dp_session desc(uint16_t port)
{
	struct lr_dp_session s = {.local = dp->local[0]};

	s.remote = (struct lr_addr){
		.family = 4, .port = port, .ip = {127, 0, 0, 2}};
	s.rx.suite = s.tx.suite = LR_SRTP_NULL_SHA1_80;
	s.rx.key_len = s.tx.key_len = 16;
	s.rx.salt_len = s.tx.salt_len = 14;
	return s;
}

static void setup(void)
{
	dp = calloc(1, sizeof(*dp));
	lr__dp_worker_links(dp, NULL);
	dp->cfg.max_sessions = 16;
	dp->cfg.max_tx_streams = 4;
	dp->cfg.pool = 256;
	dp->cfg.relay_pli_interval_ms = PLI;
	dp->cfg.relay_nack_max = NKM;
	dp->cfg.relay_nack_interval_ms = NKI;
	dp->cfg.relay_sr_interval_ms = SRI;
	dp->cfg.relay_queue = 2;
	dp->nlocal = 1;
	dp->local[0] = (struct lr_addr){
		.family = 4, .port = 5000, .ip = {127, 0, 0, 1}};
	pthread_mutex_init(&dp->mu, NULL);
	dp->wake_fd = eventfd(0, EFD_NONBLOCK);
	dp->punt_fd = eventfd(0, EFD_NONBLOCK);
	dp->crypto = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	dp->relay_clock = clock_ms;
	if (!dp->crypto || lr__dp_pool_init(dp) || lr__flow_init(dp) ||
	    lr__relay_init(dp, 1))
		abort();
}

/* Fresh sessions (fresh limits) for each input: subscriber A, then the
 * publisher (its reports make A's leg streams), then B (it finds its
 * leg stream by target). */
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
		lr__flow_remove(dp, id);
	s = desc(7000);
	s.relay_feedback = 1;
	if (lr__flow_install(dp, 2, &s))
		abort();
	s = desc(6000);
	s.routes = r;
	s.nroutes = 4;
	s.relay_reports = 1;
	s.rtcp_ssrc = GW;
	if (lr__flow_install(dp, 1, &s))
		abort();
	s = desc(7001);
	s.relay_feedback = 1;
	if (lr__flow_install(dp, 3, &s))
		abort();
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

/* What the drain sent the publisher: one request per stream and
 * interval from all subscribers together, FIRs numbered in turn. */
static void check_sent(const struct lr__dpbuf *b)
{
	size_t len = b->pkt.len - 14; /* NULL cipher: index and tag after */
	const uint8_t *p = b->pkt.data;

	if (b->pkt.len < 14 + 8 || !lr_rtcp_compound_ok(p, len))
		abort();
	if (b->sess->id != 1)
		return;
	for (size_t off = 0; off < len; off += 4 + 4u * lr_rd16(p + off + 2)) {
		const uint8_t *q = p + off;
		int fir = q[1] == 206 && (q[0] & 0x1f) == 4;
		int s = stream(lr_rd32(q + (fir ? 12 : 8)));

		if (q[1] != 206)
			continue;
		if (s < 0 || soon(m.pub_kf[s], PLI))
			abort();
		m.pub_kf[s] = now ? now : 1;
		if (fir && q[16] != (uint8_t)m.fir[s]++)
			abort();
	}
}

static void drain(void)
{
	unsigned n = lr__relay_drain(dp, tx, LR_DP_BURST * LR_DP_MAX_ROUTES);

	for (unsigned i = 0; i < n; i++) {
		check_sent(tx[i]);
		lr__buf_put(dp, tx[i]);
	}
}

/* One step: RTCP p[0..len) from session `from`. */
static void step(uint64_t from, const uint8_t *in, size_t len)
{
	static uint8_t p[2048];
	struct lr__relayq *q = &dp->relay_in[0];
	unsigned t0 = atomic_load(&q->q.tail), t1, in_pk;
	int whole = lr_rtcp_compound_ok(in, len);
	uint64_t seen_to[4] = {0, 0, 0, 0};
	size_t kept;

	memcpy(p, in, len);
	in_pk = whole ? packets(p, len) : 0;
	kept = lr__rtcp_relay(dp, lr__flow_by_id(dp, from), p, len, now);
	t1 = atomic_load(&q->q.tail);
	if (t1 - atomic_load(&q->q.head) > 2)
		abort(); /* the queue's bound */
	for (unsigned t = t0; t != t1; t++) {
		const struct lr__relay_item *it =
			(const void *)(q->q.slot +
				       (size_t)(t & q->q.mask) * q->q.size);

		if (!lr_rtcp_compound_ok(it->buf, it->len) ||
		    it->len > LR_DP_RTCP_MAX || it->from != from ||
		    it->to > 3 || seen_to[it->to]++)
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
	if (!dp)
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
