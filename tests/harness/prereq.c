/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/harness/prereq.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *harness_kvm_missing(void)
{
	if (access("/dev/kvm", R_OK | W_OK) == 0)
		return NULL;
	return "/dev/kvm is missing or not accessible on this machine "
	       "(check ls -l /dev/kvm and membership of group kvm)";
}

const char *harness_tool_missing(const char *path, const char *tool,
				 const char *package)
{
	static char why[512];

	if (path && strcmp(path, "-") && access(path, X_OK) == 0)
		return NULL;
	snprintf(why, sizeof(why), "%s is not installed (apt-get install %s)",
		 tool, package);
	return why;
}
