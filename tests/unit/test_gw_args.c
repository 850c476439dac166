/*
 * linerated's command line (gw_config_args): flags over the file wherever
 * --config is, repeatable flags replacing the file's lists, errors that
 * name the flag and never say a secret, --help with every flag and its
 * default, --version, LINERATED_TOKEN.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw_config.h"
#include "gw_log.h"
#include "gw_tests.h"

#define A_SECRET "alice-secret-token-000000000001"
#define C_SECRET "carol-secret-token-3"

int gw_test_args(struct gw_config *c, char *err, size_t cap, char **v)
{
	int n = 0;

	while (v[n])
		n++;
	return gw_config_args(c, n, v, err, cap);
}

static void test_flags_override_file(void)
{
	struct gw_config c;
	char err[512] = "";
	const char *p = gw_test_file(
		"flags.conf", "[http]\nlisten = 127.0.0.1:9000\n"
			      "cors_origin = https://file.example\n"
			      "[media]\nports = 20000-20001\nworkers = 2\n"
			      "[ice]\nserver = stun:s.example:3478\n"
			      "[auth]\ntoken = alice publish * " A_SECRET "\n"
			      "[limits]\nmax_sessions = 100\n"
			      "max_viewers = 10\ndrain = 4\n");
	char *v[] = {"linerated",
		     "--listen",
		     "127.0.0.2:9001",
		     "--ports=30000-30003",
		     "--ice-server",
		     "turn:t.example.org:3478 u p",
		     "--ice-server",
		     "stun:s2.example",
		     "--token",
		     "carol:play:room-*:" C_SECRET,
		     "--max-sessions",
		     "7",
		     "--max-viewers",
		     "9",
		     "--log-json",
		     "--log-level",
		     "warn",
		     "--ice-lite=no",
		     "--cors-origin",
		     "https://a.example",
		     "--backend",
		     "sock",
		     "--media-ip",
		     "127.0.0.3",
		     "--public-ip",
		     "127.0.0.4",
		     "--workers",
		     "3",
		     "--config",
		     (char *)p, /* read first wherever it is */
		     NULL};

	gw_config_defaults(&c);
	c.ice_lite = 1;
	CU_ASSERT_EQUAL_FATAL(gw_test_args(&c, err, sizeof(err), v), 0);
	CU_ASSERT_STRING_EQUAL(c.path, p);
	CU_ASSERT_STRING_EQUAL(c.http_listen, "127.0.0.2:9001");
	CU_ASSERT_EQUAL(c.port_min, 30000);
	CU_ASSERT_EQUAL(c.port_max, 30003);
	CU_ASSERT_EQUAL(c.workers, 3);
	CU_ASSERT_EQUAL(c.backend, GW_BACKEND_SOCK);
	CU_ASSERT_STRING_EQUAL(c.media_ip, "127.0.0.3");
	CU_ASSERT_STRING_EQUAL(c.public_ip, "127.0.0.4");
	/* repeatable flags replace the file's list */
	CU_ASSERT_EQUAL(c.norigins, 1);
	CU_ASSERT_STRING_EQUAL(c.origins[0], "https://a.example");
	CU_ASSERT_EQUAL_FATAL(c.nice, 2);
	CU_ASSERT_STRING_EQUAL(c.ice[0].url, "turn:t.example.org:3478");
	CU_ASSERT_STRING_EQUAL(c.ice[0].username, "u");
	CU_ASSERT_STRING_EQUAL(c.ice[1].url, "stun:s2.example");
	CU_ASSERT_EQUAL_FATAL(c.ntokens, 1);
	CU_ASSERT_STRING_EQUAL(c.tokens[0].name, "carol");
	CU_ASSERT_EQUAL(c.tokens[0].rights, GW_RIGHT_PLAY);
	CU_ASSERT_STRING_EQUAL(c.tokens[0].rooms, "room-*");
	CU_ASSERT_STRING_EQUAL(c.tokens[0].token, C_SECRET);
	CU_ASSERT_EQUAL(c.limits.max_sessions, 7);
	CU_ASSERT_EQUAL(c.limits.max_viewers, 9);
	CU_ASSERT_EQUAL(c.limits.drain_s, 4); /* from the file */
	CU_ASSERT_EQUAL(c.log_json, 1);
	CU_ASSERT_EQUAL(c.log_level, GW_LOG_WARN);
	CU_ASSERT_EQUAL(c.ice_lite, 0);
	CU_ASSERT_EQUAL(c.argc, (int)(sizeof(v) / sizeof(v[0])) - 1);
}

static void check_flag_error(char **v, const char *says, const char *hidden)
{
	struct gw_config c;
	char err[512] = "";

	gw_config_defaults(&c);
	CU_ASSERT(gw_test_args(&c, err, sizeof(err), v) < 0);
	if (!strstr(err, says))
		printf("\n  err='%s' (wants '%s')", err, says);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, says));
	if (hidden)
		CU_ASSERT_PTR_NULL(strstr(err, hidden));
}

