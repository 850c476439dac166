/*
 * A backend that cannot start fails lr_dp_new, and falling back is the
 * caller's choice (issue 14, item 1): in a child process whose seccomp
 * filter refuses io_uring_setup (as kernel.io_uring_disabled or a
 * container's profile would), LR_DP_URING fails with the kernel's error
 * -- it used to print a line and quietly run the sock loop -- and
 * LR_DP_AUTO runs sock and says so (lr_dp_backend_name). Where io_uring
 * works, AUTO picks uring.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dp_peers.h"
#include "linerate/lr_dp.h"

static int refuse_io_uring(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	       prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static int open_dp(enum lr_dp_backend b, struct lr_dp **dp)
{
	struct lr_addr lo = loop_addr(0);
	struct lr_dp_config c = {.backend = b, .local = &lo, .nlocal = 1};

	return lr_dp_new(&c, dp);
}

/* In a child: 0 if what it finds is as it must be, else a code. */
static int child(void)
{
	struct lr_dp *dp = NULL;
	int r;

	if (refuse_io_uring())
		return 10;
	r = open_dp(LR_DP_URING, &dp);
	if (r != -EPERM || dp)
		return 11; /* must fail, with the kernel's error */
	r = open_dp(LR_DP_AUTO, &dp);
	if (r || !dp || strcmp(lr_dp_backend_name(dp), "sock"))
		return 12;
	lr_dp_free(dp);
	return 0;
}

static void test_no_silent_fallback(void)
{
	pid_t pid;
	int st = -1;

#ifndef LR_HAVE_URING
	return; /* no uring backend built: nothing to fall back from */
#endif
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (!pid)
		_exit(child());
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st));
	CU_ASSERT_EQUAL(WEXITSTATUS(st), 0);
}

static void test_auto_picks_uring(void)
{
	struct lr_dp *dp = NULL;

	CU_ASSERT_EQUAL_FATAL(open_dp(LR_DP_AUTO, &dp), 0);
#ifdef LR_HAVE_URING
	CU_ASSERT_STRING_EQUAL(lr_dp_backend_name(dp), "uring");
#else
	CU_ASSERT_STRING_EQUAL(lr_dp_backend_name(dp), "sock");
#endif
	lr_dp_free(dp);
}

void lr_test_register(void)
{
	CU_pSuite s = CU_add_suite("dp-backend", NULL, NULL);

	LR_ADD_TEST(s, test_no_silent_fallback);
	LR_ADD_TEST(s, test_auto_picks_uring);
}
