/*
 * libFuzzer: the forwarding core's burst pipeline on arbitrary
 * datagrams. The input is split into datagrams (2-byte length prefixes,
 * and a byte choosing the sender: the installed peer or a stranger) and
 * run through lr__engine_burst() in bursts, with one installed session
 * that routes to a second. White-box: the core (struct lr__fwd) is set
 * up here with an environment of the target's own -- calloc/free, a
 * punt hook standing for the control plane's ring, a counter for a
 * clock -- and no thread, socket or worker.
 *
 * Checked, whatever comes in: every datagram is counted once
 * (forwarded, punted or dropped by reason; media from a stranger is
 * punted and dropped unknown_flow, so it counts twice); STUN, DTLS and
 * other classes, and media from a stranger, are punted exactly once
 * with their reason, as they came; nothing the peer sent is punted or
 * forwarded (it cannot authenticate); what the punt ring took is the
 * datagram byte for byte; every buffer is back in the pool after each
 * burst.
 */
#include <stdlib.h>
#include <string.h>

#include "fwd/fwd.h"
#include "linerate/lr_demux.h"
#include "linerate/lr_srtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PUNT_SLOTS 8 /* the control plane's ring: small, to fill up */

static struct lr__fwd fw;
static int ready;
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

/* A burst's datagrams as they went in. */
static struct dgram {
	const struct lr__dpbuf *b;
	const uint8_t *bytes;
	size_t len;
	int stranger;
	enum lr_demux_kind kind;
	unsigned punts;
} dg[LR_DP_BURST];
static unsigned ndg;

/* What the punt hook was given in this burst, and the ring's copies. */
static struct {
	unsigned n, copies;
	struct lr_dp_punt ring[PUNT_SLOTS];
} pt;

static void *zalloc(size_t n)
{
	return calloc(1, n);
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
	if (f != &fw || !d || pt.n++ >= LR_DP_BURST)
		abort(); /* a buffer of this burst, at most once each */
	d->punts++;
	if (session != 0 || b->pkt.len != d->len ||
	    !lr_addr_eq(&b->remote, d->stranger ? &stranger : &peer) ||
	    !lr_addr_eq(&b->local, &local))
		abort();
	switch (d->kind) {
	case LR_DEMUX_STUN:
		if (why != LR_DP_PUNT_STUN)
			abort();
		break;
	case LR_DEMUX_DTLS:
		if (why != LR_DP_PUNT_DTLS)
			abort();
		break;
	case LR_DEMUX_OTHER:
		if (why != LR_DP_PUNT_OTHER)
			abort();
		break;
	default: /* media: only a stranger's, which no session has */
		if (!d->stranger || why != LR_DP_PUNT_UNKNOWN_FLOW)
			abort();
	}
	if (b->pkt.len > sizeof(p->buf) || pt.copies == PUNT_SLOTS) {
		f->st.punt_dropped++;
		return;
	}
	p = &pt.ring[pt.copies++];
	p->why = why;
	p->session = session;
	p->local = b->local;
	p->remote = b->remote;
	p->len = b->pkt.len;
	memcpy(p->buf, b->pkt.data, b->pkt.len);
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
	struct lr_dp_route r = {.to = 2,
				.out_ssrc = 9,
				.pt_from = -1,
				.pt_to = -1,
				.seq_delta = 3};
	struct lr_dp_session s = {.routes = &r, .nroutes = 1};
	struct lr__fwd_cfg cfg = {
		.max_sessions = 16, .max_tx_streams = 8, .pool = 512};
	struct lr_srtp_worker *crypto = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);

	if (!crypto || lr__fwd_init(&fw, &env, &cfg, &local, 1, crypto))
		abort();
	s.local = local;
	s.remote = peer;
	s.rx.suite = s.tx.suite = LR_SRTP_AEAD_AES_128_GCM;
	s.rx.key_len = s.tx.key_len = 16;
	s.rx.salt_len = s.tx.salt_len = 12;
	memset(s.rx.key, 0x11, 16);
	if (lr__flow_install(&fw, 1, &s, NULL))
		abort();
	s.remote = target;
	s.nroutes = 0;
	if (lr__flow_install(&fw, 2, &s, NULL))
		abort();
	ready = 1;
}

static uint64_t counted(void)
{
	uint64_t n = fw.st.forwarded + fw.st.punted + fw.st.punt_dropped;

	for (unsigned d = 0; d < LR_DROP__MAX; d++)
		n += fw.st.drops[d];
	return n;
}

static void burst(struct lr__dpbuf **in, unsigned n)
{
	uint64_t before = counted(), rx0 = fw.st.rx_packets;
	uint64_t fwd0 = fw.st.forwarded,
		 unk0 = fw.st.drops[LR_DROP_UNKNOWN_FLOW];
	uint64_t pu0 = fw.st.punted + fw.st.punt_dropped;
	unsigned expect = n, strangers = 0, k;

	pt.n = pt.copies = 0;
	for (unsigned i = 0; i < n; i++) {
		int media = dg[i].kind == LR_DEMUX_RTP ||
			    dg[i].kind == LR_DEMUX_RTCP;

		strangers += media && dg[i].stranger;
		expect += media && dg[i].stranger; /* punted and dropped */
	}
	k = lr__engine_burst(&fw, in, n, tx);
	/* nothing from the peer authenticates: nothing goes out */
	if (k || fw.st.forwarded != fwd0)
		abort();
	if (fw.st.rx_packets - rx0 != n || counted() - before != expect ||
	    fw.st.drops[LR_DROP_UNKNOWN_FLOW] - unk0 != strangers ||
	    fw.st.punted + fw.st.punt_dropped - pu0 != pt.n)
		abort();
	for (unsigned i = 0; i < n; i++) {
		int media = dg[i].kind == LR_DEMUX_RTP ||
			    dg[i].kind == LR_DEMUX_RTCP;

		/* punted once if not media or a stranger's, else never */
		if (dg[i].punts != (unsigned)(!media || dg[i].stranger))
			abort();
	}
	/* the ring's copies are the datagrams as they came, in order */
	for (unsigned c = 0, i = 0; c < pt.copies; c++, i++) {
		while (i < n && !dg[i].punts)
			i++;
		if (i == n || pt.ring[c].len != dg[i].len ||
		    memcmp(pt.ring[c].buf, dg[i].bytes, dg[i].len))
			abort();
	}
	if (fw.nfree != fw.nbufs)
		abort(); /* every buffer back in the pool */
	ndg = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lr__dpbuf *in[LR_DP_BURST];

	if (!ready)
		setup();
	ndg = 0;
	while (size >= 3) {
		size_t len = (size_t)data[0] << 8 | data[1];
		int from_stranger = data[2] & 1;
		struct lr__dpbuf *b;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (len > 1500)
			len = 1500;
		b = lr__buf_get(&fw);
		if (!b)
			abort(); /* the pool must never leak */
		memcpy(b->data, data, len);
		b->pkt.len = (uint32_t)len;
		b->lidx = 0;
		b->local = local;
		b->remote = from_stranger ? stranger : peer;
		dg[ndg] = (struct dgram){.b = b,
					 .bytes = data,
					 .len = len,
					 .stranger = from_stranger,
					 .kind = lr_demux(data, len)};
		in[ndg++] = b;
		data += len;
		size -= len;
		if (ndg == LR_DP_BURST || size < 3)
			burst(in, ndg);
	}
	return 0;
}
