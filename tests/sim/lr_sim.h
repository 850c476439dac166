/*
 * lr_sim: a deterministic network simulator for tests of the sans-IO
 * protocol machines (ICE, DTLS, SCTP, whole lr_pc sessions).
 *
 * Virtual clock in microseconds; no sockets, no threads, no wall clock.
 * Hosts own addresses; datagrams sent between addresses cross a link
 * with delay, jitter, loss, duplication and reordering drawn from a
 * seeded PRNG, so a run is repeatable from its seed. A NAT puts hosts
 * behind a public address with endpoint-independent mapping and
 * address-dependent filtering (RFC 4787 terms).
 */
#ifndef LR_SIM_H
#define LR_SIM_H

#include <stddef.h>
#include <stdint.h>
#include "linerate/lr_addr.h"

struct lr_sim_link {
	uint64_t delay_us;  /* one-way base delay */
	uint64_t jitter_us; /* uniform extra 0..jitter */
	double loss;	    /* probability a datagram is dropped */
	double dup;	    /* probability it is delivered twice */
	double reorder;	    /* probability it is held back by 2 x delay */
};

struct lr_sim;

struct lr_sim *lr_sim_new(uint64_t seed);
void lr_sim_free(struct lr_sim *s);

/* A host; returns its id (>= 0) or -errno. behind_nat: a NAT id from
 * lr_sim_add_nat, or -1 for none. */
int lr_sim_add_host(struct lr_sim *s, int behind_nat);
/* Give host an address (any port of it belongs to the host). */
int lr_sim_host_addr(struct lr_sim *s, int host, const struct lr_addr *a);
/* A NAT with public address pub (its port is ignored). Id or -errno. */
int lr_sim_add_nat(struct lr_sim *s, const struct lr_addr *pub);

/* The link every datagram crosses (default: 10 ms, nothing else). */
void lr_sim_set_link(struct lr_sim *s, const struct lr_sim_link *l);
/* Drop everything a host sends or should receive from now on (or not). */
void lr_sim_host_silence(struct lr_sim *s, int host, int silent);

uint64_t lr_sim_now(const struct lr_sim *s);
/* Send a datagram from src (an address of the sending host). 0 or
 * -errno (-EADDRNOTAVAIL if src is not a host address). */
int lr_sim_send(struct lr_sim *s, const struct lr_addr *src,
		const struct lr_addr *dst, const void *data, size_t len);
/* The time of the next delivery, or UINT64_MAX if none is pending. */
uint64_t lr_sim_next(const struct lr_sim *s);
/* Move the clock to t (never backwards); deliveries due by then become
 * receivable. */
void lr_sim_advance(struct lr_sim *s, uint64_t t);
/* Take the oldest datagram delivered to host: its length (copied up to
 * cap), or -EAGAIN if none. src: as the host sees it (after NAT). */
int lr_sim_recv(struct lr_sim *s, int host, struct lr_addr *src,
		struct lr_addr *dst, void *buf, size_t cap);

struct lr_sim_stats {
	uint64_t sent, delivered, lost, duplicated, reordered;
	uint64_t nat_filtered, unroutable;
};
void lr_sim_stats(const struct lr_sim *s, struct lr_sim_stats *out);

/* The process's gettimeofday() follows virtual time once a simulator
 * exists (vclock.c: for dependencies that read the wall clock inside,
 * such as usrsctp). */
void lr__sim_vclock_tick(uint64_t delta_us);

/* Helpers for tests. */
struct lr_addr lr_sim_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
			 uint16_t port);

#endif
