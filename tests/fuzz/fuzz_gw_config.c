/* libFuzzer: linerated's configuration file parser (gw_config_load_buffer)
 * on arbitrary bytes, then gw_config_validate on what it accepted. A
 * refused input leaves the configuration as it was and says why in one
 * line that starts with the file's name; an accepted token is found by
 * gw_auth_check under its own name. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(const char *err, size_t cap)
{
	if (!memchr(err, '\0', cap) || strchr(err, '\n') ||
	    strncmp(err, "fuzz.conf:", 10))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gw_config c, before;
	char err[512], warn[256], hdr[300];
	const char *who;
	int r;

	gw_config_defaults(&c);
	before = c;
	memset(err, 'x', sizeof(err));
	r = gw_config_load_buffer(&c, "fuzz.conf", (const char *)data, size,
				  err, sizeof(err));
	if (r) {
		if (r > 0 || memcmp(&c, &before, sizeof(c)))
			abort(); /* a refusal changes nothing */
		check_err(err, sizeof(err));
		return 0;
	}
	if (gw_config_validate(&c, err, sizeof(err), warn, sizeof(warn)))
		return 0;
	if (c.norigins > GW_MAX_ORIGINS || c.nice > GW_MAX_ICE_SERVERS ||
	    c.ntokens > GW_MAX_TOKENS || c.port_min > c.port_max ||
	    c.port_max - c.port_min >= GW_MAX_PORTS ||
	    c.limits.body_max > GW_BODY_MAX || !c.workers || c.workers > 64)
		abort(); /* validate let through what it must not */
	for (unsigned i = 0; i < c.ntokens; i++) {
		snprintf(hdr, sizeof(hdr), "Bearer %s", c.tokens[i].token);
		gw_auth_check(&c, hdr, GW_RIGHT_PUBLISH, "room", &who);
		if (strcmp(who, c.tokens[i].name))
			abort();
	}
	return 0;
}
