/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lr_pc: RTCPeerConnection in C, sans-IO.
 *
 * It wires SDP offer/answer (JSEP, max-bundle, rtcp-mux), the ICE agent,
 * DTLS-SRTP, SCTP data channels, RTP through the SRTP core, DTMF, stats
 * and the identity hooks, the way a browser's RTCPeerConnection does.
 * The driver owns sockets, the clock and randomness: it passes `now` (us),
 * every datagram with its local and remote address, and sends what
 * lr_pc_poll_transmit() returns. Events come out of lr_pc_poll_event().
 *
 * When DTLS completes, one LR_PC_EV_KEYS_READY event carries what a data
 * plane needs to take the flow over: the 5-tuple, the SRTP suite and
 * keys both ways, and the SSRCs.
 */
#ifndef LINERATE_LR_PC_H
#define LINERATE_LR_PC_H

#include <stddef.h>
#include <stdint.h>

#include "lr_dp.h"
#include "lr_dtls.h"
#include "lr_ice.h"
#include "lr_sctp.h"
#include "lr_sdp.h"
#include "lr_srtp_core.h"

#define LR_PC_MAX_TRANSCEIVERS 16
#define LR_PC_MAX_CHANNELS     256
#define LR_PC_MAX_SSRCS	       4 /* remote SSRCs remembered per transceiver */

/* RTCIdentityProvider (RFC 8827 §7, W3C webrtc-identity), registered by
 * putting it in the config (RTCIdentityProviderRegistrar). The provider
 * signs `contents` (a JSON object naming our fingerprints) for the
 * identity it knows, and checks an assertion a peer sent, returning the
 * contents it covered and the asserted identity. 0 or -errno. */
struct lr_pc_identity_provider {
	int (*generate)(void *ctx, const char *contents, char *assertion,
			size_t cap);
	int (*validate)(void *ctx, const char *assertion, char *contents,
			size_t cap, char *identity, size_t icap);
	void *ctx;
};

struct lr_pc_config {
	const struct lr_cert *cert;  /* RTCCertificate: required */
	const struct lr_addr *local; /* host addresses the driver bound */
	unsigned nlocal;
	const struct lr_addr *stun_server; /* NULL: no srflx */
	/* The driver's CSPRNG (required; lr_rand_system() in a program):
	 * ICE credentials, tie-breaker and transaction IDs, SSRCs, CNAME,
	 * MSID and the SDP session id. lr_pc_new refuses a config without
	 * it (-EINVAL); a generator that fails fails the call (-EIO). */
	struct lr_rand rand;
	int ice_lite;
	/* DTLS-SRTP profiles, best first (NULL: browser order). */
	const uint16_t *srtp_profiles;
	unsigned nprofiles;
	int srtp_impl; /* enum lr_srtp_impl; 0 = auto */
	const struct lr_pc_identity_provider *idp; /* NULL: none */
	/* Shared per thread/process, made once (NULL: lr_pc makes its own):
	 * the DTLS context for cert and srtp_profiles, and the SRTP worker
	 * (one per thread that drives this lr_pc). */
	const struct lr_dtls_ctx *dtls_ctx;
	struct lr_srtp_worker *srtp_worker;
	/* What we accept, and advertise in a=max-message-size; 0 = 1 MiB
	 * (LR_SCTP_MAX_MESSAGE_SIZE). A larger message from the peer is
	 * dropped and its channel closed (DC_ERROR, then DC_CLOSING). */
	uint32_t max_message_size;
	/* LR_SDP_ANSWER_* flags for the answers this lr_pc writes (an SFU
	 * leaves out rtx and the MID extension). 0: none. */
	unsigned answer_flags;
};

enum lr_pc_sdp_type { /* RTCSdpType */
	LR_PC_OFFER = 0,
	LR_PC_PRANSWER,
	LR_PC_ANSWER,
	LR_PC_ROLLBACK,
};

