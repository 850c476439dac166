/*
 * dpdk with two workers on one port of two queues (a ring-driver port
 * whose rx queues the test feeds one by one, as a NIC's RSS would). A
 * peer's flow belongs to one worker, by the function the socket
 * backends' BPF computes: ((last 32 address bits) XOR port) mod 2,
 * written out again here. Frames the test puts on the other worker's
 * queue must reach the owner (counted rx_handoff), so that its replay
 * window sees every packet; the answer to one worker's ARP or ND
 * request, which may arrive on the other's queue, serves both; and the
 * neighbour table's lock-free reads never see a torn entry while
 * another thread writes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dpdk_peers.h"
#include "linerate/lr_rtp.h"
/* white box: the neighbour table */
#include "../../dataplane/backend/dpdk_internal.h"

#define NQ 2

static struct lr_wire wire;

/* The worker a peer's flow is on (lr_dp.h, cfg.workers). */
static unsigned owner(const struct wpeer *p)
{
	const uint8_t *w = p->family == 6 ? p->ip + 12 : p->ip;
	uint32_t v = (uint32_t)w[0] << 24 | (uint32_t)w[1] << 16 |
		     (uint32_t)w[2] << 8 | w[3];

	return (v ^ p->port) % NQ;
}

/* p's port moved until its flow is on worker w. */
static void put_on(struct wpeer *p, unsigned w)
{
	while (owner(p) != w)
		p->port++;
}

static void send_on(struct wpeer *p, unsigned q, const uint8_t *b, size_t len)
{
	struct lr_addr to = dp_local(p->family == 6);
	struct rte_mbuf *m = lr_wire_udp(W, &p->mac, p->family, p->ip, p->port,
					 to.ip, to.port, b, len, 1);

	CU_ASSERT_FATAL(m != NULL);
	lr_wire_send_queue(W, q, &m, 1);
}

/* p says who it is (gratuitous ARP or an unsolicited NA) on queue q. */
static void announce_on(struct wpeer *p, unsigned q)
{
	struct rte_mbuf *m = p->family == 6
				     ? lr_wire_na(W, &p->mac, p->ip)
				     : lr_wire_arp(W, &p->mac, p->ip, 1, p->ip);

	CU_ASSERT_FATAL(m != NULL);
	lr_wire_send_queue(W, q, &m, 1);
}

static struct lr_dp *dp_workers_trusting(unsigned n, int trusting, int *err)
{
	struct lr_addr l[2];
	struct lr_dp_config c = dp_config(l);
	struct lr_dp *dp = NULL;

	c.workers = n;
	c.dpdk_learn_unsolicited = trusting;
	*err = lr_dp_new(&c, &dp);
	return dp;
}

static struct lr_dp *dp_workers(unsigned n, int *err)
{
	return dp_workers_trusting(n, 0, err);
}

/* Four publishers, two on each worker, each routed to a subscriber of
 * its own; every publisher's packets alternate between the two queues,
 * so half arrive at the wrong worker. The subscribers' flows are two on
 * each worker too. Trusting (dpdk_learn_unsolicited), they announce
 * themselves on queue 1 only, and are never asked for. Else (the
 * default) each is asked for by the worker of its publisher's flow when
 * the first packet (sent on that worker's queue, and held) goes to it,
 * and answers on queue 0: worker 0 takes the answers to worker 1's
 * requests as its own. */
