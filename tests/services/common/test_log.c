/* SPDX-License-Identifier: Apache-2.0 */
/* Request ids and the JSON-lines log format. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "tests/tap.h"

/* Run fn with stderr captured; returns the text written. */
static void capture(void (*fn)(void), char *out, size_t len)
{
	int p[2];
	if (pipe(p) != 0)
		return;
	int saved = dup(2);
	dup2(p[1], 2);
	close(p[1]);
	fn();
	dup2(saved, 2);
	close(saved);
	ssize_t n = read(p[0], out, len - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
}

static void write_lines(void)
{
	request_id_set_current("req-42");
	json_t *f = json_pack("{s:s,s:i,s:s}", "user", "alice", "n", 3, "level", "spoof");
	log_event(LOG_WARN, f, "disk %s is %d%% full", "data", 91);
	json_decref(f);
	request_id_set_current(NULL);
	log_debug("hidden at the default level");
	log_info("bad byte \xff in message");
}

int main(void)
{
	CHECK(request_id_valid("abc-DEF_1.2"), "letters, digits, - _ . accepted");
	CHECK(!request_id_valid(""), "empty id refused");
	CHECK(!request_id_valid("a b"), "space refused");
	CHECK(!request_id_valid("a\"b"), "quote refused");
	CHECK(!request_id_valid("a\nb"), "newline refused");
	CHECK(!request_id_valid(NULL), "NULL refused");
	char longid[80];
	memset(longid, 'a', 64);
	longid[64] = '\0';
	CHECK(request_id_valid(longid), "64 characters accepted");
	longid[64] = 'a';
	longid[65] = '\0';
	CHECK(!request_id_valid(longid), "65 characters refused");

	char a[REQUEST_ID_MAX + 1], b[REQUEST_ID_MAX + 1];
	request_id_generate(a);
	request_id_generate(b);
	CHECK(strlen(a) == 32 && request_id_valid(a), "generated id is 32 valid characters");
	CHECK(strcmp(a, b) != 0, "two generated ids differ");
	request_id_set_current("bad id");
	CHECK(request_id_current() == NULL, "an invalid id is not made current");
	request_id_set_current(a);
	CHECK(request_id_current() && strcmp(request_id_current(), a) == 0, "current id set");
	request_id_set_current(NULL);
	CHECK(request_id_current() == NULL, "current id cleared");

	log_init("testsvc");
	char text[4096];
	capture(write_lines, text, sizeof(text));
	char *nl = strchr(text, '\n');
	CHECK(nl != NULL, "a line was written");
	if (!nl)
		TAP_DONE();
	*nl = '\0';
	json_t *line = json_loads(text, 0, NULL);
	CHECK(json_is_object(line), "the line is one JSON object: %s", text);
	CHECK(strcmp(json_string_value(json_object_get(line, "level")), "warn") == 0, "level");
	CHECK(strcmp(json_string_value(json_object_get(line, "service")), "testsvc") == 0, "service");
	CHECK(strcmp(json_string_value(json_object_get(line, "msg")), "disk data is 91% full") == 0, "msg formatted");
	CHECK(strcmp(json_string_value(json_object_get(line, "request_id")), "req-42") == 0,
	      "current request id included");
	CHECK(strcmp(json_string_value(json_object_get(line, "user")), "alice") == 0 &&
	      json_integer_value(json_object_get(line, "n")) == 3, "fields included");
	const char *ts = json_string_value(json_object_get(line, "ts"));
	CHECK(ts && strlen(ts) == 24 && ts[10] == 'T' && ts[23] == 'Z', "ts is ISO 8601 UTC: %s", ts ? ts : "");
	json_decref(line);

	char *second = nl + 1;
	nl = strchr(second, '\n');
	CHECK(nl && !strchr(nl + 1, '\n'), "debug line dropped, exactly two lines");
	if (nl)
		*nl = '\0';
	line = json_loads(second, 0, NULL);
	CHECK(json_is_object(line) && json_object_get(line, "request_id") == NULL,
	      "no request id after clearing");
	CHECK(line && strcmp(json_string_value(json_object_get(line, "msg")), "bad byte ? in message") == 0,
	      "a non-UTF-8 byte is replaced, the line stays valid JSON");
	json_decref(line);
	TAP_DONE();
}
