/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RTCDataChannel on lr_pc: handles that exist before SCTP does (as a
 * browser's channels exist before negotiation), opened on the
 * association once DTLS is up, and SCTP's events as RTCDataChannel
 * events.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pc_internal.h"

static struct lr__chan *chan(const struct lr_pc *pc, int ch)
{
	if (ch < 0 || ch >= LR_PC_MAX_CHANNELS || !pc->ch[ch].used)
		return NULL;
	return (struct lr__chan *)&pc->ch[ch];
}

static int by_sid(const struct lr_pc *pc, int sid)
{
	for (int i = 0; i < LR_PC_MAX_CHANNELS; i++)
		if (pc->ch[i].used && pc->ch[i].sid == sid &&
		    pc->ch[i].state != LR_DC_CLOSED)
			return i;
	return -1;
}

static int new_slot(struct lr_pc *pc)
{
	for (int i = 0; i < LR_PC_MAX_CHANNELS; i++)
		if (!pc->ch[i].used)
			return i;
	return -ENOSPC;
}

static int open_on_sctp(struct lr_pc *pc, struct lr__chan *c)
{
	struct lr_dc_init in = c->init;
	int sid;

	in.protocol = c->protocol;
	sid = lr_sctp_channel_open(pc->sctp, c->label, &in);
	if (sid < 0) {
		c->state = LR_DC_CLOSED;
		return sid;
	}
	c->sid = sid;
	return 0;
}

int lr_pc_create_data_channel(struct lr_pc *pc, const char *label,
			      const struct lr_dc_init *init)
{
	struct lr_dc_init in = LR_DC_INIT_DEFAULT;
	int had = 0, i = new_slot(pc);
	struct lr__chan *c;

	if (pc->closed || !label)
		return -EINVAL;
	if (i < 0)
		return i;
	if (init)
		in = *init;
	if ((in.max_retransmits >= 0 && in.max_packet_lifetime >= 0) ||
	    (in.negotiated && in.id < 0) || strlen(label) > 65535)
		return -EINVAL;
	for (int k = 0; k < LR_PC_MAX_CHANNELS; k++)
		had |= pc->ch[k].used;
	c = &pc->ch[i];
	memset(c, 0, sizeof(*c));
	c->label = strdup(label);
	c->protocol = strdup(in.protocol ? in.protocol : "");
	if (!c->label || !c->protocol) {
		free(c->label);
		free(c->protocol);
		c->label = c->protocol = NULL;
		return -ENOMEM;
	}
	c->used = 1;
	c->init = in;
	c->init.protocol = NULL;
	c->sid = -1;
	c->state = LR_DC_CONNECTING;
	if (pc->sctp && lr_sctp_state(pc->sctp) == LR_SCTP_CONNECTED)
		open_on_sctp(pc, c);
	/* The first channel needs an m=application section. */
	if (!had && pc->data_mline < 0)
		lr__pc_negotiation_needed(pc);
	return i;
}

void lr__pc_sctp_up(struct lr_pc *pc)
{
	struct lr_sctp_config c = {
		.dtls_client = pc->dtls_client,
		.remote_port = pc->remote_sctp_port,
		.remote_max_message_size = pc->remote_mms,
		.max_message_size = pc->cfg.max_message_size, /* advertised */
	};

	if (pc->sctp || lr_sctp_new(&c, &pc->sctp))
		return;
	lr_sctp_start(pc->sctp, pc->now);
	/* Channels made before the association are opened on it now:
	 * lr_sctp announces them when it is up. */
	for (int i = 0; i < LR_PC_MAX_CHANNELS; i++)
		if (pc->ch[i].used && !pc->ch[i].remote && pc->ch[i].sid < 0 &&
		    pc->ch[i].state == LR_DC_CONNECTING)
			open_on_sctp(pc, &pc->ch[i]);
}

static void remote_channel(struct lr_pc *pc, uint16_t sid)
{
	int i = new_slot(pc);
	struct lr__chan *c;
	struct lr__pcev *e;

	if (i < 0)
		return;
	c = &pc->ch[i];
	memset(c, 0, sizeof(*c));
	c->label = strdup(lr_sctp_channel_label(pc->sctp, sid));
	c->protocol = strdup(lr_sctp_channel_protocol(pc->sctp, sid));
	if (!c->label || !c->protocol) {
		free(c->label);
		free(c->protocol);
		c->label = c->protocol = NULL;
		return;
	}
	lr_sctp_channel_init(pc->sctp, sid, &c->init);
	c->init.protocol = NULL;
	c->used = 1;
	c->remote = 1;
	c->sid = sid;
	c->state = LR_DC_CONNECTING;
	e = lr__pc_emit(pc, LR_PC_EV_DATA_CHANNEL);
	if (e)
		e->ev.channel = i;
}

void lr__pc_sctp_events(struct lr_pc *pc)
{
	struct lr_sctp_event ev;

	while (lr_sctp_poll_event(pc->sctp, &ev)) {
		int i = by_sid(pc, ev.id);
		struct lr__pcev *e = NULL;

		switch (ev.type) {
		case LR_SCTP_EV_DATA_CHANNEL:
			remote_channel(pc, ev.id);
			break;
		case LR_SCTP_EV_OPEN:
			if (i < 0)
				break;
			pc->ch[i].state = LR_DC_OPEN;
			pc->dc_opened++;
			e = lr__pc_emit(pc, LR_PC_EV_DC_OPEN);
			break;
		case LR_SCTP_EV_MESSAGE:
			if (i < 0)
				break;
			e = lr__pc_emit(pc, LR_PC_EV_DC_MESSAGE);
			if (e) {
				e->ev.data = ev.data;
				e->ev.len = ev.len;
				e->ev.binary = ev.binary;
				ev.data = NULL;
			}
			break;
		case LR_SCTP_EV_CLOSING:
			if (i < 0)
				break;
			pc->ch[i].state = LR_DC_CLOSING;
			e = lr__pc_emit(pc, LR_PC_EV_DC_CLOSING);
			break;
		case LR_SCTP_EV_CHANNEL_CLOSED:
			if (i < 0)
				break;
			pc->ch[i].state = LR_DC_CLOSED;
			pc->dc_closed++;
			e = lr__pc_emit(pc, LR_PC_EV_DC_CLOSE);
			break;
		case LR_SCTP_EV_BUFFERED_LOW:
			if (i >= 0)
				e = lr__pc_emit(pc, LR_PC_EV_DC_BUFFERED_LOW);
			break;
		case LR_SCTP_EV_ERROR:
			if (i >= 0)
				e = lr__pc_emit(pc, LR_PC_EV_DC_ERROR);
			break;
		default:
			break;
		}
		if (e)
			e->ev.channel = i;
		lr_sctp_event_clear(&ev);
	}
}

int lr_pc_dc_send(struct lr_pc *pc, int ch, const void *data, size_t len,
		  int binary)
{
	struct lr__chan *c = chan(pc, ch);

	if (!c)
		return -ENOENT;
	if (c->state != LR_DC_OPEN || !pc->sctp || c->sid < 0)
		return -ENOTCONN;
	return lr_sctp_send(pc->sctp, (uint16_t)c->sid, data, len, binary);
}

int lr_pc_dc_close(struct lr_pc *pc, int ch)
{
	struct lr__chan *c = chan(pc, ch);

	if (!c)
		return -ENOENT;
	if (!pc->sctp || c->sid < 0) {
		if (c->state != LR_DC_CLOSED) {
			struct lr__pcev *e;

			c->state = LR_DC_CLOSED;
			e = lr__pc_emit(pc, LR_PC_EV_DC_CLOSE);
			if (e)
				e->ev.channel = ch;
		}
		return 0;
	}
	if (c->state == LR_DC_OPEN)
		c->state = LR_DC_CLOSING;
	return lr_sctp_channel_close(pc->sctp, (uint16_t)c->sid);
}

enum lr_dc_state lr_pc_dc_state(const struct lr_pc *pc, int ch)
{
	const struct lr__chan *c = chan(pc, ch);

	return c ? c->state : LR_DC_CLOSED;
}

const char *lr_pc_dc_label(const struct lr_pc *pc, int ch)
{
	const struct lr__chan *c = chan(pc, ch);

	return c ? c->label : NULL;
}

int lr_pc_dc_id(const struct lr_pc *pc, int ch)
{
	const struct lr__chan *c = chan(pc, ch);

	return c ? c->sid : -1;
}

size_t lr_pc_dc_buffered_amount(const struct lr_pc *pc, int ch)
{
	const struct lr__chan *c = chan(pc, ch);

	if (!c || !pc->sctp || c->sid < 0)
		return 0;
	return lr_sctp_buffered_amount(pc->sctp, (uint16_t)c->sid);
}

int lr_pc_dc_set_buffered_low(struct lr_pc *pc, int ch, size_t bytes)
{
	const struct lr__chan *c = chan(pc, ch);

	if (!c || !pc->sctp || c->sid < 0)
		return -ENOENT;
	return lr_sctp_set_buffered_low(pc->sctp, (uint16_t)c->sid, bytes);
}
