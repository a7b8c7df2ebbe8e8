/* SPDX-License-Identifier: Apache-2.0 */
/* See native.h. Test-only code: it runs in a forked child that ends with
 * _exit, so it favours being short over unwinding every resource. */
#include "tests/guest/sys/native.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "guest/sys/sys.h"
#include "guest/sys/libc_memory.h"

#define PAGE 4096ull
#define HEAP_LO 0x10000000ull
#define HEAP_HI 0x30000000ull
#define STACK_LO HEAP_HI
#define STACK_HI (STACK_LO + (8ull << 20))
#define MAX_OUTPUT (1ull << 20)
#define ALT_STACK (256u << 10)

struct report_head {
	int32_t stop, exit_code, oom;
	uint64_t syscalls, out_len, err_len, outputs_len, unsupported_len;
};

/* Child state, reached from the signal handler. */
static struct {
	struct sys_task *task;
	uint64_t host_fs, guest_fs;
	int use_fsgsbase;
	int report_fd;
	char *stream[3];
	size_t stream_len[3];
	const char *in;
	size_t in_len, in_pos;
} child;

static uint64_t read_fs(void)
{
	uint64_t v = 0;

	if (child.use_fsgsbase)
		__asm__ volatile("rdfsbase %0" : "=r"(v));
	else
		syscall(SYS_arch_prctl, 0x1003, &v);
	return v;
}

static void write_fs(uint64_t v)
{
	if (child.use_fsgsbase)
		__asm__ volatile("wrfsbase %0" ::"r"(v));
	else
		syscall(SYS_arch_prctl, 0x1002, v);
}

static int64_t op_read_stdin(void *ctx, void *buf, size_t len)
{
	size_t n = child.in_len - child.in_pos;

	(void)ctx;
	if (n > len)
		n = len;
	memcpy(buf, child.in + child.in_pos, n);
	child.in_pos += n;
	return (int64_t)n;
}

static int op_write_stream(void *ctx, int fd, const void *buf, size_t len)
{
	char *p = realloc(child.stream[fd], child.stream_len[fd] + len + 1);

	(void)ctx;
	if (!p)
		return -ENOMEM;
	memcpy(p + child.stream_len[fd], buf, len);
	child.stream[fd] = p;
	child.stream_len[fd] += len;
	return 0;
}

static int64_t op_clock(void *ctx, int id)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(id ? CLOCK_MONOTONIC : CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void op_sleep(void *ctx, int64_t ns)
{
	struct timespec ts = { ns / 1000000000, ns % 1000000000 };

	(void)ctx;
	nanosleep(&ts, NULL);
}

static int op_random(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -EIO;
}

static int op_set_fs(void *ctx, uint64_t base)
{
	(void)ctx;
	child.guest_fs = base;
	return 0;
}

static void op_discard(void *ctx, uint64_t gva, uint64_t len)
{
	(void)ctx;
	madvise((void *)(uintptr_t)gva, len, MADV_DONTNEED);
}

static void op_log(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "# guest: %s\n", line);
}

static const struct sys_ops native_ops = {
	.read_stdin = op_read_stdin,
	.write_stream = op_write_stream,
	.clock_ns = op_clock,
	.sleep_ns = op_sleep,
	.random = op_random,
	.set_fs_base = op_set_fs,
	.discard = op_discard,
	.log = op_log,
	.alloc = sys_libc_alloc,
	.resize = sys_libc_resize,
	.release = sys_libc_release,
};

static void send(const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		ssize_t n = write(child.report_fd, c, len);

		if (n <= 0)
			_exit(90);
		c += n;
		len -= (size_t)n;
	}
}

static void report_and_exit(void)
{
	struct report_head h = { 0 };
	const uint64_t *nrs;
	size_t n = sys_task_unsupported(child.task, &nrs);
	char unsup[256] = "", *outputs = NULL;
	size_t outputs_len = 0;
	const char *name;
	const uint8_t *data;
	size_t len;

	for (size_t i = 0; i < n; i++) {
		const char *nm = sys_name(nrs[i]);
		size_t used = strlen(unsup);

		snprintf(unsup + used, sizeof unsup - used, "%s%s", used ? " " : "", nm ? nm : "?");
	}
	for (size_t i = 0; sys_task_output(child.task, i, &name, &data, &len) == 0; i++) {
		size_t add = strlen(name) + len + 2;
		char *p = realloc(outputs, outputs_len + add + 1);

		if (!p)
			_exit(91);
		outputs = p;
		outputs_len += (size_t)sprintf(outputs + outputs_len, "%s=", name);
		memcpy(outputs + outputs_len, data, len);
		outputs_len += len;
		outputs[outputs_len++] = '\n';
	}
	h.stop = sys_task_stop_reason(child.task);
	h.exit_code = sys_task_exit_code(child.task);
	h.oom = sys_task_ran_out_of_memory(child.task);
	h.syscalls = sys_task_syscall_count(child.task);
	h.out_len = child.stream_len[1];
	h.err_len = child.stream_len[2];
	h.outputs_len = outputs_len;
	h.unsupported_len = strlen(unsup);
	send(&h, sizeof h);
	send(child.stream[1] ? child.stream[1] : "", h.out_len);
	send(child.stream[2] ? child.stream[2] : "", h.err_len);
	send(outputs ? outputs : "", outputs_len);
	send(unsup, h.unsupported_len);
	_exit(0);
}

