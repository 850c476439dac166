/* libFuzzer: the interop drivers' JSON-lines reader (tests/interop/
 * jsonl.c) on arbitrary lines: what peers print is read by it. Each
 * key's answers agree with each other and with the writer. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = {"t", "sdp", "n", "", "packetsReceived"};

static void check_key(const char *line, const char *key, int invalid)
{
	static char out[65536], again[65536], line2[140000];
	long long v;
	int s = jsonl_get(line, key, out, sizeof(out));
	int n = jsonl_num(line, key, &v);
	size_t m;

	/* a line that is not JSON is refused for every key alike */
	if (invalid && (s != -EINVAL || n != -EINVAL))
		abort();
	/* absent for one reader, absent for the other */
	if ((s == -ENOENT) != (n == -ENOENT))
		abort();
	/* a member is a string or an integer, never both */
	if (!s && !n)
		abort();
	if (jsonl_int(line, key, 12345) != (n ? 12345 : v))
		abort();
	if (s)
		return;
	/* what was read writes and reads back the same */
	m = jsonl_str(line2, sizeof(line2), 1, key, out);
	line2[0] = '{';
	if (m >= sizeof(line2) - 1)
		abort();
	line2[m] = '}';
	line2[m + 1] = '\0';
	if (jsonl_get(line2, key, again, sizeof(again)) || strcmp(out, again))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char probe[300], out[8];
	char *line = malloc(size + 1);
	int r;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	/* a key longer than 255 bytes is never found: whether the line is
	 * one JSON object is all this says */
	memset(probe, 'k', sizeof(probe) - 1);
	r = jsonl_get(line, probe, out, sizeof(out));
	if (r != -ENOENT && r != -EINVAL)
		abort();
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
		check_key(line, keys[k], r == -EINVAL);
	free(line);
	return 0;
}
