/* SPDX-License-Identifier: Apache-2.0 */
/* A guest program for the native runner: built with musl-gcc -static and
 * gcc -static, it exercises what real functions do with libc (stdio,
 * malloc small and large, files, directories, stdin, time, environment)
 * and prints results the test compares exactly. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
	char *names[32];
	int n = 0;
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		printf("opendir %s: errno %d\n", path, errno);
		return;
	}
	while ((e = readdir(d)) && n < 32)
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], by_name);
	printf("%s:", path);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static int big_memory(void)
{
	size_t n = 64u << 20;
	unsigned char *p = malloc(n), *q;
	void *small[200];

	if (!p)
		return 1;
	memset(p, 7, n);
	q = realloc(p, 80u << 20);
	if (!q || q[0] != 7 || q[n - 1] != 7)
		return 2;
	memset(q + n, 9, 16u << 20);
	free(q);
	for (int i = 0; i < 200; i++) {
		small[i] = malloc((size_t)(i * 997 % 70000) + 1);
		if (!small[i])
			return 3;
		memset(small[i], i, 1);
	}
	for (int i = 0; i < 200; i += 2)
		free(small[i]);
	for (int i = 1; i < 200; i += 2)
		free(small[i]);
	return 0;
}

static void report_inputs(void)
{
	char line[128];
	struct stat st;
	FILE *f = fopen("/input/data.txt", "r");

	if (f && fgets(line, sizeof line, f))
		printf("input: %s", line);
	if (f)
		fclose(f);
	if (stat("/input/data.txt", &st) == 0)
		printf("size=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
	list_dir("/input");
	list_dir("/");
}

/* 0, or the exit code saying which open failed */
static int write_outputs(void)
{
	FILE *f = fopen("/output/result.txt", "w");

	if (!f)
		return 20;
	fprintf(f, "result %d\n", 42);
	fclose(f);
	f = fopen("/output/result.txt", "a");
	if (!f)
		return 21;
	fputs("appended\n", f);
	fclose(f);
	return 0;
}

static void report_refusals(void)
{
	errno = 0;
	printf("open missing: %d\n", open("/input/missing", O_RDONLY) < 0 ? errno : 0);
	printf("write input: %d\n", fopen("/input/data.txt", "w") ? 0 : errno);
	printf("create elsewhere: %d\n", fopen("/newfile", "w") ? 0 : errno);
}

static void report_host(void)
{
	char line[128];
	struct utsname u;
	struct timespec ts;

	if (fgets(line, sizeof line, stdin))
		printf("stdin: %s", line);
	if (uname(&u) == 0)
		printf("uname: %s %s\n", u.sysname, u.machine);
	printf("clock: %d\n", clock_gettime(CLOCK_MONOTONIC, &ts) == 0 && time(NULL) > 1600000000);
}

int main(int argc, char **argv)
{
	int rc;

	printf("argc=%d argv1=%s env=%s\n", argc, argc > 1 ? argv[1] : "-", getenv("KETTLE_TEST") ?
	       getenv("KETTLE_TEST") : "-");
	printf("memory=%d\n", big_memory());
	report_inputs();
	if ((rc = write_outputs()))
		return rc;
	report_refusals();
	report_host();
	fprintf(stderr, "to stderr\n");
	fflush(stdout);
	return 3;
}
