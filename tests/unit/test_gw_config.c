/*
 * linerated's configuration (control/gateway/gw_config.h): the defaults,
 * a file with every key, each kind of bad value refused with its file,
 * line and key and the configuration left as it was, flags over the
 * file, --help, the loopback fallback without tokens, and SIGHUP's
 * reload changing tokens and limits and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gw_config.h"
#include "gw_log.h"
#include "gw_tests.h"

static char dir[512];

static int setup(void)
{
	const char *t = getenv("TMPDIR");

	unsetenv("LINERATED_TOKEN"); /* the tests say which tokens there are */
	snprintf(dir, sizeof(dir), "%s/test_gw_config.XXXXXX", t ? t : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

const char *gw_test_file(const char *name, const char *text)
{
	static char paths[8][1024];
	static unsigned next;
	char *p = paths[next++ % 8];
	FILE *f;

	snprintf(p, 1024, "%s/%.400s", dir, name);
	f = fopen(p, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	return p;
}

#define A_SECRET "alice-secret-token-000000000001"
#define B_SECRET "bob/secret+token="
#define C_SECRET "carol-secret-token-3"

static void test_defaults(void)
{
	struct gw_config c;
	char err[256], warn[256];

	gw_config_defaults(&c);
	CU_ASSERT_STRING_EQUAL(c.http_listen, "127.0.0.1:8080");
	CU_ASSERT_EQUAL(c.norigins, 0);
	CU_ASSERT_STRING_EQUAL(c.media_ip, "127.0.0.1");
	CU_ASSERT_EQUAL(c.port_min, 0);
	CU_ASSERT_EQUAL(c.port_max, 0);
	CU_ASSERT_STRING_EQUAL(c.public_ip, "");
	CU_ASSERT_EQUAL(c.backend, GW_BACKEND_AUTO);
	CU_ASSERT_EQUAL(c.workers, 1);
	CU_ASSERT_STRING_EQUAL(c.dpdk_eal, "");
	CU_ASSERT_EQUAL(c.dpdk_port, 0);
	CU_ASSERT_EQUAL(c.nice, 0);
	CU_ASSERT_EQUAL(c.ice_lite, 0);
	CU_ASSERT_EQUAL(c.ntokens, 0);
	CU_ASSERT_EQUAL(c.limits.max_sessions, 1000);
	CU_ASSERT_EQUAL(c.limits.max_viewers, 100);
	CU_ASSERT_EQUAL(c.limits.max_rooms, 1000);
	CU_ASSERT_EQUAL(c.limits.body_max, 65536);
	CU_ASSERT_EQUAL(c.limits.new_per_sec, 5);
	CU_ASSERT_EQUAL(c.limits.new_burst, 10);
	CU_ASSERT_EQUAL(c.limits.retry_after_s, 5);
	CU_ASSERT_EQUAL(c.limits.drain_s, 10);
	CU_ASSERT_EQUAL(c.limits.connect_timeout_s, 30);
	CU_ASSERT_EQUAL(c.log_json, 0);
	CU_ASSERT_EQUAL(c.log_level, GW_LOG_INFO);
	CU_ASSERT_STRING_EQUAL(c.path, "");
	/* the defaults are valid and need no fallback */
	CU_ASSERT_EQUAL(
		gw_config_validate(&c, err, sizeof(err), warn, sizeof(warn)),
		0);
	CU_ASSERT_STRING_EQUAL(warn, "");
}

static const char full_conf[] =
	"; every key of linerated.conf\n"
	"[http]\n"
	"listen = 0.0.0.0:8443   ; all addresses\n"
	"cors_origin = https://app.example.org\n"
	"cors_origin = http://localhost:3000\n"
	"\n"
	"  [media]\n"
	"ip = 10.0.0.5\n"
	"\tports = 20000-20003\n"
	"public_ip = 198.51.100.7\n"
	"backend = uring\n"
	"workers = 4\n"
	"# DPDK\n"
	"[dpdk]\n"
	"eal_args = --no-huge --no-pci\n"
	"eal_args = -m 256\n"
	"port = 1\n"
	"gateway4 = 10.0.0.1\n"
	"gateway6 = fe80::1\n"
	"prefix4 = 24\n"
	"prefix6 = 64\n"
	"[ice]\n"
	"server = stun:stun.example.org:3478\n"
	"server = turn:[2001:db8::1]:3478?transport=udp user1 pass-word\r\n"
	"lite = Yes\n"
	"[auth]\n"
	"token = alice publish live-* " A_SECRET "\n"
	"token =   bob   play   *   " B_SECRET "  \n"
	"token_file = tokens-full\n"
	"[limits]\n"
	"max_sessions = 500\n"
	"max_viewers = 50\n"
	"max_rooms = 20\n"
	"body_max = 32768\n"
	"new_sessions_per_sec = 0\n"
	"new_sessions_burst = 3\n"
	"retry_after = 7\n"
	"drain = 25\n"
	"connect_timeout = 12\n"
	"[log]\n"
	"json = on\n"
	"level = debug\n";

static void test_full_file(void)
{
	struct gw_config c;
	const char *p;
	char err[512] = "", warn[256];

	gw_test_file("tokens-full", "# token lines\n\n"
				    "carol publish,play room? " C_SECRET "\n");
	p = gw_test_file("full.conf", full_conf);
	gw_config_defaults(&c);
	CU_ASSERT_EQUAL_FATAL(gw_config_load(&c, p, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_STRING_EQUAL(c.path, p);
	CU_ASSERT_STRING_EQUAL(c.http_listen, "0.0.0.0:8443");
	CU_ASSERT_EQUAL(c.norigins, 2);
	CU_ASSERT_STRING_EQUAL(c.origins[0], "https://app.example.org");
	CU_ASSERT_STRING_EQUAL(c.origins[1], "http://localhost:3000");
	CU_ASSERT_STRING_EQUAL(c.media_ip, "10.0.0.5");
	CU_ASSERT_EQUAL(c.port_min, 20000);
	CU_ASSERT_EQUAL(c.port_max, 20003);
	CU_ASSERT_STRING_EQUAL(c.public_ip, "198.51.100.7");
	CU_ASSERT_EQUAL(c.backend, GW_BACKEND_URING);
	CU_ASSERT_EQUAL(c.workers, 4);
	CU_ASSERT_STRING_EQUAL(c.dpdk_eal, "--no-huge --no-pci -m 256");
	CU_ASSERT_EQUAL(c.dpdk_port, 1);
	CU_ASSERT_STRING_EQUAL(c.dpdk_gw4, "10.0.0.1");
	CU_ASSERT_STRING_EQUAL(c.dpdk_gw6, "fe80::1");
	CU_ASSERT_EQUAL(c.dpdk_prefix4, 24);
	CU_ASSERT_EQUAL(c.dpdk_prefix6, 64);
	CU_ASSERT_EQUAL_FATAL(c.nice, 2);
	CU_ASSERT_STRING_EQUAL(c.ice[0].url, "stun:stun.example.org:3478");
	CU_ASSERT_STRING_EQUAL(c.ice[0].username, "");
	CU_ASSERT_STRING_EQUAL(c.ice[1].url,
			       "turn:[2001:db8::1]:3478?transport=udp");
	CU_ASSERT_STRING_EQUAL(c.ice[1].username, "user1");
	CU_ASSERT_STRING_EQUAL(c.ice[1].credential, "pass-word");
	CU_ASSERT_EQUAL(c.ice_lite, 1);
	CU_ASSERT_EQUAL_FATAL(c.ntokens, 3);
	CU_ASSERT_STRING_EQUAL(c.tokens[0].name, "alice");
	CU_ASSERT_EQUAL(c.tokens[0].rights, GW_RIGHT_PUBLISH);
	CU_ASSERT_STRING_EQUAL(c.tokens[0].rooms, "live-*");
	CU_ASSERT_STRING_EQUAL(c.tokens[0].token, A_SECRET);
	CU_ASSERT_STRING_EQUAL(c.tokens[1].name, "bob");
	CU_ASSERT_EQUAL(c.tokens[1].rights, GW_RIGHT_PLAY);
	CU_ASSERT_STRING_EQUAL(c.tokens[1].rooms, "*");
	CU_ASSERT_STRING_EQUAL(c.tokens[1].token, B_SECRET);
	CU_ASSERT_STRING_EQUAL(c.tokens[2].name, "carol");
	CU_ASSERT_EQUAL(c.tokens[2].rights, GW_RIGHT_PUBLISH | GW_RIGHT_PLAY);
	CU_ASSERT_STRING_EQUAL(c.tokens[2].rooms, "room?");
	CU_ASSERT_STRING_EQUAL(c.tokens[2].token, C_SECRET);
	CU_ASSERT_EQUAL(c.limits.max_sessions, 500);
	CU_ASSERT_EQUAL(c.limits.max_viewers, 50);
	CU_ASSERT_EQUAL(c.limits.max_rooms, 20);
	CU_ASSERT_EQUAL(c.limits.body_max, 32768);
	CU_ASSERT_EQUAL(c.limits.new_per_sec, 0);
	CU_ASSERT_EQUAL(c.limits.new_burst, 3);
	CU_ASSERT_EQUAL(c.limits.retry_after_s, 7);
	CU_ASSERT_EQUAL(c.limits.drain_s, 25);
	CU_ASSERT_EQUAL(c.limits.connect_timeout_s, 12);
	CU_ASSERT_EQUAL(c.log_json, 1);
	CU_ASSERT_EQUAL(c.log_level, GW_LOG_DEBUG);
	/* tokens configured: 0.0.0.0 is kept */
	CU_ASSERT_EQUAL(
		gw_config_validate(&c, err, sizeof(err), warn, sizeof(warn)),
		0);
	CU_ASSERT_STRING_EQUAL(c.http_listen, "0.0.0.0:8443");
	CU_ASSERT_STRING_EQUAL(warn, "");
}

/* The sample configuration shipped in packaging/ loads and validates. */
static void test_sample_file(void)
{
	struct gw_config c;
	char err[512] = "", warn[256];

	gw_config_defaults(&c);
	CU_ASSERT_EQUAL(gw_config_load(&c, LR_SAMPLE_CONF, err, sizeof(err)),
			0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL(
		gw_config_validate(&c, err, sizeof(err), warn, sizeof(warn)),
		0);
}

/* ... and so does it with every example key uncommented (but the token
 * file, which is not there): the examples are valid values. */
static void test_sample_uncommented(void)
{
	struct gw_config c;
	char err[512] = "", warn[256], *text, *out;
	size_t len, n = 0;
	unsigned keys = 0;
	FILE *f = fopen(LR_SAMPLE_CONF, "r");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	text = calloc(1, 65536);
	out = calloc(1, 65536);
	len = fread(text, 1, 65535, f);
	fclose(f);
	for (char *l = text; l < text + len;) {
		char *nl = strchr(l, '\n');
		size_t ll = nl ? (size_t)(nl - l + 1) : strlen(l);
		int key = l[0] == '#' && l[1] >= 'a' && l[1] <= 'z' &&
			  strstr(l, " = ") && strstr(l, " = ") < l + ll &&
			  strncmp(l, "#token_file", 11);

		memcpy(out + n, l + key, ll - (size_t)key);
		n += ll - (size_t)key;
		keys += key;
		l += ll;
	}
	/* every key of the table, the repeatable ones twice */
	CU_ASSERT_EQUAL(keys, 27 + 4);
	gw_config_defaults(&c);
	CU_ASSERT_EQUAL(
		gw_config_load_buffer(&c, "sample", out, n, err, sizeof(err)),
		0);
	if (err[0])
		printf("\n  %s", err);
	CU_ASSERT_EQUAL(
		gw_config_validate(&c, err, sizeof(err), warn, sizeof(warn)),
		0);
	CU_ASSERT_EQUAL(c.ntokens, 2);
	CU_ASSERT_EQUAL(c.nice, 2);
	CU_ASSERT_EQUAL(c.norigins, 2);
	free(text);
	free(out);
}

struct bad {
	const char *text;
	unsigned line;
	const char *says;
};

static const struct bad bads[] = {
	{"[http]\nlisten = 127.0.0.1:70000\n", 2,
	 "[http] listen: '127.0.0.1:70000' is not IP:PORT"},
	{"[http]\nlisten = localhost:80\n", 2, "[http] listen:"},
	{"[media]\n; c\nports = 20003-20000\n", 3,
	 "[media] ports: range reversed (20003-20000)"},
	{"[media]\nports = 20000-20064\n", 2,
	 "[media] ports: range of 65 ports: at most 64"},
	{"[media]\nports = 0-5\n", 2,
	 "port 0 (one ephemeral port) cannot be part of a range"},
	{"[media]\nports = 2000x\n", 2, "is not PORT or FIRST-LAST"},
	{"[media]\nbackend = xdp\n", 2,
	 "[media] backend: unknown backend 'xdp'"},
	{"[media]\nworkers = 0\n", 2, "[media] workers: 0 out of range (1-64)"},
	{"[media]\nworkers = 65\n", 2,
	 "[media] workers: 65 out of range (1-64)"},
	{"[media]\nworkers = -1\n", 2, "[media] workers: '-1' is not a number"},
	{"[limits]\n\nbody_max = 65537\n", 3,
	 "[limits] body_max: 65537 out of range (1024-65536)"},
	{"[limits]\nmax_sessions = 99999999999\n", 2,
	 "[limits] max_sessions: 99999999999 out of range (1-1000000)"},
	{"[dpdk]\nprefix4 = 33\n", 2, "[dpdk] prefix4: 33 out of range (0-32)"},
	{"[dpdk]\ngateway4 = fe80::1\n", 2,
	 "[dpdk] gateway4: 'fe80::1' is not an IPv4 address"},
	{"[http]\n[foo]\nx = 1\n", 2, "unknown section [foo]"},
	{"[ http ]\n", 1, "unknown section [ http ]"},
	{"[http\n", 1, "expected ']'"},
	{"[media]\nport = 1\n", 2, "unknown key 'port' in [media]"},
	{"[media]\nip = 10.0.0.256\n", 2,
	 "[media] ip: '10.0.0.256' is not an IP address"},
	{"[media]\npublic_ip = example.org\n", 2,
	 "[media] public_ip: 'example.org' is not an IP address"},
	{"[auth]\ntoken = a - * " A_SECRET "\n", 2, "[auth] token: no rights"},
	{"[auth]\ntoken = a none * " A_SECRET "\n", 2,
	 "[auth] token: no rights"},
	{"[auth]\ntoken = a publsh * " A_SECRET "\n", 2,
	 "rights must be publish, play or publish,play"},
	{"[auth]\ntoken = a publish,,play * " A_SECRET "\n", 2,
	 "rights must be"},
	{"[auth]\ntoken = a publish * " A_SECRET "\ntoken = b play * " A_SECRET
	 "\n",
	 3, "token 'b' has the same secret as token 'a'"},
	{"[auth]\ntoken = a publish * " A_SECRET "\ntoken = a play * " B_SECRET
	 "\n",
	 3, "the name 'a' is used twice"},
	{"[auth]\ntoken = a publish *\n", 2,
	 "expected 'NAME RIGHTS ROOMS SECRET'"},
	{"[auth]\ntoken = a publish * " A_SECRET " extra\n", 2,
	 "expected 'NAME RIGHTS ROOMS SECRET'"},
	{"[auth]\ntoken = a publish * short-secret\n", 2,
	 "shorter than 16 characters"},
	{"[auth]\ntoken = a publish * bad\"secret-0123456789\n", 2, "RFC 6750"},
	{"[auth]\ntoken = a publish * ==secret-0123456789\n", 2, "RFC 6750"},
	{"[auth]\ntoken = a!b publish * " A_SECRET "\n", 2,
	 "the name may hold letters"},
	{"[auth]\ntoken_file = no-such-file\n", 2, "cannot read token file"},
	{"[auth]\ntoken_file = .\n", 2, "cannot read token file"},
	{"[auth]\ntoken_file = tokens-bad\n", 2, "tokens-bad:3: no rights"},
	{"[log]\njson = maybe\n", 2, "[log] json: 'maybe' is not a boolean"},
	{"[log]\nlevel = verbose\n", 2, "[log] level: unknown level 'verbose'"},
	{"[http]\nlisten\n", 2, "expected 'key = value'"},
	{"[http]\nlisten: 1.2.3.4:80\n", 2, "expected 'key = value'"},
	{"[http]\n= 1.2.3.4:80\n", 2, "expected 'key = value'"},
	{"[http]\nlisten ;x = 1.2.3.4:80\n[media]\nworkers = 0\n", 2,
	 "expected 'key = value'"},
	{"listen = 1.2.3.4:80\n", 1, "key outside any [section]"},
	{"[media]\nworkers = 2\n\nworkers = 3\n", 4,
	 "[media] workers: already set on line 2"},
	{"[ice]\nserver = turn:turn.example.org:3478\n", 2,
	 "needs a username and a credential"},
	{"[ice]\nserver = stun:stun.example.org u p\n", 2, "takes no username"},
	{"[ice]\nserver = http://stun.example.org\n", 2,
	 "must start with stun:"},
	{"[ice]\nserver = stun:bad_host\n", 2, "bad host or port"},
	{"[ice]\nserver = stun:h.example:3478?transport=udp\n", 2,
	 "the only query"},
	{"[ice]\nserver = turn:t.example u p\"q\n", 2,
	 "without blanks, quotes"},
	{"[ice]\nserver = a b\n", 2,
	 "expected 'URL' or 'URL USERNAME CREDENTIAL'"},
	{"[http]\ncors_origin = https://App.example.org\n", 2, "lower case"},
	{"[http]\ncors_origin = https//app.example.org\n", 2,
	 "not '*' nor an origin"},
	{"[http]\ncors_origin = https://app.example.org/path\n", 2,
	 "not '*' nor an origin"},
	{"[dpdk]\neal_args = \x01\n", 2, "control character"},
};

static void check_bad(const struct bad *b, unsigned i)
{
	struct gw_config c, before;
	char name[32], err[512] = "", want[64];
	const char *p;
	int r;

	snprintf(name, sizeof(name), "bad%u.conf", i);
	p = gw_test_file(name, b->text);
	gw_config_defaults(&c);
	before = c;
	r = gw_config_load(&c, p, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:%u: ", name, b->line);
	if (r == 0 || !strstr(err, want) || !strstr(err, b->says))
		printf("\n  case %u: r=%d err='%s' (wants '%s' and '%s')", i, r,
		       err, want, b->says);
	CU_ASSERT(r < 0);
	/* "file:line: " first, the file as given */
	CU_ASSERT(!strncmp(err, p, strlen(p)) &&
		  !strncmp(err + strlen(p) - strlen(name), want, strlen(want)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, b->says));
	CU_ASSERT_PTR_NULL(strchr(err, '\n'));
	/* secrets are never said back */
	CU_ASSERT_PTR_NULL(strstr(err, A_SECRET));
	CU_ASSERT_PTR_NULL(strstr(err, "secret-0123456789"));
	CU_ASSERT_PTR_NULL(strstr(err, "short-secret"));
	/* a refused file changes nothing */
	CU_ASSERT_EQUAL(memcmp(&c, &before, sizeof(c)), 0);
}

static void test_errors(void)
{
	gw_test_file("tokens-bad", "ok publish * " B_SECRET "\n"
				   "# comment\n"
				   "nope - * " C_SECRET "\n");
	for (unsigned i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
		check_bad(&bads[i], i);
}

static void test_errors_bytes(void)
{
	struct gw_config c, before;
	char err[512], line[300];
	static const char bom[] = "\xef\xbb\xbf[media]\nworkers = 3";
	static const char nul[] =
		"[http]\nlisten = 1.2.3.4:80\n[log]\nle\0vel = info\n";
	int n;

	gw_config_defaults(&c);
	before = c;
	/* a NUL byte, on line 4 */
	CU_ASSERT_EQUAL(gw_config_load_buffer(&c, "nul.conf", nul,
					      sizeof(nul) - 1, err,
					      sizeof(err)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "nul.conf:4: NUL byte");
	/* a line inih would split: refused, not cut */
	n = snprintf(line, sizeof(line), "[dpdk]\neal_args = %0180d\n", 7);
	CU_ASSERT_EQUAL(gw_config_load_buffer(&c, "long.conf", line, (size_t)n,
					      err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(err,
			       "long.conf:2: line longer than 190 characters");
	/* the longest line taken */
	n = snprintf(line, sizeof(line), "[dpdk]\neal_args = %0179d\n", 7);
	CU_ASSERT_EQUAL(gw_config_load_buffer(&c, "long.conf", line, (size_t)n,
					      err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(strlen(c.dpdk_eal), 179);
	c = before;
	/* a UTF-8 byte-order mark is taken; a missing file is -ENOENT */
	CU_ASSERT_EQUAL(gw_config_load_buffer(&c, "bom.conf", bom,
					      sizeof(bom) - 1, err,
					      sizeof(err)),
			0);
	CU_ASSERT_EQUAL(c.workers, 3);
	c = before;
	CU_ASSERT_EQUAL(gw_config_load(&c, "/nonexistent/linerated.conf", err,
				       sizeof(err)),
			-ENOENT);
	CU_ASSERT_STRING_EQUAL(
		err, "/nonexistent/linerated.conf: No such file or directory");
	CU_ASSERT_EQUAL(gw_config_load(&c, dir, err, sizeof(err)), -EISDIR);
	CU_ASSERT_EQUAL(memcmp(&c, &before, sizeof(c)), 0);
}

static void test_validate_loopback(void)
{
	struct gw_config c;
	char err[256], warn[256];

	gw_config_defaults(&c);
	strcpy(c.http_listen, "0.0.0.0:8080");
	CU_ASSERT_EQUAL(
		gw_config_validate(&c, err, sizeof(err), warn, sizeof(warn)),
		0);
	CU_ASSERT_STRING_EQUAL(c.http_listen, "127.0.0.1:8080");
	CU_ASSERT_STRING_EQUAL(
		warn,
		"no bearer token configured: listening on 127.0.0.1:8080 only; configure [auth] tokens to serve other addresses");
	strcpy(c.http_listen, "[2001:db8::5]:9443");
	CU_ASSERT_EQUAL(
		gw_config_validate(&c, err, sizeof(err), warn, sizeof(warn)),
		0);
	CU_ASSERT_STRING_EQUAL(c.http_listen, "[::1]:9443");
	CU_ASSERT_STRING_EQUAL(
		warn,
		"no bearer token configured: listening on [::1]:9443 only; configure [auth] tokens to serve other addresses");
	/* loopback already: no warning */
	strcpy(c.http_listen, "127.0.0.5:8080");
	CU_ASSERT_EQUAL(
		gw_config_validate(&c, err, sizeof(err), warn, sizeof(warn)),
		0);
	CU_ASSERT_STRING_EQUAL(c.http_listen, "127.0.0.5:8080");
	CU_ASSERT_STRING_EQUAL(warn, "");
	/* with a token, any address is kept; an unnamed token is named */
	strcpy(c.http_listen, "0.0.0.0:8080");
	c.ntokens = 1;
	c.tokens[0] = (struct gw_token){
		.token = A_SECRET, .rights = GW_RIGHT_PLAY, .rooms = "*"};
	CU_ASSERT_EQUAL(
		gw_config_validate(&c, err, sizeof(err), warn, sizeof(warn)),
		0);
	CU_ASSERT_STRING_EQUAL(c.http_listen, "0.0.0.0:8080");
	CU_ASSERT_STRING_EQUAL(warn, "");
	CU_ASSERT_STRING_EQUAL(c.tokens[0].name, "token #1");
}

static void check_invalid(struct gw_config *c, const char *says)
{
	char err[256] = "", warn[256];

	CU_ASSERT_EQUAL(
		gw_config_validate(c, err, sizeof(err), warn, sizeof(warn)),
		-EINVAL);
	if (!strstr(err, says))
		printf("\n  err='%s' (wants '%s')", err, says);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, says));
	gw_config_defaults(c);
}

/* What the struct may hold when set by code rather than by the file. */
static void test_validate_errors(void)
{
	struct gw_config c;

	gw_config_defaults(&c);
	strcpy(c.media_ip, "0.0.0.0");
	check_invalid(&c, "media.ip 0.0.0.0 cannot be advertised");
	strcpy(c.public_ip, "2001:db8::1");
	check_invalid(&c, "media.public_ip");
	c.backend = GW_BACKEND_DPDK;
	check_invalid(&c, "the dpdk backend has no ephemeral port");
	strcpy(c.dpdk_gw4, "192.0.2.1");
	check_invalid(&c, "a gateway needs its family's prefix");
	c.port_min = 10, c.port_max = 5;
	check_invalid(&c, "media.ports: 10-5");
	c.limits.body_max = 70000;
	check_invalid(&c, "limits.body_max: 70000 out of range (1024-65536)");
	c.workers = 0;
	check_invalid(&c, "media.workers: 0 out of range");
	strcpy(c.http_listen, "8080");
	check_invalid(&c, "http.listen");
	c.ntokens = 2;
	c.tokens[0] = (struct gw_token){"same-secret-0123456789", "a", 1, "*"};
	c.tokens[1] = (struct gw_token){"same-secret-0123456789", "b", 1, "*"};
	check_invalid(&c, "same name or secret");
	c.ntokens = 1;
	c.tokens[0] = (struct gw_token){"secret-0123456789abc", "a", 0, "*"};
	check_invalid(&c, "no rights");
	c.nice = 1;
	strcpy(c.ice[0].url, "turn:t.example");
	check_invalid(&c, "ice.server 1: a TURN server needs");
}

static const char reload_v1[] =
	"[http]\nlisten = 0.0.0.0:8080\n"
	"[media]\nports = 20000-20001\n"
	"[auth]\ntoken = alice publish * " A_SECRET "\n"
	"token_file = reload-tokens\n"
	"[limits]\nmax_sessions = 100\nmax_viewers = 50\n"
	"[log]\nlevel = info\n";

static const char reload_v2[] =
	"[http]\nlisten = 0.0.0.0:9090\n"
	"[media]\nports = 21000-21001\n"
	"[auth]\ntoken = bob play live-* " B_SECRET "\n"
	"token_file = reload-tokens\n"
	"[limits]\nmax_sessions = 200\nmax_viewers = 60\ndrain = 3\n"
	"[log]\nlevel = debug\n";

static void test_reload(void)
{
	struct gw_config c, old, want;
	char err[512] = "", warn[256], note[512];
	const char *p = gw_test_file("reload.conf", reload_v1);
	char *v[] = {"linerated",     "--config", (char *)p,
		     "--max-viewers", "7",	  NULL};

	gw_test_file("reload-tokens", "dave play * dave-secret-token-0001\n");
	gw_config_defaults(&c);
	CU_ASSERT_EQUAL_FATAL(gw_test_args(&c, err, sizeof(err), v), 0);
	CU_ASSERT_EQUAL_FATAL(
		gw_config_validate(&c, err, sizeof(err), warn, sizeof(warn)),
		0);
	CU_ASSERT_EQUAL(c.ntokens, 2);
	CU_ASSERT_EQUAL(c.limits.max_viewers, 7);

	/* the same files: nothing changes, nothing to restart for */
	old = c;
	CU_ASSERT_EQUAL(
		gw_config_reload(&c, err, sizeof(err), note, sizeof(note)), 0);
	CU_ASSERT_STRING_EQUAL(note, "");
	CU_ASSERT_EQUAL(memcmp(&c, &old, sizeof(c)), 0);

	/* new tokens and limits are applied; the rest waits for a restart */
	gw_test_file("reload.conf", reload_v2);
	gw_test_file("reload-tokens",
		     "erin publish room1 erin-secret-token-0001\n");
	old = c;
	CU_ASSERT_EQUAL_FATAL(
		gw_config_reload(&c, err, sizeof(err), note, sizeof(note)), 0);
	CU_ASSERT_EQUAL_FATAL(c.ntokens, 2);
	CU_ASSERT_STRING_EQUAL(c.tokens[0].name, "bob");
	CU_ASSERT_STRING_EQUAL(c.tokens[0].rooms, "live-*");
	CU_ASSERT_STRING_EQUAL(c.tokens[1].name, "erin");
	CU_ASSERT_EQUAL(c.limits.max_sessions, 200);
	CU_ASSERT_EQUAL(c.limits.max_viewers, 7); /* the flag still wins */
	CU_ASSERT_EQUAL(c.limits.drain_s, 3);
	CU_ASSERT_STRING_EQUAL(
		note,
		"changed but applied only by a restart: http.listen, media.ports, [log]");
	want = old;
	memcpy(want.tokens, c.tokens, sizeof(c.tokens));
	want.ntokens = c.ntokens;
	want.limits = c.limits;
	CU_ASSERT_EQUAL(memcmp(&c, &want, sizeof(c)), 0);

	/* a bad file: refused with its line, nothing changes */
	old = c;
	gw_test_file("reload.conf",
		     "[limits]\nmax_sessions = 10\n[media]\nports = 5-1\n");
	CU_ASSERT_EQUAL(
		gw_config_reload(&c, err, sizeof(err), note, sizeof(note)),
		-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err, "reload.conf:4: [media] ports: range reversed"));
	CU_ASSERT_EQUAL(memcmp(&c, &old, sizeof(c)), 0);

	/* no token left while serving 0.0.0.0: refused */
	gw_test_file("reload.conf", "[http]\nlisten = 0.0.0.0:8080\n");
	CU_ASSERT_EQUAL(
		gw_config_reload(&c, err, sizeof(err), note, sizeof(note)),
		-EINVAL);
	CU_ASSERT_STRING_EQUAL(
		err,
		"reload refused: no bearer token left while listening on 0.0.0.0:8080 (restart to fall back to loopback)");
	CU_ASSERT_EQUAL(memcmp(&c, &old, sizeof(c)), 0);

	/* a missing file: -ENOENT */
	unlink(p);
	CU_ASSERT_EQUAL(
		gw_config_reload(&c, err, sizeof(err), note, sizeof(note)),
		-ENOENT);
	CU_ASSERT_EQUAL(memcmp(&c, &old, sizeof(c)), 0);
}

static void test_parse_hostport(void)
{
	struct sockaddr_storage ss;
	socklen_t len;

	CU_ASSERT_EQUAL(gw_config_parse_hostport("127.0.0.1:8080", &ss, &len),
			0);
	CU_ASSERT_EQUAL(ss.ss_family, AF_INET);
	CU_ASSERT_EQUAL(len, sizeof(struct sockaddr_in));
	CU_ASSERT_EQUAL(gw_config_parse_hostport("[::1]:443", &ss, &len), 0);
	CU_ASSERT_EQUAL(ss.ss_family, AF_INET6);
	CU_ASSERT_EQUAL(len, sizeof(struct sockaddr_in6));
	CU_ASSERT_EQUAL(gw_config_parse_hostport("::1:443", &ss, &len),
			-EINVAL);
	CU_ASSERT_EQUAL(gw_config_parse_hostport("1.2.3.4:0", &ss, &len),
			-EINVAL);
	CU_ASSERT_EQUAL(gw_config_parse_hostport("1.2.3.4:", &ss, &len),
			-EINVAL);
	CU_ASSERT_EQUAL(gw_config_parse_hostport("1.2.3.4", &ss, &len),
			-EINVAL);
	CU_ASSERT_EQUAL(gw_config_parse_hostport("[::1]443", &ss, &len),
			-EINVAL);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("gw_config", setup, teardown);

	LR_ADD_TEST(s, test_defaults);
	LR_ADD_TEST(s, test_full_file);
	LR_ADD_TEST(s, test_sample_file);
	LR_ADD_TEST(s, test_sample_uncommented);
	LR_ADD_TEST(s, test_errors);
	LR_ADD_TEST(s, test_errors_bytes);
	gw_args_add_tests(s);
	LR_ADD_TEST(s, test_validate_loopback);
	LR_ADD_TEST(s, test_validate_errors);
	LR_ADD_TEST(s, test_reload);
	LR_ADD_TEST(s, test_parse_hostport);
	gw_auth_add_tests(s);
	gw_log_add_tests(s);
}
