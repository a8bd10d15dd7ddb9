/* The production seccomp filter (filter_lock_down(), the very code main()
 * runs), installed in a child process: every allowed call with its allowed
 * arguments works, the same call with other arguments and any other call
 * end the process with the SIGSYS report and STATUS_SECCOMP_KILLED. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "../../monitor/exit_status.h"
#include "../../monitor/host_random.h"
#include "../../monitor/core_dump.h"
#include "../../monitor/seccomp_filter.h"

/* Raw system calls: the test must make exactly the call it names, with no
 * libc or sanitizer wrapper adding others. */
#define SYS(...) syscall(__VA_ARGS__)

enum action {
	ALLOWED_WRITE_STDOUT,
	ALLOWED_WRITE_STDERR,
	ALLOWED_READ_STDIN,
	ALLOWED_GETRANDOM,
	ALLOWED_POLL,
	ALLOWED_SETITIMER_REAL,
	ALLOWED_KVM_RUN,
	ALLOWED_GET_REGS,
	ALLOWED_GET_SREGS,
	ALLOWED_GET_MP_STATE,
	ALLOWED_RESTART_SYSCALL,
	ALLOWED_SIGNAL_MSI,
	ALLOWED_SET_GSI_ROUTING,
	ALLOWED_INPUT_WATCH_STOP,
	ALLOWED_EVERYTHING_AT_ONCE,
	REFUSED_OPENAT,
	REFUSED_OPEN,
	FORBIDDEN_WRITE_FD3,
	FORBIDDEN_READ_STDOUT,
	FORBIDDEN_GETRANDOM_NONBLOCK,
	FORBIDDEN_KVM_RUN_ON_VM_FD,
	FORBIDDEN_SET_REGS,
	FORBIDDEN_SIGNAL_MSI_ON_VCPU_FD,
	FORBIDDEN_IRQ_LINE,
	FORBIDDEN_CREATE_IRQCHIP,
	FORBIDDEN_TCGETS,
	REFUSED_MMAP,
	REFUSED_BRK,
	REFUSED_READLINK,
	FORBIDDEN_CLOSE,
	FORBIDDEN_EXECVE,
	FORBIDDEN_UNLINK,
	FORBIDDEN_SOCKET,
	FORBIDDEN_SETITIMER_VIRTUAL,
	FORBIDDEN_FCNTL_SETOWN,
	FORBIDDEN_FCNTL_STDOUT,
	POLL_THROUGH_STOP_AND_CONTINUE, /* not in the loops above: needs the parent's help */
	/* --dumpcore's rules (with_core): status 8 when the call did what the
	 * case says, 9 when openat was refused with ENOENT instead */
	CORE_CREATE_AND_WRITE,
	CORE_OPEN_EXISTING,
	CORE_OTHER_DIRECTORY,
	CORE_WRITE_OTHER_FD,
	/* --gdb's rules (with_gdb): exit 7 when allowed */
	GDB_CONNECTION_IO,
	GDB_VCPU_IOCTLS,
	GDB_GET_FPU,
	TRACE_FILE_WRITE, /* with_trace: exit 7 when allowed */
};

struct outcome {
	int status;      /* exit status, or -signal */
	char err[512];   /* what the child wrote on stderr */
};

static int vm_fd, vcpu_fd, extra_fd;
static const char *with_core; /* a directory: the child's filter is --dumpcore's */
static int with_gdb;          /* the child's filter is --gdb's, with a socket pair */
static int gdb_fd;
static int with_trace, trace_fd; /* the child's filter is --trace-file's */
static int core_dir_fd, core_file_fd;
static int wake[2]; /* the parent ends a child's poll by writing here */

