// SPDX-License-Identifier: BSD-2-Clause
/*
 * The system libsrtp2 behind lr_srtp.h, for operators who trust it (and
 * the benchmark's libsrtp2 column): its own library, lr_srtp_libsrtp2,
 * in the programs that link it (session.c finds it through a weak
 * reference). Bursts are loops of srtp_protect /
 * srtp_unprotect; results follow the burst contract of lr_srtp_core.h.
 *
 * Differences from the core, by libsrtp's design: SRTCP indices start at
 * 1; a re-key (srtp_update) keeps ROC and replay state but keeps no
 * previous keys, so packets in flight under the old keys fail.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <srtp2/srtp.h>

#include "session_priv.h"

struct lsrtp {
	srtp_t ctx;
	srtp_policy_t pol; /* the policy (for rekey / add_stream) */
	uint8_t key[LR_SRTP_MAX_KEY + LR_SRTP_MAX_SALT];
	const struct lr_srtp_suite_info *si;
	struct lr_srtp_stats stats;
	struct lr_pkt *tmp[LR_BURST_MAX];
	uint8_t save[2048]; /* a GCM packet, to restore it on failure */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static srtp_err_status_t init_status;

static void lib_init(void)
{
	init_status = srtp_init();
}

static unsigned map_err(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_replay_fail:
		return LR_DROP_REPLAY;
	case srtp_err_status_replay_old:
		return LR_DROP_REPLAY_OLD;
	case srtp_err_status_no_ctx:
		return LR_DROP_UNKNOWN_SSRC;
	case srtp_err_status_bad_param:
	case srtp_err_status_parse_err:
		return LR_DROP_BAD_HEADER;
	case srtp_err_status_key_expired:
		return LR_DROP_INDEX_EXHAUSTED;
	default:
		return LR_DROP_AUTH;
	}
}

static int set_crypto(srtp_policy_t *p, unsigned suite)
{
	switch (suite) {
	case LR_SRTP_AES128_CM_SHA1_80:
		srtp_crypto_policy_set_rtp_default(&p->rtp);
		srtp_crypto_policy_set_rtcp_default(&p->rtcp);
		return 0;
	case LR_SRTP_AES128_CM_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
		srtp_crypto_policy_set_rtcp_default(&p->rtcp);
		return 0;
	case LR_SRTP_NULL_SHA1_80:
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&p->rtp);
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&p->rtcp);
		return 0;
	case LR_SRTP_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
		return 0;
	case LR_SRTP_AEAD_AES_256_GCM:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp);
		return 0;
	}
	return -EINVAL;
}

/* Build L's policy from pol; ssrc type and value are set by callers. */
static int make_policy(struct lsrtp *l, const struct lr_srtp_policy *pol)
{
	const struct lr_srtp_suite_info *si = lr_srtp_suite_get(pol->suite);

	if (!si || pol->key_len != si->key_len || pol->salt_len != si->salt_len)
		return -EINVAL;
	if (pol->flags || (pol->window && (pol->window < LR_SRTP_WINDOW_MIN ||
					   pol->window > LR_SRTP_WINDOW_MAX)))
		return -EINVAL;
	memset(&l->pol, 0, sizeof(l->pol));
	if (set_crypto(&l->pol, pol->suite))
		return -EINVAL;
	memcpy(l->key, pol->key, pol->key_len);
	memcpy(l->key + pol->key_len, pol->salt, pol->salt_len);
	l->pol.key = l->key;
	l->pol.window_size = pol->window ? pol->window : LR_SRTP_WINDOW_DEFAULT;
	l->pol.allow_repeat_tx = 0;
	l->si = si;
	return 0;
}

/* Stable partition: successes first. */
static unsigned partition(struct lsrtp *l, struct lr_pkt **p, unsigned n)
{
	unsigned i, k = 0, f = 0;

	for (i = 0; i < n; i++) {
		if (!p[i]->drop)
			p[k++] = p[i];
		else
			l->tmp[f++] = p[i];
	}
	memcpy(p + k, l->tmp, f * sizeof(*p));
	return k;
}

typedef srtp_err_status_t (*lib_fn)(srtp_t, void *, int *);

/* One chunk: grow is what protect adds (0 for unprotect). */
static unsigned run(struct lr_srtp_session *s, struct lr_pkt **p, unsigned n,
		    lib_fn fn, unsigned grow, unsigned min, int restore)
{
	struct lsrtp *l = s->priv;
	unsigned i, done = 0, nok = 0;

	while (done < n) {
		unsigned c = n - done < LR_BURST_MAX ? n - done : LR_BURST_MAX;
		unsigned k;

		for (i = 0; i < c; i++) {
			struct lr_pkt *q = p[done + i];
			int len = (int)q->len;
			srtp_err_status_t st;

			q->drop = 0;
			if (q->len < min)
				q->drop = LR_DROP_TOO_SHORT;
			else if ((q->data[0] >> 6) != 2)
				q->drop = LR_DROP_BAD_VERSION;
			else if (q->room < q->len + grow ||
				 (restore && q->len > sizeof(l->save)))
				q->drop = LR_DROP_NO_TAILROOM;
			if (q->drop) {
				l->stats.drops[q->drop]++;
				continue;
			}
			if (restore)
				memcpy(l->save, q->data, q->len);
			st = fn(l->ctx, q->data, &len);
			if (st != srtp_err_status_ok) {
				if (restore)
					memcpy(q->data, l->save, q->len);
				q->drop = (uint16_t)map_err(st);
				l->stats.drops[q->drop]++;
				continue;
			}
			l->stats.ok++;
			l->stats.octets += grow ? q->len : (uint32_t)len;
			q->len = (uint32_t)len;
		}
		k = partition(l, p + done, c);
		if (k && done > nok) {
			/* keep earlier failures behind this chunk's successes */
			struct lr_pkt *t[LR_BURST_MAX];

			memcpy(t, p + done, k * sizeof(*p));
			memmove(p + nok + k, p + nok,
				(done - nok) * sizeof(*p));
			memcpy(p + nok, t, k * sizeof(*p));
		}
		nok += k;
		done += c;
	}
	return nok;
}

