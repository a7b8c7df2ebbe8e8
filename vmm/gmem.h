/* SPDX-License-Identifier: Apache-2.0 */
/* Guest memory as the VMM sees it, and the one checked way to reach it. */
#ifndef KETTLE_VMM_GMEM_H
#define KETTLE_VMM_GMEM_H

#include <stddef.h>
#include <stdint.h>

struct gmem {
	uint8_t *host;   /* mapping of guest-physical 0 .. size */
	uint64_t size;   /* bytes, a multiple of 2 MiB */
	uint8_t *loaded; /* one byte per 4 KiB page: enum gmem_page */
};

/* What the loader put in each page; the launch measurement walks this. */
enum gmem_page {
	GMEM_PAGE_UNTOUCHED = 0, /* zero RAM, not measured */
	GMEM_PAGE_DATA,          /* measured by contents */
	GMEM_PAGE_UNMEASURED,    /* contents deliberately not measured */
};

int gmem_init(struct gmem *m, uint64_t size);
void gmem_free(struct gmem *m);

/* Host pointer for [gpa, gpa+len) or NULL if any of it lies outside guest
 * memory (overflow-safe). */
void *gmem_ptr(const struct gmem *m, uint64_t gpa, uint64_t len);

/* Copies into guest memory and marks the pages touched as kind. */
int gmem_write(struct gmem *m, uint64_t gpa, const void *src, uint64_t len, enum gmem_page kind);
int gmem_read(const struct gmem *m, uint64_t gpa, void *dst, uint64_t len);
void gmem_mark(struct gmem *m, uint64_t gpa, uint64_t len, enum gmem_page kind);

#endif
