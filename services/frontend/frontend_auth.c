/* SPDX-License-Identifier: Apache-2.0 */
/* Who is calling: every token is checked by authentication (or by a
 * cached answer younger than a second), then the caller's bucket pays for
 * the request. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "services/frontend/frontend.h"

uint64_t frontend_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int copy_field(char *out, const json_t *v)
{
	const char *s = json_string_value(v);
	if (!s || strlen(s) >= IDENTITY_FIELD_MAX)
		return 0;
	memcpy(out, s, strlen(s) + 1);
	return 1;
}

/* authentication's answer: 1 valid, 0 refused (reply set). */
static int validate(struct frontend *f, const char *token,
		    struct rpc_response *resp, struct identity *who)
{
	struct rpc_result r;
	json_t *q = json_pack("{s:s}", "token", token);
	int rc = q ? rpc_pool_call(f->auth, "POST", "/internal/validate", q, NULL, &r)
		   : -ENOMEM;
	json_decref(q);
	if (rc) {
		log_warn("token check failed: %s", rpc_pool_error());
		rpc_unavailable(resp, "The authentication service is unavailable; retry later.");
		return 0;
	}
	int ok = 0;
	if (r.status == 200) {
		ok = copy_field(who->id, json_object_get(r.json, "id")) &&
		     copy_field(who->role, json_object_get(r.json, "role")) &&
		     copy_field(who->attribute, json_object_get(r.json, "attribute"));
		if (!ok)
			rpc_unavailable(resp, "The authentication service gave an unexpected answer.");
	} else if (r.status >= 500 || r.status == 429) {
		forward_reply(resp, &r);
	} else {
		/* Any refusal of the token itself is an authentication failure. */
		const char *msg = json_string_value(json_object_get(
			json_object_get(r.json, "error"), "message"));
		rpc_unauthenticated(resp, "%s", msg ? msg : "The token is not valid; log in again.");
	}
	rpc_result_clear(&r);
	return ok;
}

int frontend_authenticate(struct frontend *f, const struct rpc_request *req,
			  struct rpc_response *resp, struct identity *who)
{
	if (!req->bearer) {
		rpc_unauthenticated(resp, "This call needs an \"Authorization: Bearer <token>\" header; log in first.");
		return 0;
	}
	if (strlen(req->bearer) > FRONTEND_TOKEN_MAX) {
		rpc_unauthenticated(resp, "The token is not valid; log in again.");
		return 0;
	}
	uint64_t asked = frontend_now_ns();
	if (!token_cache_get(f->tokens, req->bearer, asked, who)) {
		if (!validate(f, req->bearer, resp, who))
			return 0;
		token_cache_put(f->tokens, req->bearer, asked, who);
	}
	unsigned retry;
	if (!rate_limit_take(f->limit, who->id, frontend_now_ns(), &retry)) {
		char value[16];
		snprintf(value, sizeof(value), "%u", retry);
		rpc_reply_error(resp, 429, "rate_limited",
				"Too many requests from %s; retry in %u s.", who->id, retry);
		rpc_reply_header(resp, "Retry-After", value);
		return 0;
	}
	return 1;
}
