/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-platform as the tests of this folder run it:
 *   test-... KETTLE_PLATFORM DIR_OF_KETTLE_ECHO */
#ifndef KETTLE_TESTS_SERVICES_PLATFORM_PLATFORM_CLI_H
#define KETTLE_TESTS_SERVICES_PLATFORM_PLATFORM_CLI_H

#include <stddef.h>

extern char *platform_bin;   /* KETTLE_PLATFORM */
extern char platform_env[];  /* "KETTLE_BIN_DIR=DIR_OF_KETTLE_ECHO" */

/* Takes the two arguments; 0, or 2 after printing the usage line. */
int platform_cli_args(int argc, char **argv);
/* A temporary directory (tmp, 1024 bytes) and `init TMP/p --test-services`
 * (dir, 2048 bytes), its output into out: init's exit status, -1 if no
 * temporary directory. */
int platform_cli_new(const char *tag, char *tmp, char *dir, char *out, size_t len);
/* kettle-platform CMD DIR with platform_env; output into out. */
int platform_cli_run(const char *cmd, const char *dir, char *out, size_t len);

#endif
