/*
 * Shared by the data plane's tests on the sock and uring backends: peers
 * on loopback, each a UDP socket with libsrtp2 sessions to and from the
 * data plane (an independent sender and receiver), and the data plane
 * itself with sessions for them.
 */
#ifndef DP_PEERS_H
#define DP_PEERS_H

#include <sys/socket.h>
#include <sys/types.h>

#include "linerate/lr_dp.h"
#include "lr_test.h"
#include "lr_test_libsrtp.h"

/* The backend dp_open asks for: a suite's setup sets it, so the same
 * tests run once per backend in one program. */
extern enum lr_dp_backend dp_backend;

struct peer {
	int fd;
	struct lr_addr addr;
	srtp_t tx, rx; /* libsrtp2, outbound and inbound */
	uint8_t txkey[46], rxkey[46];
	struct lr_srtp_policy to_dp;   /* what the peer protects with */
	struct lr_srtp_policy from_dp; /* what the dp protects for it */
	uint32_t ssrc;
	uint16_t seq;
};

/* 127.0.0.1 or ::1, port 0. */
struct lr_addr loop_addr(int v6);
/* a as a sockaddr in s; its length. */
socklen_t to_sa(const struct lr_addr *a, struct sockaddr_storage *s);

/* A peer bound to loopback (an ephemeral port), keyed for suite both
 * ways, with a random SSRC and first sequence number. */
void peer_open(struct peer *p, int v6, unsigned suite);
void peer_close(struct peer *p);

/* An RTP packet with a payload of plen bytes (>= 4) tagged k (payload
 * word 0; timestamp k * 960), protected by p's libsrtp2 sender into buf
 * (room for 12 + plen + 32 bytes); its length. */
int make_rtp_len(struct peer *p, uint32_t k, uint8_t *buf, unsigned plen);
/* The same with a 160-byte payload. */
int make_rtp(struct peer *p, uint32_t k, uint8_t *buf);
void send_to(struct peer *p, const struct lr_addr *to, const uint8_t *buf,
	     size_t len);

/* What a leg must look like after the route's rewrite. */
struct expect {
	uint32_t ssrc;
	uint8_t pt;
	uint16_t seq_delta;
	uint32_t ts_delta;
};

/* Receive until n packets came or 2 s of silence; each is unprotected
 * with libsrtp2 and checked against e (if not NULL); returns how many.
 * tags: each one's tag goes there (if not NULL). lens: NULL to expect
 * the 160-byte payloads make_rtp sends, else each one's payload length
 * goes there (any length). */
unsigned receive_legs(struct peer *p, unsigned n, const struct expect *e,
		      uint32_t *tags, unsigned *lens);
unsigned receive(struct peer *p, unsigned n, const struct expect *e,
		 uint32_t *tags);
/* One datagram on p's socket, as it came (not unprotected), within
 * timeout_ms: its length, or -1 on timeout. */
ssize_t peer_recv(struct peer *p, uint8_t *buf, size_t cap, int timeout_ms);

/* A data plane on dp_backend serving 127.0.0.1 (and ::1 if with_v6),
 * ephemeral ports. */
struct lr_dp *dp_open(int with_v6);
/* Its local address i (0: IPv4, 1: IPv6), with the port it got. */
struct lr_addr dp_local(struct lr_dp *dp, unsigned i);
/* Session id for peer p on local address li: its keys both ways, its
 * routes. */
int install(struct lr_dp *dp, uint64_t id, struct peer *p, unsigned li,
	    const struct lr_dp_route *routes, unsigned nroutes);

/* The next punt within 2 s: 1 and *p, or 0. */
int wait_punt(struct lr_dp *dp, struct lr_dp_punt *p);
/* A suite's setup for the sock or uring backend (sets dp_backend, starts
 * libsrtp2), and its teardown. */
int dp_setup_sock(void);
int dp_setup_uring(void);
int dp_teardown(void);
#endif
