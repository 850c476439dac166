/* libFuzzer: arbitrary datagrams into an ICE agent that has remote
 * credentials and a candidate: requests, responses, garbage; then its
 * timers. The agent must neither crash nor emit malformed STUN. */
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_ice.h"
#include "lr_sim_rand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lr_addr local = {
		.family = 4, .port = 5000, .ip = {192, 0, 2, 1}};
	struct lr_ice_candidate rc = {
		.foundation = "r1",
		.component = 1,
		.type = LR_ICE_HOST,
		.priority = 2130706431,
		.addr = {.family = 4, .port = 6000, .ip = {198, 51, 100, 2}}};
	struct lr_sim_drbg drbg;
	struct lr_ice_config cfg = {.controlling = size & 1,
				    .local = &local,
				    .nlocal = 1,
				    .rand = lr_sim_drbg_rand(&drbg)};
	struct lr_ice_agent *a;
	struct lr_ice_transmit t;
	struct lr_ice_event ev;
	struct lr_stun_msg m;
	uint64_t now = 0;
	size_t off = 0;

	lr_sim_drbg_init(&drbg, 7); /* the same agent for the same input */
	if (lr_ice_new(&cfg, 0, &a))
		return 0;
	/* the remote credentials the fuzzer's seeds are signed with */
	lr_ice_set_remote_credentials(a, "rfrg", "rrrrrrrrrrrrrrrrrrrrrr");
	rc.base = rc.addr;
	lr_ice_add_remote_candidate(a, &rc, 0);
	while (off + 2 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];

		off += 2;
		if (len > size - off)
			len = size - off;
		lr_ice_handle_packet(a, now, &local, &rc.addr, data + off, len);
		off += len;
		now += 20000;
		lr_ice_handle_timeout(a, now);
		while (lr_ice_poll_transmit(a, &t))
			if (lr_stun_parse(&m, t.buf, t.len) != LR_STUN_OK)
				abort();
		while (lr_ice_poll_event(a, &ev))
			;
	}
	lr_ice_handle_timeout(a, now + 40000000);
	while (lr_ice_poll_transmit(a, &t))
		if (lr_stun_parse(&m, t.buf, t.len) != LR_STUN_OK)
			abort();
	lr_ice_free(a);
	return 0;
}
