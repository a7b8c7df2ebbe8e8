/* SPDX-License-Identifier: Apache-2.0 */
/* Why a test's prerequisite is missing on this machine, as one line that
 * says what to do, or NULL when it is there. A test hands the reason to
 * TAP_SKIP_ALL or TAP_SKIP (tests/tap.h): a counted skip, and under CI=true
 * a failure. A prerequisite meson finds at configure time (musl-gcc,
 * tpm2_checkquote) is checked by meson instead: the test is registered with
 * tests/harness/skip.c standing in (tests/meson.build). */
#ifndef KETTLE_TESTS_HARNESS_PREREQ_H
#define KETTLE_TESTS_HARNESS_PREREQ_H

/* /dev/kvm cannot be opened read-write by this user. */
const char *harness_kvm_missing(void);
/* path is NULL, "-" (what our meson files pass for "not found") or not
 * executable: "TOOL is not installed (apt-get install PACKAGE)". */
const char *harness_tool_missing(const char *path, const char *tool,
				 const char *package);

#endif
