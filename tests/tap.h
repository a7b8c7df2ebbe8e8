/* SPDX-License-Identifier: Apache-2.0 */
/* A tiny TAP producer for Kettle's tests.
 *
 * Each CHECK prints one "ok N - what" or "not ok N - what" line; TAP_DONE
 * prints the plan and returns the exit status. meson runs the binaries with
 * protocol 'tap' and scripts/test counts the lines, so a report says how many
 * behaviours passed, not how many binaries.
 *
 * A missing prerequisite (no /dev/kvm, a tool not installed) is never silent:
 * TAP_SKIP_ALL ends the test as "1..0 # SKIP why" and TAP_SKIP counts one
 * check as "ok N # SKIP why". Under CI=true both are failures instead, because
 * CI must prove every check (tests/harness/prereq.h says why a prerequisite is
 * missing; tests/harness/skip.c stands in for a test meson cannot build).
 *
 * TAP_PLAN(n) announces n checks before the first one, for a test that can
 * stop early: meson then fails it when fewer than n results arrive, and
 * TAP_DONE fails it too. */
#ifndef KETTLE_TESTS_TAP_H
#define KETTLE_TESTS_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* unused: a test may end in TAP_SKIP_ALL before any check. */
static int tap_count __attribute__((unused));
static int tap_failed __attribute__((unused));
static int tap_planned __attribute__((unused)) = -1;

/* CI=true (what CI services set) turns every skip into a failure. */
static inline int tap_ci_strict(void)
{
	const char *ci = getenv("CI");

	return ci && strcmp(ci, "true") == 0;
}

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

/* One check that cannot run here: a counted skip, or under CI a failure. */
#define TAP_SKIP(...)                                                         \
	do {                                                                  \
		tap_count++;                                                  \
		if (tap_ci_strict()) {                                        \
			tap_failed++;                                         \
			printf("not ok %d - CI=true needs every prerequisite: ", \
			       tap_count);                                    \
		} else {                                                      \
			printf("ok %d # SKIP ", tap_count);                   \
		}                                                             \
		printf(__VA_ARGS__);                                          \
		printf("\n");                                                 \
		fflush(stdout);                                               \
	} while (0)

/* One check that does not apply to this build at all (what a sanitizer
 * runtime forces the jail to allow, say): a counted skip, under CI too.
 * Never for a missing prerequisite: that is TAP_SKIP. */
#define TAP_SKIP_BUILD(...)                                                   \
	do {                                                                  \
		tap_count++;                                                  \
		printf("ok %d # SKIP ", tap_count);                           \
		printf(__VA_ARGS__);                                          \
		printf("\n");                                                 \
		fflush(stdout);                                               \
	} while (0)

/* Ends main: the whole test cannot run here. Call it before the first
 * CHECK (a plan of 0 after results would contradict them). */
#define TAP_SKIP_ALL(...)                                                     \
	do {                                                                  \
		if (tap_ci_strict()) {                                        \
			printf("not ok 1 - CI=true needs every prerequisite: "); \
			printf(__VA_ARGS__);                                  \
			printf("\n1..1\n");                                   \
			return 1;                                             \
		}                                                             \
		printf("1..0 # SKIP ");                                       \
		printf(__VA_ARGS__);                                          \
		printf("\n");                                                 \
		return 0;                                                     \
	} while (0)

#define TAP_PLAN(n)                                                           \
	do {                                                                  \
		tap_planned = (n);                                            \
		printf("1..%d\n", tap_planned);                               \
	} while (0)

#define TAP_DONE()                                                            \
	do {                                                                  \
		if (tap_planned < 0)                                          \
			printf("1..%d\n", tap_count);                         \
		else if (tap_count != tap_planned)                            \
			printf("# planned %d checks, ran %d\n", tap_planned, \
			       tap_count);                                    \
		return tap_failed || (tap_planned >= 0 &&                     \
				      tap_count != tap_planned) ? 1 : 0;      \
	} while (0)

#endif
