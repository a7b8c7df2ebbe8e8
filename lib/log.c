/* Structured JSON-lines logging to stderr; see log.h. */
#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static char log_service[64] = "kettle";
static enum log_level log_min = LOG_INFO;
static _Thread_local char current_id[REQUEST_ID_MAX + 1];

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_init(const char *service)
{
	snprintf(log_service, sizeof(log_service), "%s", service ? service : "kettle");
}

void log_set_level(enum log_level level)
{
	log_min = level;
}

/* A log line must never be lost because a message holds bytes that are not
 * UTF-8 (a path, a peer's input): such bytes become '?'. */
static json_t *safe_string(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	size_t n = strlen(s);
	char *copy = strdup(s);
	if (!copy)
		return json_string("(out of memory)");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)copy[i] >= 0x80 || copy[i] < 0x20)
			copy[i] = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

static void format_time(char *out, size_t len)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void log_event(enum log_level level, json_t *fields, const char *fmt, ...)
{
	if (level < log_min || level > LOG_ERROR)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	char ts[40];
	format_time(ts, sizeof(ts));
	json_t *line = json_object();
	if (!line)
		return;
	json_object_set_new(line, "ts", json_string(ts));
	json_object_set_new(line, "level", json_string(level_names[level]));
	json_object_set_new(line, "service", safe_string(log_service));
	json_object_set_new(line, "msg", safe_string(msg));
	if (current_id[0])
		json_object_set_new(line, "request_id", json_string(current_id));
	if (json_is_object(fields)) {
		const char *key;
		json_t *value;
		json_object_foreach(fields, key, value) {
			/* The fixed keys stay authoritative. */
			if (!json_object_get(line, key))
				json_object_set(line, key, value);
		}
	}
	char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(line);
	if (!text)
		return;
	/* One write per line so lines from several processes sharing a log
	 * file do not interleave. */
	size_t n = strlen(text);
	text[n] = '\n';
	ssize_t w = write(STDERR_FILENO, text, n + 1);
	(void)w;
	free(text);
}

int request_id_valid(const char *id)
{
	if (!id)
		return 0;
	size_t n = 0;
	for (; id[n]; n++) {
		char c = id[n];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
		if (!ok || n >= REQUEST_ID_MAX)
			return 0;
	}
	return n > 0;
}

void request_id_generate(char out[REQUEST_ID_MAX + 1])
{
	unsigned char bytes[16];
	size_t got = 0;
	while (got < sizeof(bytes)) {
		ssize_t r = getrandom(bytes + got, sizeof(bytes) - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < sizeof(bytes)) {
		/* Ids are for correlation, not secrets: fall back to the clock. */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		memcpy(bytes, &ts, sizeof(bytes) < sizeof(ts) ? sizeof(bytes) : sizeof(ts));
	}
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof(bytes); i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[2 * sizeof(bytes)] = '\0';
}

const char *request_id_current(void)
{
	return current_id[0] ? current_id : NULL;
}

void request_id_set_current(const char *id)
{
	if (id && request_id_valid(id))
		snprintf(current_id, sizeof(current_id), "%s", id);
	else
		current_id[0] = '\0';
}
