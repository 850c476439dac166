/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * The forwarding core's set-up and its buffer pool. Everything is
 * allocated here, once, through the environment; the burst path only
 * takes buffers from the pool and gives them back.
 */
#include "fwd.h"

int lr__fwd_init(struct lr__fwd *f, const struct lr__fwd_env *env,
		 const struct lr__fwd_cfg *cfg, const struct lr_addr *local,
		 unsigned nlocal, struct lr_srtp_worker *crypto)
{
	unsigned n = cfg->pool ? cfg->pool : 4096;
	unsigned want = cfg->max_sessions ? cfg->max_sessions : 4096;

	if (!env || !env->zalloc || !env->free || nlocal > DP_MAX_LOCAL)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	f->env = env;
	f->cfg = *cfg;
	f->local = local;
	f->nlocal = nlocal;
	f->crypto = crypto;
	f->topo_gen = 1;
	f->nbuckets = 64;
	while (f->nbuckets < 2 * want)
		f->nbuckets <<= 1;
	if (n < 2 * LR_DP_BURST)
		n = 2 * LR_DP_BURST;
	f->by_id = env->zalloc(f->nbuckets * sizeof(*f->by_id));
	f->by_tuple = env->zalloc(f->nbuckets * sizeof(*f->by_tuple));
	f->bufs = env->zalloc((size_t)n * sizeof(*f->bufs));
	f->scr = env->zalloc(sizeof(*f->scr));
	f->rscr = lr__relay_scratch_new(env);
	if (!f->by_id || !f->by_tuple || !f->bufs || !f->scr || !f->rscr)
		goto fail;
	f->nbufs = n;
	for (unsigned i = 0; i < n; i++)
		lr__buf_put(f, &f->bufs[i]);
	if (lr__fb_init(f))
		goto fail;
	return 0;
fail:
	lr__fwd_fini(f);
	return -ENOMEM;
}

static void sess_free(struct lr__dpsess *s, void *arg)
{
	const struct lr__fwd_env *env = arg;

	lr_srtp_ctx_clear(&s->rx);
	lr_srtp_ctx_clear(&s->tx);
	env->free(s->fb);	/* unlinked, or the whole table goes */
	memset(s, 0, s->bytes); /* no keys or indices left in freed memory */
	env->free(s);
}

void lr__fwd_sess_free(struct lr__fwd *f, struct lr__dpsess *s)
{
	sess_free(s, (void *)f->env);
}

void lr__fwd_fini(struct lr__fwd *f)
{
	const struct lr__fwd_env *env = f->env;

	if (!env)
		return;
	for (unsigned i = 0; f->by_id && i < f->nbuckets; i++) {
		struct lr__dpsess *s = f->by_id[i], *n;

		for (; s; s = n) {
			n = s->next_id;
			sess_free(s, (void *)env);
		}
	}
	lr__fb_fini(f);
	env->free(f->by_id);
	env->free(f->by_tuple);
	env->free(f->bufs);
	env->free(f->scr);
	env->free(f->rscr);
	f->rscr = NULL;
	f->by_id = f->by_tuple = NULL;
	f->bufs = f->free_bufs = NULL;
	f->scr = NULL;
	f->nfree = f->nbufs = 0;
}

struct lr__dpbuf *lr__buf_get(struct lr__fwd *f)
{
	struct lr__dpbuf *b = f->free_bufs;

	if (!b)
		return NULL;
	f->free_bufs = b->next;
	f->nfree--;
	b->next = NULL;
	b->sess = NULL;
	b->pkt.data = b->data;
	b->pkt.room = sizeof(b->data);
	b->pkt.drop = 0;
	b->pkt.priv = NULL;
	return b;
}

void lr__buf_put(struct lr__fwd *f, struct lr__dpbuf *b)
{
	if (b->pkt.priv) {
		f->env->release(f, b->pkt.priv);
		b->pkt.priv = NULL;
	}
	b->next = f->free_bufs;
	f->free_bufs = b;
	f->nfree++;
}

void lr__fwd_drop(struct lr__fwd *f, struct lr__dpsess *s, struct lr__dpbuf *b,
		  unsigned why)
{
	if (why >= LR_DROP__MAX)
		why = LR_DROP_NONE;
	f->st.drops[why]++;
	if (s)
		s->st.drops[why]++;
	lr__buf_put(f, b);
}
