/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-platform: create, start, stop and inspect a local Kettle platform. */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "services/platform/platform.h"
#include "services/platform/users.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: kettle-platform init DIR [--test-services] [--user SERVICE=UID[:GID]]...\n"
		"       kettle-platform start DIR\n"
		"       kettle-platform stop DIR\n"
		"       kettle-platform status DIR\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	const char *cmd = argv[1], *dir = argv[2];
	log_init("platform");
	if (strcmp(cmd, "init") == 0) {
		int test_services = 0;
		struct service_user given[16];
		size_t n_given = 0;
		for (int i = 3; i < argc; i++) {
			if (strcmp(argv[i], "--test-services") == 0)
				test_services = 1;
			else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc && n_given < 16) {
				if (users_parse(argv[++i], &given[n_given++])) {
					fprintf(stderr, "kettle-platform: --user %s: expected SERVICE=UID[:GID] with ids from 1 to 2147483646\n",
						argv[i]);
					return 2;
				}
			} else
				return usage();
		}
		return platform_init(dir, test_services, given, n_given);
	}
	if (argc != 3)
		return usage();
	if (strcmp(cmd, "start") == 0)
		return platform_start(dir, argv[0]);
	if (strcmp(cmd, "stop") == 0)
		return platform_stop(dir);
	if (strcmp(cmd, "status") == 0)
		return platform_status(dir);
	return usage();
}
