/* SPDX-License-Identifier: Apache-2.0 */
/* sendfile: copies from a file to any writable descriptor through a
 * bounce buffer, because the destination may be the very node whose data
 * a write can reallocate. cat and cp in busybox use it. */

#include "guest/sys/sys_internal.h"

#define BOUNCE 65536u

static int64_t copy_loop(struct sys_task *t, struct sys_file *in, struct sys_file *out, uint64_t *pos, uint64_t count)
{
	uint8_t *buf = sys_alloc(t, BOUNCE, 1);
	uint64_t done = 0;
	int64_t rc = 0;

	if (!buf)
		return -LX_ENOMEM;
	while (done < count) {
		uint64_t want = count - done < BOUNCE ? count - done : BOUNCE;
		int64_t got = sys_file_read(t, in, buf, want, pos);

		if (got <= 0) {
			rc = got;
			break;
		}
		rc = sys_file_write(t, out, buf, (uint64_t)got);
		if (rc < 0)
			break;
		done += (uint64_t)rc;
		if (rc < got) {
			*pos -= (uint64_t)(got - rc);
			break;
		}
	}
	sys_release(t, buf);
	return done ? (int64_t)done : rc;
}

int64_t sys_sendfile(struct sys_task *t, const uint64_t a[6])
{
	struct sys_file *out = sys_fd_get(t, (int32_t)a[0]);
	struct sys_file *in = sys_fd_get(t, (int32_t)a[1]);
	uint64_t count = a[3] > SYS_RW_MAX ? SYS_RW_MAX : a[3];
	uint64_t pos;
	int64_t rc;

	if (!in || !out)
		return -LX_EBADF;
	if ((in->flags & LX_O_ACCMODE) == LX_O_WRONLY || (out->flags & LX_O_ACCMODE) == LX_O_RDONLY)
		return -LX_EBADF;
	if (in->kind != SYS_FILE_NODE || t->nodes[in->node].is_dir || (out->flags & LX_O_APPEND))
		return -LX_EINVAL;
	if (a[2]) {
		int64_t off;

		if (sys_mem_read(t, &off, a[2], sizeof off) < 0)
			return -LX_EFAULT;
		if (off < 0)
			return -LX_EINVAL;
		pos = (uint64_t)off;
	} else {
		pos = in->pos;
	}
	rc = count ? copy_loop(t, in, out, &pos, count) : 0;
	if (a[2])
		sys_mem_write(t, a[2], &pos, sizeof pos);
	else
		in->pos = pos;
	return rc;
}
