/* SPDX-License-Identifier: Apache-2.0 */
/* The everyday shape of a function: hash stdin, read an input file, write two
 * output files, print a summary. argv[1] = input path, argv[2] = output dir. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	unsigned char buf[4096];
	size_t n, in_bytes = 0, file_bytes = 0;
	uint64_t h_in = 0xcbf29ce484222325ull, h_file = h_in;
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		h_in = fnv(h_in, buf, n), in_bytes += n;
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		printf("open %s: %s\n", argv[1], strerror(errno));
		return 3;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		h_file = fnv(h_file, buf, n), file_bytes += n;
	fclose(f);

	char path[512];
	snprintf(path, sizeof path, "%s/summary.txt", argv[2]);
	FILE *o = fopen(path, "w");
	if (!o)
		return 4;
	fprintf(o, "stdin %zu bytes %016llx\ninput %zu bytes %016llx\n", in_bytes, (unsigned long long)h_in,
		file_bytes, (unsigned long long)h_file);
	if (fclose(o))
		return 5;
	snprintf(path, sizeof path, "%s/squares.bin", argv[2]);
	o = fopen(path, "wb");
	if (!o)
		return 6;
	for (uint32_t i = 0; i < 50000; i++) {
		uint32_t sq = i * i;
		fwrite(&sq, sizeof sq, 1, o);
	}
	if (fclose(o))
		return 7;
	printf("stdin=%zu:%016llx input=%zu:%016llx\n", in_bytes, (unsigned long long)h_in, file_bytes,
	       (unsigned long long)h_file);
	return 0;
}
