/* libFuzzer: the Authorization header of a WHIP/WHEP request into
 * gw_auth_check, against a plain model of RFC 6750 §2.1 written here
 * (trim, "Bearer" in any case, one b64token, strcmp with each token,
 * rights, fnmatch). Input: [rights][room bytes]\n[header bytes]. The
 * two must agree on the answer and on the name given for logs. */
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gw_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct gw_token tokens[] = {
	{"alice-secret-token-000000000001", "alice", GW_RIGHT_PUBLISH,
	 "live-*"},
	{"bob/secret+token=", "bob", GW_RIGHT_PLAY, "*"},
	{"carol-secret-token-3", "carol", GW_RIGHT_PUBLISH | GW_RIGHT_PLAY,
	 "room?"},
};

static int model(const char *h, unsigned right, const char *room,
		 const char **who)
{
	char tok[400];
	size_t n;

	*who = "-";
	if (!h)
		return -EACCES;
	h += strspn(h, " \t");
	if (strncasecmp(h, "Bearer", 6) || (h[6] != ' ' && h[6] != '\t'))
		return -EACCES;
	h += 6;
	h += strspn(h, " \t");
	n = strlen(h);
	while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
		n--;
	if (!n || n >= sizeof(tok))
		return -EACCES;
	memcpy(tok, h, n);
	tok[n] = '\0';
	for (unsigned i = 0; i < 3; i++) {
		if (strcmp(tok, tokens[i].token))
			continue;
		*who = tokens[i].name;
		if ((tokens[i].rights & right) != right)
			return -EACCES;
		return fnmatch(tokens[i].rooms, room, 0) ? -EACCES : 0;
	}
	return -EACCES;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gw_config c;
	char *room, *hdr, *nl;
	const char *who, *mwho;
	unsigned right;
	int r;

	if (size < 1)
		return 0;
	gw_config_defaults(&c);
	memcpy(c.tokens, tokens, sizeof(tokens));
	c.ntokens = 3;
	right = data[0] & 3;
	room = malloc(size);
	if (!room)
		return 0;
	memcpy(room, data + 1, size - 1);
	room[size - 1] = '\0';
	nl = strchr(room, '\n');
	hdr = nl ? nl + 1 : NULL;
	if (nl)
		*nl = '\0';
	r = gw_auth_check(&c, hdr, (enum gw_right)right, room, &who);
	if (r != model(hdr, right, room, &mwho) || strcmp(who, mwho))
		abort();
	/* with no token configured, anything goes */
	c.ntokens = 0;
	if (gw_auth_check(&c, hdr, (enum gw_right)right, room, &who) ||
	    strcmp(who, "anonymous"))
		abort();
	free(room);
	return 0;
}
