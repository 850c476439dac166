/* One-line JSON for the interop driver (see jsonl.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

size_t jsonl_str(char *out, size_t cap, size_t n, const char *key,
		 const char *val)
{
	n += (size_t)snprintf(out + n, cap - n, "%s\"%s\":\"", n > 1 ? "," : "",
			      key);
	for (; *val && n + 8 < cap; val++) {
		unsigned char c = (unsigned char)*val;

		if (c == '"' || c == '\\')
			n += (size_t)snprintf(out + n, cap - n, "\\%c", c);
		else if (c == '\r')
			n += (size_t)snprintf(out + n, cap - n, "\\r");
		else if (c == '\n')
			n += (size_t)snprintf(out + n, cap - n, "\\n");
		else if (c < 0x20)
			n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
		else
			out[n++] = (char)c;
	}
	n += (size_t)snprintf(out + n, cap - n, "\"");
	return n;
}

static const char *find_key(const char *line, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	return p ? p + strlen(pat) : NULL;
}

int jsonl_get(const char *line, const char *key, char *out, size_t cap)
{
	const char *p = find_key(line, key);
	size_t n = 0;

	if (!p || *p != '"')
		return -1;
	for (p++; *p && *p != '"' && n + 1 < cap; p++) {
		if (*p != '\\') {
			out[n++] = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 'n':
			out[n++] = '\n';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case 'u': {
			char hex[5] = {0};

			if (strlen(p) < 5)
				return -1;
			memcpy(hex, p + 1, 4);
			out[n++] = (char)strtol(hex, NULL, 16);
			p += 4;
			break;
		}
		case '\0':
			return -1;
		default:
			out[n++] = *p;
		}
	}
	if (*p != '"')
		return -1;
	out[n] = '\0';
	return 0;
}

long long jsonl_int(const char *line, const char *key, long long def)
{
	const char *p = find_key(line, key);

	return p ? strtoll(p, NULL, 10) : def;
}
