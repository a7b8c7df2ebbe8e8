/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-authentication --config FILE
 *
 * Serves authn_api.h on a public TLS listener and an internal mutual-TLS
 * listener, keeping users in kettle-storage (peers.storage). Service keys:
 *
 *   "admin_password_file": "admin.password"  first admin's password; the
 *                          user "admin" is created from it if absent
 *   "admin_user": "admin"  that first admin's id (default "admin")
 *   "token_key": "token.pem"  EC P-256 key signing tokens, never the TLS
 *                          key (default data_dir/token.pem, made at first
 *                          start)
 *   "record_key_file": "record.key"  the key tagging user records (64 hex
 *                          digits; default data_dir/record.key, made at
 *                          first start)
 *   "token_ttl_seconds": 3600        optional
 *   "lock_seconds": 300              the longest login backoff (optional)
 *   "hash_threads": 2, "hash_queue": 16   the Argon2id pool (optional)
 *   "storage_clients": 8             connections to storage at most
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <seccomp.h>

#include "services/authentication/authn.h"
#include "services/authentication/authn_api.h"
#include "services/authentication/hash_pool.h"
#include "services/authentication/key_files.h"
#include "services/common/config.h"
#include "lib/jail.h"
#include "services/authentication/kv_remote.h"
#include "lib/log.h"
#include "services/common/rpc.h"
#include "services/common/rpc_pool.h"

#define BOOTSTRAP_TRIES 50
/* A handler waits at most this long for a free storage connection before
 * answering 503: well under the clients' own deadline. */
#define STORAGE_POOL_WAIT_MS 250

static long config_long(const struct kettle_config *cfg, const char *key,
			long fallback, long min, long max)
{
	json_t *v = json_object_get(cfg->root, key);

	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return fallback;
	return (long)json_integer_value(v);
}

/* Reads the admin password file (first line, at most 256 bytes). */
static int read_admin_password(const char *path, char *out, size_t cap,
			       size_t *len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, out, cap - 1);
	close(fd);
	if (n < 0)
		return -errno;
	out[n] = 0;
	*len = strcspn(out, "\r\n");
	out[*len] = 0;
	return 0;
}

/* Storage may still be starting: retry for a few seconds. */
static int bootstrap(struct authn *a, const char *id, const char *pw,
		     size_t len)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	int rc = 0;

	for (int i = 0; i < BOOTSTRAP_TRIES; i++) {
		rc = authn_bootstrap_admin(a, id, pw, len);
		if (rc == 0 || rc == -EINVAL)
			return rc;
		nanosleep(&pause, NULL);
	}
	return rc;
}

struct first_start {
	const struct kettle_config *cfg;
	struct authn *a;
	const char *admin_pw;
	size_t admin_len;
};

/* Creates the first admin once the jail is on (it talks to storage). */
static int create_admin(void *ctx)
{
	const struct first_start *f = ctx;
	if (!f->admin_pw)
		return 0;
	const char *id = config_string(f->cfg, "admin_user");
	int rc = bootstrap(f->a, id ? id : "admin", f->admin_pw, f->admin_len);
	if (rc < 0)
		log_error("cannot create the first admin: %s",
			  rc == -EINVAL ? "admin_user must be a valid id and the password 8 to 256 bytes"
					: strerror(-rc));
	return rc;
}

static int serve(const struct kettle_config *cfg, struct authn *a,
		 const char *admin_pw, size_t admin_len)
{
	static const int extra[] = {
		SCMP_SYS(nanosleep),       /* the first admin waits for storage */
		SCMP_SYS(clock_nanosleep), /* the same through glibc */
	};
	struct jail_spec spec = {
		.syscalls = extra,
		.n_syscalls = sizeof(extra) / sizeof(extra[0]),
		.net_client = 1,
	};
	struct first_start f = { cfg, a, admin_pw, admin_len };
	return rpc_serve(cfg, a, authn_routes, authn_routes_count, &spec, create_admin, &f);
}

/* A key file named in the configuration, or name in data_dir. */
static char *key_path(const struct kettle_config *cfg, const char *key,
		      const char *name)
{
	char *path = config_path(cfg, key);

	if (!path && cfg->data_dir &&
	    asprintf(&path, "%s/%s", cfg->data_dir, name) < 0)
		path = NULL;
	return path;
}

