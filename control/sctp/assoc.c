/* SPDX-License-Identifier: BSD-2-Clause */
/* One SCTP association over DTLS (RFC 8261) on usrsctp's AF_CONN. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <usrsctp.h>

#include "sctp_internal.h"

#define SOCK_BUF (2u << 20)

void lr__sctp_emit(struct lr_sctp *s, enum lr_sctp_ev_type t, uint16_t id,
		   int binary, uint8_t *data, size_t len)
{
	struct lr__ev *e = calloc(1, sizeof(*e));

	if (!e) {
		free(data);
		return;
	}
	e->ev.type = t;
	e->ev.id = id;
	e->ev.binary = binary;
	e->ev.data = data;
	e->ev.len = len;
	if (s->ev_tail)
		s->ev_tail->next = e;
	else
		s->ev = e;
	s->ev_tail = e;
}

void lr_sctp_event_clear(struct lr_sctp_event *ev)
{
	free(ev->data);
	ev->data = NULL;
	ev->len = 0;
}

static void on_assoc_change(struct lr_sctp *s,
			    const struct sctp_assoc_change *c)
{
	switch (c->sac_state) {
	case SCTP_COMM_UP:
		if (s->state != LR_SCTP_CONNECTING)
			break;
		s->state = LR_SCTP_CONNECTED;
		lr__sctp_emit(s, LR_SCTP_EV_CONNECTED, 0, 0, NULL, 0);
		lr__sctp_on_up(s);
		break;
	case SCTP_COMM_LOST:
	case SCTP_SHUTDOWN_COMP:
	case SCTP_CANT_STR_ASSOC:
		if (s->state == LR_SCTP_CLOSED)
			break;
		s->state = LR_SCTP_CLOSED;
		lr__sctp_close_all(s);
		lr__sctp_emit(s, LR_SCTP_EV_CLOSED, 0, 0, NULL, 0);
		break;
	default:
		break;
	}
}

static void on_reset(struct lr_sctp *s, const struct sctp_stream_reset_event *r)
{
	size_t n;

	if (r->strreset_length < sizeof(*r))
		return;
	n = (r->strreset_length - sizeof(*r)) / sizeof(uint16_t);
	if (r->strreset_flags &
	    (SCTP_STREAM_RESET_DENIED | SCTP_STREAM_RESET_FAILED))
		return; /* retried from lr__sctp_pump() */
	for (size_t i = 0; i < n; i++)
		lr__sctp_on_reset(
			s, r->strreset_stream_list[i],
			!!(r->strreset_flags & SCTP_STREAM_RESET_INCOMING_SSN),
			!!(r->strreset_flags & SCTP_STREAM_RESET_OUTGOING_SSN));
}

static void on_notification(struct lr_sctp *s, const union sctp_notification *n,
			    size_t len)
{
	if (len < sizeof(n->sn_header) || n->sn_header.sn_length > len)
		return;
	switch (n->sn_header.sn_type) {
	case SCTP_ASSOC_CHANGE:
		on_assoc_change(s, &n->sn_assoc_change);
		break;
	case SCTP_STREAM_RESET_EVENT:
		on_reset(s, &n->sn_strreset_event);
		break;
	case SCTP_PARTIAL_DELIVERY_EVENT:
		/* The sender abandoned a message we had part of (PR-SCTP):
		 * what came of it is dropped, not joined to the next. Only
		 * pdapi_indication is read: after it usrsctp 0.9.5's header
		 * (32-bit stream and seq) and library (16-bit: a 20-byte
		 * event) disagree. One message is received at a time, so it
		 * is that one. */
		if (len >= 12 && n->sn_pdapi_event.pdapi_indication ==
					 SCTP_PARTIAL_DELIVERY_ABORTED)
			lr__sctp_rx_abort(s, -1);
		break;
	default:
		break; /* SENDER_DRY, SEND_FAILED: pump runs after input */
	}
}

/*
 * Read everything usrsctp has for us. (Reading through recvv rather
 * than a receive callback keeps usrsctp's receive window accounting on
 * its well-trodden socket path, partial delivery of large messages
 * included.)
 */
static void drain(struct lr_sctp *s)
{
	for (;;) {
		struct sctp_rcvinfo rcv;
		struct sockaddr_conn from;
		socklen_t fromlen = sizeof(from), infolen = sizeof(rcv);
		unsigned int infotype = 0;
		int flags = 0;
		ssize_t n;

		memset(&rcv, 0, sizeof(rcv));
		n = usrsctp_recvv(s->sock, s->rbuf, sizeof(s->rbuf),
				  (struct sockaddr *)&from, &fromlen, &rcv,
				  &infolen, &infotype, &flags);
		if (n < 0)
			return; /* EWOULDBLOCK: nothing more */
		if ((flags & MSG_TRUNC) && !(flags & MSG_NOTIFICATION)) {
			/* The end of a message usrsctp gave up part way. */
			lr__sctp_rx_abort(s, -1);
			continue;
		}
		if (n == 0) {
			/* The association is gone. */
			if (s->state != LR_SCTP_CLOSED &&
			    s->state != LR_SCTP_NEW) {
				s->state = LR_SCTP_CLOSED;
				lr__sctp_close_all(s);
				lr__sctp_emit(s, LR_SCTP_EV_CLOSED, 0, 0, NULL,
					      0);
			}
			return;
		}
		if (flags & MSG_NOTIFICATION)
			on_notification(s, (const void *)s->rbuf, (size_t)n);
		else if (infotype == SCTP_RECVV_RCVINFO)
			lr__sctp_on_data(s, rcv.rcv_sid, ntohl(rcv.rcv_ppid),
					 s->rbuf, (size_t)n,
					 !!(flags & MSG_EOR));
	}
}

