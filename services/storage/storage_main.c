/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-storage --config FILE
 *
 * Opens the keyring and the LMDB store under the configuration's data_dir,
 * binds its internal mutual-TLS listener, enters the jail and serves
 * storage_api.h until SIGTERM. Service-specific configuration keys:
 *
 *   "keys": {"k1": "storage-k1.key", ...}   every readable key id -> file
 *   "current_key": "k1"                     the id new writes use
 * or, for a single key (as kettle-platform init writes it),
 *   "storage_key_file": "keys/storage.key", "storage_key_id": "k1"
 *   ("key_file"/"key_id" are accepted too; the id defaults to "k1")
 *   "map_size_mb": 1024                     optional LMDB map size
 *   "rewrap_on_start": true                 re-seal records under older
 *                                           keys with current_key first
 * Without an explicit limits.max_body the limit is STORAGE_MAX_BODY, so a
 * value of STORE_VALUE_MAX bytes fits once base64-encoded.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <seccomp.h>

#include "services/common/config.h"
#include "lib/jail.h"
#include "services/storage/blob.h"
#include "services/storage/keyring.h"
#include "lib/log.h"
#include "services/common/rpc.h"
#include "services/storage/storage_api.h"
#include "services/storage/store.h"

static char *resolve(const struct kettle_config *cfg, const char *path)
{
	char *out;

	if (path[0] == '/')
		return strdup(path);
	if (asprintf(&out, "%s/%s", cfg->dir, path) < 0)
		return NULL;
	return out;
}

static int load_one_key(struct keyring *kr, const struct kettle_config *cfg,
			const char *id, const char *file)
{
	char *path = resolve(cfg, file);
	int rc;

	if (!path)
		return -ENOMEM;
	rc = keyring_load_file(kr, id, path);
	if (rc < 0)
		fprintf(stderr,
			"kettle-storage: cannot load key \"%s\" from %s: %s\n",
			id, path,
			rc == -EPERM ? "the file must not be readable by others"
			: rc == -EINVAL ? "it must hold 32 bytes or 64 hex digits"
					: strerror(-rc));
	free(path);
	return rc;
}

static int load_keys(struct keyring *kr, const struct kettle_config *cfg)
{
	json_t *keys = json_object_get(cfg->root, "keys");
	const char *current = config_string(cfg, "current_key");
	const char *id, *file;
	json_t *v;
	int rc;

	if (json_is_object(keys)) {
		json_object_foreach(keys, id, v) {
			if (!json_is_string(v)) {
				fprintf(stderr, "kettle-storage: keys.%s must "
						"be a file name\n", id);
				return -EINVAL;
			}
			rc = load_one_key(kr, cfg, id, json_string_value(v));
			if (rc < 0)
				return rc;
		}
	} else {
		file = config_string(cfg, "storage_key_file");
		id = config_string(cfg, "storage_key_id");
		if (!file) {
			file = config_string(cfg, "key_file");
			id = config_string(cfg, "key_id");
		}
		if (!file) {
			fprintf(stderr, "kettle-storage: the configuration "
					"needs \"keys\" or \"storage_key_file\"\n");
			return -EINVAL;
		}
		current = id ? id : "k1";
		rc = load_one_key(kr, cfg, current, file);
		if (rc < 0)
			return rc;
	}
	if (current && keyring_set_current(kr, current) < 0) {
		fprintf(stderr, "kettle-storage: current_key \"%s\" is not "
				"among the keys\n", current);
		return -EINVAL;
	}
	return 0;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

#define STORAGE_MAX_BODY ((size_t)8 << 20)

/* LMDB and the blob store work on files already under data_dir. */
static const int storage_syscalls[] = {
	SCMP_SYS(pwritev),     /* LMDB writes dirty pages in one call */
	SCMP_SYS(preadv),      /* LMDB reads meta pages */
	SCMP_SYS(fcntl),       /* LMDB's reader-table locks (F_SETLK) */
	SCMP_SYS(sched_yield), /* LMDB waiting on a contended reader slot */
};

static int serve(const struct kettle_config *cfg, struct storage_service *svc)
{
	struct jail_spec spec = {
		.syscalls = storage_syscalls,
		.n_syscalls = sizeof(storage_syscalls) / sizeof(storage_syscalls[0]),
		.files = 1,
	};
	return rpc_serve(cfg, svc, storage_routes, storage_routes_count, &spec, NULL, NULL);
}

int main(int argc, char **argv)
{
	struct kettle_config cfg;
	struct storage_service svc = { 0 };
	struct keyring *kr = NULL;
	char *db_dir = NULL, *blob_dir = NULL;
	json_t *map_mb;
	size_t map_size = 0;
	int c, rc;

	rc = rpc_serve_config(argc, argv, "storage", &cfg);
	if (rc)
		return rc;
	rc = 1;
	if (!cfg.data_dir) {
		fprintf(stderr, "kettle-storage: the configuration needs \"data_dir\"\n");
		goto out_cfg;
	}
	if (!json_object_get(json_object_get(cfg.root, "limits"), "max_body"))
		cfg.max_body = STORAGE_MAX_BODY;
	map_mb = json_object_get(cfg.root, "map_size_mb");
	if (json_is_integer(map_mb) && json_integer_value(map_mb) > 0 &&
	    json_integer_value(map_mb) < (1 << 20))
		map_size = (size_t)json_integer_value(map_mb) << 20;
	if (keyring_new(&kr) < 0 || load_keys(kr, &cfg) < 0)
		goto out_keys;
	if (asprintf(&db_dir, "%s/db", cfg.data_dir) < 0 ||
	    asprintf(&blob_dir, "%s/blobs", cfg.data_dir) < 0)
		goto out_keys;
	if (make_dir(cfg.data_dir) < 0 || make_dir(blob_dir) < 0) {
		fprintf(stderr, "kettle-storage: cannot create %s: %s\n",
			blob_dir, strerror(errno));
		goto out_keys;
	}
	c = store_open(&svc.store, db_dir, map_size, kr);
	if (c < 0) {
		fprintf(stderr, "kettle-storage: cannot open the database in "
				"%s: %s\n", db_dir, strerror(-c));
		goto out_keys;
	}
	size_t n = 0;
	/* A kill during a blob upload leaves its temporary file behind. */
	c = blob_clean_tmp(blob_dir, &n);
	if (c < 0) {
		fprintf(stderr, "kettle-storage: cannot clean %s: %s\n",
			blob_dir, strerror(-c));
		goto out_store;
	}
	if (n)
		log_info("removed %zu unfinished blob uploads", n);
	if (json_is_true(json_object_get(cfg.root, "rewrap_on_start"))) {
		size_t blobs = 0;
		c = store_rewrap(svc.store, &n);
		if (c == 0)
			c = blob_rewrap(blob_dir, kr, &blobs);
		if (c < 0) {
			fprintf(stderr, "kettle-storage: re-sealing under key "
					"\"%s\" failed: %s\n",
				keyring_current_id(kr), strerror(-c));
			goto out_store;
		}
		log_info("re-sealed %zu records and %zu blobs under key %s", n,
			 blobs, keyring_current_id(kr));
	}
	svc.blob_dir = blob_dir;
	svc.keys = kr;
	rc = serve(&cfg, &svc) < 0 ? 1 : 0;
out_store:
	store_close(svc.store);
out_keys:
	free(db_dir);
	free(blob_dir);
	keyring_free(kr);
out_cfg:
	config_free(&cfg);
	return rc;
}
