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
	return tu_status(c, "GET", "/healthz");
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM KETTLE_ECHO\n", argv[0]);
		return 2;
	}
	char tmp[1024], dir[2048];
	CHECK(tu_echo_platform(argv[1], "limits", "{\"max_connections\":2,\"timeout_ms\":1000}",
			       tmp, sizeof(tmp), dir, sizeof(dir)) == 0,
	      "platform with max_connections 2, timeout 1 s");
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
	tu_sleep_ms(1600);
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
