/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/gmem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vmm/layout.h"

int gmem_init(struct gmem *m, uint64_t size)
{
	memset(m, 0, sizeof *m);
	if (size < GUEST_MEM_MIN || size > GUEST_MEM_MAX || size % GUEST_HUGE)
		return -EINVAL;
	/* NORESERVE: a guest that never touches its memory costs nothing, and
	 * the kernel zero-fills pages on first touch. */
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->loaded = calloc(size / GUEST_PAGE, 1);
	if (!m->loaded) {
		munmap(p, size);
		return -ENOMEM;
	}
	m->host = p;
	m->size = size;
	return 0;
}

void gmem_free(struct gmem *m)
{
	if (m->host)
		munmap(m->host, m->size);
	free(m->loaded);
	memset(m, 0, sizeof *m);
}

void *gmem_ptr(const struct gmem *m, uint64_t gpa, uint64_t len)
{
	if (gpa > m->size || len > m->size - gpa)
		return NULL;
	return m->host + gpa;
}

void gmem_mark(struct gmem *m, uint64_t gpa, uint64_t len, enum gmem_page kind)
{
	if (!len || !gmem_ptr(m, gpa, len))
		return;
	for (uint64_t pg = gpa / GUEST_PAGE; pg <= (gpa + len - 1) / GUEST_PAGE; pg++)
		if (m->loaded[pg] != GMEM_PAGE_UNMEASURED)
			m->loaded[pg] = (uint8_t)kind;
}

int gmem_write(struct gmem *m, uint64_t gpa, const void *src, uint64_t len, enum gmem_page kind)
{
	void *dst = gmem_ptr(m, gpa, len);
	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	gmem_mark(m, gpa, len, kind);
	return 0;
}

int gmem_read(const struct gmem *m, uint64_t gpa, void *dst, uint64_t len)
{
	const void *src = gmem_ptr(m, gpa, len);
	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}
