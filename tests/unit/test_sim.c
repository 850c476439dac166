/*
 * The network simulator (tests/sim) that protocol tests build on: timing,
 * loss, duplication, reordering, jitter, silence, NAT mapping and
 * filtering, and repeatability from the seed. Addresses are virtual
 * (documentation ranges); nothing leaves the process.
 */
#include <errno.h>
#include <string.h>

#include "lr_sim.h"
#include "lr_test.h"

static struct lr_addr A, B, C, PUB;

static void addrs(void)
{
	A = lr_sim_v4(192, 0, 2, 10, 5000);
	B = lr_sim_v4(198, 51, 100, 2, 6000);
	C = lr_sim_v4(198, 51, 100, 3, 7000);
	PUB = lr_sim_v4(203, 0, 113, 1, 0);
}

static struct lr_sim *two_hosts(uint64_t seed, int *a, int *b)
{
	struct lr_sim *s = lr_sim_new(seed);

	addrs();
	*a = lr_sim_add_host(s, -1);
	*b = lr_sim_add_host(s, -1);
	lr_sim_host_addr(s, *a, &A);
	lr_sim_host_addr(s, *b, &B);
	return s;
}

static void test_delivery_time(void)
{
	int a, b;
	struct lr_sim *s = two_hosts(1, &a, &b);
	struct lr_addr src, dst;
	char buf[16];

	CU_ASSERT_EQUAL(lr_sim_send(s, &A, &B, "hello", 5), 0);
	CU_ASSERT_EQUAL(lr_sim_next(s), 10000);
	lr_sim_advance(s, 9999);
	CU_ASSERT_EQUAL(lr_sim_recv(s, b, &src, &dst, buf, sizeof(buf)),
			-EAGAIN);
	lr_sim_advance(s, lr_sim_next(s));
	CU_ASSERT_EQUAL(lr_sim_recv(s, b, &src, &dst, buf, sizeof(buf)), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "hello", 5), 0);
	CU_ASSERT(lr_addr_eq(&src, &A));
	CU_ASSERT(lr_addr_eq(&dst, &B));
	CU_ASSERT_EQUAL(lr_sim_next(s), UINT64_MAX);
	/* an address nobody owns */
	CU_ASSERT_EQUAL(lr_sim_send(s, &C, &B, "x", 1), -EADDRNOTAVAIL);
	lr_sim_free(s);
}

static void test_loss_dup_reorder_jitter(void)
{
	int a, b, n = 0, out_of_order = 0, prev = -1;
	struct lr_sim *s = two_hosts(42, &a, &b);
	struct lr_sim_link l = {.delay_us = 20000,
				.jitter_us = 5000,
				.loss = 0.2,
				.dup = 0.1,
				.reorder = 0.1};
	struct lr_sim_stats st;
	uint32_t v;

	lr_sim_set_link(s, &l);
	for (uint32_t i = 0; i < 10000; i++) {
		CU_ASSERT_EQUAL(lr_sim_send(s, &A, &B, &i, sizeof(i)), 0);
		lr_sim_advance(s, lr_sim_now(s) + 1000);
		while (lr_sim_recv(s, b, NULL, NULL, &v, sizeof(v)) == 4) {
			n++;
			out_of_order += (int)v < prev;
			prev = (int)v;
		}
	}
	lr_sim_advance(s, lr_sim_now(s) + 1000000);
	while (lr_sim_recv(s, b, NULL, NULL, &v, sizeof(v)) == 4)
		n++;
	lr_sim_stats(s, &st);
	CU_ASSERT_EQUAL(st.sent, 10000);
	CU_ASSERT_EQUAL(st.delivered, (uint64_t)n);
	CU_ASSERT_EQUAL(st.sent - st.lost + st.duplicated, st.delivered);
	CU_ASSERT(st.lost > 1800 && st.lost < 2200);
	CU_ASSERT(st.duplicated > 600 && st.duplicated < 1000);
	CU_ASSERT(st.reordered > 600 && st.reordered < 1000);
	CU_ASSERT(out_of_order > 100);
	lr_sim_free(s);
}

