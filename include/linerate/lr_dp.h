/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_dp: the data plane. One burst engine behind several backends:
 *
 *   rx -> RFC 7983 demux -> flow lookup (5-tuple, then SSRC) -> SRTP or
 *   SRTCP unprotect -> route to 1..N legs (SSRC, payload type, sequence
 *   number and timestamp rewrite) -> SRTP protect per leg -> tx
 *
 * What is not media for an installed flow (STUN, DTLS and SCTP inside
 * it, RTP/RTCP of unknown flows, RTCP) goes to the control plane through
 * lr_dp_poll_punt(); the control plane sends its own datagrams with
 * lr_dp_send(), so everything leaves by one path.
 *
 * The hand-over from lr_pc is lr_dp_session_install() with what its
 * KEYS_READY event carries plus routes. The worker applies installs,
 * updates (re-keying, routes) and removals between bursts, so a packet
 * sees the old or the new state, never a mix; the fast path takes no
 * lock (it reads one atomic flag per burst).
 *
 * Threads: lr_dp_* calls come from one control thread; each backend
 * worker runs on its own thread and owns its flows' state.
 */
#ifndef LINERATE_LR_DP_H
#define LINERATE_LR_DP_H

#include "lr_types.h"
#include "lr_pkt.h"
#include "lr_srtp_core.h"
#include "lr_addr.h"

#define LR_DP_BURST	   LR_BURST_MAX /* one burst size for all */
#define LR_DP_MAX_ROUTES   256 /* a publisher to 128 viewers, 2 tracks */
#define LR_DP_MAX_SSRCS	   16
#define LR_DP_MAX_TX_SSRCS 4096
#define LR_DP_MAX_WORKERS  64
#define LR_DP_PUNT_PTS	   2

/* Media of one incoming SSRC of a session, to the peer of another. */
struct lr_dp_route {
	uint32_t ssrc;	    /* incoming SSRC this applies to; 0 = every one */
	uint64_t to;	    /* the session whose peer receives it */
	uint32_t out_ssrc;  /* SSRC on the leg; 0 = unchanged */
	int16_t pt_from;    /* rewrite this payload type ... */
	int16_t pt_to;	    /* ... into this one; -1 = no rewrite */
	uint16_t seq_delta; /* out = in + delta (mod 2^16) */
	uint32_t ts_delta;  /* out = in + delta (mod 2^32) */
};

