/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The RTCP relay, on the worker that received the compound (the
 * producer; relay_out.c is the consumer's side).
 *
 * Feedback (lr_dp_session.relay_feedback): a subscriber's requests about
 * a stream it gets from us go to the publisher of that stream, without
 * the control plane. Picture loss (PLI, RFC 4585 §6.3.1), full intra
 * requests (FIR with one entry, RFC 5104 §4.3.1) and generic NACKs
 * (RFC 4585 §6.2.1) name the SSRC the subscriber sees; the route that
 * made it (flow/feedback.c) gives the publisher's SSRC and the sequence
 * offset. The relay does not forward the subscriber's packets: it asks
 * as the gateway, the way an SFU does. For each publisher the compound
 * names, one reduced-size compound (RFC 5506) of the gateway's own
 * feedback, sender SSRC the publisher session's rtcp_ssrc (whose SRTCP
 * stream was made at install: input never makes one): per stream, one
 * keyframe request (the first PLI or FIR; the rest of them coalesced)
 * and one NACK carrying the entries of all the NACKs, each sequence
 * number mapped back through the route. Limits per (subscriber,
 * stream), held in the route's feedback entry: a keyframe request per
 * relay_pli_interval_ms, relay_nack_max NACK entries per
 * relay_nack_interval_ms. The publisher's RTCP worker also allows one
 * keyframe request per stream and interval from all subscribers
 * together, and numbers FIRs (relay_out.c).
 *
 * Sender reports (lr_dp_session.relay_reports, on a publisher): each SR
 * (RFC 3550 §6.4.1) about an SSRC a route of one SSRC forwards goes to
 * the route's target as the target sees the stream: its SSRC, the RTP
 * timestamp moved by the route's offset, the NTP time and counts as
 * they were, and no report blocks (those are about what the publisher
 * receives); one compound per target, each route's SR at most once a
 * compound and once per relay_sr_interval_ms. The SR also stays for the
 * punt, for its report blocks.
 *
 * What a limit cuts counts rate_limited (once per RTCP packet of the
 * compound it cut from, in whole or in part) on the worker and the
 * sending session, and is not punted; a compound that finds the queue
 * to its target's worker full counts queue_full. Feedback that names no
 * route, a publisher with no rtcp_ssrc, or more than RELAY_TOUCH
 * streams in one compound stays for the punt. Nothing here locks or
 * allocates: the scratch is on the stack, the queue preallocated.
 */
#include "fwd.h"
#include "linerate/lr_rtp.h"

#define SR    200
#define RTPFB 205
#define PSFB  206

#define RELAY_TOUCH 64 /* (subscriber, stream) pairs in one compound */
#define RELAY_FCI   (LR_DP_RTCP_MAX / 4)

enum {
	KF_NONE,
	KF_PLI,
	KF_FIR
};

/* One stream a compound's feedback names, and what goes to it. */
struct touch {
	struct lr__dpfb *f;
	uint8_t kf;	     /* KF_* */
	uint8_t done;	     /* emitted (or lost) */
	uint16_t nfci;	     /* NACK entries */
	uint16_t head, tail; /* their list in fci[] */
};

struct lr__relay_scratch {
	uint32_t now;
	unsigned nt, nfci, nsr, cut, full;
	struct touch t[RELAY_TOUCH];
	uint32_t fci[RELAY_FCI]; /* NACK entries, mapped back */
	uint16_t next[RELAY_FCI];
	struct {
		struct lr__dpfb *f;
		uint8_t done;
		uint8_t body[20]; /* NTP time, RTP time, counts */
	} sr[LR_DP_MAX_ROUTES];
};

/* The slot for session to's RTCP worker (NULL: full, or no relay). */
static struct lr__relay_item *relay_slot(struct lr__fwd *fw, uint64_t to)
{
	return fw->env->relay_slot ? fw->env->relay_slot(fw, to) : NULL;
}

/* f's place in this compound's list, added if new; -1 if it is full. */
static int touch(struct lr__relay_scratch *x, struct lr__dpfb *f)
{
	if (f->fb_slot < x->nt && x->t[f->fb_slot].f == f)
		return f->fb_slot;
	if (x->nt == RELAY_TOUCH)
		return -1;
	f->fb_slot = (uint8_t)x->nt;
	x->t[x->nt] = (struct touch){.f = f};
	return (int)x->nt++;
}

/* NACK entries f may still take in its window, this compound's
 * included. */
static unsigned nack_room(const struct lr__fwd *fw, const struct lr__dpfb *f,
			  const struct touch *t, uint32_t now)
{
	unsigned used = lr__relay_passed(f->nack_at, now,
					 fw->cfg.relay_nack_interval_ms)
				? 0
				: f->nack_n;

	used += t->nfci;
	return used < fw->cfg.relay_nack_max ? fw->cfg.relay_nack_max - used
					     : 0;
}

