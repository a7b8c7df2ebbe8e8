/* SPDX-License-Identifier: Apache-2.0 */
/* Runs kettle-vmm (or a program natively) as a child process with given
 * stdin, and hands back its exit status, stdout, stderr and parsed JSON. */
#ifndef KETTLE_TESTS_VMM_HARNESS_H
#define KETTLE_TESTS_VMM_HARNESS_H

#include <jansson.h>
#include <stddef.h>

struct run_out {
	int status;        /* exit code, or 128 + signal */
	char *out, *err;   /* NUL-terminated; may contain other NULs */
	size_t out_len, err_len;
	json_t *json;      /* stdout parsed as JSON, or NULL */
};

/* argv is NULL-terminated; envp NULL means inherit. */
int run_cmd(char *const argv[], char *const envp[], const void *in, size_t in_len, struct run_out *r);
void run_free(struct run_out *r);

/* Path of a test guest program ("hello", "musl") under $KETTLE_PROGS. */
const char *prog(const char *name, const char *libc);
const char *vmm_path(void);
int have_kvm(void);

/* Convenience: kettle-vmm run --json [opts...] -- prog args... */
int vmm_json(const char *const opts[], const char *program, const char *const args[], const char *in,
	     struct run_out *r);

/* Reads a whole file; NULL if missing. */
char *slurp(const char *path, size_t *len);
/* base64-decodes r->json[stream].base64 into a new string. */
char *stream_text(const json_t *json, const char *stream, size_t *len);
const char *jstr(const json_t *j, const char *key);

#endif
