/* `kettle attest measure [--mem 64M] [--env K=V]... [--clear-env]
 * [--xcr0 HEX] -- PROGRAM [ARGS...]`: the launch measurement kettle-vmm
 * would produce, as a reference-values file for `kettle attest verify
 * --reference`. The computation is kettle-vmm's own vmm_measure(). */
#include "cli.h"
#include "encode.h"
#include "layout.h"
#include "vmm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENV 1024

extern char **environ;

static const char usage[] =
	"usage: kettle attest measure [--mem 64M] [--env K=V]... [--clear-env] [--xcr0 HEX] -- PROGRAM [ARGS...]\n";

/* "64M", "1G", "512K", "67108864": the sizes kettle-vmm's --mem takes. */
static int parse_mem(const char *s, uint64_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;
	if (*end == 'k' || *end == 'K')
		shift = 10, end++;
	else if (*end == 'm' || *end == 'M')
		shift = 20, end++;
	else if (*end == 'g' || *end == 'G')
		shift = 30, end++;
	if (shift && (*end == 'i' || *end == 'I'))
		end++;
	if (shift && (*end == 'b' || *end == 'B'))
		end++;
	if (errno || *end || v > (UINT64_MAX >> shift))
		return -EINVAL;
	v <<= shift;
	if (v < GUEST_MEM_MIN || v > GUEST_MEM_MAX)
		return -EINVAL;
	*out = (v + GUEST_HUGE - 1) & ~(GUEST_HUGE - 1);
	return 0;
}

static int bad(const char *what)
{
	fprintf(stderr, "kettle: %s; %s", what, usage);
	return CLI_EXIT_USAGE;
}

int cli_attest_measure(int argc, char **argv)
{
	struct vmm_options o = {.mem = 64ull << 20, .timeout_ms = 10000, .max_output = 16ull << 20};
	static char *env[MAX_ENV + 1];
	char *extra[MAX_ENV];
	size_t n_extra = 0, n_env = 0;
	int clear = 0, i;
	uint64_t xcr0 = vmm_host_xcr0();

	for (i = 0; i < argc && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--clear-env")) {
			clear = 1;
			continue;
		}
		if (!v || !strcmp(v, "--"))
			return bad("an option is missing its value");
		i++;
		if (!strcmp(a, "--mem")) {
			if (parse_mem(v, &o.mem))
				return bad("--mem must be a size from 8M to the largest guest");
		} else if (!strcmp(a, "--env")) {
			if (!strchr(v, '=') || n_extra == MAX_ENV)
				return bad("--env wants K=V");
			extra[n_extra++] = argv[i];
		} else if (!strcmp(a, "--xcr0")) {
			char *end;
			errno = 0;
			xcr0 = strtoull(v, &end, 16);
			if (errno || *end || end == v)
				return bad("--xcr0 must be a hex number");
		} else {
			return bad("unknown option");
		}
	}
	if (i + 1 >= argc)
		return bad("no program given after --");
	o.argv = argv + i + 1;
	/* Like kettle-vmm: the guest gets this environment unless cleared. */
	for (size_t k = 0; !clear && environ[k] && n_env < MAX_ENV; k++)
		env[n_env++] = environ[k];
	for (size_t k = 0; k < n_extra && n_env < MAX_ENV; k++)
		env[n_env++] = extra[k];
	env[n_env] = NULL;
	o.envp = env;

	uint8_t digest[48], program[32];
	char err[600], hex[97], phex[65];
	if (vmm_measure(&o, xcr0, digest, program, err, sizeof err)) {
		fprintf(stderr, "kettle: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	vmm_hex(digest, sizeof digest, hex);
	vmm_hex(program, sizeof program, phex);
	printf("{\"measurements\": [\"%s\"], \"program_sha256\": \"%s\", \"mem\": %llu, \"xcr0\": %llu}\n", hex,
	       phex, (unsigned long long)o.mem, (unsigned long long)xcr0);
	return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
