/* SPDX-License-Identifier: Apache-2.0 */
#include "services/authentication/authn_api.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "services/common/rpc_fields.h"
#include "lib/log.h"

static const char *const validate_callers[] = { "frontend", "client", NULL };
static const char *const user_callers[] = { "frontend", "client", NULL };

/* Internal callers trusted to say which client address a login came from
 * (the frontend forwards public logins). Any other caller, and every
 * request on the public listener, is throttled by its connection's
 * address. */
static const char *const address_forwarders[] = { "frontend", NULL };

static void reply_result(struct rpc_response *resp, struct authn_result r)
{
	char secs[24];

	if (r.retry_after > 0) {
		snprintf(secs, sizeof(secs), "%ld", r.retry_after);
		rpc_reply_header(resp, "Retry-After", secs);
	}
	rpc_reply_error(resp, authn_status_http(r.status),
			authn_status_code(r.status), "%s", r.message);
}

/* The canonical text of an IPv4 or IPv6 address, or NULL. */
static const char *canonical_address(const char *text, char *out, size_t cap)
{
	unsigned char bin[16];

	if (!text)
		return NULL;
	if (inet_pton(AF_INET, text, bin) == 1)
		return inet_ntop(AF_INET, bin, out, (socklen_t)cap);
	if (inet_pton(AF_INET6, text, bin) == 1)
		return inet_ntop(AF_INET6, bin, out, (socklen_t)cap);
	return NULL;
}

/* The address a login is throttled by: the connection's, or the one a
 * trusted internal caller forwards in X-Kettle-Client-Address. */
static const char *client_address(const struct rpc_request *req, char *out,
				  size_t cap)
{
	const char *fwd;

	if (!req->is_public && req->peer_cn) {
		for (const char *const *f = address_forwarders; *f; f++) {
			if (strcmp(*f, req->peer_cn))
				continue;
			fwd = canonical_address(rpc_header(req, AUTHN_CLIENT_ADDRESS_HEADER),
						out, cap);
			if (fwd)
				return fwd;
		}
	}
	fwd = canonical_address(req->peer_addr, out, cap);
	return fwd ? fwd : "unknown";
}

/* The body must be an object with only `allowed` fields; calls that take
 * no body accept none or {}. */
static bool body_ok(const struct rpc_request *req, struct rpc_response *resp,
		    const char *const *allowed)
{
	char err[JSON_CHECK_ERR_MAX];

	if (!req->body && req->raw_len == 0 && !allowed[0])
		return true;
	if (!req->body) {
		rpc_bad_request(resp, "the request body must be a JSON object");
		return false;
	}
	if (!json_check_fields(req->body, allowed, err)) {
		rpc_bad_request(resp, "%s", err);
		return false;
	}
	return true;
}

static bool str_field(const struct rpc_request *req, struct rpc_response *resp,
		      const char *name, bool required, const char **out,
		      size_t *len)
{
	char err[JSON_CHECK_ERR_MAX];

	if (json_check_string(req->body, name, required, out, len, err))
		return true;
	rpc_bad_request(resp, "%s", err);
	return false;
}

/* The caller named by the bearer token; replies 401 if there is none. */
static bool caller(void *ctx, const struct rpc_request *req,
		   struct rpc_response *resp, struct authn_principal *who)
{
	struct authn_result r;

	if (!req->bearer) {
		rpc_unauthenticated(resp, "this call needs an "
					  "\"Authorization: Bearer <token>\" "
					  "header; log in first");
		return false;
	}
	r = authn_validate(ctx, req->bearer, time(NULL), who);
	if (r.status != AUTHN_OK) {
		reply_result(resp, r);
		return false;
	}
	return true;
}

static void h_login(void *ctx, const struct rpc_request *req,
		    struct rpc_response *resp)
{
	static const char *const fields[] = { "id", "password", NULL };
	const char *id, *pw;
	size_t id_len, pw_len;
	struct authn_result r;
	char *token = NULL, addr[INET6_ADDRSTRLEN];
	const char *peer;
	long expires = 0;

	if (!body_ok(req, resp, fields) ||
	    !str_field(req, resp, "id", true, &id, &id_len) ||
	    !str_field(req, resp, "password", true, &pw, &pw_len))
		return;
	peer = client_address(req, addr, sizeof(addr));
	r = authn_login(ctx, id, id_len, pw, pw_len, peer, time(NULL), &token,
			&expires);
	if (r.status != AUTHN_OK) {
		/* Ids reaching here passed validation: safe to log. */
		if (r.status == AUTHN_UNAUTHENTICATED ||
		    r.status == AUTHN_RATE_LIMITED)
			log_warn("login refused for \"%s\" from %s: %s", id,
				 peer, r.message);
		reply_result(resp, r);
		return;
	}
	rpc_reply_json(resp, 200,
		       json_pack("{s:s, s:I}", "token", token, "expires_at",
				 (json_int_t)expires));
	free(token);
}

static void h_create(void *ctx, const struct rpc_request *req,
		     struct rpc_response *resp)
{
	static const char *const fields[] = { "id", "password", "role",
					      "attribute", NULL };
	struct authn_principal who;
	const char *id, *pw, *role, *attr;
	size_t id_len, pw_len, role_len, attr_len;
	struct authn_result r;

	if (!caller(ctx, req, resp, &who) || !body_ok(req, resp, fields) ||
	    !str_field(req, resp, "id", true, &id, &id_len) ||
	    !str_field(req, resp, "password", true, &pw, &pw_len) ||
	    !str_field(req, resp, "role", true, &role, &role_len) ||
	    !str_field(req, resp, "attribute", false, &attr, &attr_len))
		return;
	r = authn_user_create(ctx, &who, id, id_len, pw, pw_len, role,
			      attr ? attr : "", attr_len);
	if (r.status != AUTHN_OK) {
		reply_result(resp, r);
		return;
	}
	rpc_reply_json(resp, 200, json_pack("{s:s%}", "id", id, id_len));
}

