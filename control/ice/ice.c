// SPDX-License-Identifier: BSD-2-Clause
/*
 * The ICE agent's state: candidates (RFC 8445 §5.1), the check list and
 * its pacing (§6.1.2, §6.1.4), nomination (§8.1), states, consent
 * freshness (RFC 7675) and restarts (§9).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ice_internal.h"

uint32_t lr_ice_priority(enum lr_ice_cand_type type, uint32_t local_pref,
			 unsigned component)
{
	static const uint32_t type_pref[] = {126, 100, 110, 0};

	return (type_pref[type & 3] << 24) | ((local_pref & 0xffff) << 8) |
	       (256 - (component & 0xff));
}

uint64_t lr_ice_pair_priority(uint32_t g, uint32_t d)
{
	uint64_t mn = g < d ? g : d, mx = g < d ? d : g;

	return (mn << 32) + 2 * mx + (g > d ? 1 : 0);
}

int lr__ice_random(struct lr_ice_agent *a, void *buf, size_t len)
{
	return lr_rand_fill(&a->cfg.rand, buf, len) ? -EIO : 0;
}

/* n ice-chars (RFC 8839 §5.4), 6 bits of the CSPRNG each (a byte mod 64
 * is uniform): 0 and out[0..n] set, or -EIO and out untouched. */
static int rand_chars(struct lr_ice_agent *a, char *out, size_t n)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				  "qrstuvwxyz0123456789+/";
	uint8_t r[32];

	if (n >= sizeof(r) || lr__ice_random(a, r, n))
		return -EIO;
	for (size_t i = 0; i < n; i++)
		out[i] = set[r[i] % 64];
	out[n] = '\0';
	memset(r, 0, sizeof(r));
	return 0;
}

/* Fresh local credentials: 8 characters of ufrag (48 bits, RFC 8445
 * §5.3 asks for 24) and 24 of password (144 bits; 128 asked). Both or
 * neither change. */
static int new_credentials(struct lr_ice_agent *a)
{
	char u[sizeof(a->lufrag)], p[sizeof(a->lpwd)];

	if (rand_chars(a, u, sizeof(u) - 1) || rand_chars(a, p, sizeof(p) - 1))
		return -EIO;
	memcpy(a->lufrag, u, sizeof(u));
	memcpy(a->lpwd, p, sizeof(p));
	memset(p, 0, sizeof(p));
	return 0;
}

void lr__ice_event(struct lr_ice_agent *a, const struct lr_ice_event *ev)
{
	if (a->ev_n == ICE_MAX_EV) /* oldest dropped: the driver is asleep */
		a->ev_head = (a->ev_head + 1) % ICE_MAX_EV, a->ev_n--;
	a->ev[(a->ev_head + a->ev_n++) % ICE_MAX_EV] = *ev;
}

void lr__ice_set_state(struct lr_ice_agent *a, int state)
{
	struct lr_ice_event ev = {.type = LR_ICE_EV_STATE, .state = state};

	if (a->state == state)
		return;
	a->state = state;
	lr__ice_event(a, &ev);
}

static void set_gather(struct lr_ice_agent *a, int g)
{
	struct lr_ice_event ev = {.type = LR_ICE_EV_GATHER_STATE, .state = g};

	if (a->gstate == g)
		return;
	a->gstate = g;
	lr__ice_event(a, &ev);
	if (g == LR_ICE_GATHER_COMPLETE) {
		ev.type = LR_ICE_EV_GATHERING_DONE;
		lr__ice_event(a, &ev);
	}
}

void lr__ice_queue(struct lr_ice_agent *a, const struct lr_addr *from,
		   const struct lr_addr *to, const uint8_t *buf, size_t len)
{
	struct lr_ice_transmit *t;

	if (a->out_n == ICE_MAX_OUT || len > sizeof(t->buf))
		return; /* a lost datagram: retransmission covers it */
	t = &a->out[(a->out_head + a->out_n++) % ICE_MAX_OUT];
	t->local = *from;
	t->remote = *to;
	t->len = len;
	memcpy(t->buf, buf, len);
}

