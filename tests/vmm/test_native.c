/* SPDX-License-Identifier: Apache-2.0 */
/* The same static program gives byte-identical results natively and under
 * kettle-vmm: stdout, output files, argv and environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/tap.h"
#include "tests/vmm/vmm_harness.h"

static int same_file(const char *a, const char *b)
{
	size_t na, nb;
	char *x = slurp(a, &na), *y = slurp(b, &nb);
	int same = x && y && na == nb && !memcmp(x, y, na);
	free(x);
	free(y);
	return same;
}

static void compare_files_prog(const char *libc)
{
	char in[] = "/tmp/kettle-nin-XXXXXX", nat[] = "/tmp/kettle-nat-XXXXXX", vm[] = "/tmp/kettle-vm-XXXXXX";
	char stdin_data[70000];
	for (size_t i = 0; i < sizeof stdin_data - 1; i++)
		stdin_data[i] = (char)('a' + (i * 7) % 26);
	stdin_data[sizeof stdin_data - 1] = 0;
	int fd = mkstemp(in);
	if (fd < 0 || !mkdtemp(nat) || !mkdtemp(vm) || write(fd, "0123456789\n", 11) != 11) {
		CHECK(0, "temporary files");
		return;
	}
	close(fd);

	struct run_out a, b;
	char *nargv[] = { (char *)prog("files", libc), in, nat, NULL };
	run_cmd(nargv, NULL, stdin_data, strlen(stdin_data), &a);

	char input[128];
	snprintf(input, sizeof input, "data=%s", in);
	const char *vargv[] = { vmm_path(), "run", "--input", input, "--output-dir", vm, "--",
				prog("files", libc), "/input/data", "/output", NULL };
	run_cmd((char *const *)vargv, NULL, stdin_data, strlen(stdin_data), &b);

	CHECK(a.status == 0 && b.status == 0, "%s files: both runs succeed (%d, %d: %s)", libc, a.status, b.status,
	      b.err);
	CHECK(a.out_len == b.out_len && !memcmp(a.out, b.out, a.out_len), "%s files: identical stdout", libc);
	const char *names[] = { "summary.txt", "squares.bin" };
	for (int i = 0; i < 2; i++) {
		char pa[256], pb[256];
		snprintf(pa, sizeof pa, "%s/%s", nat, names[i]);
		snprintf(pb, sizeof pb, "%s/%s", vm, names[i]);
		CHECK(same_file(pa, pb), "%s files: identical %s", libc, names[i]);
		unlink(pa);
		unlink(pb);
	}
	run_free(&a);
	run_free(&b);
	rmdir(nat);
	rmdir(vm);
	unlink(in);
}

static void compare_args_env(const char *libc)
{
	char *envp[] = { "HOME=/home/fn", "LANG=C.UTF-8", "EMPTY=", "PATH=/usr/bin:/bin", NULL };
	char *nargv[] = { (char *)prog("argsenv", libc), "one", "two three", "", NULL };
	const char *vargv[] = { vmm_path(), "run", "--", prog("argsenv", libc), "one", "two three", "", NULL };
	struct run_out a, b;
	run_cmd(nargv, envp, NULL, 0, &a);
	run_cmd((char *const *)vargv, envp, NULL, 0, &b);
	CHECK(a.status == 0 && b.status == 0 && a.out_len == b.out_len && !memcmp(a.out, b.out, a.out_len),
	      "%s argv and environment: identical output", libc);
	run_free(&a);
	run_free(&b);
}

/* A program linked with OpenSSL's static libcrypto, started from a shell
 * (bash sets "_" to each command, dash does not), against the same command
 * natively. */
static void compare_cryptohash(const char *shell)
{
	char in[] = "/tmp/kettle-cin-XXXXXX", nat[] = "/tmp/kettle-cnat-XXXXXX", vm[] = "/tmp/kettle-cvm-XXXXXX";
	int fd = mkstemp(in);
	if (fd < 0 || !mkdtemp(nat) || !mkdtemp(vm) || write(fd, "input for the hash\n", 19) != 19) {
		CHECK(0, "temporary files");
		return;
	}
	close(fd);
	char script[2048];
	snprintf(script, sizeof script,
		 "cd /tmp && printf 'stdin data' | \"$0\" %s %s > %s/out && "
		 "printf 'stdin data' | \"$1\" run --input data=%s --output-dir %s -- \"$0\" /input/data /output > %s/out",
		 in, nat, nat, in, vm, vm);
	const char *argv[] = { shell, "-c", script, prog("cryptohash", "glibc"), vmm_path(), NULL };
	struct run_out r;
	run_cmd((char *const *)argv, NULL, NULL, 0, &r);
	CHECK(r.status == 0, "cryptohash from %s: both runs succeed (%d)", shell, r.status);
	const char *names[] = { "out", "a.txt", "b.bin" };
	for (int i = 0; i < 3; i++) {
		char pa[256], pb[256];
		snprintf(pa, sizeof pa, "%s/%s", nat, names[i]);
		snprintf(pb, sizeof pb, "%s/%s", vm, names[i]);
		CHECK(same_file(pa, pb), "cryptohash from %s (static libcrypto, futex): identical %s", shell,
		      names[i]);
		unlink(pa);
		unlink(pb);
	}
	run_free(&r);
	rmdir(nat);
	rmdir(vm);
	unlink(in);
}

static void compare_pie(void)
{
	char *envp[] = { "A=1", NULL };
	char *nargv[] = { (char *)prog("argsenv", "pie"), "x", NULL };
	const char *vargv[] = { vmm_path(), "run", "--", prog("argsenv", "pie"), "x", NULL };
	struct run_out a, b;
	run_cmd(nargv, envp, NULL, 0, &a);
	run_cmd((char *const *)vargv, envp, NULL, 0, &b);
	CHECK(a.status == 0 && b.status == 0 && a.out_len == b.out_len && !memcmp(a.out, b.out, a.out_len),
	      "static PIE (gcc -static-pie) runs and matches the native run");
	run_free(&a);
	run_free(&b);
}

static void compare_simple(const char *name, const char *libc)
{
	char *nargv[] = { (char *)prog(name, libc), NULL };
	const char *vargv[] = { vmm_path(), "run", "--", prog(name, libc), NULL };
	struct run_out a, b;
	run_cmd(nargv, NULL, NULL, 0, &a);
	run_cmd((char *const *)vargv, NULL, NULL, 0, &b);
	CHECK(a.status == b.status && a.out_len == b.out_len && !memcmp(a.out, b.out, a.out_len),
	      "%s %s: same exit status and stdout", libc, name);
	run_free(&a);
	run_free(&b);
}

int main(void)
{
	if (!have_kvm())
		TAP_SKIP_ALL("/dev/kvm is missing or not accessible on this machine");
	const char *libcs[] = { "musl", "glibc" };
	for (int i = 0; i < 2; i++) {
		compare_files_prog(libcs[i]);
		compare_args_env(libcs[i]);
		compare_simple("hello", libcs[i]);
		compare_simple("bigmalloc", libcs[i]);
		compare_simple("exitcode", libcs[i]);
	}
	compare_cryptohash("/bin/sh");
	compare_cryptohash("/bin/bash");
	compare_pie();
	TAP_DONE();
}
