// SPDX-License-Identifier: BSD-2-Clause
/*
 * Userspace SRTP sessions: the linerate core over intel-ipsec-mb or
 * OpenSSL, or the system libsrtp2 (session_libsrtp2.c, in the programs
 * that link lr_srtp_libsrtp2), behind one burst API. The implementation
 * is chosen once, at creation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_crypto_user.h"
#include "session_priv.h"

static const char *const impl_names[] = {
	[LR_SRTP_IMPL_AUTO] = "auto",
	[LR_SRTP_IMPL_IPSECMB] = "ipsec-mb",
	[LR_SRTP_IMPL_OPENSSL] = "openssl",
	[LR_SRTP_IMPL_LIBSRTP2] = "libsrtp2",
};

int lr_srtp_impl_parse(const char *name)
{
	unsigned i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < sizeof(impl_names) / sizeof(impl_names[0]); i++)
		if (!strcmp(name, impl_names[i]))
			return (int)i;
	return -EINVAL;
}

const char *lr_srtp_impl_name(enum lr_srtp_impl impl)
{
	if ((unsigned)impl >= sizeof(impl_names) / sizeof(impl_names[0]))
		return "unknown";
	return impl_names[impl];
}

/* Defined only when the program links lr_srtp_libsrtp2 (which makes the
 * linker take it: see dataplane/srtp/CMakeLists.txt); NULL otherwise. A
 * weak reference, not a registration call: nothing to remember to call,
 * no mutable global, and a program without the library has no srtp_*
 * symbol at all. */
extern int lr__srtp_libsrtp2_open(struct lr_srtp_session *s,
				  const struct lr_srtp_config *cfg)
	__attribute__((weak));

int lr_srtp_impl_have(enum lr_srtp_impl impl)
{
	switch (impl) {
	case LR_SRTP_IMPL_AUTO:
	case LR_SRTP_IMPL_OPENSSL:
		return 1;
	case LR_SRTP_IMPL_IPSECMB:
		return lr_crypto_have(LR_CRYPTO_IPSECMB);
	case LR_SRTP_IMPL_LIBSRTP2:
		return lr__srtp_libsrtp2_open != NULL;
	}
	return 0;
}

static int ipsecmb_runs(void)
{
	void *mb;

	if (!lr_crypto_have(LR_CRYPTO_IPSECMB))
		return 0;
	mb = lr_crypto_ipsecmb_new();
	if (!mb)
		return 0;
	lr_crypto_ipsecmb_free(mb);
	return 1;
}

/* cfg, then LR_SRTP; AUTO stays AUTO (no probing here); libsrtp2 is
 * -ENOTSUP in a program without its engine. */
static int requested_impl(enum lr_srtp_impl requested)
{
	if (requested == LR_SRTP_IMPL_AUTO) {
		const char *env = getenv("LR_SRTP");

		if (env && *env) {
			int id = lr_srtp_impl_parse(env);

			if (id < 0)
				return -EINVAL;
			requested = (enum lr_srtp_impl)id;
		}
	}
	if ((unsigned)requested > LR_SRTP_IMPL_LIBSRTP2)
		return -EINVAL;
	if (requested == LR_SRTP_IMPL_LIBSRTP2 &&
	    !lr_srtp_impl_have(LR_SRTP_IMPL_LIBSRTP2))
		return -ENOTSUP;
	return (int)requested;
}

int lr_srtp_impl_resolve(enum lr_srtp_impl requested)
{
	int id = requested_impl(requested);

	if (id == LR_SRTP_IMPL_AUTO)
		return ipsecmb_runs() ? LR_SRTP_IMPL_IPSECMB
				      : LR_SRTP_IMPL_OPENSSL;
	return id;
}

struct lr_srtp_worker *lr_srtp_worker_new(enum lr_srtp_impl impl)
{
	int id = requested_impl(impl);
	const struct lr_crypto_ops *ops = &lr_crypto_openssl_ops;
	struct lr_srtp_worker *w;
	void *inst = NULL;

