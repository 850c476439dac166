/* pc_peer with aiortc (issue 13): the syntax of the data channel
 * sections and the SCTP ports each side wrote and used. */
#ifndef LR_INTEROP_SCTP_SYNTAX_H
#define LR_INTEROP_SCTP_SYNTAX_H

#include "linerate/lr_pc.h"

/* 1 if: when aiortc offered (they_offer), both sections are in the
 * older syntax (DTLS/SCTP <port> + a=sctpmap) and ours has a=sctpmap
 * with LR_SCTP_PORT and LR_SCTP_MAX_CHANNELS and no a=sctp-port; when
 * we offered, both are RFC 8841's; each side wrote its own port
 * (aiortc's is peer_port); and aiortc's report (peer_info, one JSON
 * line) says it ran SCTP from peer_port to ours and read the syntax it
 * was given. Prints what it saw and each point that fails. */
int sctp_syntax_check(struct lr_pc *pc, int they_offer, long long peer_port,
		      const char *peer_info);

#endif
