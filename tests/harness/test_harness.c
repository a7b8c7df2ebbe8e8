/* SPDX-License-Identifier: Apache-2.0 */
/* The shared helpers, and the rule that a missing prerequisite is a counted
 * skip, or under CI=true a failure.
 * Usage: test-harness HARNESS-SKIP */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/harness/file.h"
#include "tests/harness/json.h"
#include "tests/harness/prereq.h"
#include "tests/harness/proc.h"
#include "tests/harness/tmp.h"
#include "tests/tap.h"

static void test_tmp_and_file(void)
{
	char dir[256], path[512];
	size_t len = 99;
	char *text;
	FILE *f;

	CHECK(harness_temp_dir(dir, sizeof(dir), "harness") == 0,
	      "a temporary directory is made");
	snprintf(path, sizeof(path), "%s/sub", dir);
	CHECK(mkdir(path, 0700) == 0, "it is writable");
	snprintf(path, sizeof(path), "%s/sub/f", dir);
	f = fopen(path, "w");
	if (f) {
		fwrite("ab\0cd", 1, 5, f);
		fclose(f);
	}
	text = harness_read_file(path, &len);
	CHECK(text && len == 5 && !memcmp(text, "ab\0cd", 5) && text[5] == 0,
	      "a whole file reads back with its NUL and a terminator");
	free(text);
	CHECK(harness_read_file_in(dir, "missing", &len) == NULL,
	      "a missing file is NULL");
	CHECK(harness_read_file(dir, NULL) == NULL, "a directory is NULL");
	harness_remove_tree(dir);
	CHECK(access(dir, F_OK) != 0, "the tree is removed");
}

static void test_run(void)
{
	char *echo[] = { "/bin/sh", "-c", "cat; echo err >&2; exit 3", NULL };
	char *env[] = { "/bin/sh", "-c", "echo \"$KETTLE_X\"", NULL };
	char *sleeper[] = { "/bin/sleep", "600", NULL };
	struct harness_cmd cmd = { .argv = echo, .in = "in", .in_len = 2 };
	struct harness_out r;
	char text[64];

	CHECK(harness_run(&cmd, &r) == 0 && r.status == 3 &&
		      !strcmp(r.out, "in") && !strcmp(r.err, "err\n"),
	      "a run gets stdin, and keeps stdout, stderr and the exit code");
	harness_out_free(&r);
	CHECK(harness_run_text(env, "KETTLE_X=42", text, sizeof(text)) == 0 &&
		      !strcmp(text, "42\n"),
	      "an extra environment variable reaches the child");
	CHECK(harness_run_text(echo, NULL, text, 4) == 3 && !strcmp(text, "err"),
	      "merged output is truncated to the buffer");
	cmd = (struct harness_cmd){ .argv = sleeper, .timeout_ms = 100 };
	CHECK(harness_run(&cmd, &r) == 0 && r.status == -1,
	      "a run past its deadline is killed and reported as -1");
	harness_out_free(&r);
}

static int always(void *arg)
{
	return ++*(int *)arg >= 3;
}

static int never(void *arg)
{
	(void)arg;
	return 0;
}

static void test_until_and_json(void)
{
	json_t *j = json_pack("{s:s, s:i, s:n}", "s", "v", "i", 7, "z");
	int calls = 0;

	CHECK(harness_until(always, &calls, 1, 10000) == 0 && calls == 3,
	      "until returns as soon as the condition holds");
	CHECK(harness_until(never, NULL, 1, 20) == -ETIMEDOUT,
	      "until gives up at its bound");
	CHECK(!strcmp(harness_json_str(j, "s"), "v") &&
		      !strcmp(harness_json_str(j, "i"), "") &&
		      !strcmp(harness_json_str(NULL, "s"), ""),
	      "json_str: the string, or \"\" when absent or mistyped");
	CHECK(harness_json_int(j, "i", -1) == 7 &&
		      harness_json_int(j, "s", -1) == -1,
	      "json_int: the integer, or the fallback");
	CHECK(harness_json_has(j, "z") && !harness_json_has(j, "q"),
	      "json_has sees a null member");
	json_decref(j);
}

static void test_prerequisites(const char *skip)
{
	char *argv[] = { (char *)skip, "frobnicator", "is", "not", "installed",
			 NULL };
	char text[512];

	CHECK(harness_tool_missing("/bin/sh", "sh", "dash") == NULL,
	      "an executable tool is present");
	CHECK(harness_tool_missing("-", "x", "y") &&
		      !strcmp(harness_tool_missing("/nonexistent/tool", "tool", "pkg"),
			      "tool is not installed (apt-get install pkg)"),
	      "\"-\" and a missing path are a missing tool, with its package");
	CHECK(harness_run_text(argv, "CI=false", text, sizeof(text)) == 0 &&
		      !strcmp(text, "1..0 # SKIP frobnicator is not installed\n"),
	      "outside CI a missing prerequisite is a skip with its reason");
	CHECK(harness_run_text(argv, "CI=true", text, sizeof(text)) == 1 &&
		      strstr(text, "not ok 1 - CI=true needs every prerequisite: "
				   "frobnicator is not installed\n1..1\n"),
	      "under CI=true it fails the run");
}

/* A test that plans 3 checks and stops after 1, as test_token would when a
 * key does not load. */
static int stops_early(void)
{
	tap_count = tap_failed = 0;
	TAP_PLAN(3);
	CHECK(1, "the only check that ran");
	TAP_DONE();
}

static void test_plan(void)
{
	char path[] = "/tmp/kettle-plan-XXXXXX", *text;
	int fd = mkstemp(path), st = -1;
	pid_t pid;

	fflush(stdout);
	pid = fd >= 0 ? fork() : -1;
	if (pid == 0) {
		int rc;

		dup2(fd, 1);
		rc = stops_early();
		fflush(stdout);
		_exit(rc);
	}
	if (pid > 0)
		st = harness_wait(pid, 30000);
	text = harness_read_file(path, NULL);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1 && text &&
		      !strcmp(text, "1..3\nok 1 - the only check that ran\n"
				    "# planned 3 checks, ran 1\n"),
	      "a test that stops before its plan fails");
	free(text);
	if (fd >= 0)
		close(fd);
	unlink(path);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test-harness HARNESS-SKIP\n");
		return 2;
	}
	test_tmp_and_file();
	test_run();
	test_until_and_json();
	test_prerequisites(argv[1]);
	test_plan();
	TAP_DONE();
}
