// SPDX-License-Identifier: BSD-2-Clause
/*
 * The agent's STUN traffic: connectivity checks (RFC 8445 §7.2), their
 * responses and role conflicts (§7.3.1.1), server-reflexive gathering
 * (§5.1.1.2) and consent checks (RFC 7675).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ice_internal.h"

_Static_assert(sizeof(((struct lr_ice_transmit *)0)->buf) >= LR_ICE_CHECK_MAX,
	       "a check must fit a transmit");

/* A free transaction with a transaction ID from the CSPRNG (RFC 8489
 * §5: uniformly and cryptographically random), or NULL and *err:
 * -ENOSPC (all busy: try later), -EIO (the generator failed). */
static struct ice_txn *txn_new(struct lr_ice_agent *a, int *err)
{
	*err = -ENOSPC;
	for (int i = 0; i < ICE_MAX_TXN; i++) {
		struct ice_txn *t = &a->txns[i];

		if (!t->live) {
			uint8_t id[12];

			*err = lr__ice_random(a, id, sizeof(id));
			if (*err)
				return NULL;
			memset(t, 0, sizeof(*t));
			memcpy(t->id, id, sizeof(id));
			t->live = 1;
			t->rto = a->cfg.rto_us;
			return t;
		}
	}
	return NULL;
}

static void txn_send(struct lr_ice_agent *a, struct ice_txn *t)
{
	lr__ice_queue(a, &t->from, &t->to, t->buf, t->len);
	t->ntx++;
	t->next_at = a->now + t->rto;
	t->rto *= 2;
}

/* A check that could not be sent is counted, and its pair fails (a
 * consent check is left to time out): nothing waits on it forever. */
static int unsent(struct lr_ice_agent *a, int pair, int consent, int err)
{
	a->st.checks_unsent++;
	if (!consent) {
		a->pairs[pair].state = P_FAILED;
		lr__ice_check_failed(a);
	}
	return err;
}

int lr__ice_send_check(struct lr_ice_agent *a, int pair, int nominate,
		       int consent)
{
	struct ice_pair *p = &a->pairs[pair];
	const struct lr_ice_candidate *l = &a->locals[p->l];
	struct lr_stun_builder b;
	char user[LR_ICE_UFRAG_MAX + 1 + sizeof(a->lufrag)];
	size_t ul;
	int n;
	struct ice_txn *t = txn_new(a, &n);

	if (n == -ENOSPC)
		return n; /* the pair waits for a free transaction */
	if (!t)
		return unsent(a, pair, consent, n);
	ul = (size_t)snprintf(user, sizeof(user), "%s:%s", a->rufrag,
			      a->lufrag);
	lr_stun_build_init(&b, t->buf, sizeof(t->buf), LR_STUN_BINDING,
			   LR_STUN_REQUEST, t->id);
	lr_stun_add(&b, LR_STUN_USERNAME, user, ul);
	/* the priority a peer-reflexive candidate of ours would have */
	lr_stun_add_u32(
		&b, LR_STUN_PRIORITY,
		lr_ice_priority(LR_ICE_PRFLX, l->priority >> 8 & 0xffff, 1));
	lr_stun_add_u64(&b,
			a->controlling ? LR_STUN_ICE_CONTROLLING
				       : LR_STUN_ICE_CONTROLLED,
			a->tie);
	if (nominate)
		lr_stun_add(&b, LR_STUN_USE_CANDIDATE, NULL, 0);
	lr_stun_add_integrity(&b, (const uint8_t *)a->rpwd, strlen(a->rpwd));
	lr_stun_add_fingerprint(&b);
	n = lr_stun_build_end(&b);
	if (n < 0) {
		t->live = 0;
		return unsent(a, pair, consent, n);
	}
	t->len = (size_t)n;
	t->kind = consent ? T_CONSENT : T_CHECK;
	t->pair = pair;
	t->nominate = (uint8_t)nominate;
	t->from = l->base;
	t->to = a->remotes[p->r].addr;
	if (consent) {
		a->st.consent_sent++;
	} else {
		p->state = P_INPROGRESS;
		a->st.checks_sent++;
	}
	txn_send(a, t);
	return 0;
}

int lr__ice_send_gather(struct lr_ice_agent *a, int host)
{
	struct lr_stun_builder b;
	int n;
	struct ice_txn *t = txn_new(a, &n);

	if (!t)
		return n;
	lr_stun_build_init(&b, t->buf, sizeof(t->buf), LR_STUN_BINDING,
			   LR_STUN_REQUEST, t->id);
	lr_stun_add_fingerprint(&b);
	n = lr_stun_build_end(&b);
	t->len = (size_t)n;
	t->kind = T_GATHER;
	t->local = host;
	t->from = a->locals[host].addr;
	t->to = a->stun_server;
	txn_send(a, t);
	return 0;
}

static void txn_fail(struct lr_ice_agent *a, struct ice_txn *t)
{
	t->live = 0;
	if (t->kind == T_GATHER) {
		a->gather_pending--;
		lr__ice_gather_done(a);
	} else if (t->kind == T_CHECK) {
		a->pairs[t->pair].state = P_FAILED;
		lr__ice_check_failed(a);
	}
}

