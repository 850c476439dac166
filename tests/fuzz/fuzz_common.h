/* Shared harness of the SRTP/SRTCP unprotect fuzz targets. */
#ifndef LR_FUZZ_COMMON_H
#define LR_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "linerate/lr_srtp_core.h"

#define FUZZ_MAX_PKTS 64
#define FUZZ_BUF      2048

struct fuzz_burst {
	unsigned n;
	struct lr_pkt pkt[FUZZ_MAX_PKTS];
	struct lr_pkt *pp[FUZZ_MAX_PKTS];
	uint8_t buf[FUZZ_MAX_PKTS][FUZZ_BUF];
	uint8_t copy[FUZZ_MAX_PKTS][FUZZ_BUF];
	uint32_t copy_len[FUZZ_MAX_PKTS];
};

/*
 * Input layout: [suite][flags] then packets as [len_hi][len_lo][bytes].
 * flags bit 0: protect the packets first with the same keys (so the
 * unprotect sees valid SRTP), then flip the bit named by the next two
 * bytes of the input, if any; bit 1: use intel-ipsec-mb when built in.
 */
struct fuzz_case {
	unsigned suite;
	unsigned flags;
	struct lr_srtp_worker *w;
};

int fuzz_parse(const uint8_t *data, size_t size, struct fuzz_case *fc,
	       struct fuzz_burst *b, const uint8_t **rest, size_t *rest_len);
void fuzz_ctx_pair(const struct fuzz_case *fc, struct lr_srtp_ctx *tx,
		   struct lr_srtp_ctx *rx, struct lr_srtp_stream *txs,
		   struct lr_srtp_stream *rxs, unsigned nstreams);
/* After a protect of the burst that returned n: keep the n protected
 * packets (in order, renumbered) and flip the input-chosen bit. */
void fuzz_keep_ok(struct fuzz_burst *b, unsigned n, const uint8_t *rest,
		  size_t rest_len);
/* Remember every packet as it is now (what a failure must leave). */
void fuzz_snapshot(struct fuzz_burst *b);
/* The result contract of lr_srtp_core.h; aborts on a violation. */
void fuzz_check_result(struct fuzz_burst *b, unsigned ok, unsigned tag_len);

typedef unsigned (*fuzz_burst_fn)(struct lr_srtp_ctx *ctx,
				  struct lr_pkt *pkts[], unsigned n);
/* One input: parse, optionally protect first, unprotect, check the
 * contract of lr_srtp_core.h (rtcp: the trailer counts too). */
int fuzz_one(const uint8_t *data, size_t size, fuzz_burst_fn protect,
	     fuzz_burst_fn unprotect, int rtcp);

#endif