	/* AUTO: ipsec-mb if its manager initialises here, else OpenSSL */
	if ((id == LR_SRTP_IMPL_AUTO || id == LR_SRTP_IMPL_IPSECMB) &&
	    lr_crypto_have(LR_CRYPTO_IPSECMB)) {
		inst = lr_crypto_ipsecmb_new();
		ops = &lr_crypto_ipsecmb_ops;
	}
	if (!inst && (id == LR_SRTP_IMPL_AUTO || id == LR_SRTP_IMPL_OPENSSL)) {
		inst = lr_crypto_openssl_new();
		ops = &lr_crypto_openssl_ops;
	}
	if (!inst)
		return NULL;
	w = calloc(1, sizeof(*w));
	if (!w) {
		if (ops == &lr_crypto_ipsecmb_ops)
			lr_crypto_ipsecmb_free(inst);
		else
			lr_crypto_openssl_free(inst);
		return NULL;
	}
	lr_srtp_worker_init(w, ops, inst);
	return w;
}

void lr_srtp_worker_free(struct lr_srtp_worker *w)
{
	if (!w)
		return;
	if (w->ops == &lr_crypto_ipsecmb_ops)
		lr_crypto_ipsecmb_free(w->impl);
	else
		lr_crypto_openssl_free(w->impl);
	free(w);
}

/* The core implementation. */
struct core_session {
	struct lr_srtp_ctx ctx;
	struct lr_srtp_worker *own; /* made by the session, freed with it */
	struct lr_srtp_stream streams[];
};

static struct lr_srtp_ctx *core_ctx(struct lr_srtp_session *s)
{
	return &((struct core_session *)s->priv)->ctx;
}

static unsigned core_protect(struct lr_srtp_session *s, struct lr_pkt **p,
			     unsigned n)
{
	return lr_srtp_protect(core_ctx(s), p, n);
}

static unsigned core_unprotect(struct lr_srtp_session *s, struct lr_pkt **p,
			       unsigned n)
{
	return lr_srtp_unprotect(core_ctx(s), p, n);
}

static unsigned core_protect_rtcp(struct lr_srtp_session *s, struct lr_pkt **p,
				  unsigned n)
{
	return lr_srtcp_protect(core_ctx(s), p, n);
}

static unsigned core_unprotect_rtcp(struct lr_srtp_session *s,
				    struct lr_pkt **p, unsigned n)
{
	return lr_srtcp_unprotect(core_ctx(s), p, n);
}

static int core_rekey(struct lr_srtp_session *s,
		      const struct lr_srtp_policy *pol)
{
	return lr_srtp_ctx_rekey(core_ctx(s), pol);
}

static int core_add_stream(struct lr_srtp_session *s, uint32_t ssrc)
{
	return lr_srtp_stream_add(core_ctx(s), ssrc);
}

static void core_stats(const struct lr_srtp_session *s,
		       struct lr_srtp_stats *out)
{
	*out = ((const struct core_session *)s->priv)->ctx.stats;
}

static void core_destroy(struct lr_srtp_session *s)
{
	struct core_session *cs = s->priv;

	lr_srtp_ctx_clear(&cs->ctx);
	lr_srtp_worker_free(cs->own);
	free(cs);
}

static int core_export(struct lr_srtp_session *s, uint32_t ssrc,
		       struct lr_srtp_stream_state *out)
{
	return lr_srtp_stream_export(core_ctx(s), ssrc, out);
}

static const struct lr__srtp_session_ops core_ops = {
	.protect = core_protect,
	.unprotect = core_unprotect,
	.protect_rtcp = core_protect_rtcp,
	.unprotect_rtcp = core_unprotect_rtcp,
	.rekey = core_rekey,
	.add_stream = core_add_stream,
	.export_stream = core_export,
	.stats = core_stats,
	.destroy = core_destroy,
};

/* The core over a worker: the config's (whose crypto must match a
 * named implementation), or one made here (AUTO picks the best). */
