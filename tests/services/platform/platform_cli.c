/* SPDX-License-Identifier: Apache-2.0 */
/* See platform_cli.h. */
#include "tests/harness/tmp.h"
#include "tests/harness/proc.h"
#include "tests/services/platform/platform_cli.h"

#include <stdio.h>

#include "tests/services/common/test_util.h"

char *platform_bin;
char platform_env[4200];

int platform_cli_args(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s KETTLE_PLATFORM DIR_OF_KETTLE_ECHO\n", argv[0]);
		return 2;
	}
	platform_bin = argv[1];
	snprintf(platform_env, sizeof(platform_env), "KETTLE_BIN_DIR=%s", argv[2]);
	return 0;
}

int platform_cli_run(const char *cmd, const char *dir, char *out, size_t len)
{
	char *argv[] = { platform_bin, (char *)cmd, (char *)dir, NULL };
	return harness_run_text(argv, platform_env, out, len);
}

int platform_cli_new(const char *tag, char *tmp, char *dir, char *out, size_t len)
{
	if (harness_temp_dir(tmp, 1024, tag) != 0)
		return -1;
	snprintf(dir, 2048, "%s/p", tmp);
	char *init[] = { platform_bin, "init", dir, "--test-services", NULL };
	return harness_run_text(init, NULL, out, len);
}