static void flows_on_their_workers(int v6, int trusting)
{
	struct wpeer *pub[4], *sub[4];
	struct lr_dp_route r[4];
	struct lr_dp_stats st, ws[NQ];
	struct lr_dp_session_stats ss;
	int err;
	struct lr_dp *dp = dp_workers_trusting(NQ, trusting, &err);

	CU_ASSERT_EQUAL_FATAL(err, 0);
	arp_requests_seen = 0;
	for (unsigned i = 0; i < 4; i++) {
		pub[i] = wpeer_new(v6, LR_SRTP_AEAD_AES_128_GCM, 0);
		sub[i] = wpeer_new(v6, LR_SRTP_AES128_CM_SHA1_80, 0);
		put_on(pub[i], i % NQ);
		if (trusting)
			announce_on(sub[i], 1);
		r[i] = (struct lr_dp_route){.to = 100 + i,
					    .out_ssrc = 0x50 + i,
					    .pt_from = -1,
					    .pt_to = -1};
	}
	settle(20); /* worker 1 learns the subscribers' MACs (trusting) */
	for (unsigned i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(install(dp, 100 + i, sub[i], NULL, 0), 0);
		CU_ASSERT_EQUAL(install(dp, 1 + i, pub[i], &r[i], 1), 0);
	}
	for (unsigned i = 0; i < 4; i++) { /* each on its own worker */
		uint8_t b[256];
		int len = make_rtp(pub[i], 0, b);

		send_on(pub[i], i % NQ, b, (size_t)len);
		CU_ASSERT_EQUAL(wait_for(sub[i], 1), 1);
	}
	for (uint32_t k = 1; k <= 100; k++)
		for (unsigned i = 0; i < 4; i++) {
			uint8_t b[256];
			int len = make_rtp(pub[i], k, b);

			send_on(pub[i], k % NQ, b, (size_t)len);
		}
	for (unsigned i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(wait_for(sub[i], 101), 101);
		CU_ASSERT_EQUAL(check_got(sub[i], 0x50 + i), 101);
		CU_ASSERT_EQUAL(sub[i]->asked, !trusting);
		CU_ASSERT_EQUAL(lr_dp_session_stats(dp, 1 + i, &ss), 0);
		CU_ASSERT_EQUAL(ss.rx_packets, 101);
		CU_ASSERT_EQUAL(ss.drops[LR_DROP_REPLAY], 0);
	}
	if (!v6)
		CU_ASSERT_EQUAL(arp_requests_seen, trusting ? 0 : 4);
	lr_dp_stats(dp, &st);
	CU_ASSERT_EQUAL(st.forwarded, 404);
	CU_ASSERT_EQUAL(st.rx_handoff, 200); /* one in two */
	CU_ASSERT_EQUAL(st.drops[LR_DROP_TX_FAILED], 0);
	CU_ASSERT_EQUAL(st.drops[LR_DROP_NO_BUFFER], 0);
	for (unsigned w = 0; w < NQ; w++) {
		CU_ASSERT_EQUAL(lr_dp_worker_stats(dp, w, &ws[w]), 0);
		/* the owner forwards its two publishers' packets, and passes
		 * on the other two's half that came to its queue */
		CU_ASSERT_EQUAL(ws[w].forwarded, 202);
		CU_ASSERT_EQUAL(ws[w].rx_handoff, 100);
	}
	/* the publishers learnt by their flows' workers from their
	 * authentic packets; the subscribers from their answers, by worker
	 * 0 (queue 0) though worker 1 asked for two, or trusting from
	 * their announcements, by worker 1 (queue 1) */
	CU_ASSERT_EQUAL(ws[0].neigh_solicits, trusting ? 0 : 2);
	CU_ASSERT_EQUAL(ws[1].neigh_solicits, trusting ? 0 : 2);
	CU_ASSERT_EQUAL(ws[0].neigh_learnt, trusting ? 2 : 6);
	CU_ASSERT_EQUAL(ws[1].neigh_learnt, trusting ? 6 : 2);
	CU_ASSERT_EQUAL(lr_dp_worker_stats(dp, NQ, &ws[0]), -ENOENT);
	wpeers_free();
	lr_dp_free(dp);
}

static void test_flows_on_their_workers(void)
{
	flows_on_their_workers(0, 0);
	flows_on_their_workers(1, 0);
	flows_on_their_workers(0, 1);
	flows_on_their_workers(1, 1);
}

/* One worker's replay window sees all of a flow: a packet replayed on
 * the other worker's queue, or after the control plane injected it, is
 * a replay. */
