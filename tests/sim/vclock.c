/*
 * The simulator's clock as the process's wall clock.
 *
 * Some real dependencies read the wall clock inside themselves: usrsctp
 * takes RTT samples, decides which chunks a T3 timeout may resend and
 * ages PR-SCTP lifetimes with gettimeofday(). In production that clock
 * and the `now` our callers pass agree. In a test whose clock is
 * virtual they would not, so a test program linked with lr_sim gets
 * this gettimeofday(): once a simulator exists it returns a fixed epoch
 * plus all virtual time that has passed in this process (monotonic
 * across simulators), and the real clock before that.
 */
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#include "lr_sim.h"

#define VEPOCH_S 1795000000ull /* 2026-11-18T... UTC, any fixed time */

static int on;
static uint64_t elapsed_us;

void lr__sim_vclock_tick(uint64_t delta_us)
{
	on = 1;
	elapsed_us += delta_us;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	(void)tz;
	if (!on) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
		return 0;
	}
	tv->tv_sec = (time_t)(VEPOCH_S + elapsed_us / 1000000);
	tv->tv_usec = (suseconds_t)(elapsed_us % 1000000);
	return 0;
}
