#include "tests/vmm/vmm_harness.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = malloc(cap + 1);
	size_t got;
	while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *nb = realloc(b, 2 * cap + 1);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (b)
		b[n] = 0;
	if (len)
		*len = n;
	return b;
}

static int temp_fd(char *path)
{
	strcpy(path, "/tmp/kettle-test-XXXXXX");
	int fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static char *read_fd(int fd, size_t *len)
{
	off_t n = lseek(fd, 0, SEEK_END);
	char *b = malloc((size_t)n + 1);
	if (!b || pread(fd, b, (size_t)n, 0) != n) {
		free(b);
		*len = 0;
		return strdup("");
	}
	b[n] = 0;
	*len = (size_t)n;
	return b;
}

int run_cmd(char *const argv[], char *const envp[], const void *in, size_t in_len, struct run_out *r)
{
	char p[64];
	int fin = temp_fd(p), fout = temp_fd(p), ferr = temp_fd(p), st;
	pid_t pid;
	memset(r, 0, sizeof *r);
	if (fin < 0 || fout < 0 || ferr < 0)
		return -1;
	if (in_len && write(fin, in, in_len) != (ssize_t)in_len)
		return -1;
	lseek(fin, 0, SEEK_SET);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fin, 0);
	posix_spawn_file_actions_adddup2(&fa, fout, 1);
	posix_spawn_file_actions_adddup2(&fa, ferr, 2);
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, envp ? envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == 0 && waitpid(pid, &st, 0) == pid)
		r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	else
		r->status = -1;
	r->out = read_fd(fout, &r->out_len);
	r->err = read_fd(ferr, &r->err_len);
	close(fin);
	close(fout);
	close(ferr);
	r->json = json_loadb(r->out, r->out_len, 0, NULL);
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
	return access("/dev/kvm", R_OK | W_OK) == 0;
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
	const char *s = json_string_value(json_object_get(j, key));
	return s ? s : "";
}

char *stream_text(const json_t *json, const char *stream, size_t *len)
{
	const char *b64 = json_string_value(json_object_get(json_object_get(json, stream), "base64"));
	size_t n = b64 ? strlen(b64) : 0;
	unsigned char *out = malloc(n + 1);
	if (!out)
		return NULL;
	int got = n ? EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n) : 0;
	if (got < 0)
		got = 0;
	/* EVP_DecodeBlock counts padding bytes as data. */
	while (n && b64[--n] == '=' && got > 0)
		got--;
	out[got] = 0;
	if (len)
		*len = (size_t)got;
	return (char *)out;
}