int lr__ice_find_local(const struct lr_ice_agent *a, const struct lr_addr *addr)
{
	for (int i = 0; i < a->nlocals; i++)
		if (a->locals[i].type == LR_ICE_HOST &&
		    lr_addr_eq(&a->locals[i].addr, addr))
			return i;
	return -1;
}

int lr__ice_find_remote(const struct lr_ice_agent *a,
			const struct lr_addr *addr)
{
	for (int i = 0; i < a->nremotes; i++)
		if (lr_addr_eq(&a->remotes[i].addr, addr))
			return i;
	return -1;
}

/* Frozen unless no pair of the same foundations is further on. */
static int foundation_busy(const struct lr_ice_agent *a, int pi)
{
	const struct ice_pair *p = &a->pairs[pi];

	for (int i = 0; i < a->npairs; i++) {
		const struct ice_pair *q = &a->pairs[i];

		if (i != pi && q->state != P_FROZEN &&
		    !strcmp(a->locals[q->l].foundation,
			    a->locals[p->l].foundation) &&
		    !strcmp(a->remotes[q->r].foundation,
			    a->remotes[p->r].foundation))
			return 1;
	}
	return 0;
}

int lr__ice_pair_for(struct lr_ice_agent *a, int l, int r)
{
	struct ice_pair *p;
	uint32_t lp = a->locals[l].priority, rp = a->remotes[r].priority;

	for (int i = 0; i < a->npairs; i++)
		if (a->pairs[i].l == l && a->pairs[i].r == r)
			return i;
	if (a->locals[l].addr.family != a->remotes[r].addr.family ||
	    a->npairs >= ICE_MAX_PAIRS)
		return -1;
	p = &a->pairs[a->npairs];
	memset(p, 0, sizeof(*p));
	p->l = l;
	p->r = r;
	p->prio = a->controlling ? lr_ice_pair_priority(lp, rp)
				 : lr_ice_pair_priority(rp, lp);
	p->state = foundation_busy(a, a->npairs) ? P_FROZEN : P_WAITING;
	return a->npairs++;
}

int lr__ice_add_remote(struct lr_ice_agent *a, const struct lr_ice_candidate *c)
{
	int r = lr__ice_find_remote(a, &c->addr);

	if (r >= 0)
		return r;
	if (a->nremotes >= ICE_MAX_REMOTE)
		return -ENOSPC;
	a->remotes[a->nremotes] = *c;
	a->rauth[a->nremotes] = 0;
	r = a->nremotes++;
	/* pair with every host candidate (srflx ones share its base) */
	for (int l = 0; l < a->nlocals; l++)
		if (a->locals[l].type == LR_ICE_HOST)
			lr__ice_pair_for(a, l, r);
	return r;
}

void lr__ice_trigger(struct lr_ice_agent *a, int pair)
{
	struct ice_pair *p = &a->pairs[pair];

	if (p->in_trig || a->ntrig >= ICE_MAX_PAIRS)
		return;
	if (p->state == P_FROZEN || p->state == P_FAILED)
		p->state = P_WAITING;
	p->in_trig = 1;
	a->trig[a->ntrig++] = pair;
}

void lr__ice_unfreeze(struct lr_ice_agent *a, int pair)
{
	const struct ice_pair *p = &a->pairs[pair];

	for (int i = 0; i < a->npairs; i++) {
		struct ice_pair *q = &a->pairs[i];

		if (q->state == P_FROZEN && !strcmp(a->locals[q->l].foundation,
						    a->locals[p->l].foundation))
			q->state = P_WAITING;
	}
}

