/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Data channels over the association (RFC 8831), opened in band with
 * DCEP (RFC 8832) or negotiated out of band; send queue and
 * bufferedAmount; closing by stream reset (RFC 8831 §6.7).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <usrsctp.h>

#include "sctp_internal.h"

static struct lr__dc *get(const struct lr_sctp *s, uint16_t id)
{
	return id < LR_SCTP_MAX_CHANNELS ? s->dc[id] : NULL;
}

static void dc_free(struct lr__dc *c)
{
	if (!c)
		return;
	free(c->label);
	free(c->protocol);
	free(c);
}

void lr__sctp_free_channels(struct lr_sctp *s)
{
	for (unsigned i = 0; i < LR_SCTP_MAX_CHANNELS; i++) {
		dc_free(s->dc[i]);
		s->dc[i] = NULL;
	}
}

static char *dup_n(const void *p, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		if (n)
			memcpy(d, p, n);
		d[n] = '\0';
	}
	return d;
}

static struct lr__dc *dc_new(struct lr_sctp *s, uint16_t id, const void *label,
			     size_t ll, const void *proto, size_t pl)
{
	struct lr__dc *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->id = id;
	c->label = dup_n(label, ll);
	c->protocol = dup_n(proto, pl);
	if (!c->label || !c->protocol) {
		dc_free(c);
		return NULL;
	}
	s->dc[id] = c;
	return c;
}

static uint8_t dc_type(const struct lr_dc_init *in)
{
	uint8_t t = LR_DC_RELIABLE;

	if (in->max_retransmits >= 0)
		t = LR_DC_PARTIAL_RELIABLE_REXMIT;
	else if (in->max_packet_lifetime >= 0)
		t = LR_DC_PARTIAL_RELIABLE_TIMED;
	return (uint8_t)(t | (in->unordered ? 0x80 : 0));
}

static void init_of_type(struct lr_dc_init *in, uint8_t type, uint32_t rel)
{
	in->unordered = !!(type & 0x80);
	in->max_retransmits = -1;
	in->max_packet_lifetime = -1;
	if ((type & 0x7f) == LR_DC_PARTIAL_RELIABLE_REXMIT)
		in->max_retransmits =
			(int32_t)(rel > INT32_MAX ? INT32_MAX : rel);
	else if ((type & 0x7f) == LR_DC_PARTIAL_RELIABLE_TIMED)
		in->max_packet_lifetime =
			(int32_t)(rel > INT32_MAX ? INT32_MAX : rel);
}

int lr__sctp_queue(struct lr_sctp *s, uint16_t id, uint32_t ppid,
		   const void *data, size_t len, size_t counted)
{
	struct lr__msg *m = malloc(sizeof(*m) + len);

	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->id = id;
	m->ppid = ppid;
	m->len = len;
	m->counted = counted;
	memcpy(m->data, data, len);
	if (s->pend_tail)
		s->pend_tail->next = m;
	else
		s->pend = m;
	s->pend_tail = m;
	return 0;
}

static int announce(struct lr_sctp *s, struct lr__dc *c)
{
	struct lr_dcep_open o = {
		.type = dc_type(&c->init),
		.priority = c->init.priority,
		.label = (const uint8_t *)c->label,
		.label_len = (uint16_t)strlen(c->label),
		.protocol = (const uint8_t *)c->protocol,
		.protocol_len = (uint16_t)strlen(c->protocol),
	};
	size_t cap = LR_DCEP_OPEN_HDR + o.label_len + o.protocol_len;
	uint8_t *buf = malloc(cap);
	int n, r;

	if (!buf)
		return -ENOMEM;
	if (c->init.max_retransmits >= 0)
		o.reliability = (uint32_t)c->init.max_retransmits;
	else if (c->init.max_packet_lifetime >= 0)
		o.reliability = (uint32_t)c->init.max_packet_lifetime;
	n = lr_dcep_build_open(&o, buf, cap);
	r = n < 0 ? n
		  : lr__sctp_queue(s, c->id, LR_PPID_DCEP, buf, (size_t)n, 0);
	free(buf);
	return r;
}

static void set_open(struct lr_sctp *s, struct lr__dc *c)
{
	if (c->state != LR_DC_CONNECTING)
		return;
	c->state = LR_DC_OPEN;
	lr__sctp_emit(s, LR_SCTP_EV_OPEN, c->id, 0, NULL, 0);
}