static void h_list(void *ctx, const struct rpc_request *req,
		   struct rpc_response *resp)
{
	static const char *const fields[] = { NULL };
	struct authn_principal who;
	struct authn_result r;
	json_t *users = NULL;

	if (!caller(ctx, req, resp, &who) || !body_ok(req, resp, fields))
		return;
	r = authn_user_list(ctx, &who, &users);
	if (r.status != AUTHN_OK) {
		reply_result(resp, r);
		return;
	}
	rpc_reply_json(resp, 200, json_pack("{s:o}", "users", users));
}

static void h_update(void *ctx, const struct rpc_request *req,
		     struct rpc_response *resp)
{
	static const char *const fields[] = { "password", "role", "attribute",
					      NULL };
	const char *id = rpc_param(req, "id");
	struct authn_user_change change = { 0 };
	struct authn_principal who;
	size_t role_len;

	if (!caller(ctx, req, resp, &who) || !body_ok(req, resp, fields) ||
	    !str_field(req, resp, "password", false, &change.password,
		       &change.password_len) ||
	    !str_field(req, resp, "role", false, &change.role, &role_len) ||
	    !str_field(req, resp, "attribute", false, &change.attribute,
		       &change.attribute_len))
		return;
	struct authn_result r =
		authn_user_update(ctx, &who, id, strlen(id), &change);
	if (r.status != AUTHN_OK)
		reply_result(resp, r);
	else
		rpc_reply_json(resp, 200, json_object());
}

static void h_delete(void *ctx, const struct rpc_request *req,
		     struct rpc_response *resp)
{
	static const char *const fields[] = { NULL };
	const char *id = rpc_param(req, "id");
	struct authn_principal who;
	struct authn_result r;

	if (!caller(ctx, req, resp, &who) || !body_ok(req, resp, fields))
		return;
	r = authn_user_delete(ctx, &who, id, strlen(id));
	if (r.status != AUTHN_OK)
		reply_result(resp, r);
	else
		rpc_reply_json(resp, 200, json_object());
}

static void h_reset(void *ctx, const struct rpc_request *req,
		    struct rpc_response *resp)
{
	static const char *const fields[] = { NULL };
	const char *id = rpc_param(req, "id");
	struct authn_principal who;
	struct authn_result r;
	char password[25];

	if (!caller(ctx, req, resp, &who) || !body_ok(req, resp, fields))
		return;
	r = authn_user_reset_password(ctx, &who, id, strlen(id), password);
	if (r.status != AUTHN_OK) {
		reply_result(resp, r);
		return;
	}
	rpc_reply_json(resp, 200, json_pack("{s:s}", "password", password));
	OPENSSL_cleanse(password, sizeof(password));
}

static void h_change_own(void *ctx, const struct rpc_request *req,
			 struct rpc_response *resp)
{
	static const char *const fields[] = { "old_password", "password",
					      NULL };
	struct authn_principal who;
	const char *old_pw, *pw;
	size_t old_len, pw_len;
	struct authn_result r;
	char addr[INET6_ADDRSTRLEN];

	if (!caller(ctx, req, resp, &who) || !body_ok(req, resp, fields) ||
	    !str_field(req, resp, "old_password", true, &old_pw, &old_len) ||
	    !str_field(req, resp, "password", true, &pw, &pw_len))
		return;
	r = authn_change_password(ctx, &who, old_pw, old_len, pw, pw_len,
				  client_address(req, addr, sizeof(addr)),
				  time(NULL));
	if (r.status != AUTHN_OK)
		reply_result(resp, r);
	else
		rpc_reply_json(resp, 200, json_object());
}

static void h_validate(void *ctx, const struct rpc_request *req,
		       struct rpc_response *resp)
{
	static const char *const fields[] = { "token", NULL };
	struct authn_principal who;
	struct authn_result r;
	const char *token;
	size_t len;

	if (!body_ok(req, resp, fields) ||
	    !str_field(req, resp, "token", true, &token, &len))
		return;
	r = authn_validate(ctx, token, time(NULL), &who);
	if (r.status != AUTHN_OK) {
		reply_result(resp, r);
		return;
	}
	rpc_reply_json(resp, 200,
		       json_pack("{s:s, s:s, s:s}", "id", who.id, "role",
				 authn_role_name(who.role), "attribute",
				 who.attribute));
}

#define BOTH (RPC_ROUTE_PUBLIC | RPC_ROUTE_INTERNAL)
const struct rpc_route authn_routes[] = {
	{ "POST", "/v1/login", h_login, user_callers, BOTH },
	{ "POST", "/v1/users/me/password", h_change_own, user_callers, BOTH },
	{ "POST", "/v1/users", h_create, user_callers, BOTH },
	{ "GET", "/v1/users", h_list, user_callers, BOTH },
	{ "PUT", "/v1/users/{id}", h_update, user_callers, BOTH },
	{ "DELETE", "/v1/users/{id}", h_delete, user_callers, BOTH },
	{ "POST", "/v1/users/{id}/reset-password", h_reset, user_callers,
	  BOTH },
	{ "POST", "/internal/validate", h_validate, validate_callers,
	  RPC_ROUTE_INTERNAL },
};
const size_t authn_routes_count = sizeof(authn_routes) / sizeof(authn_routes[0]);