void lr__ice_select(struct lr_ice_agent *a, int pair)
{
	struct lr_ice_event ev = {.type = LR_ICE_EV_SELECTED};
	struct ice_pair *p = &a->pairs[pair];

	if (a->selected == pair)
		return;
	a->selected = pair;
	a->have_sel = 1;
	a->sel_lcand = a->locals[p->l];
	a->sel_rcand = a->remotes[p->r];
	a->sel_local = a->sel_lcand.base;
	a->sel_remote = a->sel_rcand.addr;
	a->last_consent = a->now;
	a->next_consent = a->now + a->cfg.consent_interval_us;
	ev.cand = a->sel_lcand;
	ev.remote = a->sel_rcand;
	lr__ice_event(a, &ev);
	lr__ice_set_state(a, LR_ICE_CONNECTED);
	if (a->remote_eoc)
		lr__ice_set_state(a, LR_ICE_COMPLETED);
}

void lr__ice_check_failed(struct lr_ice_agent *a)
{
	if (a->have_sel || !a->remote_eoc || a->gather_pending)
		return;
	for (int i = 0; i < a->npairs; i++)
		if (a->pairs[i].state != P_FAILED)
			return;
	lr__ice_set_state(a, LR_ICE_FAILED);
}

static int add_local(struct lr_ice_agent *a, const struct lr_ice_candidate *c)
{
	struct lr_ice_event ev = {.type = LR_ICE_EV_CANDIDATE, .cand = *c};

	if (a->nlocals >= (int)(sizeof(a->locals) / sizeof(a->locals[0])))
		return -ENOSPC;
	a->locals[a->nlocals] = *c;
	lr__ice_event(a, &ev);
	return a->nlocals++;
}

void lr__ice_add_srflx(struct lr_ice_agent *a, int host,
		       const struct lr_addr *mapped)
{
	struct lr_ice_candidate c = a->locals[host];

	for (int i = 0; i < a->nlocals; i++)
		if (lr_addr_eq(&a->locals[i].addr, mapped))
			return; /* no NAT: the same as a host candidate */
	c.type = LR_ICE_SRFLX;
	c.addr = *mapped;
	c.priority = lr_ice_priority(LR_ICE_SRFLX, 65535 - (unsigned)host, 1);
	snprintf(c.foundation, sizeof(c.foundation), "s%d", host);
	add_local(a, &c);
}

void lr__ice_gather_done(struct lr_ice_agent *a)
{
	if (!a->gather_pending)
		set_gather(a, LR_ICE_GATHER_COMPLETE);
	lr__ice_check_failed(a);
}

static void gather(struct lr_ice_agent *a)
{
	set_gather(a, LR_ICE_GATHER_GATHERING);
	for (unsigned i = 0; i < a->cfg.nlocal; i++) {
		struct lr_ice_candidate c = {.component = 1,
					     .type = LR_ICE_HOST,
					     .addr = a->local_addrs[i],
					     .base = a->local_addrs[i]};
		int l;

		c.priority = lr_ice_priority(LR_ICE_HOST, 65535 - i, 1);
		snprintf(c.foundation, sizeof(c.foundation), "h%u", i);
		l = add_local(a, &c);
		if (l >= 0 && a->have_stun_server && !a->cfg.lite &&
		    a->stun_server.family == c.addr.family &&
		    !lr__ice_send_gather(a, l))
			a->gather_pending++;
	}
	lr__ice_gather_done(a);
}

int lr_ice_new(const struct lr_ice_config *cfg, uint64_t now,
	       struct lr_ice_agent **out)
{
	struct lr_ice_agent *a;

	*out = NULL;
	if (!cfg || cfg->nlocal > ICE_MAX_LOCAL ||
	    (cfg->nlocal && !cfg->local) || !cfg->rand.fill)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->cfg = *cfg;
	memcpy(a->local_addrs, cfg->local, cfg->nlocal * sizeof(*cfg->local));
	a->cfg.local = a->local_addrs;
	if (cfg->stun_server) {
		a->stun_server = *cfg->stun_server;
		a->have_stun_server = 1;
		a->cfg.stun_server = &a->stun_server;
	}
	a->cfg.ta_us = cfg->ta_us ? cfg->ta_us : 50000;
	a->cfg.rto_us = cfg->rto_us ? cfg->rto_us : 250000;
	a->cfg.max_tx = cfg->max_tx ? cfg->max_tx : 7;
	a->cfg.consent_interval_us =
		cfg->consent_interval_us ? cfg->consent_interval_us : 5000000;
	a->cfg.consent_timeout_us =
		cfg->consent_timeout_us ? cfg->consent_timeout_us : 30000000;
	a->cfg.disconnected_us =
		cfg->disconnected_us ? cfg->disconnected_us : 10000000;
	a->now = now;
	if (lr__ice_random(a, &a->tie, sizeof(a->tie)) || new_credentials(a)) {
		lr_ice_free(a);
		return -EIO;
	}
	a->controlling = cfg->lite ? 0 : !!cfg->controlling;
	a->selected = -1;
	a->next_check_at = now;
	gather(a);
	*out = a;
	return 0;
}

