/* SPDX-License-Identifier: Apache-2.0 */
/* Scratch directories for tests: made fresh, removed whole. */
#ifndef KETTLE_TESTS_HARNESS_TMP_H
#define KETTLE_TESTS_HARNESS_TMP_H

#include <stddef.h>

/* mkdtemp of $TMPDIR (or /tmp)/kettle-TAG-XXXXXX into out. 0 or -errno. */
int harness_temp_dir(char *out, size_t len, const char *tag);
/* Removes a directory tree without following symlinks (best effort: a test
 * cleaning up must not fail because a service left a file behind). */
void harness_remove_tree(const char *path);

#endif