static unsigned ls_protect(struct lr_srtp_session *s, struct lr_pkt **p,
			   unsigned n)
{
	struct lsrtp *l = s->priv;

	return run(s, p, n, (lib_fn)srtp_protect, l->si->rtp_tag_len, 12, 0);
}

static unsigned ls_unprotect(struct lr_srtp_session *s, struct lr_pkt **p,
			     unsigned n)
{
	struct lsrtp *l = s->priv;

	return run(s, p, n, (lib_fn)srtp_unprotect, 0, 12 + l->si->rtp_tag_len,
		   l->si->alg == LR_ALG_AES_GCM);
}

static unsigned ls_protect_rtcp(struct lr_srtp_session *s, struct lr_pkt **p,
				unsigned n)
{
	struct lsrtp *l = s->priv;

	return run(s, p, n, (lib_fn)srtp_protect_rtcp, 4 + l->si->rtcp_tag_len,
		   8, 0);
}

static unsigned ls_unprotect_rtcp(struct lr_srtp_session *s, struct lr_pkt **p,
				  unsigned n)
{
	struct lsrtp *l = s->priv;

	return run(s, p, n, (lib_fn)srtp_unprotect_rtcp, 0,
		   8 + 4 + l->si->rtcp_tag_len, l->si->alg == LR_ALG_AES_GCM);
}

static int ls_rekey(struct lr_srtp_session *s, const struct lr_srtp_policy *pol)
{
	struct lsrtp *l = s->priv;
	srtp_ssrc_t ssrc = l->pol.ssrc;
	const struct lr_srtp_suite_info *si = l->si;

	if (pol->suite != si->suite)
		return -EINVAL;
	if (make_policy(l, pol))
		return -EINVAL;
	l->pol.ssrc = ssrc;
	return srtp_update(l->ctx, &l->pol) == srtp_err_status_ok ? 0 : -EINVAL;
}

static int ls_add_stream(struct lr_srtp_session *s, uint32_t ssrc)
{
	struct lsrtp *l = s->priv;
	srtp_policy_t p = l->pol;

	p.ssrc.type = ssrc_specific;
	p.ssrc.value = ssrc;
	p.next = NULL;
	return srtp_add_stream(l->ctx, &p) == srtp_err_status_ok ? 0 : -EINVAL;
}

static void ls_stats(const struct lr_srtp_session *s, struct lr_srtp_stats *out)
{
	*out = ((const struct lsrtp *)s->priv)->stats;
}

static void ls_destroy(struct lr_srtp_session *s)
{
	struct lsrtp *l = s->priv;

	srtp_dealloc(l->ctx);
	memset(l->key, 0, sizeof(l->key));
	free(l);
}

static const struct lr__srtp_session_ops ls_ops = {
	.protect = ls_protect,
	.unprotect = ls_unprotect,
	.protect_rtcp = ls_protect_rtcp,
	.unprotect_rtcp = ls_unprotect_rtcp,
	.rekey = ls_rekey,
	.add_stream = ls_add_stream,
	.stats = ls_stats,
	.destroy = ls_destroy,
};

int lr__srtp_libsrtp2_open(struct lr_srtp_session *s,
			   const struct lr_srtp_config *cfg)
{
	struct lsrtp *l;
	unsigned i;
	int rc;

	pthread_once(&init_once, lib_init);
	if (init_status != srtp_err_status_ok)
		return -ENOTSUP;
	if (!cfg->any_ssrc && !cfg->nssrcs)
		return -EINVAL; /* libsrtp cannot make an empty session */
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	rc = make_policy(l, &cfg->policy);
	if (rc) {
		free(l);
		return rc;
	}
	if (cfg->any_ssrc) {
		l->pol.ssrc.type = cfg->dir == LR_SRTP_INBOUND
					   ? ssrc_any_inbound
					   : ssrc_any_outbound;
	} else {
		l->pol.ssrc.type = ssrc_specific;
		l->pol.ssrc.value = cfg->ssrcs[0];
	}
	if (srtp_create(&l->ctx, &l->pol) != srtp_err_status_ok) {
		free(l);
		return -EINVAL;
	}
	s->ops = &ls_ops;
	s->priv = l;
	for (i = cfg->any_ssrc ? 0 : 1; i < cfg->nssrcs; i++) {
		rc = ls_add_stream(s, cfg->ssrcs[i]);
		if (rc) {
			ls_destroy(s);
			return rc;
		}
	}
	return 0;
}
