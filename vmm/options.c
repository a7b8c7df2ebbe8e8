/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/codec.h"
#include "vmm/layout.h"

extern char **environ;

static const char *who = "kettle-vmm", *usage = "";

static int bad(const char *fmt, const char *arg)
{
	/* One line: the problem, then the usage summary. */
	fprintf(stderr, "%s: ", who);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "; %s", usage);
	return -EINVAL;
}

/* "64M", "1G", "4096", "512K" (binary multiples) */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10, end++; break;
	case 'm': case 'M': shift = 20, end++; break;
	case 'g': case 'G': shift = 30, end++; break;
	}
	if (shift && (*end == 'i' || *end == 'I'))
		end++;
	if (shift && (*end == 'b' || *end == 'B'))
		end++;
	if (*end || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

/* "10s", "500ms", "2m", "1h", "10" (seconds) into milliseconds */
static int parse_duration(const char *s, uint64_t *ms)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	uint64_t unit = 1000;
	if (!strcmp(end, "ms"))
		unit = 1;
	else if (!strcmp(end, "m"))
		unit = 60000;
	else if (!strcmp(end, "h"))
		unit = 3600000;
	else if (*end && strcmp(end, "s"))
		return -EINVAL;
	if (v == 0 || v > 86400000ull / unit)
		return -EINVAL;
	*ms = v * unit;
	return 0;
}

static int valid_name(const char *n)
{
	size_t len = strlen(n);
	return len > 0 && len <= VMM_NAME_MAX && !strchr(n, '/') && strcmp(n, ".") && strcmp(n, "..");
}

static int add_input(struct vmm_options *o, char *arg)
{
	char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1])
		return bad("--input wants NAME=PATH, got '%s'", arg);
	*eq = 0;
	if (!valid_name(arg))
		return bad("input name '%s' must be 1-255 bytes without '/' and not '.' or '..'", arg);
	for (size_t i = 0; i < o->ninputs; i++)
		if (!strcmp(o->inputs[i].name, arg))
			return bad("input '%s' is given twice", arg);
	if (o->ninputs == VMM_MAX_INPUTS)
		return bad("at most %s inputs", "64");
	if (access(eq + 1, R_OK) < 0) {
		fprintf(stderr, "%s: input %s: cannot read %s: %s\n", who, arg, eq + 1, strerror(errno));
		return -ENOENT;
	}
	o->inputs[o->ninputs++] = (struct vmm_input){ .name = arg, .path = eq + 1 };
	return 0;
}

static int prepare_output_dir(const char *dir)
{
	struct stat st;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "%s: cannot create output directory %s: %s\n", who, dir, strerror(errno));
		return -errno;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: output directory %s is not a directory\n", who, dir);
		return -ENOTDIR;
	}
	return 0;
}

static int names_this_binary(const char *path)
{
	char a[4096], b[4096];
	return realpath(path, a) && realpath("/proc/self/exe", b) && !strcmp(a, b);
}