enum lr_pc_signaling { /* RTCSignalingState */
	LR_PC_STABLE = 0,
	LR_PC_HAVE_LOCAL_OFFER,
	LR_PC_HAVE_REMOTE_OFFER,
	LR_PC_HAVE_LOCAL_PRANSWER,
	LR_PC_HAVE_REMOTE_PRANSWER,
	LR_PC_SIGNALING_CLOSED,
};

enum lr_pc_conn_state { /* RTCPeerConnectionState */
	LR_PC_NEW = 0,
	LR_PC_CONNECTING,
	LR_PC_CONNECTED,
	LR_PC_DISCONNECTED,
	LR_PC_FAILED,
	LR_PC_CLOSED,
};

enum lr_pc_ev_type {
	LR_PC_EV_ICE_CANDIDATE = 1,    /* cand: "candidate:..." ("" = end) */
	LR_PC_EV_ICE_GATHERING_STATE,  /* state: enum lr_ice_gather_state */
	LR_PC_EV_ICE_CONNECTION_STATE, /* state: enum lr_ice_conn_state */
	LR_PC_EV_CONNECTION_STATE,     /* state: enum lr_pc_conn_state */
	LR_PC_EV_SIGNALING_STATE,      /* state: enum lr_pc_signaling */
	LR_PC_EV_NEGOTIATION_NEEDED,
	LR_PC_EV_TRACK,		       /* transceiver: a remote track */
	LR_PC_EV_DATA_CHANNEL,	       /* channel: opened by the peer */
	LR_PC_EV_DC_OPEN,	       /* channel */
	LR_PC_EV_DC_MESSAGE,	       /* channel, data/len, binary */
	LR_PC_EV_DC_CLOSING,	       /* channel */
	LR_PC_EV_DC_CLOSE,	       /* channel */
	LR_PC_EV_DC_BUFFERED_LOW,      /* channel */
	LR_PC_EV_DTMF_TONECHANGE,      /* transceiver, tone ('\0' = done) */
	LR_PC_EV_DTMF_RECEIVED,	       /* transceiver, tone, duration_ms */
	LR_PC_EV_RTP,		       /* transceiver, rtp.*, data/len */
	LR_PC_EV_KEYS_READY,	       /* keys */
	LR_PC_EV_PEER_IDENTITY,	       /* cand: the validated identity
					* (RTCIdentityAssertion.name) */
	LR_PC_EV_IDP_ASSERTION_ERROR,  /* our IdP could not sign; state */
	LR_PC_EV_IDP_VALIDATION_ERROR, /* the peer's assertion refused */
	LR_PC_EV_DC_ERROR,	       /* channel: a message dropped (one
					* over our max_message_size closes
					* the channel too: DC_CLOSING) */
};

/* Everything a data plane needs to take a flow over. */
struct lr_pc_keys {
	struct lr_addr local, remote; /* the selected pair */
	uint16_t suite;		      /* enum lr_srtp_suite */
	struct lr_srtp_policy tx, rx; /* secret: never log */
	uint32_t local_ssrcs[LR_PC_MAX_TRANSCEIVERS];
	unsigned nlocal_ssrcs;
	uint32_t remote_ssrcs[LR_PC_MAX_TRANSCEIVERS * LR_PC_MAX_SSRCS];
	unsigned nremote_ssrcs;
	int dtls_client;
};

struct lr_pc_event {
	enum lr_pc_ev_type type;
	int state;
	int transceiver;
	int channel;
	char cand[256];
	char mid[16];
	int binary;
	char tone;
	uint32_t duration_ms;
	struct {
		uint8_t pt;
		int marker;
		uint16_t seq;
		uint32_t ts, ssrc;
	} rtp;
	uint8_t *data; /* malloc'd; the caller frees it (lr_pc_event_clear) */
	size_t len;
	struct lr_pc_keys keys;
};
void lr_pc_event_clear(struct lr_pc_event *ev);

struct lr_pc_transmit {
	struct lr_addr local, remote;
	size_t len;
	uint8_t buf[1500];
};

struct lr_pc;

