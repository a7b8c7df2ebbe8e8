/* SPDX-License-Identifier: Apache-2.0 */
/* The task object: set-up, the dispatch entry point, stop reasons and the
 * counters the VMM puts into the result. */

#include "guest/sys/sys_internal.h"

/* Cut at cap - 1 bytes, as snprintf("%s") would. */
static void copy_hostname(char *dst, size_t cap, const char *src)
{
	size_t n = sys_strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int config_is_valid(const struct sys_config *c)
{
	const struct sys_memory *m = &c->mem;

	/* base may be NULL: an identity-mapped shim addresses guest memory
	 * directly. */
	if (m->user_lo >= m->user_hi || m->user_hi > m->size)
		return 0;
	if (c->heap_lo % SYS_PAGE || c->heap_hi % SYS_PAGE || c->heap_lo > c->heap_hi)
		return 0;
	if (c->heap_lo < m->user_lo || c->heap_hi > m->user_hi)
		return 0;
	if (c->brk_start < c->heap_lo || c->brk_start > c->heap_hi)
		return 0;
	return 1;
}

static void mark_initial_break(struct sys_task *t)
{
	uint64_t end = (t->cfg.brk_start + SYS_PAGE - 1) / SYS_PAGE * SYS_PAGE;

	for (uint64_t g = t->cfg.heap_lo; g < end; g += SYS_PAGE) {
		uint64_t i = (g - t->cfg.heap_lo) / SYS_PAGE;
		t->used[i / 8] |= (uint8_t)(1u << (i % 8));
	}
}

struct sys_task *sys_task_new(const struct sys_config *cfg, const struct sys_ops *ops, void *ctx)
{
	struct sys_task *t;

	if (!cfg || !ops || !config_is_valid(cfg))
		return NULL;
	if (!ops->read_stdin || !ops->write_stream || !ops->clock_ns || !ops->sleep_ns ||
	    !ops->random || !ops->set_fs_base || !ops->alloc || !ops->resize || !ops->release)
		return NULL;
	t = ops->alloc(ctx, sizeof *t);
	if (!t)
		return NULL;
	t->cfg = *cfg;
	t->ops = *ops;
	t->ctx = ctx;
	copy_hostname(t->hostname, sizeof t->hostname, cfg->hostname ? cfg->hostname : "kettle");
	if (t->cfg.max_open_files == 0)
		t->cfg.max_open_files = SYS_DEFAULT_OPEN_FILES;
	if (t->cfg.max_open_files < 3)
		t->cfg.max_open_files = 3;

	t->n_pages = (cfg->heap_hi - cfg->heap_lo) / SYS_PAGE;
	t->used = sys_alloc(t, t->n_pages / 8 + 1, 1);
	if (!t->used)
		goto fail_task;
	t->brk_cur = cfg->brk_start;
	mark_initial_break(t);
	sys_limits_init(t);
	memcpy(t->comm, "main", 5);
	t->altstack[8] = 2; /* SS_DISABLE: no alternate stack yet */

	/* /dev comes right after the root, /input and /output: inode numbers
	 * follow creation order. */
	if (sys_vfs_init(t) < 0 || sys_dev_init(t) < 0)
		goto fail_vfs;
	return t;

fail_vfs:
	sys_vfs_free(t);
	sys_release(t, t->used);
fail_task:
	ops->release(ctx, t);
	return NULL;
}

void sys_task_free(struct sys_task *t)
{
	if (!t)
		return;
	sys_vfs_free(t);
	sys_release(t, t->used);
	sys_release(t, t->unsupported);
	sys_release(t, t);
}

/* Remembers an unsupported number once, so the log names each syscall a
 * single time however often the guest retries it. */
static void note_unsupported(struct sys_task *t, uint64_t nr)
{
	const char *name = sys_name(nr);

	for (size_t i = 0; i < t->n_unsupported; i++)
		if (t->unsupported[i] == nr)
			return;
	if (t->n_unsupported == t->cap_unsupported) {
		size_t cap = t->cap_unsupported ? t->cap_unsupported * 2 : 8;
		uint64_t *p;

		/* The list is bounded by the numbers a guest can invent;
		 * stop growing at a sane size instead of trusting it. */
		if (cap > 1024)
			return;
		p = sys_resize(t, t->unsupported, cap, sizeof *p);
		if (!p)
			return;
		t->unsupported = p;
		t->cap_unsupported = cap;
	}
	t->unsupported[t->n_unsupported++] = nr;
	if (name)
		sys_log(t, "unsupported syscall %s (%llu) answered ENOSYS", name, (unsigned long long)nr);
	else
		sys_log(t, "unknown syscall %llu answered ENOSYS", (unsigned long long)nr);
}

int64_t sys_dispatch(struct sys_task *t, uint64_t nr, const uint64_t args[6])
{
	sys_handler h;

	t->syscalls++;
	h = sys_handler_for(nr);
	if (!h) {
		note_unsupported(t, nr);
		return -LX_ENOSYS;
	}
	return h(t, args);
}

enum sys_stop sys_task_stop_reason(const struct sys_task *t)
{
	return t->stop;
}

int sys_task_exit_code(const struct sys_task *t)
{
	return t->exit_code;
}

int sys_task_ran_out_of_memory(const struct sys_task *t)
{
	return t->out_of_memory;
}

uint64_t sys_task_syscall_count(const struct sys_task *t)
{
	return t->syscalls;
}

size_t sys_task_unsupported(const struct sys_task *t, const uint64_t **nrs)
{
	if (nrs)
		*nrs = t->unsupported;
	return t->n_unsupported;
}

int sys_task_output(const struct sys_task *t, size_t i, const char **name, const uint8_t **data, size_t *len)
{
	const struct sys_node *n;

	if (i >= t->n_outputs)
		return -LX_ENOENT;
	n = &t->nodes[t->outputs[i]];
	if (name)
		*name = n->name;
	if (data)
		*data = n->data;
	if (len)
		*len = n->len;
	return 0;
}