static void act(enum action a)
{
	char buf[16] = "x";
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_irq_level irq = { .irq = 5, .level = 0 };
	struct kvm_msi msi = { .address_lo = 0xfee00000, .data = 0x40 };
	struct kvm_irq_routing routing = { .nr = 0 };
	struct termios t;
	struct itimerval off = { 0 };
	struct kvm_mp_state mp;

	switch (a) {
	case ALLOWED_WRITE_STDOUT: SYS(SYS_write, 1, buf, 1); break;
	case ALLOWED_WRITE_STDERR: SYS(SYS_write, 2, "", 0); break;
	case ALLOWED_READ_STDIN: SYS(SYS_read, 0, buf, sizeof buf); break;
	/* Exactly what the entropy device does. */
	case ALLOWED_GETRANDOM: host_random_fill(buf, sizeof buf); break;
	case ALLOWED_POLL: SYS(SYS_poll, NULL, 0, 0); break;
	case ALLOWED_SETITIMER_REAL: SYS(SYS_setitimer, ITIMER_REAL, &off, NULL); break;
	/* The stand-in descriptors are not KVM's: the calls fail with ENOTTY,
	 * but the filter lets them through, which is what is tested. */
	case ALLOWED_KVM_RUN: SYS(SYS_ioctl, vcpu_fd, KVM_RUN, 0); break;
	case ALLOWED_GET_REGS: SYS(SYS_ioctl, vcpu_fd, KVM_GET_REGS, &regs); break;
	case ALLOWED_GET_SREGS: SYS(SYS_ioctl, vcpu_fd, KVM_GET_SREGS, &sregs); break;
	case ALLOWED_GET_MP_STATE: SYS(SYS_ioctl, vcpu_fd, KVM_GET_MP_STATE, &mp); break;
	/* With nothing to restart the kernel answers EINTR; the filter must
	 * let it through (see POLL_THROUGH_STOP_AND_CONTINUE for the real use). */
	case ALLOWED_RESTART_SYSCALL: SYS(SYS_restart_syscall); break;
	case ALLOWED_SIGNAL_MSI: SYS(SYS_ioctl, vm_fd, KVM_SIGNAL_MSI, &msi); break;
	case ALLOWED_SET_GSI_ROUTING: SYS(SYS_ioctl, vm_fd, KVM_SET_GSI_ROUTING, &routing); break;
	/* What kvmrun does at exit: F_GETFL, then F_SETFL on standard input. */
	case ALLOWED_INPUT_WATCH_STOP: SYS(SYS_fcntl, 0, F_SETFL, SYS(SYS_fcntl, 0, F_GETFL)); break;
	case ALLOWED_EVERYTHING_AT_ONCE:
		for (enum action b = ALLOWED_WRITE_STDOUT; b < ALLOWED_EVERYTHING_AT_ONCE; b++)
			act(b);
		break;
	case REFUSED_OPENAT:
		if (SYS(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY) == -1 && errno == ENOENT)
			SYS(SYS_exit_group, 8);
		break;
	case REFUSED_OPEN:
		if (SYS(SYS_open, "/etc/passwd", O_RDONLY) == -1 && errno == ENOENT)
			SYS(SYS_exit_group, 8);
		break;
	case FORBIDDEN_WRITE_FD3: SYS(SYS_write, extra_fd, buf, 1); break;
	case FORBIDDEN_READ_STDOUT: SYS(SYS_read, 1, buf, 1); break;
	case FORBIDDEN_GETRANDOM_NONBLOCK: SYS(SYS_getrandom, buf, sizeof buf, GRND_NONBLOCK); break;
	case FORBIDDEN_KVM_RUN_ON_VM_FD: SYS(SYS_ioctl, vm_fd, KVM_RUN, 0); break;
	case FORBIDDEN_SET_REGS: SYS(SYS_ioctl, vcpu_fd, KVM_SET_REGS, &regs); break;
	case FORBIDDEN_SIGNAL_MSI_ON_VCPU_FD: SYS(SYS_ioctl, vcpu_fd, KVM_SIGNAL_MSI, &msi); break;
	/* The in-kernel irqchip's calls: kvmrun's IOAPIC is its own. */
	case FORBIDDEN_IRQ_LINE: SYS(SYS_ioctl, vm_fd, KVM_IRQ_LINE, &irq); break;
	case FORBIDDEN_CREATE_IRQCHIP: SYS(SYS_ioctl, vm_fd, KVM_CREATE_IRQCHIP, 0); break;
	case FORBIDDEN_TCGETS: SYS(SYS_ioctl, 1, TCGETS, &t); break;
	/* Refused calls fail with ENOMEM: the child says so with status 8. */
	case REFUSED_MMAP:
		if (SYS(SYS_mmap, NULL, 4096, 3, 0x22, -1, 0) == -1 && errno == ENOMEM)
			SYS(SYS_exit_group, 8);
		break;
	case REFUSED_BRK:
		if (SYS(SYS_brk, 0) == -1 && errno == ENOMEM)
			SYS(SYS_exit_group, 8);
		break;
	case REFUSED_READLINK:
		if (SYS(SYS_readlink, "/proc/self/exe", buf, sizeof buf) == -1 && errno == ENOENT)
			SYS(SYS_exit_group, 8);
		break;
	case FORBIDDEN_CLOSE: SYS(SYS_close, vm_fd); break;
	case FORBIDDEN_EXECVE: SYS(SYS_execve, "/bin/true", NULL, NULL); break;
	case FORBIDDEN_UNLINK: SYS(SYS_unlink, "/nonexistent/kvmrun-test"); break;
	case FORBIDDEN_SOCKET: SYS(SYS_socket, 2, 1, 0); break;
	case FORBIDDEN_SETITIMER_VIRTUAL: SYS(SYS_setitimer, ITIMER_VIRTUAL, &off, NULL); break;
	case FORBIDDEN_FCNTL_SETOWN: SYS(SYS_fcntl, 0, F_SETOWN, 1); break;
	case FORBIDDEN_FCNTL_STDOUT: SYS(SYS_fcntl, 1, F_SETFL, 0); break;
	case CORE_CREATE_AND_WRITE: {
		long fd = SYS(SYS_openat, core_dir_fd, "core", CORE_DUMP_OPEN_FLAGS, 0600);
		if (fd == core_file_fd && SYS(SYS_write, fd, "x", 1) == 1)
			SYS(SYS_exit_group, 8);
		if (fd == -1 && errno == ENOENT)
			SYS(SYS_exit_group, 9);
		break;
	}
	case CORE_OPEN_EXISTING: /* the right directory, but not O_CREAT|O_EXCL */
		if (SYS(SYS_openat, core_dir_fd, "existing", O_WRONLY | O_CLOEXEC) == -1 && errno == ENOENT)
			SYS(SYS_exit_group, 9);
		break;
	case CORE_OTHER_DIRECTORY:
		if (SYS(SYS_openat, AT_FDCWD, "/tmp/kvmrun-core-test", CORE_DUMP_OPEN_FLAGS, 0600) == -1 &&
		    errno == ENOENT)
			SYS(SYS_exit_group, 9);
		break;
	case CORE_WRITE_OTHER_FD: SYS(SYS_write, core_file_fd + 1, buf, 1); break;
	/* The stand-ins are /dev/null: the ioctls fail, the filter lets them by. */
	case GDB_CONNECTION_IO:
		SYS(SYS_write, gdb_fd, "+", 1);
		SYS(SYS_read, gdb_fd, buf, sizeof buf);
		break;
	case GDB_VCPU_IOCTLS: {
		struct kvm_guest_debug dbg = { 0 };
		struct kvm_fpu fpu;
		SYS(SYS_ioctl, vcpu_fd, KVM_SET_GUEST_DEBUG, &dbg);
		SYS(SYS_ioctl, vcpu_fd, KVM_SET_REGS, &regs);
		SYS(SYS_ioctl, vcpu_fd, KVM_GET_FPU, &fpu);
		SYS(SYS_ioctl, vcpu_fd, KVM_SET_FPU, &fpu);
		break;
	}
	case TRACE_FILE_WRITE: SYS(SYS_write, trace_fd, "x", 1); break;
	case GDB_GET_FPU: {
		struct kvm_fpu fpu;
		SYS(SYS_ioctl, vcpu_fd, KVM_GET_FPU, &fpu);
		break;
	}
	case POLL_THROUGH_STOP_AND_CONTINUE: {
		/* Stopped and continued while blocked, poll resumes through
		 * restart_syscall (kernel/signal.c, ERESTART_RESTARTBLOCK). */
		struct pollfd pfd = { .fd = wake[0], .events = POLLIN };
		SYS(SYS_poll, &pfd, 1, -1);
		break;
	}
	}
}

