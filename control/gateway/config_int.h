/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inside lr_gwconf: the keys of the INI file, one setter each, shared
 * by the file (config.c), the flags (args.c) and the checks of
 * gw_config_validate. Not for the rest of the gateway.
 */
#ifndef LINERATED_CONFIG_INT_H
#define LINERATED_CONFIG_INT_H

#include <stddef.h>

#include "gw_config.h"

/* The longest line of the INI file (inih reads 200 bytes at a time);
 * longer lines are refused, not split. */
#define GW__LINE_MAX 190
/* The largest config or token file read. */
#define GW__FILE_MAX (1u << 20)
/* The shortest bearer token taken. */
#define GW__TOKEN_MIN 16
/* LINERATED_TOKEN: publish and play in every room, named "env". */
#define GW__TOKEN_ENV	   "LINERATED_TOKEN"
#define GW__TOKEN_ENV_NAME "env"

struct gw__key;
typedef int (*gw__setter)(struct gw_config *c, const struct gw__key *k,
			  const char *v, const char *dir, char *why,
			  size_t cap);

struct gw__key {
	const char *section;
	const char *key;
	gw__setter set;
	size_t off;	   /* the field, for numbers and booleans */
	unsigned min, max; /* numbers: the range taken */
	int repeatable;	   /* may appear more than once */
};

/* The table, ended by a NULL section. */
extern const struct gw__key gw__keys[];

int gw__section_known(const char *name);
/* NULL if (section, key) is not a key; *nkey its index in gw__keys. */
const struct gw__key *gw__key_find(const char *section, const char *key);
/* Apply one value: 0, -ENOENT (no such key), -EINVAL (why says what),
 * -EEXIST (a duplicate token), or -errno of a token file. dir: where a
 * relative token_file is. */
int gw__set(struct gw_config *c, const char *section, const char *key,
	    const char *value, const char *dir, char *why, size_t cap);

/* Tokens: "NAME RIGHTS ROOMS SECRET" (sep ' ', any run of blanks) or
 * "NAME:RIGHTS:ROOMS:SECRET" (sep ':'), added to c after the checks
 * (never says the secret in why). */
int gw__token_add_line(struct gw_config *c, const char *line, char sep,
		       char *why, size_t cap);
int gw__token_add(struct gw_config *c, const struct gw_token *t, char *why,
		  size_t cap);
/* A token file: one token line per line, '#' comments. */
int gw__token_file(struct gw_config *c, const char *path, char *why,
		   size_t cap);
/* Read a whole regular file (at most GW__FILE_MAX bytes) into a NUL-
 * ended malloc'd buffer: 0 or -errno. */
int gw__read_file(const char *path, char **out, size_t *len);

/* Checks shared with gw_config_validate: 0 or -EINVAL with why. */
int gw__check_token(const struct gw_token *t, char *why, size_t cap);
int gw__check_ice(const struct gw_ice_server *s, char *why, size_t cap);
int gw__check_numbers(const struct gw_config *c, char *why, size_t cap);
int gw__check_origin(const char *o, char *why, size_t cap);
int gw__check_ip(const char *ip, int *family);
int gw__ip_is_loopback(const char *hostport);
int gw__ip_is_unspecified(const char *ip);

/* snprintf into why, with the value made printable and cut short. */
void gw__why(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* value, shown safely: at most 40 printable bytes, the rest "...". */
const char *gw__show(const char *v, char *buf, size_t cap);

/* args.c: the flags other than --config, --help and --version over c
 * (what a reload re-applies): 0 or -errno with err. */
int gw__args_apply(struct gw_config *c, int argc, char **argv, char *err,
		   size_t errcap);
/* The token named "env" from LINERATED_TOKEN, if set. */
int gw__env_token(struct gw_config *c, char *err, size_t errcap);

#endif
