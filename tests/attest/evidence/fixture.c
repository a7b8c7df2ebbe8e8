/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/attest/evidence/fixture.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

int psp_start(const char *psp_bin, const char *dir, int ec, struct psp *p)
{
	struct run_out r;
	memset(p, 0, sizeof *p);
	snprintf(p->dir, sizeof p->dir, "%s", dir);
	snprintf(p->sock, sizeof p->sock, "%s.sock", dir);
	const char *init[] = {psp_bin, "init", dir, ec ? "--ec" : NULL, NULL};
	if (run_cmd((char *const *)init, NULL, NULL, 0, &r) != 0 || r.status != 0) {
		run_free(&r);
		return -1;
	}
	run_free(&r);
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (p->pid == 0) {
		const char *argv[] = {psp_bin, "serve", dir, "--socket", p->sock, NULL};
		execv(psp_bin, (char **)argv);
		_exit(127);
	}
	for (int i = 0; i < 1000; i++) {
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		if (strlen(p->sock) >= sizeof a.sun_path)
			return -1;
		memcpy(a.sun_path, p->sock, strlen(p->sock) + 1);
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
		if (fd >= 0)
			close(fd);
		if (ok)
			return 0;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

void psp_stop(struct psp *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
	}
	p->pid = 0;
}

int run_evidence(const struct psp *p, const char *nonce_hex, const char *out, const char *const opts[],
		 const char *program, const char *const args[], const char *in, struct run_out *r)
{
	const char *argv[64];
	size_t n = 0;
	argv[n++] = vmm_path();
	argv[n++] = "run";
	argv[n++] = "--json";
	argv[n++] = "--clear-env";
	argv[n++] = "--evidence";
	argv[n++] = out;
	argv[n++] = "--nonce";
	argv[n++] = nonce_hex;
	argv[n++] = "--psp";
	argv[n++] = p->sock;
	for (size_t i = 0; opts && opts[i] && n < 40; i++)
		argv[n++] = opts[i];
	argv[n++] = "--";
	argv[n++] = program;
	for (size_t i = 0; args && args[i] && n < 62; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (run_cmd((char *const *)argv, NULL, in, in ? strlen(in) : 0, r) != 0 || r->status != 0)
		return -1;
	return access(out, R_OK);
}

int run_files_evidence(const struct psp *p, const char *nonce_hex, const char *dir,
		       const char *input_text, const char *bundle, const char *in,
		       struct run_out *r)
{
	char text[600], input[700], outdir[600], out[600];
	snprintf(text, sizeof text, "%s/in.txt", dir);
	snprintf(input, sizeof input, "data=%s", text);
	snprintf(outdir, sizeof outdir, "%s/out", dir);
	snprintf(out, sizeof out, "%s/%s", dir, bundle);
	FILE *f = fopen(text, "w");
	if (!f)
		return -1;
	int ok = fputs(input_text, f) >= 0;
	if (fclose(f) != 0 || !ok)
		return -1;
	const char *opts[] = {"--input", input, "--output-dir", outdir, NULL};
	const char *args[] = {"/input/data", "/output", NULL};
	return run_evidence(p, nonce_hex, out, opts, prog("files", "musl"), args, in, r);
}

json_t *load_json(const char *path)
{
	json_error_t e;
	return json_load_file(path, JSON_REJECT_DUPLICATES, &e);
}

uint8_t *get_b64(const json_t *obj, const char *key, size_t *len)
{
	const char *s = json_string_value(json_object_get(obj, key));
	size_t n = s ? strlen(s) : 0;
	if (!n || n % 4)
		return NULL;
	uint8_t *out = malloc(n / 4 * 3 + 1);
	if (!out || EVP_DecodeBlock(out, (const unsigned char *)s, (int)n) < 0) {
		free(out);
		return NULL;
	}
	*len = n / 4 * 3 - (s[n - 1] == '=') - (s[n - 2] == '=');
	return out;
}

int set_b64(json_t *obj, const char *key, const uint8_t *p, size_t len)
{
	char *s = malloc(len / 3 * 4 + 8);
	if (!s)
		return -1;
	EVP_EncodeBlock((unsigned char *)s, p, (int)len);
	int rc = json_object_set_new(obj, key, json_string(s));
	free(s);
	return rc;
}

uint8_t *get_hex(const json_t *obj, const char *key, size_t *len)
{
	const char *s = json_string_value(json_object_get(obj, key));
	size_t n = s ? strlen(s) / 2 : 0;
	uint8_t *out = s ? malloc(n + 1) : NULL;
	for (size_t i = 0; out && i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1) {
			free(out);
			return NULL;
		}
		out[i] = (uint8_t)v;
	}
	*len = n;
	return out;
}

int set_hex(json_t *obj, const char *key, const uint8_t *p, size_t len)
{
	char *s = malloc(2 * len + 1);
	if (!s)
		return -1;
	for (size_t i = 0; i < len; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * len] = 0;
	int rc = json_object_set_new(obj, key, json_string(s));
	free(s);
	return rc;
}

void sha256_hex(const void *p, size_t n, char out[65])
{
	uint8_t d[32];
	EVP_Digest(p, n, d, NULL, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int file_sha256(const char *path, char out[65], size_t *size)
{
	size_t n;
	char *b = slurp(path, &n);
	if (!b)
		return -1;
	sha256_hex(b, n, out);
	free(b);
	if (size)
		*size = n;
	return 0;
}

enum evidence_result verify_only(const json_t *b, const struct evidence_policy *p, char *err, size_t len)
{
	static struct evidence_claims c;
	enum evidence_result r = evidence_verify(b, p, &c, err, len);
	evidence_claims_clear(&c);
	return r;
}
