/* SPDX-License-Identifier: Apache-2.0 */
/* The management service's shared state and the life of one request.
 *
 * Nothing lives in memory between requests: every object is a document in
 * kettle-storage, changed with compare-and-swap, so the process can be
 * killed at any moment and handlers may run concurrently on several
 * threads (the pools are thread-safe; everything else is per request). */
#ifndef KETTLE_MANAGEMENT_MGMT_H
#define KETTLE_MANAGEMENT_MGMT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "services/common/rpc.h"
#include "services/management/ids.h"

struct rpc_pool;

struct mgmt {
	struct rpc_pool *storage;
	struct rpc_pool *decider;  /* access control; NULL when not configured */
	json_t *script_executors;  /* array of executor names with a script payload */
	bool audit_reads;          /* audit allowed reads too */
};

/* The caller named by the frontend (trusted only from CN frontend/client). */
struct caller {
	char id[USER_ID_MAX + 1];
	char role[32];
	char attribute[ATTRIBUTE_MAX + 1];
};

/* One request: who, which action on which object, and what was decided. */
struct op {
	struct mgmt *m;
	const struct rpc_request *req;
	struct rpc_response *resp;
	struct caller who;
	const char *action;
	char object[80]; /* an id or a blob digest */
	char task_id[ID_MAX];
	bool decided, allowed, write;
	char rule[128];
	char reason[256];
	bool done;
};

/* Reads the caller's headers; false after answering 401. write says
 * whether an allowed outcome is audited (denials always are). */
bool op_begin(struct op *op, void *ctx, const struct rpc_request *req,
	      struct rpc_response *resp, const char *action, bool write);
void op_object(struct op *op, const char *id);
/* Asks access control (facts stolen). True when allowed; otherwise the
 * answer (403 with the reason, or 503) is sent and audited. */
bool op_authorize(struct op *op, json_t *facts);
/* Ask about a second action of the same request without answering. */
int op_decide_quiet(struct op *op, const char *action, json_t *facts);
/* Answer (body stolen) and audit the outcome. */
void op_reply(struct op *op, int status, json_t *body);
void op_error(struct op *op, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The answer for a failed storage call (-ENOENT is the caller's business). */
void op_store_error(struct op *op, int rc);

/* An action's body must be empty or {}; false once answered 400. */
bool empty_body(struct op *op);

/* Audit log (audit.c). */
void audit_append(struct mgmt *m, const struct op *op, int status);

/* Handlers (functions.c, files.c, blobs.c, tasks.c, tasks_run.c, audit.c). */
#define HANDLER(fn) void fn(void *ctx, const struct rpc_request *req, \
			    struct rpc_response *resp)
HANDLER(h_function_register);
HANDLER(h_function_get);
HANDLER(h_function_update);
HANDLER(h_function_delete);
HANDLER(h_function_disable);
HANDLER(h_function_list);
HANDLER(h_function_stats);
HANDLER(h_input_register);
HANDLER(h_input_update);
HANDLER(h_input_get);
HANDLER(h_output_register);
HANDLER(h_output_update);
HANDLER(h_output_get);
HANDLER(h_output_fusion);
HANDLER(h_input_from_output);
HANDLER(h_blob_put);
HANDLER(h_blob_get);
HANDLER(h_task_create);
HANDLER(h_task_get);
HANDLER(h_task_assign);
HANDLER(h_task_approve);
HANDLER(h_task_invoke);
HANDLER(h_task_cancel);
HANDLER(h_task_evidence);
HANDLER(h_audit_list);
#undef HANDLER

extern const struct rpc_route mgmt_routes[];
extern const size_t mgmt_routes_count;

/* Milliseconds since the epoch. */
long long now_ms(void);

#endif
