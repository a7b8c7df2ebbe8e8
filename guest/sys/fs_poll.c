/* SPDX-License-Identifier: Apache-2.0 */
/* poll and ppoll. Nothing here ever blocks: stdin reads wait inside
 * ops->read_stdin, writes are taken at once, files are memory. So every
 * open descriptor is ready for what it can do, and a poll with nothing
 * ready only sleeps out its timeout. Rust's runtime polls fds 0-2 at
 * start-up and aborts if poll itself fails. */

#include "guest/sys/sys_internal.h"

#define POLLFD_SIZE 8

static int16_t ready_events(struct sys_task *t, int32_t fd, int16_t events)
{
	struct sys_file *f;
	int16_t can = 0;
	int acc;

	if (fd < 0)
		return 0;
	f = sys_fd_get(t, fd);
	if (!f)
		return LX_POLLNVAL;
	acc = f->flags & LX_O_ACCMODE;
	if (acc != LX_O_WRONLY)
		can |= LX_POLLIN | LX_POLLRDNORM;
	if (acc != LX_O_RDONLY)
		can |= LX_POLLOUT | LX_POLLWRNORM;
	return (int16_t)(can & events);
}

static int64_t do_poll(struct sys_task *t, uint64_t fds, uint64_t nfds, int64_t timeout_ns)
{
	uint8_t *p;
	int64_t ready = 0;

	if (nfds > t->cfg.max_open_files)
		return -LX_EINVAL;
	p = nfds ? sys_mem(t, fds, nfds * POLLFD_SIZE) : NULL;
	if (nfds && !p)
		return -LX_EFAULT;
	for (uint64_t i = 0; i < nfds; i++) {
		int32_t fd;
		int16_t events, revents;

		memcpy(&fd, p + i * POLLFD_SIZE, 4);
		memcpy(&events, p + i * POLLFD_SIZE + 4, 2);
		revents = ready_events(t, fd, events);
		memcpy(p + i * POLLFD_SIZE + 6, &revents, 2);
		ready += revents != 0;
	}
	if (ready == 0 && timeout_ns > 0)
		t->ops.sleep_ns(t->ctx, timeout_ns);
	return ready;
}

int64_t sys_poll(struct sys_task *t, const uint64_t a[6])
{
	int32_t ms = (int32_t)a[2];

	/* a negative timeout waits forever; with nothing ready that would
	 * be a hang, so it returns at once like a zero timeout */
	return do_poll(t, a[0], a[1], ms > 0 ? ms * 1000000ll : 0);
}

int64_t sys_ppoll(struct sys_task *t, const uint64_t a[6])
{
	int64_t ts[2] = { 0, 0 };

	if (a[2]) {
		if (sys_mem_read(t, ts, a[2], sizeof ts) < 0)
			return -LX_EFAULT;
		if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
			return -LX_EINVAL;
	}
	if (a[3] && a[4] != 8)
		return -LX_EINVAL;
	return do_poll(t, a[0], a[1], ts[0] > 9000000000ll ? INT64_MAX : ts[0] * 1000000000ll + ts[1]);
}
