// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * What every burst function shares: chunks of LR_BURST_MAX, the copy of
 * the out-of-place variants, the stable partition (successes first,
 * failures after, both in arrival order), and undoing a failed decrypt.
 */
#include "srtp_internal.h"

static void reverse(struct lr_pkt **a, unsigned i, unsigned j)
{
	while (i + 1 < j) {
		struct lr_pkt *t = a[i];

		a[i++] = a[--j];
		a[j] = t;
	}
}

/* [first, mid) [mid, last) -> [mid, last) [first, mid) */
static void rotate(struct lr_pkt **a, unsigned first, unsigned mid,
		   unsigned last)
{
	reverse(a, first, mid);
	reverse(a, mid, last);
	reverse(a, first, last);
}

/* Stable partition of a[0..n) (and b in step, if given) by drop == 0,
 * judged on a. Returns the number of successes. */
static unsigned partition(struct lr_srtp_worker *w, struct lr_pkt **a,
			  struct lr_pkt **b, unsigned n)
{
	unsigned i, k = 0, f = 0;

	for (i = 0; i < n; i++) {
		if (!a[i]->drop) {
			if (b)
				b[k] = b[i];
			a[k++] = a[i];
		} else {
			w->tmp[f] = a[i];
			if (b)
				w->tmp2[f] = b[i];
			f++;
		}
	}
	if (f) {
		memcpy(a + k, w->tmp, f * sizeof(*a));
		if (b)
			memcpy(b + k, w->tmp2, f * sizeof(*b));
	}
	return k;
}

unsigned lr__srtp_burst(struct lr_srtp_ctx *ctx, lr__srtp_chunk_fn fn,
			struct lr_pkt **in, struct lr_pkt **out, unsigned n)
{
	struct lr_srtp_worker *w = ctx->w;
	unsigned done = 0, nok = 0, i;

	if (!w)
		return 0;
	while (done < n) {
		unsigned c = n - done < LR_BURST_MAX ? n - done : LR_BURST_MAX;
		struct lr_pkt **a = out ? out + done : in + done;
		unsigned k;

		for (i = 0; i < c; i++) {
			a[i]->drop = 0;
			if (!out)
				continue;
			if (in[done + i]->len > out[done + i]->room) {
				lr__srtp_drop(ctx, out[done + i],
					      LR_DROP_NO_TAILROOM);
				continue;
			}
			memcpy(out[done + i]->data, in[done + i]->data,
			       in[done + i]->len);
			out[done + i]->len = in[done + i]->len;
		}
		fn(ctx, a, c);
		if (out)
			for (i = 0; i < c; i++)
				in[done + i]->drop = out[done + i]->drop;
		k = partition(w, in + done, out ? out + done : NULL, c);
		/* [ok before | failed before | ok now | failed now] */
		if (k && done > nok) {
			rotate(in, nok, done, done + k);
			if (out)
				rotate(out, nok, done, done + k);
		}
		nok += k;
		done += c;
	}
	return nok;
}

void lr__srtp_undo_jobs(struct lr_srtp_worker *w, struct lr_crypto_job *jobs,
			unsigned n)
{
	unsigned i;

	if (!n)
		return;
	for (i = 0; i < n; i++) {
		/* tag == tag_save marks a tag moved out of the packet. */
		jobs[i].pad_ = jobs[i].tag == jobs[i].tag_save;
		jobs[i].decrypt = 0;
		jobs[i].tag = jobs[i].sink;
	}
	w->ops->run(w->impl, jobs, n);
	for (i = 0; i < n; i++)
		if (jobs[i].pad_)
			memcpy(jobs[i].src + jobs[i].auth_len - 4,
			       jobs[i].tag_save, jobs[i].tag_len);
}
