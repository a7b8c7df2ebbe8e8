/* SPDX-License-Identifier: Apache-2.0 */
/* Processes for tests: start one, wait for it with a deadline, run one and
 * keep what it printed, wait for a condition instead of sleeping. */
#ifndef KETTLE_TESTS_HARNESS_PROC_H
#define KETTLE_TESTS_HARNESS_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* A run that has not ended by then is killed: far above any honest run even
 * under the sanitizers, far below meson's own timeout. */
#define HARNESS_RUN_TIMEOUT_MS 120000u

struct harness_cmd {
	char *const *argv;     /* argv[0] is a path */
	char *const *envp;     /* NULL: this process's environment */
	const char *extra_env; /* "NAME=value" on top of it, or NULL */
	const void *in;        /* stdin (empty when in_len is 0) */
	size_t in_len;
	int merge;             /* stderr goes to out too */
	unsigned timeout_ms;   /* 0: HARNESS_RUN_TIMEOUT_MS */
};

struct harness_out {
	int status;          /* exit code, 128 + signal, or -1 (timed out) */
	char *out, *err;     /* NUL-terminated (may hold other NULs) */
	size_t out_len, err_len;
};

/* Runs cmd to the end (or its deadline). 0, or -errno when it could not be
 * started; r is filled either way and freed with harness_out_free. */
int harness_run(const struct harness_cmd *cmd, struct harness_out *r);
void harness_out_free(struct harness_out *r);
/* argv with stdout and stderr together into out (truncated, NUL-terminated);
 * returns the exit status as harness_out.status, or -1. */
int harness_run_text(char *const argv[], const char *extra_env, char *out,
		     size_t len);

/* Starts argv in the background, stdout and stderr appended to log (NULL:
 * inherited). The pid, or -1. */
pid_t harness_spawn(char *const argv[], const char *log);
/* Waits for pid at most timeout_ms: its wait status, or -1 after killing it
 * (SIGKILL) when the deadline passed. */
int harness_wait(pid_t pid, unsigned timeout_ms);

void harness_sleep_ms(unsigned ms);
/* Polls cond(arg) every step_ms until it returns non-zero (then 0) or
 * timeout_ms passed (then -ETIMEDOUT). Give a generous bound: it costs only
 * when the condition never comes. */
int harness_until(int (*cond)(void *), void *arg, unsigned step_ms,
		  unsigned timeout_ms);

/* The value of "FIELD:" in /proc/PID/status into out; 0 or -1. */
int harness_proc_status(pid_t pid, const char *field, char *out, size_t len);
/* The system call PID's main thread is blocked in (/proc/PID/syscall), or
 * -1 when it runs or cannot be read: lets a test wait until a server is
 * inside a handler instead of guessing how long that takes. */
long harness_proc_syscall(pid_t pid);

#endif
