/* SPDX-License-Identifier: Apache-2.0 */
/* /dev/null, /dev/zero, /dev/random and /dev/urandom: programs open them
 * by name (seeding from urandom, discarding into null) and no image has
 * to provide them. Reads and writes never touch the output budget: null
 * and zero swallow writes, the random devices read from ops->random. */

#include "guest/sys/sys_internal.h"

static const struct {
	const char *name;
	enum sys_device kind;
} devices[] = {
	{ "null", SYS_DEV_NULL },
	{ "zero", SYS_DEV_ZERO },
	{ "random", SYS_DEV_RANDOM },
	{ "urandom", SYS_DEV_RANDOM },
};

int sys_dev_init(struct sys_task *t)
{
	size_t dir, idx;
	int rc = sys_vfs_add(t, 0, "dev", 1, 0, &dir);

	for (size_t i = 0; rc == 0 && i < sizeof devices / sizeof devices[0]; i++) {
		rc = sys_vfs_add(t, dir, devices[i].name, 0, 0, &idx);
		if (rc == 0)
			t->nodes[idx].device = devices[i].kind;
	}
	return rc;
}

int64_t sys_dev_read(struct sys_task *t, const struct sys_node *n, void *dst, uint64_t len)
{
	int rc;

	switch (n->device) {
	case SYS_DEV_ZERO:
		memset(dst, 0, (size_t)len);
		return (int64_t)len;
	case SYS_DEV_RANDOM:
		rc = t->ops.random(t->ctx, dst, (size_t)len);
		return rc < 0 ? rc : (int64_t)len;
	default:
		return 0;
	}
}

/* Linux's minor numbers under major 1, in the encoding st_rdev uses. */
uint64_t sys_dev_rdev(const struct sys_node *n)
{
	switch (n->device) {
	case SYS_DEV_NULL:
		return 0x103;
	case SYS_DEV_ZERO:
		return 0x105;
	default:
		return 0x109;
	}
}
