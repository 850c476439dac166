/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_ice: an ICE agent (RFC 8445) for one WebRTC transport (one
 * component: rtcp-mux and BUNDLE), sans-IO.
 *
 * The driver owns sockets, the clock and randomness: it passes `now` in
 * microseconds, a seed, every datagram that arrived (with the local and
 * remote address), and sends what lr_ice_poll_transmit() returns. Full
 * and lite agents; controlling/controlled with the tie-breaker and 487
 * role conflicts; host, server-reflexive and peer-reflexive candidates;
 * Ta pacing, triggered checks, regular or aggressive nomination; trickle
 * with end-of-candidates; consent freshness (RFC 7675); ICE restart.
 * States follow RTCIceConnectionState and RTCIceGatheringState.
 */
#ifndef LINERATE_LR_ICE_H
#define LINERATE_LR_ICE_H

#include <stddef.h>
#include <stdint.h>

#include "lr_rand.h"
#include "lr_stun.h"

enum lr_ice_cand_type {
	LR_ICE_HOST = 0,
	LR_ICE_SRFLX = 1,
	LR_ICE_PRFLX = 2,
	LR_ICE_RELAY = 3, /* designed in: TURN comes in a later issue */
};

struct lr_ice_candidate {
	char foundation[33];
	uint16_t component; /* 1 */
	uint8_t type;	    /* enum lr_ice_cand_type */
	uint32_t priority;
	struct lr_addr addr;
	struct lr_addr base; /* host: addr; srflx/prflx: the host base */
};

enum lr_ice_conn_state { /* RTCIceConnectionState */
	LR_ICE_NEW = 0,
	LR_ICE_CHECKING,
	LR_ICE_CONNECTED,
	LR_ICE_COMPLETED,
	LR_ICE_FAILED,
	LR_ICE_DISCONNECTED,
	LR_ICE_CLOSED,
};

enum lr_ice_gather_state { /* RTCIceGatheringState */
	LR_ICE_GATHER_NEW = 0,
	LR_ICE_GATHER_GATHERING,
	LR_ICE_GATHER_COMPLETE,
};

struct lr_ice_config {
	int controlling; /* initial role (a lite agent is controlled) */
	int lite;
	int aggressive; /* aggressive nomination (controlling only) */
	const struct lr_addr *local; /* host addresses the driver bound */
	unsigned nlocal;
	const struct lr_addr *stun_server; /* NULL: no srflx */
	/* The driver's CSPRNG (required): credentials (RFC 8445 §5.3: 48
	 * bits of ufrag, 144 of password), the tie-breaker, transaction IDs
	 * (RFC 8489 §5) and consent jitter all come from it. */
	struct lr_rand rand;
	uint32_t ta_us;	 /* check pacing; 0 = 50 ms */
	uint32_t rto_us; /* first retransmission timeout; 0 = 250 ms */
	unsigned max_tx; /* transmissions of one check; 0 = 7 */
	uint32_t consent_interval_us; /* 0 = 5 s (RFC 7675 §5.1) */
	uint32_t consent_timeout_us;  /* 0 = 30 s */
	uint32_t disconnected_us;     /* no consent reply for this: 0 = 10 s */
};

enum lr_ice_event_type {
	LR_ICE_EV_CANDIDATE,	  /* a local candidate (trickle it) */
	LR_ICE_EV_GATHERING_DONE, /* end of local candidates */
	LR_ICE_EV_STATE,	  /* connection state changed */
	LR_ICE_EV_GATHER_STATE,
	LR_ICE_EV_SELECTED, /* the selected pair changed */
	LR_ICE_EV_ROLE,	    /* role changed by a conflict */
};

struct lr_ice_event {
	enum lr_ice_event_type type;
	struct lr_ice_candidate cand;	/* CANDIDATE; SELECTED: local */
	struct lr_ice_candidate remote; /* SELECTED */
	int state;			/* STATE, GATHER_STATE, ROLE */
};

/* The largest check the agent builds: header, USERNAME of a 256-byte
 * remote ufrag, ':' and ours, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
 * MESSAGE-INTEGRITY and FINGERPRINT (RFC 8445 §7.1.1, RFC 8489 §14). */
#define LR_ICE_UFRAG_MAX 256
#define LR_ICE_CHECK_MAX                                                       \
	(20 + 4 + ((LR_ICE_UFRAG_MAX + 1 + 8 + 3) & ~3) + 8 + 12 + 4 + 24 + 8)

