/* Scratch directories and keys shared by the storage tests. */
#ifndef KETTLE_TESTS_STORAGE_UTIL_H
#define KETTLE_TESTS_STORAGE_UTIL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int test_rm_entry(const char *path, const struct stat *st, int flag,
			 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void test_rm_tree(const char *dir)
{
	nftw(dir, test_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static inline char *test_tmpdir(void)
{
	char tmpl[] = "/tmp/kettle-test-XXXXXX";
	char *dir = mkdtemp(tmpl);

	return dir ? strdup(dir) : NULL;
}

static inline void test_key(uint8_t key[32], uint8_t fill)
{
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(fill + i);
}

#endif
