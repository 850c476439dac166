/*
 * libFuzzer: the feedback relay (relay_feedback) on arbitrary decrypted
 * RTCP from a subscriber, as an authenticated but hostile peer could
 * send it. Two sessions: a publisher whose route gives SSRC 0x77 to the
 * subscriber (sequence offset 100). Whatever comes in, lr__rtcp_relay
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
static struct lr__dpsess *sub;

static void setup(void)
{
	struct lr_dp_route r = {.ssrc = 5,
				.to = 2,
				.out_ssrc = 0x77,
				.pt_from = -1,
				.pt_to = -1,
				.seq_delta = 100};
	struct lr_dp_session s = {.routes = &r, .nroutes = 1};

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
	s.relay_feedback = 1;
	if (lr__flow_install(dp, 2, &s))
		abort();
	sub = lr__flow_by_id(dp, 2);
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
	int whole;
	size_t kept;

	if (!dp)
		setup();
	if (size > sizeof(p))
		size = sizeof(p);
	memcpy(p, data, size);
	whole = lr_rtcp_compound_ok(p, size);
	in = whole ? packets(p, size) : 0;
	kept = lr__rtcp_relay(dp, sub, p, size);
	while (dp->sends) {
		struct lr__dpsend *x = dp->sends;

		/* one whole packet for the publisher, protected there */
		if (x->rtcp != 1 || !lr_rtcp_compound_ok(x->buf, x->len) ||
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
	/* the rest: whole packets of the input, in order (the first may
	 * now be one without a sender SSRC, such as an empty APP) */
	if (kept > size || !whole_packets(p, kept) ||
	    packets(p, kept) + queued != in)
		abort();
	return 0;
}
