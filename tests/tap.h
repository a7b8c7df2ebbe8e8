/* A tiny TAP producer for Kettle's tests.
 *
 * Each CHECK prints one "ok N - what" or "not ok N - what" line; TAP_DONE
 * prints the plan and returns the exit status. meson runs the binaries with
 * protocol 'tap' and scripts/test counts the lines, so a report says how many
 * behaviours passed, not how many binaries. TAP_SKIP_ALL is for a test whose
 * precondition (e.g. /dev/kvm) is missing on this machine; it says why. */
#ifndef KETTLE_TESTS_TAP_H
#define KETTLE_TESTS_TAP_H

#include <stdio.h>
#include <stdlib.h>

static int tap_count;
static int tap_failed;

#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		int tap_ok_ = !!(cond);                                       \
		tap_count++;                                                  \
		if (!tap_ok_)                                                 \
			tap_failed++;                                         \
		printf("%sok %d - ", tap_ok_ ? "" : "not ", tap_count);     \
		printf(__VA_ARGS__);                                          \
		printf("\n");                                                 \
		if (!tap_ok_)                                                 \
			printf("# failed: %s (%s:%d)\n", #cond, __FILE__,   \
			       __LINE__);                                     \
		fflush(stdout);                                               \
	} while (0)

#define TAP_SKIP_ALL(...)                                                     \
	do {                                                                  \
		printf("1..0 # SKIP ");                                       \
		printf(__VA_ARGS__);                                          \
		printf("\n");                                                 \
		return 0;                                                     \
	} while (0)

#define TAP_DONE()                                                            \
	do {                                                                  \
		printf("1..%d\n", tap_count);                                 \
		return tap_failed ? 1 : 0;                                    \
	} while (0)

#endif
