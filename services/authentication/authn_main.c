/* kettle-authentication --config FILE
 *
 * Serves authn_api.h on a public TLS listener and an internal mutual-TLS
 * listener, keeping users in kettle-storage (peers.storage). Service keys:
 *
 *   "admin_password_file": "admin.password"  first admin's password; the
 *                          user "admin" is created from it if absent
 *   "admin_user": "admin"  that first admin's id (default "admin")
 *   "token_key": "auth-token.pem"  EC P-256 key signing tokens (default:
 *                          the service's TLS key, "tls.key")
 *   "token_ttl_seconds": 3600, "lock_seconds": 300   optional
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <seccomp.h>

#include "services/authentication/authn.h"
#include "services/authentication/authn_api.h"
#include "services/common/config.h"
#include "lib/jail.h"
#include "services/authentication/kv_remote.h"
#include "lib/log.h"
#include "services/common/rpc.h"
#include "services/common/rpc_client.h"
#include "services/common/service_jail.h"

#define BOOTSTRAP_TRIES 50

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

static int run(const struct kettle_config *cfg)
{
	struct authn_config acfg;
	struct token_signer *signer = NULL;
	struct rpc_client *client;
	struct authn *a = NULL;
	struct authn_kv kv;
	char err[256], admin_pw[AUTHN_PASSWORD_MAX + 2], *key_path;
	char *admin_path = config_path(cfg, "admin_password_file");
	size_t admin_len = 0;
	int rc;

	key_path = config_path(cfg, "token_key");
	rc = token_signer_load(&signer, key_path ? key_path : cfg->key);
	if (rc < 0) {
		fprintf(stderr, "kettle-authentication: cannot load the token "
				"key %s: it must be an EC P-256 private key "
				"PEM\n", key_path ? key_path : cfg->key);
		goto out_paths;
	}
	if (admin_path &&
	    (rc = read_admin_password(admin_path, admin_pw, sizeof(admin_pw),
				      &admin_len)) < 0) {
		fprintf(stderr, "kettle-authentication: cannot read %s: %s\n",
			admin_path, strerror(-rc));
		goto out_signer;
	}
	client = rpc_client_for_peer(cfg, "storage", err, sizeof(err));
	if (!client) {
		fprintf(stderr, "kettle-authentication: storage client: %s\n",
			err);
		rc = -EINVAL;
		goto out_pw;
	}
	authn_kv_remote(&kv, client);
	authn_config_default(&acfg);
	acfg.token_ttl = config_long(cfg, "token_ttl_seconds", 3600, 1,
				     30 * 86400);
	acfg.lock_seconds = config_long(cfg, "lock_seconds", 300, 0, 86400);
	rc = authn_new(&a, &acfg, &kv, signer);
	if (rc == 0)
		rc = serve(cfg, a, admin_path ? admin_pw : NULL, admin_len);
	authn_free(a);
	rpc_client_free(client);
out_pw:
	OPENSSL_cleanse(admin_pw, sizeof(admin_pw));
out_signer:
	token_signer_free(signer);
out_paths:
	free(key_path);
	free(admin_path);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct kettle_config cfg;
	const char *config = NULL;
	char err[256];
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (c != 'c') {
			fprintf(stderr,
				"usage: kettle-authentication --config FILE\n");
			return 2;
		}
		config = optarg;
	}
	if (!config || optind != argc) {
		fprintf(stderr, "usage: kettle-authentication --config FILE\n");
		return 2;
	}
	if (config_load(config, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "kettle-authentication: %s\n", err);
		return 1;
	}
	log_init("authentication");
	rc = service_jail_root(&cfg);
	if (rc == 0)
		rc = run(&cfg);
	config_free(&cfg);
	return rc < 0 ? 1 : 0;
}
