/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The dpdk backend on ordinary NICs through DPDK's net_af_xdp (issue 14,
 * item 8): the port's mbuf pools, and a virtual device made at open and
 * removed at close (cfg.dpdk_vdev).
 *
 * net_af_xdp's zero-copy mode registers a pool as the AF_XDP UMEM: the
 * span from the page of the pool's first memory chunk, populated_size
 * objects of the pool's object size long. Every mbuf must lie inside it.
 * A pool made for DMA keeps each object inside one page when the pages
 * are not IOVA-contiguous: with 4 KiB pages (--no-huge) that is one
 * 2.3 KiB mbuf per page, the pool spans about 1.7 times the UMEM, and
 * the mbufs past its end are never filled by the kernel (the port goes
 * quiet after some 4,700 frames, imissed climbing). Pools for af_xdp
 * ports are therefore made packed (RTE_MEMPOOL_F_NO_IOVA_CONTIG: the
 * kernel copies into them, no device DMAs to their IOVAs), and every
 * object is checked to lie inside the UMEM's span before the port
 * starts (lr__dpdk_umem_check).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_mbuf_pool_ops.h>

#include "dpdk_internal.h"

int lr__dpdk_is_af_xdp(uint16_t port)
{
	struct rte_eth_dev_info info;

	return !rte_eth_dev_info_get(port, &info) && info.driver_name &&
	       !strcmp(info.driver_name, "net_af_xdp");
}

struct rte_mempool *lr__dpdk_pool(const char *name, unsigned n, int packed,
				  int sock)
{
	struct rte_pktmbuf_pool_private priv = {
		.mbuf_data_room_size = RTE_MBUF_DEFAULT_BUF_SIZE,
		.mbuf_priv_size = 0};
	struct rte_mempool *mp;

	if (!packed)
		return rte_pktmbuf_pool_create(name, n, 256, 0,
					       RTE_MBUF_DEFAULT_BUF_SIZE, sock);
	mp = rte_mempool_create_empty(
		name, n, sizeof(struct rte_mbuf) + RTE_MBUF_DEFAULT_BUF_SIZE,
		256, sizeof(priv), sock, RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (!mp)
		return NULL;
	if (rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(), NULL)) {
		rte_mempool_free(mp);
		return NULL;
	}
	rte_pktmbuf_pool_init(mp, &priv);
	if (rte_mempool_populate_default(mp) != (int)n) {
		rte_mempool_free(mp);
		return NULL;
	}
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
}

struct umem_span {
	uintptr_t lo, hi;
	size_t hdr, elt;
	unsigned outside;
};

static void in_span(struct rte_mempool *mp, void *arg, void *obj, unsigned i)
{
	struct umem_span *s = arg;
	uintptr_t start = (uintptr_t)obj - s->hdr;

	(void)mp;
	(void)i;
	if (start < s->lo || (uintptr_t)obj + s->elt > s->hi)
		s->outside++;
}

int lr__dpdk_umem_check(struct rte_mempool *mp)
{
	const struct rte_mempool_memhdr *h = STAILQ_FIRST(&mp->mem_list);
	uintptr_t page = (uintptr_t)getpagesize(), first;
	struct umem_span s;

	if (!h)
		return -EINVAL;
	first = (uintptr_t)h->addr;
	s.lo = first & ~(page - 1);
	s.hdr = mp->header_size;
	s.elt = mp->elt_size;
	s.hi = s.lo + (first - s.lo) +
	       (uintptr_t)mp->populated_size *
		       (mp->header_size + mp->elt_size + mp->trailer_size);
	s.outside = 0;
	rte_mempool_obj_iter(mp, in_span, &s);
	if (!s.outside)
		return 0;
	fprintf(stderr,
		"linerate: dpdk: %u of pool %s's %u mbufs lie outside the "
		"AF_XDP UMEM it would register (%u memory chunks): the port "
		"would stop receiving once it reached them\n",
		s.outside, mp->name, mp->populated_size, mp->nb_mem_chunks);
	return -ERANGE;
}

/* The device's name: devargs up to the first ','. */
static int vdev_name(const char *devargs, char *name, size_t len)
{
	size_t n = strcspn(devargs, ",");

	if (!n || n >= len)
		return -EINVAL;
	memcpy(name, devargs, n);
	name[n] = 0;
	return 0;
}

int lr__dpdk_vdev_up(const char *devargs, char *name, size_t len,
		     uint16_t *port)
{
	int r = vdev_name(devargs, name, len);

	if (r) {
		fprintf(stderr,
			"linerate: dpdk: dpdk_vdev \"%s\" has no "
			"device name\n",
			devargs);
		return r;
	}
	r = rte_dev_probe(devargs);
	if (r) {
		fprintf(stderr, "linerate: dpdk: cannot make %s: %s\n", name,
			strerror(-r));
		name[0] = 0;
		return r;
	}
	if (rte_eth_dev_get_port_by_name(name, port)) {
		fprintf(stderr, "linerate: dpdk: %s made no ethdev port\n",
			name);
		lr__dpdk_vdev_down(name);
		name[0] = 0;
		return -ENODEV;
	}
	return 0;
}

void lr__dpdk_vdev_down(const char *name)
{
	int r = rte_eal_hotplug_remove("vdev", name);

	if (r)
		fprintf(stderr, "linerate: dpdk: cannot remove %s: %s\n", name,
			strerror(-r));
}
