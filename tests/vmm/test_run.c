/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-vmm end to end: every status, every crash kind, limits and bad
 * programs, for musl and glibc builds of the same guest programs. */
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/tap.h"
#include "tests/vmm/vmm_harness.h"

static const char *libcs[] = { "musl", "glibc" };

/* True if the run ended with this status; otherwise shows what happened,
 * so a failing check explains itself in the TAP log. */
static int status_is(const struct run_out *r, const char *status)
{
	if (r->json && !strcmp(jstr(r->json, "status"), status))
		return 1;
	printf("# expected status %s; kettle-vmm exited %d with: %.600s\n# stderr: %.300s\n", status, r->status,
	       r->out ? r->out : "", r->err ? r->err : "");
	return 0;
}

static long long jint(const json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static unsigned long long jhex(const json_t *j, const char *key)
{
	return strtoull(jstr(j, key), NULL, 16);
}

static void check_basics(const char *libc)
{
	struct run_out r;
	vmm_json(NULL, prog("hello", libc), NULL, NULL, &r);
	size_t n;
	char *out = stream_text(r.json, "stdout", &n);
	CHECK(status_is(&r, "ok") && jint(r.json, "exit_code") == 0, "%s hello: status ok, exit 0", libc);
	CHECK(out && !strcmp(out, "hello from a kettle guest\n"), "%s hello: stdout captured", libc);
	CHECK(jint(r.json, "syscalls") >= 2, "%s hello: syscalls counted", libc);
	CHECK(json_real_value(json_object_get(r.json, "duration_ms")) > 0, "%s hello: duration reported", libc);
	const json_t *unsupported = json_object_get(r.json, "unsupported_syscalls");
	CHECK(json_is_array(unsupported) && json_array_size(unsupported) == 0,
	      "%s hello: unsupported_syscalls is reported, and empty", libc);
	free(out);
	run_free(&r);

	const char *args42[] = { "42", NULL };
	vmm_json(NULL, prog("exitcode", libc), args42, NULL, &r);
	CHECK(status_is(&r, "ok") && jint(r.json, "exit_code") == 42 && r.status == 42,
	      "%s exit code 42 is the result and kettle-vmm's own exit code", libc);
	run_free(&r);

	const char *opts[] = { "--clear-env", "--env", "A=1", "--env", "B=two words", NULL };
	const char *args[] = { "x", "y z", NULL };
	vmm_json(opts, prog("argsenv", libc), args, NULL, &r);
	out = stream_text(r.json, "stdout", &n);
	char want[1024];
	snprintf(want, sizeof want, "arg[0]=%s\narg[1]=x\narg[2]=y z\nenv A=1\nenv B=two words\n",
		 prog("argsenv", libc));
	CHECK(out && !strcmp(out, want), "%s argv and environment reach the guest", libc);
	free(out);
	run_free(&r);

	vmm_json(NULL, prog("bigmalloc", libc), NULL, NULL, &r);
	out = stream_text(r.json, "stdout", &n);
	CHECK(status_is(&r, "ok") && out && !strcmp(out, "bigmalloc ok\n"),
	      "%s large mallocs (mmap path) are zeroed, freed and reused", libc);
	free(out);
	run_free(&r);

	vmm_json(NULL, prog("randclock", libc), NULL, NULL, &r);
	CHECK(status_is(&r, "ok") && jint(r.json, "exit_code") == 0, "%s getrandom, clocks and nanosleep (exit %lld)",
	      libc, jint(r.json, "exit_code"));
	run_free(&r);
}

static void sha256_hex(const char *data, size_t n, char hex[65])
{
	unsigned char d[32];
	EVP_Digest(data, n, d, NULL, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
}

static void check_files(const char *libc)
{
	char dir[] = "/tmp/kettle-out-XXXXXX", in[] = "/tmp/kettle-in-XXXXXX";
	struct run_out r;
	int fd = mkstemp(in);
	if (!mkdtemp(dir) || fd < 0 || write(fd, "input bytes\n", 12) != 12) {
		CHECK(0, "temporary files");
		return;
	}
	close(fd);
	char input[128], outdir[128];
	snprintf(input, sizeof input, "data=%s", in);
	snprintf(outdir, sizeof outdir, "%s", dir);
	const char *opts[] = { "--input", input, "--output-dir", outdir, NULL };
	const char *args[] = { "/input/data", "/output", NULL };
	vmm_json(opts, prog("files", libc), args, "some stdin", &r);
	CHECK(status_is(&r, "ok") && jint(r.json, "exit_code") == 0, "%s files: ran (exit %lld, %s)", libc,
	      jint(r.json, "exit_code"), jstr(r.json, "message"));
	json_t *outs = json_object_get(r.json, "outputs");
	CHECK(json_array_size(outs) == 2, "%s files: two outputs reported", libc);
	for (size_t i = 0; i < json_array_size(outs); i++) {
		json_t *o = json_array_get(outs, i);
		char path[512], hex[65];
		size_t n = 0;
		snprintf(path, sizeof path, "%s/%s", dir, jstr(o, "name"));
		char *data = slurp(path, &n);
		if (data)
			sha256_hex(data, n, hex);
		CHECK(data && n == (size_t)jint(o, "bytes") && !strcmp(hex, jstr(o, "sha256")),
		      "%s files: %s written to --output-dir with the reported size and digest", libc,
		      jstr(o, "name"));
		free(data);
		unlink(path);
	}
	run_free(&r);

	const char *ls_args[] = { "/input", NULL };
	char in2[128];
	snprintf(in2, sizeof in2, "other=%s", in);
	const char *ls_opts[] = { "--input", input, "--input", in2, NULL };
	vmm_json(ls_opts, prog("listdir", libc), ls_args, NULL, &r);
	char *out = stream_text(r.json, "stdout", NULL);
	CHECK(out && !strcmp(out, "data 12\nother 12\n"), "%s /input lists its files with sizes", libc);
	free(out);
	run_free(&r);

	vmm_json(opts, prog("badnames", libc), NULL, NULL, &r);
	out = stream_text(r.json, "stdout", NULL);
	int refused = out && strstr(out, "/output/../escape: ") && !strstr(out, "escape: created") &&
		      !strstr(out, "/output/a/b: created") && !strstr(out, "/output/..: created") &&
		      !strstr(out, "/etc/passwd: created") && !strstr(out, "/input/new: created") &&
		      strstr(out, "/output/ok: created") && !strstr(out, "write-open input: opened");
	CHECK(refused, "%s outputs only under /output, no traversal, inputs read-only", libc);
	CHECK(access(dir, F_OK) == 0 && json_array_size(json_object_get(r.json, "outputs")) == 1,
	      "%s only the legitimate output is collected", libc);
	free(out);
	run_free(&r);
	char path[256];
	snprintf(path, sizeof path, "%s/ok", dir);
	unlink(path);
	rmdir(dir);
	unlink(in);
}

struct crash_case {
	const char *arg;
	int signal;
	unsigned long long fault; /* ~0: not checked */
	unsigned long long rip;   /* 0: not checked */
};

static void check_crashes(const char *libc)
{
	static const struct crash_case cases[] = {
		{ "null", 11, 0, 0 },
		{ "unmapped", 11, 0x7ff000000000ull, 0 },
		{ "div0", 8, ~0ull, 0 },
		{ "ud2", 4, ~0ull, 0 },
		{ "garbage", 11, 0x123456789ull, 0x123456789ull },
		{ "kernel", 11, 0x1000, 0 },
		{ "port", 11, ~0ull, 0 },
		{ "hlt", 11, ~0ull, 0 },
		{ "stack", 11, 0xA002, 0xA002 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct crash_case *c = &cases[i];
		const char *args[] = { c->arg, NULL };
		struct run_out r;
		vmm_json(NULL, prog("crash", libc), args, NULL, &r);
		int ok = status_is(&r, "crashed") && jint(r.json, "signal") == c->signal &&
			 (c->fault == ~0ull || jhex(r.json, "fault_address") == c->fault) &&
			 (!c->rip || jhex(r.json, "rip") == c->rip) && jhex(r.json, "rip") != 0 &&
			 r.status == 128 + c->signal;
		CHECK(ok, "%s crash '%s': signal %d, rip and fault address reported (%s)", libc, c->arg, c->signal,
		      jstr(r.json, "message"));
		run_free(&r);
	}
}

static void check_limits(const char *libc)
{
	struct run_out r;
	const char *t_opts[] = { "--timeout", "300ms", NULL };
	vmm_json(t_opts, prog("loop", libc), NULL, NULL, &r);
	double ms = json_real_value(json_object_get(r.json, "duration_ms"));
	CHECK(status_is(&r, "timeout") && ms >= 300 && r.status == 124, "%s endless loop: timeout after %.0f ms",
	      libc, ms);
	run_free(&r);

	const char *m_opts[] = { "--mem", "32M", NULL };
	vmm_json(m_opts, prog("greedy", libc), NULL, NULL, &r);
	CHECK(status_is(&r, "out_of_memory") && strstr(jstr(r.json, "message"), "32 MiB") && r.status == 122,
	      "%s greedy program: out_of_memory naming the limit (%s)", libc, jstr(r.json, "message"));
	run_free(&r);

	const char *o_opts[] = { "--max-output", "64K", NULL };
	vmm_json(o_opts, prog("flood", libc), NULL, NULL, &r);
	json_t *so = json_object_get(r.json, "stdout");
	CHECK(status_is(&r, "output_limit") && json_is_true(json_object_get(so, "truncated")) &&
		      json_integer_value(json_object_get(so, "bytes")) <= 64 * 1024 && r.status == 123,
	      "%s stdout flood: output_limit, truncated at the cap", libc);
	run_free(&r);

	const char *f_args[] = { "file", NULL };
	vmm_json(o_opts, prog("flood", libc), f_args, NULL, &r);
	CHECK(status_is(&r, "output_limit"), "%s output-file flood: output_limit", libc);
	run_free(&r);

	struct run_out w;
	/* stdin that never ends must not outlive the time limit */
	const char *argv[] = { "/bin/sh", "-c", "sleep 3 | \"$0\" run --json --timeout 200ms -- \"$1\" /input/x /output",
			       vmm_path(), prog("files", libc), NULL };
	run_cmd((char *const *)argv, NULL, NULL, 0, &w);
	CHECK(w.json && !strcmp(jstr(w.json, "status"), "timeout"), "%s blocked stdin read ends at the time limit",
	      libc);
	run_free(&w);
}

static void check_syscall_errors(const char *libc)
{
	struct run_out r;
	vmm_json(NULL, prog("syscalls", libc), NULL, NULL, &r);
	char *out = stream_text(r.json, "stdout", NULL);
	const char *want = "write bad pointer: -14\nwrite kernel pointer: -14\nwrite wrapping length: -14\n"
			   "write bad fd: -9\nread into kernel: -14\nclose bad fd: -9\nunknown syscall: -38\n"
			   "open bad path pointer: -14\n";
	CHECK(out && !strcmp(out, want), "%s bad pointers give EFAULT, bad fds EBADF, unknown ENOSYS", libc);
	if (out && strcmp(out, want))
		printf("# got:\n%s", out);
	const json_t *unsupported = json_object_get(r.json, "unsupported_syscalls");
	CHECK(json_is_array(unsupported) && json_array_size(unsupported) == 1 &&
	      json_is_string(json_array_get(unsupported, 0)),
	      "%s the unknown syscall is reported once by name", libc);
	free(out);
	run_free(&r);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(data, 1, n, f);
		fclose(f);
	}
}

static void check_bad_programs(void)
{
	struct run_out r;
	write_file("/tmp/kettle-notelf", "#!/bin/sh\necho hi\n", 18);
	vmm_json(NULL, "/tmp/kettle-notelf", NULL, NULL, &r);
	CHECK(status_is(&r, "bad_program") && strstr(jstr(r.json, "message"), "not an ELF") && r.status == 126,
	      "a script is refused as not ELF");
	run_free(&r);

	vmm_json(NULL, "/bin/true", NULL, NULL, &r);
	CHECK(status_is(&r, "bad_program") && strstr(jstr(r.json, "message"), "link with -static"),
	      "a dynamically linked program is refused with advice");
	run_free(&r);

	unsigned char elf32[64] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };
	write_file("/tmp/kettle-elf32", elf32, sizeof elf32);
	vmm_json(NULL, "/tmp/kettle-elf32", NULL, NULL, &r);
	CHECK(status_is(&r, "bad_program") && strstr(jstr(r.json, "message"), "32-bit"), "a 32-bit ELF is refused");
	run_free(&r);

	/* A file bigger than guest memory. */
	FILE *f = fopen("/tmp/kettle-huge", "wb");
	if (f) {
		fwrite("\x7f" "ELF", 1, 4, f);
		fseek(f, 9 << 20, SEEK_SET);
		fputc(0, f);
		fclose(f);
	}
	const char *opts[] = { "--mem", "8M", NULL };
	vmm_json(opts, "/tmp/kettle-huge", NULL, NULL, &r);
	CHECK(status_is(&r, "bad_program") && strstr(jstr(r.json, "message"), "larger than guest memory"),
	      "a program larger than guest memory is refused");
	run_free(&r);

	vmm_json(NULL, "/tmp/kettle-does-not-exist", NULL, NULL, &r);
	CHECK(status_is(&r, "bad_program") && strstr(jstr(r.json, "message"), "No such file"),
	      "a missing program is reported");
	run_free(&r);

	const char *in_opts[] = { "--input", "x=/tmp/kettle-no-such-input", NULL };
	vmm_json(in_opts, prog("hello", "glibc"), NULL, NULL, &r);
	CHECK(r.status == 125 && strstr(r.err, "kettle-no-such-input") && strstr(r.err, "No such file"),
	      "a missing input path is one clear line");
	run_free(&r);

	const char *bad_opts[][3] = { { "--mem", "1K", NULL }, { "--timeout", "soon", NULL },
				      { "--input", "a/b=/etc/hostname", NULL }, { "--bogus", NULL, NULL } };
	for (size_t i = 0; i < 4; i++) {
		vmm_json(bad_opts[i], prog("hello", "glibc"), NULL, NULL, &r);
		CHECK(r.status == 2 && strstr(r.err, "usage:"), "bad option %s %s: usage error", bad_opts[i][0],
		      bad_opts[i][1] ? bad_opts[i][1] : "");
		run_free(&r);
	}
	unlink("/tmp/kettle-notelf");
	unlink("/tmp/kettle-elf32");
	unlink("/tmp/kettle-huge");
}

static void check_no_kvm(void)
{
	/* Hide /dev/kvm in a private mount namespace (needs root, as CI is). */
	const char *argv[] = { "/usr/bin/unshare", "-m", "/bin/sh", "-c",
			       "mount -t tmpfs none /dev && exec \"$0\" run -- \"$1\"", vmm_path(),
			       prog("hello", "glibc"), NULL };
	struct run_out r;
	run_cmd((char *const *)argv, NULL, NULL, 0, &r);
	CHECK(r.status == 125 && strstr(r.err, "cannot open /dev/kvm") && strstr(r.err, "ls -l /dev/kvm") &&
		      strchr(r.err, '\n') == r.err + r.err_len - 1,
	      "without /dev/kvm: one line saying what to check");
	if (r.status != 125)
		printf("# stderr: %.300s\n", r.err);
	run_free(&r);
}

int main(void)
{
	if (!have_kvm())
		TAP_SKIP_ALL("/dev/kvm is missing or not accessible on this machine");
	for (size_t i = 0; i < 2; i++) {
		if (access(prog("hello", libcs[i]), X_OK) != 0) {
			CHECK(0, "%s test programs were built (%s)", libcs[i], prog("hello", libcs[i]));
			continue;
		}
		check_basics(libcs[i]);
		check_files(libcs[i]);
		check_crashes(libcs[i]);
		check_limits(libcs[i]);
		check_syscall_errors(libcs[i]);
	}
	check_bad_programs();
	check_no_kvm();
	TAP_DONE();
}
