/* SPDX-License-Identifier: Apache-2.0 */
/* The few string and byte helpers the layer needs, so it calls nothing
 * from a C library. memcpy and memset are the exception: a freestanding
 * C compiler may emit calls to them (and memmove, memcmp) for plain
 * assignments and loops anyway, so GCC requires every freestanding
 * environment to supply those four; the VMM's libc does, an in-guest shim
 * would. tests/guest/sys/check_symbols.sh keeps the library to that list. */
#ifndef KETTLE_GUEST_SYS_STR_H
#define KETTLE_GUEST_SYS_STR_H

#include <stdarg.h>
#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memset(void *dst, int c, size_t n);

size_t sys_strlen(const char *s);
size_t sys_strnlen(const char *s, size_t max);
int sys_strcmp(const char *a, const char *b);
/* The first byte c in p[0..n), or NULL. */
const void *sys_memchr(const void *p, int c, size_t n);
/* Formats into buf (always NUL-terminated, cut at cap - 1). Understands
 * only what the layer's log lines use: %s, %d, %llu and %%. Returns the
 * length written. */
size_t sys_format(char *buf, size_t cap, const char *fmt, va_list ap);

#endif
