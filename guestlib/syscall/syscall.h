/* The Linux system-call layer inside the guest: the app's C library (musl)
 * makes Linux system calls; cpu/syscall_entry{32,64}.S catch them and
 * syscall_dispatch() (table.c) runs the handler the table names for the
 * number. Nothing is forwarded to the host: each call is served from
 * start_info, guest RAM and the virtio devices, or refused with -ENOSYS.
 *
 * A handler takes the six argument registers and returns the result
 * Linux would, a negative errno on failure. */
#ifndef KVMRUN_GUEST_SYSCALL_H
#define KVMRUN_GUEST_SYSCALL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/* What the entry code pushes: the number, then the arguments in order. */
struct syscall_frame {
	long nr;
	long arg[6];
};

typedef long (*syscall_handler)(const long *arg);

long syscall_dispatch(struct syscall_frame *frame);

/* Whether [addr, addr + len) is guest RAM the app may name; handlers check
 * every pointer they are given with it and answer -EFAULT otherwise. */
int user_mem_ok(uintptr_t addr, size_t len);
void user_mem_init(void);
/* Leave [addr, addr + len) out of what user_mem_ok() accepts: an unmapped
 * guard page, which the runtime must not touch for the app. */
void user_mem_exclude(uintptr_t addr, size_t len);

/* Whether the app's NUL-ended string at addr is s: 1 or 0, read only as
 * far as it matches; -EFAULT when that runs into memory it may not name. */
int user_string_is(uintptr_t addr, const char *s);

/* End the app with a status (exit_group, signals). */
__attribute__((noreturn)) void app_exit(int status);

/* io.c */
long sys_read(const long *arg);
long sys_readv(const long *arg);
long sys_write(const long *arg);
long sys_writev(const long *arg);
long sys_ioctl(const long *arg);
long sys_fstat(const long *arg);
long sys_fstatat(const long *arg);
long sys_statx(const long *arg);
long sys_lseek(const long *arg);
long sys_no_such_file(const long *arg);
long sys_getcwd(const long *arg);
long sys_readlink(const long *arg);
long sys_readlinkat(const long *arg);

/* fd_table.c: at most FD_TABLE_SIZE descriptors, fewer when RLIMIT_NOFILE
 * says so (limits_open_files(), limits.c) */
#define FD_TABLE_SIZE 1024
long limits_open_files(void);
long sys_close(const long *arg);
long sys_fcntl(const long *arg);
int fd_stream(long fd); /* 0, 1, 2: the console stream fd leads to; -1 if closed */
long sys_dup(const long *arg);
long sys_dup2(const long *arg);
long sys_dup3(const long *arg);

/* network.c */
long sys_socket(const long *arg);
long sys_socket_fd(const long *arg);
long sys_socketcall(const long *arg);

/* memory.c */
long sys_brk(const long *arg);
long sys_mmap(const long *arg);
long sys_mmap2(const long *arg);
long sys_munmap(const long *arg);
long sys_mremap(const long *arg);
long sys_mprotect(const long *arg);
long sys_madvise(const long *arg);

/* time.c */
/* Nanoseconds since kvmrun read the wall clock, just before the guest
 * started: the machine's uptime, which sysinfo reports too. */
uint64_t uptime_ns(void);
long sys_clock_gettime(const long *arg);
long sys_clock_gettime64(const long *arg);
long sys_clock_getres(const long *arg);
long sys_clock_getres64(const long *arg);
long sys_gettimeofday(const long *arg);
long sys_time(const long *arg);
long sys_nanosleep(const long *arg);
long sys_clock_nanosleep(const long *arg);
long sys_clock_nanosleep64(const long *arg);

/* process.c */
long sys_exit_group(const long *arg);
long sys_getpid(const long *arg);
long sys_getppid(const long *arg);
long sys_kill(const long *arg);
long sys_tkill(const long *arg);
long sys_tgkill(const long *arg);
long sys_rt_sigaction(const long *arg);
long sys_rt_sigprocmask(const long *arg);
long sys_sigaltstack(const long *arg);
long sys_set_tid_address(const long *arg);
long sys_set_robust_list(const long *arg);
long sys_rseq(const long *arg);
long sys_sched_yield(const long *arg);
long sys_arch_prctl(const long *arg);
long sys_set_thread_area(const long *arg);
long sys_uname(const long *arg);
long sys_get_id(const long *arg);

/* limits.c */
long sys_prlimit64(const long *arg);
long sys_getrlimit(const long *arg);
long sys_setrlimit(const long *arg);
long sys_sysinfo(const long *arg);
long sys_prctl(const long *arg);

/* random.c */
long sys_getrandom(const long *arg);

#endif