/* One peer: what lr_pc's KEYS_READY carries, plus its routes. */
struct lr_dp_session {
	struct lr_addr local;	  /* one of the data plane's addresses */
	struct lr_addr remote;	  /* the peer (the ICE-selected pair) */
	struct lr_srtp_policy tx; /* protects what we send to the peer */
	struct lr_srtp_policy rx; /* checks what the peer sends */
	/* The peer's SSRCs we accept (0 of them: any, learnt as they come,
	 * up to LR_DP_MAX_SSRCS). */
	const uint32_t *remote_ssrcs;
	unsigned nremote_ssrcs;
	const struct lr_dp_route *routes;
	unsigned nroutes;
	/* Install only: streams as the in-process path left them
	 * (lr_pc_media_handover), so indices and replay state carry on. */
	const struct lr_srtp_stream_state *rx_state, *tx_state;
	unsigned nrx_state, ntx_state;
	/* Install only: SSRC slots, the most SSRCs the peer may send us
	 * (0: LR_DP_MAX_SSRCS, the most) and we may send the peer (0: the
	 * config's max_tx_streams; at most LR_DP_MAX_TX_SSRCS). A session's
	 * memory is mostly these (~200 bytes a slot): a publisher of one
	 * audio and one video track wants 2 and 2, a subscriber as many tx
	 * slots as SSRCs routed to it; rtcp_ssrc, if set, takes one more. */
	unsigned rx_ssrcs, tx_ssrcs;
	/* The peer's feedback on what it receives from us, relayed by the
	 * data plane to the publisher: a PLI, a FIR (one entry) or a
	 * generic NACK whose media SSRC a route gives this session (a route
	 * of one SSRC) goes to that route's publisher, SRTCP-protected
	 * with its keys, the SSRC and NACKed sequence numbers mapped back
	 * through the route (a reduced-size packet, RFC 5506: the peer must
	 * have offered a=rtcp-rsize, as browsers do). The rest of the
	 * compound is punted as before; feedback for no route, or for a
	 * publisher whose rtcp_ssrc is 0, is punted. It goes out as the
	 * gateway's own (as an SFU's): its sender SSRC is the publisher
	 * session's rtcp_ssrc, whatever the subscriber put there; a FIR's
	 * sequence number is the gateway's for that stream. Limits (struct
	 * lr_dp_config relay_*): of one compound, a publisher gets at most
	 * one packet (its PLIs and FIRs for one stream coalesced into one
	 * request, its NACKs for one stream merged into one); a stream gets
	 * at most one keyframe request per relay_pli_interval_ms from each
	 * subscriber and from all of them together, and at most
	 * relay_nack_max NACK entries per relay_nack_interval_ms from each
	 * subscriber. What a limit cuts is dropped, counted rate_limited
	 * (not punted). 0 (the default): all of it is punted. */
	int relay_feedback;
	/* The peer's RTCP sender reports, relayed to its routes' targets
	 * (a publisher's to its subscribers, for lip sync and their
	 * remote-outbound stats): each SR about an SSRC a route forwards
	 * goes to the target as it sees the stream (its SSRC, the RTP
	 * timestamp moved by ts_delta, NTP time and counts as sent, no
	 * report blocks). Only routes of one SSRC with a definite SSRC on
	 * the leg (ssrc set, and out_ssrc set or kept) relay SRs: a route of
	 * every SSRC does not (the stream the target would see is the
	 * input's to choose). Each target gets at most one packet per
	 * compound (each SSRC's SR once), and each (stream, target) at most
	 * one SR per relay_sr_interval_ms; what is cut counts rate_limited.
	 * The SR is still punted (its report blocks are about what the peer
	 * receives). 0: punted only. */
	int relay_reports;
	/* The SSRC the gateway sends this peer its own RTCP from: relayed
	 * feedback to this peer (a publisher) carries it as sender SSRC.
	 * Its SRTCP stream is made at install and update (one of tx_ssrcs;
	 * install fails with -ENOSPC if none is left). 0: feedback for this
	 * peer is not relayed but punted. Relayed RTCP never makes a stream:
	 * the streams it uses (this one, and those of the SSRCs routes of
	 * one SSRC give a target whose publisher relays reports) are made
	 * when sessions are installed or updated. */
	uint32_t rtcp_ssrc;
	/* Authentic RTP from the peer with one of these payload types
	 * (1..127) is also given to the control plane, decrypted
	 * (LR_DP_PUNT_RTP), as well as routed: a gateway reads a publisher's
	 * telephone-events (RFC 4733) this way (both of them: a browser may
	 * send the 8000 Hz one with Opus). It is a copy through the punt
	 * queue (bounded: punt_dropped when full), so only for sparse
	 * payload types. 0: none. */
	uint8_t punt_pt[LR_DP_PUNT_PTS];
};

enum lr_dp_backend {
	LR_DP_SOCK = 1, /* recvmmsg/sendmmsg */
	LR_DP_URING,	/* io_uring: lr_dp_new fails if its ring cannot start */
	LR_DP_DPDK,	/* DPDK ethdev */
	LR_DP_AUTO,	/* uring where its ring starts, else sock (which one:
			 * lr_dp_backend_name) */
};

