/* SPDX-License-Identifier: Apache-2.0 */
/* The vmm tests' own vocabulary on top of tests/harness/. */
#include "tests/vmm/vmm_harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/codec.h"
#include "tests/harness/file.h"
#include "tests/harness/json.h"
#include "tests/harness/prereq.h"
#include "tests/harness/proc.h"

char *slurp(const char *path, size_t *len)
{
	return harness_read_file(path, len);
}

int run_cmd(char *const argv[], char *const envp[], const void *in, size_t in_len, struct run_out *r)
{
	struct harness_cmd cmd = {.argv = argv, .envp = envp, .in = in, .in_len = in_len};
	struct harness_out o;
	int rc = harness_run(&cmd, &o);

	memset(r, 0, sizeof *r);
	r->status = o.status;
	r->out = o.out;
	r->out_len = o.out_len;
	r->err = o.err;
	r->err_len = o.err_len;
	r->json = r->out ? json_loadb(r->out, r->out_len, 0, NULL) : NULL;
	return rc ? -1 : 0;
}

void run_free(struct run_out *r)
{
	free(r->out);
	free(r->err);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}

const char *prog(const char *name, const char *libc)
{
	static char path[8][512];
	static int slot;
	const char *dir = getenv("KETTLE_PROGS");
	char *p = path[slot++ % 8];
	snprintf(p, 512, "%s/%s-%s", dir ? dir : ".", name, libc);
	return p;
}

const char *vmm_path(void)
{
	const char *p = getenv("KETTLE_VMM");
	return p ? p : "kettle-vmm";
}

int have_kvm(void)
{
	return harness_kvm_missing() == NULL;
}

int vmm_json(const char *const opts[], const char *program, const char *const args[], const char *in,
	     struct run_out *r)
{
	const char *argv[64];
	size_t n = 0;
	argv[n++] = vmm_path();
	argv[n++] = "run";
	argv[n++] = "--json";
	for (size_t i = 0; opts && opts[i] && n < 40; i++)
		argv[n++] = opts[i];
	argv[n++] = "--";
	argv[n++] = program;
	for (size_t i = 0; args && args[i] && n < 62; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return run_cmd((char *const *)argv, NULL, in, in ? strlen(in) : 0, r);
}

const char *jstr(const json_t *j, const char *key)
{
	return harness_json_str(j, key);
}

char *stream_text(const json_t *json, const char *stream, size_t *len)
{
	const char *b64 = json_string_value(json_object_get(json_object_get(json, stream), "base64"));
	uint8_t *out = NULL;
	size_t n = 0;

	if (!b64 || base64_decode_alloc(b64, strlen(b64), &out, &n) < 0 || !out) {
		free(out);
		out = calloc(1, 1);
		n = 0;
	}
	if (len)
		*len = n;
	return (char *)out;
}
