/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-management --config FILE
 *
 * Serves functions, files, tasks and the audit log (README.md) on the
 * internal listener, keeping everything in kettle-storage (peers.storage)
 * and asking access control (peers.access_control) for every decision.
 * Service keys (all optional):
 *
 *   "access_control_peer": "access_control"  the peer answering
 *                          POST /internal/decide
 *   "script_executors": ["lua"]  executors whose payload is a script
 *   "audit_reads": false    also audit allowed reads
 *   "pool_size": 16         connections to each peer
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/jail.h"
#include "lib/log.h"
#include "services/common/config.h"
#include "services/common/rpc.h"
#include "services/common/rpc_pool.h"
#include "services/management/mgmt.h"
#include "services/management/tasks.h"

static int config_script_executors(const struct kettle_config *cfg,
				   json_t **out)
{
	json_t *v = json_object_get(cfg->root, "script_executors");
	size_t i;
	json_t *e;

	if (!v) {
		*out = json_pack("[s]", "lua");
		return *out ? 0 : -ENOMEM;
	}
	if (!json_is_array(v))
		return -EINVAL;
	json_array_foreach(v, i, e)
		if (!json_is_string(e) || !json_string_length(e) ||
		    !strcmp(json_string_value(e), "builtin") ||
		    !strcmp(json_string_value(e), "native"))
			return -EINVAL;
	*out = json_incref(v);
	return 0;
}

/* Once serving is possible: finish invocations a crash interrupted.
 * Storage may still be starting, so a failure is only logged. */
static int ready(void *arg)
{
	int rc = tasks_requeue_staged(arg);

	if (rc < 0)
		log_warn("could not look for interrupted invocations: %s",
			 strerror(-rc));
	return 0;
}

static int run(const struct kettle_config *cfg)
{
	struct jail_spec spec = { .net_client = 1, .nofile = 1024 };
	const char *decider = config_string(cfg, "access_control_peer");
	json_t *pool_size = json_object_get(cfg->root, "pool_size");
	size_t size = json_is_integer(pool_size) &&
			      json_integer_value(pool_size) > 0 &&
			      json_integer_value(pool_size) <= 256
		      ? (size_t)json_integer_value(pool_size) : 16;
	struct mgmt m = { 0 };
	char err[256];
	int rc = -EINVAL;

	m.audit_reads = json_is_true(json_object_get(cfg->root, "audit_reads"));
	if (config_script_executors(cfg, &m.script_executors) < 0) {
		log_error("%s/%s.json: \"script_executors\" must be a list of executor names other than builtin and native",
			  cfg->dir, cfg->service);
		return -EINVAL;
	}
	m.storage = rpc_pool_for_peer(cfg, "storage", size, 0, err, sizeof(err));
	if (!m.storage) {
		log_error("storage: %s", err);
		goto out;
	}
	if (!decider)
		decider = "access_control";
	/* Without access control nothing is allowed (503), but management
	 * still comes up, so a platform without it can start. */
	if (!config_peer(cfg, decider)) {
		log_warn("no peer \"%s\" in %s/%s.json: every request will be "
			 "answered 503 until access control is configured",
			 decider, cfg->dir, cfg->service);
	} else if (!(m.decider = rpc_pool_for_peer(cfg, decider, size, 0, err,
						   sizeof(err)))) {
		log_error("access control: %s", err);
		goto out;
	}
	rc = rpc_serve(cfg, &m, mgmt_routes, mgmt_routes_count, &spec, ready, &m);
out:
	rpc_pool_free(m.decider);
	rpc_pool_free(m.storage);
	json_decref(m.script_executors);
	return rc;
}

int main(int argc, char **argv)
{
	struct kettle_config cfg;
	/* Handlers run on several threads: seed jansson's hash once. */
	json_object_seed(0);
	int rc = rpc_serve_config(argc, argv, "management", &cfg);
	if (rc)
		return rc;
	rc = run(&cfg);
	config_free(&cfg);
	return rc < 0 ? 1 : 0;
}
