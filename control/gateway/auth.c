/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bearer tokens (RFC 6750 §2.1) on WHIP/WHEP requests. The presented
 * token is compared with every configured token, each over the whole
 * buffer (CRYPTO_memcmp), and the one that matched is picked without a
 * branch: how long the check takes tells nothing of which token, or how
 * much of one, was right. Rights and room pattern are checked after.
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "gw_config.h"

#define TOKEN_CAP sizeof(((struct gw_token *)0)->token)

/* The token of "Bearer <token>" (scheme in any case, blanks around):
 * its length, or 0 if the header is not that. */
static size_t bearer(const char *auth, const char **tok)
{
	const char *p = auth, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "Bearer", 6) || (p[6] != ' ' && p[6] != '\t'))
		return 0;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (const char *q = p; q < e; q++)
		if (*q == ' ' || *q == '\t' || (unsigned char)*q < 0x20)
			return 0;
	*tok = p;
	return (size_t)(e - p);
}

int gw_auth_check(const struct gw_config *c, const char *auth,
		  enum gw_right right, const char *room, const char **who)
{
	unsigned char given[TOKEN_CAP], ref[TOKEN_CAP];
	unsigned found = 0, idx = 0;
	const struct gw_token *t;
	const char *tok = NULL;
	size_t len;

	if (who)
		*who = "-";
	if (!c->ntokens) {
		if (who)
			*who = "anonymous";
		return 0;
	}
	len = auth ? bearer(auth, &tok) : 0;
	if (!len || len >= TOKEN_CAP)
		return -EACCES;
	memset(given, 0, sizeof(given));
	memcpy(given, tok, len);
	for (unsigned i = 0; i < c->ntokens && i < GW_MAX_TOKENS; i++) {
		unsigned eq, mask;

		memset(ref, 0, sizeof(ref));
		memcpy(ref, c->tokens[i].token,
		       strnlen(c->tokens[i].token, TOKEN_CAP - 1));
		/* tokens hold no NUL: equal buffers, equal tokens */
		eq = CRYPTO_memcmp(given, ref, TOKEN_CAP) == 0;
		mask = 0u - eq;
		idx |= i & mask & ~(0u - found);
		found |= eq;
	}
	OPENSSL_cleanse(given, sizeof(given));
	OPENSSL_cleanse(ref, sizeof(ref));
	if (!found)
		return -EACCES;
	t = &c->tokens[idx];
	if (who)
		*who = t->name;
	if ((t->rights & (unsigned)right) != (unsigned)right)
		return -EACCES;
	if (fnmatch(t->rooms, room ? room : "", 0))
		return -EACCES;
	return 0;
}
