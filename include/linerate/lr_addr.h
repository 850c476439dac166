/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * One transport address for the whole tree: ICE candidates and STUN
 * attributes, the data plane's 5-tuples, the test network simulator.
 * Freestanding (the kernel module's forwarding core uses it too).
 */
#ifndef LINERATE_LR_ADDR_H
#define LINERATE_LR_ADDR_H

#include "lr_types.h"

struct lr_addr {
	uint8_t family; /* 4 or 6 */
	uint16_t port;	/* host order */
	uint8_t ip[16]; /* network order; 4 bytes used for IPv4 */
};

/* Same family, port and the family's address bytes. */
static inline bool lr_addr_eq(const struct lr_addr *a, const struct lr_addr *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->ip, b->ip, a->family == 6 ? 16 : 4);
}

#endif
