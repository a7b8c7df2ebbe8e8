/* SPDX-License-Identifier: Apache-2.0 */
/* The routes of kettle-management: API.md's paths on the internal
 * listener, callable only by the frontend (which forwards the caller's
 * identity in X-Kettle-* headers) and the platform's client certificate
 * (tests and operators). */
#include "services/management/mgmt.h"

static const char *const callers[] = { "frontend", "client", NULL };

#define R(method, pattern, fn) { method, pattern, fn, callers, RPC_ROUTE_INTERNAL }

const struct rpc_route mgmt_routes[] = {
	R("POST", "/v1/functions", h_function_register),
	R("GET", "/v1/functions", h_function_list),
	R("GET", "/v1/functions/{id}", h_function_get),
	R("PUT", "/v1/functions/{id}", h_function_update),
	R("DELETE", "/v1/functions/{id}", h_function_delete),
	R("POST", "/v1/functions/{id}/disable", h_function_disable),
	R("GET", "/v1/functions/{id}/stats", h_function_stats),
	R("POST", "/v1/inputs", h_input_register),
	R("POST", "/v1/inputs/from-output", h_input_from_output),
	R("PUT", "/v1/inputs/{id}", h_input_update),
	R("GET", "/v1/inputs/{id}", h_input_get),
	R("POST", "/v1/outputs", h_output_register),
	R("POST", "/v1/outputs/fusion", h_output_fusion),
	R("PUT", "/v1/outputs/{id}", h_output_update),
	R("GET", "/v1/outputs/{id}", h_output_get),
	{ "PUT", "/v1/blobs", h_blob_put, callers,
	  RPC_ROUTE_INTERNAL | RPC_ROUTE_RAW | RPC_ROUTE_BLOB },
	R("GET", "/v1/blobs/{digest}", h_blob_get),
	R("POST", "/v1/tasks", h_task_create),
	R("GET", "/v1/tasks/{id}", h_task_get),
	R("POST", "/v1/tasks/{id}/assign", h_task_assign),
	R("POST", "/v1/tasks/{id}/approve", h_task_approve),
	R("POST", "/v1/tasks/{id}/invoke", h_task_invoke),
	R("POST", "/v1/tasks/{id}/cancel", h_task_cancel),
	R("GET", "/v1/tasks/{id}/evidence", h_task_evidence),
	R("GET", "/v1/audit", h_audit_list),
};
const size_t mgmt_routes_count = sizeof(mgmt_routes) / sizeof(mgmt_routes[0]);
