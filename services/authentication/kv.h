/* SPDX-License-Identifier: Apache-2.0 */
/* The small storage interface the authentication service keeps its users
 * in. The service plugs in kettle-storage's RPC client (kv_remote.c); tests
 * plug in a local store (tests/services/authentication/kv_local.c).
 * Semantics:
 * -ENOENT missing, -ECANCELED version conflict, other negative errno for
 * failures (-ECONNREFUSED, -ETIMEDOUT, -EHOSTUNREACH: storage unreachable). */
#ifndef KETTLE_AUTHN_KV_H
#define KETTLE_AUTHN_KV_H

#include <stddef.h>
#include <stdint.h>

/* Called for each key under a prefix; a non-zero return stops the scan
 * and is returned by scan. */
typedef int (*authn_kv_visit)(void *arg, const char *key, const char *val,
			      size_t val_len);

struct authn_kv {
	void *ctx;
	/* *val malloc'd and NUL-terminated. */
	int (*get)(void *ctx, const char *key, char **val, size_t *len,
		   uint64_t *version);
	/* expected 0: the key must not exist. */
	int (*cas)(void *ctx, const char *key, const char *val, size_t len,
		   uint64_t expected, uint64_t *version);
	/* expected 0: whatever version. */
	int (*del)(void *ctx, const char *key, uint64_t expected);
	int (*scan)(void *ctx, const char *prefix, authn_kv_visit visit,
		    void *arg);
};

#endif
