/* SPDX-License-Identifier: Apache-2.0 */
/* Service processes: binary lookup, spawn, liveness, stop. */
#include "services/platform/process.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int try_path(const char *dir, const char *sub, const char *binary,
		    char *out, size_t len)
{
	int n = snprintf(out, len, "%s%s/%s", dir, sub, binary);
	if (n < 0 || (size_t)n >= len)
		return 0;
	return access(out, X_OK) == 0;
}

static int search_list(const char *list, const char *binary, char *out, size_t len)
{
	if (!list)
		return 0;
	char *copy = strdup(list), *save = NULL;
	int found = 0;
	for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d && !found;
	     d = strtok_r(NULL, ":", &save))
		found = *d && try_path(d, "", binary, out, len);
	free(copy);
	return found;
}

int process_find_binary(const char *self, const char *binary,
			const char *service, char *out, size_t len)
{
	if (search_list(getenv("KETTLE_BIN_DIR"), binary, out, len))
		return 0;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 && self)
		n = (ssize_t)snprintf(exe, sizeof(exe), "%s", self);
	if (n > 0 && (size_t)n < sizeof(exe)) {
		exe[n] = '\0';
		char *dir = dirname(exe);
		char sub[256];
		/* In a build tree kettle-platform sits in services/platform/
		 * and each service in services/<name>/. */
		snprintf(sub, sizeof(sub), "/../%s", service);
		if (try_path(dir, "", binary, out, len) ||
		    try_path(dir, sub, binary, out, len))
			return 0;
	}
	if (search_list(getenv("PATH"), binary, out, len))
		return 0;
	return -ENOENT;
}

/* The log belongs to whoever owns its directory (the service's user when
 * init ran as root): only that service may write it or rotate it. */
static int open_log(const char *log)
{
	char dir[4096];
	struct stat st;
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	snprintf(dir, sizeof(dir), "%s", log);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (slash && geteuid() == 0 && stat(dir, &st) == 0 && st.st_uid != 0 &&
	    fchown(fd, st.st_uid, st.st_gid) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

pid_t process_spawn(const char *binary, const char *config, const char *log)
{
	int logfd = open_log(log);
	if (logfd < 0)
		return logfd;
	int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nullfd < 0) {
		int e = errno;
		close(logfd);
		return -e;
	}
	pid_t pid = fork();
	if (pid == 0) {
		/* Its own session: a Ctrl-C meant for the shell does not
		 * reach the services; `stop` does. */
		setsid();
		if (dup2(nullfd, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(127);
		/* Nothing of the launcher's (a caller's descriptors, the
		 * platform lock) reaches the service. */
		if (close_range(3, ~0u, 0) != 0)
			_exit(127);
		execl(binary, binary, "--config", config, (char *)NULL);
		dprintf(2, "kettle-platform: cannot run %s: %s\n", binary, strerror(errno));
		_exit(127);
	}
	int e = errno;
	close(logfd);
	close(nullfd);
	return pid < 0 ? -e : pid;
}

/* Reads /proc/pid/NAME into buf (NUL-terminated); its length, or 0 when
 * the process is gone or the file is empty. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return n;
}

/* Field 22 of /proc/pid/stat: when the process started, in clock ticks
 * since boot; with the pid it names one process for the life of the
 * system. 0 if unknown. */
unsigned long long process_start_time(pid_t pid)
{
	char buf[1024];
	if (read_proc(pid, "stat", buf, sizeof(buf)) == 0)
		return 0;
	char *p = strrchr(buf, ')');
	/* After "pid (comm)" come fields 3..: skip 19 to reach field 22. */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

/* Whether /proc/pid/cmdline holds arg (guards against a reused pid). */
static int cmdline_has(pid_t pid, const char *arg)
{
	char buf[8192];
	ssize_t n = read_proc(pid, "cmdline", buf, sizeof(buf));
	for (char *p = buf; p < buf + n; p += strlen(p) + 1)
		if (strcmp(p, arg) == 0)
			return 1;
	return 0;
}

/* A zombie has exited; only its parent's wait is missing. */
static int alive(pid_t pid)
{
	char buf[512];
	if (read_proc(pid, "stat", buf, sizeof(buf)) == 0)
		return 0;
	char *end = strrchr(buf, ')');
	return end && end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';
}

pid_t process_running(const char *pidfile, const char *config)
{
	FILE *f = fopen(pidfile, "re");
	if (!f)
		return 0;
	long pid = 0;
	unsigned long long started = 0;
	int fields = fscanf(f, "%ld %llu", &pid, &started);
	fclose(f);
	if (fields < 1 || pid <= 1 || pid > 1 << 22)
		return 0;
	/* A pid file from before start times were recorded has only the pid. */
	if (fields == 2 && process_start_time((pid_t)pid) != started)
		return 0;
	return alive((pid_t)pid) && cmdline_has((pid_t)pid, config) ? (pid_t)pid : 0;
}

int process_stop(pid_t pid, unsigned timeout_ms)
{
	if (kill(pid, SIGTERM) != 0)
		return errno == ESRCH ? 0 : -errno;
	for (unsigned waited = 0; waited < timeout_ms; waited += 20) {
		if (!alive(pid))
			return 0;
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return alive(pid) ? -ETIMEDOUT : 0;
}
