/* SPDX-License-Identifier: Apache-2.0 */
/* Whole files for tests: fixtures, logs, outputs a process wrote. */
#ifndef KETTLE_TESTS_HARNESS_FILE_H
#define KETTLE_TESTS_HARNESS_FILE_H

#include <stddef.h>

/* Every file a test reads (fixtures, captured output) is below this. */
#define HARNESS_FILE_MAX (64u << 20)

/* The whole regular file, NUL-terminated (it may hold other NULs), or NULL
 * when it is missing, unreadable or above HARNESS_FILE_MAX. len may be
 * NULL. Free with free(). */
char *harness_read_file(const char *path, size_t *len);
/* The same for DIR/NAME. */
char *harness_read_file_in(const char *dir, const char *name, size_t *len);

#endif
