/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-platform start / stop / status. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "services/common/config.h"
#include "services/platform/files.h"
#include "services/platform/services_table.h"
#include "lib/log.h"
#include "services/platform/platform.h"
#include "services/platform/process.h"
#include "services/common/rpc_client.h"

#define START_TIMEOUT_MS 10000u
#define STOP_TIMEOUT_MS 15000u
/* Longer than a whole start of a few services. */
#define LOCK_TIMEOUT_MS 120000u

struct svc {
	const char *name, *binary, *config;
	int public_port;
	char config_path[4096], pidfile[4096], log[4096];
};

/* The platform directory as one spelling: its services are known by
 * config paths under it, whatever path (relative, through a symbolic
 * link) a command was given. */
static int canonical_dir(const char *dir, char *out)
{
	if (realpath(dir, out))
		return 0;
	fprintf(stderr, "kettle-platform: %s: %s; run `kettle-platform init %s` first\n",
		dir, strerror(errno), dir);
	return -errno;
}

/* start and stop take DIR/run/platform.lock, so that two of them never
 * interleave on one platform (the second waits for the first). */
static int lock_platform(const char *dir)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/run/platform.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		fprintf(stderr, "kettle-platform: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (unsigned waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited += 100) {
		if (errno != EWOULDBLOCK || waited >= LOCK_TIMEOUT_MS) {
			fprintf(stderr, "kettle-platform: another kettle-platform start or stop holds %s; try again when it is done\n",
				path);
			close(fd);
			return -1;
		}
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return fd;
}

static json_t *load_manifest(const char *dir)
{
	char path[4096];
	if (path_join(path, sizeof(path), dir, PLATFORM_MANIFEST))
		return NULL;
	json_t *m = file_read_json(path);
	if (!m)
		fprintf(stderr, "kettle-platform: %s is not a platform (no readable %s); run `kettle-platform init %s` first\n",
			dir, PLATFORM_MANIFEST, dir);
	return m;
}

static int svc_from(const char *dir, json_t *entry, struct svc *s)
{
	memset(s, 0, sizeof(*s));
	json_t *port = json_object_get(entry, "public_port");
	s->name = json_string_value(json_object_get(entry, "name"));
	s->binary = json_string_value(json_object_get(entry, "binary"));
	s->config = json_string_value(json_object_get(entry, "config"));
	s->public_port = json_is_integer(port) ? (int)json_integer_value(port) : 0;
	if (!s->name || !s->binary || !s->config || strchr(s->name, '/'))
		return -EINVAL;
	char rel[512];
	int rc = path_join(s->config_path, sizeof(s->config_path), dir, s->config);
	snprintf(rel, sizeof(rel), "run/%s.pid", s->name);
	if (!rc)
		rc = path_join(s->pidfile, sizeof(s->pidfile), dir, rel);
	snprintf(rel, sizeof(rel), "logs/%s/%s.log", s->name, s->name);
	if (!rc)
		rc = path_join(s->log, sizeof(s->log), dir, rel);
	return rc;
}

/* A client for the service's internal listener, as the platform's "client". */
static struct rpc_client *health_client(const char *dir, const struct svc *s)
{
	struct kettle_config cfg;
	char err[512], ca[4096], cert[4096], key[4096], url[128];
	if (config_load(s->config_path, &cfg, err, sizeof(err)))
		return NULL;
	snprintf(url, sizeof(url), "https://127.0.0.1:%d", cfg.listen.port);
	config_free(&cfg);
	if (path_join(ca, sizeof(ca), dir, PLATFORM_CA_CERT) ||
	    path_join(cert, sizeof(cert), dir, PLATFORM_CLIENT_CERT) ||
	    path_join(key, sizeof(key), dir, PLATFORM_CLIENT_KEY))
		return NULL;
	struct rpc_client_opts o = { .url = url, .ca = ca, .cert = cert, .key = key,
				     .expect_cn = s->name, .timeout_ms = 1000 };
	return rpc_client_new(&o, err, sizeof(err));
}

static int healthy(struct rpc_client *c)
{
	struct rpc_result r;
	if (!c || rpc_client_call(c, "GET", "/healthz", NULL, NULL, &r))
		return 0;
	int ok = r.status == 200 &&
		 json_is_string(json_object_get(r.json, "status")) &&
		 strcmp(json_string_value(json_object_get(r.json, "status")), "ok") == 0;
	rpc_result_clear(&r);
	return ok;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int wait_healthy(const char *dir, const struct svc *s, pid_t pid)
{
	/* Without a readable config there is no health check, but the
	 * service's own log will say what is wrong once it exits. */
	struct rpc_client *c = health_client(dir, s);
	int rc = -ETIMEDOUT;
	for (unsigned waited = 0; waited < START_TIMEOUT_MS; waited += 100) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "kettle-platform: %s exited during start-up; see %s\n",
				s->name, s->log);
			rc = -ECHILD;
			break;
		}
		if (healthy(c)) {
			rc = 0;
			break;
		}
		sleep_ms(100);
	}
	if (rc == -ETIMEDOUT)
		fprintf(stderr, "kettle-platform: %s did not answer /healthz within %u s; see %s\n",
			s->name, START_TIMEOUT_MS / 1000, s->log);
	rpc_client_free(c);
	return rc;
}

