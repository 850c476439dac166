/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linerated's logs: one line per event, on stderr (journald takes it),
 * as text ("2026-12-07T20:30:00.123Z info session_up id=ab12 room=demo")
 * or, with --log-json, one JSON object per line ({"ts":"…","level":
 * "info","event":"session_up","id":"ab12","room":"demo"}). Fields are
 * key/value string pairs ended by NULL; values are escaped (text: quoted
 * when they hold spaces, quotes or control characters; JSON: RFC 8259
 * escapes). Secrets are never passed here: tokens are logged by name,
 * keys and ICE passwords not at all.
 */
#ifndef LINERATED_GW_LOG_H
#define LINERATED_GW_LOG_H

#include <stdio.h>

enum gw_log_level {
	GW_LOG_DEBUG = 0,
	GW_LOG_INFO,
	GW_LOG_WARN,
	GW_LOG_ERROR,
};

struct gw_log {
	FILE *out;  /* stderr */
	int json;   /* --log-json */
	int level;  /* events below it are not written */
};

/* gw_log(l, GW_LOG_INFO, "session_up", "id", id, "room", room, NULL) */
void gw_log(const struct gw_log *l, int level, const char *event, ...)
	__attribute__((sentinel));
/* Level names: "debug", "info", "warn", "error"; -1 if unknown. */
int gw_log_level_parse(const char *s);

#endif
