/* SPDX-License-Identifier: Apache-2.0 */
/* Integration: connection bound and idle timeout of the server, and the
 * client's reconnect after the server closed a kept-alive connection.
 * Usage: test-rpc-limits KETTLE_PLATFORM KETTLE_ECHO */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/harness/proc.h"
#include "tests/harness/tmp.h"
#include "tests/tap.h"
#include "tests/services/common/test_util.h"

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

static int healthz(struct rpc_client *c)
{
	return tu_status(c, "GET", "/healthz");
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_ECHO\n", argv[0]);
		return 2;
	}
	char tmp[1024], dir[2048];
	CHECK(tu_echo_platform(argv[1], "limits", "{\"max_connections\":2,\"timeout_ms\":2000}",
			       tmp, sizeof(tmp), dir, sizeof(dir)) == 0,
	      "platform with max_connections 2, timeout %d ms", IDLE_TIMEOUT_MS);
	int port = tu_config_port(dir, "echo", "listen");
	pid_t pid = tu_spawn_echo(argv[2], tmp, dir, "echo.json");

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