static void serve(ucontext_t *uc, int nr)
{
	greg_t *g = uc->uc_mcontext.gregs;
	const uint64_t args[6] = { (uint64_t)g[REG_RDI], (uint64_t)g[REG_RSI], (uint64_t)g[REG_RDX],
				   (uint64_t)g[REG_R10], (uint64_t)g[REG_R8],  (uint64_t)g[REG_R9] };

	g[REG_RAX] = (greg_t)sys_dispatch(child.task, (uint64_t)(unsigned)nr, args);
	if (sys_task_stop_reason(child.task) != SYS_RUNNING)
		report_and_exit();
}

/* Runs with the guest's FS base: swap in the harness's before any C code
 * that may touch thread-local storage, and back before returning. */
__attribute__((no_sanitize("address", "undefined"))) static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	child.guest_fs = read_fs();
	write_fs(child.host_fs);
	serve(uc, si->si_syscall);
	write_fs(child.guest_fs);
}

static int map_fixed(uint64_t lo, uint64_t hi)
{
	void *p = mmap((void *)(uintptr_t)lo, hi - lo, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);

	return p == (void *)(uintptr_t)lo ? 0 : -1;
}

/* Loads the PT_LOAD segments at their addresses (one mapping over their
 * whole span, so segments sharing a page are fine); returns the entry
 * point, the image range and where the program headers are. */
static int load_elf(const char *path, uint64_t *entry, uint64_t *lo, uint64_t *hi, uint64_t *phdr, uint64_t *phnum)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	uint8_t *file;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	file = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (file == MAP_FAILED || (size_t)st.st_size < sizeof *eh)
		return -1;
	eh = (Elf64_Ehdr *)file;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_machine != EM_X86_64 || eh->e_type != ET_EXEC ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > (uint64_t)st.st_size)
		return -1;
	ph = (Elf64_Phdr *)(file + eh->e_phoff);
	*lo = UINT64_MAX;
	*hi = 0;
	*phdr = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_PHDR)
			*phdr = ph[i].p_vaddr;
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_offset + ph[i].p_filesz > (uint64_t)st.st_size || ph[i].p_filesz > ph[i].p_memsz)
			return -1;
		if ((ph[i].p_vaddr & ~(PAGE - 1)) < *lo)
			*lo = ph[i].p_vaddr & ~(PAGE - 1);
		if (((ph[i].p_vaddr + ph[i].p_memsz + PAGE - 1) & ~(PAGE - 1)) > *hi)
			*hi = (ph[i].p_vaddr + ph[i].p_memsz + PAGE - 1) & ~(PAGE - 1);
		if (ph[i].p_offset == 0 && !*phdr)
			*phdr = ph[i].p_vaddr + eh->e_phoff;
	}
	if (*hi == 0 || *hi > HEAP_LO || map_fixed(*lo, *hi) < 0)
		return -1;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD)
			memcpy((void *)(uintptr_t)ph[i].p_vaddr, file + ph[i].p_offset, ph[i].p_filesz);
	*entry = eh->e_entry;
	*phnum = eh->e_phnum;
	return 0;
}

static uint64_t push_bytes(uint64_t *sp, const void *data, size_t len)
{
	*sp -= len;
	memcpy((void *)(uintptr_t)*sp, data, len);
	return *sp;
}

/* The initial stack: argc, argv, envp, auxv, as the kernel builds it. */
static uint64_t build_stack(const char *const *argv, const char *const *envp, uint64_t entry, uint64_t phdr,
			    uint64_t phnum)
{
	uint64_t sp = STACK_HI, strs[64], vec[160];
	size_t argc = 0, envc = 0, n = 0;
	uint8_t rnd[16];

	while (argv[argc])
		argc++;
	while (envp[envc])
		envc++;
	for (size_t i = 0; i < argc + envc; i++) {
		const char *s = i < argc ? argv[i] : envp[i - argc];

		strs[i] = push_bytes(&sp, s, strlen(s) + 1);
	}
	getrandom(rnd, sizeof rnd, 0);
	uint64_t random_at = push_bytes(&sp, rnd, sizeof rnd);
	vec[n++] = argc;
	for (size_t i = 0; i < argc; i++)
		vec[n++] = strs[i];
	vec[n++] = 0;
	for (size_t i = 0; i < envc; i++)
		vec[n++] = strs[argc + i];
	vec[n++] = 0;
	const uint64_t aux[][2] = { { AT_PHDR, phdr },	 { AT_PHENT, sizeof(Elf64_Phdr) }, { AT_PHNUM, phnum },
				    { AT_PAGESZ, PAGE }, { AT_ENTRY, entry },		   { AT_RANDOM, random_at },
				    { AT_UID, 1000 },	 { AT_EUID, 1000 },		   { AT_GID, 1000 },
				    { AT_EGID, 1000 },	 { AT_SECURE, 0 },		   { AT_CLKTCK, 100 },
				    { AT_NULL, 0 } };
	for (size_t i = 0; i < sizeof aux / sizeof aux[0]; i++) {
		vec[n++] = aux[i][0];
		vec[n++] = aux[i][1];
	}
	sp = (sp - n * 8) & ~15ull;
	memcpy((void *)(uintptr_t)sp, vec, n * 8);
	return sp;
}