static void test_flag_errors(void)
{
	char *unknown[] = {"linerated", "--nope", NULL};
	char *noval[] = {"linerated", "--workers", NULL};
	char *range[] = {"linerated", "--workers", "0", NULL};
	char *stray[] = {"linerated", "extra", NULL};
	char *tok[] = {"linerated", "--token", "a:publish:*:bad secret 012345",
		       NULL};
	char *tok4[] = {"linerated", "--token", "a:publish:" A_SECRET, NULL};
	char *tokr[] = {"linerated", "--token", "a::*:" A_SECRET, NULL};
	char *typo[] = {"linerated", "--tokn=" A_SECRET, NULL};
	char *ports[] = {"linerated", "--ports", "9-1", NULL};
	char *cfg[] = {"linerated", "--config", "/nonexistent/x.conf", NULL};

	check_flag_error(unknown, "--nope: unknown option", NULL);
	check_flag_error(noval, "--workers: needs a value", NULL);
	check_flag_error(range, "--workers: 0 out of range (1-64)", NULL);
	check_flag_error(stray, "unexpected argument 'extra'", NULL);
	check_flag_error(tok, "--token: the secret must be", "bad secret");
	check_flag_error(tok4, "--token: expected NAME:RIGHTS:ROOMS:SECRET",
			 A_SECRET);
	check_flag_error(tokr, "--token: no rights", A_SECRET);
	check_flag_error(typo, "--tokn: unknown option", A_SECRET);
	check_flag_error(ports, "--ports: range reversed (9-1)", NULL);
	check_flag_error(cfg, "/nonexistent/x.conf: No such file", NULL);
}

/* stdout of f(), into buf. */
static int capture_stdout(char *buf, size_t cap, char **v)
{
	struct gw_config c;
	char err[256];
	FILE *t = tmpfile();
	int saved, r;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	fflush(stdout);
	saved = dup(1);
	dup2(fileno(t), 1);
	gw_config_defaults(&c);
	r = gw_test_args(&c, err, sizeof(err), v);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(t);
	n = fread(buf, 1, cap - 1, t);
	buf[n] = '\0';
	fclose(t);
	return r;
}

static void test_help_version(void)
{
	static char out[16384];
	char *help[] = {"linerated", "--workers", "2", "--help", NULL};
	char *bad_then_help[] = {"linerated", "--workers", "0", "-h", NULL};
	char *version[] = {"linerated", "--version", NULL};
	static const char *const every[] = {"--config FILE",
					    "--listen IP:PORT",
					    "--cors-origin ORIGIN",
					    "--media-ip IP",
					    "--ports FIRST-LAST",
					    "--public-ip IP",
					    "--backend NAME",
					    "--workers N",
					    "--ice-server",
					    "--ice-lite[=BOOL]",
					    "--token NAME:RIGHTS:ROOMS:SECRET",
					    "--token-file FILE",
					    "--max-sessions N",
					    "--max-viewers N",
					    "--log-json[=BOOL]",
					    "--log-level LEVEL",
					    "--help",
					    "--version",
					    "LINERATED_TOKEN"};

	CU_ASSERT_EQUAL(capture_stdout(out, sizeof(out), help), 1);
	for (size_t i = 0; i < sizeof(every) / sizeof(every[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(out, every[i]));
	/* each default, as gw_config_defaults has it */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(default: 127.0.0.1:8080)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(default: auto)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(default: 1000)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(default: 100)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "(default: info)"));
	/* every flag with a value has its default line */
	{
		unsigned flags = 0, defaults = 0;

		for (const char *s = out; s; s = strchr(s, '\n')) {
			s += *s == '\n';
			s += strspn(s, " ");
			flags += *s == '-';
		}
		for (const char *s = out; (s = strstr(s, "(default: ")); s++)
			defaults++;
		CU_ASSERT_EQUAL(flags, 18);
		CU_ASSERT_EQUAL(defaults,
				flags - 2); /* not --help, --version */
	}
	/* --help wins over a bad value given with it */
	CU_ASSERT_EQUAL(capture_stdout(out, sizeof(out), bad_then_help), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Usage: linerated"));
	CU_ASSERT_EQUAL(capture_stdout(out, sizeof(out), version), 1);
	CU_ASSERT(!strncmp(out, "linerated ", 10));
}

static void test_env_token(void)
{
	struct gw_config c;
	char err[256] = "";
	char *v[] = {"linerated", NULL};

	setenv("LINERATED_TOKEN", "env-secret-token-0123456", 1);
	gw_config_defaults(&c);
	CU_ASSERT_EQUAL(gw_test_args(&c, err, sizeof(err), v), 0);
	CU_ASSERT_EQUAL_FATAL(c.ntokens, 1);
	CU_ASSERT_STRING_EQUAL(c.tokens[0].name, "env");
	CU_ASSERT_EQUAL(c.tokens[0].rights, GW_RIGHT_PUBLISH | GW_RIGHT_PLAY);
	CU_ASSERT_STRING_EQUAL(c.tokens[0].rooms, "*");
	CU_ASSERT_STRING_EQUAL(c.tokens[0].token, "env-secret-token-0123456");
	setenv("LINERATED_TOKEN", "tiny-s3cr", 1);
	gw_config_defaults(&c);
	CU_ASSERT_EQUAL(gw_test_args(&c, err, sizeof(err), v), -EINVAL);
	CU_ASSERT(!strncmp(err, "LINERATED_TOKEN: the secret is shorter", 38));
	CU_ASSERT_PTR_NULL(strstr(err, "tiny-s3cr"));
	unsetenv("LINERATED_TOKEN");
}

void gw_args_add_tests(CU_pSuite s)
{
	LR_ADD_TEST(s, test_flags_override_file);
	LR_ADD_TEST(s, test_flag_errors);
	LR_ADD_TEST(s, test_help_version);
	LR_ADD_TEST(s, test_env_token);
}
