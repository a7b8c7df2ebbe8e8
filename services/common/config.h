/* SPDX-License-Identifier: Apache-2.0 */
/* One JSON configuration file per service.
 *
 * {
 *   "service":  "storage",                              required
 *   "listen":   {"address": "127.0.0.1", "port": 7001}, internal mTLS listener, required
 *   "public":   {"address": "127.0.0.1", "port": 7443}, optional public TLS listener
 *   "tls":      {"cert": "...pem", "key": "...pem", "ca": "...pem"}, required
 *   "data_dir": "/path",                                optional
 *   "limits":   {"max_body": 6291456, "max_blob_body": 67108864,
 *                "max_connections": 256, "max_per_peer": 64,
 *                "max_handshakes": 32, "timeout_ms": 10000,
 *                "handshake_ms": 3000, "header_ms": 5000,
 *                "min_body_rate": 65536, "call_timeout_ms": 800,
 *                "workers": 8, "max_json_depth": 32},  optional
 *   "log":      {"file": "logs/storage.log", "max_bytes": 8388608,
 *                "files": 4},                          optional (stderr)
 *   "peers":    {"storage": "https://127.0.0.1:7001", ...}, optional
 *   ...                  any service-specific keys, read with config_string()
 * }
 *
 * Relative paths are resolved against the directory holding the file. */
#ifndef KETTLE_SERVICES_COMMON_CONFIG_H
#define KETTLE_SERVICES_COMMON_CONFIG_H

#include <stddef.h>

#include <jansson.h>

/* A 4 MiB value (API.md, STORE_VALUE_MAX) travels base64-encoded in JSON:
 * 4/3 of it plus the key and framing. */
#define CONFIG_DEFAULT_MAX_BODY (6u << 20)
#define CONFIG_DEFAULT_MAX_CONNECTIONS 256u
#define CONFIG_DEFAULT_TIMEOUT_MS 10000u
#define CONFIG_DEFAULT_MAX_JSON_DEPTH 32u
#define CONFIG_DEFAULT_MAX_BLOB_BODY (64u << 20)
#define CONFIG_DEFAULT_MAX_PER_PEER 64u
#define CONFIG_DEFAULT_MAX_HANDSHAKES 32u
#define CONFIG_DEFAULT_HANDSHAKE_MS 3000u
#define CONFIG_DEFAULT_HEADER_MS 5000u
#define CONFIG_DEFAULT_MIN_BODY_RATE 65536u /* bytes per second */
#define CONFIG_DEFAULT_CALL_TIMEOUT_MS 800u
#define CONFIG_DEFAULT_WORKERS 8u
#define CONFIG_DEFAULT_LOG_MAX_BYTES (8u << 20)
#define CONFIG_DEFAULT_LOG_FILES 4u

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
	size_t max_body;               /* every route but RPC_ROUTE_BLOB ones */
	size_t max_blob_body;          /* routes flagged RPC_ROUTE_BLOB */
	unsigned max_connections;      /* per listener */
	unsigned max_per_peer;         /* per listener and peer IP address */
	unsigned max_handshakes;       /* per listener, TLS handshakes under way */
	unsigned timeout_ms;           /* idle keep-alive, writing a reply */
	unsigned handshake_ms;         /* absolute, from accept */
	unsigned header_ms;            /* absolute, from the request's first byte */
	unsigned min_body_rate;        /* bytes/s a body must keep up */
	unsigned call_timeout_ms;      /* rpc_client_for_peer() deadline */
	unsigned workers;              /* handler threads */
	unsigned max_json_depth;
	char *log_file;                /* NULL: stderr only */
	size_t log_max_bytes;          /* rotate above this size */
	unsigned log_files;            /* files kept, the current one included */
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
