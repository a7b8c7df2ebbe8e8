/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the evidence tests: a real kettle-psp, real kettle-vmm runs
 * with --evidence, and helpers to take bundles apart and put them back. */
#ifndef KETTLE_TESTS_EVIDENCE_FIXTURE_H
#define KETTLE_TESTS_EVIDENCE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "attest/evidence/evidence.h"
#include "tests/vmm/vmm_harness.h"

struct psp {
	char dir[512], sock[512];
	pid_t pid;
};

/* kettle-psp init DIR [--ec], then serve on DIR.sock until psp_stop. */
int psp_start(const char *psp_bin, const char *dir, int ec, struct psp *p);
void psp_stop(struct psp *p);

/* kettle-vmm run --json --clear-env --evidence OUT --nonce NONCE --psp SOCK
 * [opts] -- program args, with `in` on stdin. 0 when it exited 0 and wrote
 * the bundle. */
int run_evidence(const struct psp *p, const char *nonce_hex, const char *out, const char *const opts[],
		 const char *program, const char *const args[], const char *in, struct run_out *r);

/* The musl 'files' program with DIR/in.txt (holding input_text) as input
 * "data" and DIR/out as output directory, `in` on stdin; the bundle is
 * written to DIR/BUNDLE. 0 as run_evidence. */
int run_files_evidence(const struct psp *p, const char *nonce_hex, const char *dir,
		       const char *input_text, const char *bundle, const char *in,
		       struct run_out *r);

json_t *load_json(const char *path);

/* Decoded base64 string field of obj (malloc'd) / replace it. */
uint8_t *get_b64(const json_t *obj, const char *key, size_t *len);
int set_b64(json_t *obj, const char *key, const uint8_t *p, size_t len);
/* Same for hex fields. */
uint8_t *get_hex(const json_t *obj, const char *key, size_t *len);
int set_hex(json_t *obj, const char *key, const uint8_t *p, size_t len);

void sha256_hex(const void *p, size_t n, char out[65]);
/* SHA-256 of a file's contents, hex; -1 if unreadable. */
int file_sha256(const char *path, char out[65], size_t *size);

/* evidence_verify with the claims thrown away; err gets the line. */
enum evidence_result verify_only(const json_t *b, const struct evidence_policy *p, char *err, size_t len);

#endif
