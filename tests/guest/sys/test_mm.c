/* SPDX-License-Identifier: Apache-2.0 */
/* Memory: brk and mmap share the heap range without overlap, freed pages
 * come back zeroed, ENOMEM is reported and flagged. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "tests/guest/sys/fake.h"

#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define HEAP (HEAP_HI - HEAP_LO)

static int64_t map(struct fake *f, uint64_t addr, uint64_t len, int flags)
{
	return SC6(f, SYS_mmap, addr, len, RW, flags, -1, 0);
}

static int is_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

static void test_brk(void)
{
	struct sys_config c = fake_config(NULL);
	struct fake *f;
	int64_t b;

	c.brk_start = HEAP_LO + 0x123;
	f = fake_new(&c);
	b = SC1(f, SYS_brk, 0);
	CHECK(b == (int64_t)HEAP_LO + 0x123, "brk(0) is the unaligned brk_start");
	CHECK(SC1(f, SYS_brk, HEAP_LO) == b, "brk below the start is refused (returns the break)");
	CHECK(SC1(f, SYS_brk, b + 0x10000) == b + 0x10000, "brk grows");
	memset(f->mem + b, 0x77, 0x10000);
	CHECK(SC1(f, SYS_brk, b + 0x100) == b + 0x100, "brk shrinks");
	CHECK(f->mem[HEAP_LO + 2 * PAGE] == 0, "pages given back by brk are zeroed");
	CHECK(SC1(f, SYS_brk, HEAP_HI + PAGE) == b + 0x100, "brk past the heap returns the old break");
	CHECK(sys_task_ran_out_of_memory(f->t), "and flags the task out of memory");
	fake_free(f);

	f = fake_new(NULL);
	b = map(f, HEAP_HI - PAGE * 4, PAGE * 4, ANON | MAP_FIXED);
	CHECK(b == (int64_t)(HEAP_HI - PAGE * 4), "MAP_FIXED at the top of the heap");
	CHECK(SC1(f, SYS_brk, HEAP_HI - PAGE) == (int64_t)HEAP_LO, "brk cannot grow into a mapping");
	CHECK(SC1(f, SYS_brk, HEAP_HI - PAGE * 4) == (int64_t)(HEAP_HI - PAGE * 4), "brk can grow up to it");
	fake_free(f);
}

static void test_mmap(void)
{
	struct fake *f = fake_new(NULL);
	int64_t a, b, c;

	a = map(f, 0, 64 * PAGE, ANON);
	CHECK(a == (int64_t)(HEAP_HI - 64 * PAGE), "the first mapping is at the top");
	b = map(f, 0, 100, ANON);
	CHECK(b == a - (int64_t)PAGE, "a small one goes right below, page-rounded");
	CHECK(is_zero(f->mem + a, 64 * PAGE), "a fresh mapping reads as zero");
	memset(f->mem + a, 0xee, 64 * PAGE);
	CHECK(SC2(f, SYS_munmap, a + 16 * PAGE, 16 * PAGE) == 0, "unmap the middle of a mapping");
	CHECK(is_zero(f->mem + a + 16 * PAGE, 16 * PAGE) && f->mem[a] == 0xee && f->mem[a + 32 * PAGE] == 0xee,
	      "only the middle was zeroed");
	c = map(f, 0, 16 * PAGE, ANON);
	CHECK(c == a + 16 * (int64_t)PAGE, "the hole is reused for a mapping that fits");
	CHECK(f->discarded >= 16 * PAGE, "freed pages went to ops->discard");
	CHECK(SC2(f, SYS_munmap, a, 64 * PAGE) == 0 && SC2(f, SYS_munmap, b, PAGE) == 0, "unmap the rest");
	CHECK(map(f, 0, 64 * PAGE, ANON) == a, "after freeing everything the top is used again");
	CHECK(SC2(f, SYS_munmap, a + 1, PAGE) == -EINVAL, "munmap of an unaligned address is EINVAL");
	CHECK(SC2(f, SYS_munmap, a, 0) == -EINVAL, "munmap of length 0 is EINVAL");
	CHECK(SC2(f, SYS_munmap, UINT64_MAX & ~(PAGE - 1), PAGE * 2) == -EINVAL, "munmap that wraps is EINVAL");
	CHECK(SC2(f, SYS_munmap, 0x200000, PAGE) == 0, "munmap outside the heap is accepted and ignored");
	CHECK(map(f, 0, 0, ANON) == -EINVAL, "mmap of length 0 is EINVAL");
	CHECK(SC6(f, SYS_mmap, 0, PAGE, RW, MAP_ANONYMOUS, -1, 0) == -EINVAL, "mmap without SHARED/PRIVATE is EINVAL");
	CHECK(SC6(f, SYS_mmap, 0, PAGE, RW, ANON, -1, 100) == -EINVAL, "mmap with an unaligned offset is EINVAL");
	CHECK(map(f, HEAP_LO + 1, PAGE, ANON | MAP_FIXED) == -EINVAL, "MAP_FIXED unaligned is EINVAL");
	CHECK(map(f, 0x200000, PAGE, ANON | MAP_FIXED) == -ENOMEM, "MAP_FIXED outside the heap is ENOMEM");
	CHECK(map(f, a, PAGE, ANON | MAP_FIXED_NOREPLACE) == -EEXIST, "MAP_FIXED_NOREPLACE over a mapping is EEXIST");
	memset(f->mem + a, 0x11, PAGE);
	CHECK(map(f, a, PAGE, ANON | MAP_FIXED) == a && f->mem[a] == 0, "MAP_FIXED replaces and zeroes");
	b = map(f, HEAP_LO, 2 * PAGE, ANON | MAP_FIXED);
	memset(f->mem + HEAP_LO, 0x22, 2 * PAGE);
	CHECK(SC2(f, SYS_munmap, HEAP_LO - PAGE, 2 * PAGE) == 0 && f->mem[HEAP_LO] == 0 && f->mem[HEAP_LO + PAGE] == 0x22,
	      "munmap across the heap's lower edge frees only the heap part");
	CHECK(SC3(f, SYS_madvise, HEAP_LO - PAGE, 3 * PAGE, MADV_DONTNEED) == 0 && f->mem[HEAP_LO + PAGE] == 0,
	      "madvise across the edge is clipped to the heap too");
	CHECK(map(f, HEAP_LO, PAGE, ANON | MAP_FIXED_NOREPLACE) == (int64_t)HEAP_LO, "the freed page is free again");
	CHECK(!sys_task_ran_out_of_memory(f->t), "no ENOMEM so far");
	CHECK(map(f, 0, HEAP + PAGE, ANON) == -ENOMEM, "more than the heap is ENOMEM");
	CHECK(sys_task_ran_out_of_memory(f->t), "and flags the task");
	fake_free(f);
}

static void test_exhaustion(void)
{
	struct fake *f = fake_new(NULL);
	int64_t a, b;

	a = map(f, 0, HEAP - 2 * PAGE, ANON);
	CHECK(a == (int64_t)HEAP_LO + 2 * (int64_t)PAGE, "map all but two pages");
	CHECK(map(f, 0, 3 * PAGE, ANON) == -ENOMEM, "three more pages do not fit");
	CHECK(sys_task_ran_out_of_memory(f->t), "the task is flagged");
	b = map(f, 0, 2 * PAGE, ANON);
	CHECK(b == (int64_t)HEAP_LO, "two pages still fit below");
	CHECK(SC1(f, SYS_brk, HEAP_LO + 1) == (int64_t)HEAP_LO, "brk cannot grow into a mapping at its start");
	CHECK(SC2(f, SYS_munmap, a, HEAP - 2 * PAGE) == 0 && map(f, 0, HEAP - 2 * PAGE, ANON) == a,
	      "after munmap the same space is reused");
	fake_free(f);
}

/* musl's malloc puts a PROT_NONE guard page with MAP_FIXED inside memory
 * it just got from brk; glibc and musl both grow big blocks with mremap. */
