/*
 * libFuzzer: the forwarding core's burst pipeline on arbitrary
 * datagrams, in bursts of up to LR_DP_BURST to lr__engine_burst():
 *
 *   [len_hi][len_lo][sender][len bytes] ...
 *   sender bit 0: a stranger (1) or the installed peer (0); bit 1: the
 *   peer's bytes are first protected with its keys (SRTP, or SRTCP if
 *   they demux as RTCP), so that they authenticate -- if its sender
 *   takes them; else they go as they are.
 *
 * Each input runs on fresh sessions: 1, the peer's (AES-128-GCM), routes
 * every SSRC to 2 as SSRC 9, sequence numbers + 3. White-box: the core
 * (struct lr__fwd) is set up here with an environment of the target's
 * own -- calloc/free, a punt hook standing for the control plane's ring
 * (8 copies), a counter for a clock -- and no thread, socket or worker.
 *
 * Checked, whatever comes in: every datagram is counted once
 * (forwarded, punted or dropped by reason; media from a stranger is
 * punted and dropped unknown_flow, so it counts twice); STUN, DTLS and
 * other classes, and media from a stranger, are punted exactly once
 * with their reason, as they came; of the peer's media only RTCP it
 * sealed is punted (decrypted, as session 1's); what the punt ring took
 * is the datagram as the peer meant it, byte for byte; each packet to
 * transmit is the leg of one sealed RTP datagram of the burst, addressed
 * to session 2's peer, SSRC 9, sequence + 3, the rest of its header as
 * it came, and decrypts at that peer to the datagram's payload (its
 * receiver may refuse one as a replay only); every buffer is back in
 * the pool after each burst.
 */
#include <stdlib.h>
#include <string.h>

#include "fwd/fwd.h"
#include "linerate/lr_demux.h"
#include "linerate/lr_rtp.h"
#include "linerate/lr_srtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PUNT_SLOTS 8  /* the control plane's ring: small, to fill up */
#define GCM_TAG	   16 /* what SRTP adds to the target's RTP */
#define OUT_SSRC   9
#define SEQ_DELTA  3

static struct lr__fwd fw;
static struct lr_srtp_worker *crypto;
static struct lr__dpbuf *tx[DP_TX_MAX];
static uint32_t clock_ms;

static const struct lr_addr local = {
	.family = 4, .port = 5000, .ip = {127, 0, 0, 1}};
static const struct lr_addr peer = {
	.family = 4, .port = 6000, .ip = {127, 0, 0, 2}};
static const struct lr_addr stranger = {
	.family = 4, .port = 9999, .ip = {127, 0, 0, 9}};
static const struct lr_addr target = {
	.family = 4, .port = 7000, .ip = {127, 0, 0, 3}};

/* The peer's sender (session 1's keys) and the target's peer's receiver
 * (session 2's), fresh per input. */
static struct lr_srtp_ctx peer_tx, target_rx;
static struct lr_srtp_stream peer_streams[16], target_streams[16];
static int peers_ready;

/* A burst's datagrams as they went in. */
static struct dgram {
	const struct lr__dpbuf *b;
	const uint8_t *bytes; /* as the peer meant them (before a seal) */
	size_t len;
	int stranger, sealed, legs;
	enum lr_demux_kind kind;
	unsigned punts;
} dg[LR_DP_BURST];
static unsigned ndg;

/* What the punt hook was given in this burst, and the ring's copies
 * (of which datagram each). */
static struct {
	unsigned n, copies;
	struct lr_dp_punt ring[PUNT_SLOTS];
	unsigned of[PUNT_SLOTS];
} pt;

static void *zalloc(size_t n)
{
	return calloc(1, n);
}

static int is_media(enum lr_demux_kind k)
{
	return k == LR_DEMUX_RTP || k == LR_DEMUX_RTCP;
}

/* Why and whose a punt of d must be, or abort. */
static void punt_ok(const struct dgram *d, enum lr_dp_punt_why why,
		    uint64_t session)
{
	static const enum lr_dp_punt_why by_kind[] = {
		[LR_DEMUX_OTHER] = LR_DP_PUNT_OTHER,
		[LR_DEMUX_STUN] = LR_DP_PUNT_STUN,
		[LR_DEMUX_DTLS] = LR_DP_PUNT_DTLS,
	};

	if (!is_media(d->kind)) {
		if (why != by_kind[d->kind] || session != 0)
			abort();
	} else if (d->stranger) { /* no session has it */
		if (why != LR_DP_PUNT_UNKNOWN_FLOW || session != 0)
			abort();
	} else if (why != LR_DP_PUNT_RTCP || session != 1 ||
		   d->kind != LR_DEMUX_RTCP || !d->sealed) {
		abort(); /* the peer's: its authentic RTCP only */
	}
}

/* The core's contract: a copy of b for the control plane, counted here
 * as punted or, when the ring is full, punt_dropped (as
 * lr__worker_punt). */
