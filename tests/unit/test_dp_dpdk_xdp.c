/*
 * The dpdk backend on an ordinary NIC through DPDK's net_af_xdp (issue 14,
 * item 8). The program moves into a network namespace of its own and
 * makes a veth pair there: the data plane takes lrx0 through AF_XDP
 * (cfg.dpdk_vdev, the backend's default EAL arguments: no hugepages),
 * the kernel has lrx1 at 10.77.0.2/24 with two UDP sockets for peers,
 * whose SRTP libsrtp2 protects and checks. The kernel asks for the data
 * plane's address (ARP), checks every IPv4 and UDP checksum, and the
 * data plane asks for the subscriber's. The namespace (and the veth
 * pair) go when the program exits; nothing outside it is touched.
 *
 * Proves: SRTP forwarded through net_af_xdp well past the pool's size
 * (mbufs recycled over the whole pool, which the UMEM must cover: the
 * --no-huge stall after ~4,700 frames), every packet decrypted; the
 * XDP program attached while the data plane runs and gone after
 * lr_dp_free; a pool laid out for DMA on 4 KiB pages is found outside
 * its UMEM. (A second net_af_xdp device on the same interface in the
 * same process is not tested: with DPDK 22.11 and libxdp 1.3 its rx
 * queue setup fails, "Failed to create xsk socket", after the first
 * was removed.)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend/dpdk_internal.h"
#include "linerate/lr_dp.h"
#include "linerate/lr_rtp.h"
#include "lr_test.h"
#include "lr_test_libsrtp.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif

#define DP_IF	"lrx0"
#define PEER_IF "lrx1"
#define WINDOW	32 /* packets in flight at most */

static const uint8_t dp_ip[4] = {10, 77, 0, 1}, peer_ip[4] = {10, 77, 0, 2};

/* 1 if ifname has an XDP program attached (ip link says "prog/xdp"). */
static int xdp_attached(const char *ifname)
{
	char cmd[64], line[512];
	int found = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip link show dev %s", ifname);
	f = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, "prog/xdp") != NULL;
	CU_ASSERT_EQUAL(pclose(f), 0);
	return found;
}

struct kpeer {
	int fd;
	uint16_t port;
	srtp_t tx, rx;
	uint8_t txkey[46], rxkey[46];
	struct lr_srtp_policy to_dp, from_dp;
};

static void kpeer_open(struct kpeer *p, uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	int rcv = 1 << 20;

	memcpy(&a.sin_addr, peer_ip, 4);
	p->port = port;
	p->fd = socket(AF_INET, SOCK_DGRAM, 0);
	CU_ASSERT_FATAL(p->fd >= 0);
	setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	CU_ASSERT_EQUAL_FATAL(bind(p->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	CU_ASSERT_EQUAL_FATAL(lr_test_ls_peer(LR_SRTP_AES128_CM_SHA1_80,
					      &p->to_dp, &p->from_dp, &p->tx,
					      &p->rx, p->txkey, p->rxkey),
			      srtp_err_status_ok);
}

static void kpeer_close(struct kpeer *p)
{
	close(p->fd);
	srtp_dealloc(p->tx);
	srtp_dealloc(p->rx);
}

static int install(struct lr_dp *dp, uint64_t id, const struct kpeer *p,
		   const struct lr_dp_route *r, unsigned nr)
{
	struct lr_dp_session s = {.local = {.family = 4, .port = 5000},
				  .remote = {.family = 4, .port = p->port},
				  .tx = p->from_dp,
				  .rx = p->to_dp,
				  .routes = r,
				  .nroutes = nr};

	memcpy(s.local.ip, dp_ip, 4);
	memcpy(s.remote.ip, peer_ip, 4);
	return lr_dp_session_install(dp, id, &s);
}

/* RTP tagged k from p, protected, to the data plane. */
static void send_rtp(struct kpeer *p, uint32_t k)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(5000)};
	uint8_t b[256] = {0x80, 111};
	int len = 12 + 100;

	memcpy(&to.sin_addr, dp_ip, 4);
	lr_wr16(b + 2, (uint16_t)k);
	lr_wr32(b + 4, k * 960);
	lr_wr32(b + 8, 0x1234);
	lr_wr32(b + 12, k);
	CU_ASSERT_FATAL(srtp_protect(p->tx, b, &len) == srtp_err_status_ok);
	CU_ASSERT_EQUAL_FATAL(sendto(p->fd, b, (size_t)len, 0,
				     (struct sockaddr *)&to, sizeof(to)),
			      len);
}

/* One datagram for p within 2 s (a safety net): 1 if it decrypts to
 * 100-byte RTP from out_ssrc tagged k, 0 if not, -1 if none came. */
static int recv_rtp(struct kpeer *p, uint32_t out_ssrc, uint32_t k)
{
	struct pollfd pf = {.fd = p->fd, .events = POLLIN};
	uint8_t b[2048];
	ssize_t n;
	int len;

	if (poll(&pf, 1, 2000) != 1)
		return -1;
	n = recv(p->fd, b, sizeof(b), 0);
	if (n < 12)
		return 0;
	len = (int)n;
	if (srtp_unprotect(p->rx, b, &len) != srtp_err_status_ok)
		return 0;
	return len == 112 && lr_rtp_ssrc(b) == out_ssrc && lr_rd32(b + 12) == k;
}

