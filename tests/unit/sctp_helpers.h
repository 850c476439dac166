/*
 * Shared by the lr_sctp tests (test_sctp.c, test_sctp_limits.c, one
 * program): two lr_sctp on the simulator with their recorded events, and
 * the loop that runs them on the virtual clock.
 */
#ifndef SCTP_HELPERS_H
#define SCTP_HELPERS_H

#include "linerate/lr_sctp.h"
#include "lr_sim.h"
#include "lr_test.h"

#define MAXEV 4096

struct rec {
	enum lr_sctp_ev_type type;
	uint16_t id;
	int binary;
	size_t len;
	uint32_t tag; /* first 4 bytes of a message */
	uint64_t at;  /* virtual time it was polled */
};

struct side {
	struct lr_sctp *s;
	struct lr_addr addr;
	int host;
	struct rec ev[MAXEV];
	unsigned nev;
	uint8_t *big; /* the largest message received */
	size_t big_len;
};

struct net {
	struct lr_sim *sim;
	struct side x[2]; /* x[0] is the DTLS client */
	/* If set: a packet x[from] sends is dropped when it says 1. */
	int (*drop)(struct net *n, int from, const uint8_t *pkt, size_t len);
	void *ctx; /* the test's */
};

/* Two associations (not started) on a link with this loss and
 * reordering; cfg[i] for x[i] if cfg is not NULL (dtls_client is set
 * here), else both with the peer's max-message-size at 1 MiB. */
void net_init_cfg(struct net *n, const struct lr_sctp_config *cfg, double loss,
		  double reorder, uint64_t seed);
void net_init(struct net *n, double loss, double reorder, uint64_t seed);
void net_free(struct net *n);
/* Run both until `until` (virtual us), recording events. */
void pump(struct net *n, uint64_t until);
/* now + seconds, virtual us */
uint64_t later(struct net *n, double seconds);
/* Events of type t on channel id (-1: any) x[i] recorded. */
unsigned count(const struct side *sd, enum lr_sctp_ev_type t, int id);
/* Start both; fails the test unless both are connected in 2 s. */
void connect_both(struct net *n);

/* test_sctp_limits.c's tests, added to the "sctp" suite. */
void sctp_limits_add_tests(CU_pSuite s);

#endif
