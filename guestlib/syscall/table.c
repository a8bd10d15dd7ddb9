/* The system-call table: every call the guest serves, one line each, at
 * its number for the app's width (musl's <sys/syscall.h> gives x86-64's or
 * i386's), with its name and how --trace=syscalls shows its arguments
 * (trace.c). A number without a line is refused with -ENOSYS, and said once
 * on kvmrun's standard error, so a user can see what a program asked for
 * that kvmrun does not do. */
#include <stdint.h>
#include <sys/syscall.h>

#include "console_io.h"
#include "text_line.h"
#include "syscall/syscall.h"
#include "syscall/trace.h"

#define SYSCALL_TABLE_SIZE 512

struct syscall_entry {
	syscall_handler handler;
	const char *name;
	const char *shape; /* the result's and the arguments' kinds (trace.h) */
};

/* CALL(read, sys_read, "ddru"): the name is the number's, less "SYS_". */
#define CALL(call, fn, shape) [SYS_##call] = { fn, #call, shape }

static const struct syscall_entry table[SYSCALL_TABLE_SIZE] = {
	/* io.c, fd_table.c: every fd leads to a console stream; there are no
	 * files, and the root is the only directory */
	CALL(read, sys_read, "ddru"),
	CALL(readv, sys_readv, "ddxd"),
	CALL(write, sys_write, "ddbu"),
	CALL(writev, sys_writev, "ddxd"),
	CALL(ioctl, sys_ioctl, "ddxx"),
	CALL(lseek, sys_lseek, "dddd"),
	CALL(close, sys_close, "dd"),
	CALL(fcntl, sys_fcntl, "dddx"),
	CALL(dup, sys_dup, "dd"),
	CALL(dup2, sys_dup2, "ddd"),
	CALL(dup3, sys_dup3, "dddx"),
	CALL(statx, sys_statx, "ddsxxx"),
	CALL(getcwd, sys_getcwd, "dxu"),
	CALL(open, sys_no_such_file, "dsxo"),
	CALL(openat, sys_no_such_file, "ddsxo"),
	CALL(stat, sys_no_such_file, "dsx"),
	CALL(lstat, sys_no_such_file, "dsx"),
	CALL(access, sys_no_such_file, "dsx"),
	CALL(faccessat, sys_no_such_file, "ddsx"),
	CALL(faccessat2, sys_no_such_file, "ddsxx"),
	CALL(readlink, sys_readlink, "dsxu"),
	CALL(readlinkat, sys_readlinkat, "ddsxu"),
#ifdef SYS_fstat64 /* i386 */
	CALL(fstat64, sys_fstat, "ddx"),
	CALL(fstatat64, sys_fstatat, "ddsxx"),
	CALL(stat64, sys_no_such_file, "dsx"),
	CALL(lstat64, sys_no_such_file, "dsx"),
	CALL(_llseek, sys_lseek, "dduuxd"),
	CALL(fcntl64, sys_fcntl, "dddx"),
#else
	CALL(fstat, sys_fstat, "ddx"),
	CALL(newfstatat, sys_fstatat, "ddsxx"),
#endif

	/* network.c: there is none */
	CALL(socket, sys_socket, "dddd"),
	CALL(socketpair, sys_socket, "ddddx"),
	CALL(connect, sys_socket_fd, "ddxu"),
	CALL(bind, sys_socket_fd, "ddxu"),
	CALL(listen, sys_socket_fd, "ddd"),
	CALL(accept4, sys_socket_fd, "ddxxx"),
	CALL(getsockname, sys_socket_fd, "ddxx"),
	CALL(getpeername, sys_socket_fd, "ddxx"),
	CALL(sendto, sys_socket_fd, "ddbuxxu"),
	CALL(recvfrom, sys_socket_fd, "ddxuxxx"),
	CALL(sendmsg, sys_socket_fd, "ddxx"),
	CALL(recvmsg, sys_socket_fd, "ddxx"),
	CALL(sendmmsg, sys_socket_fd, "ddxux"),
	CALL(recvmmsg, sys_socket_fd, "ddxuxx"),
	CALL(shutdown, sys_socket_fd, "ddd"),
	CALL(setsockopt, sys_socket_fd, "ddddxu"),
	CALL(getsockopt, sys_socket_fd, "ddddxx"),
#ifdef SYS_accept /* x86-64 only: i386 has accept4 and socketcall */
	CALL(accept, sys_socket_fd, "ddxx"),
#endif
#ifdef SYS_socketcall /* i386: the calls multiplexed */
	CALL(socketcall, sys_socketcall, "ddx"),
#endif

	/* memory.c: anonymous memory from guest RAM */
	CALL(brk, sys_brk, "xx"),
	CALL(munmap, sys_munmap, "dxu"),
	CALL(mremap, sys_mremap, "xxuuxx"),
	CALL(mprotect, sys_mprotect, "dxux"),
	CALL(madvise, sys_madvise, "dxud"),
#ifdef SYS_mmap2 /* i386: offset in pages */
	CALL(mmap2, sys_mmap2, "xxuxxdx"),
#else
	CALL(mmap, sys_mmap, "xxuxxdx"),
#endif

	/* time.c: the TSC, read without an exit; sleeps halt */
	CALL(nanosleep, sys_nanosleep, "dxx"),
	CALL(time, sys_time, "dx"),
#ifdef SYS_clock_gettime64 /* i386: the 64-bit time_t calls, and the
			    * older ones musl's headers name *_time32 */
	CALL(clock_gettime64, sys_clock_gettime64, "ddx"),
	CALL(clock_getres_time64, sys_clock_getres64, "ddx"),
	CALL(clock_nanosleep_time64, sys_clock_nanosleep64, "dddxx"),
	CALL(clock_gettime32, sys_clock_gettime, "ddx"),
	CALL(clock_getres_time32, sys_clock_getres, "ddx"),
	CALL(clock_nanosleep_time32, sys_clock_nanosleep, "dddxx"),
	CALL(gettimeofday_time32, sys_gettimeofday, "dxx"),
#else
	CALL(clock_gettime, sys_clock_gettime, "ddx"),
	CALL(clock_getres, sys_clock_getres, "ddx"),
	CALL(clock_nanosleep, sys_clock_nanosleep, "dddxx"),
	CALL(gettimeofday, sys_gettimeofday, "dxx"),
#endif

	/* process.c: one process, one thread, no signal delivery */
	CALL(exit, sys_exit_group, "?d"),
	CALL(exit_group, sys_exit_group, "?d"),
	CALL(getpid, sys_getpid, "d"),
	CALL(gettid, sys_getpid, "d"),
	CALL(getppid, sys_getppid, "d"),
	CALL(kill, sys_kill, "ddd"),
	CALL(tkill, sys_tkill, "ddd"),
	CALL(tgkill, sys_tgkill, "dddd"),
	CALL(rt_sigaction, sys_rt_sigaction, "ddxxu"),
	CALL(rt_sigprocmask, sys_rt_sigprocmask, "ddxxu"),
	CALL(sigaltstack, sys_sigaltstack, "dxx"),
	CALL(set_tid_address, sys_set_tid_address, "dx"),
	CALL(set_robust_list, sys_set_robust_list, "dxu"),
	CALL(rseq, sys_rseq, "dxuxx"),
	CALL(sched_yield, sys_sched_yield, "d"),
	CALL(uname, sys_uname, "dx"),
	CALL(getrandom, sys_getrandom, "drux"),

	/* limits.c: what the machine is and allows */
	CALL(prlimit64, sys_prlimit64, "dddxx"),
	CALL(setrlimit, sys_setrlimit, "ddx"),
	CALL(sysinfo, sys_sysinfo, "dx"),
	CALL(prctl, sys_prctl, "ddxxxx"),
#ifdef SYS_ugetrlimit /* i386: getrlimit proper; SYS_getrlimit is the old one */
	CALL(ugetrlimit, sys_getrlimit, "ddx"),
#else
	CALL(getrlimit, sys_getrlimit, "ddx"),
#endif
#if UINTPTR_MAX > 0xffffffffu /* x86-64: the FS base for TLS */
	CALL(arch_prctl, sys_arch_prctl, "ddx"),
#else /* i386: TLS through the GDT, 32-bit ids */
	CALL(set_thread_area, sys_set_thread_area, "dx"),
	CALL(getuid32, sys_get_id, "d"),
	CALL(geteuid32, sys_get_id, "d"),
	CALL(getgid32, sys_get_id, "d"),
	CALL(getegid32, sys_get_id, "d"),
#endif
	CALL(getuid, sys_get_id, "d"),
	CALL(geteuid, sys_get_id, "d"),
	CALL(getgid, sys_get_id, "d"),
	CALL(getegid, sys_get_id, "d"),
};

