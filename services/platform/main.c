/* kettle-platform: create, start, stop and inspect a local Kettle platform. */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "services/platform/platform.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: kettle-platform init DIR [--test-services]\n"
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
		if (argc == 4 && strcmp(argv[3], "--test-services") == 0)
			test_services = 1;
		else if (argc != 3)
			return usage();
		return platform_init(dir, test_services);
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
