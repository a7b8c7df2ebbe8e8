/* SPDX-License-Identifier: Apache-2.0 */
/* Response setters, error bodies and request accessors for handlers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/keyvalq_struct.h>
#include <event2/http.h>

#include "services/common/rpc_internal.h"

void rpc_response_clear(struct rpc_response *resp)
{
	json_decref(resp->json);
	free(resp->raw);
	free(resp->content_type);
	json_decref(resp->headers);
	memset(resp, 0, sizeof(*resp));
}

static void reset_body(struct rpc_response *resp)
{
	json_decref(resp->json);
	free(resp->raw);
	free(resp->content_type);
	resp->json = NULL;
	resp->raw = NULL;
	resp->raw_len = 0;
	resp->content_type = NULL;
}

void rpc_reply_json(struct rpc_response *resp, int status, json_t *body)
{
	reset_body(resp);
	resp->status = status;
	resp->json = body ? body : json_object();
}

void rpc_reply_raw(struct rpc_response *resp, int status,
		   const char *content_type, const void *data, size_t len)
{
	reset_body(resp);
	resp->raw = malloc(len ? len : 1);
	resp->content_type = strdup(content_type ? content_type
						 : "application/octet-stream");
	if (!resp->raw || !resp->content_type) {
		rpc_internal(resp, "The server ran out of memory.");
		return;
	}
	if (len)
		memcpy(resp->raw, data, len);
	resp->raw_len = len;
	resp->status = status;
}

void rpc_reply_header(struct rpc_response *resp, const char *name,
		      const char *value)
{
	if (!resp->headers)
		resp->headers = json_object();
	json_object_set_new(resp->headers, name, json_string(value));
}

json_t *rpc_error_body(const char *code, const char *message)
{
	json_t *msg = json_string(message);
	if (!msg) /* not UTF-8: never echo such bytes back */
		msg = json_string("The request could not be processed.");
	return json_pack("{s:{s:s,s:o}}", "error", "code", code, "message", msg);
}

const char *rpc_error_code_for_status(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 401: return "unauthenticated";
	case 403: return "permission_denied";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 409: return "conflict";
	case 413: return "payload_too_large";
	case 429: return "rate_limited";
	case 503: return "unavailable";
	default: return status >= 400 && status < 500 ? "bad_request" : "internal";
	}
}

static void reply_errorv(struct rpc_response *resp, int status,
			 const char *code, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	rpc_reply_json(resp, status, rpc_error_body(code, msg));
}

void rpc_reply_error(struct rpc_response *resp, int status, const char *code,
		     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	reply_errorv(resp, status, code, fmt, ap);
	va_end(ap);
}

#define DEFINE_ERROR_HELPER(fn, status, code)                                 \
	void fn(struct rpc_response *resp, const char *fmt, ...)              \
	{                                                                     \
		va_list ap;                                                   \
		va_start(ap, fmt);                                            \
		reply_errorv(resp, status, code, fmt, ap);                    \
		va_end(ap);                                                   \
	}
DEFINE_ERROR_HELPER(rpc_bad_request, 400, "bad_request")
DEFINE_ERROR_HELPER(rpc_unauthenticated, 401, "unauthenticated")
DEFINE_ERROR_HELPER(rpc_permission_denied, 403, "permission_denied")
DEFINE_ERROR_HELPER(rpc_not_found, 404, "not_found")
DEFINE_ERROR_HELPER(rpc_method_not_allowed, 405, "method_not_allowed")
DEFINE_ERROR_HELPER(rpc_conflict, 409, "conflict")
DEFINE_ERROR_HELPER(rpc_payload_too_large, 413, "payload_too_large")
DEFINE_ERROR_HELPER(rpc_rate_limited, 429, "rate_limited")
DEFINE_ERROR_HELPER(rpc_internal, 500, "internal")
DEFINE_ERROR_HELPER(rpc_unavailable, 503, "unavailable")

const char *rpc_param(const struct rpc_request *req, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < req->n_params; i++)
		if (req->params[i].name_len == n &&
		    memcmp(req->params[i].name, name, n) == 0)
			return req->params[i].value;
	return NULL;
}

const char *rpc_query(const struct rpc_request *req, const char *name)
{
	return req->query_ ? evhttp_find_header(req->query_, name) : NULL;
}

const char *rpc_header(const struct rpc_request *req, const char *name)
{
	return req->headers_ ? evhttp_find_header(req->headers_, name) : NULL;
}