static void add_fci(struct lr__relay_scratch *x, struct touch *t, uint32_t fci)
{
	uint16_t i = (uint16_t)x->nfci++;

	x->fci[i] = fci;
	if (t->nfci++)
		x->next[t->tail] = i;
	else
		t->head = i;
	t->tail = i;
}

/* Packet p[0..n) from subscriber s: 1 if the relay takes it (to send,
 * coalesced or cut), 0 if it stays for the punt. */
static int feedback(struct lr__fwd *fw, struct lr__dpsess *s, const uint8_t *p,
		    size_t n, struct lr__relay_scratch *x)
{
	unsigned fmt = p[0] & 0x1f, kf, room, nf;
	size_t at; /* where the SSRC the subscriber sees is */
	struct lr__dpfb *f;
	struct touch *t;
	int k;

	if (p[1] == PSFB && fmt == 4 && n == 20)
		at = 12, kf = KF_FIR; /* in its one entry */
	else if (p[1] == PSFB && fmt == 1 && n == 12)
		at = 8, kf = KF_PLI; /* the media source */
	else if (p[1] == RTPFB && fmt == 1 && n >= 16)
		at = 8, kf = KF_NONE;
	else
		return 0;
	f = lr__fb_find(fw, s->id, lr_rd32(p + at));
	if (!f || !f->from->rtcp_ssrc || (k = touch(x, f)) < 0)
		return 0;
	t = &x->t[k];
	if (kf) {
		if (t->kf || !lr__relay_passed(f->kf_at, x->now,
					       fw->cfg.relay_pli_interval_ms))
			x->cut++;
		else
			t->kf = (uint8_t)kf;
		return 1;
	}
	nf = (unsigned)(n - 12) / 4;
	room = nack_room(fw, f, t, x->now);
	for (unsigned i = 0; i < nf && i < room; i++) {
		const uint8_t *e = p + 12 + 4 * i;

		add_fci(x, t,
			(uint32_t)(uint16_t)(lr_rd16(e) - f->seq_delta) << 16 |
				lr_rd16(e + 2));
	}
	if (nf > room)
		x->cut++;
	return 1;
}

/* SR p[0..n) from publisher s: its routes' targets, picked. */
static void report(struct lr__fwd *fw, struct lr__dpsess *s, const uint8_t *p,
		   size_t n, struct lr__relay_scratch *x)
{
	uint32_t ssrc = lr_rd32(p + 4);
	int cut = 0;

	if (n < 28)
		return;
	for (unsigned i = 0; i < s->nfb; i++) {
		struct lr__dpfb *f = &s->fb[i];

		if (f->in_ssrc != ssrc)
			continue;
		if ((f->sr_slot < x->nsr && x->sr[f->sr_slot].f == f) ||
		    !lr__relay_passed(f->sr_at, x->now,
				      fw->cfg.relay_sr_interval_ms)) {
			cut = 1; /* again in this compound, or too soon */
			continue;
		}
		if (!lr__flow_by_id(fw, f->to))
			continue; /* no target yet */
		f->sr_slot = (uint8_t)x->nsr;
		x->sr[x->nsr].f = f;
		x->sr[x->nsr].done = 0;
		memcpy(x->sr[x->nsr++].body, p + 8, 20);
	}
	x->cut += (unsigned)cut;
}

static size_t put_fb(uint8_t *o, unsigned fmt, unsigned type, unsigned words,
		     uint32_t sender, uint32_t media)
{
	o[0] = (uint8_t)(0x80 | fmt);
	o[1] = (uint8_t)type;
	lr_wr16(o + 2, (uint16_t)words);
	lr_wr32(o + 4, sender);
	lr_wr32(o + 8, media);
	return 12;
}

/* The gateway's feedback for t's stream at o: its length. */
static size_t build_fb(const struct lr__relay_scratch *x, const struct touch *t,
		       uint8_t *o)
{
	const struct lr__dpfb *f = t->f;
	uint32_t me = f->from->rtcp_ssrc;
	size_t len = 0;

	if (t->kf == KF_PLI) {
		len += put_fb(o, 1, PSFB, 2, me, f->in_ssrc);
	} else if (t->kf == KF_FIR) { /* media source 0 (RFC 5104 §4.3.1.2);
				       * its number: relay_out.c */
		len += put_fb(o, 4, PSFB, 4, me, 0);
		lr_wr32(o + 12, f->in_ssrc);
		memset(o + 16, 0, 4);
		len += 8;
	}
	if (t->nfci) {
		uint16_t i = t->head;

		len += put_fb(o + len, 1, RTPFB, 2 + t->nfci, me, f->in_ssrc);
		for (unsigned k = 0; k < t->nfci; k++, i = x->next[i]) {
			lr_wr32(o + len, x->fci[i]);
			len += 4;
		}
	}
	return len;
}