static int set_opts(struct lr_sctp *s)
{
	static const uint16_t events[] = {
		SCTP_ASSOC_CHANGE,	     SCTP_STREAM_RESET_EVENT,
		SCTP_SENDER_DRY_EVENT,	     SCTP_SEND_FAILED_EVENT,
		SCTP_PARTIAL_DELIVERY_EVENT,
	};
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	struct sctp_assoc_value av = {.assoc_id = SCTP_ALL_ASSOC,
				      .assoc_value =
					      SCTP_ENABLE_RESET_STREAM_REQ};
	struct sctp_initmsg init = {.sinit_num_ostreams = LR_SCTP_MAX_CHANNELS,
				    .sinit_max_instreams =
					    LR_SCTP_MAX_CHANNELS};
	int one = 1, buf = SOCK_BUF;
	/* One message at a time from usrsctp (no interleaving of streams),
	 * in pieces once rbuf's worth of it is there: channel.c keeps one
	 * reassembly buffer on these two. */
	int interleave = 1;
	uint32_t pd_point = sizeof(s->rbuf);

	if (usrsctp_set_non_blocking(s->sock, 1) ||
	    usrsctp_setsockopt(s->sock, SOL_SOCKET, SO_LINGER, &lg,
			       sizeof(lg)) ||
	    usrsctp_setsockopt(s->sock, SOL_SOCKET, SO_SNDBUF, &buf,
			       sizeof(buf)) ||
	    usrsctp_setsockopt(s->sock, SOL_SOCKET, SO_RCVBUF, &buf,
			       sizeof(buf)) ||
	    usrsctp_setsockopt(s->sock, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET,
			       &av, sizeof(av)) ||
	    usrsctp_setsockopt(s->sock, IPPROTO_SCTP, SCTP_NODELAY, &one,
			       sizeof(one)) ||
	    usrsctp_setsockopt(s->sock, IPPROTO_SCTP, SCTP_RECVRCVINFO, &one,
			       sizeof(one)) ||
	    usrsctp_setsockopt(s->sock, IPPROTO_SCTP, SCTP_INITMSG, &init,
			       sizeof(init)) ||
	    usrsctp_setsockopt(s->sock, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE,
			       &interleave, sizeof(interleave)) ||
	    usrsctp_setsockopt(s->sock, IPPROTO_SCTP,
			       SCTP_PARTIAL_DELIVERY_POINT, &pd_point,
			       sizeof(pd_point)))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		struct sctp_event ev = {.se_assoc_id = SCTP_ALL_ASSOC,
					.se_type = events[i],
					.se_on = 1};

		if (usrsctp_setsockopt(s->sock, IPPROTO_SCTP, SCTP_EVENT, &ev,
				       sizeof(ev)))
			return -EINVAL;
	}
	return 0;
}

static struct sockaddr_conn conn_addr(struct lr_sctp *s, uint16_t port)
{
	struct sockaddr_conn a;

	memset(&a, 0, sizeof(a));
	a.sconn_family = AF_CONN;
	a.sconn_port = htons(port);
	a.sconn_addr = s; /* the lower layer "address" is this association */
	return a;
}

int lr_sctp_new(const struct lr_sctp_config *cfg, struct lr_sctp **out)
{
	struct lr_sctp *s;
	struct sockaddr_conn a;

	*out = NULL;
	if (cfg->mtu && (cfg->mtu < 576 || cfg->mtu > 9000))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	if (!s->cfg.local_port)
		s->cfg.local_port = LR_SCTP_PORT;
	if (!s->cfg.remote_port)
		s->cfg.remote_port = LR_SCTP_PORT;
	if (!s->cfg.remote_max_message_size)
		s->cfg.remote_max_message_size = 65536;
	if (!s->cfg.max_message_size)
		s->cfg.max_message_size = LR_SCTP_MAX_MESSAGE_SIZE;
	s->rx_sid = -1;
	if (!s->cfg.mtu)
		s->cfg.mtu = 1160;
	s->out.max_bytes = 8u << 20;
	lr__sctp_stack_ref();
	usrsctp_register_address(s);
	s->sock = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL,
				 0, NULL);
	if (!s->sock || set_opts(s)) {
		lr_sctp_free(s);
		return -ENOMEM;
	}
	a = conn_addr(s, s->cfg.local_port);
	if (usrsctp_bind(s->sock, (struct sockaddr *)&a, sizeof(a))) {
		lr_sctp_free(s);
		return -EINVAL;
	}
	*out = s;
	return 0;
}

