/* SPDX-License-Identifier: Apache-2.0 */
/* Service configuration loader; see config.h for the file format. */
#include "services/common/config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bytes.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static char *resolve(const char *dir, const char *p)
{
	if (p[0] == '/' || !dir)
		return strdup(p);
	size_t n = strlen(dir) + strlen(p) + 2;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%s/%s", dir, p);
	return out;
}

/* A required or optional string field of obj. */
static int get_string(json_t *obj, const char *where, const char *key,
		      int required, const char **out, char *err, size_t errlen)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v) {
		if (required)
			return fail(err, errlen, "missing field \"%s%s\"", where, key);
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0)
		return fail(err, errlen, "field \"%s%s\" must be a non-empty string",
			    where, key);
	*out = json_string_value(v);
	return 0;
}

static int get_uint(json_t *obj, const char *where, const char *key,
		    json_int_t min, json_int_t max, json_int_t def,
		    json_int_t *out, char *err, size_t errlen)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	*out = def;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return fail(err, errlen,
			    "field \"%s%s\" must be an integer from %lld to %lld",
			    where, key, (long long)min, (long long)max);
	*out = json_integer_value(v);
	return 0;
}

static int get_listen(json_t *root, const char *key, int required,
		      struct config_listen *l, char *err, size_t errlen)
{
	json_t *obj = json_object_get(root, key);
	if (!obj) {
		if (required)
			return fail(err, errlen, "missing field \"%s\"", key);
		return 0;
	}
	if (!json_is_object(obj))
		return fail(err, errlen, "field \"%s\" must be an object with address and port", key);
	char where[32];
	snprintf(where, sizeof(where), "%s.", key);
	const char *addr;
	json_int_t port;
	int rc = get_string(obj, where, "address", 1, &addr, err, errlen);
	if (rc)
		return rc;
	if (!json_object_get(obj, "port"))
		return fail(err, errlen, "missing field \"%sport\"", where);
	rc = get_uint(obj, where, "port", 0, 65535, 0, &port, err, errlen);
	if (rc)
		return rc;
	l->address = strdup(addr);
	if (!l->address)
		return -ENOMEM;
	l->port = (int)port;
	return 0;
}

static int parse_tls(json_t *root, const char *dir, struct kettle_config *cfg,
		     char *err, size_t errlen)
{
	json_t *tls = json_object_get(root, "tls");
	if (!tls)
		return fail(err, errlen, "missing field \"tls\"");
	if (!json_is_object(tls))
		return fail(err, errlen, "field \"tls\" must be an object with cert, key and ca");
	const char *cert, *key, *ca;
	int rc = get_string(tls, "tls.", "cert", 1, &cert, err, errlen);
	if (!rc)
		rc = get_string(tls, "tls.", "key", 1, &key, err, errlen);
	if (!rc)
		rc = get_string(tls, "tls.", "ca", 1, &ca, err, errlen);
	if (rc)
		return rc;
	cfg->cert = resolve(dir, cert);
	cfg->key = resolve(dir, key);
	cfg->ca = resolve(dir, ca);
	return cfg->cert && cfg->key && cfg->ca ? 0 : -ENOMEM;
}

struct uint_field {
	const char *key;
	json_int_t min, max, def;
};

static const struct uint_field limit_fields[] = {
	{ "max_body", 1, 1ll << 30, CONFIG_DEFAULT_MAX_BODY },
	{ "max_blob_body", 1, 1ll << 32, CONFIG_DEFAULT_MAX_BLOB_BODY },
	{ "max_connections", 1, 65536, CONFIG_DEFAULT_MAX_CONNECTIONS },
	{ "max_per_peer", 1, 65536, CONFIG_DEFAULT_MAX_PER_PEER },
	{ "max_handshakes", 1, 65536, CONFIG_DEFAULT_MAX_HANDSHAKES },
	{ "timeout_ms", 1, 3600000, CONFIG_DEFAULT_TIMEOUT_MS },
	{ "handshake_ms", 1, 600000, CONFIG_DEFAULT_HANDSHAKE_MS },
	{ "header_ms", 1, 600000, CONFIG_DEFAULT_HEADER_MS },
	{ "min_body_rate", 1, 1ll << 30, CONFIG_DEFAULT_MIN_BODY_RATE },
	{ "call_timeout_ms", 1, 3600000, CONFIG_DEFAULT_CALL_TIMEOUT_MS },
	{ "workers", 1, 256, CONFIG_DEFAULT_WORKERS },
	{ "max_json_depth", 1, 256, CONFIG_DEFAULT_MAX_JSON_DEPTH },
};

static int parse_limits(json_t *root, struct kettle_config *cfg, char *err,
			size_t errlen)
{
	json_t *lim = json_object_get(root, "limits");
	if (lim && !json_is_object(lim))
		return fail(err, errlen, "field \"limits\" must be an object");
	json_int_t v[ARRAY_SIZE(limit_fields)];
	for (size_t i = 0; i < ARRAY_SIZE(limit_fields); i++) {
		const struct uint_field *f = &limit_fields[i];
		int rc = get_uint(lim, "limits.", f->key, f->min, f->max, f->def,
				  &v[i], err, errlen);
		if (rc)
			return rc;
	}
	cfg->max_body = (size_t)v[0];
	cfg->max_blob_body = (size_t)v[1];
	cfg->max_connections = (unsigned)v[2];
	cfg->max_per_peer = (unsigned)v[3];
	cfg->max_handshakes = (unsigned)v[4];
	cfg->timeout_ms = (unsigned)v[5];
	cfg->handshake_ms = (unsigned)v[6];
	cfg->header_ms = (unsigned)v[7];
	cfg->min_body_rate = (unsigned)v[8];
	cfg->call_timeout_ms = (unsigned)v[9];
	cfg->workers = (unsigned)v[10];
	cfg->max_json_depth = (unsigned)v[11];
	return 0;
}

