// SPDX-License-Identifier: BSD-2-Clause
/*
 * linerated as lr-bench-gateway's child: a temporary directory with its
 * configuration (no limit on new sessions per address: every client
 * here is 127.0.0.1; no drain) and its log, a free HTTP port of
 * 127.0.0.1, the CPU placement, its threads' CPU time from /proc, and
 * SIGTERM at the end.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fwd.h"
#include "gwb.h"

#define START_TIMEOUT 15000000 /* us */

void gwb_pin_self(int cpu)
{
	if (cpu >= 0) /* -1: wherever the kernel puts it */
		fwd_pin(cpu);
}

const char *gwb_find_linerated(const char *given, char *buf, size_t cap)
{
	static const char *const rel[] = {"/../control/gateway/linerated",
					  "/linerated"};
	char self[PATH_MAX];
	ssize_t n;

	if (given)
		return access(given, X_OK) ? NULL : given;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(buf, cap, "%s%s", self, rel[i]);
		if (!access(buf, X_OK))
			return buf;
	}
	return NULL;
}

/* A TCP port of 127.0.0.1 free just now (linerated binds it next; if
 * someone takes it in between, the start fails and is tried again). */
static uint16_t free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	uint16_t port = 0;

	if (fd < 0)
		return 0;
	if (!bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &al))
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int write_config(const struct gwb_gw *g, char *path, size_t cap)
{
	FILE *f;

	snprintf(path, cap, "%s/linerated.conf", g->dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f,
		"# written by lr-bench-gateway\n"
		"[limits]\n"
		"new_sessions_per_sec = 0\n"
		"drain = 0\n"
		"max_viewers = %d\n",
		GWB_MAX_VIEWERS);
	return fclose(f) ? -EIO : 0;
}

static void log_tail(const struct gwb_gw *g)
{
	char line[1024];
	FILE *f = fopen(g->log, "r");
	long at;

	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	at = ftell(f);
	fseek(f, at > 4096 ? at - 4096 : 0, SEEK_SET);
	fprintf(stderr, "lr-bench-gateway: linerated's log (its end):\n");
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "  | %s", line);
	fclose(f);
}

/* 1 once the log says it started, -1 if it could not listen (the port
 * was taken), -2 if its data plane could not start, else 0. */
static int log_says(const struct gwb_gw *g)
{
	char line[2048];
	FILE *f = fopen(g->log, "r");
	int r = 0;

	if (!f)
		return 0;
	while (!r && fgets(line, sizeof(line), f)) {
		if (strstr(line, "\"event\":\"started\""))
			r = 1;
		else if (strstr(line, "\"event\":\"http_failed\""))
			r = -1;
		else if (strstr(line, "\"event\":\"dataplane_failed\""))
			r = -2;
	}
	fclose(f);
	return r;
}

static pid_t spawn(struct gwb_gw *g, const char *exe, const char *conf,
		   int dp_cpu)
{
	char listen[32];
	pid_t pid;

	snprintf(listen, sizeof(listen), "127.0.0.1:%u", g->http_port);
	pid = fork();
	if (pid)
		return pid;
	{
		int fd = open(g->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0600);
		sigset_t none;

		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dp_cpu >= 0) {
			cpu_set_t s;

			CPU_ZERO(&s);
			CPU_SET(dp_cpu, &s);
			sched_setaffinity(0, sizeof(s), &s);
		}
		execl(exe, exe, "--config", conf, "--listen", listen,
		      "--media-ip", "127.0.0.1", "--backend", g->backend,
		      "--log-json", (char *)NULL);
		_exit(127);
	}
}

/* Its control thread to ctl_cpu (the data plane's keeps dp_cpu). */
static void place(struct gwb_gw *g, int ctl_cpu)
{
	cpu_set_t s;

	g->ctl_cpu = -1;
	if (ctl_cpu < 0)
		return;
	CPU_ZERO(&s);
	CPU_SET(ctl_cpu, &s);
	if (!sched_setaffinity(g->pid, sizeof(s), &s))
		g->ctl_cpu = ctl_cpu;
}

