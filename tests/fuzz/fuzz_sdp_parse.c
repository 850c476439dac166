/* libFuzzer: the SDP parser, the typed attribute parsers and the writer
 * on arbitrary text; what parses must write out and parse again to the
 * same lines; data channel sections read in either syntax and are
 * answered in it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/lr_sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[2 * LR_SDP_MAX_TEXT + 16];
	struct lr_sdp *s, *s2;
	struct lr_sdp_error err;
	struct lr_sdp_candidate c;
	struct lr_sdp_fingerprint f;
	struct lr_sdp_rtpmap r;
	struct lr_sdp_extmap e;
	char *t = malloc(size + 1);
	int n;

	if (!t)
		return 0;
	memcpy(t, data, size);
	t[size] = '\0';
	/* the typed parsers on the raw text too */
	lr_sdp_parse_candidate(t, &c);
	lr_sdp_parse_fingerprint(t, &f);
	lr_sdp_parse_rtpmap(t, &r);
	lr_sdp_parse_extmap(t, &e);
	if (lr_sdp_parse((const char *)data, size, &s, &err)) {
		free(t);
		return 0;
	}
	for (int m = -1; m < (int)s->nmedia; m++) {
		struct lr_sdp_sctp sc;
		const char *v;

		/* what parsed never says two things of its SCTP port */
		if (m >= 0 && lr_sdp_sctp(s, m, &sc) == -EINVAL)
			abort();

		for (unsigned k = 0; (v = lr_sdp_attr(s, m, "candidate", k));
		     k++)
			if (lr_sdp_parse_candidate(v, &c))
				abort(); /* parse accepted what this refuses */
	}
	/* any offer gets an answer that is valid SDP, or a clear refusal */
	{
		static const struct lr_sdp_answer_opts o = {
			.ice_ufrag = "abcd",
			.ice_pwd = "abcdefghijklmnopqrstuv",
			.fingerprint =
				"sha-256 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F"};
		struct lr_sdp *ans;

		n = lr_sdp_answer(s, &o, out, sizeof(out), &err);
		if (n > 0) {
			if (lr_sdp_parse(out, (size_t)n, &ans, &err))
				abort();
			/* a data channel section is answered in the
			 * offer's syntax, with our port */
			for (unsigned m = 0; m < s->nmedia; m++) {
				struct lr_sdp_sctp so, sa;

				if (m >= ans->nmedia ||
				    lr_sdp_sctp(s, (int)m, &so) ||
				    !ans->media[m].port)
					continue;
				if (lr_sdp_sctp(ans, (int)m, &sa) ||
				    sa.legacy != so.legacy ||
				    sa.port != LR_SDP_SCTP_PORT)
					abort();
			}
			lr_sdp_free(ans);
		}
	}
	n = lr_sdp_write(s, out, sizeof(out));
	if (n < 0)
		abort();
	if (lr_sdp_parse(out, (size_t)n, &s2, &err) == 0) {
		if (s2->nlines != s->nlines || s2->nmedia != s->nmedia)
			abort();
		for (unsigned i = 0; i < s->nlines; i++)
			if (s2->lines[i].type != s->lines[i].type ||
			    strcmp(s2->lines[i].value, s->lines[i].value))
				abort();
		lr_sdp_free(s2);
	} else if (n <= LR_SDP_MAX_TEXT) {
		abort(); /* our own output refused */
	}
	lr_sdp_free(s);
	free(t);
	return 0;
}
