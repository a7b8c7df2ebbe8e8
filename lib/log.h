/* SPDX-License-Identifier: Apache-2.0 */
/* Structured logs: one JSON object per line on stderr (or a file),
 * {"ts":"2026-11-21T11:00:00.123Z","level":"info","service":"storage",
 *  "msg":"...","request_id":"...", <fields>}.
 *
 * The request id of the request being handled is kept per thread: the
 * server sets it around each handler, log lines carry it and the RPC client
 * forwards it in X-Request-Id.
 *
 * Lines are bounded: a string longer than LOG_FIELD_MAX bytes (the message
 * or a field, e.g. a request path) is cut and ends with LOG_TRUNCATED, and a
 * line never exceeds LOG_LINE_MAX bytes. Safe to call from several threads. */
#ifndef KETTLE_LIB_LOG_H
#define KETTLE_LIB_LOG_H

#include <stddef.h>

#include <jansson.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Name the service for every line (copied; truncated to 63 bytes). */
void log_init(const char *service);
#define LOG_FIELD_MAX 512
#define LOG_LINE_MAX 4096
#define LOG_TRUNCATED "...[truncated]"

/* Write lines to path (appending) instead of stderr; when the file would
 * pass max_bytes it becomes path.1 (path.1 becomes path.2, ...) and a new
 * one starts, keeping at most `files` files in all, so the space used is
 * bounded by about files * max_bytes. Rotation works inside a jail that
 * allows openat and renameat: the directory is held open. 0 or -errno. */
int log_to_file(const char *path, size_t max_bytes, unsigned files);
/* Lines below this level are dropped (default LOG_INFO). */
void log_set_level(enum log_level level);

/* fields (may be NULL) is borrowed: its keys are added to the line. */
void log_event(enum log_level level, json_t *fields, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define log_debug(...) log_event(LOG_DEBUG, NULL, __VA_ARGS__)
#define log_info(...) log_event(LOG_INFO, NULL, __VA_ARGS__)
#define log_warn(...) log_event(LOG_WARN, NULL, __VA_ARGS__)
#define log_error(...) log_event(LOG_ERROR, NULL, __VA_ARGS__)

/* Request ids: 1..64 characters of [A-Za-z0-9._-]. */
#define REQUEST_ID_MAX 64
int request_id_valid(const char *id);
/* Write a fresh random id (32 hex chars) into out (>= REQUEST_ID_MAX + 1). */
void request_id_generate(char out[REQUEST_ID_MAX + 1]);
/* The id of the request this thread is handling, or NULL. */
const char *request_id_current(void);
/* Set (copied) or clear (NULL) the current id. */
void request_id_set_current(const char *id);

#endif