int lr_pc_new(const struct lr_pc_config *cfg, uint64_t now, struct lr_pc **out);
void lr_pc_free(struct lr_pc *pc);
/* RTCPeerConnection.close(). */
void lr_pc_close(struct lr_pc *pc);

/* addTransceiver(kind, {direction}): its index, or -EINVAL/-ENOSPC. */
int lr_pc_add_transceiver(struct lr_pc *pc, const char *kind,
			  enum lr_sdp_dir dir);
int lr_pc_transceiver_count(const struct lr_pc *pc);
const char *lr_pc_transceiver_mid(const struct lr_pc *pc, int t);
const char *lr_pc_transceiver_kind(const struct lr_pc *pc, int t);
/* currentDirection, or -ENOENT before negotiation. */
int lr_pc_transceiver_direction(const struct lr_pc *pc, int t);
uint32_t lr_pc_transceiver_ssrc(const struct lr_pc *pc, int t);
/* The peer's k-th SSRC on transceiver t (signalled in its description,
 * or seen in its RTP), or 0 when there is none. */
uint32_t lr_pc_transceiver_remote_ssrc(const struct lr_pc *pc, int t,
				       unsigned k);

/* createDataChannel: a channel handle (>= 0) or -errno. */
int lr_pc_create_data_channel(struct lr_pc *pc, const char *label,
			      const struct lr_dc_init *init);
int lr_pc_dc_send(struct lr_pc *pc, int ch, const void *data, size_t len,
		  int binary);
int lr_pc_dc_close(struct lr_pc *pc, int ch);
enum lr_dc_state lr_pc_dc_state(const struct lr_pc *pc, int ch);
const char *lr_pc_dc_label(const struct lr_pc *pc, int ch);
/* The SCTP stream id, or -1 while unassigned. */
int lr_pc_dc_id(const struct lr_pc *pc, int ch);
size_t lr_pc_dc_buffered_amount(const struct lr_pc *pc, int ch);
int lr_pc_dc_set_buffered_low(struct lr_pc *pc, int ch, size_t bytes);

/* createOffer/createAnswer into buf (NUL-terminated): length or -errno
 * (-EINVAL in the wrong state, -ENOSPC). */
int lr_pc_create_offer(struct lr_pc *pc, char *buf, size_t cap);
int lr_pc_create_answer(struct lr_pc *pc, char *buf, size_t cap);
/* setLocalDescription/setRemoteDescription: 0, -EINVAL (wrong state or
 * bad SDP: err says why if not NULL), -EPERM (identity refused). sdp is
 * ignored for ROLLBACK. */
int lr_pc_set_local_description(struct lr_pc *pc, enum lr_pc_sdp_type type,
				const char *sdp, struct lr_sdp_error *err);
int lr_pc_set_remote_description(struct lr_pc *pc, enum lr_pc_sdp_type type,
				 const char *sdp, struct lr_sdp_error *err);
/* addIceCandidate: the a=candidate value ("candidate:..."), or NULL / ""
 * for end-of-candidates. */
int lr_pc_add_ice_candidate(struct lr_pc *pc, const char *candidate);
/* restartIce(): the next offer carries new credentials. */
void lr_pc_restart_ice(struct lr_pc *pc);
/* The current local/remote description text, or NULL. */
const char *lr_pc_local_description(const struct lr_pc *pc);
const char *lr_pc_remote_description(const struct lr_pc *pc);

enum lr_pc_signaling lr_pc_signaling_state(const struct lr_pc *pc);
enum lr_pc_conn_state lr_pc_connection_state(const struct lr_pc *pc);
enum lr_ice_conn_state lr_pc_ice_connection_state(const struct lr_pc *pc);
enum lr_ice_gather_state lr_pc_ice_gathering_state(const struct lr_pc *pc);
enum lr_dtls_state lr_pc_dtls_state(const struct lr_pc *pc);
/* The identity the peer asserted and our IdP validated, or NULL. */
const char *lr_pc_peer_identity(const struct lr_pc *pc);

