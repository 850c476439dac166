/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linerated: the WHIP/WHEP media gateway. Configuration from a file
 * (--config) and flags (--help lists them); see docs/OPERATING.md.
 */
#include <stdio.h>
#include <string.h>

#include "gw.h"

int main(int argc, char **argv)
{
	static struct gw g;
	char err[512] = "", warn[512] = "";
	int rc;

	gw_config_defaults(&g.cfg);
	rc = gw_config_args(&g.cfg, argc, argv, err, sizeof(err));
	if (rc == 1)
		return 0;
	if (rc ||
	    gw_config_validate(&g.cfg, err, sizeof(err), warn, sizeof(warn))) {
		fprintf(stderr, "linerated: %s\n", err);
		return 2;
	}
	g.log.out = stderr;
	g.log.json = g.cfg.log_json;
	g.log.level = g.cfg.log_level;
	if (warn[0])
		gw_log(&g.log, GW_LOG_WARN, "config", "note", warn, NULL);
	if (!g.cfg.ntokens)
		gw_log(&g.log, GW_LOG_WARN, "no_tokens", "note",
		       "no bearer token configured: anyone who reaches the "
		       "HTTP port may publish and play, so it is served on "
		       "loopback only",
		       NULL);
	rc = gw_open(&g);
	if (!rc)
		rc = gw_run(&g);
	gw_close(&g);
	return rc ? 1 : 0;
}