static void punt(struct lr__fwd *f, enum lr_dp_punt_why why, uint64_t session,
		 const struct lr__dpbuf *b)
{
	struct dgram *d = NULL;
	struct lr_dp_punt *p;

	for (unsigned i = 0; i < ndg && !d; i++)
		if (dg[i].b == b)
			d = &dg[i];
	if (f != &fw || !d || d->punts++ || pt.n++ >= LR_DP_BURST)
		abort(); /* a buffer of this burst, at most once each */
	if (b->pkt.len != d->len ||
	    !lr_addr_eq(&b->remote, d->stranger ? &stranger : &peer) ||
	    !lr_addr_eq(&b->local, &local))
		abort();
	punt_ok(d, why, session);
	if (b->pkt.len > sizeof(p->buf) || pt.copies == PUNT_SLOTS) {
		f->st.punt_dropped++;
		return;
	}
	pt.of[pt.copies] = (unsigned)(d - dg);
	p = &pt.ring[pt.copies++];
	lr__punt_copy(p, why, session, b);
	f->st.punted++;
}

static uint32_t now_ms(struct lr__fwd *f)
{
	(void)f;
	return ++clock_ms;
}

static const struct lr__fwd_env env = {
	.zalloc = zalloc,
	.free = free,
	.punt = punt,
	.now_ms = now_ms,
};

static void setup(void)
{
	struct lr__fwd_cfg cfg = {
		.max_sessions = 16, .max_tx_streams = 8, .pool = 512};

	crypto = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	if (!crypto || lr__fwd_init(&fw, &env, &cfg, &local, 1, crypto))
		abort();
}

/* Fresh sessions (replay windows, streams) and peers for each input. */
static void sessions(void)
{
	struct lr_dp_route r = {.to = 2,
				.out_ssrc = OUT_SSRC,
				.pt_from = -1,
				.pt_to = -1,
				.seq_delta = SEQ_DELTA};
	struct lr_dp_session s = {.routes = &r, .nroutes = 1};

	lr__flow_remove(&fw, 1);
	lr__flow_remove(&fw, 2);
	s.local = local;
	s.remote = peer;
	s.rx.suite = s.tx.suite = LR_SRTP_AEAD_AES_128_GCM;
	s.rx.key_len = s.tx.key_len = 16;
	s.rx.salt_len = s.tx.salt_len = 12;
	memset(s.rx.key, 0x11, 16);
	memset(s.tx.key, 0x22, 16);
	if (lr__flow_install(&fw, 1, &s, NULL))
		abort();
	s.remote = target;
	s.nroutes = 0;
	if (lr__flow_install(&fw, 2, &s, NULL))
		abort();
	if (peers_ready) {
		lr_srtp_ctx_clear(&peer_tx);
		lr_srtp_ctx_clear(&target_rx);
	}
	if (lr_srtp_ctx_init(&peer_tx, crypto, LR_SRTP_OUTBOUND, &s.rx,
			     peer_streams, 16, 1) ||
	    lr_srtp_ctx_init(&target_rx, crypto, LR_SRTP_INBOUND, &s.tx,
			     target_streams, 16, 1))
		abort();
	peers_ready = 1;
}

/* b protected by the peer, as the kind of media it demuxes as: 1, or 0
 * and b as it was. */
static int seal(struct lr__dpbuf *b)
{
	struct lr_pkt *pk = &b->pkt;

	switch (lr_demux(pk->data, pk->len)) {
	case LR_DEMUX_RTP:
		return lr_srtp_protect(&peer_tx, &pk, 1) == 1;
	case LR_DEMUX_RTCP:
		return lr_srtcp_protect(&peer_tx, &pk, 1) == 1;
	default:
		return 0;
	}
}

static uint64_t counted(void)
{
	uint64_t n = fw.st.forwarded + fw.st.punted + fw.st.punt_dropped;

	for (unsigned d = 0; d < LR_DROP__MAX; d++)
		n += fw.st.drops[d];
	return n;
}

/* Whether leg o (decrypted: all of it, else its header) is datagram d
 * routed: SSRC 9, sequence + 3, everything else as it came. */
static int leg_of(const struct dgram *d, const uint8_t *o, size_t len,
		  int decrypted)
{
	const uint8_t *p = d->bytes;

	if (!d->sealed || d->stranger || d->kind != LR_DEMUX_RTP || d->legs ||
	    d->len < 12 || len != d->len + (decrypted ? 0 : GCM_TAG))
		return 0;
	return !memcmp(o, p, 2) && !memcmp(o + 4, p + 4, 4) &&
	       lr_rtp_seq(o) == (uint16_t)(lr_rtp_seq(p) + SEQ_DELTA) &&
	       lr_rtp_ssrc(o) == OUT_SSRC &&
	       (!decrypted || !memcmp(o + 12, p + 12, len - 12));
}