void lr__ice_retransmit(struct lr_ice_agent *a)
{
	for (int i = 0; i < ICE_MAX_TXN; i++) {
		struct ice_txn *t = &a->txns[i];

		if (!t->live || t->next_at > a->now)
			continue;
		if (t->ntx >= a->cfg.max_tx)
			txn_fail(a, t);
		else
			txn_send(a, t);
	}
}

/* A response without MESSAGE-INTEGRITY, to a request that failed. */
static void send_error(struct lr_ice_agent *a, const struct lr_stun_msg *req,
		       const struct lr_addr *local,
		       const struct lr_addr *remote, unsigned code,
		       const char *reason, int sign)
{
	uint8_t buf[256];
	struct lr_stun_builder b;
	int n;

	lr_stun_build_init(&b, buf, sizeof(buf), LR_STUN_BINDING, LR_STUN_ERROR,
			   req->txid);
	lr_stun_add_error(&b, code, reason);
	if (sign)
		lr_stun_add_integrity(&b, (const uint8_t *)a->lpwd,
				      strlen(a->lpwd));
	lr_stun_add_fingerprint(&b);
	n = lr_stun_build_end(&b);
	if (n > 0)
		lr__ice_queue(a, local, remote, buf, (size_t)n);
}

static void send_success(struct lr_ice_agent *a, const struct lr_stun_msg *req,
			 const struct lr_addr *local,
			 const struct lr_addr *remote)
{
	uint8_t buf[256];
	struct lr_stun_builder b;
	int n;

	lr_stun_build_init(&b, buf, sizeof(buf), LR_STUN_BINDING,
			   LR_STUN_SUCCESS, req->txid);
	lr_stun_add_xor_addr(&b, LR_STUN_XOR_MAPPED_ADDRESS, remote);
	lr_stun_add_integrity(&b, (const uint8_t *)a->lpwd, strlen(a->lpwd));
	lr_stun_add_fingerprint(&b);
	n = lr_stun_build_end(&b);
	if (n > 0) {
		lr__ice_queue(a, local, remote, buf, (size_t)n);
		a->st.responses_sent++;
	}
}

static void switch_role(struct lr_ice_agent *a)
{
	struct lr_ice_event ev = {.type = LR_ICE_EV_ROLE};

	a->controlling = !a->controlling;
	a->st.role_conflicts++;
	/* pair priorities depend on the role */
	for (int i = 0; i < a->npairs; i++) {
		struct ice_pair *p = &a->pairs[i];
		uint32_t lp = a->locals[p->l].priority,
			 rp = a->remotes[p->r].priority;

		p->prio = a->controlling ? lr_ice_pair_priority(lp, rp)
					 : lr_ice_pair_priority(rp, lp);
	}
	ev.state = a->controlling;
	lr__ice_event(a, &ev);
}

static void on_request(struct lr_ice_agent *a, const struct lr_stun_msg *m,
		       const struct lr_addr *local,
		       const struct lr_addr *remote)
{
	const struct lr_stun_attr *u = lr_stun_find(m, LR_STUN_USERNAME);
	size_t ll = strlen(a->lufrag);
	uint64_t their;
	uint32_t prio = 0;
	int l, r, p, use;

	a->st.checks_recv++;
	if (m->nunknown) {
		uint8_t buf[256];
		int n = lr_stun_build_420(m, buf, sizeof(buf));

		if (n > 0)
			lr__ice_queue(a, local, remote, buf, (size_t)n);
		return;
	}
	/* RFC 8445 §7.1.3: USERNAME, MESSAGE-INTEGRITY, PRIORITY and
	 * exactly one of ICE-CONTROLLING and ICE-CONTROLLED */
	if (!u || m->mi < 0 || lr_stun_get_u32(m, LR_STUN_PRIORITY, &prio) ||
	    !lr_stun_find(m, LR_STUN_ICE_CONTROLLING) ==
		    !lr_stun_find(m, LR_STUN_ICE_CONTROLLED)) {
		send_error(a, m, local, remote, 400, "Bad Request", 0);
		return;
	}
	if (u->len <= ll || memcmp(lr_stun_value(m, u), a->lufrag, ll) ||
	    lr_stun_value(m, u)[ll] != ':' ||
	    lr_stun_check_integrity(m, (const uint8_t *)a->lpwd,
				    strlen(a->lpwd)) != 1) {
		a->st.auth_failures++;
		send_error(a, m, local, remote, 401, "Unauthorized", 0);
		return;
	}
	/* role conflict, RFC 8445 §7.3.1.1 */
	if (a->controlling &&
	    !lr_stun_get_u64(m, LR_STUN_ICE_CONTROLLING, &their)) {
		if (a->tie >= their) {
			a->st.role_conflicts++;
			send_error(a, m, local, remote, 487, "Role Conflict",
				   1);
			return;
		}
		switch_role(a);
	} else if (!a->controlling &&
		   !lr_stun_get_u64(m, LR_STUN_ICE_CONTROLLED, &their)) {
		if (a->tie < their) {
			a->st.role_conflicts++;
			send_error(a, m, local, remote, 487, "Role Conflict",
				   1);
			return;
		}
		switch_role(a);
	}
	send_success(a, m, local, remote);
	if (a->state == LR_ICE_NEW)
		lr__ice_set_state(a, LR_ICE_CHECKING);
	l = lr__ice_find_local(a, local);
	if (l < 0)
		return;
	r = lr__ice_find_remote(a, remote);
	if (r < 0) {
		/* a peer-reflexive remote candidate, §7.3.1.3 */
		struct lr_ice_candidate c = {.component = 1,
					     .type = LR_ICE_PRFLX,
					     .priority = prio,
					     .addr = *remote,
					     .base = *remote};

		snprintf(c.foundation, sizeof(c.foundation), "prflx%d",
			 a->nremotes);
		r = lr__ice_add_remote(a, &c);
		if (r < 0)
			return;
	}
	a->rauth[r] = 1; /* it knows our password: DTLS may come from it */
	p = lr__ice_pair_for(a, l, r);
	if (p < 0)
		return;
	use = lr_stun_find(m, LR_STUN_USE_CANDIDATE) != NULL;
	if (use && !a->controlling)
		a->pairs[p].nominated = 1;
	if (a->cfg.lite) {
		/* a lite agent does no checks: the nominated pair is it */
		if (use)
			lr__ice_select(a, p);
		return;
	}
	if (a->pairs[p].state == P_SUCCEEDED) {
		if (use && !a->controlling)
			lr__ice_select(a, p);
		return;
	}
	if (a->have_remote)
		lr__ice_trigger(a, p);
}

