#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "linerate/lr_crypto_user.h"

static const uint16_t suites[] = {
	LR_SRTP_AES128_CM_SHA1_80, LR_SRTP_AES128_CM_SHA1_32,
	LR_SRTP_NULL_SHA1_80,	   LR_SRTP_AEAD_AES_128_GCM,
	LR_SRTP_AEAD_AES_256_GCM,
};

static struct lr_srtp_worker workers[2];
static int have_mb = -1;

static void workers_init(void)
{
	void *mb = NULL;

	if (have_mb >= 0)
		return;
	lr_srtp_worker_init(&workers[0], &lr_crypto_openssl_ops,
			    lr_crypto_openssl_new());
	if (lr_crypto_have(LR_CRYPTO_IPSECMB))
		mb = lr_crypto_ipsecmb_new();
	have_mb = mb != NULL;
	if (mb)
		lr_srtp_worker_init(&workers[1], &lr_crypto_ipsecmb_ops, mb);
}

int fuzz_parse(const uint8_t *data, size_t size, struct fuzz_case *fc,
	       struct fuzz_burst *b, const uint8_t **rest, size_t *rest_len)
{
	size_t off = 2;

	workers_init();
	if (size < 2)
		return -1;
	fc->suite = suites[data[0] % (sizeof(suites) / sizeof(suites[0]))];
	fc->flags = data[1];
	fc->w = (fc->flags & 2) && have_mb ? &workers[1] : &workers[0];
	b->n = 0;
	while (b->n < FUZZ_MAX_PKTS && off + 2 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		struct lr_pkt *p = &b->pkt[b->n];

		off += 2;
		if (len > size - off)
			len = size - off;
		if (len > FUZZ_BUF - 64)
			len = FUZZ_BUF - 64;
		memcpy(b->buf[b->n], data + off, len);
		off += len;
		*p = (struct lr_pkt){.data = b->buf[b->n],
				     .len = (uint32_t)len,
				     .room = FUZZ_BUF};
		b->pp[b->n] = p;
		b->n++;
		if (len == 0 && off >= size)
			break;
	}
	*rest = data + off;
	*rest_len = size - off;
	return 0;
}

void fuzz_ctx_pair(const struct fuzz_case *fc, struct lr_srtp_ctx *tx,
		   struct lr_srtp_ctx *rx, struct lr_srtp_stream *txs,
		   struct lr_srtp_stream *rxs, unsigned nstreams)
{
	const struct lr_srtp_suite_info *si = lr_srtp_suite_get(fc->suite);
	struct lr_srtp_policy pol = {.suite = (uint16_t)fc->suite,
				     .key_len = si->key_len,
				     .salt_len = si->salt_len};

	memset(pol.key, 0x5a, sizeof(pol.key));
	memset(pol.salt, 0xa5, sizeof(pol.salt));
	if (lr_srtp_ctx_init(tx, fc->w, LR_SRTP_OUTBOUND, &pol, txs, nstreams,
			     1) ||
	    lr_srtp_ctx_init(rx, fc->w, LR_SRTP_INBOUND, &pol, rxs, nstreams,
			     1)) {
		fprintf(stderr, "context init failed\n");
		abort();
	}
}

void fuzz_snapshot(struct fuzz_burst *b)
{
	for (unsigned i = 0; i < b->n; i++) {
		memcpy(b->copy[i], b->pkt[i].data, b->pkt[i].len);
		b->copy_len[i] = b->pkt[i].len;
	}
}

void fuzz_check_result(struct fuzz_burst *b, unsigned ok, unsigned tag_len)
{
	if (ok > b->n)
		abort();
	for (unsigned i = 0; i < b->n; i++) {
		struct lr_pkt *p = b->pp[i];
		unsigned k = (unsigned)(p - b->pkt);

		if ((i < ok) != (p->drop == 0))
			abort(); /* successes first, failures after */
		if (p->drop >= LR_DROP__MAX)
			abort();
		if (p->drop) {
			/* a failure is left as it came in */
			if (p->len != b->copy_len[k] ||
			    memcmp(p->data, b->copy[k], p->len))
				abort();
		} else if (p->len + tag_len > b->copy_len[k]) {
			abort(); /* unprotect only ever shortens */
		}
	}
}

void fuzz_keep_ok(struct fuzz_burst *b, unsigned n, const uint8_t *rest,
		  size_t rest_len)
{
	static struct lr_pkt tmp[FUZZ_MAX_PKTS];

	for (unsigned i = 0; i < n; i++)
		tmp[i] = *b->pp[i];
	for (unsigned i = 0; i < n; i++) {
		b->pkt[i] = tmp[i];
		b->pp[i] = &b->pkt[i];
	}
	b->n = n;
	if (n && rest_len >= 2) {
		unsigned bit = (unsigned)rest[0] << 8 | rest[1];
		struct lr_pkt *p = &b->pkt[bit / 8 % n];

		/* half of the choices leave the packets valid */
		if (bit / 8 / n % 2 && p->len)
			p->data[bit % p->len] ^= (uint8_t)(1u << (bit % 8));
	}
}

int fuzz_one(const uint8_t *data, size_t size, fuzz_burst_fn protect,
	     fuzz_burst_fn unprotect, int rtcp)
{
	static struct fuzz_burst b;
	struct lr_srtp_stream txs[4], rxs[4];
	struct lr_srtp_ctx tx, rx;
	struct fuzz_case fc;
	const struct lr_srtp_suite_info *si;
	const uint8_t *rest;
	size_t rest_len;
	unsigned ok;

	if (fuzz_parse(data, size, &fc, &b, &rest, &rest_len))
		return 0;
	si = lr_srtp_suite_get(fc.suite);
	fuzz_ctx_pair(&fc, &tx, &rx, txs, rxs, 4);
	if (fc.flags & 1)
		fuzz_keep_ok(&b, protect(&tx, b.pp, b.n), rest, rest_len);
	fuzz_snapshot(&b);
	ok = unprotect(&rx, b.pp, b.n);
	fuzz_check_result(&b, ok,
			  rtcp ? 4u + si->rtcp_tag_len : si->rtp_tag_len);
	lr_srtp_ctx_clear(&tx);
	lr_srtp_ctx_clear(&rx);
	return 0;
}