void lr_ice_free(struct lr_ice_agent *a)
{
	if (!a)
		return;
	memset(a->lpwd, 0, sizeof(a->lpwd));
	memset(a->rpwd, 0, sizeof(a->rpwd));
	free(a);
}

void lr_ice_local_credentials(const struct lr_ice_agent *a, const char **ufrag,
			      const char **pwd)
{
	*ufrag = a->lufrag;
	*pwd = a->lpwd;
}

static void forget_checks(struct lr_ice_agent *a)
{
	for (int i = 0; i < ICE_MAX_TXN; i++)
		if (a->txns[i].kind != T_GATHER)
			a->txns[i].live = 0;
	a->npairs = 0;
	a->ntrig = 0;
	a->nremotes = 0;
	a->remote_eoc = 0;
	a->selected = -1; /* media stays on sel_local/sel_remote */
	a->first_valid_at = 0;
}

/* A restart is how a failed agent recovers (RFC 8445 §9, W3C
 * restartIce()): back to checking, with checks scheduled again. The old
 * pair lost consent (RFC 7675 §5.1), so it no longer carries media, and
 * the new generation can fail on its own. */
static void restart_failed(struct lr_ice_agent *a)
{
	if (a->state != LR_ICE_FAILED)
		return;
	a->have_sel = 0;
	a->next_check_at = a->now;
	lr__ice_set_state(a, LR_ICE_CHECKING);
}

int lr_ice_set_remote_credentials(struct lr_ice_agent *a, const char *ufrag,
				  const char *pwd)
{
	size_t ul = ufrag ? strlen(ufrag) : 0, pl = pwd ? strlen(pwd) : 0;

	if (ul < 4 || ul > LR_ICE_UFRAG_MAX || pl < 22 || pl >= sizeof(a->rpwd))
		return -EINVAL;
	if (a->have_remote &&
	    (strcmp(ufrag, a->rufrag) || strcmp(pwd, a->rpwd))) {
		forget_checks(a); /* the peer restarted ICE */
		restart_failed(a);
	}
	memcpy(a->rufrag, ufrag, ul + 1);
	memcpy(a->rpwd, pwd, pl + 1);
	a->have_remote = 1;
	return 0;
}

int lr_ice_add_remote_candidate(struct lr_ice_agent *a,
				const struct lr_ice_candidate *c, uint64_t now)
{
	if (a->state == LR_ICE_CLOSED || c->component != 1 ||
	    (c->addr.family != 4 && c->addr.family != 6))
		return -EINVAL;
	a->now = now;
	if (lr__ice_add_remote(a, c) < 0)
		return -ENOSPC;
	if (a->state == LR_ICE_NEW && !a->cfg.lite)
		lr__ice_set_state(a, LR_ICE_CHECKING);
	return 0;
}

void lr_ice_remote_end_of_candidates(struct lr_ice_agent *a)
{
	a->remote_eoc = 1;
	if (a->have_sel && a->selected >= 0 && a->state == LR_ICE_CONNECTED)
		lr__ice_set_state(a, LR_ICE_COMPLETED);
	lr__ice_check_failed(a);
}

int lr_ice_handle_packet(struct lr_ice_agent *a, uint64_t now,
			 const struct lr_addr *local,
			 const struct lr_addr *remote, const uint8_t *buf,
			 size_t len)
{
	if (a->state == LR_ICE_CLOSED)
		return -EINVAL;
	if (now > a->now)
		a->now = now;
	return lr__ice_input(a, local, remote, buf, len);
}

