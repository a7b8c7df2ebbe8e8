/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-psp's jail. First the filter itself: a child that enters
 * psp_jail() may still do what kettle-psp does after it (wait, accept,
 * set socket timeouts, send, unlink, sign) and is killed for anything
 * else (new sockets, epoll, exec, files). Then the real kettle-psp: it
 * serves inside the jail, answers a request and a malformed one, and
 * removes its socket on SIGTERM. argv: kettle-psp. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attest/psp/psp.h"
#include "attest/psp/psp_client.h"
#include "lib/bytes.h"
#include "tests/tap.h"

extern char **environ;

/* Descriptors made before the jail, as kettle-psp makes its listener. */
static int listener = -1, pair[2] = {-1, -1};

/* Runs fn in a child that entered kettle-psp's jail; its wait status. */
static int in_jail(int (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(psp_jail() ? 100 : fn());
	int st = -1;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static int killed_by_filter(int st)
{
	return st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
}

/* Each syscall kettle-psp needs after entering the jail, with an answer
 * that shows the kernel ran it (an error from the kernel, not a kill). */
static int uses_what_psp_uses(void)
{
	struct timespec zero = {0};
	struct pollfd p = {.fd = listener, .events = POLLIN};
	struct timeval tv = {.tv_sec = 5};
	uint8_t rnd[16];
	if (ppoll(&p, 1, &zero, NULL) != 0)
		return 1;
	if (accept4(listener, NULL, NULL, SOCK_CLOEXEC) != -1 || errno != EAGAIN)
		return 2;
	if (setsockopt(pair[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0)
		return 3;
	if (send(pair[0], "x", 1, MSG_NOSIGNAL) != 1 || read(pair[1], rnd, 1) != 1)
		return 4;
	if (unlink("/nonexistent/kettle-psp.sock") != -1 || errno != ENOENT)
		return 5;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return 6;
	return 0;
}

static int try_socket(void) { return (int)syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0) < 0; }
static int try_connect(void) { return (int)syscall(SYS_connect, pair[0], NULL, 0) < 0; }
static int try_epoll(void) { return (int)syscall(SYS_epoll_create1, 0) < 0; }
static int try_mkdir(void) { return (int)syscall(SYS_mkdir, "/nonexistent/d", 0700) < 0; }
static int try_unlinkat(void) { return (int)syscall(SYS_unlinkat, AT_FDCWD, "/nonexistent/f", 0) < 0; }
static int try_execve(void)
{
	char *argv[] = {"/bin/true", NULL};
	return (int)syscall(SYS_execve, "/bin/true", argv, environ) < 0;
}

static void test_filter(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* an abstract name: nothing to clean up */
	snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, "kettle-psp-jail-%d", (int)getpid());
	int ready = listener >= 0 &&
		    bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
		    listen(listener, 1) == 0 &&
		    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0;
	CHECK(ready, "a listener and a socket pair before the jail");

	int st = in_jail(uses_what_psp_uses);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "jailed: ppoll, accept4, setsockopt, send, unlink, getrandom still run (status %#x)", st);
	static const struct {
		const char *what;
		int (*fn)(void);
	} forbidden[] = {
		{"socket (no new sockets)", try_socket},
		{"connect (no net_client set)", try_connect},
		{"epoll_create1 (no server set: kettle-psp has no event loop)", try_epoll},
		{"mkdir (no files set)", try_mkdir},
		{"unlinkat (only the unlink it uses)", try_unlinkat},
		{"execve", try_execve},
	};
	for (size_t i = 0; i < ARRAY_SIZE(forbidden); i++)
		CHECK(killed_by_filter(in_jail(forbidden[i].fn)), "jailed: %s kills the process",
		      forbidden[i].what);
	close(listener);
	close(pair[0]);
	close(pair[1]);
}

static int status_has(pid_t pid, const char *line)
{
	char path[64], buf[8192];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	return strstr(buf, line) != NULL;
}

/* A request of the wrong length: kettle-psp logs a line (inside the jail)
 * and answers with status EINVAL. */
static int refused_bad_length(const char *sock)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	uint8_t msg[4] = {1, 0, 0, 0}, reply[12] = {0};
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = {.tv_sec = 30};
	int ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0 &&
		 connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
		 write(fd, msg, sizeof(msg)) == 4;
	size_t got = 0;
	while (ok && got < sizeof(reply)) {
		ssize_t n = read(fd, reply + got, sizeof(reply) - got);
		ok = n > 0;
		got += ok ? (size_t)n : 0;
	}
	if (fd >= 0)
		close(fd);
	return ok && reply[8] == EINVAL && !reply[9] && !reply[10] && !reply[11];
}

static void test_serves_jailed(const char *psp)
{
	char dir[] = "/tmp/kettle-psp-jail-XXXXXX", sock[64], cmd[128];
	if (!mkdtemp(dir)) {
		CHECK(0, "temporary directory");
		return;
	}
	snprintf(sock, sizeof sock, "%s/psp.sock", dir);
	char *init[] = {(char *)psp, "init", dir, "--ec", NULL};
	char *serve[] = {(char *)psp, "serve", dir, "--socket", sock, NULL};
	pid_t pid;
	int st = -1;
	if (posix_spawn(&pid, psp, NULL, NULL, init, environ) == 0)
		waitpid(pid, &st, 0);
	CHECK(st == 0, "kettle-psp init --ec");
	CHECK(posix_spawn(&pid, psp, NULL, NULL, serve, environ) == 0, "kettle-psp serve starts");
	/* it enters the jail once the socket is bound: wait for that, at
	 * most a minute (a sanitizer build under load is slow) */
	int jailed = 0;
	for (int i = 0; i < 6000 && !jailed; i++) {
		jailed = status_has(pid, "Seccomp:\t2") && access(sock, F_OK) == 0;
		if (!jailed)
			usleep(10000);
	}
	CHECK(jailed, "kettle-psp serves in seccomp filter mode");
	CHECK(status_has(pid, "CapEff:\t0000000000000000"), "with no effective capabilities");
	CHECK(status_has(pid, "NoNewPrivs:\t1"), "with no_new_privs");

	struct psp_request req = {.measurement = {1}, .report_data = {2}};
	uint8_t report[1184];
	char *chain = NULL;
	CHECK(psp_request_report(sock, &req, report, &chain) == 0 && chain,
	      "jailed, it signs a report and sends the chain");
	free(chain);
	CHECK(refused_bad_length(sock), "jailed, it logs and refuses a request of the wrong length");
	CHECK(waitpid(pid, &st, WNOHANG) == 0, "and is still running after both");

	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "SIGTERM ends it cleanly inside the jail");
	CHECK(access(sock, F_OK) != 0, "and its socket file is removed");
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		TAP_SKIP_ALL("usage: test-psp-jail KETTLE_PSP");
	test_filter();
	test_serves_jailed(argv[1]);
	TAP_DONE();
}