struct lr_dp_config {
	enum lr_dp_backend backend;
	const struct lr_addr *local; /* addresses to serve (port 0: any) */
	unsigned nlocal;
	unsigned max_sessions;	 /* 0 = 4096 */
	unsigned pool;		 /* packet buffers per worker; 0 = 4096 */
	unsigned max_tx_streams; /* SSRCs sent to one peer; 0 = 64 */
	int srtp_impl;		 /* enum lr_srtp_impl; 0 = auto */
	int pin;		 /* pin the worker thread to CPU `cpu` */
	/* sock: do not ask the kernel for UDP GRO (by default a burst of
	 * same-size datagrams from one peer may arrive as one message, then
	 * split here; rx_coalesced counts them). */
	int no_udp_gro;
	unsigned cpu;
	/* Workers (threads), sharing nothing on the fast path: sock and uring open each
	 * local address once per worker with SO_REUSEPORT and the kernel
	 * gives each peer's datagrams to one worker (by its address and
	 * port); every session is installed on every worker, statistics are
	 * summed on read. Pinned, worker i runs on CPU (cpu + i) mod the
	 * CPU count. 0 or 1: one; at most LR_DP_MAX_WORKERS. dpdk: worker
	 * i polls rx queue i and sends on tx queue i of the one port (which
	 * must have that many: -EINVAL and a line on stderr otherwise), RSS
	 * on UDP when the port has it; a peer's flow belongs to the worker
	 * the sockets' function names, and a frame that came in on another
	 * worker's queue is passed to it (rx_handoff). The neighbour table
	 * is one for all.
	 * Each SRTP stream has one owner at a time (issue 12): only the
	 * worker a peer's address is steered to accepts its packets (the
	 * others count not_owner; an update that moves the address hands
	 * the streams over, replay windows and all), and each SSRC sent to
	 * a peer is protected by one worker at a time, handed over with its
	 * index and window when another worker's leg needs it (the packet
	 * that asks counts not_owner). */
	unsigned workers;
	/* dpdk: EAL arguments, space-separated (NULL: "--no-huge --no-pci
	 * --no-shconf -m 256 --log-level=error"; not used if the process
	 * already initialised the EAL), and the ethdev port (the local
	 * addresses' ports must be given: no ephemeral ports here). */
	const char *eal_args;
	uint16_t dpdk_port;
	/* dpdk: a virtual device the data plane makes when it starts and
	 * removes when it is freed (NULL: none; dpdk_port is used), as
	 * devargs, e.g. "net_af_xdp0,iface=eth1": the port is that
	 * device's, and lr_dp_free leaves the interface as it was (no XDP
	 * program attached). A port of net_af_xdp given by eal_args
	 * instead is closed by lr_dp_free, and gone for a later lr_dp_new;
	 * its mbufs are packed so that its UMEM covers them (no
	 * hugepages needed). */
	const char *dpdk_vdev;
	/* dpdk: the next hop. A peer is on the link when it is inside the
	 * prefix (dpdk_prefix4 or dpdk_prefix6 bits) of the local address
	 * the datagram leaves from; prefix 0 means every peer is on the
	 * link (each asked for by ARP or ND: the default). A frame to a
	 * peer off the link goes to its family's gateway (dpdk_gw4,
	 * dpdk_gw6, network order; all zero: none), whose MAC is asked for
	 * by ARP or ND and learnt like any neighbour's; until it is known
	 * datagrams wait for it (see dpdk_learn_unsolicited). A family with
	 * no gateway has no "off the link": its peers are treated as on it
	 * (asked for themselves, or reached at the MAC their authentic
	 * packets came from, which behind a router is the router's: as
	 * those come only after DTLS, which needs ours to reach them, peers
	 * behind a router need the gateway configured, or a router that
	 * answers for them), so a prefix alone changes nothing. With a
	 * gateway, frames from peers off the link do not
	 * teach their MAC (it is a router's). lr_dp_new fails with -EINVAL
	 * (and says why on stderr) when a prefix is past 32 or 128, or a
	 * gateway has prefix 0, is not unicast (IPv4: 0/8, 224/4 and up;
	 * IPv6: ff00::/8), is one of the local addresses, is the network or
	 * broadcast address of a prefix of at most 30 bits, or is inside no
	 * local address's prefix of its family (IPv6 link-local fe80::/10
	 * gateways are always on the link, as routers advertise them). */
	uint8_t dpdk_gw4[4];
	uint8_t dpdk_gw6[16];
	uint8_t dpdk_prefix4, dpdk_prefix6;
	/* The RTCP relay's limits (lr_dp_session relay_feedback and
	 * relay_reports), so that one packet from a peer costs at most one
	 * packet per legitimate target: keyframe requests (PLI, FIR) for a
	 * publisher's stream at most one per relay_pli_interval_ms from each
	 * subscriber and from all together (0: 500 ms); NACK entries (each
	 * asks for up to 17 packets) at most relay_nack_max (0: 64; at most
	 * 65535) per relay_nack_interval_ms (0: 100 ms) per subscriber and
	 * stream; a publisher's SR reaches each (stream, target) at most
	 * once per relay_sr_interval_ms (0: 500 ms). What they cut counts
	 * rate_limited, on the worker and on the session whose peer sent
	 * it (as queue_full does). relay_queue: slots of the bounded queue
	 * from each worker to each (0: 64, a burst's worth; rounded up to a
	 * power of two; at most 4096: -EINVAL past it), ~1.5 KB each,
	 * allocated when the data plane starts: workers^2 * relay_queue
	 * slots (4 workers: 1.5 MB). A relayed packet that finds its queue
	 * full is dropped, counted queue_full. */
	unsigned relay_pli_interval_ms, relay_nack_max, relay_nack_interval_ms;
	unsigned relay_sr_interval_ms, relay_queue;
	/* dpdk: what the neighbour table (a peer's IP -> its MAC) believes.
	 * By default: an ARP reply or neighbour advertisement that answers
	 * a request of ours (ARP request, NS) sent less than a second
	 * before, one answer per request; and the source MAC of a frame
	 * whose SRTP or SRTCP packet authenticated for the session of its
	 * source address and port (a peer on the link: see dpdk_gw4). STUN,
	 * DTLS and packets that fail teach nothing, and an ARP request or
	 * NS for our address is answered without its sender being
	 * believed: the first datagram to an unknown peer asks for it, and
	 * waits for the answer (one per request; more count tx_failed).
	 * dpdk_learn_unsolicited non-zero also believes gratuitous ARP,
	 * unsolicited advertisements and the senders of ARP requests and
	 * NSs, as RFC 826 and 4861 hosts do, so that anyone on the link can
	 * move an address to its own MAC: only for a link where every host
	 * is trusted (0, the default). A known address's MAC changes at
	 * most once per dpdk_neigh_lock_ms (0: 1000; Linux's locktime),
	 * whoever says so; refused changes count neigh_limited. At most
	 * 256 requests are out at a time, one per address. */
	int dpdk_learn_unsolicited;
	unsigned dpdk_neigh_lock_ms;
};