/* Every syscall whose instruction lies in [lo, hi) raises SIGSYS; the
 * harness's own calls (from its libc) go to the kernel. */
static int trap_guest_syscalls(uint64_t lo, uint64_t hi)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 6),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)lo, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)hi, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof f / sizeof f[0], .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static void run_child(const char *elf, const char *const *argv, const char *const *envp,
		      const struct native_input *inputs, size_t n_inputs, const char *stdin_data)
{
	uint64_t entry, lo, hi, phdr, phnum, sp;
	struct sys_config cfg = { 0 };
	struct sigaction sa = { 0 };
	stack_t ss = { 0 };

	alarm(30);
	if (load_elf(elf, &entry, &lo, &hi, &phdr, &phnum) < 0 || map_fixed(HEAP_LO, STACK_HI) < 0)
		_exit(80);
	cfg.mem = (struct sys_memory){ .base = NULL, .size = STACK_HI, .user_lo = lo, .user_hi = STACK_HI };
	cfg.heap_lo = HEAP_LO;
	cfg.heap_hi = HEAP_HI;
	cfg.brk_start = HEAP_LO;
	cfg.max_output = MAX_OUTPUT;
	cfg.max_output_files = 8;
	cfg.max_open_files = 32;
	child.task = sys_task_new(&cfg, &native_ops, NULL);
	if (!child.task)
		_exit(81);
	for (size_t i = 0; i < n_inputs; i++)
		if (sys_task_add_file(child.task, inputs[i].path, inputs[i].data, strlen(inputs[i].data)) < 0)
			_exit(82);
	child.in = stdin_data ? stdin_data : "";
	child.in_len = strlen(child.in);
	sp = build_stack(argv, envp, entry, phdr, phnum);
	child.use_fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0;
	child.host_fs = read_fs();
	ss.ss_sp = malloc(ALT_STACK);
	ss.ss_size = ALT_STACK;
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	if (!ss.ss_sp || sigaltstack(&ss, NULL) < 0 || sigaction(SIGSYS, &sa, NULL) < 0)
		_exit(83);
	if (trap_guest_syscalls(lo, hi) < 0)
		_exit(84);
	__asm__ volatile("mov %0, %%rsp\n\txor %%edx, %%edx\n\tjmp *%1" ::"r"(sp), "r"(entry) : "memory");
	__builtin_unreachable();
}

static char *take(const char **p, const char *end, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		abort();
	if ((size_t)(end - *p) < len)
		len = 0;
	memcpy(s, *p, len);
	s[len] = 0;
	*p += len;
	return s;
}

int native_run(const char *elf, const char *const *argv, const char *const *envp,
	       const struct native_input *inputs, size_t n_inputs, const char *stdin_data,
	       struct native_result *r)
{
	int fds[2];
	char *buf = NULL;
	size_t len = 0, cap = 0;
	pid_t pid;

	memset(r, 0, sizeof *r);
	if (pipe(fds) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(fds[0]);
		child.report_fd = fds[1];
		run_child(elf, argv, envp, inputs, n_inputs, stdin_data);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n;

		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = read(fds[0], buf + len, cap - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	waitpid(pid, &r->status, 0);
	if (len >= sizeof(struct report_head)) {
		struct report_head h;
		const char *p = buf + sizeof h, *end = buf + len;

		memcpy(&h, buf, sizeof h);
		r->reported = 1;
		r->stop = h.stop;
		r->exit_code = h.exit_code;
		r->oom = h.oom;
		r->syscalls = h.syscalls;
		r->out = take(&p, end, h.out_len);
		r->out_len = h.out_len;
		r->err = take(&p, end, h.err_len);
		r->err_len = h.err_len;
		r->outputs = take(&p, end, h.outputs_len);
		{
			char *u = take(&p, end, h.unsupported_len);

			snprintf(r->unsupported, sizeof r->unsupported, "%s", u);
			free(u);
		}
	}
	free(buf);
	return 0;
}

void native_result_free(struct native_result *r)
{
	free(r->out);
	free(r->err);
	free(r->outputs);
}
