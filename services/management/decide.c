/* SPDX-License-Identifier: Apache-2.0 */
#include "services/management/decide.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "services/common/rpc_pool.h"
#include "services/management/mgmt.h"

int decide(struct mgmt *m, const struct caller *who, const char *action,
	   json_t *facts, struct decision *d)
{
	struct rpc_result res;
	json_t *body, *allow;
	int rc;

	memset(d, 0, sizeof(*d));
	if (!facts)
		return -ENOMEM;
	if (!m->decider) {
		json_decref(facts);
		return -EAGAIN;
	}
	body = json_pack("{s:{s:s, s:s, s:s}, s:s, s:o}", "subject", "id",
			 who->id, "role", who->role, "attribute",
			 who->attribute, "action", action, "resource", facts);
	if (!body)
		return -ENOMEM;
	rc = rpc_pool_call(m->decider, "POST", "/internal/decide", body, NULL,
			   &res);
	json_decref(body);
	if (rc < 0) {
		log_warn("access control: %s", rpc_pool_error());
		return -EAGAIN;
	}
	allow = json_object_get(res.json, "allow");
	if (res.status != 200 || !json_is_boolean(allow)) {
		log_warn("access control answered %d without a decision for %s",
			 res.status, action);
		rpc_result_clear(&res);
		return -EAGAIN;
	}
	d->allow = json_is_true(allow);
	snprintf(d->rule, sizeof(d->rule), "%s",
		 json_string_value(json_object_get(res.json, "rule"))
			 ?: "");
	snprintf(d->reason, sizeof(d->reason), "%s",
		 json_string_value(json_object_get(res.json, "reason"))
			 ?: (d->allow ? "" : "The policy denies this."));
	rpc_result_clear(&res);
	return 0;
}
