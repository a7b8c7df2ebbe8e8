/* SPDX-License-Identifier: Apache-2.0 */
/* Route matching: "/v1/users/{id}" patterns, prefixes, allowlists. */
#include "services/common/rpc_route.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/codec.h"

char *rpc_percent_decode(const char *src, size_t len, int forbid_slash)
{
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = src[i];
		if (c == '%') {
			if (i + 2 >= len) {
				free(out);
				return NULL;
			}
			int h = hex_digit(src[i + 1]), l = hex_digit(src[i + 2]);
			if (h < 0 || l < 0) {
				free(out);
				return NULL;
			}
			c = (char)(h * 16 + l);
			i += 2;
			if (c == '\0' || (forbid_slash && c == '/')) {
				free(out);
				return NULL;
			}
		} else if (c == '\0') {
			free(out);
			return NULL;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	/* Handlers put parameters into JSON replies and log lines; jansson
	 * refuses strings that are not UTF-8, so refuse them here, once. */
	if (!rpc_utf8_valid(out, o)) {
		free(out);
		return NULL;
	}
	return out;
}

int rpc_utf8_valid(const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);
	json_decref(j);
	return j != NULL;
}

void rpc_request_clear_params(struct rpc_request *req)
{
	for (size_t i = 0; i < req->n_params; i++)
		free(req->params[i].value);
	req->n_params = 0;
}

static int add_param(struct rpc_request *req, const char *name,
		     size_t name_len, const char *s, size_t len, int forbid_slash)
{
	if (req->n_params >= RPC_MAX_PARAMS)
		return -E2BIG;
	char *v = rpc_percent_decode(s, len, forbid_slash);
	if (!v)
		return -EINVAL;
	req->params[req->n_params].name = name;
	req->params[req->n_params].name_len = name_len;
	req->params[req->n_params].value = v;
	req->n_params++;
	return 0;
}

/* Parameter names point into the pattern ("{id}/x" -> "id" with length 2),
 * so no copy is needed while the route table lives. */
static int match_segments(const struct rpc_route *r, const char *path,
			  struct rpc_request *req)
{
	const char *p = r->pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *end = strchr(s, '/');
			size_t seg = end ? (size_t)(end - s) : strlen(s);
			if (!close || seg == 0)
				return 0;
			/* The name lives in the route's pattern: "{id}" -> "id". */
			int rc = add_param(req, p + 1, (size_t)(close - p - 1), s, seg, 1);
			if (rc)
				return rc;
			p = close + 1;
			s += seg;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

int rpc_route_match_path(const struct rpc_route *r, const char *raw_path,
			 struct rpc_request *req)
{
	req->n_params = 0;
	if (r->flags & RPC_ROUTE_PREFIX) {
		size_t n = strlen(r->pattern);
		if (strncmp(raw_path, r->pattern, n) != 0)
			return 0;
		int rc = add_param(req, "*", 1, raw_path + n, strlen(raw_path + n), 0);
		if (rc) {
			rpc_request_clear_params(req);
			return rc;
		}
		return 1;
	}
	int rc = match_segments(r, raw_path, req);
	if (rc != 1)
		rpc_request_clear_params(req);
	return rc;
}

int rpc_route_match_method(const struct rpc_route *r, const char *method)
{
	return strcmp(r->method, "*") == 0 || strcmp(r->method, method) == 0;
}

int rpc_route_on_listener(const struct rpc_route *r, int is_public)
{
	unsigned flags = r->flags & (RPC_ROUTE_INTERNAL | RPC_ROUTE_PUBLIC);
	if (!flags)
		flags = RPC_ROUTE_INTERNAL;
	return is_public ? !!(flags & RPC_ROUTE_PUBLIC)
			 : !!(flags & RPC_ROUTE_INTERNAL);
}

int rpc_route_allows(const struct rpc_route *r, const char *peer_cn)
{
	if (!r->allow)
		return 1;
	if (!peer_cn)
		return 0;
	for (const char *const *a = r->allow; *a; a++)
		if (strcmp(*a, peer_cn) == 0)
			return 1;
	return 0;
}

const struct rpc_route *rpc_routes_find(const struct rpc_route *routes,
					size_t n, const char *method,
					const char *raw_path, int is_public,
					struct rpc_request *req, int *status)
{
	*status = 404;
	for (size_t i = 0; i < n; i++) {
		const struct rpc_route *r = &routes[i];
		if (!rpc_route_on_listener(r, is_public))
			continue;
		int m = rpc_route_match_path(r, raw_path, req);
		if (m < 0) {
			*status = 400;
			return NULL;
		}
		if (m == 0)
			continue;
		if (rpc_route_match_method(r, method))
			return r;
		rpc_request_clear_params(req);
		*status = 405;
	}
	return NULL;
}

void rpc_routes_allowed(const struct rpc_route *routes, size_t n,
			const char *raw_path, int is_public, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct rpc_route *r = &routes[i];
		struct rpc_request scratch = { 0 };
		if (!rpc_route_on_listener(r, is_public) || strcmp(r->method, "*") == 0 ||
		    (raw_path && rpc_route_match_path(r, raw_path, &scratch) != 1))
			continue;
		rpc_request_clear_params(&scratch);
		/* Each method once. */
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++) {
			struct rpc_request s2 = { 0 };
			if (rpc_route_on_listener(&routes[j], is_public) &&
			    (!raw_path || rpc_route_match_path(&routes[j], raw_path, &s2) == 1) &&
			    strcmp(routes[j].method, r->method) == 0)
				seen = 1;
			rpc_request_clear_params(&s2);
		}
		if (seen)
			continue;
		int w = snprintf(out + used, len - used, "%s%s", used ? ", " : "",
				 r->method);
		if (w < 0 || (size_t)w >= len - used) {
			out[used] = '\0';
			return;
		}
		used += (size_t)w;
	}
}
