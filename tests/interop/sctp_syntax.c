/* pc_peer with aiortc (issue 13): see sctp_syntax.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "jsonl.h"
#include "linerate/lr_sctp.h"
#include "linerate/lr_sdp.h"
#include "sctp_syntax.h"

static int check(int ok, const char *what)
{
	if (!ok)
		fprintf(stderr, "pc_peer: not so: %s\n", what);
	return ok;
}

/* The data channel section of an SDP, read as lr_pc reads it. */
static int data_sctp(const char *sdp, struct lr_sdp_sctp *sc, char *map,
		     size_t cap, int *has_port_attr)
{
	struct lr_sdp *s;
	struct lr_sdp_error e;
	const char *v;
	int rc = -ENOENT;

	if (!sdp || lr_sdp_parse(sdp, strlen(sdp), &s, &e))
		return -EINVAL;
	for (unsigned i = 0; i < s->nmedia && rc; i++) {
		rc = lr_sdp_sctp(s, (int)i, sc);
		if (rc)
			continue;
		v = lr_sdp_attr(s, (int)i, "sctpmap", 0);
		snprintf(map, cap, "%s", v ? v : "");
		*has_port_attr = lr_sdp_attr(s, (int)i, "sctp-port", 0) != NULL;
	}
	lr_sdp_free(s);
	return rc;
}

/* aiortc offers the older syntax (DTLS/SCTP <port>, a=sctpmap) and our
 * answer must be in it too (aiortc 1.4 refuses RFC 8841's there while
 * parsing); when we offer RFC 8841's, its answer is in that. */
int sctp_syntax_check(struct lr_pc *pc, int they, long long peer_port,
		      const char *peer_info)
{
	int ok = 1, pa_o = 0, pa_a = 0;
	const char *offer = they ? lr_pc_remote_description(pc)
				 : lr_pc_local_description(pc);
	const char *answer = they ? lr_pc_local_description(pc)
				  : lr_pc_remote_description(pc);
	struct lr_sdp_sctp so, sa;
	char mo[128] = "", ma[128] = "", want_map[64], syntax[16] = "";
	long long lp = -1, rp = -1;

	if (!check(!data_sctp(offer, &so, mo, sizeof(mo), &pa_o) &&
			   !data_sctp(answer, &sa, ma, sizeof(ma), &pa_a),
		   "both descriptions have a data channel section"))
		return 0;
	jsonl_num(peer_info, "sctpLocalPort", &lp);
	jsonl_num(peer_info, "sctpRemotePort", &rp);
	jsonl_get(peer_info, "sdpSyntax", syntax, sizeof(syntax));
	printf("  SCTP: offer %s port %u%s%s, answer %s port %u%s%s; the "
	       "peer used port %lld to our %lld\n",
	       so.legacy ? "DTLS/SCTP" : "RFC 8841", so.port,
	       mo[0] ? ", a=sctpmap:" : "", mo,
	       sa.legacy ? "DTLS/SCTP" : "RFC 8841", sa.port,
	       ma[0] ? ", a=sctpmap:" : "", ma, lp, rp);
	ok &= check(so.legacy == they && sa.legacy == they,
		    they ? "aiortc offers the older syntax and we answer in it"
			 : "we offer RFC 8841's syntax and aiortc answers in "
			   "it");
	ok &= check((they ? so.port : sa.port) == peer_port &&
			    (they ? sa.port : so.port) == LR_SCTP_PORT,
		    "each side wrote its SCTP port");
	snprintf(want_map, sizeof(want_map), "%u webrtc-datachannel %u",
		 LR_SCTP_PORT, LR_SCTP_MAX_CHANNELS);
	if (they)
		ok &= check(!strcmp(ma, want_map) && !pa_a,
			    "our answer: a=sctpmap with our port and streams, "
			    "no a=sctp-port");
	ok &= check(lp == peer_port && rp == LR_SCTP_PORT,
		    "aiortc's SCTP ran on the ports the SDP says");
	ok &= check(!strcmp(syntax, they ? "legacy" : "rfc8841"),
		    "aiortc read the syntax it was given");
	return ok;
}