static int write_url(const char *dir, json_t *services, json_t *up)
{
	size_t i;
	json_t *e;
	int port = 0;
	/* Clients enter through the entry service (the frontend); until it
	 * exists, through the first service with a public listener. */
	json_array_foreach(services, i, e) {
		json_t *p = json_object_get(e, "public_port");
		const char *name = json_string_value(json_object_get(e, "name"));
		if (!json_is_integer(p) || json_integer_value(p) <= 0 ||
		    !name || !json_object_get(up, name))
			continue;
		if (!port || strcmp(name, PLATFORM_ENTRY_SERVICE) == 0)
			port = (int)json_integer_value(p);
	}
	if (!port)
		return -ENOENT;
	char url[64], path[4096];
	snprintf(url, sizeof(url), "https://127.0.0.1:%d\n", port);
	int rc = path_join(path, sizeof(path), dir, PLATFORM_URL);
	if (!rc)
		rc = file_replace(path, url, 0644);
	if (!rc)
		printf("%s", url);
	return rc;
}

int platform_start(const char *given_dir, const char *self)
{
	char dir[PATH_MAX];
	if (canonical_dir(given_dir, dir))
		return 1;
	json_t *m = load_manifest(dir);
	if (!m)
		return 1;
	int lock = lock_platform(dir);
	if (lock < 0) {
		json_decref(m);
		return 1;
	}
	json_t *services = json_object_get(m, "services"), *e;
	size_t i;
	int failed = 0, started = 0, missing = 0;
	json_t *up = json_object(); /* names of the services running */
	json_array_foreach(services, i, e) {
		struct svc s;
		char bin[4096], pid_text[32];
		if (svc_from(dir, e, &s)) {
			fprintf(stderr, "kettle-platform: %s/%s has a bad service entry %zu\n",
				dir, PLATFORM_MANIFEST, i);
			failed = 1;
			continue;
		}
		pid_t running = process_running(s.pidfile, s.config_path);
		if (running) {
			printf("%s: already running (pid %d)\n", s.name, (int)running);
			json_object_set_new(up, s.name, json_true());
			started++;
			continue;
		}
		if (process_find_binary(self, s.binary, s.name, bin, sizeof(bin))) {
			printf("%s: missing (%s is not built or not on PATH); not started\n",
			       s.name, s.binary);
			missing++;
			continue;
		}
		pid_t pid = process_spawn(bin, s.config_path, s.log);
		if (pid < 0) {
			fprintf(stderr, "kettle-platform: cannot start %s: %s\n", bin, strerror((int)-pid));
			failed = 1;
			continue;
		}
		snprintf(pid_text, sizeof(pid_text), "%d %llu\n", (int)pid,
			 process_start_time(pid));
		if (file_replace(s.pidfile, pid_text, 0600))
			fprintf(stderr, "kettle-platform: cannot write %s\n", s.pidfile);
		if (wait_healthy(dir, &s, pid)) {
			failed = 1;
			continue;
		}
		printf("%s: started (pid %d), log %s\n", s.name, (int)pid, s.log);
		json_object_set_new(up, s.name, json_true());
		started++;
	}
	if (started && write_url(dir, services, up) == -ENOENT)
		printf("no service with a public listener is running; %s/%s not written\n",
		       dir, PLATFORM_URL);
	if (missing)
		printf("%d service(s) missing; %s\n", missing,
		       failed ? "others failed too" : "the others were started");
	json_decref(up);
	json_decref(m);
	close(lock);
	return failed ? 1 : 0;
}

int platform_stop(const char *given_dir)
{
	char dir[PATH_MAX];
	if (canonical_dir(given_dir, dir))
		return 1;
	json_t *m = load_manifest(dir);
	if (!m)
		return 1;
	int lock = lock_platform(dir);
	if (lock < 0) {
		json_decref(m);
		return 1;
	}
	json_t *list = json_object_get(m, "services");
	int failed = 0;
	/* Reverse start order: callers go before the services they call. */
	for (size_t i = json_array_size(list); i-- > 0;) {
		struct svc s;
		if (svc_from(dir, json_array_get(list, i), &s))
			continue;
		pid_t pid = process_running(s.pidfile, s.config_path);
		if (!pid) {
			unlink(s.pidfile);
			continue;
		}
		if (process_stop(pid, STOP_TIMEOUT_MS)) {
			fprintf(stderr, "kettle-platform: %s (pid %d) did not stop within %u s\n",
				s.name, (int)pid, STOP_TIMEOUT_MS / 1000);
			failed = 1;
			continue;
		}
		unlink(s.pidfile);
		printf("%s: stopped\n", s.name);
	}
	json_decref(m);
	close(lock);
	return failed;
}

int platform_status(const char *given_dir)
{
	char dir[PATH_MAX];
	if (canonical_dir(given_dir, dir))
		return 1;
	json_t *m = load_manifest(dir);
	if (!m)
		return 1;
	json_t *e;
	size_t i;
	int all_ok = 1;
	json_array_foreach(json_object_get(m, "services"), i, e) {
		struct svc s;
		if (svc_from(dir, e, &s))
			continue;
		pid_t pid = process_running(s.pidfile, s.config_path);
		if (!pid) {
			printf("%s: stopped\n", s.name);
			all_ok = 0;
			continue;
		}
		struct rpc_client *c = health_client(dir, &s);
		int ok = healthy(c);
		rpc_client_free(c);
		printf("%s: running (pid %d), %s\n", s.name, (int)pid,
		       ok ? "healthy" : "not healthy");
		all_ok &= ok;
	}
	json_decref(m);
	return all_ok ? 0 : 3;
}
