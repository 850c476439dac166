// SPDX-License-Identifier: BSD-2-Clause
/*
 * lr-bench-gateway's reference: the room the bench makes on linerated
 * (one publisher with an audio and a video stream, nv viewers), made
 * directly in an lr_dp of this process with the data-plane sessions
 * linerated installs for it (control/gateway/session.c, room.c: SSRC
 * slots, the publisher's RTCP SSRC, report and feedback relay, its
 * telephone-event payload types punted, a route per stream and viewer)
 * and lr-bench-fwd's placement (the worker pinned to its own CPU). Keys
 * are fixed here instead of coming from DTLS. Fed by the same sender and
 * counted by the same viewers' code as the gateway, this is the same
 * forwarding with no gateway around it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fwd.h"
#include "gwb.h"

#define PUB_ID	   1u
#define VIEW_ID(v) (100u + (v))

static int plain_peer(struct gwb_peer *p, enum gwb_kind kind)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->fd = gwb_udp_socket(&p->local);
	return p->fd < 0 ? p->fd : 0;
}

static int install_viewers(struct gwb_ref *r, uint16_t suite)
{
	for (unsigned v = 0; v < r->nv; v++) {
		struct lr_dp_session s = {.local = r->local,
					  .relay_feedback = 1,
					  .rx_ssrcs = 4,
					  .tx_ssrcs = 4};
		int rc = plain_peer(&r->view[v], GWB_PLAY);

		if (rc)
			return rc;
		s.remote = r->view[v].local;
		fwd_policy(&r->view_tx[v], suite, 200 + v);
		s.tx = r->view_tx[v];
		fwd_policy(&s.rx, suite, 300 + v);
		rc = lr_dp_session_install(r->dp, VIEW_ID(v), &s);
		if (rc)
			return rc;
	}
	return 0;
}

static int install_publisher(struct gwb_ref *r, uint16_t suite)
{
	struct lr_dp_route routes[LR_DP_MAX_ROUTES];
	struct lr_dp_session s = {.local = r->local,
				  .routes = routes,
				  .rtcp_ssrc = 0x52454631,
				  .relay_reports = 1,
				  .rx_ssrcs = 8,
				  .tx_ssrcs = 4,
				  .punt_pt = {110, 126}};
	int rc = plain_peer(&r->pub, GWB_PUBLISH);

	if (rc)
		return rc;
	s.remote = r->pub.local;
	fwd_policy(&r->pub_rx, suite, 100);
	s.rx = r->pub_rx;
	fwd_policy(&s.tx, suite, 101);
	for (unsigned v = 0; v < r->nv; v++)
		for (int k = 0; k < 2; k++) {
			if (s.nroutes == LR_DP_MAX_ROUTES)
				return -ENOSPC;
			routes[s.nroutes++] = (struct lr_dp_route){
				.ssrc = r->pub_ssrc[k],
				.to = VIEW_ID(v),
				.out_ssrc = 0x30000 + 2 * v + (unsigned)k,
				.pt_from = r->pt[k],
				.pt_to = -1};
		}
	return lr_dp_session_install(r->dp, PUB_ID, &s);
}

int gwb_ref_open(struct gwb_ref *r, enum lr_dp_backend be, unsigned nv,
		 uint16_t suite, int cpu)
{
	struct lr_addr want = {.family = 4, .ip = {127, 0, 0, 1}};
	struct lr_dp_config c = {.backend = be,
				 .local = &want,
				 .nlocal = 1,
				 .max_sessions = nv + 16,
				 .pin = cpu >= 0,
				 .cpu = cpu >= 0 ? (unsigned)cpu : 0};
	int rc;

	memset(r, 0, sizeof(*r));
	r->pub.fd = -1;
	if (nv > GWB_MAX_VIEWERS || 2 * nv > LR_DP_MAX_ROUTES)
		return -EINVAL;
	r->nv = nv;
	r->pub_ssrc[0] = 0x10000a;
	r->pub_ssrc[1] = 0x10000b;
	r->pt[0] = 111; /* what linerated's answers give our offers */
	r->pt[1] = 96;
	rc = lr_dp_new(&c, &r->dp);
	if (rc)
		return rc;
	lr_dp_local_addr(r->dp, 0, &r->local);
	rc = install_viewers(r, suite);
	if (!rc)
		rc = install_publisher(r, suite);
	if (rc)
		gwb_ref_close(r);
	return rc;
}

void gwb_ref_close(struct gwb_ref *r)
{
	if (r->dp)
		lr_dp_free(r->dp);
	r->dp = NULL;
	gwb_peer_free(&r->pub);
	for (unsigned v = 0; v < r->nv; v++)
		gwb_peer_free(&r->view[v]);
	r->nv = 0;
}
