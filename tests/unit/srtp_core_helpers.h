/*
 * Shared by the SRTP core tests (test_srtp_core.c, test_srtp_window.c,
 * test_srtp_tamper.c, one program): the crypto implementations under
 * test, the suites, a sender/receiver context pair, packet buffers and
 * the helpers that fill, protect and deliver them.
 */
#ifndef SRTP_CORE_HELPERS_H
#define SRTP_CORE_HELPERS_H

#include "linerate/lr_crypto_user.h"
#include "linerate/lr_srtp_core.h"
#include "lr_test.h"
#include "lr_test_crypto.h"

#define BUF  1600
#define NPKT 300

extern struct lr_test_impl impls[2];
extern unsigned nimpls;

extern const uint16_t suites[5];
#define NSUITES (sizeof(suites) / sizeof(suites[0]))

/* A pair of contexts (sender, receiver) sharing keys, plus buffers. */
struct pair {
	struct lr_srtp_ctx tx, rx;
	struct lr_srtp_stream txs[8], rxs[8];
	struct lr_srtp_policy pol;
};

/* Packet slot i: its buffer, the clear original, the protected copy. */
extern uint8_t bufs[NPKT][BUF], orig[NPKT][BUF], prot[NPKT][BUF];
extern uint32_t orig_len[NPKT], prot_len[NPKT];
extern struct lr_pkt pk[NPKT];
extern struct lr_pkt *pp[NPKT];

void make_policy(struct lr_srtp_policy *pol, unsigned suite, unsigned window);
void pair_init(struct pair *p, struct lr_srtp_worker *w, unsigned suite,
	       unsigned window, int any);
void pair_clear(struct pair *p);
void make_rtp_shaped(unsigned i, uint32_t ssrc, uint16_t seq, unsigned cc,
		     unsigned x, unsigned ext_words, unsigned pl);
void make_rtp(unsigned i, uint32_t ssrc, uint16_t seq);
void make_rtcp(unsigned i, uint32_t ssrc);
void save_prot(unsigned i);
void load_prot(unsigned i);
int is_orig(unsigned i);
void send_seq(struct pair *p, uint32_t ssrc, uint16_t seq0, unsigned n);
unsigned recv_one(struct pair *p, unsigned i);

/* The other files' tests, added to the one suite in registration order. */
void srtp_window_add_tests(CU_pSuite s);
void srtp_tamper_add_tests(CU_pSuite s);

#endif