/* The limits' clocks move only for what was queued. */
static void spent(const struct lr__fwd *fw, struct touch *t, uint32_t now)
{
	struct lr__dpfb *f = t->f;

	if (t->kf)
		f->kf_at = lr__relay_stamp(now);
	if (!t->nfci)
		return;
	if (lr__relay_passed(f->nack_at, now, fw->cfg.relay_nack_interval_ms)) {
		f->nack_at = lr__relay_stamp(now);
		f->nack_n = 0;
	}
	f->nack_n = (uint16_t)(f->nack_n + t->nfci);
}

/* One compound per publisher: its streams' feedback, in order. */
static void emit_feedback(struct lr__fwd *fw, const struct lr__dpsess *s,
			  struct lr__relay_scratch *x)
{
	for (unsigned i = 0; i < x->nt; i++) {
		const struct lr__dpsess *pub = x->t[i].f->from;
		struct lr__relay_item *it;
		int any = 0;

		if (x->t[i].done)
			continue;
		for (unsigned j = i; j < x->nt; j++)
			any |= x->t[j].f->from == pub &&
			       (x->t[j].kf || x->t[j].nfci);
		it = any ? relay_slot(fw, pub->id) : NULL;
		if (any && !it)
			x->full++;
		if (it)
			it->len = 0;
		for (unsigned j = i; j < x->nt; j++) {
			struct touch *t = &x->t[j];

			if (t->f->from != pub)
				continue;
			t->done = 1;
			if (!it)
				continue;
			it->len = (uint16_t)(it->len +
					     build_fb(x, t, it->buf + it->len));
			spent(fw, t, x->now);
		}
		if (!it)
			continue;
		it->to = pub->id;
		it->from = s->id;
		it->kind = LR__RELAY_FEEDBACK;
		fw->env->relay_push(fw, pub->id);
	}
}

/* One compound per target: the SRs of the streams it sees. */
static void emit_reports(struct lr__fwd *fw, const struct lr__dpsess *s,
			 struct lr__relay_scratch *x)
{
	for (unsigned i = 0; i < x->nsr; i++) {
		uint64_t to = x->sr[i].f->to;
		struct lr__relay_item *it;

		if (x->sr[i].done)
			continue;
		it = relay_slot(fw, to);
		if (!it)
			x->full++;
		else
			it->len = 0;
		for (unsigned j = i; j < x->nsr; j++) {
			struct lr__dpfb *f = x->sr[j].f;
			uint8_t *o;

			if (f->to != to)
				continue;
			x->sr[j].done = 1;
			if (!it)
				continue;
			o = it->buf + it->len;
			o[0] = 0x80; /* no report blocks, no padding */
			o[1] = SR;
			lr_wr16(o + 2, 6);
			lr_wr32(o + 4, f->ssrc);
			memcpy(o + 8, x->sr[j].body, 20);
			lr_wr32(o + 16, lr_rd32(o + 16) + f->ts_delta);
			it->len = (uint16_t)(it->len + 28);
			f->sr_at = lr__relay_stamp(x->now);
		}
		if (!it)
			continue;
		it->to = to;
		it->from = s->id;
		it->kind = LR__RELAY_REPORT;
		fw->env->relay_push(fw, to);
	}
}

struct lr__relay_scratch *lr__relay_scratch_new(const struct lr__fwd_env *env)
{
	return env->zalloc(sizeof(struct lr__relay_scratch));
}

size_t lr__rtcp_relay(struct lr__fwd *fw, struct lr__dpsess *s, uint8_t *p,
		      size_t len, uint32_t now_ms)
{
	struct lr__relay_scratch *x = fw->rscr;
	size_t off = 0, kept = 0;

	if (!lr_rtcp_compound_ok(p, len) || len > LR_DP_RTCP_MAX)
		return len; /* not ours to take apart */
	x->now = now_ms;
	x->nt = x->nfci = x->nsr = x->cut = x->full = 0;
	while (off < len) {
		size_t n = 4 + 4u * lr_rd16(p + off + 2);
		int taken = 0;

		if (s->relay_reports && p[off + 1] == SR)
			report(fw, s, p + off, n, x);
		else if (s->relay_feedback)
			taken = feedback(fw, s, p + off, n, x);
		if (!taken) {
			memmove(p + kept, p + off, n);
			kept += n;
		}
		off += n;
	}
	emit_feedback(fw, s, x);
	emit_reports(fw, s, x);
	fw->st.drops[LR_DROP_RATE_LIMITED] += x->cut;
	s->st.drops[LR_DROP_RATE_LIMITED] += x->cut;
	fw->st.drops[LR_DROP_QUEUE_FULL] += x->full;
	s->st.drops[LR_DROP_QUEUE_FULL] += x->full;
	return kept;
}
