/*
 * Interop: our ICE agent against libnice (Debian's libnice 0.1.21), a
 * peer no one here wrote, over real UDP on 127.0.0.1. Signalling is
 * in-process. Both role assignments run. Passes when both sides select
 * the pair between the two loopback sockets, libnice reports READY, our
 * agent saw checks and responses in both directions and no
 * authentication failure. Prints "N passed, N failed".
 *
 * This file is a driver: it owns the socket and the clock, as the
 * sans-IO agent wants.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <agent.h>

#include "linerate/lr_ice.h"

struct nice_side {
	NiceAgent *agent;
	guint stream;
	int gathered, ready, failed;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

static void on_gathered(NiceAgent *agent, guint stream, gpointer data)
{
	struct nice_side *n = data;

	(void)agent;
	(void)stream;
	n->gathered = 1;
}

static void on_state(NiceAgent *agent, guint stream, guint component,
		     guint state, gpointer data)
{
	struct nice_side *n = data;

	(void)agent;
	(void)stream;
	(void)component;
	if (state == NICE_COMPONENT_STATE_READY)
		n->ready = 1;
	if (state == NICE_COMPONENT_STATE_FAILED)
		n->failed = 1;
}

static void on_recv(NiceAgent *agent, guint stream, guint component, guint len,
		    gchar *buf, gpointer data)
{
	(void)agent;
	(void)stream;
	(void)component;
	(void)len;
	(void)buf;
	(void)data;
}

static struct lr_addr from_nice(const NiceAddress *na)
{
	struct lr_addr a = {.family = 4};
	struct sockaddr_in sin;

	nice_address_copy_to_sockaddr(na, (struct sockaddr *)&sin);
	memcpy(a.ip, &sin.sin_addr, 4);
	a.port = ntohs(sin.sin_port);
	return a;
}

static int run_case(int we_control)
{
	struct nice_side n = {0};
	struct lr_ice_agent *ice;
	struct lr_addr local = {.family = 4};
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sin);
	NiceAddress na;
	NiceCandidate *nc;
	GSList *cands, *l;
	gchar *ufrag, *pwd;
	const char *our_u, *our_p;
	GMainContext *ctx = g_main_context_default();
	struct lr_ice_stats st;
	struct lr_addr sl_local, sl_remote;
	NiceCandidate *nl = NULL, *nr = NULL;
	int fd, ok;
	uint64_t deadline;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl)) {
		perror("socket");
		return 0;
	}
	memcpy(local.ip, &sin.sin_addr, 4);
	local.port = ntohs(sin.sin_port);

	/* libnice on 127.0.0.1 only (it gathers nothing else here) */
	n.agent = nice_agent_new(ctx, NICE_COMPATIBILITY_RFC5245);
	g_object_set(n.agent, "controlling-mode", !we_control, "ice-tcp", FALSE,
		     "upnp", FALSE, NULL);
	nice_address_init(&na);
	nice_address_set_from_string(&na, "127.0.0.1");
	nice_agent_add_local_address(n.agent, &na);
	g_signal_connect(n.agent, "candidate-gathering-done",
			 G_CALLBACK(on_gathered), &n);
	g_signal_connect(n.agent, "component-state-changed",
			 G_CALLBACK(on_state), &n);
	n.stream = nice_agent_add_stream(n.agent, 1);
	nice_agent_attach_recv(n.agent, n.stream, 1, ctx, on_recv, NULL);
	nice_agent_gather_candidates(n.agent, n.stream);
	deadline = now_us() + 5000000;
	while (!n.gathered && now_us() < deadline)
		g_main_context_iteration(ctx, FALSE);

	/* ours */
	{
		struct lr_ice_config cfg = {.controlling = we_control,
					    .local = &local,
					    .nlocal = 1,
					    .rand = lr_rand_system()};

		if (lr_ice_new(&cfg, now_us(), &ice))
			return 0;
	}
	/* signalling, both ways */
	nice_agent_get_local_credentials(n.agent, n.stream, &ufrag, &pwd);
	lr_ice_set_remote_credentials(ice, ufrag, pwd);
	g_free(ufrag);
	g_free(pwd);
	cands = nice_agent_get_local_candidates(n.agent, n.stream, 1);
	for (l = cands; l; l = l->next) {
		NiceCandidate *c = l->data;
		struct lr_ice_candidate rc = {.component = 1,
					      .type = LR_ICE_HOST,
					      .priority = c->priority};

		rc.addr = from_nice(&c->addr);
		rc.base = rc.addr;
		snprintf(rc.foundation, sizeof(rc.foundation), "%s",
			 c->foundation);
		lr_ice_add_remote_candidate(ice, &rc, now_us());
	}
	g_slist_free_full(cands, (GDestroyNotify)nice_candidate_free);
	lr_ice_remote_end_of_candidates(ice);
	lr_ice_local_credentials(ice, &our_u, &our_p);
	nice_agent_set_remote_credentials(n.agent, n.stream, our_u, our_p);
	nc = nice_candidate_new(NICE_CANDIDATE_TYPE_HOST);
	nc->stream_id = n.stream;
	nc->component_id = 1;
	nc->transport = NICE_CANDIDATE_TRANSPORT_UDP;
	nc->priority = lr_ice_priority(LR_ICE_HOST, 65535, 1);
	snprintf(nc->foundation, sizeof(nc->foundation), "h0");
	nice_address_set_from_sockaddr(&nc->addr, (struct sockaddr *)&sin);
	cands = g_slist_append(NULL, nc);
	nice_agent_set_remote_candidates(n.agent, n.stream, 1, cands);
	g_slist_free_full(cands, (GDestroyNotify)nice_candidate_free);

	/* run both until both are done (10 s wall at most) */
	deadline = now_us() + 10000000;
	while (now_us() < deadline) {
		struct lr_ice_transmit t;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		uint8_t buf[1500];
		enum lr_ice_conn_state s = lr_ice_state(ice);

		if (n.ready && (s == LR_ICE_CONNECTED || s == LR_ICE_COMPLETED))
			break;
		while (lr_ice_poll_transmit(ice, &t)) {
			struct sockaddr_in to = {.sin_family = AF_INET,
						 .sin_port =
							 htons(t.remote.port)};

			memcpy(&to.sin_addr, t.remote.ip, 4);
			sendto(fd, t.buf, t.len, 0, (struct sockaddr *)&to,
			       sizeof(to));
		}
		g_main_context_iteration(ctx, FALSE);
		if (poll(&pfd, 1, 2) == 1) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t r = recvfrom(fd, buf, sizeof(buf), 0,
					     (struct sockaddr *)&from, &fl);

			if (r > 0) {
				struct lr_addr ra = {.family = 4};

				memcpy(ra.ip, &from.sin_addr, 4);
				ra.port = ntohs(from.sin_port);
				lr_ice_handle_packet(ice, now_us(), &local, &ra,
						     buf, (size_t)r);
			}
		}
		lr_ice_handle_timeout(ice, now_us());
	}
	lr_ice_stats(ice, &st);
	ok = n.ready && !n.failed &&
	     lr_ice_selected(ice, &sl_local, &sl_remote) &&
	     !memcmp(&sl_local, &local, sizeof(local)) && st.checks_recv > 0 &&
	     st.responses_recv > 0 && st.responses_sent > 0 &&
	     st.auth_failures == 0;
	if (ok &&
	    nice_agent_get_selected_pair(n.agent, n.stream, 1, &nl, &nr)) {
		struct lr_addr nra = from_nice(&nr->addr),
			       nla = from_nice(&nl->addr);

		ok = !memcmp(&nra, &local, sizeof(local)) &&
		     !memcmp(&nla, &sl_remote, sizeof(sl_remote));
	} else {
		ok = 0;
	}
	printf("%s: linerate %s, libnice %s: state %d, nice ready %d, "
	       "checks sent %llu recv %llu, responses recv %llu sent %llu, "
	       "auth failures %llu\n",
	       ok ? "PASS" : "FAIL", we_control ? "controlling" : "controlled",
	       we_control ? "controlled" : "controlling", lr_ice_state(ice),
	       n.ready, (unsigned long long)st.checks_sent,
	       (unsigned long long)st.checks_recv,
	       (unsigned long long)st.responses_recv,
	       (unsigned long long)st.responses_sent,
	       (unsigned long long)st.auth_failures);
	lr_ice_free(ice);
	g_object_unref(n.agent);
	close(fd);
	return ok;
}

int main(void)
{
	int passed = 0, failed = 0;

	for (int we_control = 1; we_control >= 0; we_control--) {
		if (run_case(we_control))
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
