/*
 * libFuzzer: the RTCP relay on arbitrary decrypted RTCP, as an
 * authenticated but hostile peer could send it: from a subscriber
 * (relay_feedback) or from a publisher (relay_reports; the first input
 * byte says which). Two sessions: a publisher whose route gives its SSRC
 * 5 to the subscriber as 0x77 (sequence offset 100). From the
 * publisher, the input must be left as it came (an SR is relayed and
 * still punted), and one SR queued for the subscriber per SR of SSRC 5
 * of at least 28 bytes. Whatever comes in, lr__rtcp_relay
 * must leave either the input untouched (not a whole compound) or whole
 * packets of it, in order, for the punt, and every packet must be either
 * kept or queued once for the publisher, as a whole compound. White box: no
 * thread; what it queues is taken off the queue here.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#include "dp_internal.h"
#include "linerate/lr_rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lr_dp *dp;
static struct lr__dpsess *sub, *pub;

static void setup(void)
{
	struct lr_dp_route r = {.ssrc = 5,
				.to = 2,
				.out_ssrc = 0x77,
				.pt_from = -1,
				.pt_to = -1,
				.seq_delta = 100};
	struct lr_dp_session s = {
		.routes = &r, .nroutes = 1, .relay_reports = 1};

	dp = calloc(1, sizeof(*dp));
	lr__dp_worker_links(dp, NULL);
	dp->cfg.max_sessions = 16;
	dp->cfg.max_tx_streams = 4;
	dp->nlocal = 1;
	dp->local[0] = (struct lr_dp_addr){
		.family = 4, .port = 5000, .ip = {127, 0, 0, 1}};
	pthread_mutex_init(&dp->mu, NULL);
	dp->wake_fd = eventfd(0, EFD_NONBLOCK); /* the queue wakes it */
	dp->crypto = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	if (!dp->crypto || lr__flow_init(dp))
		abort();
	s.local = dp->local[0];
	s.remote = (struct lr_dp_addr){
		.family = 4, .port = 6000, .ip = {127, 0, 0, 2}};
	s.rx.suite = s.tx.suite = LR_SRTP_AEAD_AES_128_GCM;
	s.rx.key_len = s.tx.key_len = 16;
	s.rx.salt_len = s.tx.salt_len = 12;
	if (lr__flow_install(dp, 1, &s))
		abort();
	s.remote.port = 7000;
	s.nroutes = 0;
	s.relay_reports = 0;
	s.relay_feedback = 1;
	if (lr__flow_install(dp, 2, &s))
		abort();
	sub = lr__flow_by_id(dp, 2);
	pub = lr__flow_by_id(dp, 1);
}

/* SRs of SSRC 5 of 28 bytes or more in a whole compound. */
static unsigned srs(const uint8_t *p, size_t len)
{
	unsigned n = 0;

	for (size_t off = 0; off < len; off += 4 + 4u * lr_rd16(p + off + 2))
		n += p[off + 1] == 200 && lr_rd16(p + off + 2) >= 6 &&
		     lr_rd32(p + off + 4) == 5;
	return n;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t p[2048];
	unsigned queued = 0, in;
	int whole, from_pub;
	size_t kept;

	if (!dp)
		setup();
	if (size < 1)
		return 0;
	from_pub = data[0] & 1;
	data++;
	size--;
	if (size > sizeof(p))
		size = sizeof(p);
	memcpy(p, data, size);
	whole = lr_rtcp_compound_ok(p, size);
	in = whole ? packets(p, size) : 0;
	kept = lr__rtcp_relay(dp, from_pub ? pub : sub, p, size);
	while (dp->sends) {
		struct lr__dpsend *x = dp->sends;

		/* one whole packet for the publisher, protected there */
		if (x->rtcp != (from_pub ? 2u : 1u) ||
		    !lr_rtcp_compound_ok(x->buf, x->len) ||
		    packets(x->buf, x->len) != 1)
			abort();
		dp->sends = x->next;
		free(x);
		queued++;
	}
	dp->sends_tail = NULL;
	if (!whole || size > LR_DP_RTCP_MAX) {
		if (kept != size || memcmp(p, data, size) || queued)
			abort(); /* left as it came */
		return 0;
	}
	if (from_pub) {
		if (kept != size || memcmp(p, data, size) ||
		    queued != srs(p, size))
			abort();
		return 0;
	}
	/* the rest: whole packets of the input, in order (the first may
	 * now be one without a sender SSRC, such as an empty APP) */
	if (kept > size || !whole_packets(p, kept) ||
	    packets(p, kept) + queued != in)
		abort();
	return 0;
}
