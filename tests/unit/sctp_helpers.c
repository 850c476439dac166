/*
 * Helpers of the lr_sctp tests (sctp_helpers.h): two associations on the
 * simulator and the loop that runs them.
 */
#include <stdlib.h>
#include <string.h>

#include "sctp_helpers.h"

static uint64_t lr_test_sctp_clock; /* see net_init_cfg() */

void net_init_cfg(struct net *n, const struct lr_sctp_config *cfg, double loss,
		  double reorder, uint64_t seed)
{
	struct lr_sim_link l = {
		.delay_us = 10000, .loss = loss, .reorder = reorder};

	memset(n, 0, sizeof(*n));
	n->sim = lr_sim_new(seed);
	lr_sim_set_link(n->sim, &l);
	/* usrsctp's clock is per process: start where earlier tests left
	 * it, so it never runs backwards. */
	lr_sim_advance(n->sim, lr_test_sctp_clock);
	for (int i = 0; i < 2; i++) {
		struct lr_sctp_config c = {
			.remote_max_message_size = LR_SCTP_MAX_MESSAGE_SIZE,
		};

		if (cfg)
			c = cfg[i];
		c.dtls_client = i == 0;
		CU_ASSERT_EQUAL_FATAL(lr_sctp_new(&c, &n->x[i].s), 0);
		n->x[i].host = lr_sim_add_host(n->sim, -1);
		n->x[i].addr = lr_sim_v4(192, 0, 2, (uint8_t)(20 + i), 5000);
		lr_sim_host_addr(n->sim, n->x[i].host, &n->x[i].addr);
	}
}

void net_init(struct net *n, double loss, double reorder, uint64_t seed)
{
	net_init_cfg(n, NULL, loss, reorder, seed);
}

void net_free(struct net *n)
{
	lr_test_sctp_clock = lr_sim_now(n->sim);
	for (int i = 0; i < 2; i++) {
		lr_sctp_free(n->x[i].s);
		free(n->x[i].big);
	}
	lr_sim_free(n->sim);
}

static void collect(struct side *sd, uint64_t now)
{
	struct lr_sctp_event ev;

	while (lr_sctp_poll_event(sd->s, &ev)) {
		struct rec *r = &sd->ev[sd->nev < MAXEV ? sd->nev : MAXEV - 1];

		if (sd->nev < MAXEV)
			sd->nev++;
		r->type = ev.type;
		r->id = ev.id;
		r->binary = ev.binary;
		r->len = ev.len;
		r->tag = 0;
		r->at = now;
		if (ev.len >= 4)
			memcpy(&r->tag, ev.data, 4);
		if (ev.type == LR_SCTP_EV_MESSAGE && ev.len > sd->big_len) {
			free(sd->big);
			sd->big = ev.data;
			sd->big_len = ev.len;
			ev.data = NULL;
		}
		lr_sctp_event_clear(&ev);
	}
}

void pump(struct net *n, uint64_t until)
{
	uint8_t buf[2048];
	struct lr_addr src, dst;

	for (;;) {
		uint64_t now = lr_sim_now(n->sim), next;
		int len;

		for (int i = 0; i < 2; i++) {
			struct side *sd = &n->x[i];

			while ((len = lr_sim_recv(n->sim, sd->host, &src, &dst,
						  buf, sizeof(buf))) > 0)
				lr_sctp_handle_input(sd->s, now, buf,
						     (size_t)len);
			lr_sctp_handle_timeout(sd->s, now);
			while ((len = lr_sctp_poll_transmit(sd->s, buf,
							    sizeof(buf))) > 0) {
				CU_ASSERT(len <= 1160);
				if (n->drop && n->drop(n, i, buf, (size_t)len))
					continue;
				lr_sim_send(n->sim, &sd->addr,
					    &n->x[1 - i].addr, buf,
					    (size_t)len);
			}
			collect(sd, now);
		}
		next = lr_sim_next(n->sim);
		for (int i = 0; i < 2; i++) {
			uint64_t t = lr_sctp_poll_timeout(n->x[i].s);

			if (t < next)
				next = t;
		}
		if (next > until)
			break;
		lr_sim_advance(n->sim, next);
	}
}

uint64_t later(struct net *n, double seconds)
{
	return lr_sim_now(n->sim) + (uint64_t)(seconds * 1e6);
}

unsigned count(const struct side *sd, enum lr_sctp_ev_type t, int id)
{
	unsigned c = 0;

	for (unsigned i = 0; i < sd->nev; i++)
		c += sd->ev[i].type == t && (id < 0 || sd->ev[i].id == id);
	return c;
}

void connect_both(struct net *n)
{
	lr_sctp_start(n->x[0].s, lr_sim_now(n->sim));
	lr_sctp_start(n->x[1].s, lr_sim_now(n->sim));
	pump(n, later(n, 2));
	CU_ASSERT_EQUAL_FATAL(lr_sctp_state(n->x[0].s), LR_SCTP_CONNECTED);
	CU_ASSERT_EQUAL_FATAL(lr_sctp_state(n->x[1].s), LR_SCTP_CONNECTED);
	CU_ASSERT_EQUAL(count(&n->x[0], LR_SCTP_EV_CONNECTED, -1), 1);
	CU_ASSERT_EQUAL(count(&n->x[1], LR_SCTP_EV_CONNECTED, -1), 1);
}
