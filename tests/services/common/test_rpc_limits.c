/* Integration: connection bound and idle timeout of the server, and the
 * client's reconnect after the server closed a kept-alive connection.
 * Usage: test-rpc-limits KETTLE_PLATFORM KETTLE_ECHO */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/tap.h"
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

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_ECHO\n", argv[0]);
		return 2;
	}
	char tmp[1024], dir[2048], out[8192], cfg[4096], log[4096];
	CHECK(tu_temp_dir(tmp, sizeof(tmp), "limits") == 0, "temp dir");
	snprintf(dir, sizeof(dir), "%s/p", tmp);
	char *init[] = { argv[1], "init", dir, "--test-services", NULL };
	CHECK(tu_run(init, NULL, out, sizeof(out)) == 0, "platform created");
	snprintf(cfg, sizeof(cfg), "%s/echo.json", dir);
	json_t *j = json_load_file(cfg, 0, NULL);
	json_t *limits = json_object_get(j, "limits");
	json_object_set_new(limits, "max_connections", json_integer(2));
	json_object_set_new(limits, "timeout_ms", json_integer(1000));
	CHECK(json_dump_file(j, cfg, 0) == 0, "config with max_connections 2, timeout 1 s");
	json_decref(j);
	int port = tu_config_port(dir, "echo", "listen");
	snprintf(log, sizeof(log), "%s/echo.log", tmp);
	char *echo_argv[] = { argv[2], "--config", cfg, NULL };
	pid_t pid = tu_spawn(echo_argv, log);

	struct rpc_client *a = tu_platform_client(dir, port, "client", "echo");
	CHECK(tu_wait_healthy(a, 10000) == 0, "first connection served");
	struct rpc_client *b = tu_platform_client(dir, port, "client", "echo");
	CHECK(healthz(b) == 200, "second connection served");

	/* At the bound, the oldest connection waiting for a request (a's, b's
	 * are idle) makes room: a new client is served, not locked out. */
	unsigned opened = rpc_client_connections(a);
	struct rpc_client *d = tu_platform_client(dir, port, "client", "echo");
	CHECK(healthz(d) == 200, "a third connection is served while two are open");
	CHECK(healthz(a) == 200 && rpc_client_connections(a) == opened + 1,
	      "the oldest idle one was closed to make room; its client reconnected (%u -> %u)",
	      opened, rpc_client_connections(a));
	rpc_client_free(d);
	rpc_client_free(b);

	unsigned before = rpc_client_connections(a);
	sleep_ms(1600);
	CHECK(healthz(a) == 200, "a call after the idle timeout succeeds");
	CHECK(rpc_client_connections(a) == before + 1,
	      "the client reconnected after the server closed the idle connection (%u -> %u)",
	      before, rpc_client_connections(a));
	rpc_client_free(a);

	kill(pid, SIGTERM);
	int st = tu_wait(pid, 10000);
	CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "clean exit");
	tu_remove_tree(tmp);
	TAP_DONE();
}
