/* The system-call table: every call the guest serves, one line each, at
 * its number for the app's width (musl's <sys/syscall.h> gives x86-64's or
 * i386's). A number without a line is refused with -ENOSYS, and said once
 * on kvmrun's standard error, so a user can see what a program asked for
 * that kvmrun does not do. */
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>

#include "console_io.h"
#include "syscall/syscall.h"

#define SYSCALL_TABLE_SIZE 512

static const syscall_handler table[SYSCALL_TABLE_SIZE] = {
	/* io.c, fd_table.c: every fd leads to a console stream; there are no
	 * files, and the root is the only directory */
	[SYS_read] = sys_read,
	[SYS_readv] = sys_readv,
	[SYS_write] = sys_write,
	[SYS_writev] = sys_writev,
	[SYS_ioctl] = sys_ioctl,
	[SYS_lseek] = sys_lseek,
	[SYS_close] = sys_close,
	[SYS_fcntl] = sys_fcntl,
	[SYS_dup] = sys_dup,
	[SYS_dup2] = sys_dup2,
	[SYS_dup3] = sys_dup3,
	[SYS_statx] = sys_statx,
	[SYS_getcwd] = sys_getcwd,
	[SYS_open] = sys_no_such_file,
	[SYS_openat] = sys_no_such_file,
	[SYS_stat] = sys_no_such_file,
	[SYS_lstat] = sys_no_such_file,
	[SYS_access] = sys_no_such_file,
	[SYS_faccessat] = sys_no_such_file,
	[SYS_faccessat2] = sys_no_such_file,
	[SYS_readlink] = sys_readlink,
	[SYS_readlinkat] = sys_readlinkat,
#ifdef SYS_fstat64 /* i386 */
	[SYS_fstat64] = sys_fstat,
	[SYS_fstatat64] = sys_fstatat,
	[SYS_stat64] = sys_no_such_file,
	[SYS_lstat64] = sys_no_such_file,
	[SYS__llseek] = sys_lseek,
	[SYS_fcntl64] = sys_fcntl,
#else
	[SYS_fstat] = sys_fstat,
	[SYS_newfstatat] = sys_fstatat,
#endif

	/* network.c: there is none */
	[SYS_socket] = sys_socket,
	[SYS_socketpair] = sys_socket,
	[SYS_connect] = sys_socket_fd,
	[SYS_bind] = sys_socket_fd,
	[SYS_listen] = sys_socket_fd,
	[SYS_accept4] = sys_socket_fd,
	[SYS_getsockname] = sys_socket_fd,
	[SYS_getpeername] = sys_socket_fd,
	[SYS_sendto] = sys_socket_fd,
	[SYS_recvfrom] = sys_socket_fd,
	[SYS_sendmsg] = sys_socket_fd,
	[SYS_recvmsg] = sys_socket_fd,
	[SYS_sendmmsg] = sys_socket_fd,
	[SYS_recvmmsg] = sys_socket_fd,
	[SYS_shutdown] = sys_socket_fd,
	[SYS_setsockopt] = sys_socket_fd,
	[SYS_getsockopt] = sys_socket_fd,
#ifdef SYS_accept /* x86-64 only: i386 has accept4 and socketcall */
	[SYS_accept] = sys_socket_fd,
#endif
#ifdef SYS_socketcall /* i386: the calls multiplexed */
	[SYS_socketcall] = sys_socketcall,
#endif

	/* memory.c: anonymous memory from guest RAM */
	[SYS_brk] = sys_brk,
	[SYS_munmap] = sys_munmap,
	[SYS_mremap] = sys_mremap,
	[SYS_mprotect] = sys_mprotect,
	[SYS_madvise] = sys_madvise,
#ifdef SYS_mmap2 /* i386: offset in pages */
	[SYS_mmap2] = sys_mmap2,
#else
	[SYS_mmap] = sys_mmap,
#endif

	/* time.c: the TSC, read without an exit; sleeps halt */
	[SYS_nanosleep] = sys_nanosleep,
	[SYS_time] = sys_time,
#ifdef SYS_clock_gettime64 /* i386: the 64-bit time_t calls, and the
			    * older ones musl's headers name *_time32 */
	[SYS_clock_gettime64] = sys_clock_gettime64,
	[SYS_clock_getres_time64] = sys_clock_getres64,
	[SYS_clock_nanosleep_time64] = sys_clock_nanosleep64,
	[SYS_clock_gettime32] = sys_clock_gettime,
	[SYS_clock_getres_time32] = sys_clock_getres,
	[SYS_clock_nanosleep_time32] = sys_clock_nanosleep,
	[SYS_gettimeofday_time32] = sys_gettimeofday,
#else
	[SYS_clock_gettime] = sys_clock_gettime,
	[SYS_clock_getres] = sys_clock_getres,
	[SYS_clock_nanosleep] = sys_clock_nanosleep,
	[SYS_gettimeofday] = sys_gettimeofday,
#endif

	/* process.c: one process, one thread, no signal delivery */
	[SYS_exit] = sys_exit_group,
	[SYS_exit_group] = sys_exit_group,
	[SYS_getpid] = sys_getpid,
	[SYS_gettid] = sys_getpid,
	[SYS_getppid] = sys_getppid,
	[SYS_kill] = sys_kill,
	[SYS_tkill] = sys_tkill,
	[SYS_tgkill] = sys_tgkill,
	[SYS_rt_sigaction] = sys_rt_sigaction,
	[SYS_rt_sigprocmask] = sys_rt_sigprocmask,
	[SYS_sigaltstack] = sys_sigaltstack,
	[SYS_set_tid_address] = sys_set_tid_address,
	[SYS_set_robust_list] = sys_set_robust_list,
	[SYS_rseq] = sys_rseq,
	[SYS_sched_yield] = sys_sched_yield,
	[SYS_uname] = sys_uname,
	[SYS_getrandom] = sys_getrandom,

	/* limits.c: what the machine is and allows */
	[SYS_prlimit64] = sys_prlimit64,
	[SYS_setrlimit] = sys_setrlimit,
	[SYS_sysinfo] = sys_sysinfo,
	[SYS_prctl] = sys_prctl,
#ifdef SYS_ugetrlimit /* i386: getrlimit proper; SYS_getrlimit is the old one */
	[SYS_ugetrlimit] = sys_getrlimit,
#else
	[SYS_getrlimit] = sys_getrlimit,
#endif
#if UINTPTR_MAX > 0xffffffffu /* x86-64: the FS base for TLS */
	[SYS_arch_prctl] = sys_arch_prctl,
#else /* i386: TLS through the GDT, 32-bit ids */
	[SYS_set_thread_area] = sys_set_thread_area,
	[SYS_getuid32] = sys_get_id,
	[SYS_geteuid32] = sys_get_id,
	[SYS_getgid32] = sys_get_id,
	[SYS_getegid32] = sys_get_id,
#endif
	[SYS_getuid] = sys_get_id,
	[SYS_geteuid] = sys_get_id,
	[SYS_getgid] = sys_get_id,
	[SYS_getegid] = sys_get_id,
};

/* Say once per number that a call was refused. */
static void report_refused(unsigned long nr)
{
	static unsigned char said[SYSCALL_TABLE_SIZE / 8];
	char line[96];

	if (nr < SYSCALL_TABLE_SIZE) {
		if (said[nr / 8] & (1u << (nr % 8)))
			return;
		said[nr / 8] |= (unsigned char)(1u << (nr % 8));
	}
	int n = snprintf(line, sizeof line, "kvmrun: app: system call %lu (%s) not supported: ENOSYS\n",
			 nr, sizeof(void *) == 8 ? "x86-64" : "i386");
	console_write_stderr(line, (size_t)n);
}

long syscall_dispatch(struct syscall_frame *frame)
{
	unsigned long nr = (unsigned long)frame->nr;

	if (nr < SYSCALL_TABLE_SIZE && table[nr])
		return table[nr](frame->arg);
	report_refused(nr);
	return -ENOSYS;
}