static void read_tuning(const struct kettle_config *cfg,
			struct authn_config *acfg)
{
	authn_config_default(acfg);
	acfg->token_ttl = config_long(cfg, "token_ttl_seconds", 3600, 1,
				      30 * 86400);
	acfg->throttle.max_delay = config_long(cfg, "lock_seconds",
					       acfg->throttle.max_delay,
					       acfg->throttle.first_delay, 86400);
	acfg->hash_threads = (unsigned)config_long(cfg, "hash_threads",
						   HASH_POOL_THREADS_DEFAULT, 1, 16);
	acfg->hash_queue = (unsigned)config_long(cfg, "hash_queue",
						 HASH_POOL_QUEUE_DEFAULT, 1, 1024);
}

/* The two secrets only authentication holds. */
static int load_keys(const struct kettle_config *cfg,
		     struct token_signer **signer, uint8_t tag_key[32])
{
	char *token = key_path(cfg, "token_key", "token.pem");
	char *record = key_path(cfg, "record_key_file", "record.key");
	int rc = -EINVAL;

	if (!token || !record) {
		fprintf(stderr, "kettle-authentication: the configuration needs "
				"\"data_dir\" or \"token_key\" and "
				"\"record_key_file\"\n");
		goto out;
	}
	rc = key_file_token_signer(token, cfg->key, signer);
	if (rc < 0) {
		fprintf(stderr, "kettle-authentication: cannot load the token "
				"key %s: %s\n", token,
			rc == -EPERM ? "others may read it; chmod 600 it"
			: rc == -EINVAL ? "it must be an EC P-256 private key PEM"
			: rc == -EEXIST ? "it is the TLS key; tokens need a key of "
					  "their own (remove \"token_key\")"
					: strerror(-rc));
		goto out;
	}
	rc = key_file_secret(record, tag_key);
	if (rc < 0)
		fprintf(stderr, "kettle-authentication: cannot load the record "
				"key %s: %s\n", record,
			rc == -EPERM ? "others may read it; chmod 600 it"
			: rc == -EINVAL ? "it must hold 64 hex digits"
					: strerror(-rc));
out:
	free(token);
	free(record);
	return rc;
}

static int run(const struct kettle_config *cfg)
{
	struct authn_config acfg;
	struct token_signer *signer = NULL;
	struct rpc_pool *pool;
	struct authn *a = NULL;
	struct authn_kv kv;
	uint8_t tag_key[32];
	char err[256], admin_pw[AUTHN_PASSWORD_MAX + 2];
	char *admin_path = config_path(cfg, "admin_password_file");
	size_t admin_len = 0;
	int rc;

	rc = load_keys(cfg, &signer, tag_key);
	if (rc < 0)
		goto out_paths;
	if (admin_path &&
	    (rc = read_admin_password(admin_path, admin_pw, sizeof(admin_pw),
				      &admin_len)) < 0) {
		fprintf(stderr, "kettle-authentication: cannot read %s: %s\n",
			admin_path, strerror(-rc));
		goto out_signer;
	}
	pool = rpc_pool_for_peer(cfg, "storage",
				 (size_t)config_long(cfg, "storage_clients", 8, 1, 64),
				 STORAGE_POOL_WAIT_MS, err, sizeof(err));
	if (!pool) {
		fprintf(stderr, "kettle-authentication: storage client: %s\n",
			err);
		rpc_pool_free(pool);
		rc = -EINVAL;
		goto out_pw;
	}
	authn_kv_remote(&kv, pool);
	read_tuning(cfg, &acfg);
	rc = authn_new(&a, &acfg, &kv, tag_key, signer);
	if (rc == 0)
		rc = serve(cfg, a, admin_path ? admin_pw : NULL, admin_len);
	authn_free(a);
	rpc_pool_free(pool);
out_pw:
	OPENSSL_cleanse(admin_pw, sizeof(admin_pw));
out_signer:
	token_signer_free(signer);
out_paths:
	OPENSSL_cleanse(tag_key, sizeof(tag_key));
	free(admin_path);
	return rc;
}

int main(int argc, char **argv)
{
	struct kettle_config cfg;
	int rc = rpc_serve_config(argc, argv, "authentication", &cfg);

	if (rc)
		return rc;
	rc = run(&cfg);
	config_free(&cfg);
	return rc < 0 ? 1 : 0;
}
