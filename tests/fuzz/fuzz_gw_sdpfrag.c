/* libFuzzer: what linerated parses itself (issue 13). The first byte
 * picks the parser:
 *  - even: a PATCH body, application/trickle-ice-sdpfrag, into
 *    gw_sdpfrag_parse (RFC 8840): accepted, it holds at most
 *    GW_FRAG_CANDS candidates, each "candidate:..." and NUL-terminated,
 *    ufrag and pwd both or neither, all within their buffers; refused,
 *    it says why in one line. gw_sdp_value on the same text stays in its
 *    buffer.
 *  - odd: a publisher's decrypted RTCP compound into gw_rtcp_in (the
 *    sender reports it notes for receiver reports): it reads no byte past
 *    the compound (ASan) and notes only SRs of the session's SSRCs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gw.h"
#include "session_sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sdpfrag(const uint8_t *data, size_t size)
{
	char *t = malloc(size + 1), err[200] = "", v[64];
	struct gw_sdpfrag *f = malloc(sizeof(*f));

	memcpy(t, data, size);
	t[size] = '\0';
	if (!gw_sdpfrag_parse(t, f, err, sizeof(err))) {
		if (f->ncand > GW_FRAG_CANDS || !f->ufrag[0] != !f->pwd[0])
			abort();
		for (unsigned i = 0; i < f->ncand; i++)
			if (strncmp(f->cand[i], "candidate:", 10) ||
			    !memchr(f->cand[i], '\0', sizeof(f->cand[i])))
				abort();
	} else if (!err[0] || strchr(err, '\n')) {
		abort();
	}
	if (!gw_sdp_value(t, "a=ice-ufrag:", v, sizeof(v)) &&
	    strlen(v) >= sizeof(v))
		abort();
	free(f);
	free(t);
}

static void rtcp(const uint8_t *data, size_t size)
{
	static struct gw g;
	struct gw_session s = {.gw = &g, .kind = GW_PUBLISH,
			       .ssrc = {0x01020304, 0x05060708}};
	uint8_t *p = malloc(size ? size : 1);

	memcpy(p, data, size);
	g.now = 1000000;
	gw_rtcp_in(&s, p, size);
	for (int k = 0; k < GW_KINDS; k++)
		if (s.rr[k].lsr_at && s.rr[k].lsr_at != g.now)
			abort();
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		rtcp(data + 1, size - 1);
	else
		sdpfrag(data + 1, size - 1);
	return 0;
}
