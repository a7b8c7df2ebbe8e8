/* One JSON configuration file per service.
 *
 * {
 *   "service":  "storage",                              required
 *   "listen":   {"address": "127.0.0.1", "port": 7001}, internal mTLS listener, required
 *   "public":   {"address": "127.0.0.1", "port": 7443}, optional public TLS listener
 *   "tls":      {"cert": "...pem", "key": "...pem", "ca": "...pem"}, required
 *   "data_dir": "/path",                                optional
 *   "limits":   {"max_body": 1048576, "max_connections": 256,
 *                "timeout_ms": 10000, "max_json_depth": 32},  optional
 *   "peers":    {"storage": "https://127.0.0.1:7001", ...}, optional
 *   ...                  any service-specific keys, read with config_string()
 * }
 *
 * Relative paths are resolved against the directory holding the file. */
#ifndef KETTLE_SERVICES_COMMON_CONFIG_H
#define KETTLE_SERVICES_COMMON_CONFIG_H

#include <stddef.h>

#include <jansson.h>

#define CONFIG_DEFAULT_MAX_BODY (1u << 20)
#define CONFIG_DEFAULT_MAX_CONNECTIONS 256u
#define CONFIG_DEFAULT_TIMEOUT_MS 10000u
#define CONFIG_DEFAULT_MAX_JSON_DEPTH 32u

struct config_listen {
	char *address; /* NULL when the listener is absent */
	int port;      /* 0..65535; 0 = any free port */
};

struct kettle_config {
	char *service;
	struct config_listen listen;   /* internal, mutual TLS */
	struct config_listen public_;  /* public TLS, address NULL if none */
	char *cert, *key, *ca;         /* absolute or relative to the file */
	char *data_dir;                /* NULL if absent */
	size_t max_body;
	unsigned max_connections;
	unsigned timeout_ms;
	unsigned max_json_depth;
	json_t *root; /* the whole file, for service-specific keys */
	char *dir;    /* directory of the file */
};

/* Load path into cfg. On error returns -errno or -EINVAL and writes one
 * clear line (file, field, what is wrong) into err. */
int config_load(const char *path, struct kettle_config *cfg, char *err,
		size_t errlen);
/* Parse from a string (dir resolves relative paths; may be NULL). */
int config_parse(const char *text, const char *dir, struct kettle_config *cfg,
		 char *err, size_t errlen);
void config_free(struct kettle_config *cfg);

/* Service-specific string at the top level ("admin_password_file") or NULL. */
const char *config_string(const struct kettle_config *cfg, const char *key);
/* Like config_string but a relative path is resolved against the file's
 * directory; returns a new string (free it) or NULL. */
char *config_path(const struct kettle_config *cfg, const char *key);
/* URL of a peer service from "peers", or NULL. */
const char *config_peer(const struct kettle_config *cfg, const char *service);

#endif
