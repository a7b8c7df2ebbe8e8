/* Integration: connection bound and idle timeout of the server, and the
 * client's reconnect after the server closed a kept-alive connection.
 * Nothing here sleeps on the server: the idle timeout is long against the
 * steps that need a connection kept (a loaded sanitizer build stalls for
 * hundreds of milliseconds), and its end is observed in /proc/net/tcp.
 * Usage: test-rpc-limits KETTLE_PLATFORM KETTLE_ECHO */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/tap.h"
#include "tests/harness/proc.h"
#include "tests/harness/tmp.h"
#include "tests/services/common/test_util.h"

static int healthz(struct rpc_client *c)
{
	struct rpc_result r;
	if (rpc_client_call(c, "GET", "/healthz", NULL, NULL, &r))
		return -1;
	int s = r.status;
	rpc_result_clear(&r);
	return s;
}

#define IDLE_TIMEOUT_MS 2000

/* Connections the server still holds open on its listener port: TCP
 * sockets on 127.0.0.1 whose local port is port, ESTABLISHED (state 01). */
static int server_connections(int port)
{
	FILE *f = fopen("/proc/net/tcp", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned local_port, state;

		if (sscanf(line, " %*u: %*x:%x %*x:%*x %x", &local_port, &state) == 2 &&
		    (int)local_port == port && state == 1)
			n++;
	}
	fclose(f);
	return n;
}

static int server_idle(void *port)
{
	return server_connections(*(int *)port) == 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_ECHO\n", argv[0]);
		return 2;
	}
	char tmp[1024], dir[2048], out[8192], cfg[4096], log[4096];
	CHECK(harness_temp_dir(tmp, sizeof(tmp), "limits") == 0, "temp dir");
	snprintf(dir, sizeof(dir), "%s/p", tmp);
	char *init[] = { argv[1], "init", dir, "--test-services", NULL };
	CHECK(harness_run_text(init, NULL, out, sizeof(out)) == 0, "platform created");
	snprintf(cfg, sizeof(cfg), "%s/echo.json", dir);
	json_t *j = json_load_file(cfg, 0, NULL);
	json_t *limits = json_object_get(j, "limits");
	json_object_set_new(limits, "max_connections", json_integer(2));
	json_object_set_new(limits, "timeout_ms", json_integer(IDLE_TIMEOUT_MS));
	CHECK(json_dump_file(j, cfg, 0) == 0, "config with max_connections 2, timeout %d ms",
	      IDLE_TIMEOUT_MS);
	json_decref(j);
	int port = tu_config_port(dir, "echo", "listen");
	snprintf(log, sizeof(log), "%s/echo.log", tmp);
	char *echo_argv[] = { argv[2], "--config", cfg, NULL };
	pid_t pid = harness_spawn(echo_argv, log);

	struct rpc_client *a = tu_platform_client(dir, port, "client", "echo");
	CHECK(tu_wait_healthy(a, 10000) == 0, "first connection served");
	struct rpc_client *b = tu_platform_client(dir, port, "client", "echo");
	CHECK(healthz(b) == 200, "second connection served");

	char url[64], ca[4096], cert[4096], key[4096], err[256];
	snprintf(url, sizeof(url), "https://127.0.0.1:%d", port);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(cert, sizeof(cert), "%s/certs/client.pem", dir);
	snprintf(key, sizeof(key), "%s/certs/client.key", dir);
	struct rpc_client_opts o = { .url = url, .ca = ca, .cert = cert, .key = key,
				     .timeout_ms = 300 };
	struct rpc_client *c = rpc_client_new(&o, err, sizeof(err));
	CHECK(c && healthz(c) < 0, "a third connection waits while two are open (timed out)");
	rpc_client_free(c);
	rpc_client_free(b);
	/* d waits in the backlog until the server has seen b close. */
	struct rpc_client *d = tu_platform_client(dir, port, "client", "echo");
	CHECK(healthz(d) == 200, "after one closes, a new connection is served");
	rpc_client_free(d);

	unsigned before = rpc_client_connections(a);
	CHECK(harness_until(server_idle, &port, 20, IDLE_TIMEOUT_MS + 30000) == 0,
	      "the server closes the idle connections");
	CHECK(healthz(a) == 200, "a call after the idle timeout succeeds");
	CHECK(rpc_client_connections(a) == before + 1,
	      "the client reconnected after the server closed the idle connection (%u -> %u)",
	      before, rpc_client_connections(a));
	rpc_client_free(a);

	kill(pid, SIGTERM);
	int st = harness_wait(pid, 10000);
	CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "clean exit");
	harness_remove_tree(tmp);
	TAP_DONE();
}