/* The association is up: announce our channels; they are open (the
 * creator need not wait for the ACK, RFC 8832 §6). */
void lr__sctp_on_up(struct lr_sctp *s)
{
	for (unsigned i = 0; i < LR_SCTP_MAX_CHANNELS; i++) {
		struct lr__dc *c = s->dc[i];

		if (!c || !c->local || c->announced)
			continue;
		c->announced = 1;
		if (!c->init.negotiated && announce(s, c))
			continue;
		set_open(s, c);
	}
	lr__sctp_pump(s);
}

int lr_sctp_channel_open(struct lr_sctp *s, const char *label,
			 const struct lr_dc_init *init)
{
	struct lr_dc_init in = LR_DC_INIT_DEFAULT;
	const char *proto;
	struct lr__dc *c;
	int id;

	if (init)
		in = *init;
	proto = in.protocol ? in.protocol : "";
	if (!label || strlen(label) > 65535 || strlen(proto) > 65535)
		return -EINVAL;
	if (in.max_retransmits >= 0 && in.max_packet_lifetime >= 0)
		return -EINVAL; /* createDataChannel: TypeError */
	if (in.negotiated && in.id < 0)
		return -EINVAL;
	if (in.id >= 0) {
		if (in.id >= LR_SCTP_MAX_CHANNELS)
			return -EINVAL;
		if (s->dc[in.id])
			return -EEXIST;
		id = in.id;
	} else {
		/* RFC 8832 §6: even ids for the DTLS client, odd for the
		 * server. */
		for (id = s->cfg.dtls_client ? 0 : 1;
		     id < LR_SCTP_MAX_CHANNELS && s->dc[id]; id += 2)
			;
		if (id >= LR_SCTP_MAX_CHANNELS)
			return -ENOSPC;
	}
	if (!in.priority)
		in.priority = 256;
	in.id = id;
	c = dc_new(s, (uint16_t)id, label, strlen(label), proto, strlen(proto));
	if (!c)
		return -ENOMEM;
	c->init = in;
	c->init.protocol = NULL;
	c->local = 1;
	c->acked = in.negotiated;
	if (s->state == LR_SCTP_CONNECTED) {
		c->announced = 1;
		if (!in.negotiated && announce(s, c)) {
			s->dc[id] = NULL;
			dc_free(c);
			return -ENOMEM;
		}
		set_open(s, c);
	}
	return id;
}

static void on_dcep(struct lr_sctp *s, uint16_t sid, const uint8_t *data,
		    size_t len)
{
	struct lr_dcep_open o;
	struct lr__dc *c = get(s, sid);
	uint8_t ack = LR_DCEP_ACK;
	int r = lr_dcep_parse(data, len, &o);

	if (r == LR_DCEP_ACK) {
		if (c)
			c->acked = 1;
		return;
	}
	if (r != LR_DCEP_OPEN || sid >= LR_SCTP_MAX_CHANNELS || c) {
		/* Malformed, or an OPEN for a stream in use: ignored. */
		s->st.dcep_errors++;
		return;
	}
	c = dc_new(s, sid, o.label, o.label_len, o.protocol, o.protocol_len);
	if (!c)
		return;
	init_of_type(&c->init, o.type, o.reliability);
	c->init.id = sid;
	c->init.priority = o.priority;
	c->announced = c->acked = 1;
	lr__sctp_queue(s, sid, LR_PPID_DCEP, &ack, 1, 0);
	lr__sctp_emit(s, LR_SCTP_EV_DATA_CHANNEL, sid, 0, NULL, 0);
	set_open(s, c);
}

/*
 * Receiving. usrsctp delivers one message at a time (fragment interleave
 * level 1, set in assoc.c), in pieces: from its partial delivery point
 * on, and in reads of at most sizeof(s->rbuf). So one buffer, s->rx,
 * holds the message being received, whatever its channel; it grows to
 * at most cfg.max_message_size and goes with the message to the event
 * (or is freed). A piece of another stream before the message ended
 * means usrsctp gave that message up (the sender abandoned it, PR-SCTP):
 * it is dropped, as on a partial delivery abort event.
 */
/* The buffer is no longer s->rx (freed, or given to an event): its
 * bytes leave the account. */
static void rx_let_go(struct lr_sctp *s)
{
	s->st.rx_buffered -= s->rx_cap;
	s->rx = NULL;
	s->rx_len = s->rx_cap = 0;
}

