/* SPDX-License-Identifier: Apache-2.0 */
/* The services every file of the layer uses on the task state: log lines,
 * stop reasons, memory through ops and the output budget. A leaf: nothing
 * here calls back into the rest of the layer. */
#include "guest/sys/task.h"

#include <stdarg.h>

#include "guest/sys/abi.h"
#include "guest/sys/str.h"

void sys_log(struct sys_task *t, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (!t->ops.log)
		return;
	va_start(ap, fmt);
	sys_format(line, sizeof line, fmt, ap);
	va_end(ap);
	t->ops.log(t->ctx, line);
}

/* The first reason wins: a task that exited and then (impossibly) wrote
 * more keeps its exit status. */
int sys_stop_task(struct sys_task *t, enum sys_stop why)
{
	if (t->stop == SYS_RUNNING)
		t->stop = why;
	return 0;
}

void *sys_alloc(struct sys_task *t, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return t->ops.alloc(t->ctx, n * size);
}

void *sys_resize(struct sys_task *t, void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return t->ops.resize(t->ctx, p, n * size);
}

void sys_release(struct sys_task *t, void *p)
{
	if (p)
		t->ops.release(t->ctx, p);
}

char *sys_strdup(struct sys_task *t, const char *s)
{
	size_t len = sys_strlen(s) + 1;
	char *copy = sys_alloc(t, len, 1);

	if (copy)
		memcpy(copy, s, len);
	return copy;
}

int64_t sys_output_grant(struct sys_task *t, uint64_t want, uint64_t need)
{
	uint64_t room = t->cfg.max_output - t->output_used;

	if (want == 0)
		return 0;
	if (room < need) {
		sys_output_charge(t, 0, want);
		return -LX_EFBIG;
	}
	return (int64_t)(want < room ? want : room);
}

void sys_output_charge(struct sys_task *t, uint64_t granted, uint64_t want)
{
	t->output_used += granted;
	if (granted < want)
		sys_stop_task(t, SYS_STOP_OUTPUT_LIMIT);
}
