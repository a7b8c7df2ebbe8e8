/* SPDX-License-Identifier: Apache-2.0 */
/* getdents64 over the tree: ".", "..", then the children in creation
 * order. The directory offset is 0 for ".", 1 for "..", and k + 2 for
 * "resume at node index k", which stays valid because nodes are never
 * removed. */

#include "guest/sys/sys_internal.h"

#define DT_DIR_TYPE 4
#define DT_REG_TYPE 8
#define DT_CHR_TYPE 2
#define DIRENT_HEAD 19 /* d_ino, d_off, d_reclen, d_type */

/* Writes one linux_dirent64 at dst if it fits in room; returns its length
 * or 0 when it does not fit. */
static size_t put_dirent(uint8_t *dst, size_t room, uint64_t ino, uint64_t next, uint8_t type, const char *name)
{
	size_t nlen = sys_strlen(name);
	size_t reclen = (DIRENT_HEAD + nlen + 1 + 7) & ~(size_t)7;
	uint16_t rl = (uint16_t)reclen;
	int64_t off = (int64_t)next;

	if (reclen > room)
		return 0;
	memset(dst, 0, reclen);
	memcpy(dst, &ino, 8);
	memcpy(dst + 8, &off, 8);
	memcpy(dst + 16, &rl, 2);
	dst[18] = type;
	memcpy(dst + DIRENT_HEAD, name, nlen);
	return reclen;
}

/* The entry at or after position pos: fills ino, name, is_dir and the
 * position after it. Returns 0, or -1 at the end of the directory. */
static int entry_at(const struct sys_task *t, size_t dir, uint64_t pos, uint64_t *ino, const char **name,
		    uint8_t *type, uint64_t *next)
{
	if (pos == 0 || pos == 1) {
		size_t target = pos == 0 ? dir : t->nodes[dir].parent;

		*ino = target + 1;
		*name = pos == 0 ? "." : "..";
		*type = DT_DIR_TYPE;
		*next = pos + 1;
		return 0;
	}
	for (uint64_t i = pos - 2; i < t->n_nodes; i++) {
		if (i == 0 || t->nodes[i].parent != dir)
			continue;
		*ino = i + 1;
		*name = t->nodes[i].name;
		*type = t->nodes[i].is_dir ? DT_DIR_TYPE : t->nodes[i].device ? DT_CHR_TYPE : DT_REG_TYPE;
		*next = i + 3;
		return 0;
	}
	return -1;
}

int64_t sys_getdents64(struct sys_task *t, const uint64_t a[6])
{
	struct sys_file *f = sys_fd_get(t, (int32_t)a[0]);
	uint64_t count = a[2] > 0x7fffffff ? 0x7fffffff : a[2];
	uint8_t *buf;
	size_t used = 0;

	if (!f)
		return -LX_EBADF;
	if (f->kind != SYS_FILE_NODE || !t->nodes[f->node].is_dir)
		return -LX_ENOTDIR;
	buf = count ? sys_mem(t, a[1], count) : NULL;
	if (count && !buf)
		return -LX_EFAULT;
	for (;;) {
		uint64_t ino, next;
		const char *name;
		uint8_t type;
		size_t n;

		if (entry_at(t, f->node, f->pos, &ino, &name, &type, &next) < 0)
			break;
		n = buf ? put_dirent(buf + used, (size_t)count - used, ino, next, type, name) : 0;
		if (n == 0) {
			if (used == 0)
				return -LX_EINVAL;
			break;
		}
		used += n;
		f->pos = next;
	}
	return (int64_t)used;
}