static void rx_done(struct lr_sctp *s)
{
	free(s->rx);
	rx_let_go(s);
	s->rx_sid = -1;
	s->rx_drop = 0;
}

void lr__sctp_rx_free(struct lr_sctp *s)
{
	rx_done(s);
}

void lr__sctp_rx_abort(struct lr_sctp *s, int sid)
{
	if (s->rx_sid < 0 || (sid >= 0 && sid != s->rx_sid))
		return;
	s->st.rx_partial_aborted++;
	rx_done(s);
}

static int rx_append(struct lr_sctp *s, const uint8_t *data, size_t len)
{
	size_t need = s->rx_len + len, cap = s->rx_cap ? s->rx_cap : 4096;
	uint8_t *p;

	if (need > s->cfg.max_message_size)
		return -EMSGSIZE;
	while (cap < need)
		cap *= 2;
	if (cap > s->cfg.max_message_size)
		cap = s->cfg.max_message_size;
	if (cap != s->rx_cap) {
		p = realloc(s->rx, cap);
		if (!p)
			return -ENOMEM;
		s->st.rx_buffered += cap - s->rx_cap;
		if (s->st.rx_buffered > s->st.rx_buffered_max)
			s->st.rx_buffered_max = s->st.rx_buffered;
		s->rx = p;
		s->rx_cap = cap;
	}
	memcpy(s->rx + s->rx_len, data, len);
	s->rx_len = need;
	return 0;
}

/* Over our max-message-size (or no memory for it): RFC 8831 §6.6, an
 * error with a received message, so the receiver closes the channel
 * (outgoing stream reset, from the pump after this input). */
static void refuse(struct lr_sctp *s, struct lr__dc *c)
{
	s->st.rx_too_big++;
	free(s->rx);
	rx_let_go(s);
	s->rx_drop = 1;
	lr__sctp_emit(s, LR_SCTP_EV_ERROR, c->id, 0, NULL, 0);
	if (c->state == LR_DC_OPEN || c->state == LR_DC_CONNECTING) {
		c->state = LR_DC_CLOSING;
		lr__sctp_emit(s, LR_SCTP_EV_CLOSING, c->id, 0, NULL, 0);
	}
}

/* The message in s->rx, whole: it goes to the event. */
static void deliver(struct lr_sctp *s, struct lr__dc *c, uint32_t ppid)
{
	int binary = ppid == LR_PPID_BINARY || ppid == LR_PPID_BINARY_EMPTY ||
		     ppid == LR_PPID_BINARY_PARTIAL;
	int empty =
		ppid == LR_PPID_STRING_EMPTY || ppid == LR_PPID_BINARY_EMPTY;
	size_t len = empty ? 0 : s->rx_len;
	uint8_t *msg = len ? realloc(s->rx, len) : malloc(1);

	if (!msg)
		return; /* rx_done() frees s->rx */
	if (len)
		rx_let_go(s); /* the event has it now */
	c->st.messages_received++;
	c->st.bytes_received += len;
	s->st.messages_received++;
	s->st.bytes_received += len;
	lr__sctp_emit(s, LR_SCTP_EV_MESSAGE, c->id, binary, msg, len);
}

/* A new message begins on sid: is it wanted? */
static void rx_begin(struct lr_sctp *s, uint16_t sid, uint32_t ppid, int eor)
{
	const struct lr__dc *c = get(s, sid);

	s->rx_sid = sid;
	s->rx_ppid = ppid;
	s->rx_drop = 0;
	if (ppid == LR_PPID_DCEP) {
		/* DCEP messages are small and come whole. */
		if (!eor) {
			s->st.dcep_errors++;
			s->rx_drop = 1;
		}
	} else if (!c || c->state == LR_DC_CLOSED) {
		s->st.rx_unknown_stream++;
		s->rx_drop = 1;
	}
}