static void test_replay_on_other_queue(void)
{
	struct wpeer *pub = wpeer_new(0, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct wpeer *sub = wpeer_new(0, LR_SRTP_AEAD_AES_128_GCM, 0);
	struct lr_dp_route r = {
		.to = 2, .out_ssrc = 0x77, .pt_from = -1, .pt_to = -1};
	struct lr_dp_session_stats ss;
	struct lr_addr me = dp_local(0), from = {.family = 4};
	uint8_t a[256], b[256];
	int err, la, lb;
	struct lr_dp *dp = dp_workers(NQ, &err);
	unsigned w;

	CU_ASSERT_EQUAL_FATAL(err, 0);
	put_on(pub, 1);
	w = owner(pub);
	reach(dp, sub);
	CU_ASSERT_EQUAL(install(dp, 2, sub, NULL, 0), 0);
	CU_ASSERT_EQUAL(install(dp, 1, pub, &r, 1), 0);
	la = make_rtp(pub, 0, a);
	lb = make_rtp(pub, 1, b);
	send_on(pub, w, a, (size_t)la);
	CU_ASSERT_EQUAL(wait_for(sub, 1), 1);
	send_on(pub, 1 - w, a, (size_t)la); /* the other queue: a replay */
	send_on(pub, w, a, (size_t)la);	    /* its own: a replay */
	from.port = pub->port;
	memcpy(from.ip, pub->ip, 4);
	CU_ASSERT_EQUAL(lr_dp_inject(dp, &me, &from, b, (size_t)lb), 0);
	CU_ASSERT_EQUAL(wait_for(sub, 2), 2);
	send_on(pub, 1 - w, b, (size_t)lb); /* injected, then on the wire */
	settle(50);
	CU_ASSERT_EQUAL(sub->ngot, 2);
	CU_ASSERT_EQUAL(check_got(sub, 0x77), 2);
	CU_ASSERT_EQUAL(lr_dp_session_stats(dp, 1, &ss), 0);
	CU_ASSERT_EQUAL(ss.rx_packets, 2);
	CU_ASSERT_EQUAL(ss.drops[LR_DROP_REPLAY], 3);
	wpeers_free();
	lr_dp_free(dp);
}

/* More workers than the port has queues: refused, and the port is
 * still usable by a data plane that fits. */
static void test_too_few_queues(void)
{
	int err;
	struct lr_dp *dp = dp_workers(NQ + 1, &err);

	CU_ASSERT_EQUAL(err, -EINVAL);
	CU_ASSERT_PTR_NULL(dp);
	dp = dp_workers(NQ, &err);
	CU_ASSERT_EQUAL(err, 0);
	lr_dp_free(dp);
}

/* The table's readers take no lock. One thread rewrites an entry's MAC
 * back and forth between two that differ in every byte while this one
 * looks it up: every answer is one of the two, whole, and the entry is
 * never missing (without the sequence check, reads on another CPU see
 * hundreds of torn or missing entries in 2 M). */
struct writer {
	struct dpdk_neigh *t;
	uint8_t ip[4];
	atomic_int stop;
	atomic_uint rounds;
};

static const struct rte_ether_addr mac_a = {{0x02, 0x11, 0x22, 0x33, 0x44,
					     0x55}},
				   mac_b = {{0x06, 0xee, 0xdd, 0xcc, 0xbb,
					     0xaa}};

/* This thread on CPU cpu (of the ones there are), so that the reader
 * and the writer run at the same time. */
static void pin(unsigned cpu)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % (unsigned)(n > 0 ? n : 1), &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *writer_run(void *arg)
{
	struct writer *w = arg;

	pin(1);

	while (!atomic_load(&w->stop)) {
		unsigned k =
			atomic_load_explicit(&w->rounds, memory_order_relaxed);

		lr__neigh_learn(w->t, 4, w->ip, k & 1 ? &mac_b : &mac_a, 0);
		atomic_store_explicit(&w->rounds, k + 1, memory_order_relaxed);
	}
	return NULL;
}

static void test_neigh_concurrent(void)
{
	struct dpdk_neigh t;
	struct writer w = {.t = &t};
	struct lr_addr a = {.family = 4, .ip = {10, 0, 0, 1}};
	struct rte_ether_addr mac;
	pthread_t th;
	cpu_set_t saved;
	unsigned found = 0, torn = 0, looked = 0;
	uint64_t gen0;

	CU_ASSERT_EQUAL_FATAL(lr__neigh_init(&t, 1024), 0);
	lr__neigh_learn(&t, 4, a.ip, &mac_a, 0);
	memcpy(w.ip, a.ip, 4);
	gen0 = lr__neigh_gen(&t);
	CU_ASSERT_EQUAL_FATAL(
		pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved),
		0);
	pin(0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, writer_run, &w), 0);
	/* 2 M lookups, and on until the writer has had its turns (on a
	 * loaded machine it may start late) */
	for (; looked < 2000000 || atomic_load(&w.rounds) < 100000; looked++) {
		if (!lr__neigh_lookup(&t, &a, &mac))
			continue;
		found++;
		torn += !rte_is_same_ether_addr(&mac, &mac_a) &&
			!rte_is_same_ether_addr(&mac, &mac_b);
	}
	atomic_store(&w.stop, 1);
	pthread_join(th, NULL);
	pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	CU_ASSERT_EQUAL(found, looked); /* never missing while rewritten */
	CU_ASSERT_EQUAL(torn, 0);
	CU_ASSERT(atomic_load(&w.rounds) >= 100000);
	/* each change of MAC moved the generation */
	CU_ASSERT_EQUAL(lr__neigh_gen(&t), gen0 + atomic_load(&w.rounds) - 1);
	lr__neigh_fini(&t);
}

static int setup(void)
{
	return dpdk_suite_setup(&wire, "lrw", NQ);
}

static void test_eal(void)
{
	dpdk_need_eal();
	CU_ASSERT_EQUAL(W->nq, NQ);
}

void lr_test_register(void)
{
	CU_pSuite s =
		CU_add_suite("dp-dpdk-workers", setup, dpdk_suite_teardown);

	LR_ADD_TEST(s, test_eal);
	LR_ADD_TEST(s, test_too_few_queues);
	LR_ADD_TEST(s, test_flows_on_their_workers);
	LR_ADD_TEST(s, test_replay_on_other_queue);
	LR_ADD_TEST(s, test_neigh_concurrent);
}
