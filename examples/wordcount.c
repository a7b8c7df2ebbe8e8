/* SPDX-License-Identifier: Apache-2.0 */
/* A sample Kettle function: counts the words of /input/text, writes the ten
 * most frequent to /output/top.txt and prints a one-line summary. Arguments
 * arrive as JSON on stdin (unused here). Build: musl-gcc -static. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 4096

struct word {
	char text[32];
	int count;
};

static struct word words[MAX_WORDS];
static int nwords;

static void add(const char *w)
{
	for (int i = 0; i < nwords; i++)
		if (!strcmp(words[i].text, w)) {
			words[i].count++;
			return;
		}
	if (nwords < MAX_WORDS) {
		snprintf(words[nwords].text, sizeof words[nwords].text, "%s", w);
		words[nwords++].count = 1;
	}
}

static int by_count(const void *a, const void *b)
{
	const struct word *x = a, *y = b;
	return x->count != y->count ? y->count - x->count : strcmp(x->text, y->text);
}

int main(void)
{
	FILE *in = fopen("/input/text", "r");
	if (!in) {
		perror("/input/text");
		return 1;
	}
	char w[32];
	int len = 0, c, total = 0;
	while ((c = fgetc(in)) != EOF) {
		if (isalpha(c) && len < 31) {
			w[len++] = (char)tolower(c);
		} else if (len) {
			w[len] = 0;
			add(w);
			total++;
			len = 0;
		}
	}
	if (len) {
		w[len] = 0;
		add(w);
		total++;
	}
	fclose(in);
	qsort(words, (size_t)nwords, sizeof words[0], by_count);
	FILE *out = fopen("/output/top.txt", "w");
	if (!out) {
		perror("/output/top.txt");
		return 1;
	}
	for (int i = 0; i < nwords && i < 10; i++)
		fprintf(out, "%5d %s\n", words[i].count, words[i].text);
	if (fclose(out))
		return 1;
	printf("%d words, %d distinct\n", total, nwords);
	return 0;
}
