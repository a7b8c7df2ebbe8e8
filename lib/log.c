/* SPDX-License-Identifier: Apache-2.0 */
/* Structured JSON-lines logging to stderr or a rotated file; see log.h. */
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char log_service[64] = "kettle";
static enum log_level log_min = LOG_INFO;
static _Thread_local char current_id[REQUEST_ID_MAX + 1];

static const char *const level_names[] = { "debug", "info", "warn", "error" };

/* The log file, when there is one; guarded by file_lock. */
static pthread_mutex_t file_lock = PTHREAD_MUTEX_INITIALIZER;
static int file_fd = -1, dir_fd = -1;
static char file_name[NAME_MAX + 1];
static size_t file_size, file_max;
static unsigned file_count;

int log_to_file(const char *path, size_t max_bytes, unsigned files)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	char dir[PATH_MAX];
	if (!*name || strlen(name) + 4 > NAME_MAX)
		return -EINVAL;
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path), path);
	else
		snprintf(dir, sizeof(dir), ".");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		close(dfd);
		return -e;
	}
	pthread_mutex_lock(&file_lock);
	if (file_fd >= 0)
		close(file_fd);
	if (dir_fd >= 0)
		close(dir_fd);
	file_fd = fd;
	dir_fd = dfd;
	snprintf(file_name, sizeof(file_name), "%s", name);
	file_size = (size_t)st.st_size;
	file_max = max_bytes;
	file_count = files ? files : 1;
	pthread_mutex_unlock(&file_lock);
	return 0;
}

/* With file_lock held: shift name.N-1 -> name.N ... name -> name.1. */
static void rotate(void)
{
	char from[NAME_MAX + 16], to[NAME_MAX + 16];
	for (unsigned i = file_count - 1; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", file_name);
		else
			snprintf(from, sizeof(from), "%s.%u", file_name, i - 1);
		snprintf(to, sizeof(to), "%s.%u", file_name, i);
		renameat(dir_fd, from, dir_fd, to); /* a missing one is fine */
	}
	int fd = openat(dir_fd, file_name, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
			0600);
	if (fd < 0)
		return; /* keep writing to the old one rather than lose lines */
	close(file_fd);
	file_fd = fd;
	file_size = 0;
}

static void emit(const char *text, size_t n)
{
	pthread_mutex_lock(&file_lock);
	int fd = STDERR_FILENO;
	if (file_fd >= 0) {
		if (file_size + n > file_max && file_size > 0)
			rotate();
		fd = file_fd;
		file_size += n;
	}
	/* One write per line so lines from several processes sharing a log
	 * file do not interleave. */
	ssize_t w = write(fd, text, n);
	(void)w;
	pthread_mutex_unlock(&file_lock);
}

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
	size_t n = strlen(s);
	if (n <= LOG_FIELD_MAX) {
		json_t *j = json_string(s);
		if (j)
			return j;
	}
	/* Too long, or not UTF-8: cut at a character boundary, mark it. */
	size_t keep = n <= LOG_FIELD_MAX ? n : LOG_FIELD_MAX;
	while (keep > 0 && keep < n && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	char *copy = malloc(keep + sizeof(LOG_TRUNCATED));
	if (!copy)
		return json_string("(out of memory)");
	memcpy(copy, s, keep);
	copy[keep] = '\0';
	if (keep < n)
		strcat(copy, LOG_TRUNCATED);
	json_t *j = json_string(copy);
	for (size_t i = 0; !j && i < keep; i++)
		if ((unsigned char)copy[i] >= 0x80 || copy[i] < 0x20)
			copy[i] = '?';
	if (!j)
		j = json_string(copy);
	free(copy);
	return j;
}

/* A field value with its long strings cut (numbers, booleans unchanged). */
static json_t *bounded(json_t *value)
{
	if (json_is_string(value))
		return safe_string(json_string_value(value));
	if (json_is_object(value) || json_is_array(value)) {
		char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
		json_t *j = text ? safe_string(text) : json_null();
		free(text);
		return j;
	}
	return json_incref(value);
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
	char msg[LOG_FIELD_MAX + 2];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap); /* one byte over: safe_string marks the cut */
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
			if (!json_object_get(line, key) &&
			    json_object_size(line) < 32)
				json_object_set_new(line, key, bounded(value));
		}
	}
	char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(line);
	if (!text)
		return;
	size_t n = strlen(text);
	if (n >= LOG_LINE_MAX) {
		/* Only the fixed keys then: still one bounded, valid line. */
		free(text);
		json_t *small = json_pack("{s:s,s:s,s:s,s:o,s:b}", "ts", ts, "level",
					  level_names[level], "service", log_service,
					  "msg", safe_string(msg), "truncated", 1);
		text = small ? json_dumps(small, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(small);
		if (!text)
			return;
		n = strlen(text);
	}
	text[n] = '\n'; /* json_dumps leaves room: n is its NUL */
	emit(text, n + 1);
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