/* A data plane on DP_IF through net_af_xdp with the backend's defaults;
 * n packets forwarded from one kernel peer to another, each waited for
 * (WINDOW in flight at most). How many arrived decrypted and in order. */
static unsigned forward(unsigned n)
{
	struct lr_addr l = {.family = 4, .port = 5000};
	struct lr_dp_config c = {.backend = LR_DP_DPDK,
				 .local = &l,
				 .nlocal = 1,
				 .dpdk_vdev = "net_af_xdp0,iface=" DP_IF};
	struct lr_dp_route r = {
		.to = 2, .out_ssrc = 0x77, .pt_from = -1, .pt_to = -1};
	struct kpeer pub, sub;
	struct lr_dp_stats st;
	unsigned sent = 0, got = 0, ok = 0;
	struct lr_dp *dp;

	memcpy(l.ip, dp_ip, 4);
	CU_ASSERT_EQUAL(xdp_attached(DP_IF), 0);
	CU_ASSERT_EQUAL_FATAL(lr_dp_new(&c, &dp), 0);
	CU_ASSERT_EQUAL(xdp_attached(DP_IF), 1);
	kpeer_open(&pub, 6000);
	kpeer_open(&sub, 6001);
	CU_ASSERT_EQUAL(install(dp, 2, &sub, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(dp, 1, &pub, &r, 1), 0);
	/* the first alone: the kernel and the data plane ask for each
	 * other's MAC (ARP), and what waits for an answer is bounded */
	send_rtp(&pub, sent++);
	while (got < n) {
		int k;

		while (sent < n && sent - got < WINDOW && got > 0)
			send_rtp(&pub, sent++);
		k = recv_rtp(&sub, 0x77, got);
		if (k < 0)
			break; /* nothing for 2 s: the port went quiet */
		ok += (unsigned)k;
		got++;
	}
	lr_dp_stats(dp, &st);
	if (ok != n)
		fprintf(stderr,
			"forwarded %u of %u (%u arrived): rx %llu tx %llu\n",
			ok, n, got, (unsigned long long)st.rx_packets,
			(unsigned long long)st.tx_packets);
	kpeer_close(&pub);
	kpeer_close(&sub);
	lr_dp_free(dp);
	/* the interface as it was found */
	CU_ASSERT_EQUAL(xdp_attached(DP_IF), 0);
	return ok;
}

static void test_forward_30000(void)
{
	CU_ASSERT_EQUAL(forward(30000), 30000);
}

/* On 4 KiB pages a pool made for DMA (one mbuf per page) lies mostly
 * outside the UMEM net_af_xdp would register for it; the packed pool
 * the backend makes for af_xdp ports lies inside. The EAL is the one
 * the data planes above started (no hugepages). */
static void test_umem_check(void)
{
	struct rte_mempool *dma, *packed;

	if (rte_lcore_count() == 0)
		return; /* the EAL did not start: the tests above failed */
	dma = rte_pktmbuf_pool_create("xdpdma", NB_MBUF, 256, 0,
				      RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	packed = lr__dpdk_pool("xdppacked", NB_MBUF, 1, SOCKET_ID_ANY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dma);
	CU_ASSERT_PTR_NOT_NULL_FATAL(packed);
	CU_ASSERT_EQUAL(packed->populated_size, NB_MBUF);
	CU_ASSERT_EQUAL(lr__dpdk_umem_check(packed), 0);
	if (getpagesize() == 4096 && !rte_eal_has_hugepages())
		CU_ASSERT_EQUAL(lr__dpdk_umem_check(dma), -ERANGE);
	rte_mempool_free(dma);
	rte_mempool_free(packed);
}

static int sh(const char *cmd)
{
	int r = system(cmd);

	return r == -1 || !WIFEXITED(r) ? -1 : WEXITSTATUS(r);
}

/* A network namespace of our own with the veth pair, one queue each
 * way (a queue the port does not poll would pass flows to the kernel). */
static void make_link(void)
{
	static char why[160];
	int fd;

	if (geteuid())
		lr_test_skip("needs root: a network namespace and a veth pair");
	if (unshare(CLONE_NEWNET)) {
		snprintf(why, sizeof(why), "unshare(CLONE_NEWNET): %s",
			 strerror(errno));
		lr_test_skip(why);
	}
	fd = socket(AF_XDP, SOCK_RAW, 0);
	if (fd < 0) {
		snprintf(why, sizeof(why),
			 "this kernel has no AF_XDP sockets: "
			 "socket(AF_XDP): %s",
			 strerror(errno));
		lr_test_skip(why);
	}
	close(fd);
	if (sh("ip link set lo up && ip link add " DP_IF
	       " numtxqueues 1 numrxqueues 1 type veth peer name " PEER_IF
	       " numtxqueues 1 numrxqueues 1 && ip link set " DP_IF
	       " up && ip link set " PEER_IF " up && ip addr add 10.77.0.2/24 "
	       "dev " PEER_IF))
		lr_test_skip("cannot make a veth pair (ip link add ... type "
			     "veth) in a new network namespace");
}

static int setup(void)
{
	return srtp_init() == srtp_err_status_ok ? 0 : -1;
}

static int teardown(void)
{
	srtp_shutdown();
	return 0;
}

void lr_test_register(void)
{
	CU_pSuite s;

	make_link();
	s = CU_add_suite("dp-dpdk-xdp", setup, teardown);
	LR_ADD_TEST(s, test_forward_30000);
	LR_ADD_TEST(s, test_umem_check);
}
