/* SPDX-License-Identifier: Apache-2.0 */
/* Real static binaries (musl and glibc) run with every syscall served by
 * the layer: the start-up sequences, stdio, a 64 MiB malloc and its
 * realloc, files, directories, stdin and exit must all come out right. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/guest/sys/native.h"
#include "tests/tap.h"

static const char expected_out[] =
	"argc=2 argv1=hello env=yes\n"
	"memory=0\n"
	"input: first line\n"
	"size=23 regular=1\n"
	"/input: . .. data.txt\n"
	"/: . .. dev input output\n"
	"open missing: 2\n"
	"write input: 30\n"
	"create elsewhere: 30\n"
	"stdin: from stdin\n"
	"uname: Linux x86_64\n"
	"clock: 1\n";

static void run_one(const char *label, const char *elf)
{
	const char *const argv[] = { "guest_prog", "hello", NULL };
	const char *const envp[] = { "KETTLE_TEST=yes", "PATH=/bin", NULL };
	const struct native_input in[] = { { "/input/data.txt", "first line\nsecond line\n" } };
	struct native_result r;

	CHECK(native_run(elf, argv, envp, in, 1, "from stdin\nmore\n", &r) == 0, "%s: the child ran", label);
	CHECK(r.reported, "%s: the guest reached exit (wait status %d)", label, r.status);
	if (!r.reported) {
		native_result_free(&r);
		return;
	}
	CHECK(r.stop == 1 && r.exit_code == 3, "%s: exit code 3 (stop %d, code %d)", label, r.stop,
	      r.exit_code);
	CHECK(strcmp(r.out, expected_out) == 0, "%s: stdout is exactly as expected", label);
	if (strcmp(r.out, expected_out) != 0)
		printf("# got stdout:\n%s", r.out);
	CHECK(strcmp(r.err, "to stderr\n") == 0, "%s: stderr captured", label);
	CHECK(strcmp(r.outputs, "result.txt=result 42\nappended\n\n") == 0, "%s: /output/result.txt written and appended",
	      label);
	CHECK(r.unsupported[0] == 0, "%s: no unsupported syscalls (%s)", label, r.unsupported);
	CHECK(!r.oom, "%s: no out-of-memory flag", label);
	printf("# %s: %llu syscalls\n", label, (unsigned long long)r.syscalls);
	native_result_free(&r);
}

static void run_abort(const char *label, const char *elf)
{
	const char *const argv[] = { "guest_abort", NULL };
	const char *const envp[] = { NULL };
	struct native_result r;

	CHECK(native_run(elf, argv, envp, NULL, 0, "", &r) == 0 && r.reported, "%s abort: the guest ran to its end",
	      label);
	if (!r.reported)
		return;
	CHECK(r.stop == 1 && r.exit_code == 134, "%s abort: a failed assert ends the task with 134 (got %d)", label,
	      r.exit_code);
	CHECK(strcmp(r.out, "before\n") == 0 && strstr(r.err, "argc > 5") != NULL,
	      "%s abort: stdout flushed, the assertion reached stderr", label);
	native_result_free(&r);
}

int main(int argc, char **argv)
{
	if (argc < 5)
		TAP_SKIP_ALL("usage: test_native MUSL_PROG GLIBC_PROG MUSL_ABORT GLIBC_ABORT");
	run_one("musl", argv[1]);
	run_one("glibc", argv[2]);
	run_abort("musl", argv[3]);
	run_abort("glibc", argv[4]);
	TAP_DONE();
}
