/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The process's one usrsctp stack, without its threads (AF_CONN only).
 * usrsctp keeps global state by design; this file is the one place that
 * knows it: a reference count and the stack's clock.
 */
#include <errno.h>

#include <usrsctp.h>

#include "sctp_internal.h"

#define TICK_US 10000ull /* usrsctp's timer granularity */

static unsigned refs;
static int inited;
static uint64_t clock_us; /* the largest `now` seen */
static int clock_set;

/* usrsctp wants to send a packet to the AF_CONN address `addr`, which
 * is the lr_sctp it belongs to. */
static int conn_output(void *addr, void *buf, size_t len, uint8_t tos,
		       uint8_t set_df)
{
	struct lr_sctp *s = addr;

	(void)tos;
	(void)set_df;
	if (lr__dgram_push(&s->out, buf, len))
		s->st.tx_queue_drops++;
	else
		s->st.tx_packets++;
	return 0;
}

int lr__sctp_stack_ref(void)
{
	if (!inited) {
		usrsctp_init_nothreads(0, conn_output, NULL);
		/* Browser-like behaviour (RFC 8831 §6.2): PR-SCTP and
		 * stream reconfiguration on, no ECN (not over DTLS), quiet
		 * about out-of-the-blue packets. */
		usrsctp_sysctl_set_sctp_pr_enable(1);
		usrsctp_sysctl_set_sctp_reconfig_enable(1);
		usrsctp_sysctl_set_sctp_ecn_enable(0);
		usrsctp_sysctl_set_sctp_blackhole(2);
		usrsctp_sysctl_set_sctp_asconf_enable(0);
		usrsctp_sysctl_set_sctp_auth_enable(1);
		usrsctp_sysctl_set_sctp_rto_initial_default(1000);
		usrsctp_sysctl_set_sctp_rto_min_default(200);
		usrsctp_sysctl_set_sctp_rto_max_default(10000);
		usrsctp_sysctl_set_sctp_init_rto_max_default(10000);
		usrsctp_sysctl_set_sctp_delayed_sack_time_default(20);
		/* Room to reassemble a max-size message under loss. */
		usrsctp_sysctl_set_sctp_max_chunks_on_queue(8192);
		inited = 1;
	}
	refs++;
	return 0;
}

void lr__sctp_stack_unref(void)
{
	/* usrsctp cannot be restarted reliably after usrsctp_finish(), so
	 * the stack stays up for the life of the process once made. */
	if (refs)
		refs--;
}

void lr__sctp_stack_advance(uint64_t now)
{
	uint64_t ms;

	if (!clock_set) {
		clock_us = now;
		clock_set = 1;
		return;
	}
	if (now <= clock_us)
		return;
	ms = (now - clock_us) / 1000;
	if (!ms)
		return;
	clock_us += ms * 1000;
	while (ms) {
		uint32_t step = ms > 1000000 ? 1000000 : (uint32_t)ms;

		usrsctp_handle_timers(step);
		ms -= step;
	}
}

uint64_t lr__sctp_stack_next(void)
{
	return clock_us + TICK_US;
}
