/* SPDX-License-Identifier: Apache-2.0 */
/* bench-coldstart: what a Kettle guest costs on this machine.
 *
 *   launch to exit of a static hello: kettle-vmm in-process (vmm_run), the
 *     kettle-vmm binary as a process, and plain fork/exec of the program
 *   syscall round trip: median over batches of raw getpid calls, in the guest
 *   CPU-bound loop: the same static binary in the guest and on the host
 *   attestation: time a task gains from measurement, vTPM and PSP report,
 *     and how long verifying its evidence takes
 *
 * Usage: bench-coldstart PROGS_DIR KETTLE_VMM KETTLE_PSP [runs]
 * (`meson compile -C build bench` passes the first three) */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attest/evidence/evidence.h"
#include "vmm/vmm.h"

extern char **environ;

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return v[n / 2];
}

static int run_quiet(char *const argv[])
{
	pid_t pid;
	int st;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *evidence_path; /* set: guests run with evidence */
static const char *psp_socket;

/* Runs one guest in-process; returns its stdout (malloc'd) or NULL. */
static char *guest(char **argv, double *ms, double *attest_ms)
{
	struct vmm_options o = { .mem = 64ull << 20, .timeout_ms = 60000, .max_output = 1 << 20, .capture = 1,
				 .evidence_path = evidence_path, .psp_socket = psp_socket, .nonce_len = 32 };
	char *envp[] = { NULL };
	struct vmm_result r;
	o.argv = argv;
	o.envp = envp;
	vmm_run(&o, &r);
	char *out = NULL;
	if (r.status == VMM_OK && r.exit_code == 0 && (out = malloc(r.out.len + 1))) {
		memcpy(out, r.out.data, r.out.len);
		out[r.out.len] = 0;
	} else {
		fprintf(stderr, "bench: %s failed: %s %s\n", argv[0], vmm_status_name(r.status), r.message);
	}
	if (ms)
		*ms = r.duration_ms;
	if (attest_ms)
		*attest_ms = r.attest_ms;
	vmm_result_free(&r);
	return out;
}

static char *host(char **argv)
{
	char path[] = "/tmp/kettle-bench-XXXXXX";
	int fd = mkstemp(path);
	pid_t pid;
	int st;
	if (fd < 0)
		return NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, 1);
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == 0)
		waitpid(pid, &st, 0);
	char *out = calloc(1, 256);
	if (out && pread(fd, out, 255, 0) < 0)
		out[0] = 0;
	close(fd);
	unlink(path);
	return out;
}

/* How long kettle attest verify's checks take on the bundle just made,
 * in process (parsing excluded), median over runs. */
static void verification(const char *bundle_path, int runs)
{
	json_t *bundle = json_load_file(bundle_path, 0, NULL);
	double *t = calloc((size_t)runs, sizeof(double));
	int ok = bundle && t;
	for (int i = 0; ok && i < runs; i++) {
		struct evidence_policy policy = { 0 };
		struct evidence_claims claims;
		char err[256];
		double t0 = now_ms();
		ok = evidence_verify(bundle, &policy, &claims, err, sizeof err) == EVIDENCE_OK;
		t[i] = now_ms() - t0;
		evidence_claims_clear(&claims);
		if (!ok)
			fprintf(stderr, "bench: the evidence does not verify: %s\n", err);
	}
	if (ok)
		printf("  verification of the bundle       %8.3f ms (median of %d, in process)\n", median(t, runs), runs);
	free(t);
	json_decref(bundle);
}

/* Starts a kettle-psp with a fresh (P-384, fast to make) chain, runs hello
 * with and without evidence, and prints what attestation adds. */
