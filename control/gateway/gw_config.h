/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linerated's configuration: an INI file (inih), command-line flags that
 * override it, and what SIGHUP may change (tokens and limits). The
 * format is documented in docs/OPERATING.md and packaging/linerated.conf.
 */
#ifndef LINERATED_GW_CONFIG_H
#define LINERATED_GW_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define GW_MAX_TOKENS	   64
#define GW_MAX_ICE_SERVERS 8
#define GW_MAX_ORIGINS	   16
#define GW_MAX_PORTS	   64
#define GW_BODY_MAX	   65536 /* HTTP bodies: the most we ever take */

enum gw_right {
	GW_RIGHT_PUBLISH = 1, /* WHIP */
	GW_RIGHT_PLAY = 2,    /* WHEP */
};

struct gw_token {
	char token[256];  /* the bearer token: secret, never logged */
	char name[64];	  /* what logs call it ("token #3" if unnamed) */
	unsigned rights;  /* enum gw_right bits */
	char rooms[128];  /* fnmatch(3) pattern of room names ("*": all) */
};

struct gw_ice_server {
	char url[256];	      /* stun:host:port, turn:host:port?transport=udp */
	char username[128];   /* TURN only */
	char credential[128]; /* TURN only: secret, never logged */
};

struct gw_limits {
	unsigned max_sessions;	      /* all sessions; default 1000 */
	unsigned max_viewers;	      /* per room; default 100 */
	unsigned max_rooms;	      /* default 1000 */
	unsigned body_max;	      /* HTTP body bytes; default and max 65536 */
	unsigned new_per_sec;	      /* new sessions per second per client
				       * address; default 5 */
	unsigned new_burst;	      /* ... with this burst; default 10 */
	unsigned retry_after_s;	      /* 503 Retry-After; default 5 */
	unsigned drain_s;	      /* SIGTERM: seconds sessions may take
				       * to end; default 10 */
	unsigned connect_timeout_s;   /* a session not connected by then is
				       * ended; default 30 */
};

enum gw_backend_choice {
	GW_BACKEND_AUTO = 0, /* uring where io_uring works, else sock */
	GW_BACKEND_SOCK,
	GW_BACKEND_URING,
	GW_BACKEND_DPDK,
};

struct gw_config {
	/* [http] */
	char http_listen[128]; /* "127.0.0.1:8080", "[::1]:8080" */
	char origins[GW_MAX_ORIGINS][128]; /* CORS: allowed origins; none
					    * configured or "*": any */
	unsigned norigins;
	/* [media] */
	char media_ip[64];  /* address the UDP sockets bind; 127.0.0.1 */
	uint16_t port_min;  /* UDP port range: one socket per port; */
	uint16_t port_max;  /* 0-0 = one ephemeral port */
	char public_ip[64]; /* advertised in candidates instead of media_ip
			     * (1:1 NAT); "" = media_ip */
	enum gw_backend_choice backend;
	unsigned workers;     /* data-plane threads; default 1 */
	char dpdk_eal[512];   /* [dpdk] eal_args ("": lr_dp's default) */
	uint16_t dpdk_port;   /* [dpdk] port */
	char dpdk_gw4[64];    /* [dpdk] gateway4, gateway6: the next hop */
	char dpdk_gw6[64];    /* for peers off the link ("": none) */
	uint8_t dpdk_prefix4; /* [dpdk] prefix4, prefix6: the link's */
	uint8_t dpdk_prefix6; /* prefix (0: every peer on the link) */
	/* [ice] */
	struct gw_ice_server ice[GW_MAX_ICE_SERVERS];
	unsigned nice;
	int ice_lite; /* default 0: full ICE */
	/* [auth] */
	struct gw_token tokens[GW_MAX_TOKENS];
	unsigned ntokens;
	/* [limits] */
	struct gw_limits limits;
	/* [log] */
	int log_json;  /* one JSON object per line */
	int log_level; /* enum gw_log_level; default info */
	/* where it came from (for SIGHUP) */
	char path[512];
	int argc;    /* the flags gw_config_args applied, re-applied by */
	char **argv; /* gw_config_reload (the caller's argv, kept alive) */
};

/* Defaults into c (everything above). */
void gw_config_defaults(struct gw_config *c);
/* Read an INI file over c. 0, or -errno with a one-line reason in err
 * ("file:line: what"). Unknown sections/keys are errors. */
int gw_config_load(struct gw_config *c, const char *path, char *err,
		   size_t errcap);
/* The same over the text of a file already in memory (text[len], NUL
 * bytes refused); name is what messages call it and where a relative
 * token_file is looked for. For tests and the fuzz target. */
int gw_config_load_buffer(struct gw_config *c, const char *name,
			  const char *text, size_t len, char *err,
			  size_t errcap);
/* Command-line flags over c (after the file: --config FILE is read
 * first, then the rest override it; a repeatable flag replaces the
 * file's list), then LINERATED_TOKEN's token. 0; 1 if --help/--version
 * was printed (exit 0); -EINVAL with a reason in err, or the file's
 * -errno. Keeps argc/argv in c for the reload. Uses getopt_long: call
 * from the main thread. */
int gw_config_args(struct gw_config *c, int argc, char **argv, char *err,
		   size_t errcap);
/* Consistency and safety: 0 or -EINVAL with a reason. With no token
 * configured, a non-loopback http_listen is moved to loopback (same
 * port) and *warn says so (the caller logs it). */
int gw_config_validate(struct gw_config *c, char *err, size_t errcap,
		       char *warn, size_t warncap);
/* SIGHUP: re-read c->path, re-apply the flags and LINERATED_TOKEN,
 * validate; on success copy only tokens and limits into c (the rest
 * needs a restart: the keys that differ are listed in *note, "" if
 * none). 0 or -errno + err, c unchanged. Refused (-EINVAL) when it would
 * leave no token while http_listen is not loopback. Main thread. */
int gw_config_reload(struct gw_config *c, char *err, size_t errcap,
		     char *note, size_t notecap);
/* "--help" text. */
void gw_config_usage(FILE *out);
/* "1.2.3.4:80" or "[::1]:80" (numeric only, port 1-65535) into *ss and
 * *len: 0 or -EINVAL. For http_listen. */
int gw_config_parse_hostport(const char *s, struct sockaddr_storage *ss,
			     socklen_t *len);

/* Bearer-token check for a request. auth: the Authorization header or
 * NULL; right: the rights needed (all of them). 0 allowed; -EACCES (no/unknown token, or its rights or room
 * pattern do not cover this); with no token configured, everything is
 * allowed. Tokens are compared in constant time. *who: the token's
 * name for logs (never the token): "anonymous" when no token is
 * configured, "-" when none matched; never NULL. */
int gw_auth_check(const struct gw_config *c, const char *auth,
		  enum gw_right right, const char *room, const char **who);

#endif
