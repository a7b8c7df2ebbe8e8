/* Syscall number to handler. A number with no entry is answered -ENOSYS
 * by sys_dispatch, which logs and records it. */
#include "sys_internal.h"

static const sys_handler handlers[] = {
	[0] = sys_read,
	[1] = sys_write,
	[2] = sys_open,
	[3] = sys_close,
	[4] = sys_stat,
	[5] = sys_fstat,
	[6] = sys_lstat,
	[7] = sys_poll,
	[8] = sys_lseek,
	[9] = sys_mmap,
	[10] = sys_mprotect,
	[11] = sys_munmap,
	[12] = sys_brk,
	[13] = sys_rt_sigaction,
	[14] = sys_rt_sigprocmask,
	[16] = sys_ioctl,
	[17] = sys_pread64,
	[18] = sys_pwrite64,
	[19] = sys_readv,
	[20] = sys_writev,
	[21] = sys_access,
	[24] = sys_sched_yield,
	[25] = sys_mremap,
	[28] = sys_madvise,
	[32] = sys_dup,
	[33] = sys_dup2,
	[35] = sys_nanosleep,
	[39] = sys_getpid,
	[60] = sys_exit,
	[62] = sys_kill,
	[63] = sys_uname,
	[72] = sys_fcntl,
	[74] = sys_fsync,
	[75] = sys_fsync,     /* fdatasync */
	[77] = sys_ftruncate,
	[79] = sys_getcwd,
	[83] = sys_mkdir,
	[89] = sys_readlink,
	[95] = sys_umask,
	[96] = sys_gettimeofday,
	[97] = sys_getrlimit,
	[98] = sys_getrusage,
	[100] = sys_times,
	[102] = sys_getuid,
	[104] = sys_getgid,
	[107] = sys_getuid,   /* geteuid */
	[108] = sys_getgid,   /* getegid */
	[110] = sys_getppid,
	[131] = sys_sigaltstack,
	[158] = sys_arch_prctl,
	[186] = sys_getpid,   /* gettid: the one thread is the process */
	[200] = sys_tkill,
	[201] = sys_time,
	[204] = sys_sched_getaffinity,
	[217] = sys_getdents64,
	[218] = sys_set_tid_address,
	[228] = sys_clock_gettime,
	[229] = sys_clock_getres,
	[230] = sys_clock_nanosleep,
	[231] = sys_exit_group,
	[234] = sys_tgkill,
	[257] = sys_openat,
	[258] = sys_mkdirat,
	[262] = sys_newfstatat,
	[267] = sys_readlinkat,
	[269] = sys_faccessat,
	[271] = sys_ppoll,
	[273] = sys_set_robust_list,
	[292] = sys_dup3,
	[302] = sys_prlimit64,
	[309] = sys_getcpu,
	[318] = sys_getrandom,
	[332] = sys_statx,
	[334] = sys_rseq,
	[439] = sys_faccessat2,
};

sys_handler sys_handler_for(uint64_t nr)
{
	if (nr >= sizeof handlers / sizeof handlers[0])
		return 0;
	return handlers[nr];
}