/* The transport. A datagram that arrived on local from remote: 0, or
 * -errno if it was refused (counted in getStats()). DTLS is taken only
 * from an address that proved the ICE credentials (an authenticated
 * check from it, a signed response to one of ours, or the selected
 * pair): from others it is held a while (before the answer is applied or
 * the sender's check has arrived; -ENOBUFS when there is no room,
 * "linerateDtlsEarlyDropped") and dropped once the handshake has its
 * peer (-EACCES, "linerateDtlsUnauthenticated"). RTP/RTCP is taken only
 * from the selected pair (-EINVAL, "linerateNotSelectedPair"), or is for
 * the data plane after a hand-over (-EXDEV). */
int lr_pc_handle_packet(struct lr_pc *pc, uint64_t now,
			const struct lr_addr *local,
			const struct lr_addr *remote, const uint8_t *buf,
			size_t len);
void lr_pc_handle_timeout(struct lr_pc *pc, uint64_t now);
uint64_t lr_pc_poll_timeout(const struct lr_pc *pc);
/* 1 and *t filled, or 0. */
int lr_pc_poll_transmit(struct lr_pc *pc, struct lr_pc_transmit *t);
/* 1 and *ev filled, or 0. */
int lr_pc_poll_event(struct lr_pc *pc, struct lr_pc_event *ev);

/* RTP on a transceiver, in process through the SRTP core: payload with
 * the negotiated payload type (pt < 0: the first negotiated codec). */
int lr_pc_send_rtp(struct lr_pc *pc, int t, int pt, uint32_t ts, int marker,
		   const uint8_t *payload, size_t len);
/* RTCDTMFSender.insertDTMF on an audio transceiver that negotiated
 * telephone-event. */
int lr_pc_insert_dtmf(struct lr_pc *pc, int t, const char *tones,
		      unsigned duration_ms, unsigned gap_ms);
const char *lr_pc_dtmf_tone_buffer(const struct lr_pc *pc, int t);

/*
 * Hand-over to a data plane (lr_dp_session_install). The state of every
 * SRTP stream lr_pc has used (the peer's and ours) and, per transceiver,
 * the next sequence number lr_pc would have sent, so the data plane
 * carries on where lr_pc stopped: no loss, no duplicate, no index jump.
 * From then on lr_pc leaves media alone: lr_pc_send_rtp() says -EBUSY and
 * RTP/RTCP given to lr_pc_handle_packet() comes back as -EXDEV (the
 * driver passes it to the data plane, lr_dp_inject). Needs SRTP core
 * sessions (not libsrtp2): -ENOTSUP. 0, or -EAGAIN before keys.
 */
struct lr_pc_handover {
	struct lr_srtp_stream_state
		rx[LR_PC_MAX_TRANSCEIVERS * LR_PC_MAX_SSRCS];
	unsigned nrx;
	struct lr_srtp_stream_state tx[LR_PC_MAX_TRANSCEIVERS];
	unsigned ntx;
	uint16_t next_seq[LR_PC_MAX_TRANSCEIVERS]; /* by transceiver */
};
int lr_pc_media_handover(struct lr_pc *pc, struct lr_pc_handover *h);
/* The data plane session for a hand-over: addresses and keys from k,
 * stream state from h (pointed at: h must outlive the install call).
 * Routes are the caller's to add. */
void lr_pc_dp_session(const struct lr_pc_keys *k,
		      const struct lr_pc_handover *h,
		      struct lr_dp_session *out);
/* The next sequence number the peer's stream ssrc will bring (what a
 * route's seq_delta is measured against), or -ENOENT. */
int lr_pc_handover_next_seq_in(const struct lr_pc_handover *h, uint32_t ssrc);

/* The ICE-selected pair: 1 and the addresses, or 0 when none. */
int lr_pc_selected_pair(const struct lr_pc *pc, struct lr_addr *local,
			struct lr_addr *remote);

/* getStats(): an RTCStatsReport as a JSON array of stats objects. */
int lr_pc_get_stats(const struct lr_pc *pc, char *buf, size_t cap);

#endif