static void test_repeatable(void)
{
	uint64_t trace[2][64];

	for (int run = 0; run < 2; run++) {
		int a, b, k = 0;
		struct lr_sim *s = two_hosts(7, &a, &b);
		struct lr_sim_link l = {.delay_us = 1000,
					.jitter_us = 900,
					.loss = 0.3,
					.reorder = 0.2};
		uint8_t v;

		lr_sim_set_link(s, &l);
		for (uint8_t i = 0; i < 64; i++)
			lr_sim_send(s, &A, &B, &i, 1);
		memset(trace[run], 0xff, sizeof(trace[run]));
		while (lr_sim_next(s) != UINT64_MAX) {
			lr_sim_advance(s, lr_sim_next(s));
			while (lr_sim_recv(s, b, NULL, NULL, &v, 1) == 1)
				trace[run][k++] = lr_sim_now(s) << 8 | v;
		}
		lr_sim_free(s);
	}
	CU_ASSERT_EQUAL(memcmp(trace[0], trace[1], sizeof(trace[0])), 0);
}

static void test_nat(void)
{
	struct lr_sim *s = lr_sim_new(3);
	struct lr_addr src, dst, mapped;
	struct lr_sim_stats st;
	int nat, a, b, c;
	char buf[8];

	addrs();
	nat = lr_sim_add_nat(s, &PUB);
	a = lr_sim_add_host(s, nat);
	b = lr_sim_add_host(s, -1);
	c = lr_sim_add_host(s, -1);
	lr_sim_host_addr(s, a, &A);
	lr_sim_host_addr(s, b, &B);
	lr_sim_host_addr(s, c, &C);
	/* out through the NAT: B sees the public address */
	lr_sim_send(s, &A, &B, "1", 1);
	lr_sim_advance(s, 20000);
	CU_ASSERT_EQUAL(lr_sim_recv(s, b, &mapped, &dst, buf, sizeof(buf)), 1);
	CU_ASSERT_EQUAL(memcmp(mapped.ip, PUB.ip, 4), 0);
	CU_ASSERT_NOT_EQUAL(mapped.port, A.port);
	/* B answers the mapping: it reaches A's own address */
	lr_sim_send(s, &B, &mapped, "2", 1);
	lr_sim_advance(s, 40000);
	CU_ASSERT_EQUAL(lr_sim_recv(s, a, &src, &dst, buf, sizeof(buf)), 1);
	CU_ASSERT(lr_addr_eq(&src, &B));
	CU_ASSERT(lr_addr_eq(&dst, &A));
	/* C has not been sent to: filtered (address-dependent) */
	lr_sim_send(s, &C, &mapped, "3", 1);
	lr_sim_advance(s, 60000);
	CU_ASSERT_EQUAL(lr_sim_recv(s, a, NULL, NULL, buf, sizeof(buf)),
			-EAGAIN);
	lr_sim_stats(s, &st);
	CU_ASSERT_EQUAL(st.nat_filtered, 1);
	/* A sends to C from the same port: the same mapping (endpoint-
	 * independent), and now C gets through */
	lr_sim_send(s, &A, &C, "4", 1);
	lr_sim_advance(s, 80000);
	CU_ASSERT_EQUAL(lr_sim_recv(s, c, &src, NULL, buf, sizeof(buf)), 1);
	CU_ASSERT(lr_addr_eq(&src, &mapped));
	lr_sim_send(s, &C, &mapped, "5", 1);
	lr_sim_advance(s, 100000);
	CU_ASSERT_EQUAL(lr_sim_recv(s, a, &src, NULL, buf, sizeof(buf)), 1);
	CU_ASSERT(lr_addr_eq(&src, &C));
	lr_sim_free(s);
}

static void test_silence(void)
{
	int a, b;
	struct lr_sim *s = two_hosts(5, &a, &b);
	char buf[4];

	lr_sim_host_silence(s, a, 1);
	lr_sim_send(s, &A, &B, "x", 1);
	lr_sim_send(s, &B, &A, "y", 1);
	lr_sim_advance(s, 100000);
	CU_ASSERT_EQUAL(lr_sim_recv(s, a, NULL, NULL, buf, 4), -EAGAIN);
	CU_ASSERT_EQUAL(lr_sim_recv(s, b, NULL, NULL, buf, 4), -EAGAIN);
	lr_sim_host_silence(s, a, 0);
	lr_sim_send(s, &B, &A, "z", 1);
	lr_sim_advance(s, 200000);
	CU_ASSERT_EQUAL(lr_sim_recv(s, a, NULL, NULL, buf, 4), 1);
	lr_sim_free(s);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("sim", NULL, NULL);

	if (!s)
		return;
	LR_ADD_TEST(s, test_delivery_time);
	LR_ADD_TEST(s, test_loss_dup_reorder_jitter);
	LR_ADD_TEST(s, test_repeatable);
	LR_ADD_TEST(s, test_nat);
	LR_ADD_TEST(s, test_silence);
}
