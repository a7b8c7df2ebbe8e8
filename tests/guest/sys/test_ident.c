/* SPDX-License-Identifier: Apache-2.0 */
/* Identity changes, prctl and sendfile: what busybox and friends call. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/guest/sys/fake.h"

static void test_ids(struct fake *f)
{
	uint64_t ids = gbuf(f, 12);
	uint32_t got[3];

	CHECK(SC1(f, SYS_setuid, 1000) == 0 && SC1(f, SYS_setgid, 1000) == 0, "setting the ids to themselves succeeds");
	CHECK(SC1(f, SYS_setuid, 0) == -EPERM && SC1(f, SYS_setgid, 0) == -EPERM, "becoming root is EPERM");
	CHECK(SC2(f, SYS_setreuid, -1, 1000) == 0 && SC2(f, SYS_setreuid, 1000, 5) == -EPERM, "setreuid");
	CHECK(SC2(f, SYS_setregid, 1000, -1) == 0 && SC2(f, SYS_setregid, 7, -1) == -EPERM, "setregid");
	CHECK(SC3(f, SYS_setresuid, -1, -1, 1000) == 0 && SC3(f, SYS_setresuid, 1000, 0, -1) == -EPERM, "setresuid");
	CHECK(SC3(f, SYS_setresgid, 1000, 1000, 1000) == 0 && SC3(f, SYS_setresgid, -1, -1, 3) == -EPERM, "setresgid");
	CHECK(SC3(f, SYS_getresuid, ids, ids + 4, ids + 8) == 0, "getresuid");
	memcpy(got, f->mem + ids, sizeof got);
	CHECK(got[0] == 1000 && got[1] == 1000 && got[2] == 1000, "real, effective and saved uid are 1000");
	CHECK(SC3(f, SYS_getresgid, ids, 0, ids + 8) == -EFAULT, "getresgid into NULL is EFAULT");
	CHECK(SC2(f, SYS_getgroups, 0, 0) == 0, "no supplementary groups");
	CHECK(SC2(f, SYS_getgroups, -1, 0) == -EINVAL, "a negative getgroups size is EINVAL");
}

static void test_prctl(struct fake *f)
{
	uint64_t name = gbuf(f, 16);

	CHECK(SC2(f, SYS_prctl, PR_GET_NAME, name) == 0 && strcmp((char *)f->mem + name, "main") == 0,
	      "the default thread name is main");
	CHECK(SC2(f, SYS_prctl, PR_SET_NAME, gput(f, "a-very-long-thread-name", 0)) == 0, "PR_SET_NAME");
	CHECK(SC2(f, SYS_prctl, PR_GET_NAME, name) == 0 && strcmp((char *)f->mem + name, "a-very-long-thr") == 0,
	      "the name is cut to 15 bytes");
	CHECK(SC2(f, SYS_prctl, PR_SET_NAME, 0) == -EFAULT, "PR_SET_NAME from NULL is EFAULT");
	CHECK(SC2(f, SYS_prctl, PR_SET_DUMPABLE, 0) == 0 && SC2(f, SYS_prctl, PR_SET_DUMPABLE, 5) == -EINVAL,
	      "PR_SET_DUMPABLE accepts 0 and 1 only");
	CHECK(SC2(f, SYS_prctl, PR_SET_NO_NEW_PRIVS, 1) == 0, "PR_SET_NO_NEW_PRIVS");
	CHECK(SC2(f, SYS_prctl, PR_SET_NO_NEW_PRIVS, 0) == -EINVAL, "clearing no_new_privs is EINVAL");
	CHECK(SC2(f, SYS_prctl, PR_GET_NO_NEW_PRIVS, 0) == 1, "PR_GET_NO_NEW_PRIVS reads 1");
	CHECK(SC2(f, SYS_prctl, 0x7777, 0) == -EINVAL, "unknown prctl options are EINVAL");
}

static void test_sendfile(struct fake *f)
{
	static char big[200000];
	uint64_t off = gbuf(f, 8);
	const uint8_t *data;
	size_t len;
	int64_t in, out, pos = 3;

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + i % 26);
	sys_task_add_file(f->t, "/input/big", big, sizeof big);
	in = SC2(f, SYS_open, gput(f, "/input/big", 0), O_RDONLY);
	out = SC3(f, SYS_open, gput(f, "/output/copy", 0), O_CREAT | O_RDWR, 0644);
	CHECK(SC4(f, SYS_sendfile, out, in, 0, sizeof big + 100) == (int64_t)sizeof big, "sendfile copies a whole file");
	sys_task_output(f->t, 0, NULL, &data, &len);
	CHECK(len == sizeof big && memcmp(data, big, len) == 0, "in 64 KiB pieces, byte for byte");
	CHECK(SC3(f, SYS_lseek, in, 0, SEEK_CUR) == (int64_t)sizeof big, "and advances the input offset");
	memcpy(f->mem + off, &pos, 8);
	f->out_len[1] = 0;
	CHECK(SC4(f, SYS_sendfile, 1, in, off, 5) == 5 && memcmp(f->out[1], "defgh", 5) == 0,
	      "sendfile to stdout from an explicit offset");
	memcpy(&pos, f->mem + off, 8);
	CHECK(pos == 8 && SC3(f, SYS_lseek, in, 0, SEEK_CUR) == (int64_t)sizeof big,
	      "updates the offset variable, not the file offset");
	SC3(f, SYS_lseek, out, 0, SEEK_SET);
	CHECK(SC4(f, SYS_sendfile, out, out, 0, 100) == 100, "sendfile from an output onto itself");
	sys_task_output(f->t, 0, NULL, &data, &len);
	CHECK(len == sizeof big && memcmp(data, big, 100) == 0, "goes through the bounce buffer unharmed");
	CHECK(SC4(f, SYS_sendfile, 1, 0, 0, 5) == -EINVAL, "sendfile from stdin is EINVAL");
	CHECK(SC4(f, SYS_sendfile, 0, in, 0, 5) == -EBADF, "sendfile to stdin is EBADF");
	CHECK(SC4(f, SYS_sendfile, 1, 99, 0, 5) == -EBADF, "sendfile from a bad fd is EBADF");
	pos = -1;
	memcpy(f->mem + off, &pos, 8);
	CHECK(SC4(f, SYS_sendfile, 1, in, off, 5) == -EINVAL, "a negative offset is EINVAL");
	CHECK(SC4(f, SYS_sendfile, 1, in, 8, 5) == -EFAULT, "a bad offset pointer is EFAULT");
}

int main(void)
{
	struct fake *f = fake_new(NULL);

	test_ids(f);
	test_prctl(f);
	test_sendfile(f);
	fake_free(f);
	TAP_DONE();
}
