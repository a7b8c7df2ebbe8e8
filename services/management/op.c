/* SPDX-License-Identifier: Apache-2.0 */
/* The life of one management request: identity, decision, answer, audit. */
#include "services/management/mgmt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "services/management/decide.h"

static const char *const roles[] = { "platform_admin", "function_owner",
				     "data_owner_manager", "data_owner" };

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool role_valid(const char *role)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(role, roles[i]))
			return true;
	return false;
}

bool op_begin(struct op *op, void *ctx, const struct rpc_request *req,
	      struct rpc_response *resp, const char *action, bool write)
{
	const char *user = rpc_header(req, "X-Kettle-User");
	const char *role = rpc_header(req, "X-Kettle-Role");
	const char *attr = rpc_header(req, "X-Kettle-Attribute");

	memset(op, 0, sizeof(*op));
	op->m = ctx;
	op->req = req;
	op->resp = resp;
	op->action = action;
	op->write = write;
	if (!user || !role || !user_id_valid(user) || !role_valid(role)) {
		op->done = true;
		rpc_unauthenticated(resp, "The request names no valid caller "
					  "(X-Kettle-User and X-Kettle-Role).");
		return false;
	}
	/* The attribute is an organisation: authentication's spelling. */
	if (!attribute_valid(attr)) {
		op->done = true;
		rpc_unauthenticated(resp, "The caller's X-Kettle-Attribute is "
					  "not a valid organisation id.");
		return false;
	}
	snprintf(op->who.id, sizeof(op->who.id), "%s", user);
	snprintf(op->who.role, sizeof(op->who.role), "%s", role);
	snprintf(op->who.attribute, sizeof(op->who.attribute), "%s",
		 attr ? attr : "");
	return true;
}

void op_object(struct op *op, const char *id)
{
	snprintf(op->object, sizeof(op->object), "%s", id);
	if (object_id_valid(OBJ_TASK, id))
		snprintf(op->task_id, sizeof(op->task_id), "%s", id);
}

static void finish(struct op *op, int status)
{
	if (op->done)
		return;
	op->done = true;
	if (op->decided && (!op->allowed || op->write || op->m->audit_reads))
		audit_append(op->m, op, status);
}

bool op_authorize(struct op *op, json_t *facts)
{
	struct decision d;
	int rc = decide(op->m, &op->who, op->action, facts, &d);

	if (rc < 0) {
		op->done = true;
		rpc_unavailable(op->resp, "The access control service is "
					  "unavailable; retry later.");
		return false;
	}
	op->decided = true;
	op->allowed = d.allow;
	snprintf(op->rule, sizeof(op->rule), "%s", d.rule);
	snprintf(op->reason, sizeof(op->reason), "%s", d.reason);
	if (!d.allow) {
		finish(op, 403);
		rpc_permission_denied(op->resp, "%s", d.reason);
	}
	return d.allow;
}

int op_decide_quiet(struct op *op, const char *action, json_t *facts)
{
	struct decision d;
	int rc = decide(op->m, &op->who, action, facts, &d);

	return rc < 0 ? rc : d.allow;
}

void op_reply(struct op *op, int status, json_t *body)
{
	finish(op, status);
	rpc_reply_json(op->resp, status, body);
}

void op_error(struct op *op, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	finish(op, status);
	rpc_reply_error(op->resp, status, rpc_error_code_for_status(status),
			"%s", msg);
}

void op_store_error(struct op *op, int rc)
{
	if (rc == -EAGAIN || rc == -ECANCELED)
		op_error(op, 503, "The storage service is unavailable; retry "
				  "later.");
	else
		op_error(op, 500, "The storage service failed this request.");
}

bool empty_body(struct op *op)
{
	if (op->req->raw_len == 0 ||
	    (json_is_object(op->req->body) && json_object_size(op->req->body) == 0))
		return true;
	op_error(op, 400, "The body must be empty or {}.");
	return false;
}