/* Regular nomination (§8.1.1): once the best pair is valid, or 20 Ta
 * after the first valid pair, the controlling agent nominates the best
 * valid pair. Returns when to decide (UINT64_MAX: nothing to decide),
 * and the pair in *best. */
static uint64_t nominate_at(const struct lr_ice_agent *a, int *best)
{
	int pending_better = 0;

	*best = -1;
	if (!a->controlling || a->cfg.aggressive || a->selected >= 0 ||
	    a->cfg.lite)
		return UINT64_MAX;
	for (int i = 0; i < a->npairs; i++) {
		const struct ice_pair *p = &a->pairs[i];

		if (p->nominated)
			return UINT64_MAX; /* one is under way */
		if (p->valid && (*best < 0 || p->prio > a->pairs[*best].prio))
			*best = i;
	}
	if (*best < 0)
		return UINT64_MAX;
	for (int i = 0; i < a->npairs; i++) {
		const struct ice_pair *p = &a->pairs[i];

		if (p->prio > a->pairs[*best].prio &&
		    (p->state == P_WAITING || p->state == P_INPROGRESS ||
		     p->state == P_FROZEN))
			pending_better = 1;
	}
	return pending_better ? a->first_valid_at + 20ull * a->cfg.ta_us
			      : a->now;
}

static void nominate(struct lr_ice_agent *a)
{
	int best;

	if (nominate_at(a, &best) > a->now)
		return;
	a->pairs[best].nominated = 1;
	lr__ice_send_check(a, best, 1, 0);
}

static void next_check(struct lr_ice_agent *a)
{
	int pick = -1;

	if (a->cfg.lite || !a->have_remote || a->now < a->next_check_at)
		return;
	while (a->ntrig && pick < 0) {
		pick = a->trig[0];
		memmove(a->trig, a->trig + 1, (size_t)--a->ntrig * sizeof(int));
		a->pairs[pick].in_trig = 0;
		if (a->pairs[pick].state == P_SUCCEEDED)
			pick = -1;
	}
	/* the best Waiting pair, else the best Frozen one */
	for (int want = P_WAITING; pick < 0 && want >= P_FROZEN; want--)
		for (int k = 0; k < a->npairs; k++)
			if (a->pairs[k].state == want &&
			    (pick < 0 ||
			     a->pairs[k].prio > a->pairs[pick].prio))
				pick = k;
	if (pick < 0)
		return;
	lr__ice_send_check(
		a, pick, a->controlling && a->cfg.aggressive && a->selected < 0,
		0);
	if (a->controlling && a->cfg.aggressive)
		a->pairs[pick].nominated = 1;
	a->next_check_at = a->now + a->cfg.ta_us;
}

static void consent(struct lr_ice_agent *a)
{
	if (a->selected < 0 || a->cfg.lite || a->state == LR_ICE_FAILED)
		return;
	if (a->now - a->last_consent >= a->cfg.consent_timeout_us) {
		lr__ice_set_state(a, LR_ICE_FAILED);
		return;
	}
	if (a->now - a->last_consent >= a->cfg.disconnected_us)
		lr__ice_set_state(a, LR_ICE_DISCONNECTED);
	if (a->now >= a->next_consent) {
		/* RFC 7675 §5.1: 0.8 to 1.2 times the interval */
		uint64_t j = a->cfg.consent_interval_us / 5;
		uint32_t r = 0;

		lr__ice_send_check(a, a->selected, 0, 1);
		lr__ice_random(a, &r, sizeof(r)); /* failed: no jitter */
		a->next_consent = a->now + a->cfg.consent_interval_us - j +
				  r % (2 * j + 1);
	}
}

void lr_ice_handle_timeout(struct lr_ice_agent *a, uint64_t now)
{
	if (a->state == LR_ICE_CLOSED)
		return;
	if (now > a->now)
		a->now = now;
	lr__ice_retransmit(a);
	if (a->state != LR_ICE_FAILED) {
		nominate(a);
		next_check(a);
		consent(a);
	}
}

