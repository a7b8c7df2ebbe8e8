/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/harness/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/io.h"

extern char **environ;

void harness_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int harness_until(int (*cond)(void *), void *arg, unsigned step_ms,
		  unsigned timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	for (;;) {
		if (cond(arg))
			return 0;
		if (now_ms() >= end)
			return -ETIMEDOUT;
		harness_sleep_ms(step_ms);
	}
}

int harness_wait(pid_t pid, unsigned timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	unsigned step = 1;
	int status;

	/* Short runs end within a millisecond or two: start polling fast. */
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= end)
			break;
		harness_sleep_ms(step);
		if (step < 10)
			step *= 2;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* An unlinked temporary file: output goes to files, not pipes, so a child
 * that prints a lot never blocks on a parent that is only waiting. */
static int temp_fd(void)
{
	const char *base = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/kettle-run-XXXXXX",
		 base && *base ? base : "/tmp");
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static char *read_back(int fd, size_t *len)
{
	off_t n = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
	char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;

	*len = 0;
	if (!b)
		return calloc(1, 1);
	if (pread(fd, b, (size_t)n, 0) != n) {
		b[0] = 0;
		return b;
	}
	b[n] = 0;
	*len = (size_t)n;
	return b;
}

static void child(const struct harness_cmd *cmd, int in, int out, int err)
{
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	if (cmd->extra_env)
		putenv((char *)cmd->extra_env);
	execve(cmd->argv[0], cmd->argv,
	       cmd->envp && !cmd->extra_env ? cmd->envp : environ);
	_exit(127);
}

int harness_run(const struct harness_cmd *cmd, struct harness_out *r)
{
	int in = temp_fd(), out = temp_fd(), err = cmd->merge ? out : temp_fd();
	int rc = 0, st;
	pid_t pid = -1;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (in < 0 || out < 0 || err < 0)
		rc = -errno;
	else if (cmd->in_len && write_all(in, cmd->in, cmd->in_len) < 0)
		rc = -EIO;
	else if (lseek(in, 0, SEEK_SET) < 0 || (pid = fork()) < 0)
		rc = -errno;
	else if (pid == 0)
		child(cmd, in, out, err);
	if (pid > 0) {
		st = harness_wait(pid, cmd->timeout_ms ? cmd->timeout_ms
						       : HARNESS_RUN_TIMEOUT_MS);
		if (st != -1)
			r->status = WIFEXITED(st) ? WEXITSTATUS(st)
						  : 128 + WTERMSIG(st);
	}
	r->out = read_back(out, &r->out_len);
	if (cmd->merge)
		r->err = calloc(1, 1);
	else
		r->err = read_back(err, &r->err_len);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (!cmd->merge && err >= 0)
		close(err);
	return rc;
}

void harness_out_free(struct harness_out *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

int harness_run_text(char *const argv[], const char *extra_env, char *out,
		     size_t len)
{
	struct harness_cmd cmd = { .argv = argv, .extra_env = extra_env,
				   .merge = 1 };
	struct harness_out r;
	int status;

	harness_run(&cmd, &r);
	if (len) {
		size_t n = r.out_len < len - 1 ? r.out_len : len - 1;

		memcpy(out, r.out ? r.out : "", r.out ? n : 0);
		out[r.out ? n : 0] = 0;
	}
	status = r.status;
	harness_out_free(&r);
	return status;
}

pid_t harness_spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (log) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static FILE *open_proc(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	return fopen(path, "re");
}

long harness_proc_syscall(pid_t pid)
{
	FILE *f = open_proc(pid, "syscall");
	char line[64];
	long nr = -1;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) || sscanf(line, "%ld", &nr) != 1)
		nr = -1;
	fclose(f);
	return nr;
}

int harness_proc_status(pid_t pid, const char *field, char *out, size_t len)
{
	FILE *f = open_proc(pid, "status");
	size_t n = strlen(field);
	char line[512];
	int rc = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			char *v = line + n + 1;

			while (*v == '\t' || *v == ' ')
				v++;
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, len, "%s", v);
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}
