/* SPDX-License-Identifier: Apache-2.0 */
/* Error bodies in the API.md form and the helper for each code. */
#include <string.h>

#include "services/common/rpc_internal.h"
#include "tests/tap.h"

static int is_error(struct rpc_response *r, int status, const char *code,
		    const char *message)
{
	json_t *e = json_object_get(r->json, "error");
	const char *c = json_string_value(json_object_get(e, "code"));
	const char *m = json_string_value(json_object_get(e, "message"));
	return r->status == status && json_object_size(r->json) == 1 &&
	       json_object_size(e) == 2 && c && strcmp(c, code) == 0 && m &&
	       strcmp(m, message) == 0;
}

int main(void)
{
	struct rpc_response r = { 0 };
	struct {
		void (*fn)(struct rpc_response *, const char *, ...);
		int status;
		const char *code;
	} helpers[] = {
		{ rpc_bad_request, 400, "bad_request" },
		{ rpc_unauthenticated, 401, "unauthenticated" },
		{ rpc_permission_denied, 403, "permission_denied" },
		{ rpc_not_found, 404, "not_found" },
		{ rpc_conflict, 409, "conflict" },
		{ rpc_payload_too_large, 413, "payload_too_large" },
		{ rpc_rate_limited, 429, "rate_limited" },
		{ rpc_internal, 500, "internal" },
		{ rpc_unavailable, 503, "unavailable" },
	};
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		helpers[i].fn(&r, "Thing %d is wrong.", (int)i);
		char msg[64];
		snprintf(msg, sizeof(msg), "Thing %d is wrong.", (int)i);
		CHECK(is_error(&r, helpers[i].status, helpers[i].code, msg),
		      "%s gives %d {\"error\":{\"code\":\"%s\",...}}", helpers[i].code,
		      helpers[i].status, helpers[i].code);
		CHECK(strcmp(rpc_error_code_for_status(helpers[i].status), helpers[i].code) == 0,
		      "status %d maps back to %s", helpers[i].status, helpers[i].code);
		rpc_response_clear(&r);
	}
	rpc_reply_error(&r, 409, "conflict", "Task %s is %s.", "task-1", "running");
	CHECK(is_error(&r, 409, "conflict", "Task task-1 is running."), "rpc_reply_error formats");
	rpc_response_clear(&r);

	rpc_bad_request(&r, "bad byte \xff here");
	CHECK(r.status == 400 && json_is_string(json_object_get(json_object_get(r.json, "error"), "message")),
	      "a message that is not UTF-8 still yields a valid error body");
	rpc_response_clear(&r);

	rpc_reply_json(&r, 200, json_pack("{s:i}", "a", 1));
	rpc_not_found(&r, "Gone.");
	CHECK(is_error(&r, 404, "not_found", "Gone."), "the last reply wins");
	rpc_reply_raw(&r, 200, "text/plain", "hi", 2);
	CHECK(r.status == 200 && r.json == NULL && r.raw_len == 2 &&
	      memcmp(r.raw, "hi", 2) == 0 && strcmp(r.content_type, "text/plain") == 0,
	      "raw reply replaces the JSON body");
	rpc_reply_json(&r, 201, NULL);
	CHECK(r.status == 201 && json_is_object(r.json) && json_object_size(r.json) == 0 &&
	      r.raw == NULL, "NULL JSON body means {}");
	rpc_response_clear(&r);
	TAP_DONE();
}
