/*
 * Helpers of the SRTP core tests (srtp_core_helpers.h): policies, context
 * pairs, RTP and SRTCP packets in the shared slots, protect and deliver.
 */
#include <string.h>

#include "srtp_core_helpers.h"

struct lr_test_impl impls[2];
unsigned nimpls;

const uint16_t suites[] = {
	LR_SRTP_AES128_CM_SHA1_80, LR_SRTP_AES128_CM_SHA1_32,
	LR_SRTP_NULL_SHA1_80,	   LR_SRTP_AEAD_AES_128_GCM,
	LR_SRTP_AEAD_AES_256_GCM,
};

uint8_t bufs[NPKT][BUF], orig[NPKT][BUF], prot[NPKT][BUF];
uint32_t orig_len[NPKT], prot_len[NPKT];
struct lr_pkt pk[NPKT];
struct lr_pkt *pp[NPKT];

void make_policy(struct lr_srtp_policy *pol, unsigned suite, unsigned window)
{
	const struct lr_srtp_suite_info *si = lr_srtp_suite_get(suite);

	memset(pol, 0, sizeof(*pol));
	pol->suite = (uint16_t)suite;
	pol->window = (uint16_t)window;
	pol->key_len = si->key_len;
	pol->salt_len = si->salt_len;
	lr_test_fill(pol->key, sizeof(pol->key));
	lr_test_fill(pol->salt, sizeof(pol->salt));
}

void pair_init(struct pair *p, struct lr_srtp_worker *w, unsigned suite,
	       unsigned window, int any)
{
	make_policy(&p->pol, suite, window);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&p->tx, w, LR_SRTP_OUTBOUND,
					       &p->pol, p->txs, 8, any),
			      0);
	CU_ASSERT_EQUAL_FATAL(lr_srtp_ctx_init(&p->rx, w, LR_SRTP_INBOUND,
					       &p->pol, p->rxs, 8, any),
			      0);
}

void pair_clear(struct pair *p)
{
	lr_srtp_ctx_clear(&p->tx);
	lr_srtp_ctx_clear(&p->rx);
}

/* An RTP packet in bufs[i] (and orig[i]) with cc CSRCs, an extension of
 * ext_words words if x, and pl bytes of payload; the rest random. */
void make_rtp_shaped(unsigned i, uint32_t ssrc, uint16_t seq, unsigned cc,
		     unsigned x, unsigned ext_words, unsigned pl)
{
	uint8_t *d = bufs[i];
	unsigned len = 12;

	d[0] = (uint8_t)(0x80 | (x << 4) | cc);
	d[1] = (uint8_t)(lr_test_rand() & 0x7f);
	d[2] = (uint8_t)(seq >> 8);
	d[3] = (uint8_t)seq;
	lr_test_fill(d + 4, 4);
	d[8] = (uint8_t)(ssrc >> 24);
	d[9] = (uint8_t)(ssrc >> 16);
	d[10] = (uint8_t)(ssrc >> 8);
	d[11] = (uint8_t)ssrc;
	lr_test_fill(d + len, cc * 4);
	len += cc * 4;
	if (x) {
		d[len] = 0xbe;
		d[len + 1] = 0xde;
		d[len + 2] = 0;
		d[len + 3] = (uint8_t)ext_words;
		lr_test_fill(d + len + 4, ext_words * 4);
		len += 4 + ext_words * 4;
	}
	lr_test_fill(d + len, pl);
	len += pl;
	memcpy(orig[i], d, len);
	orig_len[i] = len;
	pk[i] = (struct lr_pkt){.data = d, .len = len, .room = BUF};
	pp[i] = &pk[i];
}

/* An RTP packet with random CSRCs, extension and payload. */
void make_rtp(unsigned i, uint32_t ssrc, uint16_t seq)
{
	unsigned cc = (unsigned)(lr_test_rand() % 4);
	unsigned x = (unsigned)(lr_test_rand() % 2);
	unsigned pl = (unsigned)(lr_test_rand() % 1200);

	make_rtp_shaped(i, ssrc, seq, cc, x,
			x ? (unsigned)(lr_test_rand() % 4) : 0, pl);
}

void make_rtcp(unsigned i, uint32_t ssrc)
{
	uint8_t *d = bufs[i];
	unsigned words = 1 + (unsigned)(lr_test_rand() % 30);
	unsigned len = 4 + words * 4;

	lr_test_fill(d, len);
	d[0] = 0x81;
	d[1] = 200;
	d[2] = (uint8_t)(words >> 8);
	d[3] = (uint8_t)words;
	d[4] = (uint8_t)(ssrc >> 24);
	d[5] = (uint8_t)(ssrc >> 16);
	d[6] = (uint8_t)(ssrc >> 8);
	d[7] = (uint8_t)ssrc;
	memcpy(orig[i], d, len);
	orig_len[i] = len;
	pk[i] = (struct lr_pkt){.data = d, .len = len, .room = BUF};
	pp[i] = &pk[i];
}

void save_prot(unsigned i)
{
	memcpy(prot[i], bufs[i], pk[i].len);
	prot_len[i] = pk[i].len;
}

void load_prot(unsigned i)
{
	memcpy(bufs[i], prot[i], prot_len[i]);
	pk[i] = (struct lr_pkt){
		.data = bufs[i], .len = prot_len[i], .room = BUF};
	pp[i] = &pk[i];
}

int is_orig(unsigned i)
{
	return pk[i].len == orig_len[i] &&
	       memcmp(bufs[i], orig[i], orig_len[i]) == 0;
}

/* Protect n packets seq0.. in bursts of 32, keep them in prot[]. */
void send_seq(struct pair *p, uint32_t ssrc, uint16_t seq0, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		make_rtp(i, ssrc, (uint16_t)(seq0 + i));
	for (unsigned i = 0; i < n; i += 32) {
		unsigned c = n - i < 32 ? n - i : 32;

		CU_ASSERT_EQUAL(lr_srtp_protect(&p->tx, pp + i, c), c);
	}
	for (unsigned i = 0; i < n; i++)
		save_prot(i);
}

unsigned recv_one(struct pair *p, unsigned i)
{
	struct lr_pkt *q;

	load_prot(i);
	q = &pk[i];
	return lr_srtp_unprotect(&p->rx, &q, 1) ? 0 : pk[i].drop;
}