void lr__sctp_on_data(struct lr_sctp *s, uint16_t sid, uint32_t ppid,
		      const uint8_t *data, size_t len, int eor)
{
	struct lr__dc *c;

	if (s->rx_sid >= 0 && s->rx_sid != sid)
		lr__sctp_rx_abort(s, -1); /* usrsctp moved on */
	if (s->rx_sid < 0)
		rx_begin(s, sid, ppid, eor);
	c = get(s, sid);
	if (!s->rx_drop && s->rx_ppid == LR_PPID_DCEP) {
		on_dcep(s, sid, data, len); /* whole (rx_begin) */
	} else if (!s->rx_drop && (!c || c->state == LR_DC_CLOSED)) {
		s->st.rx_unknown_stream++; /* closed part way */
		s->rx_drop = 1;
	} else if (!s->rx_drop && rx_append(s, data, len)) {
		refuse(s, c);
	}
	if (!eor)
		return;
	if (!s->rx_drop && s->rx_ppid != LR_PPID_DCEP)
		deliver(s, c, ppid);
	rx_done(s);
}

int lr_sctp_send(struct lr_sctp *s, uint16_t id, const void *data, size_t len,
		 int binary)
{
	static const uint8_t zero;
	struct lr__dc *c = get(s, id);
	uint32_t ppid;
	int r;

	if (!c)
		return -ENOENT;
	if (c->state != LR_DC_OPEN)
		return -ENOTCONN;
	if (len > s->cfg.remote_max_message_size)
		return -EMSGSIZE;
	if (!len) /* RFC 8831 §6.6: one byte with the "empty" PPID */
		ppid = binary ? LR_PPID_BINARY_EMPTY : LR_PPID_STRING_EMPTY;
	else
		ppid = binary ? LR_PPID_BINARY : LR_PPID_STRING;
	r = lr__sctp_queue(s, id, ppid, len ? data : &zero, len ? len : 1, len);
	if (r)
		return r;
	c->buffered += len;
	c->st.messages_sent++;
	c->st.bytes_sent += len;
	s->st.messages_sent++;
	s->st.bytes_sent += len;
	/* Handed to SCTP from the next poll_transmit/handle_*, as a browser
	 * does it after the task that called send(): bufferedAmount counts
	 * it until then, and bufferedamountlow never fires inside send(). */
	return 0;
}

static int sendv(struct lr_sctp *s, const struct lr__msg *m,
		 const struct lr__dc *c)
{
	struct sctp_sendv_spa spa;

	memset(&spa, 0, sizeof(spa));
	spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
	spa.sendv_sndinfo.snd_sid = m->id;
	spa.sendv_sndinfo.snd_ppid = htonl(m->ppid);
	spa.sendv_sndinfo.snd_flags = SCTP_EOR;
	/* DCEP goes reliable and ordered; so does user data until the ACK
	 * (RFC 8832 §6). */
	if (m->ppid != LR_PPID_DCEP && c) {
		if (c->init.unordered && c->acked)
			spa.sendv_sndinfo.snd_flags |= SCTP_UNORDERED;
		if (c->init.max_retransmits >= 0) {
			spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
			spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_RTX;
			spa.sendv_prinfo.pr_value =
				(uint32_t)c->init.max_retransmits;
		} else if (c->init.max_packet_lifetime >= 0) {
			spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
			spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
			spa.sendv_prinfo.pr_value =
				(uint32_t)c->init.max_packet_lifetime;
		}
	}
	if (usrsctp_sendv(s->sock, m->data, m->len, NULL, 0, &spa, sizeof(spa),
			  SCTP_SENDV_SPA, 0) >= 0)
		return 0;
	return errno == EWOULDBLOCK || errno == EAGAIN ? -EAGAIN : -EIO;
}

static void sent(struct lr_sctp *s, struct lr__dc *c, size_t counted)
{
	size_t before;

	if (!c)
		return;
	before = c->buffered;
	c->buffered -= counted;
	if (counted && before > c->low && c->buffered <= c->low)
		lr__sctp_emit(s, LR_SCTP_EV_BUFFERED_LOW, c->id, 0, NULL, 0);
}

static void finish_resets(struct lr_sctp *s)
{
	for (unsigned i = 0; i < LR_SCTP_MAX_CHANNELS; i++) {
		struct lr__dc *c = s->dc[i];
		int queued = 0;

		if (!c || c->state != LR_DC_CLOSING || c->reset_asked)
			continue;
		for (struct lr__msg *m = s->pend; m; m = m->next)
			queued |= m->id == c->id;
		if (queued)
			continue; /* close() lets what was sent go first */
		if (!lr__sctp_reset_out(s, c->id))
			c->reset_asked = 1;
	}
}

