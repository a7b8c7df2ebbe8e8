/* The life of a service once it is configured, the same for every service:
 * bind its listeners, enter its jail, do its first-start work, serve until
 * SIGTERM. */
#include <errno.h>
#include <string.h>

#include "lib/jail.h"
#include "lib/log.h"
#include "services/common/rpc.h"

int rpc_serve(const struct kettle_config *cfg, void *ctx, const struct rpc_route *routes, size_t n_routes,
	      const struct jail_spec *jail, int (*ready)(void *arg), void *ready_arg)
{
	struct rpc_server *srv = rpc_server_new(cfg, ctx);
	int rc;

	if (!srv)
		return -EINVAL;
	rc = rpc_server_add_routes(srv, routes, n_routes);
	if (rc == 0)
		rc = rpc_server_listen(srv);
	/* A service is a server: its jail always allows serving. */
	struct jail_spec spec = *jail;
	const char *step = NULL;
	spec.server = 1;
	if (rc == 0 && (rc = jail_enter(&spec, &step)) < 0)
		log_error("cannot enter the jail at step %s: %s", step,
			  strerror(-rc));
	if (rc == 0 && ready)
		rc = ready(ready_arg);
	if (rc == 0) {
		log_info("%s serving: internal port %d, public port %d", cfg->service, rpc_server_port(srv, 0),
			 rpc_server_port(srv, 1));
		rc = rpc_server_run(srv);
	}
	rpc_server_free(srv);
	return rc;
}
