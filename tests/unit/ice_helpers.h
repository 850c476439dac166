/*
 * Shared by the ICE tests (test_ice.c, test_ice_restart.c, one program):
 * two agents on the simulator, optionally a STUN server, signalling
 * passed in-process, the STUN traffic tapped with its virtual times, and
 * the checks of the state sequence and the selected pair.
 */
#ifndef ICE_HELPERS_H
#define ICE_HELPERS_H

#include "linerate/lr_ice.h"
#include "linerate/lr_stun.h"
#include "lr_sim.h"
#include "lr_sim_rand.h"
#include "lr_sim.h"
#include "lr_test.h"

struct peer {
	struct lr_ice_agent *a;
	struct lr_sim_drbg drbg; /* its CSPRNG, repeatable from the seed */
	int host;
	struct lr_addr addr;
	int states[32];
	int nstates;
	int eoc_sent;
	struct lr_ice_candidate held[8]; /* candidates not yet signalled */
	int nheld;
	int srflx;	       /* server-reflexive candidates gathered */
	uint64_t state_at[32]; /* virtual time of states[i] */
	struct lr_ice_candidate cands[8]; /* local candidates gathered */
	int ncands;
	int nsel; /* LR_ICE_EV_SELECTED events, the last one below */
	struct lr_ice_candidate sel_l, sel_r;
	uint64_t sel_at;
	uint64_t req_at[64]; /* Binding requests received: when */
	int nreq;
	uint64_t resp_at;      /* the last Binding success response received */
	uint8_t last_req[548]; /* the last Binding request sent */
	size_t last_req_len;
};

struct world {
	struct lr_sim *sim;
	struct peer p[2];
	int stun_host;
	struct lr_addr stun_addr;
	uint64_t trickle_delay; /* hold candidates of p[1] until then */
	/* sees every datagram an agent sends (NULL: nothing does) */
	void (*tap)(void *ctx, int from, const uint8_t *buf, size_t len);
	void *tap_ctx;
};

struct opts {
	int lite1, ctrl0, ctrl1, nat0, aggressive, v6;
	uint64_t trickle_delay; /* hold 1's candidates until then */
	double loss;
	uint64_t seed;
};

/* One agent driven by hand, no simulator (test_ice_auth.c,
 * test_ice_secrets.c): its host address, and its peer's candidate and
 * credentials. */
#define SOLO_LOCAL  lr_sim_v4(192, 0, 2, 1, 5000)
#define SOLO_REMOTE lr_sim_v4(198, 51, 100, 2, 6000)
#define SOLO_RUFRAG "rfrg"
#define SOLO_RPWD   "remote-password-of-22+"
struct lr_ice_candidate solo_candidate(void);
/* The peer (rufrag, rpwd and SOLO_REMOTE) made known to a, at time 0. */
void solo_peer(struct lr_ice_agent *a, const char *rufrag, const char *rpwd);

void signal_events(struct world *w, int i);
void run(struct world *w, uint64_t until);
void world_init(struct world *w, const struct opts *o);
void world_free(struct world *w);
void assert_sequence(const struct peer *p);
void assert_selected_event(const struct peer *p);
void assert_connected(struct world *w);
void connect_world(struct world *w, const struct opts *o, uint64_t until);

/* test_ice_restart.c's, test_ice_auth.c's and test_ice_secrets.c's
 * tests, added to the one suite in order. */
void ice_restart_add_tests(CU_pSuite s);
void ice_auth_add_tests(CU_pSuite s);
void ice_secrets_add_tests(CU_pSuite s);

#endif
