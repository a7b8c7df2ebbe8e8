/* The life of a service once it is configured, the same for every service:
 * bind its listeners, enter its jail, do its first-start work, serve until
 * SIGTERM. */
#include <errno.h>
#include <string.h>

#include "services/common/jail.h"
#include "services/common/log.h"
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
	if (rc == 0 && (rc = jail_enter(jail)) < 0)
		log_error("cannot enter the jail: %s", strerror(-rc));
	if (rc == 0 && ready)
		rc = ready(ready_arg);
	if (rc == 0) {
		log_info("%s serving: internal port %d, public port %d", jail->name, rpc_server_port(srv, 0),
			 rpc_server_port(srv, 1));
		rc = rpc_server_run(srv);
	}
	rpc_server_free(srv);
	return rc;
}
