/* kettle-psp serves inside its jail: seccomp filter mode, no capabilities,
 * and it still answers and cleans up its socket on SIGTERM. */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/tap.h"

extern char **environ;

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

int main(int argc, char **argv)
{
	if (argc < 2)
		TAP_SKIP_ALL("usage: test-psp-jail KETTLE_PSP");
	char dir[] = "/tmp/kettle-psp-jail-XXXXXX", sock[64], cmd[128];
	if (!mkdtemp(dir)) {
		CHECK(0, "temporary directory");
		TAP_DONE();
	}
	snprintf(sock, sizeof sock, "%s/psp.sock", dir);
	char *init[] = { argv[1], "init", dir, "--ec", NULL };
	char *serve[] = { argv[1], "serve", dir, "--socket", sock, NULL };
	pid_t pid;
	int st = -1;
	if (posix_spawn(&pid, argv[1], NULL, NULL, init, environ) == 0)
		waitpid(pid, &st, 0);
	CHECK(st == 0, "kettle-psp init --ec");
	CHECK(posix_spawn(&pid, argv[1], NULL, NULL, serve, environ) == 0, "kettle-psp serve starts");
	int jailed = 0;
	for (int i = 0; i < 200 && !jailed; i++) {
		usleep(10000);
		jailed = status_has(pid, "Seccomp:\t2");
	}
	CHECK(jailed, "kettle-psp serves in seccomp filter mode");
	CHECK(status_has(pid, "CapEff:\t0000000000000000"), "with no effective capabilities");
	CHECK(status_has(pid, "NoNewPrivs:\t1"), "with no_new_privs");
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "SIGTERM ends it cleanly inside the jail");
	CHECK(access(sock, F_OK) != 0, "and its socket file is removed");
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	TAP_DONE();
}
