/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded logs (issue 7, F5): a 15 KB path is logged cut with a marker, a
 * line never exceeds LOG_LINE_MAX, and a log file rotates by size keeping
 * a bounded number of files, with whole lines even from several threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "tests/harness/tmp.h"
#include "tests/harness/proc.h"
#include "tests/tap.h"
#include "tests/services/common/test_util.h"

static char path[2048];

/* Every line of file is a JSON object no longer than LOG_LINE_MAX; returns
 * the number of lines or -1. */
static int check_lines(const char *file, size_t *longest)
{
	FILE *f = fopen(file, "re");
	if (!f)
		return -1;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int count = 0, bad = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		if ((size_t)n > *longest)
			*longest = (size_t)n;
		json_t *j = json_loadb(line, (size_t)n, 0, NULL);
		bad |= !json_is_object(j) || (size_t)n > LOG_LINE_MAX;
		json_decref(j);
		count++;
	}
	free(line);
	fclose(f);
	return bad ? -1 : count;
}

static void *writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 500; i++) {
		json_t *f = json_pack("{s:s,s:i}", "path", "/v1/some/path/of/a/request", "i", i);
		log_event(LOG_INFO, f, "line %d from a writer thread", i);
		json_decref(f);
	}
	return NULL;
}

static long size_of(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

int main(void)
{
	char tmp[1024];
	CHECK(harness_temp_dir(tmp, sizeof(tmp), "log") == 0, "temp dir");
	snprintf(path, sizeof(path), "%s/svc.log", tmp);
	log_init("testsvc");
	CHECK(log_to_file(path, 8192, 3) == 0, "log to a file: 8 KiB per file, 3 files");

	/* The attack: a 15 KB path in a field and in the message. */
	char *huge = malloc(15001);
	memset(huge, 'p', 15000);
	huge[15000] = '\0';
	json_t *f = json_pack("{s:s,s:i}", "path", huge, "status", 404);
	log_event(LOG_INFO, f, "no route for %s", huge);
	json_decref(f);
	size_t longest = 0;
	CHECK(check_lines(path, &longest) == 1 && longest <= LOG_LINE_MAX,
	      "a 15 KB path gives one valid line of %zu bytes (cap %d)", longest, LOG_LINE_MAX);
	FILE *in = fopen(path, "re");
	char *text = calloc(1, LOG_LINE_MAX + 2);
	if (in && fgets(text, LOG_LINE_MAX + 1, in)) {
		json_t *line = json_loads(text, 0, NULL);
		const char *p = json_string_value(json_object_get(line, "path"));
		const char *m = json_string_value(json_object_get(line, "msg"));
		CHECK(p && strlen(p) == LOG_FIELD_MAX + strlen(LOG_TRUNCATED) &&
		      strcmp(p + LOG_FIELD_MAX, LOG_TRUNCATED) == 0,
		      "the field is cut at %d bytes and marked", LOG_FIELD_MAX);
		CHECK(m && strstr(m, LOG_TRUNCATED) && strlen(m) <= LOG_FIELD_MAX + strlen(LOG_TRUNCATED),
		      "the message is cut and marked");
		CHECK(json_integer_value(json_object_get(line, "status")) == 404,
		      "short fields are kept whole");
		json_decref(line);
	}
	if (in)
		fclose(in);

	/* Many long fields: still one bounded line. */
	json_t *many = json_object();
	for (int i = 0; i < 40; i++) {
		char key[16];
		snprintf(key, sizeof(key), "f%d", i);
		json_object_set_new(many, key, json_string(huge + 14500));
	}
	log_event(LOG_INFO, many, "many fields");
	json_decref(many);
	longest = 0;
	CHECK(check_lines(path, &longest) == 2 && longest <= LOG_LINE_MAX,
	      "40 fields of 500 bytes: one valid line of at most %d bytes", LOG_LINE_MAX);
	free(huge);
	free(text);

	/* ~30 MB/s of log from one client, scaled down: 2000 lines from 4
	 * threads into files of 8 KiB. */
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, writer, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	char p1[2100], p2[2100], p3[2100];
	snprintf(p1, sizeof(p1), "%s.1", path);
	snprintf(p2, sizeof(p2), "%s.2", path);
	snprintf(p3, sizeof(p3), "%s.3", path);
	long s0 = size_of(path), s1 = size_of(p1), s2 = size_of(p2);
	CHECK(s0 > 0 && s1 > 0 && s2 > 0 && size_of(p3) < 0,
	      "rotated: svc.log, .1, .2 and no .3 (%ld, %ld, %ld bytes)", s0, s1, s2);
	CHECK(s0 <= 8192 && s1 <= 8192 && s2 <= 8192, "each file within max_bytes");
	longest = 0;
	CHECK(check_lines(path, &longest) > 0 && check_lines(p1, &longest) > 0 &&
	      check_lines(p2, &longest) > 0, "every line in every file is whole JSON");
	harness_remove_tree(tmp);
	TAP_DONE();
}