/* Fork, lock the child down with the production filter, make the call,
 * exit 7 through exit_group. between (if given) runs in the parent while
 * the child is locked down. */
static struct outcome run_locked_with(enum action a, void (*between)(pid_t child))
{
	struct outcome out = { 0 };
	int errpipe[2], status;

	assert_int_equal(pipe(errpipe), 0);
	assert_int_equal(pipe(wake), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(errpipe[1], 2);
		vm_fd = open("/dev/null", O_RDWR);
		vcpu_fd = open("/dev/null", O_RDWR);
		extra_fd = open("/dev/null", O_RDWR);
		struct filter_fds fds = { .vm_fd = vm_fd, .vcpu_fd = vcpu_fd, .core_dir_fd = -1,
					  .core_file_fd = -1, .gdb_fd = -1, .trace_fd = -1 };
		trace_fd = open("/dev/null", O_WRONLY);
		if (with_trace)
			fds.trace_fd = trace_fd;
		if (with_gdb) {
			int pair[2];
			socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair);
			gdb_fd = pair[0];
			fds.gdb_fd = gdb_fd;
		}
		if (with_core) {
			core_dir_fd = open(with_core, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			core_file_fd = dup(0); /* the lowest free one, as core_dump.c finds it */
			close(core_file_fd);
			fds.core_dir_fd = core_dir_fd;
			fds.core_file_fd = core_file_fd;
		}
		char err[256];
		if (filter_lock_down(&fds, err, sizeof err) < 0) {
			SYS(SYS_write, 2, err, strlen(err));
			SYS(SYS_exit_group, 99);
		}
		act(a);
		SYS(SYS_exit_group, 7);
	}
	close(errpipe[1]);
	close(wake[0]);
	if (between)
		between(pid);
	close(wake[1]);
	size_t used = 0;
	ssize_t n;
	while ((n = read(errpipe[0], out.err + used, sizeof out.err - 1 - used)) > 0)
		used += (size_t)n;
	close(errpipe[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
	return out;
}

static struct outcome run_locked(enum action a)
{
	return run_locked_with(a, NULL);
}

static void assert_allowed(enum action a)
{
	struct outcome out = run_locked(a);
	if (out.status != 7)
		fail_msg("allowed call %d: status %d, stderr: %s", a, out.status, out.err);
	assert_string_equal(out.err, "");
}

static void assert_killed(enum action a, const char *syscall_name)
{
	struct outcome out = run_locked(a);
	char want[128];

	if (out.status != STATUS_SECCOMP_KILLED)
		fail_msg("forbidden call %d: status %d, stderr: %s", a, out.status, out.err);
	snprintf(want, sizeof want,
		 "kvmrun: sandbox violation: the seccomp filter forbids system call %s", syscall_name);
	assert_contains(out.err, want);
	assert_contains(out.err, ": kvmrun stopped\n");
	/* One line. */
	assert_ptr_equal(strchr(out.err, '\n'), out.err + strlen(out.err) - 1);
}

static void test_allowed_calls(void **state)
{
	(void)state;
	for (enum action a = ALLOWED_WRITE_STDOUT; a <= ALLOWED_EVERYTHING_AT_ONCE; a++)
		assert_allowed(a);
}

static void test_forbidden_call(void **state)
{
	(void)state;
	assert_killed(FORBIDDEN_UNLINK, "unlink (87)");
	assert_killed(FORBIDDEN_EXECVE, "execve (59)");
	assert_killed(FORBIDDEN_SOCKET, "socket (41)");
	assert_killed(FORBIDDEN_CLOSE, "close (3)");
}

static void test_allowed_call_other_arguments(void **state)
{
	(void)state;
	assert_killed(FORBIDDEN_WRITE_FD3, "write (1)");
	assert_killed(FORBIDDEN_READ_STDOUT, "read (0)");
	assert_killed(FORBIDDEN_GETRANDOM_NONBLOCK, "getrandom (318)");
	assert_killed(FORBIDDEN_KVM_RUN_ON_VM_FD, "ioctl (16)");
	assert_killed(FORBIDDEN_SET_REGS, "ioctl (16)");
	assert_killed(FORBIDDEN_SIGNAL_MSI_ON_VCPU_FD, "ioctl (16)");
	assert_killed(FORBIDDEN_IRQ_LINE, "ioctl (16)");
	assert_killed(FORBIDDEN_CREATE_IRQCHIP, "ioctl (16)");
	assert_killed(FORBIDDEN_TCGETS, "ioctl (16)");
	assert_killed(FORBIDDEN_SETITIMER_VIRTUAL, "setitimer (38)");
	assert_killed(FORBIDDEN_FCNTL_SETOWN, "fcntl (72)");
	assert_killed(FORBIDDEN_FCNTL_STDOUT, "fcntl (72)");
}

static void assert_refused(enum action a)
{
	struct outcome out = run_locked(a);
	if (out.status != 8)
		fail_msg("refused call %d: status %d, stderr: %s", a, out.status, out.err);
	assert_string_equal(out.err, "");
}

/* brk and mmap fail with ENOMEM, quietly: the heap cannot grow, and a
 * crash report's symbol lookup past its reserve gets NULL from malloc. The
 * sanitizer build (this test's) lets its allocator map memory; release
 * builds refuse mmap as they refuse brk. readlink and open find nothing. */
static void test_refused_calls(void **state)
{
	(void)state;
	assert_refused(REFUSED_BRK);
	assert_refused(REFUSED_READLINK);
	assert_refused(REFUSED_OPENAT);
	assert_refused(REFUSED_OPEN);
#ifdef __SANITIZE_ADDRESS__
	assert_allowed(REFUSED_MMAP);
#else
	assert_refused(REFUSED_MMAP);
#endif
	assert_int_equal(filter_refusal_count, 5);
	for (size_t i = 0; i < filter_refusal_count; i++)
		assert_true(strlen(filter_refusals[i].why) > 0);
}

/* SIGSTOP and SIGCONT while the child waits in poll (as kvmrun does for
 * input): Ctrl-Z and fg, a debugger attaching, a cgroup freeze. */
static void stop_and_continue(pid_t child)
{
	usleep(100 * 1000); /* the child locks itself down and blocks in poll */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(kill(child, SIGSTOP), 0);
		usleep(20 * 1000);
		assert_int_equal(kill(child, SIGCONT), 0);
		usleep(20 * 1000);
	}
	/* Fails (EPIPE) if the filter killed the child: its status says so. */
	ssize_t unused = write(wake[1], "x", 1);
	(void)unused;
}

static void test_poll_survives_stop_and_continue(void **state)
{
	(void)state;
	struct outcome out = run_locked_with(POLL_THROUGH_STOP_AND_CONTINUE, stop_and_continue);
	if (out.status != 7)
		fail_msg("stopped and continued in poll: status %d, stderr: %s", out.status, out.err);
}

/* --dumpcore's filter: a new file in its directory, written through the
 * one descriptor it gets; nothing else opened, nothing else written. A
 * normal run's filter refuses even that openat. */
static void test_core_rules(void **state)
{
	char dir[] = "/tmp/kvmrun-seccomp-core-XXXXXX", path[64];
	struct outcome out;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/existing", dir);
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);