static int parse(int argc, char **argv, struct vmm_command *cmd)
{
	struct vmm_options *o = &cmd->o;
	size_t nenv = 0;
	char *end;
	enum { OPT_MEM = 256, OPT_TIMEOUT, OPT_MAX_OUTPUT, OPT_INPUT, OPT_OUTPUT_DIR, OPT_ENV, OPT_CLEAR_ENV,
	       OPT_JSON, OPT_VERBOSE, OPT_EVIDENCE, OPT_NONCE, OPT_PSP, OPT_XCR0 };
	static const struct option opts[] = {
		{ "mem", required_argument, 0, OPT_MEM },
		{ "timeout", required_argument, 0, OPT_TIMEOUT },
		{ "max-output", required_argument, 0, OPT_MAX_OUTPUT },
		{ "input", required_argument, 0, OPT_INPUT },
		{ "output-dir", required_argument, 0, OPT_OUTPUT_DIR },
		{ "env", required_argument, 0, OPT_ENV },
		{ "clear-env", no_argument, 0, OPT_CLEAR_ENV },
		{ "json", no_argument, 0, OPT_JSON },
		{ "verbose", no_argument, 0, OPT_VERBOSE },
		{ "evidence", required_argument, 0, OPT_EVIDENCE },
		{ "nonce", required_argument, 0, OPT_NONCE },
		{ "psp", required_argument, 0, OPT_PSP },
		{ "xcr0", required_argument, 0, OPT_XCR0 },
		{ 0, 0, 0, 0 },
	};
	int clear = 0, c, rc;
	size_t extra = 0;
	char *extra_env[VMM_MAX_ENV];

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case OPT_MEM:
			if (parse_size(optarg, &o->mem) || o->mem < GUEST_MEM_MIN || o->mem > GUEST_MEM_MAX)
				return bad("--mem '%s' must be a size from 8M to 4G", optarg);
			o->mem = (o->mem + GUEST_HUGE - 1) & ~(GUEST_HUGE - 1);
			break;
		case OPT_TIMEOUT:
			if (parse_duration(optarg, &o->timeout_ms))
				return bad("--timeout '%s' must be like 500ms, 10s or 2m (at most 24h)", optarg);
			break;
		case OPT_MAX_OUTPUT:
			if (parse_size(optarg, &o->max_output) || o->max_output > (4ull << 30))
				return bad("--max-output '%s' must be a size up to 4G", optarg);
			break;
		case OPT_INPUT:
			if ((rc = add_input(o, optarg)))
				return rc;
			break;
		case OPT_OUTPUT_DIR:
			o->output_dir = optarg;
			break;
		case OPT_ENV:
			if (!strchr(optarg, '=') || extra == VMM_MAX_ENV)
				return bad("--env wants K=V, got '%s'", optarg);
			extra_env[extra++] = optarg;
			break;
		case OPT_CLEAR_ENV:
			clear = 1;
			break;
		case OPT_JSON:
			o->capture = 1;
			break;
		case OPT_VERBOSE:
			o->verbose = 1;
			break;
		case OPT_EVIDENCE:
			o->evidence_path = optarg;
			break;
		case OPT_NONCE:
			o->nonce_len = strlen(optarg) / 2;
			if (!o->nonce_len || o->nonce_len > sizeof o->nonce || strlen(optarg) % 2 ||
			    hex_decode(optarg, o->nonce, o->nonce_len))
				return bad("--nonce '%s' must be 1 to 64 bytes in hex", optarg);
			break;
		case OPT_PSP:
			o->psp_socket = optarg;
			break;
		case OPT_XCR0:
			errno = 0;
			cmd->xcr0 = strtoull(optarg, &end, 16);
			if (errno || *end || end == optarg)
				return bad("--xcr0 '%s' must be a hex number", optarg);
			break;
		default:
			return bad("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return bad("no program given%s", "");
	if (o->output_dir && !cmd->measuring && (rc = prepare_output_dir(o->output_dir)))
		return rc;
	if (o->evidence_path && !o->nonce_len) {
		/* Without a verifier's nonce the evidence still proves what ran;
		 * a random one keeps quotes from two runs apart. */
		if (getrandom(o->nonce, 32, 0) != 32)
			return bad("cannot draw a random nonce%s", "");
		o->nonce_len = 32;
	}
	if (!o->psp_socket)
		o->psp_socket = getenv("KETTLE_PSP_SOCKET") ? getenv("KETTLE_PSP_SOCKET") : "/run/kettle/psp.sock";
	o->argv = argv + optind;
	/* The guest sees kettle-vmm's environment unless told otherwise,
	 * like any program started from a shell. */
	nenv = 0;
	for (size_t i = 0; !clear && environ[i] && nenv < VMM_MAX_ENV; i++) {
		/* bash sets "_" to the command it runs, here kettle-vmm; had it
		 * run the program itself, "_" would name the program. Other
		 * shells leave an inherited "_" alone, and so do we. */
		if (!strncmp(environ[i], "_=", 2) && names_this_binary(environ[i] + 2)) {
			snprintf(cmd->underscore, sizeof cmd->underscore, "_=%s", argv[optind]);
			cmd->env[nenv++] = cmd->underscore;
			continue;
		}
		cmd->env[nenv++] = environ[i];
	}
	for (size_t i = 0; i < extra && nenv < VMM_MAX_ENV; i++)
		cmd->env[nenv++] = extra_env[i];
	cmd->env[nenv] = NULL;
	o->envp = cmd->env;
	return 0;
}

int vmm_command_parse(int argc, char **argv, int measuring, const char *name, const char *usage_text,
		      struct vmm_command *c)
{
	memset(c, 0, sizeof *c);
	c->o = (struct vmm_options){ .mem = 64ull << 20, .timeout_ms = 10000, .max_output = 16ull << 20 };
	c->measuring = measuring;
	c->xcr0 = UINT64_MAX;
	who = name;
	usage = usage_text;
	int rc = parse(argc, argv, c);
	if (!rc && c->xcr0 == UINT64_MAX)
		c->xcr0 = vmm_host_xcr0();
	return rc;
}

int vmm_measure_print(const struct vmm_command *c, const char *name)
{
	uint8_t digest[48], program[32];
	char err[600], hex[97], phex[65];
	if (vmm_measure(&c->o, c->xcr0, digest, program, err, sizeof err)) {
		fprintf(stderr, "%s: %s\n", name, err);
		return -EINVAL;
	}
	hex_encode(digest, sizeof digest, hex);
	hex_encode(program, sizeof program, phex);
	printf("{\"measurements\": [\"%s\"], \"program_sha256\": \"%s\", \"mem\": %llu, \"xcr0\": %llu}\n", hex,
	       phex, (unsigned long long)c->o.mem, (unsigned long long)c->xcr0);
	return fflush(stdout) == 0 ? 0 : -EIO;
}
