/* SPDX-License-Identifier: Apache-2.0 */
/* Memory: brk, mmap, munmap, mremap, mprotect, madvise over the heap range.
 *
 * One bit per page of [heap_lo, heap_hi) says whether the guest owns the
 * page (through brk or mmap). The break grows up from brk_start; mmap
 * takes the highest free run, so the two meet only when memory is full.
 * Free pages always read as zero: the range starts zeroed and every page is
 * zeroed (or discarded) when it is given back, so a fresh mapping needs no
 * work. Protections are accepted and remembered nowhere: every page the
 * guest owns stays readable and writable. */

#include "guest/sys/sys_internal.h"

#define PAGE_UP(x) (((x) + SYS_PAGE - 1) & ~(SYS_PAGE - 1))

static int page_used(const struct sys_task *t, uint64_t i)
{
	return (t->used[i / 8] >> (i % 8)) & 1;
}

static void page_mark(struct sys_task *t, uint64_t i, int used)
{
	if (used)
		t->used[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		t->used[i / 8] &= (uint8_t)~(1u << (i % 8));
}

static uint64_t page_addr(const struct sys_task *t, uint64_t i)
{
	return t->cfg.heap_lo + i * SYS_PAGE;
}

/* Page index range of [gva, gva+len) if it lies wholly in the heap. */
static int heap_pages(const struct sys_task *t, uint64_t gva, uint64_t len, uint64_t *first, uint64_t *count)
{
	if (gva < t->cfg.heap_lo || gva > t->cfg.heap_hi || len > t->cfg.heap_hi - gva)
		return 0;
	*first = (gva - t->cfg.heap_lo) / SYS_PAGE;
	*count = PAGE_UP(len) / SYS_PAGE;
	return 1;
}

static void zero_range(struct sys_task *t, uint64_t first, uint64_t count)
{
	uint64_t gva = page_addr(t, first), len = count * SYS_PAGE;

	if (count == 0)
		return;
	if (t->ops.discard)
		t->ops.discard(t->ctx, gva, len);
	else
		memset(sys_mem_at(t, gva), 0, len);
}

/* Gives back the owned pages among [first, first+count), zeroing runs of
 * them so free pages keep reading as zero. */
static void release_pages(struct sys_task *t, uint64_t first, uint64_t count)
{
	uint64_t run = 0;

	for (uint64_t i = first; i < first + count; i++) {
		if (page_used(t, i)) {
			page_mark(t, i, 0);
			run++;
			continue;
		}
		zero_range(t, i - run, run);
		run = 0;
	}
	zero_range(t, first + count - run, run);
}

static void claim_pages(struct sys_task *t, uint64_t first, uint64_t count)
{
	for (uint64_t i = first; i < first + count; i++)
		page_mark(t, i, 1);
}

static int pages_free(const struct sys_task *t, uint64_t first, uint64_t count)
{
	for (uint64_t i = first; i < first + count; i++)
		if (page_used(t, i))
			return 0;
	return 1;
}

/* The heap pages among [addr, addr+len): clipped to the heap, since the
 * rest is the loader's and never the layer's to change. */
static int clip_to_heap(const struct sys_task *t, uint64_t addr, uint64_t len, uint64_t *first, uint64_t *count)
{
	uint64_t end = PAGE_UP(addr + len);
	uint64_t lo = addr > t->cfg.heap_lo ? addr : t->cfg.heap_lo;
	uint64_t hi = end < t->cfg.heap_hi ? end : t->cfg.heap_hi;

	return lo < hi && heap_pages(t, lo, hi - lo, first, count);
}

/* The highest run of count free pages; skips whole owned bytes of the
 * bitmap so a full heap is scanned quickly. */
static int64_t find_free_run(const struct sys_task *t, uint64_t count)
{
	uint64_t run = 0;

	if (count == 0 || count > t->n_pages)
		return -1;
	for (uint64_t i = t->n_pages; i-- > 0;) {
		if (i % 8 == 7 && t->used[i / 8] == 0xff) {
			run = 0;
			i -= 7;
			continue;
		}
		if (page_used(t, i))
			run = 0;
		else if (++run == count)
			return (int64_t)i;
	}
	return -1;
}

static int64_t out_of_memory(struct sys_task *t)
{
	t->out_of_memory = 1;
	return -LX_ENOMEM;
}

int64_t sys_brk(struct sys_task *t, const uint64_t a[6])
{
	uint64_t want = a[0], old_end, new_end;

	if (want < t->cfg.brk_start)
		return (int64_t)t->brk_cur;
	if (want > t->cfg.heap_hi) {
		t->out_of_memory = 1;
		return (int64_t)t->brk_cur;
	}
	old_end = (PAGE_UP(t->brk_cur) - t->cfg.heap_lo) / SYS_PAGE;
	new_end = (PAGE_UP(want) - t->cfg.heap_lo) / SYS_PAGE;
	if (new_end > old_end) {
		if (!pages_free(t, old_end, new_end - old_end)) {
			t->out_of_memory = 1;
			return (int64_t)t->brk_cur;
		}
		claim_pages(t, old_end, new_end - old_end);
	} else if (new_end < old_end) {
		release_pages(t, new_end, old_end - new_end);
	}
	t->brk_cur = want;
	return (int64_t)want;
}

/* A private copy of a file's bytes: the file itself never changes under
 * the guest (inputs are read-only), so a copy is a faithful mapping. */
static int64_t check_file_map(struct sys_task *t, const uint64_t a[6], struct sys_node **node)
{
	struct sys_file *f = sys_fd_get(t, (int32_t)a[4]);
	int shared = (a[3] & LX_MAP_TYPE) != LX_MAP_PRIVATE;

	if (!f)
		return -LX_EBADF;
	if (f->kind != SYS_FILE_NODE || t->nodes[f->node].is_dir)
		return -LX_ENODEV;
	if (t->nodes[f->node].device)
		return t->nodes[f->node].device == SYS_DEV_ZERO ? 0 : -LX_ENODEV; /* /dev/zero maps zeros */
	if ((f->flags & LX_O_ACCMODE) == LX_O_WRONLY)
		return -LX_EACCES;
	if (shared && (a[2] & LX_PROT_WRITE))
		return t->nodes[f->node].writable ? -LX_ENODEV : -LX_EACCES;
	*node = &t->nodes[f->node];
	return 0;
}

/* Where a mapping goes: the exact place for MAP_FIXED (replacing what the
 * guest had there), else the highest free run. */
static int64_t place_mapping(struct sys_task *t, uint64_t addr, uint64_t len, uint64_t flags, uint64_t *first)
{
	uint64_t count;

	if (flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) {
		if (addr % SYS_PAGE)
			return -LX_EINVAL;
		if (!heap_pages(t, addr, len, first, &count))
			return -LX_ENOMEM;
		if (!pages_free(t, *first, count)) {
			if (!(flags & LX_MAP_FIXED))
				return -LX_EEXIST;
			release_pages(t, *first, count);
		}
		return 0;
	}
	int64_t at = find_free_run(t, PAGE_UP(len) / SYS_PAGE);
	if (at < 0)
		return out_of_memory(t);
	*first = (uint64_t)at;
	return 0;
}

int64_t sys_mmap(struct sys_task *t, const uint64_t a[6])
{
	uint64_t len = a[1], flags = a[3], off = a[5], first;
	struct sys_node *node = NULL;
	int64_t rc;

	if (len == 0 || off % SYS_PAGE || (flags & LX_MAP_TYPE) == 0)
		return -LX_EINVAL;
	if (len > t->cfg.heap_hi - t->cfg.heap_lo)
		return out_of_memory(t);
	if (!(flags & LX_MAP_ANONYMOUS)) {
		rc = check_file_map(t, a, &node);
		if (rc < 0)
			return rc;
	}
	rc = place_mapping(t, a[0], len, flags, &first);
	if (rc < 0)
		return rc;
	claim_pages(t, first, PAGE_UP(len) / SYS_PAGE);
	if (node && off < node->len) {
		uint64_t n = node->len - off < len ? node->len - off : len;

		memcpy(sys_mem_at(t, page_addr(t, first)), node->data + off, (size_t)n);
	}
	return (int64_t)page_addr(t, first);
}

/* Pages outside the heap belong to the loader's image and stack; unmapping
 * them is accepted and does nothing, which no correct program can tell
 * apart except by touching memory it gave up. */
int64_t sys_munmap(struct sys_task *t, const uint64_t a[6])
{
	uint64_t addr = a[0], len = a[1], first, count;

	if (addr % SYS_PAGE || len == 0 || addr > UINT64_MAX - SYS_PAGE || len > UINT64_MAX - SYS_PAGE - addr)
		return -LX_EINVAL;
	if (clip_to_heap(t, addr, len, &first, &count))
		release_pages(t, first, count);
	return 0;
}

static int pages_all_used(const struct sys_task *t, uint64_t first, uint64_t count)
{
	for (uint64_t i = first; i < first + count; i++)
		if (!page_used(t, i))
			return 0;
	return 1;
}

/* Grows in place when the pages above are free, else moves (with
 * MREMAP_MAYMOVE) by copying; both libcs use it to grow large blocks. */
int64_t sys_mremap(struct sys_task *t, const uint64_t a[6])
{
	uint64_t old = a[0], old_len = PAGE_UP(a[1]), new_len = a[2], flags = a[3];
	uint64_t first, count, new_count, dest;
	int64_t at;

	if (old % SYS_PAGE || new_len == 0 || old_len == 0 || (flags & ~(uint64_t)LX_MREMAP_MAYMOVE))
		return -LX_EINVAL;
	if (new_len > t->cfg.heap_hi - t->cfg.heap_lo)
		return out_of_memory(t);
	if (!heap_pages(t, old, old_len, &first, &count) || !pages_all_used(t, first, count))
		return -LX_EFAULT;
	new_count = PAGE_UP(new_len) / SYS_PAGE;
	if (new_count <= count) {
		release_pages(t, first + new_count, count - new_count);
		return (int64_t)old;
	}
	if (first + new_count <= t->n_pages && pages_free(t, first + count, new_count - count)) {
		claim_pages(t, first + count, new_count - count);
		return (int64_t)old;
	}
	if (!(flags & LX_MREMAP_MAYMOVE))
		return out_of_memory(t);
	at = find_free_run(t, new_count);
	if (at < 0)
		return out_of_memory(t);
	dest = page_addr(t, (uint64_t)at);
	claim_pages(t, (uint64_t)at, new_count);
	memcpy(sys_mem_at(t, dest), sys_mem_at(t, old), count * SYS_PAGE);
	release_pages(t, first, count);
	return (int64_t)dest;
}

int64_t sys_mprotect(struct sys_task *t, const uint64_t a[6])
{
	uint64_t addr = a[0], len = a[1];
	uint64_t known = LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC | LX_PROT_GROWSDOWN | LX_PROT_GROWSUP;

	if (addr % SYS_PAGE || (a[2] & ~known))
		return -LX_EINVAL;
	if (len && !sys_mem(t, addr, PAGE_UP(len) ? PAGE_UP(len) : len))
		return -LX_ENOMEM;
	return 0;
}

/* MADV_DONTNEED has a visible effect on private anonymous memory (it reads
 * as zero afterwards), so it is honoured for heap pages; all other advice
 * is only advice. */
int64_t sys_madvise(struct sys_task *t, const uint64_t a[6])
{
	uint64_t addr = a[0], len = a[1], first, count;

	if (addr % SYS_PAGE || addr > UINT64_MAX - SYS_PAGE || len > UINT64_MAX - SYS_PAGE - addr)
		return -LX_EINVAL;
	if (a[2] == LX_MADV_DONTNEED && len && clip_to_heap(t, addr, len, &first, &count)) {
		for (uint64_t i = first; i < first + count; i++)
			if (page_used(t, i))
				zero_range(t, i, 1);
	}
	return 0;
}