/* Hand queued messages to usrsctp while it has room. */
void lr__sctp_pump(struct lr_sctp *s)
{
	struct lr__msg *m;

	if (s->state != LR_SCTP_CONNECTED)
		return;
	while ((m = s->pend)) {
		struct lr__dc *c = get(s, m->id);
		int r = sendv(s, m, c);

		if (r == -EAGAIN)
			break;
		s->pend = m->next;
		if (!s->pend)
			s->pend_tail = NULL;
		if (r && c)
			lr__sctp_emit(s, LR_SCTP_EV_ERROR, c->id, 0, NULL, 0);
		sent(s, c, m->counted);
		free(m);
	}
	finish_resets(s);
}

int lr_sctp_channel_close(struct lr_sctp *s, uint16_t id)
{
	struct lr__dc *c = get(s, id);

	if (!c)
		return -ENOENT;
	if (c->state == LR_DC_CLOSING || c->state == LR_DC_CLOSED)
		return 0;
	if (s->state != LR_SCTP_CONNECTED || !c->announced) {
		c->state = LR_DC_CLOSED;
		lr__sctp_emit(s, LR_SCTP_EV_CHANNEL_CLOSED, id, 0, NULL, 0);
		return 0;
	}
	c->state = LR_DC_CLOSING;
	lr__sctp_pump(s);
	return 0;
}

static void maybe_closed(struct lr_sctp *s, struct lr__dc *c)
{
	if (!c->in_reset || !c->out_reset)
		return;
	c->state = LR_DC_CLOSED;
	lr__sctp_emit(s, LR_SCTP_EV_CHANNEL_CLOSED, c->id, 0, NULL, 0);
	/* The id may be used again. */
	s->dc[c->id] = NULL;
	dc_free(c);
}

void lr__sctp_on_reset(struct lr_sctp *s, uint16_t sid, int incoming,
		       int outgoing)
{
	struct lr__dc *c = get(s, sid);

	if (!c)
		return;
	if (incoming) {
		c->in_reset = 1;
		if (c->state == LR_DC_OPEN || c->state == LR_DC_CONNECTING) {
			/* The peer closed: we close our side too. */
			c->state = LR_DC_CLOSING;
			lr__sctp_emit(s, LR_SCTP_EV_CLOSING, sid, 0, NULL, 0);
		}
	}
	if (outgoing)
		c->out_reset = 1;
	maybe_closed(s, c);
	lr__sctp_pump(s);
}

void lr__sctp_close_all(struct lr_sctp *s)
{
	for (unsigned i = 0; i < LR_SCTP_MAX_CHANNELS; i++) {
		struct lr__dc *c = s->dc[i];

		if (!c || c->state == LR_DC_CLOSED)
			continue;
		c->state = LR_DC_CLOSED;
		lr__sctp_emit(s, LR_SCTP_EV_CHANNEL_CLOSED, c->id, 0, NULL, 0);
	}
}

enum lr_dc_state lr_sctp_channel_state(const struct lr_sctp *s, uint16_t id)
{
	const struct lr__dc *c = get(s, id);

	return c ? c->state : LR_DC_CLOSED;
}

const char *lr_sctp_channel_label(const struct lr_sctp *s, uint16_t id)
{
	const struct lr__dc *c = get(s, id);

	return c ? c->label : NULL;
}

const char *lr_sctp_channel_protocol(const struct lr_sctp *s, uint16_t id)
{
	const struct lr__dc *c = get(s, id);

	return c ? c->protocol : NULL;
}

int lr_sctp_channel_init(const struct lr_sctp *s, uint16_t id,
			 struct lr_dc_init *out)
{
	const struct lr__dc *c = get(s, id);

	if (!c)
		return -ENOENT;
	*out = c->init;
	out->protocol = c->protocol;
	return 0;
}

size_t lr_sctp_buffered_amount(const struct lr_sctp *s, uint16_t id)
{
	const struct lr__dc *c = get(s, id);

	return c ? c->buffered : 0;
}

int lr_sctp_set_buffered_low(struct lr_sctp *s, uint16_t id, size_t bytes)
{
	struct lr__dc *c = get(s, id);

	if (!c)
		return -ENOENT;
	c->low = bytes;
	return 0;
}

int lr_sctp_channel_stats(const struct lr_sctp *s, uint16_t id,
			  struct lr_dc_stats *out)
{
	const struct lr__dc *c = get(s, id);

	if (!c)
		return -ENOENT;
	*out = c->st;
	return 0;
}
