/* jail_enter(): what a jailed process has left, and that a syscall outside
 * the allowlist kills it with SIGSYS. Each case runs in a forked child. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>

#include "lib/jail.h"
#include "lib/log.h"
#include "tests/tap.h"
#include "tests/harness/proc.h"
#include "tests/harness/tmp.h"
#include "tests/services/common/test_util.h"

enum action { DO_EXECVE, DO_SOCKET, DO_UNAME, DO_IOCTL_OK, DO_IOCTL_BAD, DO_OPEN_ETC,
	      DO_WAIT };

static int sync_pipe[2], go_pipe[2];

static void act(enum action a)
{
	switch (a) {
	case DO_EXECVE: {
		char *args[] = { "/bin/true", NULL };
		execve(args[0], args, NULL);
		_exit(10);
	}
	case DO_SOCKET:
		socket(AF_INET, SOCK_STREAM, 0);
		_exit(10);
	case DO_UNAME: {
		struct utsname u;
		_exit(uname(&u) == 0 ? 0 : 11);
	}
	case DO_IOCTL_OK: {
		struct winsize w;
		/* Allowed: the pipe is no terminal, so the kernel answers ENOTTY. */
		_exit(ioctl(sync_pipe[1], TIOCGWINSZ, &w) < 0 && errno == ENOTTY ? 0 : 12);
	}
	case DO_IOCTL_BAD:
		ioctl(sync_pipe[1], FIOCLEX);
		_exit(10);
	case DO_OPEN_ETC: {
		/* The root is an empty tmpfs: /etc does not exist, / is empty. */
		int fd = open("/etc/passwd", O_RDONLY);
		if (fd >= 0 || errno != ENOENT)
			_exit(13);
		_exit(access("/bin", F_OK) < 0 && errno == ENOENT ? 0 : 14);
	}
	case DO_WAIT: {
		char c = 1;
		if (write(sync_pipe[1], &c, 1) != 1)
			_exit(15);
		ssize_t n = read(go_pipe[0], &c, 1);
		_exit(n == 0 ? 0 : 16);
	}
	}
	_exit(17);
}

static pid_t run_jailed(const struct jail_spec *spec, enum action a)
{
	if (pipe(sync_pipe) || pipe(go_pipe))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(sync_pipe[0]);
		close(go_pipe[1]);
		if (jail_enter(spec, NULL) != 0)
			_exit(20);
		act(a);
	}
	close(sync_pipe[1]);
	close(go_pipe[0]);
	return pid;
}

static void close_pipes(void)
{
	close(sync_pipe[0]);
	close(go_pipe[1]);
}

static int outcome(const struct jail_spec *spec, enum action a)
{
	pid_t pid = run_jailed(spec, a);
	int st = pid > 0 ? harness_wait(pid, 10000) : -1;
	close_pipes();
	return st;
}

#define KILLED_BY_SIGSYS(st) ((st) >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
#define EXITED_0(st) ((st) >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)

static int limits_line(pid_t pid, const char *name, char *out, size_t len)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int rc = -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, strlen(name)) == 0) {
			snprintf(out, len, "%s", line + strlen(name));
			rc = 0;
		}
	fclose(f);
	return rc;
}

int main(void)
{
	log_init("test-jail");
	log_set_level(LOG_ERROR);
	struct jail_spec base = { .server = 1, .nofile = 64 };

	/* A jailed process waits on a pipe while we read its /proc status. */
	pid_t pid = run_jailed(&base, DO_WAIT);
	char c, v[128], lim[256];
	CHECK(pid > 0 && read(sync_pipe[0], &c, 1) == 1, "jailed child is running");
	CHECK(harness_proc_status(pid, "Seccomp", v, sizeof(v)) == 0 && strcmp(v, "2") == 0,
	      "Seccomp: 2 (filter mode)");
	CHECK(harness_proc_status(pid, "NoNewPrivs", v, sizeof(v)) == 0 && strcmp(v, "1") == 0,
	      "NoNewPrivs: 1");
	const char *sets[] = { "CapEff", "CapPrm", "CapInh", "CapBnd", "CapAmb" };
	for (size_t i = 0; i < 5; i++)
		CHECK(harness_proc_status(pid, sets[i], v, sizeof(v)) == 0 &&
		      strcmp(v, "0000000000000000") == 0, "%s empty (%s)", sets[i], v);
	CHECK(limits_line(pid, "Max core file size", lim, sizeof(lim)) == 0 &&
	      strtol(lim, NULL, 10) == 0 && strstr(lim, " 0 "), "core dumps off");
	CHECK(limits_line(pid, "Max open files", lim, sizeof(lim)) == 0 &&
	      strtol(lim, NULL, 10) == 64, "RLIMIT_NOFILE from the spec");
	close(go_pipe[1]);
	go_pipe[1] = -1;
	int st = harness_wait(pid, 10000);
	close(sync_pipe[0]);
	CHECK(EXITED_0(st), "jailed process reads, writes and exits normally");

	st = outcome(&base, DO_EXECVE);
	CHECK(KILLED_BY_SIGSYS(st), "execve in the jail: killed by SIGSYS (status 0x%x)", st);
	st = outcome(&base, DO_SOCKET);
	CHECK(KILLED_BY_SIGSYS(st), "socket() without net_client: killed by SIGSYS");
	st = outcome(&base, DO_UNAME);
	CHECK(KILLED_BY_SIGSYS(st), "uname not in the base set: killed by SIGSYS");

	static const int extra[] = { SCMP_SYS(uname) };
	struct jail_spec with_uname = base;
	with_uname.syscalls = extra;
	with_uname.n_syscalls = 1;
	st = outcome(&with_uname, DO_UNAME);
	CHECK(EXITED_0(st), "uname allowed when the caller adds it");

	static const unsigned long ioctls[] = { TIOCGWINSZ };
	struct jail_spec with_ioctl = base;
	with_ioctl.ioctls = ioctls;
	with_ioctl.n_ioctls = 1;
	st = outcome(&with_ioctl, DO_IOCTL_OK);
	CHECK(EXITED_0(st), "an allowed ioctl request goes through");
	st = outcome(&with_ioctl, DO_IOCTL_BAD);
	CHECK(KILLED_BY_SIGSYS(st), "another ioctl request: killed by SIGSYS");

	struct jail_spec empty = base;
	empty.empty_root = 1;
	empty.files = 1;
	st = outcome(&empty, DO_OPEN_ETC);
	CHECK(EXITED_0(st), "empty_root: no host file is reachable (status 0x%x)", st);
	TAP_DONE();
}
