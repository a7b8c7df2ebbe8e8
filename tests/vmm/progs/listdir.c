/* SPDX-License-Identifier: Apache-2.0 */
/* Lists a directory (sorted) with file sizes. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	DIR *d = opendir(argc > 1 ? argv[1] : "/input");
	char *names[256];
	int n = 0;
	struct dirent *e;
	if (!d) {
		perror("opendir");
		return 1;
	}
	while ((e = readdir(d)) && n < 256)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], cmp);
	for (int i = 0; i < n; i++) {
		char p[1024];
		struct stat st;
		snprintf(p, sizeof p, "%s/%s", argc > 1 ? argv[1] : "/input", names[i]);
		if (stat(p, &st) == 0)
			printf("%s %lld\n", names[i], (long long)st.st_size);
		free(names[i]);
	}
	return 0;
}
