/* SPDX-License-Identifier: Apache-2.0 */
/* Test helpers; see test_util.h. */
#include "tests/services/common/test_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "tests/harness/json.h"
#include "tests/harness/proc.h"
#include "tests/harness/tmp.h"

struct rpc_client *tu_client(int port, const char *ca, const char *cert,
			     const char *key, const char *expect_cn)
{
	char url[64], err[512];
	snprintf(url, sizeof(url), "https://127.0.0.1:%d", port);
	struct rpc_client_opts o = { .url = url, .ca = ca, .cert = cert, .key = key,
				     .expect_cn = expect_cn, .timeout_ms = 5000 };
	struct rpc_client *c = rpc_client_new(&o, err, sizeof(err));
	if (!c)
		fprintf(stderr, "# client: %s\n", err);
	return c;
}

struct rpc_client *tu_platform_client(const char *dir, int port,
				      const char *identity, const char *expect_cn)
{
	char ca[4096], cert[4096], key[4096];
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(cert, sizeof(cert), "%s/certs/%s.pem", dir, identity ? identity : "");
	snprintf(key, sizeof(key), "%s/certs/%s.key", dir, identity ? identity : "");
	return tu_client(port, ca, identity ? cert : NULL, identity ? key : NULL,
			 expect_cn);
}

int tu_wait_healthy(struct rpc_client *c, unsigned timeout_ms)
{
	for (unsigned waited = 0; c && waited <= timeout_ms; waited += 50) {
		struct rpc_result r;
		if (rpc_client_call(c, "GET", "/healthz", NULL, NULL, &r) == 0) {
			int ok = r.status == 200;
			rpc_result_clear(&r);
			if (ok)
				return 0;
		}
		harness_sleep_ms(50);
	}
	return -1;
}

int tu_config_port(const char *dir, const char *service, const char *which)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.json", dir, service);
	return (int)harness_json_file_int(path, which, "port", -1);
}

int tu_echo_platform(const char *platform, const char *tag, const char *limits,
		     char *tmp, size_t tmp_len, char *dir, size_t dir_len)
{
	char out[8192], cfg[4096];
	if (harness_temp_dir(tmp, tmp_len, tag) != 0)
		return -1;
	snprintf(dir, dir_len, "%s/p", tmp);
	char *init[] = { (char *)platform, "init", dir, "--test-services", NULL };
	if (harness_run_text(init, NULL, out, sizeof(out)) != 0) {
		fprintf(stderr, "# kettle-platform init: %s\n", out);
		return -1;
	}
	if (!limits)
		return 0;
	snprintf(cfg, sizeof(cfg), "%s/echo.json", dir);
	json_t *j = json_load_file(cfg, 0, NULL);
	json_t *extra = json_loads(limits, 0, NULL);
	int rc = j && extra &&
		 json_object_update(json_object_get(j, "limits"), extra) == 0 &&
		 json_dump_file(j, cfg, 0) == 0 ? 0 : -1;
	json_decref(extra);
	json_decref(j);
	return rc;
}

int tu_status(struct rpc_client *c, const char *method, const char *path)
{
	struct rpc_result r;
	if (rpc_client_call(c, method, path, NULL, NULL, &r))
		return -1;
	int s = r.status;
	rpc_result_clear(&r);
	return s;
}

double tu_ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

int tu_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	int port = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

unsigned long tu_raise_nofile(unsigned long want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	return (unsigned long)rl.rlim_cur;
}

pid_t tu_spawn_echo(const char *echo, const char *tmp, const char *dir,
		    const char *config)
{
	char cfg[4096], log[4096];
	snprintf(cfg, sizeof(cfg), "%s/%s", dir, config);
	snprintf(log, sizeof(log), "%s/%s.log", tmp, config);
	char *argv[] = { (char *)echo, "--config", cfg, NULL };
	return harness_spawn(argv, log);
}

int tu_echo_relay_config(const char *dir)
{
	char a[4096], b[4096];
	snprintf(a, sizeof(a), "%s/echo.json", dir);
	snprintf(b, sizeof(b), "%s/echo-b.json", dir);
	json_t *j = json_load_file(a, 0, NULL);
	int port = tu_free_port();
	int rc = j && port > 0 ? 0 : -1;
	if (!rc) {
		json_object_set_new(json_object_get(j, "listen"), "port", json_integer(port));
		json_object_del(j, "public");
		json_object_del(j, "log"); /* echo A's file is A's */
		json_object_set_new(j, "relay_peer", json_string("echo"));
		/* Its jail lets it connect to A's port (Landlock, by port). */
		json_t *connect = json_object_get(json_object_get(j, "jail"), "connect");
		if (json_is_array(connect))
			json_array_append_new(connect, json_integer(tu_config_port(dir, "echo", "listen")));
		rc = json_dump_file(j, b, 0);
	}
	json_decref(j);
	return rc ? -1 : port;
}
