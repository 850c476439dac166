/* SPDX-License-Identifier: BSD-2-Clause */
/* The Internet checksum (RFC 1071) for the backends that build their own
 * IPv4/IPv6/UDP headers (dpdk), fast enough to run over every datagram
 * when the port cannot offload it. */
#ifndef LR_CSUM_H
#define LR_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* The one's-complement sum of len bytes at p (any alignment, any
 * length; an odd last byte is padded with a zero), added to sum and
 * folded to 16 bits, in the byte order of the data: not complemented,
 * so partial sums can be chained by passing one as the next sum. */
uint16_t lr__csum(const void *p, size_t len, uint32_t sum);

#endif