static void attestation(const char *psp_bin, const char *hello, int runs, double *plain, double *attested)
{
	char dir[] = "/tmp/kettle-bench-psp-XXXXXX", sock[64], ev[64];
	if (!mkdtemp(dir))
		return;
	char *init[] = { (char *)psp_bin, "init", dir, "--ec", NULL };
	snprintf(sock, sizeof sock, "%s/psp.sock", dir);
	snprintf(ev, sizeof ev, "%s/evidence.json", dir);
	char *serve[] = { (char *)psp_bin, "serve", dir, "--socket", sock, NULL };
	pid_t psp;
	if (run_quiet(init) != 0 || posix_spawn(&psp, psp_bin, NULL, NULL, serve, environ) != 0) {
		fprintf(stderr, "bench: cannot start kettle-psp\n");
		return;
	}
	for (int i = 0; i < 100 && access(sock, F_OK) != 0; i++)
		usleep(10000);
	char *hello_argv[] = { (char *)hello, NULL };
	double *work = calloc((size_t)runs, sizeof(double));
	for (int i = 0; work && i < runs; i++) {
		evidence_path = NULL;
		guest(hello_argv, &plain[i], NULL);
		evidence_path = ev;
		psp_socket = sock;
		guest(hello_argv, &attested[i], &work[i]);
	}
	evidence_path = NULL;
	if (work) {
		double p = median(plain, runs), a = median(attested, runs);
		printf("attestation (static hello, median of %d runs)\n", runs);
		printf("  launch to exit without evidence  %8.3f ms\n", p);
		printf("  launch to exit with evidence     %8.3f ms\n", a);
		printf("  added by attestation             %8.3f ms (measurement, vTPM, quote, report: %.3f ms)\n",
		       a - p, median(work, runs));
	}
	free(work);
	verification(ev, runs < 200 ? 200 : runs);
	kill(psp, SIGTERM);
	waitpid(psp, NULL, 0);
	char path[128];
	const char *files[] = { "psp.sock", "evidence.json", NULL };
	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: bench-coldstart PROGS_DIR KETTLE_VMM KETTLE_PSP [runs]\n");
		return 2;
	}
	int runs = argc > 4 ? atoi(argv[4]) : 50;
	if (runs < 1 || runs > 100000)
		runs = 50;
	char hello[512], getpid[512], spin[512];
	snprintf(hello, sizeof hello, "%s/hello-musl", argv[1]);
	snprintf(getpid, sizeof getpid, "%s/getpid-musl", argv[1]);
	snprintf(spin, sizeof spin, "%s/spin-musl", argv[1]);

	double *in_proc = calloc((size_t)runs, sizeof(double)), *proc = calloc((size_t)runs, sizeof(double)),
	       *native = calloc((size_t)runs, sizeof(double));
	if (!in_proc || !proc || !native)
		return 1;
	char *hello_argv[] = { hello, NULL };
	char *vmm_argv[] = { argv[2], "run", "--", hello, NULL };
	for (int i = 0; i < runs; i++) {
		double t0 = now_ms();
		free(guest(hello_argv, NULL, NULL));
		in_proc[i] = now_ms() - t0;
		t0 = now_ms();
		run_quiet(vmm_argv);
		proc[i] = now_ms() - t0;
		t0 = now_ms();
		run_quiet(hello_argv);
		native[i] = now_ms() - t0;
	}
	double m_in = median(in_proc, runs), m_proc = median(proc, runs), m_nat = median(native, runs);
	printf("launch to exit, static hello (median of %d runs)\n", runs);
	printf("  kettle-vmm in-process (vmm_run)  %8.3f ms\n", m_in);
	printf("  kettle-vmm as a process          %8.3f ms\n", m_proc);
	printf("  fork/exec natively               %8.3f ms\n", m_nat);
	printf("  ratio in-process / native        %8.2f x\n", m_in / m_nat);
	printf("  ratio process / native           %8.2f x\n", m_proc / m_nat);

	char *gp_argv[] = { getpid, "100", "1000", NULL };
	char *gp = guest(gp_argv, NULL, NULL), *gp_host = host(gp_argv);
	printf("syscall round trip (median of 100 batches of 1000 getpid, 100k calls)\n");
	printf("  in the guest                     %8.2f us\n", gp ? atof(gp) / 1000 : -1);
	printf("  natively                         %8.3f us\n", gp_host ? atof(gp_host) / 1000 : -1);
	free(gp);
	free(gp_host);

	char *spin_argv[] = { spin, "300000000", NULL };
	char *g = guest(spin_argv, NULL, NULL), *h = host(spin_argv);
	const char *gs = g ? strchr(g, ' ') : NULL, *hs = h ? strchr(h, ' ') : NULL;
	double g_ms = gs ? atof(gs) / 1e6 : -1, h_ms = hs ? atof(hs) / 1e6 : -1;
	printf("CPU-bound loop (3e8 LCG steps)\n");
	printf("  in the guest                     %8.1f ms\n", g_ms);
	printf("  natively                         %8.1f ms\n", h_ms);
	printf("  ratio guest / native             %8.3f x\n", g_ms / h_ms);
	free(g);
	free(h);
	attestation(argv[3], hello, runs, in_proc, proc);
	free(in_proc);
	free(proc);
	free(native);
	return 0;
}
