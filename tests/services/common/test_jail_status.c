/* SPDX-License-Identifier: Apache-2.0 */
/* Reusable jail check for any Kettle binary that applies the jail:
 *
 *   test-jail-status KETTLE_PLATFORM BINARY [ARGS...]
 *
 * creates a platform with `KETTLE_PLATFORM init DIR --test-services` (pass
 * "-" to skip and just get an empty DIR), starts BINARY with ARGS in which
 * "{dir}" becomes DIR (e.g. --config {dir}/storage.json), waits until the
 * process is under seccomp, checks /proc/PID/status (Seccomp 2, CapEff 0,
 * NoNewPrivs 1), then sends SIGTERM and expects exit status 0. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/tap.h"
#include "tests/harness/proc.h"
#include "tests/harness/tmp.h"
#include "tests/services/common/test_util.h"

static char *substitute(const char *arg, const char *dir)
{
	const char *at = strstr(arg, "{dir}");
	size_t n = strlen(arg) + strlen(dir) + 1;
	char *out = malloc(n);
	if (!out)
		return NULL;
	if (at)
		snprintf(out, n, "%.*s%s%s", (int)(at - arg), arg, dir, at + 5);
	else
		snprintf(out, n, "%s", arg);
	return out;
}

static int seccomp_filtered(void *pid)
{
	char v[16];

	return harness_proc_status(*(pid_t *)pid, "Seccomp", v, sizeof(v)) == 0 && strcmp(v, "2") == 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM|- BINARY [ARGS with {dir}...]\n", argv[0]);
		return 2;
	}
	char tmp[1024], dir[2048], out[8192], log[4096], v[128];
	CHECK(harness_temp_dir(tmp, sizeof(tmp), "jail") == 0, "temp dir");
	snprintf(dir, sizeof(dir), "%s/p", tmp);
	if (strcmp(argv[1], "-") != 0) {
		char *init[] = { argv[1], "init", dir, "--test-services", NULL };
		CHECK(harness_run_text(init, NULL, out, sizeof(out)) == 0, "platform created");
	}
	char **args = calloc((size_t)argc, sizeof(char *));
	for (int i = 2; i < argc; i++)
		args[i - 2] = substitute(argv[i], dir);
	snprintf(log, sizeof(log), "%s/process.log", tmp);
	pid_t pid = harness_spawn(args, log);
	CHECK(pid > 0, "started %s", argv[2]);

	CHECK(harness_until(seccomp_filtered, &pid, 10, 10000) == 0, "Seccomp:\t2 within 10 s");
	CHECK(harness_proc_status(pid, "CapEff", v, sizeof(v)) == 0 &&
	      strcmp(v, "0000000000000000") == 0, "CapEff:\t0000000000000000 (%s)", v);
	CHECK(harness_proc_status(pid, "NoNewPrivs", v, sizeof(v)) == 0 && strcmp(v, "1") == 0,
	      "NoNewPrivs:\t1");
	kill(pid, SIGTERM);
	int st = harness_wait(pid, 15000);
	CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "exits 0 on SIGTERM under the jail (status 0x%x; log %s)", st, log);
	for (int i = 0; i < argc - 2; i++)
		free(args[i]);
	free(args);
	if (!tap_failed)
		harness_remove_tree(tmp);
	TAP_DONE();
}