/* "log": {"file": PATH, "max_bytes": N, "files": N}; absent = stderr. */
static int parse_log(json_t *root, const char *dir, struct kettle_config *cfg,
		     char *err, size_t errlen)
{
	json_t *log = json_object_get(root, "log");
	cfg->log_max_bytes = CONFIG_DEFAULT_LOG_MAX_BYTES;
	cfg->log_files = CONFIG_DEFAULT_LOG_FILES;
	if (!log)
		return 0;
	if (!json_is_object(log))
		return fail(err, errlen, "field \"log\" must be an object with file, max_bytes and files");
	const char *file;
	json_int_t max_bytes, files;
	int rc = get_string(log, "log.", "file", 1, &file, err, errlen);
	if (!rc)
		rc = get_uint(log, "log.", "max_bytes", 4096, 1ll << 40,
			      CONFIG_DEFAULT_LOG_MAX_BYTES, &max_bytes, err, errlen);
	if (!rc)
		rc = get_uint(log, "log.", "files", 1, 100, CONFIG_DEFAULT_LOG_FILES,
			      &files, err, errlen);
	if (rc)
		return rc;
	cfg->log_max_bytes = (size_t)max_bytes;
	cfg->log_files = (unsigned)files;
	cfg->log_file = resolve(dir, file);
	return cfg->log_file ? 0 : -ENOMEM;
}

static int parse_peers(json_t *root, char *err, size_t errlen)
{
	json_t *peers = json_object_get(root, "peers");
	if (!peers)
		return 0;
	if (!json_is_object(peers))
		return fail(err, errlen, "field \"peers\" must be an object of service name to URL");
	const char *name;
	json_t *url;
	json_object_foreach(peers, name, url) {
		if (!json_is_string(url) ||
		    strncmp(json_string_value(url), "https://", 8) != 0)
			return fail(err, errlen,
				    "field \"peers.%s\" must be an https:// URL", name);
	}
	return 0;
}

int config_parse(const char *text, const char *dir, struct kettle_config *cfg,
		 char *err, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	json_error_t jerr;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fail(err, errlen, "not valid JSON at line %d: %s", jerr.line,
			    jerr.text);
	cfg->root = root;
	int rc;
	if (!json_is_object(root)) {
		rc = fail(err, errlen, "the top level must be a JSON object");
		goto out;
	}
	if (dir && !(cfg->dir = strdup(dir))) {
		rc = -ENOMEM;
		goto out;
	}
	const char *service, *data_dir;
	rc = get_string(root, "", "service", 1, &service, err, errlen);
	if (rc)
		goto out;
	if (!(cfg->service = strdup(service))) {
		rc = -ENOMEM;
		goto out;
	}
	if ((rc = get_listen(root, "listen", 1, &cfg->listen, err, errlen)) ||
	    (rc = get_listen(root, "public", 0, &cfg->public_, err, errlen)) ||
	    (rc = parse_tls(root, dir, cfg, err, errlen)) ||
	    (rc = parse_limits(root, cfg, err, errlen)) ||
	    (rc = parse_log(root, dir, cfg, err, errlen)) ||
	    (rc = parse_peers(root, err, errlen)) ||
	    (rc = get_string(root, "", "data_dir", 0, &data_dir, err, errlen)))
		goto out;
	if (data_dir && !(cfg->data_dir = resolve(dir, data_dir)))
		rc = -ENOMEM;
out:
	if (rc)
		config_free(cfg);
	return rc;
}

static char *read_file(const char *path, int *rc)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		*rc = -errno;
		return NULL;
	}
	/* A configuration is small; refuse anything absurd. */
	enum { MAX_CONFIG = 1 << 20 };
	char *buf = malloc(MAX_CONFIG + 1);
	size_t n = buf ? fread(buf, 1, MAX_CONFIG + 1, f) : 0;
	int bad = ferror(f);
	fclose(f);
	if (!buf) {
		*rc = -ENOMEM;
		return NULL;
	}
	if (bad || n > MAX_CONFIG) {
		free(buf);
		*rc = bad ? -EIO : -EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	*rc = 0;
	return buf;
}

int config_load(const char *path, struct kettle_config *cfg, char *err,
		size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	int rc;
	char *text = read_file(path, &rc);
	if (!text) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot read the configuration: %s",
				 path, strerror(-rc));
		return rc;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	char msg[256] = "";
	rc = config_parse(text, dir, cfg, msg, sizeof(msg));
	free(text);
	if (rc && err && errlen)
		snprintf(err, errlen, "%s: %s", path, msg[0] ? msg : strerror(-rc));
	return rc;
}

void config_free(struct kettle_config *cfg)
{
	free(cfg->service);
	free(cfg->listen.address);
	free(cfg->public_.address);
	free(cfg->cert);
	free(cfg->key);
	free(cfg->ca);
	free(cfg->data_dir);
	free(cfg->log_file);
	free(cfg->dir);
	json_decref(cfg->root);
	memset(cfg, 0, sizeof(*cfg));
}

const char *config_string(const struct kettle_config *cfg, const char *key)
{
	json_t *v = json_object_get(cfg->root, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

char *config_path(const struct kettle_config *cfg, const char *key)
{
	const char *v = config_string(cfg, key);
	return v ? resolve(cfg->dir, v) : NULL;
}

const char *config_peer(const struct kettle_config *cfg, const char *service)
{
	json_t *v = json_object_get(json_object_get(cfg->root, "peers"), service);
	return json_is_string(v) ? json_string_value(v) : NULL;
}
