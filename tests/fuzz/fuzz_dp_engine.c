/*
 * libFuzzer: the data plane engine on arbitrary datagrams. The input is
 * split into datagrams (2-byte length prefixes, and a byte choosing the
 * sender: the installed peer or a stranger) and run through
 * lr__engine_burst() in bursts, with one installed session that routes
 * to a second. Every buffer must come back to the pool, every datagram
 * must be counted once (forwarded, punted or dropped by reason), and
 * nothing may crash. White-box: the worker's state is built here, with
 * no thread and no socket.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dp_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lr_dp *dp;
static struct lr__dpbuf *tx[LR_DP_BURST * LR_DP_MAX_ROUTES];
static unsigned pool_size;

static struct lr_addr a4(uint8_t last, uint16_t port)
{
	struct lr_addr a = {.family = 4, .port = port, .ip = {127, 0, 0, last}};

	return a;
}

static void setup(void)
{
	struct lr_dp_route r = {.to = 2,
				.out_ssrc = 9,
				.pt_from = -1,
				.pt_to = -1,
				.seq_delta = 3};
	struct lr_dp_session s = {.routes = &r, .nroutes = 1};

	dp = calloc(1, sizeof(*dp));
	lr__dp_worker_links(dp, NULL); /* one worker: its own punts */
	dp->cfg.pool = pool_size = 512;
	dp->cfg.max_sessions = 16;
	dp->cfg.max_tx_streams = 8;
	dp->nlocal = 1;
	dp->local[0] = a4(1, 5000);
	pthread_mutex_init(&dp->mu, NULL);
	dp->punt_fd = eventfd(0, EFD_NONBLOCK);
	dp->crypto = lr_srtp_worker_new(LR_SRTP_IMPL_AUTO);
	if (!dp->crypto || lr__dp_pool_init(dp) || lr__flow_init(dp) ||
	    lr__spsc_init(&dp->punts, 256, sizeof(struct lr_dp_punt)))
		abort();
	s.local = dp->local[0];
	s.remote = a4(2, 6000);
	s.rx.suite = s.tx.suite = LR_SRTP_AEAD_AES_128_GCM;
	s.rx.key_len = s.tx.key_len = 16;
	s.rx.salt_len = s.tx.salt_len = 12;
	memset(s.rx.key, 0x11, 16);
	if (lr__flow_install(dp, 1, &s))
		abort();
	s.remote = a4(3, 7000);
	s.nroutes = 0;
	if (lr__flow_install(dp, 2, &s))
		abort();
}

static uint64_t counted(void)
{
	uint64_t n = dp->st.forwarded + dp->st.punted + dp->st.punt_dropped;

	for (unsigned d = 0; d < LR_DROP__MAX; d++)
		n += dp->st.drops[d];
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lr__dpbuf *in[LR_DP_BURST];
	unsigned n = 0;

	if (!dp)
		setup();
	while (size >= 3) {
		size_t len = (size_t)data[0] << 8 | data[1];
		int stranger = data[2] & 1;
		struct lr__dpbuf *b;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (len > 1500)
			len = 1500;
		b = lr__buf_get(dp);
		if (!b)
			abort(); /* the pool must never leak */
		memcpy(b->data, data, len);
		b->pkt.len = (uint32_t)len;
		b->lidx = 0;
		b->local = dp->local[0];
		b->remote = stranger ? a4(9, 9999) : a4(2, 6000);
		in[n++] = b;
		data += len;
		size -= len;
		if (n == LR_DP_BURST || size < 3) {
			uint64_t before = counted();
			uint64_t rx0 = dp->st.rx_packets;
			unsigned k = lr__engine_burst(dp, in, n, tx);

			/* every datagram is accounted for (a routed one at
			 * least once: legs are counted as forwarded) */
			if (counted() - before < dp->st.rx_packets - rx0 && !k)
				abort();
			for (unsigned i = 0; i < k; i++)
				lr__buf_put(dp, tx[i]);
			n = 0;
		}
	}
	for (unsigned i = 0; i < n; i++)
		lr__buf_put(dp, in[i]);
	if (dp->nfree != pool_size)
		abort();
	/* the control plane would read punts; drop them here */
	while (lr__spsc_peek(&dp->punts))
		lr__spsc_pop(&dp->punts);
	return 0;
}
