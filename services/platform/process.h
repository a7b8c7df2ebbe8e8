/* SPDX-License-Identifier: Apache-2.0 */
/* Starting, finding and stopping the service processes of a platform. */
#ifndef KETTLE_PLATFORM_PROCESS_H
#define KETTLE_PLATFORM_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

/* Find binary: in $KETTLE_BIN_DIR (':'-separated), next to self, in the
 * build tree's services/<name>/ beside self, then on PATH. 0 or -ENOENT. */
int process_find_binary(const char *self, const char *binary,
			const char *service, char *out, size_t len);
/* Start `binary --config config` detached, stdout/stderr appended to log
 * (owned by the owner of its directory), no other descriptor inherited.
 * Returns the pid or -errno. */
pid_t process_spawn(const char *binary, const char *config, const char *log);
/* When pid started (/proc/PID/stat field 22), 0 if unknown: pid files
 * hold "PID START" so that a reused pid is never taken for the service. */
unsigned long long process_start_time(pid_t pid);
/* The pid recorded in pidfile if that process is alive, started when the
 * file says and still runs with config on its command line; 0 if not. */
pid_t process_running(const char *pidfile, const char *config);
/* SIGTERM, then wait up to timeout_ms. 0 when it exited, -ETIMEDOUT. */
int process_stop(pid_t pid, unsigned timeout_ms);

#endif
