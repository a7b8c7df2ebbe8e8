/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-vmm runs its guest inside its jail: seccomp filter mode, no
 * capabilities, no_new_privs. Read from /proc while a guest spins. */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/tap.h"
#include "tests/vmm/vmm_harness.h"

extern char **environ;

static int status_has(pid_t pid, const char *line)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	char *s = slurp(path, NULL);
	int found = s && strstr(s, line);
	free(s);
	return found;
}

/* Starts kettle-vmm on a guest that spins, and waits (up to 2 s) until it
 * has entered seccomp filter mode. 0 without a child. */
static pid_t start_jailed_vmm(int *jailed)
{
	char *argv[] = { (char *)vmm_path(), "run", "--timeout", "5s", "--", (char *)prog("loop", "musl"), NULL };
	pid_t pid;
	*jailed = 0;
	if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return 0;
	for (int i = 0; i < 200 && !*jailed; i++) {
		usleep(10000);
		*jailed = status_has(pid, "Seccomp:\t2");
	}
	return pid;
}

static void test_running_guest_is_jailed(void)
{
	int jailed;
	pid_t pid = start_jailed_vmm(&jailed);
	if (!pid) {
		CHECK(0, "kettle-vmm starts");
		return;
	}
	CHECK(jailed, "kettle-vmm runs the guest in seccomp filter mode");
	CHECK(status_has(pid, "CapEff:\t0000000000000000"), "with no effective capabilities");
	CHECK(status_has(pid, "CapPrm:\t0000000000000000"), "with no permitted capabilities");
	CHECK(status_has(pid, "NoNewPrivs:\t1"), "with no_new_privs");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int main(void)
{
	if (!have_kvm())
		TAP_SKIP_ALL("/dev/kvm is missing or not accessible on this machine");
	test_running_guest_is_jailed();
	TAP_DONE();
}