struct lr_ice_transmit {
	struct lr_addr local, remote;
	size_t len;
	uint8_t buf[548];
};

struct lr_ice_agent;

/* 0 and *out, or -EINVAL (no cfg->rand.fill, bad addresses), -EIO (the
 * generator failed), -ENOMEM. Gathering starts at once. */
int lr_ice_new(const struct lr_ice_config *cfg, uint64_t now,
	       struct lr_ice_agent **out);
void lr_ice_free(struct lr_ice_agent *a);
void lr_ice_local_credentials(const struct lr_ice_agent *a, const char **ufrag,
			      const char **pwd);
/* Remote ufrag (4..256) and pwd (22..256) (RFC 8839 §5.4). A change is
 * an ICE restart by the peer. 0 or -EINVAL. Checks to a peer with the
 * longest of them still fit (LR_ICE_CHECK_MAX). */
int lr_ice_set_remote_credentials(struct lr_ice_agent *a, const char *ufrag,
				  const char *pwd);
int lr_ice_add_remote_candidate(struct lr_ice_agent *a,
				const struct lr_ice_candidate *c, uint64_t now);
void lr_ice_remote_end_of_candidates(struct lr_ice_agent *a);
/* A datagram for the agent: 0 if it was STUN and handled, -ENOMSG if it
 * is not STUN (the driver demultiplexes the rest), -EINVAL if refused
 * (counted). */
int lr_ice_handle_packet(struct lr_ice_agent *a, uint64_t now,
			 const struct lr_addr *local,
			 const struct lr_addr *remote, const uint8_t *buf,
			 size_t len);
void lr_ice_handle_timeout(struct lr_ice_agent *a, uint64_t now);
int lr_ice_poll_transmit(struct lr_ice_agent *a, struct lr_ice_transmit *t);
int lr_ice_poll_event(struct lr_ice_agent *a, struct lr_ice_event *ev);
/* The next time handle_timeout wants to run (UINT64_MAX: none). */
uint64_t lr_ice_poll_timeout(const struct lr_ice_agent *a);
/* ICE restart: new local credentials, fresh from the CSPRNG; media
 * stays on the selected pair until a new one is selected. From failed
 * (and on a peer's restart, seen as new remote credentials) the state
 * goes back to checking and checks run again; the failed pair is no
 * longer selected. 0, or -EIO (the generator failed: nothing changed). */
int lr_ice_restart(struct lr_ice_agent *a, uint64_t now);
void lr_ice_close(struct lr_ice_agent *a);

enum lr_ice_conn_state lr_ice_state(const struct lr_ice_agent *a);
enum lr_ice_gather_state lr_ice_gather_state(const struct lr_ice_agent *a);
int lr_ice_controlling(const struct lr_ice_agent *a);
/* The peer's current ufrag, or NULL before it is known. */
const char *lr_ice_remote_ufrag(const struct lr_ice_agent *a);
/* 1 and the pair if one is selected. */
int lr_ice_selected(const struct lr_ice_agent *a, struct lr_addr *local,
		    struct lr_addr *remote);

/* 1 if remote has proven in this ICE generation that it knows the
 * credentials: it sent a connectivity check that passed the USERNAME and
 * MESSAGE-INTEGRITY checks, or answered one of ours with a signed
 * success response; or it is the selected pair's remote address. 0
 * otherwise. A transport takes DTLS and media only from such addresses
 * (RFC 8445 §11.1, RFC 8842). */
int lr_ice_remote_authenticated(const struct lr_ice_agent *a,
				const struct lr_addr *remote);

struct lr_ice_stats {
	uint64_t checks_sent, checks_recv, responses_recv, responses_sent;
	uint64_t role_conflicts, auth_failures, bad_stun, stray_responses;
	uint64_t consent_sent, consent_ok;
	/* checks not sent: the generator failed (no transaction ID), or the
	 * message did not fit (neither happens with a working CSPRNG and the
	 * limits above); the pair fails instead of waiting forever */
	uint64_t checks_unsent;
};
void lr_ice_stats(const struct lr_ice_agent *a, struct lr_ice_stats *out);

/* RFC 8445 §5.1.2.1: priority of a candidate. */
uint32_t lr_ice_priority(enum lr_ice_cand_type type, uint32_t local_pref,
			 unsigned component);
/* RFC 8445 §6.1.2.3: priority of a pair. */
uint64_t lr_ice_pair_priority(uint32_t controlling, uint32_t controlled);

#endif
