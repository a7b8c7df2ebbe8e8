/* SPDX-License-Identifier: Apache-2.0 */
/* For a host that has a C library (kettle-vmm, the tests): the layer's
 * memory ops (sys_ops.alloc, .resize, .release) from calloc, realloc and
 * free. Host side only: no file of the layer includes it, since the layer
 * is built without a C library. */
#ifndef KETTLE_GUEST_SYS_LIBC_MEMORY_H
#define KETTLE_GUEST_SYS_LIBC_MEMORY_H

#include <stdlib.h>

static inline void *sys_libc_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return calloc(1, size);
}

static inline void *sys_libc_resize(void *ctx, void *p, size_t size)
{
	(void)ctx;
	return realloc(p, size);
}

static inline void sys_libc_release(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

#endif
