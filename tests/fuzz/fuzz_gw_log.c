/* libFuzzer: gw_log on arbitrary field bytes (room names, user agents,
 * error texts reach the log from the network). Input: [flags] then
 * NUL-separated event, key, value, key, value... (at most 8 pairs).
 * JSON lines must parse (jansson) with each field's value given back
 * exactly when it was UTF-8; text lines must hold no raw control
 * character; either is one line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gw_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keys the log writes unchanged: [A-Za-z0-9_.-]{1,63}, not one of
 * the head's (ts, level, event) nor starting with '_' like their
 * renamed forms. */
static int all_clean(const char *const f[], unsigned n)
{
	for (unsigned i = 1; i < n; i += 2) {
		size_t len = strlen(f[i]);

		if (!len || len > 63 || f[i][0] == '_' ||
		    strspn(f[i],
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
			    len ||
		    !strcmp(f[i], "ts") || !strcmp(f[i], "level") ||
		    !strcmp(f[i], "event"))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *f[17] = {0};
	char *buf, *out = NULL, *p;
	size_t olen = 0;
	unsigned n = 0;
	struct gw_log l = {.level = GW_LOG_DEBUG};
	FILE *m;

	if (size < 1)
		return 0;
	l.json = data[0] & 1;
	buf = malloc(size + 1);
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (p = buf; p <= buf + size - 1 && n < 17; p += strlen(p) + 1)
		f[n++] = p;
	m = open_memstream(&out, &olen);
	l.out = m;
	gw_log(&l, GW_LOG_INFO, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7],
	       f[8], f[9], f[10], f[11], f[12], f[13], f[14], f[15], f[16],
	       NULL);
	fclose(m);
	if (!olen || out[olen - 1] != '\n' || memchr(out, '\n', olen - 1) ||
	    memchr(out, '\0', olen))
		abort();
	if (l.json) {
		json_error_t je;
		json_t *o = json_loadb(out, olen, 0, &je);

		if (!o || !json_is_object(o))
			abort();
		/* when every key is one the log keeps as it is, each
		 * distinct key's value comes back exactly if it was UTF-8
		 * and the line was not cut */
		for (unsigned i = 1; i + 1 < n && f[i + 1]; i += 2) {
			json_t *v = json_object_get(o, f[i]), *s;
			int dup = 0;

			/* a last key without a value is written too ("") */
			for (unsigned j = 1; j < n; j += 2)
				dup |= j != i && !strcmp(f[i], f[j]);
			s = json_string(f[i + 1]);
			if (all_clean(f, n) && !dup && s &&
			    !json_object_get(o, "truncated") &&
			    (!v || !json_equal(v, s)))
				abort();
			json_decref(s);
		}
		json_decref(o);
	} else {
		for (size_t i = 0; i + 1 < olen; i++)
			if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
				abort();
	}
	free(out);
	free(buf);
	return 0;
}