void lr_sctp_free(struct lr_sctp *s)
{
	struct lr__ev *e, *en;
	struct lr__msg *m, *mn;

	if (!s)
		return;
	if (s->sock)
		usrsctp_close(s->sock); /* SO_LINGER 0: ABORT */
	usrsctp_deregister_address(s);
	lr__sctp_stack_unref();
	for (e = s->ev; e; e = en) {
		en = e->next;
		free(e->ev.data);
		free(e);
	}
	for (m = s->pend; m; m = mn) {
		mn = m->next;
		free(m);
	}
	lr__sctp_free_channels(s);
	lr__sctp_rx_free(s);
	lr__dgram_clear(&s->out);
	free(s);
}

static void set_mtu(struct lr_sctp *s)
{
	struct sctp_paddrparams pp;
	struct sockaddr_conn a = conn_addr(s, s->cfg.remote_port);

	memset(&pp, 0, sizeof(pp));
	memcpy(&pp.spp_address, &a, sizeof(a));
	pp.spp_flags = SPP_PMTUD_DISABLE;
	/* usrsctp's AF_CONN packets come out 12 bytes (one SCTP common
	 * header) over the path MTU it is given. */
	pp.spp_pathmtu = s->cfg.mtu - 12u;
	usrsctp_setsockopt(s->sock, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp,
			   sizeof(pp));
}

int lr_sctp_start(struct lr_sctp *s, uint64_t now)
{
	struct sockaddr_conn a = conn_addr(s, s->cfg.remote_port);

	if (s->state != LR_SCTP_NEW)
		return -EALREADY;
	s->now = now;
	lr__sctp_stack_advance(now);
	s->state = LR_SCTP_CONNECTING;
	if (usrsctp_connect(s->sock, (struct sockaddr *)&a, sizeof(a)) &&
	    errno != EINPROGRESS) {
		s->state = LR_SCTP_CLOSED;
		return -ECONNREFUSED;
	}
	set_mtu(s);
	return 0;
}

void lr_sctp_handle_input(struct lr_sctp *s, uint64_t now, const void *pkt,
			  size_t len)
{
	s->now = now;
	lr__sctp_stack_advance(now);
	s->st.rx_packets++;
	/* usrsctp checks the common header, CRC32c and verification tag,
	 * and drops what fails. */
	usrsctp_conninput(s, pkt, len, 0);
	drain(s);
	lr__sctp_pump(s);
}

void lr_sctp_handle_timeout(struct lr_sctp *s, uint64_t now)
{
	s->now = now;
	lr__sctp_stack_advance(now);
	drain(s);
	lr__sctp_pump(s);
}

uint64_t lr_sctp_poll_timeout(const struct lr_sctp *s)
{
	if (s->state == LR_SCTP_NEW || s->state == LR_SCTP_CLOSED)
		return UINT64_MAX;
	return lr__sctp_stack_next();
}

int lr_sctp_poll_transmit(struct lr_sctp *s, uint8_t *buf, size_t cap)
{
	size_t n;

	if (!s->out.head)
		lr__sctp_pump(s);
	n = lr__dgram_peek(&s->out);

	if (!n)
		return 0;
	if (n > cap)
		return -ENOSPC;
	return (int)lr__dgram_pop(&s->out, buf, cap);
}

int lr_sctp_poll_event(struct lr_sctp *s, struct lr_sctp_event *ev)
{
	struct lr__ev *e = s->ev;

	if (!e)
		return 0;
	*ev = e->ev;
	s->ev = e->next;
	if (!s->ev)
		s->ev_tail = NULL;
	free(e);
	return 1;
}

enum lr_sctp_state lr_sctp_state(const struct lr_sctp *s)
{
	return s->state;
}

const struct lr_sctp_stats *lr_sctp_stats(const struct lr_sctp *s)
{
	return &s->st;
}

int lr__sctp_reset_out(struct lr_sctp *s, uint16_t id)
{
	uint8_t raw[sizeof(struct sctp_reset_streams) + sizeof(uint16_t)];
	struct sctp_reset_streams *r = (struct sctp_reset_streams *)raw;

	memset(raw, 0, sizeof(raw));
	r->srs_assoc_id = SCTP_ALL_ASSOC;
	r->srs_flags = SCTP_STREAM_RESET_OUTGOING;
	r->srs_number_streams = 1;
	r->srs_stream_list[0] = id;
	if (usrsctp_setsockopt(s->sock, IPPROTO_SCTP, SCTP_RESET_STREAMS, r,
			       (socklen_t)sizeof(raw)))
		return -errno;
	return 0;
}

void lr_sctp_close(struct lr_sctp *s)
{
	if (s->state == LR_SCTP_CONNECTED || s->state == LR_SCTP_CONNECTING)
		usrsctp_shutdown(s->sock, SHUT_RDWR);
}
