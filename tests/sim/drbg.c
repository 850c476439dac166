/* The tests' deterministic CSPRNG (lr_sim_rand.h). */
#include <errno.h>
#include <string.h>

#include <openssl/sha.h>

#include "lr_sim_rand.h"

void lr_sim_drbg_init(struct lr_sim_drbg *d, uint64_t seed)
{
	memset(d, 0, sizeof(*d));
	d->seed = seed;
	d->used = sizeof(d->out);
}

static int drbg_fill(void *ctx, void *buf, size_t len)
{
	struct lr_sim_drbg *d = ctx;
	uint8_t *p = buf;

	if (d->fail_after && d->given + len > d->fail_after)
		return -EIO;
	d->given += len;
	while (len) {
		size_t n;

		if (d->used == sizeof(d->out)) {
			uint8_t in[16];

			memcpy(in, &d->seed, 8);
			memcpy(in + 8, &d->block, 8);
			SHA256(in, sizeof(in), d->out);
			d->block++;
			d->used = 0;
		}
		n = sizeof(d->out) - d->used;
		if (n > len)
			n = len;
		memcpy(p, d->out + d->used, n);
		d->used += (unsigned)n;
		p += n;
		len -= n;
	}
	return 0;
}

struct lr_rand lr_sim_drbg_rand(struct lr_sim_drbg *d)
{
	return (struct lr_rand){.fill = drbg_fill, .ctx = d};
}
