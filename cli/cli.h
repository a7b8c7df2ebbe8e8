/* SPDX-License-Identifier: Apache-2.0 */
/* The `kettle` user CLI: one function per command group, each taking the
 * arguments after the group's name and returning the exit status
 * (0 ok, 1 a check or operation failed, 2 usage). */
#ifndef KETTLE_CLI_H
#define KETTLE_CLI_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/x509.h>

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

int cli_attest(int argc, char **argv);

int cli_attest_snp_verify(int argc, char **argv);
int cli_attest_verify_azure(int argc, char **argv);
int cli_attest_verify(int argc, char **argv);
int cli_attest_measure(int argc, char **argv);

/* A PEM or DER certificate; on failure one line "kettle: WHAT PATH: why"
 * on stderr. 0 or a negative errno. */
int cli_load_cert(const char *what, const char *path, X509 **out);

/* Prints j (NULL: out of memory) with json_dumpf flags and a newline on
 * stdout and drops the reference. CLI_EXIT_OK, or CLI_EXIT_FAIL with
 * "kettle: cannot print the WHAT" on stderr. */
int cli_print_json(json_t *j, size_t flags, const char *what);

/* Look up "--name VALUE" pairs; positional arguments are collected in
 * order. Returns 0 or -EINVAL for an unknown or valueless option. */
struct cli_opt {
	const char *name; /* "--vcek" */
	const char *value;
};
int cli_parse(int argc, char **argv, struct cli_opt *opts, size_t n_opts,
	      const char **pos, size_t max_pos, size_t *n_pos);

#endif
