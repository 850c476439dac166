/*
 * The peers' side of the sock and uring data-plane tests (dp_peers.h):
 * UDP sockets on loopback sending SRTP protected by libsrtp2 and
 * checking what the data plane forwards to them, and the data plane's
 * config and sessions.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "linerate/lr_rtp.h"
#include "dp_peers.h"

enum lr_dp_backend dp_backend = LR_DP_SOCK;

struct lr_addr loop_addr(int v6)
{
	struct lr_addr a = {.family = v6 ? 6 : 4};

	if (v6)
		a.ip[15] = 1;
	else
		a.ip[0] = 127, a.ip[3] = 1;
	return a;
}

socklen_t to_sa(const struct lr_addr *a, struct sockaddr_storage *s)
{
	memset(s, 0, sizeof(*s));
	if (a->family == 6) {
		struct sockaddr_in6 *s6 = (void *)s;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(a->port);
		memcpy(&s6->sin6_addr, a->ip, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (void *)s;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(a->port);
	memcpy(&s4->sin_addr, a->ip, 4);
	return sizeof(*s4);
}

void peer_open(struct peer *p, int v6, unsigned suite)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	memset(p, 0, sizeof(*p));
	p->addr = loop_addr(v6);
	sl = to_sa(&p->addr, &ss);
	p->fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	CU_ASSERT_FATAL(p->fd >= 0);
	{
		/* Room for a whole test's packets before we read them
		 * (FORCE passes rmem_max as root; else the default). */
		int big = 16 << 20;

		if (setsockopt(p->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big,
			       sizeof(big)))
			setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &big,
				   sizeof(big));
	}
	CU_ASSERT_FATAL(!bind(p->fd, (struct sockaddr *)&ss, sl));
	CU_ASSERT_FATAL(!getsockname(p->fd, (struct sockaddr *)&ss, &sl));
	p->addr.port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
				: ((struct sockaddr_in *)&ss)->sin_port);
	CU_ASSERT_FATAL(lr_test_ls_peer(suite, &p->to_dp, &p->from_dp, &p->tx,
					&p->rx, p->txkey,
					p->rxkey) == srtp_err_status_ok);
	p->ssrc = (uint32_t)lr_test_rand() | 1;
	p->seq = (uint16_t)lr_test_rand();
}

void peer_close(struct peer *p)
{
	close(p->fd);
	srtp_dealloc(p->tx);
	srtp_dealloc(p->rx);
}

int make_rtp_len(struct peer *p, uint32_t k, uint8_t *buf, unsigned plen)
{
	int len = 12 + (int)plen;

	memset(buf, 0, (size_t)len + 32);
	buf[0] = 0x80;
	buf[1] = 111;
	lr_wr16(buf + 2, p->seq++);
	lr_wr32(buf + 4, k * 960);
	lr_wr32(buf + 8, p->ssrc);
	lr_wr32(buf + 12, k);
	memset(buf + 16, (int)(k & 0xff), plen - 4);
	CU_ASSERT_FATAL(srtp_protect(p->tx, buf, &len) == srtp_err_status_ok);
	return len;
}

int make_rtp(struct peer *p, uint32_t k, uint8_t *buf)
{
	return make_rtp_len(p, k, buf, 160);
}

void send_to(struct peer *p, const struct lr_addr *to, const uint8_t *buf,
	     size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = to_sa(to, &ss);

	CU_ASSERT(sendto(p->fd, buf, len, 0, (struct sockaddr *)&ss, sl) ==
		  (ssize_t)len);
}

unsigned receive_legs(struct peer *p, unsigned n, const struct expect *e,
		      uint32_t *tags, unsigned *lens)
{
	unsigned got = 0;
	uint8_t buf[2048];

	while (got < n) {
		struct pollfd pf = {.fd = p->fd, .events = POLLIN};
		int len;

		if (poll(&pf, 1, 2000) <= 0)
			break;
		len = (int)recv(p->fd, buf, sizeof(buf), 0);
		if (len <= 0)
			break;
		if (srtp_unprotect(p->rx, buf, &len) != srtp_err_status_ok) {
			CU_FAIL("libsrtp2 could not unprotect a leg");
			continue;
		}
		if (lens)
			lens[got] = (unsigned)len - 12;
		else
			CU_ASSERT_EQUAL(len, 12 + 160);
		if (e) {
			uint32_t k = lr_rd32(buf + 12);

			CU_ASSERT_EQUAL(lr_rtp_ssrc(buf), e->ssrc);
			CU_ASSERT_EQUAL(lr_rtp_pt(buf), e->pt);
			CU_ASSERT_EQUAL(lr_rtp_ts(buf), k * 960 + e->ts_delta);
			CU_ASSERT_EQUAL(buf[20], (uint8_t)(k & 0xff));
		}
		if (tags)
			tags[got] = lr_rd32(buf + 12);
		got++;
	}
	return got;
}

unsigned receive(struct peer *p, unsigned n, const struct expect *e,
		 uint32_t *tags)
{
	return receive_legs(p, n, e, tags, NULL);
}

ssize_t peer_recv(struct peer *p, uint8_t *buf, size_t cap, int timeout_ms)
{
	struct pollfd pf = {.fd = p->fd, .events = POLLIN};

	if (poll(&pf, 1, timeout_ms) <= 0)
		return -1;
	return recv(p->fd, buf, cap, 0);
}

/* ---- the data plane ---- */

struct lr_dp *dp_open(int with_v6)
{
	struct lr_addr local[2] = {loop_addr(0), loop_addr(1)};
	struct lr_dp_config c = {.backend = dp_backend,
				 .local = local,
				 .nlocal = with_v6 ? 2 : 1};
	struct lr_dp *dp;

	CU_ASSERT_EQUAL_FATAL(lr_dp_new(&c, &dp), 0);
	return dp;
}

struct lr_addr dp_local(struct lr_dp *dp, unsigned i)
{
	struct lr_addr a;

	CU_ASSERT_EQUAL_FATAL(lr_dp_local_addr(dp, i, &a), 0);
	return a;
}

int install(struct lr_dp *dp, uint64_t id, struct peer *p, unsigned li,
	    const struct lr_dp_route *routes, unsigned nroutes)
{
	struct lr_dp_session s = {.local = dp_local(dp, li),
				  .remote = p->addr,
				  .tx = p->from_dp,
				  .rx = p->to_dp,
				  .routes = routes,
				  .nroutes = nroutes};

	return lr_dp_session_install(dp, id, &s);
}

int wait_punt(struct lr_dp *dp, struct lr_dp_punt *p)
{
	for (int i = 0; i < 200; i++) {
		struct pollfd pf = {.fd = lr_dp_punt_fd(dp), .events = POLLIN};

		if (lr_dp_poll_punt(dp, p))
			return 1;
		poll(&pf, 1, 10);
	}
	return 0;
}

int dp_setup_sock(void)
{
	dp_backend = LR_DP_SOCK;
	return srtp_init() == srtp_err_status_ok ? 0 : -1;
}

int dp_setup_uring(void)
{
	dp_backend = LR_DP_URING;
	return srtp_init() == srtp_err_status_ok ? 0 : -1;
}

int dp_teardown(void)
{
	srtp_shutdown();
	return 0;
}