/* Say once per number that a call was refused. */
void syscall_refused(unsigned long nr)
{
	static unsigned char said[SYSCALL_TABLE_SIZE / 8];
	char buf[96];
	struct text_line l;

	if (nr < SYSCALL_TABLE_SIZE) {
		if (said[nr / 8] & (1u << (nr % 8)))
			return;
		said[nr / 8] |= (unsigned char)(1u << (nr % 8));
	}
	text_line_init(&l, buf, sizeof buf);
	text_str(&l, "kvmrun: app: system call ");
	text_udec(&l, nr);
	text_str(&l, sizeof(void *) == 8 ? " (x86-64)" : " (i386)");
	text_str(&l, " not supported: ENOSYS\n");
	console_write_stderr(buf, l.used);
}

long syscall_dispatch(struct syscall_frame *frame)
{
	unsigned long nr = (unsigned long)frame->nr;
	const struct syscall_entry *e = nr < SYSCALL_TABLE_SIZE && table[nr].handler ? &table[nr] : NULL;

	if (__builtin_expect(syscall_tracing, 0))
		return syscall_traced(frame, e ? e->handler : NULL, e ? e->name : NULL,
				      e ? e->shape : NULL);
	if (e)
		return e->handler(frame->arg);
	syscall_refused(nr);
	return -ENOSYS;
}
