/* SPDX-License-Identifier: Apache-2.0 */
/* The one checked way to turn a guest pointer into a host pointer. Every
 * handler goes through here; nothing else adds mem.base to a guest value. */

#include "guest/sys/sys_internal.h"

/* [gva, gva+len) must lie inside [user_lo, user_hi), written so that no sum
 * can wrap: a huge len or gva fails instead of passing. A zero length is
 * accepted at any address inside the range. */
void *sys_mem(struct sys_task *t, uint64_t gva, uint64_t len)
{
	const struct sys_memory *m = &t->cfg.mem;

	if (gva < m->user_lo || gva > m->user_hi)
		return NULL;
	if (len > m->user_hi - gva)
		return NULL;
	if (len == 0 && gva == m->user_hi)
		return NULL;
	return sys_mem_at(t, gva);
}

/* Host address of a guest address already known to be good: checked by
 * sys_mem, or inside the heap range, which set-up checked against the user
 * range. Integer arithmetic, because base is NULL in an identity-mapped
 * shim. */
void *sys_mem_at(const struct sys_task *t, uint64_t gva)
{
	return (void *)((uintptr_t)t->cfg.mem.base + gva);
}

int sys_mem_read(struct sys_task *t, void *dst, uint64_t gva, uint64_t len)
{
	const void *src = sys_mem(t, gva, len);

	if (!src)
		return -LX_EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int sys_mem_write(struct sys_task *t, uint64_t gva, const void *src, uint64_t len)
{
	void *dst = sys_mem(t, gva, len);

	if (!dst)
		return -LX_EFAULT;
	memcpy(dst, src, len);
	return 0;
}

/* Copies a NUL-terminated guest string into buf (cap bytes incl. the NUL).
 * Returns its length, -EFAULT if it runs off guest memory before its NUL,
 * -ENAMETOOLONG if it does not fit. */
int sys_mem_string(struct sys_task *t, uint64_t gva, char *buf, size_t cap)
{
	const struct sys_memory *m = &t->cfg.mem;
	uint64_t avail, scan;
	const uint8_t *src, *nul;

	if (cap == 0)
		return -LX_ENAMETOOLONG;
	src = sys_mem(t, gva, 1);
	if (!src)
		return -LX_EFAULT;
	avail = m->user_hi - gva;
	scan = avail < cap ? avail : cap;
	nul = sys_memchr(src, 0, scan);
	if (!nul)
		return scan == avail && avail < cap ? -LX_EFAULT : -LX_ENAMETOOLONG;
	memcpy(buf, src, (size_t)(nul - src) + 1);
	return (int)(nul - src);
}
