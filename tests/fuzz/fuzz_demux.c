/*
 * libFuzzer: the one-port demultiplexer (RFC 7983) and what sits behind
 * its DTLS branch. Each input is split into datagrams (2-byte length
 * prefixes); each is classified, and DTLS datagrams go into a live
 * lr_dtls server, which must refuse junk with a counted reason and never
 * crash, leak or leave its state machine inconsistent. After each, a
 * forged plaintext fatal alert must leave the state as it was and be
 * counted, whatever state the input led to (issue 12, defect 2).
 */
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_demux.h"
#include "linerate/lr_dtls.h"
#include "linerate/lr_stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct lr_cert *cert;
static char fp[LR_CERT_FP_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (lr_cert_generate(LR_CERT_ECDSA_P256, 1795000000, 30, 77, &cert) ||
	    lr_cert_fingerprint(cert, "sha-256", fp, sizeof(fp)) < 0)
		abort();
	return 0;
}

/* A plaintext (epoch 0) fatal alert: never authentic, never fatal. */
static void forged_alert(struct lr_dtls *d, uint64_t now, uint8_t desc)
{
	uint8_t al[15] = {21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2};
	enum lr_dtls_state s = lr_dtls_state(d);
	uint64_t before = lr_dtls_stats(d)->rx_plain_alerts;

	al[14] = desc;
	if (lr_dtls_handle_input(d, now, al, sizeof(al)) != 0 ||
	    lr_dtls_state(d) != s ||
	    lr_dtls_stats(d)->rx_plain_alerts != before + 1)
		abort();
}

static void check_kind(const uint8_t *p, size_t n)
{
	enum lr_demux_kind k = lr_demux(p, n);
	struct lr_stun_msg m;

	switch (k) {
	case LR_DEMUX_STUN:
		if (p[0] > 3)
			abort();
		lr_stun_parse(&m, p, n);
		break;
	case LR_DEMUX_DTLS:
		if (p[0] < 20 || p[0] > 63)
			abort();
		break;
	case LR_DEMUX_RTP:
	case LR_DEMUX_RTCP:
		if (p[0] < 128 || p[0] > 191)
			abort();
		break;
	case LR_DEMUX_OTHER:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lr_dtls_config cfg = {.cert = cert, .remote_fingerprint = fp};
	struct lr_dtls *d;
	uint8_t out[2048];
	uint64_t now = 0;

	if (lr_dtls_new(&cfg, &d))
		abort();
	lr_dtls_start(d, now);
	while (size >= 2) {
		size_t n = (size_t)data[0] << 8 | data[1];

		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		check_kind(data, n);
		if (lr_demux(data, n) == LR_DEMUX_DTLS) {
			const struct lr_dtls_stats *st = lr_dtls_stats(d);
			uint64_t before = st->rx_rejected + st->rx_too_big;
			int r = lr_dtls_handle_input(d, now, data, n);

			/* A refusal is always counted, or is the end of the
			 * association (a fatal alert). */
			if (r < 0 &&
			    st->rx_rejected + st->rx_too_big == before &&
			    lr_dtls_state(d) != LR_DTLS_FAILED)
				abort();
		}
		forged_alert(d, now, n ? data[0] : 40);
		while (lr_dtls_poll_transmit(d, out, sizeof(out)) > 0)
			;
		now += 500000;
		lr_dtls_handle_timeout(d, now);
		data += n;
		size -= n;
	}
	lr_dtls_free(d);
	return 0;
}