/* The legs tx[0..k): to the target's peer, which reads them (in the
 * order sent) as the datagrams they came from. Those it decrypts are
 * matched first, on all their bytes; the rest (replays to it) on their
 * headers: either way, datagrams that match are alike. */
static void check_legs(unsigned k)
{
	static uint8_t plain[DP_TX_MAX][DP_BUF_ROOM];
	static uint32_t plen[DP_TX_MAX];
	const struct lr__dpsess *to = lr__flow_by_id(&fw, 2);
	int ok[DP_TX_MAX];

	for (unsigned j = 0; j < k; j++) {
		const struct lr__dpbuf *b = tx[j];
		struct lr_pkt pk = {.data = plain[j],
				    .len = b->pkt.len,
				    .room = DP_BUF_ROOM};
		struct lr_pkt *pp = &pk;

		if (b->sess != to || b->lidx != 0 ||
		    !lr_addr_eq(&b->remote, &target) ||
		    !lr_addr_eq(&b->local, &local) || b->pkt.len > DP_BUF_ROOM)
			abort();
		memcpy(plain[j], b->pkt.data, b->pkt.len);
		ok[j] = lr_srtp_unprotect(&target_rx, &pp, 1) == 1;
		if (!ok[j] && pk.drop != LR_DROP_REPLAY &&
		    pk.drop != LR_DROP_REPLAY_OLD)
			abort(); /* the target's peer takes what we send */
		plen[j] = ok[j] ? pk.len : b->pkt.len;
	}
	for (int pass = 1; pass >= 0; pass--) {
		for (unsigned j = 0; j < k; j++) {
			unsigned i = 0;

			if (ok[j] != pass)
				continue;
			while (i < ndg &&
			       !leg_of(&dg[i], plain[j], plen[j], pass))
				i++;
			if (i == ndg)
				abort(); /* no datagram it is the leg of */
			dg[i].legs++;
		}
	}
}

static void burst(struct lr__dpbuf **in, unsigned n)
{
	uint64_t before = counted(), rx0 = fw.st.rx_packets;
	uint64_t fwd0 = fw.st.forwarded,
		 unk0 = fw.st.drops[LR_DROP_UNKNOWN_FLOW];
	uint64_t pu0 = fw.st.punted + fw.st.punt_dropped;
	unsigned strangers = 0, k;

	pt.n = pt.copies = 0;
	for (unsigned i = 0; i < n; i++)
		strangers += is_media(dg[i].kind) && dg[i].stranger;
	k = lr__engine_burst(&fw, in, n, tx);
	/* once each, a stranger's media twice (punted and dropped) */
	if (fw.st.rx_packets - rx0 != n ||
	    counted() - before != n + strangers ||
	    fw.st.drops[LR_DROP_UNKNOWN_FLOW] - unk0 != strangers ||
	    fw.st.punted + fw.st.punt_dropped - pu0 != pt.n ||
	    fw.st.forwarded - fwd0 != k)
		abort();
	for (unsigned i = 0; i < n; i++)
		if (!is_media(dg[i].kind) || dg[i].stranger)
			if (dg[i].punts != 1)
				abort(); /* the control plane's, once */
	for (unsigned c = 0; c < pt.copies; c++) {
		const struct dgram *d = &dg[pt.of[c]];

		if (pt.ring[c].len != d->len ||
		    memcmp(pt.ring[c].buf, d->bytes, d->len))
			abort(); /* as it came, or as the peer sealed it */
	}
	check_legs(k);
	for (unsigned j = 0; j < k; j++)
		lr__buf_put(&fw, tx[j]);
	if (fw.nfree != fw.nbufs)
		abort(); /* every buffer back in the pool */
	ndg = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lr__dpbuf *in[LR_DP_BURST];

	if (!crypto)
		setup();
	sessions();
	ndg = 0;
	while (size >= 3) {
		size_t len = (size_t)data[0] << 8 | data[1];
		int from_stranger = data[2] & 1, sealed = 0;
		struct lr__dpbuf *b;

		if (len > size - 3)
			len = size - 3;
		if (len > 1500)
			len = 1500;
		b = lr__buf_get(&fw);
		if (!b)
			abort(); /* the pool must never leak */
		memcpy(b->data, data + 3, len);
		b->pkt.len = (uint32_t)len;
		if ((data[2] & 2) && !from_stranger)
			sealed = seal(b);
		b->lidx = 0;
		b->local = local;
		b->remote = from_stranger ? stranger : peer;
		dg[ndg] = (struct dgram){
			.b = b,
			.bytes = data + 3,
			.len = len,
			.stranger = from_stranger,
			.sealed = sealed,
			.kind = lr_demux(b->pkt.data, b->pkt.len)};
		in[ndg++] = b;
		data += 3 + len;
		size -= 3 + len;
		if (ndg == LR_DP_BURST || size < 3)
			burst(in, ndg);
	}
	return 0;
}
