// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
#include "linerate/lr_pkt.h"

static const char *const drop_names[LR_DROP__MAX] = {
	[LR_DROP_NONE] = "none",
	[LR_DROP_TOO_SHORT] = "too_short",
	[LR_DROP_BAD_VERSION] = "bad_version",
	[LR_DROP_BAD_HEADER] = "bad_header",
	[LR_DROP_NO_TAILROOM] = "no_tailroom",
	[LR_DROP_UNKNOWN_SSRC] = "unknown_ssrc",
	[LR_DROP_NO_STREAM_SLOT] = "no_stream_slot",
	[LR_DROP_AUTH] = "auth",
	[LR_DROP_REPLAY] = "replay",
	[LR_DROP_REPLAY_OLD] = "replay_old",
	[LR_DROP_INDEX_EXHAUSTED] = "index_exhausted",
	[LR_DROP_NOT_RTP] = "not_rtp",
	[LR_DROP_UNKNOWN_FLOW] = "unknown_flow",
	[LR_DROP_NO_ROUTE] = "no_route",
	[LR_DROP_NO_BUFFER] = "no_buffer",
	[LR_DROP_TX_FAILED] = "tx_failed",
	[LR_DROP_BAD_FRAME] = "bad_frame",
	[LR_DROP_NOT_OURS] = "not_ours",
	[LR_DROP_RATE_LIMITED] = "rate_limited",
	[LR_DROP_QUEUE_FULL] = "queue_full",
	[LR_DROP_NOT_OWNER] = "not_owner",
};

const char *lr_drop_reason_name(unsigned reason)
{
	if (reason >= LR_DROP__MAX || !drop_names[reason])
		return "unknown";
	return drop_names[reason];
}
