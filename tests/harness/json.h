/* SPDX-License-Identifier: Apache-2.0 */
/* JSON getters for tests: a missing or mistyped member is a neutral value
 * the check then fails on, never a crash. */
#ifndef KETTLE_TESTS_HARNESS_JSON_H
#define KETTLE_TESTS_HARNESS_JSON_H

#include <jansson.h>

/* j.key as a string, or "" when absent or not a string. */
const char *harness_json_str(const json_t *j, const char *key);
/* j.key as an integer, or fallback when absent or not an integer. */
long long harness_json_int(const json_t *j, const char *key,
			   long long fallback);
/* Whether j has member key at all (of any type). */
int harness_json_has(const json_t *j, const char *key);
/* FILE's top-level object OBJECT, member KEY as an integer, or fallback. */
long long harness_json_file_int(const char *path, const char *object,
				const char *key, long long fallback);

#endif
