/* SPDX-License-Identifier: Apache-2.0 */
/* The x86-64 Linux ABI as the syscall layer speaks it: syscall numbers,
 * error numbers and the flag values its handlers read or answer. They are
 * ABI facts (the kernel's uapi headers), written here so that the layer
 * never takes them from the host's headers: it must compile with
 * -ffreestanding -nostdinc (guest/sys/meson.build) and may one day run
 * inside the guest. Every name carries LX_ so it cannot clash with a host
 * header in a file that includes both. */
#ifndef KETTLE_GUEST_SYS_ABI_H
#define KETTLE_GUEST_SYS_ABI_H

/* LX_NR_read, LX_NR_write, ...: one per line of syscalls.def. */
enum lx_syscall_nr {
#define SYSCALL(nr, name, handler) LX_NR_##name = nr,
#define UNSERVED(nr, name) LX_NR_##name = nr,
#include "guest/sys/syscalls.def"
#undef SYSCALL
#undef UNSERVED
};

/* Error numbers (asm-generic/errno-base.h, errno.h); the layer returns their negatives. */
#define LX_EPERM 1
#define LX_ENOENT 2
#define LX_ESRCH 3
#define LX_EBADF 9
#define LX_EAGAIN 11
#define LX_ENOMEM 12
#define LX_EACCES 13
#define LX_EFAULT 14
#define LX_EEXIST 17
#define LX_ENODEV 19
#define LX_ENOTDIR 20
#define LX_EISDIR 21
#define LX_EINVAL 22
#define LX_EMFILE 24
#define LX_ENOTTY 25
#define LX_EFBIG 27
#define LX_ENOSPC 28
#define LX_ESPIPE 29
#define LX_EROFS 30
#define LX_ERANGE 34
#define LX_ENAMETOOLONG 36
#define LX_ENOSYS 38
#define LX_EOPNOTSUPP 95
#define LX_ETIMEDOUT 110
#define LX_EDQUOT 122

/* open flags, *at() flags, access modes and fcntl commands. */
#define LX_O_ACCMODE 3
#define LX_O_RDONLY 0
#define LX_O_WRONLY 1
#define LX_O_CREAT 0x40
#define LX_O_EXCL 0x80
#define LX_O_TRUNC 0x200
#define LX_O_APPEND 0x400
#define LX_O_NONBLOCK 0x800
#define LX_O_DIRECTORY 0x10000
#define LX_O_NOATIME 0x40000
#define LX_O_CLOEXEC 0x80000
#define LX_O_TMPFILE 0x410000
#define LX_AT_FDCWD -100
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_REMOVEDIR 0x200
#define LX_AT_EACCESS 0x200
#define LX_AT_NO_AUTOMOUNT 0x800
#define LX_AT_EMPTY_PATH 0x1000
#define LX_R_OK 4
#define LX_W_OK 2
#define LX_X_OK 1
#define LX_F_DUPFD 0
#define LX_F_GETFD 1
#define LX_F_SETFD 2
#define LX_F_GETFL 3
#define LX_F_SETFL 4
#define LX_F_DUPFD_CLOEXEC 0x406
#define LX_FD_CLOEXEC 1
#define LX_FIOCLEX 0x5451
#define LX_FIONCLEX 0x5450
#define LX_SEEK_SET 0
#define LX_SEEK_CUR 1
#define LX_SEEK_END 2

/* File types in st_mode. */
#define LX_S_IFIFO 010000
#define LX_S_IFCHR 020000
#define LX_S_IFDIR 040000
#define LX_S_IFREG 0100000

/* poll events. */
#define LX_POLLIN 1
#define LX_POLLOUT 4
#define LX_POLLNVAL 0x20
#define LX_POLLRDNORM 0x40
#define LX_POLLWRNORM 0x100

/* mmap, mprotect, mremap and madvise. */
#define LX_PROT_READ 1
#define LX_PROT_WRITE 2
#define LX_PROT_EXEC 4
#define LX_PROT_GROWSDOWN 0x1000000
#define LX_PROT_GROWSUP 0x2000000
#define LX_MAP_PRIVATE 2
#define LX_MAP_TYPE 0xf
#define LX_MAP_FIXED 0x10
#define LX_MAP_ANONYMOUS 0x20
#define LX_MAP_FIXED_NOREPLACE 0x100000
#define LX_MREMAP_MAYMOVE 1
#define LX_MADV_DONTNEED 4

/* Clocks. */
#define LX_CLOCK_REALTIME 0
#define LX_CLOCK_MONOTONIC 1
#define LX_CLOCK_PROCESS_CPUTIME_ID 2
#define LX_CLOCK_THREAD_CPUTIME_ID 3
#define LX_CLOCK_MONOTONIC_RAW 4
#define LX_CLOCK_REALTIME_COARSE 5
#define LX_CLOCK_MONOTONIC_COARSE 6
#define LX_CLOCK_BOOTTIME 7
#define LX_CLOCK_TAI 11
#define LX_TIMER_ABSTIME 1

/* Resource limits (getrlimit, prlimit64). */
#define LX_RLIMIT_FSIZE 1
#define LX_RLIMIT_DATA 2
#define LX_RLIMIT_STACK 3
#define LX_RLIMIT_CORE 4
#define LX_RLIMIT_NPROC 6
#define LX_RLIMIT_NOFILE 7
#define LX_RLIMIT_MEMLOCK 8
#define LX_RLIMIT_AS 9
#define LX_RLIMIT_SIGPENDING 11
#define LX_RLIMIT_RTPRIO 14

/* prctl options. */
#define LX_PR_SET_PDEATHSIG 1
#define LX_PR_GET_DUMPABLE 3
#define LX_PR_SET_DUMPABLE 4
#define LX_PR_SET_NAME 15
#define LX_PR_GET_NAME 16
#define LX_PR_SET_NO_NEW_PRIVS 38
#define LX_PR_GET_NO_NEW_PRIVS 39

/* futex operations. */
#define LX_FUTEX_WAIT 0
#define LX_FUTEX_WAKE 1
#define LX_FUTEX_REQUEUE 3
#define LX_FUTEX_CMP_REQUEUE 4
#define LX_FUTEX_WAIT_BITSET 9
#define LX_FUTEX_WAKE_BITSET 10
#define LX_FUTEX_PRIVATE_FLAG 128
#define LX_FUTEX_CLOCK_REALTIME 256

#endif