static void test_libc_patterns(void)
{
	struct fake *f = fake_new(NULL);
	int64_t b = SC1(f, SYS_brk, 0), a, m;

	CHECK(SC1(f, SYS_brk, b + 2 * PAGE) == b + 2 * (int64_t)PAGE, "musl: brk two pages");
	CHECK(SC6(f, SYS_mmap, b, PAGE, PROT_NONE, ANON | MAP_FIXED, -1, 0) == b, "musl: MAP_FIXED guard inside brk");
	a = map(f, 0, 4 << 20, ANON);
	CHECK(a > 0, "a 4 MiB block");
	memset(f->mem + a, 0x5a, 4 << 20);
	m = SC4(f, SYS_mremap, a, 4 << 20, 5 << 20, MREMAP_MAYMOVE);
	CHECK(m > 0 && f->mem[m] == 0x5a && f->mem[m + (4 << 20) - 1] == 0x5a, "mremap grows and keeps the data");
	CHECK(is_zero(f->mem + m + (4 << 20), 1 << 20), "the grown part is zero");
	CHECK(SC4(f, SYS_mremap, m, 5 << 20, 1 << 20, 0) == m, "mremap shrinks in place");
	CHECK(is_zero(f->mem + m + (1 << 20), 4 << 20), "the tail was zeroed");
	CHECK(SC4(f, SYS_mremap, m, 1 << 20, 2 << 20, 0) == m, "mremap without MAYMOVE grows in place into free pages");
	CHECK(map(f, m + (2 << 20), PAGE, ANON | MAP_FIXED) == m + (2 << 20), "block the page above it");
	CHECK(SC4(f, SYS_mremap, m, 2 << 20, 3 << 20, 0) == -ENOMEM, "now growing without MAYMOVE is ENOMEM");
	CHECK(SC4(f, SYS_mremap, HEAP_LO + 100 * PAGE, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == -EFAULT,
	      "mremap of unmapped memory is EFAULT");
	CHECK(SC4(f, SYS_mremap, m + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == -EINVAL, "mremap unaligned is EINVAL");
	CHECK(SC4(f, SYS_mremap, m, PAGE, 2 * PAGE, 8) == -EINVAL, "mremap with unknown flags is EINVAL");
	CHECK(SC3(f, SYS_mprotect, 0x200000, 4 * PAGE, PROT_READ) == 0, "mprotect of the image (RELRO) is accepted");
	CHECK(SC3(f, SYS_mprotect, 0x200001, PAGE, PROT_READ) == -EINVAL, "mprotect unaligned is EINVAL");
	CHECK(SC3(f, SYS_mprotect, 0x200000, PAGE, 0x80) == -EINVAL, "mprotect with unknown bits is EINVAL");
	CHECK(SC3(f, SYS_mprotect, MEM_SIZE, PAGE, PROT_READ) == -ENOMEM, "mprotect past memory is ENOMEM");
	memset(f->mem + m, 0x33, PAGE);
	CHECK(SC3(f, SYS_madvise, m, PAGE, MADV_FREE) == 0 && f->mem[m] == 0x33, "MADV_FREE is accepted, no effect");
	CHECK(SC3(f, SYS_madvise, m, PAGE, MADV_DONTNEED) == 0 && f->mem[m] == 0, "MADV_DONTNEED zeroes anonymous memory");
	CHECK(SC3(f, SYS_madvise, m + 5, PAGE, MADV_DONTNEED) == -EINVAL, "madvise unaligned is EINVAL");
	fake_free(f);
}

static void test_file_maps(void)
{
	struct fake *f = fake_new(NULL);
	char data[5000];
	int64_t fd, a, out;

	memset(data, 'q', sizeof data);
	data[4096] = 'Z';
	sys_task_add_file(f->t, "/input/blob", data, sizeof data);
	fd = SC2(f, SYS_open, gput(f, "/input/blob", 0), O_RDONLY);
	a = SC6(f, SYS_mmap, 0, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(a > 0 && memcmp(f->mem + a, data, sizeof data) == 0, "a private file map holds the file's bytes");
	CHECK(is_zero(f->mem + a + sizeof data, 8192 - sizeof data), "past the end of the file it is zero");
	a = SC6(f, SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	CHECK(a > 0 && f->mem[a] == 'Z', "a map at offset 4096 starts there");
	CHECK(SC6(f, SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == -EACCES,
	      "a shared writable map of an input is EACCES");
	CHECK(SC6(f, SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 99, 0) == -EBADF, "a map of a bad fd is EBADF");
	CHECK(SC6(f, SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 1, 0) == -ENODEV, "a map of stdout is ENODEV");
	out = SC3(f, SYS_open, gput(f, "/output/w", 0), O_CREAT | O_WRONLY, 0644);
	CHECK(SC6(f, SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, out, 0) == -EACCES, "a map of a write-only fd is EACCES");
	fake_free(f);
}

int main(void)
{
	test_brk();
	test_mmap();
	test_exhaustion();
	test_libc_patterns();
	test_file_maps();
	TAP_DONE();
}