static void on_response(struct lr_ice_agent *a, const struct lr_stun_msg *m,
			const struct lr_addr *local,
			const struct lr_addr *remote)
{
	struct ice_txn *t = NULL;
	struct lr_addr mapped;
	unsigned code;
	const char *reason;
	size_t rl;

	for (int i = 0; i < ICE_MAX_TXN && !t; i++)
		if (a->txns[i].live && !memcmp(a->txns[i].id, m->txid, 12))
			t = &a->txns[i];
	if (!t) {
		a->st.stray_responses++;
		return;
	}
	if (t->kind == T_GATHER) {
		t->live = 0;
		a->gather_pending--;
		if (m->cls == LR_STUN_SUCCESS &&
		    !lr_stun_get_xor_addr(m, LR_STUN_XOR_MAPPED_ADDRESS,
					  &mapped))
			lr__ice_add_srflx(a, t->local, &mapped);
		lr__ice_gather_done(a);
		return;
	}
	/* checks and consent: the peer signs with its password */
	if (lr_stun_check_integrity(m, (const uint8_t *)a->rpwd,
				    strlen(a->rpwd)) != 1) {
		a->st.auth_failures++;
		return;
	}
	a->st.responses_recv++;
	t->live = 0;
	if (t->kind == T_CONSENT) {
		if (m->cls == LR_STUN_SUCCESS) {
			a->st.consent_ok++;
			a->last_consent = a->now;
			if (a->state == LR_ICE_DISCONNECTED)
				lr__ice_set_state(a, LR_ICE_CONNECTED);
		}
		return;
	}
	if (m->cls == LR_STUN_ERROR) {
		if (!lr_stun_get_error(m, &code, &reason, &rl) && code == 487) {
			switch_role(a);
			lr__ice_trigger(a, t->pair);
			return;
		}
		a->pairs[t->pair].state = P_FAILED;
		lr__ice_check_failed(a);
		return;
	}
	/* §7.2.5.2.1: the addresses must be symmetric */
	if (!lr_addr_eq(remote, &t->to) || !lr_addr_eq(local, &t->from)) {
		a->pairs[t->pair].state = P_FAILED;
		lr__ice_check_failed(a);
		return;
	}
	a->pairs[t->pair].state = P_SUCCEEDED;
	a->pairs[t->pair].valid = 1;
	a->rauth[a->pairs[t->pair].r] = 1;
	if (!a->first_valid_at)
		a->first_valid_at = a->now;
	lr__ice_unfreeze(a, t->pair);
	if (t->nominate && a->controlling)
		a->pairs[t->pair].nominated = 1;
	if (a->pairs[t->pair].nominated)
		lr__ice_select(a, t->pair);
}

int lr__ice_input(struct lr_ice_agent *a, const struct lr_addr *local,
		  const struct lr_addr *remote, const uint8_t *buf, size_t len)
{
	struct lr_stun_msg m;

	if (!lr_stun_is_stun(buf, len))
		return -ENOMSG;
	if (lr_stun_parse(&m, buf, len) != LR_STUN_OK ||
	    m.method != LR_STUN_BINDING) {
		a->st.bad_stun++;
		return -EINVAL;
	}
	switch (m.cls) {
	case LR_STUN_REQUEST:
		on_request(a, &m, local, remote);
		break;
	case LR_STUN_SUCCESS:
	case LR_STUN_ERROR:
		on_response(a, &m, local, remote);
		break;
	default: /* indications: keepalives */
		break;
	}
	return 0;
}
