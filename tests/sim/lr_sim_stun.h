/* Between the simulator's addresses and STUN/ICE addresses (tests). */
#ifndef LR_SIM_STUN_H
#define LR_SIM_STUN_H

#include <string.h>

#include "linerate/lr_stun.h"
#include "lr_sim.h"

static inline struct lr_addr lr_sim_from_stun(const struct lr_addr *a)
{
	struct lr_addr s = {.family = a->family, .port = a->port};

	memcpy(s.ip, a->ip, 16);
	return s;
}

static inline struct lr_addr lr_sim_to_stun(const struct lr_addr *s)
{
	struct lr_addr a = {.family = s->family, .port = s->port};

	memcpy(a.ip, s->ip, 16);
	return a;
}

static inline struct lr_addr lr_sim_stun_v4(uint8_t a, uint8_t b, uint8_t c,
					    uint8_t d, uint16_t port)
{
	struct lr_addr s = lr_sim_v4(a, b, c, d, port);

	return lr_sim_to_stun(&s);
}

#endif