int gwb_gw_start(struct gwb_gw *g, const char *exe, const char *backend,
		 int dp_cpu, int ctl_cpu)
{
	const char *tmp;
	char conf[320];
	int rc;

	memset(g, 0, sizeof(*g));
	g->backend = backend;
	tmp = getenv("TMPDIR");
	snprintf(g->dir, sizeof(g->dir), "%s/lr-bench-gateway.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(g->dir))
		return -errno;
	snprintf(g->log, sizeof(g->log), "%s/linerated.log", g->dir);
	rc = write_config(g, conf, sizeof(conf));
	for (int attempt = 0; !rc && attempt < 5; attempt++) {
		uint64_t t0 = gwb_now_us();
		int st, says = 0;

		g->http_port = free_port();
		g->pid = spawn(g, exe, conf, dp_cpu);
		if (g->pid < 0)
			return -errno;
		while (!says && gwb_now_us() - t0 < START_TIMEOUT) {
			usleep(10000);
			says = log_says(g);
			if (!says && waitpid(g->pid, &st, WNOHANG) == g->pid) {
				g->pid = 0;
				says = log_says(g);
				if (says >= 0)
					says = -3; /* gone without a word */
			}
		}
		if (says == 1) {
			place(g, ctl_cpu);
			return 0;
		}
		log_tail(g);
		gwb_gw_stop(g);
		rc = says == -1	  ? 0	 /* the port was taken: again */
		     : says == -2 ? -EIO /* no data plane */
		     : says == -3 ? -ECHILD
				  : -ETIMEDOUT;
		if (!rc && !mkdir(g->dir, 0700))
			rc = write_config(g, conf, sizeof(conf));
	}
	return rc ? rc : -EADDRINUSE;
}

int gwb_gw_stop(struct gwb_gw *g)
{
	char path[320];
	int st = -1;

	if (g->pid > 0) {
		uint64_t t0 = gwb_now_us();

		kill(g->pid, SIGTERM);
		while (waitpid(g->pid, &st, WNOHANG) != g->pid) {
			if (gwb_now_us() - t0 > 10000000) {
				kill(g->pid, SIGKILL);
				waitpid(g->pid, &st, 0);
				break;
			}
			usleep(5000);
		}
	}
	if (st > 0)
		log_tail(g); /* before it goes with the directory */
	g->pid = 0;
	snprintf(path, sizeof(path), "%s/linerated.conf", g->dir);
	unlink(path);
	unlink(g->log);
	rmdir(g->dir);
	return st;
}

int gwb_gw_threads(const struct gwb_gw *g, int *tids, int n)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int k = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)g->pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		int tid = atoi(d->d_name);

		if (tid <= 0 || tid == g->pid)
			continue;
		if (k < n)
			tids[k] = tid;
		k++;
	}
	closedir(dir);
	return k;
}

uint64_t gwb_task_cpu_ns(pid_t pid, int tid)
{
	char path[96], buf[1024], *p;
	unsigned long long ns = 0, ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid,
		 tid);
	f = fopen(path, "r");
	if (f) {
		int ok = fscanf(f, "%llu", &ns) == 1;

		fclose(f);
		if (ok && ns)
			return ns;
	}
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* after "pid (comm)": state and 10 more fields, then utime stime */
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%llu %llu",
			 &ut, &st) != 2)
		return 0;
	return (ut + st) *
	       (1000000000ull / (unsigned long long)sysconf(_SC_CLK_TCK));
}

int gwb_gw_metrics(const struct gwb_gw *g, char **text)
{
	struct gwb_resp r;
	int rc = gwb_http(g->http_port, "GET", "/metrics", NULL, NULL, 0, &r);

	*text = NULL;
	if (rc)
		return rc;
	if (r.status != 200) {
		gwb_resp_free(&r);
		return -EPROTO;
	}
	*text = r.body;
	return 0;
}