	with_core = dir;
	out = run_locked(CORE_CREATE_AND_WRITE);
	if (out.status != 8)
		fail_msg("--dumpcore's core file: status %d, stderr: %s", out.status, out.err);
	snprintf(path, sizeof path, "%s/core", dir);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(run_locked(CORE_OPEN_EXISTING).status, 9);
	assert_int_equal(run_locked(CORE_OTHER_DIRECTORY).status, 9);
	assert_killed(CORE_WRITE_OTHER_FD, "write (1)");
	/* The normal rules stay as they were. */
	assert_killed(FORBIDDEN_UNLINK, "unlink (87)");
	assert_refused(REFUSED_OPENAT);

	with_core = NULL;
	assert_int_equal(run_locked(CORE_CREATE_AND_WRITE).status, 9);
	assert_int_equal(stat(path, &st), -1);
	snprintf(path, sizeof path, "%s/existing", dir);
	unlink(path);
	rmdir(dir);
	assert_int_equal(filter_core_rule_count, 2);
}

/* --gdb's filter: its connection and the vCPU state the stub needs; the
 * rest as before. A normal run's filter has none of it. */
static void test_gdb_rules(void **state)
{
	(void)state;
	with_gdb = 1;
	assert_allowed(GDB_CONNECTION_IO);
	assert_allowed(GDB_VCPU_IOCTLS);
	assert_killed(FORBIDDEN_WRITE_FD3, "write (1)");
	assert_killed(FORBIDDEN_SOCKET, "socket (41)");
	assert_killed(FORBIDDEN_SIGNAL_MSI_ON_VCPU_FD, "ioctl (16)");
	with_gdb = 0;
	assert_killed(GDB_GET_FPU, "ioctl (16)");
	assert_killed(FORBIDDEN_SET_REGS, "ioctl (16)");
	assert_int_equal(filter_gdb_rule_count, 6);
	for (size_t i = 0; i < filter_gdb_rule_count; i++)
		assert_true(strlen(filter_gdb_rules[i].why) > 0);
}

/* --trace-file's filter: writes to its file, nothing more. */
static void test_trace_rules(void **state)
{
	(void)state;
	with_trace = 1;
	assert_allowed(TRACE_FILE_WRITE);
	assert_killed(FORBIDDEN_WRITE_FD3, "write (1)");
	with_trace = 0;
	assert_killed(TRACE_FILE_WRITE, "write (1)");
	assert_int_equal(filter_trace_rule_count, 1);
}

static void test_rule_count(void **state)
{
	(void)state;
	/* The README lists 17 rules, each documented. */
	assert_int_equal(filter_rule_count, 17);
	for (size_t i = 0; i < filter_rule_count; i++) {
		assert_non_null(filter_rules[i].call);
		assert_true(strlen(filter_rules[i].why) > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_calls),
		cmocka_unit_test(test_forbidden_call),
		cmocka_unit_test(test_allowed_call_other_arguments),
		cmocka_unit_test(test_refused_calls),
		cmocka_unit_test(test_poll_survives_stop_and_continue),
		cmocka_unit_test(test_rule_count),
		cmocka_unit_test(test_core_rules),
		cmocka_unit_test(test_gdb_rules),
		cmocka_unit_test(test_trace_rules),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
