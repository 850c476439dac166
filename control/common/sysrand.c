// SPDX-License-Identifier: BSD-2-Clause
/*
 * The system CSPRNG for drivers (lr_rand_system): getrandom(2). Kept out
 * of the sans-IO libraries (tests/check-sans-io.sh), which take their
 * randomness as an lr_rand argument.
 */
#include <errno.h>
#include <sys/random.h>

#include "linerate/lr_rand.h"

static int sys_fill(void *ctx, void *buf, size_t len)
{
	unsigned char *p = buf;

	(void)ctx;
	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct lr_rand lr_rand_system(void)
{
	return (struct lr_rand){.fill = sys_fill, .ctx = NULL};
}
