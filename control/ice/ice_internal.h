/* SPDX-License-Identifier: BSD-2-Clause */
/* Private state of the ICE agent (control/ice). */
#ifndef LR_ICE_INTERNAL_H
#define LR_ICE_INTERNAL_H

#include "linerate/lr_ice.h"

#define ICE_MAX_LOCAL  16
#define ICE_MAX_REMOTE 32
#define ICE_MAX_PAIRS  128
#define ICE_MAX_TXN    64
#define ICE_MAX_EV     64
#define ICE_MAX_OUT    32

enum pair_state {
	P_FROZEN,
	P_WAITING,
	P_INPROGRESS,
	P_SUCCEEDED,
	P_FAILED
};
enum txn_kind {
	T_CHECK,
	T_GATHER,
	T_CONSENT
};

struct ice_pair {
	int l, r;
	uint64_t prio;
	uint8_t state;
	uint8_t valid;
	uint8_t nominated; /* by the peer's USE-CANDIDATE or our check */
	uint8_t in_trig;
};

struct ice_txn {
	uint8_t live;
	uint8_t kind;
	uint8_t nominate;
	uint8_t ntx;
	uint8_t id[12];
	int pair;  /* T_CHECK */
	int local; /* T_GATHER: the host candidate */
	uint32_t rto;
	uint64_t next_at;
	struct lr_addr from, to;
	size_t len;
	uint8_t buf[LR_ICE_CHECK_MAX];
};

struct lr_ice_agent {
	struct lr_ice_config cfg;
	struct lr_addr local_addrs[ICE_MAX_LOCAL];
	struct lr_addr stun_server;
	int have_stun_server;
	uint64_t now, tie;
	int controlling;
	char lufrag[9], lpwd[25];
	char rufrag[LR_ICE_UFRAG_MAX + 1], rpwd[257];
	int have_remote, remote_eoc;
	struct lr_ice_candidate locals[ICE_MAX_LOCAL * 2];
	int nlocals;
	struct lr_ice_candidate remotes[ICE_MAX_REMOTE];
	uint8_t rauth[ICE_MAX_REMOTE]; /* remotes[i] proved the credentials */
	int nremotes;
	struct ice_pair pairs[ICE_MAX_PAIRS];
	int npairs;
	int trig[ICE_MAX_PAIRS];
	int ntrig;
	struct ice_txn txns[ICE_MAX_TXN];
	uint64_t next_check_at;
	uint64_t first_valid_at;
	int selected; /* pair index or -1 */
	int have_sel;
	struct lr_addr sel_local, sel_remote;
	struct lr_ice_candidate sel_lcand, sel_rcand;
	uint64_t last_consent, next_consent;
	int state, gstate, gather_pending;
	struct lr_ice_event ev[ICE_MAX_EV];
	unsigned ev_head, ev_n;
	struct lr_ice_transmit out[ICE_MAX_OUT];
	unsigned out_head, out_n;
	struct lr_ice_stats st;
};

/* ice.c */
/* buf[0..len) from the driver's CSPRNG: 0 or -EIO. */
int lr__ice_random(struct lr_ice_agent *a, void *buf, size_t len);
void lr__ice_event(struct lr_ice_agent *a, const struct lr_ice_event *ev);
void lr__ice_set_state(struct lr_ice_agent *a, int state);
void lr__ice_queue(struct lr_ice_agent *a, const struct lr_addr *from,
		   const struct lr_addr *to, const uint8_t *buf, size_t len);
int lr__ice_find_local(const struct lr_ice_agent *a,
		       const struct lr_addr *addr);
int lr__ice_find_remote(const struct lr_ice_agent *a,
			const struct lr_addr *addr);
int lr__ice_add_remote(struct lr_ice_agent *a,
		       const struct lr_ice_candidate *c);
int lr__ice_pair_for(struct lr_ice_agent *a, int l, int r);
void lr__ice_trigger(struct lr_ice_agent *a, int pair);
void lr__ice_select(struct lr_ice_agent *a, int pair);
void lr__ice_unfreeze(struct lr_ice_agent *a, int pair);
void lr__ice_check_failed(struct lr_ice_agent *a);
void lr__ice_add_srflx(struct lr_ice_agent *a, int host,
		       const struct lr_addr *mapped);
void lr__ice_gather_done(struct lr_ice_agent *a);

/* check.c */
int lr__ice_send_check(struct lr_ice_agent *a, int pair, int nominate,
		       int consent);
int lr__ice_send_gather(struct lr_ice_agent *a, int host);
void lr__ice_retransmit(struct lr_ice_agent *a);
int lr__ice_input(struct lr_ice_agent *a, const struct lr_addr *local,
		  const struct lr_addr *remote, const uint8_t *buf, size_t len);

#endif