static int core_open(struct lr_srtp_session *s,
		     const struct lr_srtp_config *cfg, enum lr_srtp_impl impl)
{
	uint32_t max = cfg->max_streams ? cfg->max_streams : 16;
	struct lr_srtp_worker *w = cfg->worker;
	struct core_session *cs;
	unsigned i;
	int rc;

	if (w && impl != LR_SRTP_IMPL_AUTO &&
	    w->ops != (impl == LR_SRTP_IMPL_IPSECMB ? &lr_crypto_ipsecmb_ops
						    : &lr_crypto_openssl_ops))
		return -EINVAL; /* a worker of the other implementation */
	cs = calloc(1, sizeof(*cs) + max * sizeof(cs->streams[0]));
	if (!cs)
		return -ENOMEM;
	if (!w) {
		w = cs->own = lr_srtp_worker_new(impl);
		if (!w) {
			free(cs);
			return -ENOTSUP;
		}
	}
	rc = lr_srtp_ctx_init(&cs->ctx, w, cfg->dir, &cfg->policy, cs->streams,
			      max, cfg->any_ssrc);
	for (i = 0; !rc && i < cfg->nssrcs; i++)
		rc = lr_srtp_stream_add(&cs->ctx, cfg->ssrcs[i]);
	if (rc) {
		lr_srtp_ctx_clear(&cs->ctx);
		lr_srtp_worker_free(cs->own);
		free(cs);
		return rc;
	}
	s->ops = &core_ops;
	s->priv = cs;
	s->impl = w->ops == &lr_crypto_ipsecmb_ops ? LR_SRTP_IMPL_IPSECMB
						   : LR_SRTP_IMPL_OPENSSL;
	return 0;
}

int lr_srtp_session_new(struct lr_srtp_session **out,
			const struct lr_srtp_config *cfg)
{
	struct lr_srtp_session *s;
	int impl, rc;

	*out = NULL;
	if (!cfg || (cfg->nssrcs && !cfg->ssrcs))
		return -EINVAL;
	if (cfg->policy.mki_len)
		return -ENOTSUP;
	impl = requested_impl(cfg->impl);
	if (impl < 0)
		return impl;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->impl = (enum lr_srtp_impl)impl;
	if (impl == LR_SRTP_IMPL_LIBSRTP2)
		rc = lr__srtp_libsrtp2_open(s, cfg);
	else
		rc = core_open(s, cfg, (enum lr_srtp_impl)impl);
	if (rc) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void lr_srtp_session_free(struct lr_srtp_session *s)
{
	if (!s)
		return;
	s->ops->destroy(s);
	free(s);
}

unsigned lr_srtp_session_protect(struct lr_srtp_session *s,
				 struct lr_pkt *pkts[], unsigned n)
{
	return s->ops->protect(s, pkts, n);
}

unsigned lr_srtp_session_unprotect(struct lr_srtp_session *s,
				   struct lr_pkt *pkts[], unsigned n)
{
	return s->ops->unprotect(s, pkts, n);
}

unsigned lr_srtp_session_protect_rtcp(struct lr_srtp_session *s,
				      struct lr_pkt *pkts[], unsigned n)
{
	return s->ops->protect_rtcp(s, pkts, n);
}

unsigned lr_srtp_session_unprotect_rtcp(struct lr_srtp_session *s,
					struct lr_pkt *pkts[], unsigned n)
{
	return s->ops->unprotect_rtcp(s, pkts, n);
}

int lr_srtp_session_rekey(struct lr_srtp_session *s,
			  const struct lr_srtp_policy *pol)
{
	if (!pol)
		return -EINVAL;
	return s->ops->rekey(s, pol);
}

int lr_srtp_session_add_stream(struct lr_srtp_session *s, uint32_t ssrc)
{
	return s->ops->add_stream(s, ssrc);
}

void lr_srtp_session_stats(const struct lr_srtp_session *s,
			   struct lr_srtp_stats *out)
{
	s->ops->stats(s, out);
}

enum lr_srtp_impl lr_srtp_session_impl(const struct lr_srtp_session *s)
{
	return s->impl;
}

int lr_srtp_session_export(struct lr_srtp_session *s, uint32_t ssrc,
			   struct lr_srtp_stream_state *out)
{
	if (!s->ops->export_stream)
		return -ENOTSUP;
	return s->ops->export_stream(s, ssrc, out);
}
