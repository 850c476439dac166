/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linerated's command line: --config FILE is read first, then every
 * other flag overrides what the file said, going through the same
 * setter as the file's key (config_keys.c). A repeatable flag
 * (--cors-origin, --ice-server, --token/--token-file) replaces the
 * file's list the first time it appears and adds to it after. Then
 * LINERATED_TOKEN adds its token. getopt_long keeps global state: call
 * these from one thread (the main one, also for SIGHUP's reload).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config_int.h"
#include "gw_log.h"

#ifndef LINERATED_VERSION
#define LINERATED_VERSION "unknown"
#endif

enum {
	F_CONFIG = 'c',
	F_HELP = 'h',
	F_VERSION = 'V',
	F_LISTEN = 256,
	F_CORS,
	F_MEDIA_IP,
	F_PORTS,
	F_PUBLIC_IP,
	F_BACKEND,
	F_WORKERS,
	F_ICE_SERVER,
	F_ICE_LITE,
	F_TOKEN,
	F_TOKEN_FILE,
	F_MAX_SESSIONS,
	F_MAX_VIEWERS,
	F_LOG_JSON,
	F_LOG_LEVEL,
};

struct flag {
	const char *name;
	int has_arg;
	int id;
	const char *section, *key; /* the INI key it sets (NULL: special) */
	const char *arg, *help;
};

static const struct flag flags[] = {
	{"config", required_argument, F_CONFIG, NULL, NULL, "FILE",
	 "INI configuration file, read before the other flags"},
	{"listen", required_argument, F_LISTEN, "http", "listen", "IP:PORT",
	 "HTTP address ([IPv6]:PORT); loopback only without a token"},
	{"cors-origin", required_argument, F_CORS, "http", "cors_origin",
	 "ORIGIN", "allowed browser origin, repeatable ('*': any)"},
	{"media-ip", required_argument, F_MEDIA_IP, "media", "ip", "IP",
	 "address of the media (UDP) sockets"},
	{"ports", required_argument, F_PORTS, "media", "ports", "FIRST-LAST",
	 "UDP ports, one socket each (0: one ephemeral port)"},
	{"public-ip", required_argument, F_PUBLIC_IP, "media", "public_ip",
	 "IP", "address advertised to peers (1:1 NAT)"},
	{"backend", required_argument, F_BACKEND, "media", "backend", "NAME",
	 "auto, sock, uring or dpdk"},
	{"workers", required_argument, F_WORKERS, "media", "workers", "N",
	 "data-plane threads, 1-64"},
	{"ice-server", required_argument, F_ICE_SERVER, "ice", "server",
	 "'URL [USER PASS]'", "STUN/TURN server for clients, repeatable"},
	{"ice-lite", optional_argument, F_ICE_LITE, "ice", "lite", "[=BOOL]",
	 "answer as an ICE lite agent"},
	{"token", required_argument, F_TOKEN, NULL, NULL,
	 "NAME:RIGHTS:ROOMS:SECRET",
	 "bearer token, repeatable; visible in ps: prefer a token file"},
	{"token-file", required_argument, F_TOKEN_FILE, "auth", "token_file",
	 "FILE", "file of token lines, repeatable (re-read on SIGHUP)"},
	{"max-sessions", required_argument, F_MAX_SESSIONS, "limits",
	 "max_sessions", "N", "sessions in all"},
	{"max-viewers", required_argument, F_MAX_VIEWERS, "limits",
	 "max_viewers", "N", "viewers per room"},
	{"log-json", optional_argument, F_LOG_JSON, "log", "json", "[=BOOL]",
	 "one JSON object per log line"},
	{"log-level", required_argument, F_LOG_LEVEL, "log", "level", "LEVEL",
	 "debug, info, warn or error"},
	{"help", no_argument, F_HELP, NULL, NULL, "", "this text"},
	{"version", no_argument, F_VERSION, NULL, NULL, "", "the version"},
};
#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

static const char *backend_name(enum gw_backend_choice b)
{
	static const char *const n[] = {"auto", "sock", "uring", "dpdk"};

	return (unsigned)b < 4 ? n[b] : "?";
}

static const char *level_name(int l)
{
	static const char *const n[] = {"debug", "info", "warn", "error"};

	return l >= 0 && l < 4 ? n[l] : "?";
}

/* The default of a flag, from gw_config_defaults. */
static void default_of(const struct gw_config *d, int id, char *b, size_t n)
{
	switch (id) {
	case F_LISTEN:
		snprintf(b, n, "%s", d->http_listen);
		break;
	case F_CORS:
		snprintf(b, n, "any");
		break;
	case F_MEDIA_IP:
		snprintf(b, n, "%s", d->media_ip);
		break;
	case F_PORTS:
		snprintf(b, n, "%u", d->port_min);
		break;
	case F_PUBLIC_IP:
		snprintf(b, n, "the media IP");
		break;
	case F_BACKEND:
		snprintf(b, n, "%s", backend_name(d->backend));
		break;
	case F_WORKERS:
		snprintf(b, n, "%u", d->workers);
		break;
	case F_ICE_LITE:
		snprintf(b, n, "%s", d->ice_lite ? "true" : "false");
		break;
	case F_MAX_SESSIONS:
		snprintf(b, n, "%u", d->limits.max_sessions);
		break;
	case F_MAX_VIEWERS:
		snprintf(b, n, "%u", d->limits.max_viewers);
		break;
	case F_LOG_JSON:
		snprintf(b, n, "%s", d->log_json ? "true" : "false");
		break;
	case F_LOG_LEVEL:
		snprintf(b, n, "%s", level_name(d->log_level));
		break;
	default:
		snprintf(b, n, "none");
	}
}

void gw_config_usage(FILE *out)
{
	struct gw_config d;

	gw_config_defaults(&d);
	fprintf(out, "Usage: linerated [--config FILE] [OPTION]...\n"
		     "The linerate WHIP/WHEP media gateway. Flags override "
		     "the configuration file.\n\n");
	for (size_t i = 0; i < NFLAGS; i++) {
		const struct flag *f = &flags[i];
		char left[64], def[160];

		snprintf(left, sizeof(left), "%s--%s%s%s",
			 f->id < 256 ? "" : "    ", f->name,
			 f->has_arg == required_argument ? " " : "", f->arg);
		if (f->id < 256)
			fprintf(out, "  -%c, %s\n", f->id, left);
		else
			fprintf(out, "  %s\n", left);
		if (f->id == F_HELP || f->id == F_VERSION) {
			fprintf(out, "        %s\n", f->help);
			continue;
		}
		default_of(&d, f->id, def, sizeof(def));
		fprintf(out, "        %s (default: %s)\n", f->help, def);
	}
	fprintf(out,
		"\nEnvironment: %s=SECRET adds a token named \"%s\" "
		"that may publish and play in\nevery room.\n"
		"Signals: SIGHUP re-reads tokens and limits; SIGTERM "
		"drains, then exits.\n",
		GW__TOKEN_ENV, GW__TOKEN_ENV_NAME);
}

static void getopt_tables(struct option *lo, char *shorts)
{
	size_t s = 0;

	shorts[s++] = ':'; /* a missing value is ':', not '?' */
	for (size_t i = 0; i < NFLAGS; i++) {
		lo[i] = (struct option){flags[i].name, flags[i].has_arg, NULL,
					flags[i].id};
		if (flags[i].id < 256) {
			shorts[s++] = (char)flags[i].id;
			if (flags[i].has_arg == required_argument)
				shorts[s++] = ':';
		}
	}
	lo[NFLAGS] = (struct option){NULL, 0, NULL, 0};
	shorts[s] = '\0';
}

/* The flag as typed, without a value after '=' (it may be a secret). */
static void bad_flag(const char *arg, const char *what, char *err,
		     size_t errcap)
{
	char b[64];
	size_t n = strcspn(arg, "=");

	if (n >= sizeof(b))
		n = sizeof(b) - 1;
	memcpy(b, arg, n);
	b[n] = '\0';
	gw__why(err, errcap, "%s: %s (see --help)", gw__show(b, b, sizeof(b)),
		what);
}

static const struct flag *flag_of(int id)
{
	for (size_t i = 0; i < NFLAGS; i++)
		if (flags[i].id == id)
			return &flags[i];
	return NULL;
}

/* One getopt pass. apply 0: only note --config/--help/--version. */
static int pass(struct gw_config *c, int argc, char **argv, int apply,
		const char **config, int *help, char *err, size_t errcap)
{
	struct option lo[NFLAGS + 1];
	char shorts[2 * NFLAGS + 2], why[320];
	int o, replaced[3] = {0, 0, 0}, r;

	getopt_tables(lo, shorts);
	optind = 0; /* GNU: start again from scratch */
	opterr = 0;
	while ((o = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct flag *f = flag_of(o);
		const char *v = optarg;

		if (o == '?' || o == ':') {
			char name[72];

			if (o == ':' && flag_of(optopt))
				snprintf(name, sizeof(name), "--%s",
					 flag_of(optopt)->name);
			else if (optopt > 0 && optopt < 256)
				snprintf(name, sizeof(name), "-%c", optopt);
			else
				snprintf(name, sizeof(name), "%s",
					 argv[optind - 1]);
			bad_flag(name,
				 o == '?' ? "unknown option" : "needs a value",
				 err, errcap);
			return -EINVAL;
		}
		if (!apply) {
			if (o == F_CONFIG)
				*config = optarg;
			if (o == F_HELP || o == F_VERSION)
				*help = o;
			continue;
		}
		if (o == F_CONFIG || o == F_HELP || o == F_VERSION)
			continue;
		if (o == F_CORS && !replaced[0]++)
			c->norigins = 0;
		if (o == F_ICE_SERVER && !replaced[1]++)
			c->nice = 0;
		if ((o == F_TOKEN || o == F_TOKEN_FILE) && !replaced[2]++) {
			explicit_bzero(c->tokens, sizeof(c->tokens));
			c->ntokens = 0;
		}
		if (!v && f->has_arg == optional_argument)
			v = "true";
		why[0] = '\0';
		if (o == F_TOKEN)
			r = gw__token_add_line(c, v, ':', why, sizeof(why));
		else
			r = gw__set(c, f->section, f->key, v, NULL, why,
				    sizeof(why));
		if (r) {
			gw__why(err, errcap, "--%s: %s", f->name, why);
			return r == -EEXIST ? -EINVAL : r;
		}
	}
	if (optind < argc) {
		char b[64];

		gw__why(err, errcap, "unexpected argument '%s' (see --help)",
			gw__show(argv[optind], b, sizeof(b)));
		return -EINVAL;
	}
	return 0;
}

int gw__args_apply(struct gw_config *c, int argc, char **argv, char *err,
		   size_t errcap)
{
	return pass(c, argc, argv, 1, NULL, NULL, err, errcap);
}

int gw_config_args(struct gw_config *c, int argc, char **argv, char *err,
		   size_t errcap)
{
	const char *config = NULL;
	int help = 0, r;

	r = pass(c, argc, argv, 0, &config, &help, err, errcap);
	if (r)
		return r;
	if (help == F_HELP) {
		gw_config_usage(stdout);
		return 1;
	}
	if (help == F_VERSION) {
		printf("linerated %s\n", LINERATED_VERSION);
		return 1;
	}
	if (config) {
		r = gw_config_load(c, config, err, errcap);
		if (r)
			return r;
	}
	r = pass(c, argc, argv, 1, NULL, NULL, err, errcap);
	if (!r)
		r = gw__env_token(c, err, errcap);
	if (r)
		return r;
	c->argc = argc;
	c->argv = argv;
	return 0;
}