int lr_ice_poll_transmit(struct lr_ice_agent *a, struct lr_ice_transmit *t)
{
	if (!a->out_n)
		return 0;
	*t = a->out[a->out_head];
	a->out_head = (a->out_head + 1) % ICE_MAX_OUT;
	a->out_n--;
	return 1;
}

int lr_ice_poll_event(struct lr_ice_agent *a, struct lr_ice_event *ev)
{
	if (!a->ev_n)
		return 0;
	*ev = a->ev[a->ev_head];
	a->ev_head = (a->ev_head + 1) % ICE_MAX_EV;
	a->ev_n--;
	return 1;
}

uint64_t lr_ice_poll_timeout(const struct lr_ice_agent *a)
{
	uint64_t t = UINT64_MAX, n;
	int checkable = a->ntrig > 0, best;

	if (a->state == LR_ICE_CLOSED || a->state == LR_ICE_FAILED)
		return UINT64_MAX;
	for (int i = 0; i < ICE_MAX_TXN; i++)
		if (a->txns[i].live && a->txns[i].next_at < t)
			t = a->txns[i].next_at;
	for (int i = 0; i < a->npairs && !checkable; i++)
		checkable = a->pairs[i].state == P_WAITING ||
			    a->pairs[i].state == P_FROZEN;
	if (checkable && !a->cfg.lite && a->have_remote) {
		n = a->next_check_at > a->now ? a->next_check_at : a->now;
		if (n < t)
			t = n;
	}
	n = nominate_at(a, &best);
	if (n < t)
		t = n > a->now ? n : a->now;
	if (a->selected >= 0 && !a->cfg.lite) {
		uint64_t d = a->last_consent + a->cfg.disconnected_us;

		if (a->next_consent < t)
			t = a->next_consent;
		if (a->state != LR_ICE_DISCONNECTED && d < t)
			t = d;
		d = a->last_consent + a->cfg.consent_timeout_us;
		if (d < t)
			t = d;
	}
	return t;
}

int lr_ice_restart(struct lr_ice_agent *a, uint64_t now)
{
	if (now > a->now)
		a->now = now;
	if (new_credentials(a))
		return -EIO;
	a->have_remote = 0;
	forget_checks(a);
	a->nlocals = 0;
	a->gstate = LR_ICE_GATHER_NEW;
	restart_failed(a);
	gather(a);
	return 0;
}

void lr_ice_close(struct lr_ice_agent *a)
{
	lr__ice_set_state(a, LR_ICE_CLOSED);
	for (int i = 0; i < ICE_MAX_TXN; i++)
		a->txns[i].live = 0;
}

enum lr_ice_conn_state lr_ice_state(const struct lr_ice_agent *a)
{
	return (enum lr_ice_conn_state)a->state;
}

enum lr_ice_gather_state lr_ice_gather_state(const struct lr_ice_agent *a)
{
	return (enum lr_ice_gather_state)a->gstate;
}

int lr_ice_controlling(const struct lr_ice_agent *a)
{
	return a->controlling;
}

const char *lr_ice_remote_ufrag(const struct lr_ice_agent *a)
{
	return a->have_remote ? a->rufrag : NULL;
}

int lr_ice_selected(const struct lr_ice_agent *a, struct lr_addr *local,
		    struct lr_addr *remote)
{
	if (!a->have_sel)
		return 0;
	*local = a->sel_local;
	*remote = a->sel_remote;
	return 1;
}

int lr_ice_remote_authenticated(const struct lr_ice_agent *a,
				const struct lr_addr *remote)
{
	int r = lr__ice_find_remote(a, remote);

	if (r >= 0 && a->rauth[r])
		return 1;
	return a->have_sel && lr_addr_eq(remote, &a->sel_remote);
}

void lr_ice_stats(const struct lr_ice_agent *a, struct lr_ice_stats *out)
{
	*out = a->st;
}
