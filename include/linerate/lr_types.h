/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * Fixed-width types for code shared by userspace and the kernel module.
 * Headers of the freestanding data-plane core include only this file.
 */
#ifndef LINERATE_LR_TYPES_H
#define LINERATE_LR_TYPES_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h> /* constants only */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#endif

/* Largest burst the data plane processes in one step; longer arrays are
 * processed in chunks of this size. */
#define LR_BURST_MAX 64

#endif