struct lr_dp;

/* 0 or -errno. Starts the workers and returns once each backend loop
 * runs: a backend that cannot start (no io_uring, no DPDK port) fails
 * here, never falling back on its own. */
int lr_dp_new(const struct lr_dp_config *cfg, struct lr_dp **out);
/* "sock", "uring" or "dpdk": the backend that runs (LR_DP_AUTO's pick). */
const char *lr_dp_backend_name(const struct lr_dp *dp);
void lr_dp_free(struct lr_dp *dp);
/* The address a local address was bound to (its port if 0 was asked). */
int lr_dp_local_addr(const struct lr_dp *dp, unsigned i, struct lr_addr *out);

/* Sessions. id: the caller's (non-zero). Each returns once the worker has
 * applied it: 0, -EEXIST, -ENOENT, -EINVAL (policy, address), -ENOSPC. */
int lr_dp_session_install(struct lr_dp *dp, uint64_t id,
			  const struct lr_dp_session *s);
/* New keys (re-key: packets in flight under the old ones still pass;
 * tx and rx with key_len 0 keep the keys), new routes, a new remote
 * address; the SSRC state carries on. Keys change both ways or neither
 * (an error leaves the session as it was); the previous rx keys are
 * retired once LR_SRTP_REKEY_GRACE(window) packets have authenticated
 * with the new ones. */
int lr_dp_session_update(struct lr_dp *dp, uint64_t id,
			 const struct lr_dp_session *s);
int lr_dp_session_remove(struct lr_dp *dp, uint64_t id);

/* A datagram from the control plane (STUN, DTLS): 0 or -errno. */
int lr_dp_send(struct lr_dp *dp, const struct lr_addr *local,
	       const struct lr_addr *remote, const void *buf, size_t len);

/* RTCP from the control plane to session id's peer, protected here
 * with the session's SRTCP context (RFC 3711 §3.4: its own index per
 * SSRC, carried on from lr_pc's at hand-over): a reply to punted RTCP
 * (a PLI or NACK to a publisher, receiver reports). buf is one compound
 * of whole RTCP packets (lr_rtcp_compound_ok), at most
 * LR_DP_RTCP_MAX bytes; the first packet's sender SSRC picks the
 * stream, which takes one of the session's tx SSRC slots if it has
 * none. 0 (queued) or -EINVAL. A session's RTCP is always protected by
 * the same worker (id mod workers), so an index is never used twice;
 * the worker counts rtcp_sent, or a drop (unknown_flow: no session id;
 * no_stream_slot, index_exhausted) in the session's and its stats. */
#define LR_DP_RTCP_MAX 1480 /* SRTCP adds at most 4 + 16 bytes */
int lr_dp_send_rtcp(struct lr_dp *dp, uint64_t id, const void *buf, size_t len);

/* A datagram as if it had been received on local from remote (the
 * control plane handing back media it got before a session was
 * installed). 0 or -errno. */
int lr_dp_inject(struct lr_dp *dp, const struct lr_addr *local,
		 const struct lr_addr *remote, const void *buf, size_t len);

/* What the worker hands to the control plane. */
enum lr_dp_punt_why {
	LR_DP_PUNT_STUN = 1,
	LR_DP_PUNT_DTLS,
	LR_DP_PUNT_UNKNOWN_FLOW, /* RTP/RTCP of no installed session */
	LR_DP_PUNT_RTCP,	 /* decrypted RTCP of a session */
	LR_DP_PUNT_OTHER,	 /* RFC 7983 classes we do not serve */
	LR_DP_PUNT_RTP,		 /* decrypted RTP of a session's punt_pt */
};

struct lr_dp_punt {
	enum lr_dp_punt_why why;
	uint64_t session; /* RTCP: whose */
	struct lr_addr local, remote;
	size_t len;
	uint8_t buf[1500];
};
/* 1 and *p filled, or 0. */
int lr_dp_poll_punt(struct lr_dp *dp, struct lr_dp_punt *p);
/* A file descriptor that becomes readable when punts are waiting. */
int lr_dp_punt_fd(const struct lr_dp *dp);

struct lr_dp_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t forwarded; /* media packets sent to legs */
	uint64_t punted, punt_dropped;
	uint64_t rx_coalesced; /* datagrams that came in UDP GRO messages */
	/* dpdk: frames a worker's queue received for another worker's
	 * flows, passed on to it (counted by the receiving worker) */
	uint64_t rx_handoff;
	/* lr_dp_send_rtcp's and relayed RTCP, protected and sent */
	uint64_t rtcp_sent;
	/* relayed (relay_*) RTCP packets protected and sent (also in
	 * rtcp_sent): one per target and peer's compound at most */
	uint64_t rtcp_relayed;
	/* authentic RTCP datagrams the relay took whole (nothing left for
	 * the control plane): with forwarded, punted and the drops, every
	 * datagram received is counted once */
	uint64_t rtcp_relay_in;
	/* dpdk: ARP and neighbour discovery frames taken (learnt from,
	 * answered); malformed or foreign ones count bad_frame, not_ours */
	uint64_t rx_arp_nd;
	uint64_t drops[LR_DROP__MAX];
	uint64_t bursts;
	uint64_t sessions;	/* installed */
	uint64_t session_bytes; /* their memory: sessions, streams, routes */
	/* dpdk: the neighbour table (lr_dp_config.dpdk_learn_unsolicited) */
	uint64_t neigh_learnt;	    /* MACs written: new addresses, changes */
	uint64_t neigh_limited;	    /* changes refused (dpdk_neigh_lock_ms) */
	uint64_t neigh_unsolicited; /* ARP replies and NAs that answer no
				     * request of ours, gratuitous ARP: not
				     * believed */
	uint64_t neigh_solicits;    /* ARP requests and NSs sent */
	uint64_t neigh_solicit_limited; /* not sent: one for the address is
					 * out, or 256 are */
};
void lr_dp_stats(struct lr_dp *dp, struct lr_dp_stats *out);
/* One worker's (0 .. workers-1): 0 or -ENOENT. */
int lr_dp_worker_stats(struct lr_dp *dp, unsigned i, struct lr_dp_stats *out);

/* CPU time the worker thread has used, in ns (for benchmarks). */
uint64_t lr_dp_worker_cpu_ns(struct lr_dp *dp);

struct lr_dp_session_stats {
	uint64_t rx_packets, rx_bytes; /* authentic media from the peer */
	uint64_t tx_packets, tx_bytes; /* media sent to the peer */
	uint64_t drops[LR_DROP__MAX];
};
int lr_dp_session_stats(struct lr_dp *dp, uint64_t id,
			struct lr_dp_session_stats *out);
/* The state of the stream session id sends its peer on ssrc (its RTP
 * index is the last packet protected; with several workers, the one
 * furthest on): a gateway that routes a new source to the same SSRC
 * carries the numbering on from it. 0, or -ENOENT (no such session, or
 * nothing sent on ssrc yet). */
int lr_dp_session_tx_state(struct lr_dp *dp, uint64_t id, uint32_t ssrc,
			   struct lr_srtp_stream_state *out);
/* The same for a stream the peer sends us: its RTP index is the highest
 * authenticated (RFC 3711 §3.3.1), packets how many authenticated (with
 * several workers, the owner's: the one furthest on). A gateway makes
 * its receiver reports from it (RFC 3550 §6.4.1). 0 or -ENOENT. */
int lr_dp_session_rx_state(struct lr_dp *dp, uint64_t id, uint32_t ssrc,
			   struct lr_srtp_stream_state *out);

#endif
