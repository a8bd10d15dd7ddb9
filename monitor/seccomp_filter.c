#include "seccomp_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "core_dump.h"
#include "diag.h"
#include "exit_status.h"
#include "input_watch.h"

#define FD(kind, i) { FILTER_ARG_##kind, i, 0 }
#define EQ(i, v) { FILTER_ARG_CONST, i, v }

const struct filter_rule filter_rules[] = {
	{ "ioctl", "vCPU fd, KVM_RUN", "run the guest",
	  SCMP_SYS(ioctl), { FD(VCPU_FD, 0), EQ(1, KVM_RUN) } },
	{ "ioctl", "vCPU fd, KVM_GET_REGS", "guest registers for crash reports",
	  SCMP_SYS(ioctl), { FD(VCPU_FD, 0), EQ(1, KVM_GET_REGS) } },
	{ "ioctl", "vCPU fd, KVM_GET_SREGS", "guest control registers for crash reports",
	  SCMP_SYS(ioctl), { FD(VCPU_FD, 0), EQ(1, KVM_GET_SREGS) } },
	{ "ioctl", "vCPU fd, KVM_GET_MP_STATE", "tell a guest halted for good (cli; hlt) from a waiting one",
	  SCMP_SYS(ioctl), { FD(VCPU_FD, 0), EQ(1, KVM_GET_MP_STATE) } },
	{ "ioctl", "VM fd, KVM_SIGNAL_MSI", "interrupts from the IOAPIC (the devices' used buffers)",
	  SCMP_SYS(ioctl), { FD(VM_FD, 0), EQ(1, KVM_SIGNAL_MSI) } },
	{ "ioctl", "VM fd, KVM_SET_GSI_ROUTING", "EOI routes of level-triggered IOAPIC pins",
	  SCMP_SYS(ioctl), { FD(VM_FD, 0), EQ(1, KVM_SET_GSI_ROUTING) } },
	{ "read", "fd 0", "console input", SCMP_SYS(read), { EQ(0, STDIN_FILENO) } },
	{ "write", "fd 1", "console output", SCMP_SYS(write), { EQ(0, STDOUT_FILENO) } },
	{ "write", "fd 2", "diagnostics, the guest's standard error", SCMP_SYS(write), { EQ(0, STDERR_FILENO) } },
	{ "getrandom", "flags 0", "the entropy device (the system call itself, not libc's vDSO "
	  "getrandom)", SCMP_SYS(getrandom), { EQ(2, 0) } },
	{ "fcntl", "fd 0, F_GETFL", "take O_ASYNC off standard input at exit (input_watch.c)",
	  SCMP_SYS(fcntl), { EQ(0, STDIN_FILENO), EQ(1, F_GETFL) } },
	{ "fcntl", "fd 0, F_SETFL", "take O_ASYNC off standard input at exit, so that no later "
	  "process sharing it gets kvmrun's SIGIO", SCMP_SYS(fcntl), { EQ(0, STDIN_FILENO), EQ(1, F_SETFL) } },
	{ "poll", "(pointer argument: not narrowable)", "wait for console input or output room",
	  SCMP_SYS(poll), { { 0 } } },
	{ "rt_sigreturn", "", "return from the stop-signal, halt-watch and input-watch handlers",
	  SCMP_SYS(rt_sigreturn), { { 0 } } },
	{ "restart_syscall", "", "resume a poll interrupted by a stop and continue (SIGSTOP or "
	  "Ctrl-Z then SIGCONT, a debugger attaching, a cgroup freeze)",
	  SCMP_SYS(restart_syscall), { { 0 } } },
	{ "setitimer", "ITIMER_REAL", "once a stop is requested, keep interrupting blocked calls",
	  SCMP_SYS(setitimer), { EQ(0, ITIMER_REAL) } },
	{ "exit_group", "", "exit", SCMP_SYS(exit_group), { { 0 } } },
};
const size_t filter_rule_count = sizeof filter_rules / sizeof filter_rules[0];

const struct filter_rule filter_core_rules[] = {
	{ "openat", "--dumpcore's directory, flags: create a new file, write only", "the core file, "
	  "made at a crash (core_dump.c); no existing file can be opened", SCMP_SYS(openat),
	  { FD(CORE_DIR_FD, 0), EQ(2, CORE_DUMP_OPEN_FLAGS) } },
	{ "write", "the core file's fd", "the core file's contents", SCMP_SYS(write),
	  { FD(CORE_FILE_FD, 0) } },
};
const size_t filter_core_rule_count = sizeof filter_core_rules / sizeof filter_core_rules[0];

const struct filter_rule filter_gdb_rules[] = {
	{ "read", "gdb's connection", "GDB's packets (gdb_stub.c)", SCMP_SYS(read), { FD(GDB_FD, 0) } },
	{ "write", "gdb's connection", "the replies", SCMP_SYS(write), { FD(GDB_FD, 0) } },
	{ "ioctl", "vCPU fd, KVM_SET_GUEST_DEBUG", "breakpoints, watchpoints, single steps",
	  SCMP_SYS(ioctl), { FD(VCPU_FD, 0), EQ(1, KVM_SET_GUEST_DEBUG) } },
	{ "ioctl", "vCPU fd, KVM_SET_REGS", "GDB's register writes; back to a breakpoint",
	  SCMP_SYS(ioctl), { FD(VCPU_FD, 0), EQ(1, KVM_SET_REGS) } },
	{ "ioctl", "vCPU fd, KVM_GET_FPU", "the x87 and SSE registers GDB shows",
	  SCMP_SYS(ioctl), { FD(VCPU_FD, 0), EQ(1, KVM_GET_FPU) } },
	{ "ioctl", "vCPU fd, KVM_SET_FPU", "GDB's writes of them",
	  SCMP_SYS(ioctl), { FD(VCPU_FD, 0), EQ(1, KVM_SET_FPU) } },
};
const size_t filter_gdb_rule_count = sizeof filter_gdb_rules / sizeof filter_gdb_rules[0];

const struct filter_rule filter_trace_rules[] = {
	{ "write", "--trace-file's fd", "the trace (trace_out.c)", SCMP_SYS(write), { FD(TRACE_FD, 0) } },
};
const size_t filter_trace_rule_count = sizeof filter_trace_rules / sizeof filter_trace_rules[0];

const struct filter_refusal filter_refusals[] = {
	{ "brk", SCMP_SYS(brk), ENOMEM, "a crash report's symbol lookup (libdw) past its reserved heap "
	  "(guest_symbols.c) gets no memory (ENOMEM) rather than reaching the SIGSYS report" },
	{ "mmap", SCMP_SYS(mmap), ENOMEM, "the same, for the allocator's fallback to mmap" },
	{ "readlink", SCMP_SYS(readlink), ENOENT, "libdw looks for the ELF file's directory (for split "
	  "DWARF) through /proc/self/fd; kvmrun's in-memory copy has none" },
	{ "openat", SCMP_SYS(openat), ENOENT, "libdw opens the files a program's DWARF may name "
	  "(split DWARF's .dwo, dwz's shared file): none is there for it" },
	{ "open", SCMP_SYS(open), ENOENT, "the same, where libc opens with open" },
};
const size_t filter_refusal_count = sizeof filter_refusals / sizeof filter_refusals[0];

/* Names of system calls for the SIGSYS report, a table made at build time
 * (tools/gen-syscall-names): the handler can neither allocate nor call
 * libseccomp, and start-up does not spend time resolving names. */
#include "syscall_names.h"
#define NAMED_SYSCALLS (sizeof syscall_names / sizeof syscall_names[0])

/* Append a decimal number; async-signal-safe. */
static size_t put_number(char *buf, size_t at, long value)
{
	char digits[24];
	size_t n = 0;
	unsigned long v = value < 0 ? 0ul - (unsigned long)value : (unsigned long)value;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < sizeof digits);
	if (value < 0)
		buf[at++] = '-';
	while (n)
		buf[at++] = digits[--n];
	return at;
}

static size_t put_text(char *buf, size_t at, const char *text)
{
	while (*text)
		buf[at++] = *text++;
	return at;
}

/* SECCOMP_RET_TRAP lands here: name the call, then end the process. Only
 * write(2) and exit_group, both allowed, and no libc state. */
static void report_forbidden_syscall(int sig, siginfo_t *info, void *context)
{
	char line[160];
	size_t n = 0;
	int nr = info->si_syscall;

	(void)sig;
	(void)context;
	n = put_text(line, n, "kvmrun: sandbox violation: the seccomp filter forbids system call ");
	if (nr >= 0 && (size_t)nr < NAMED_SYSCALLS && syscall_names[nr]) {
		n = put_text(line, n, syscall_names[nr]);
		n = put_text(line, n, " (");
		n = put_number(line, n, nr);
		n = put_text(line, n, ")");
	} else {
		n = put_number(line, n, nr);
	}
	n = put_text(line, n, ": kvmrun stopped\n");
	syscall(SYS_write, STDERR_FILENO, line, n);
	input_watch_stop(); /* allowed calls only, async-signal-safe */
	syscall(SYS_exit_group, STATUS_SECCOMP_KILLED);
}

static uint32_t arg_value(const struct filter_arg *arg, const struct filter_fds *fds)
{
	switch (arg->kind) {
	case FILTER_ARG_VCPU_FD: return (uint32_t)fds->vcpu_fd;
	case FILTER_ARG_VM_FD: return (uint32_t)fds->vm_fd;
	case FILTER_ARG_CORE_DIR_FD: return (uint32_t)fds->core_dir_fd;
	case FILTER_ARG_CORE_FILE_FD: return (uint32_t)fds->core_file_fd;
	case FILTER_ARG_GDB_FD: return (uint32_t)fds->gdb_fd;
	case FILTER_ARG_TRACE_FD: return (uint32_t)fds->trace_fd;
	default: return arg->value;
	}
}

static int add_table(scmp_filter_ctx ctx, const struct filter_rule *rules, size_t count,
		     const struct filter_fds *fds)
{
	int rc = 0;

	for (size_t i = 0; i < count; i++) {
		const struct filter_rule *r = &rules[i];
		struct scmp_arg_cmp cmp[2];
		unsigned n = 0;

		for (unsigned a = 0; a < 2 && r->arg[a].kind != FILTER_ARG_NONE; a++)
			cmp[n++] = (struct scmp_arg_cmp){
				.arg = r->arg[a].index, .op = SCMP_CMP_EQ,
				.datum_a = arg_value(&r->arg[a], fds), /* as SCMP_CMP32 */
			};
		rc |= seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, r->nr, n, cmp);
	}
	return rc;
}

static int add_rules(scmp_filter_ctx ctx, const struct filter_fds *fds)
{
	int rc = add_table(ctx, filter_rules, filter_rule_count, fds);
	int core = fds->core_dir_fd > STDERR_FILENO; /* never 0-2: those stay open */

	if (core)
		rc |= add_table(ctx, filter_core_rules, filter_core_rule_count, fds);
	if (fds->gdb_fd > STDERR_FILENO)
		rc |= add_table(ctx, filter_gdb_rules, filter_gdb_rule_count, fds);
	if (fds->trace_fd > STDERR_FILENO)
		rc |= add_table(ctx, filter_trace_rules, filter_trace_rule_count, fds);
#ifdef __SANITIZE_ADDRESS__
	/* The ASan/UBSan test build only: the sanitizer runtime takes down its
	 * alternate signal stack at exit, and its allocator maps memory of its
	 * own (a crash report's symbol lookup allocates). Release builds never
	 * get these. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sigaltstack), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(munmap), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 0);
#endif
	for (size_t i = 0; i < filter_refusal_count; i++) {
#ifdef __SANITIZE_ADDRESS__
		if (filter_refusals[i].nr == SCMP_SYS(mmap))
			continue; /* allowed above */
#endif
		uint32_t refuse = SCMP_ACT_ERRNO((uint32_t)filter_refusals[i].error);
		if (core && filter_refusals[i].nr == SCMP_SYS(openat)) {
			/* libseccomp lets a rule for every openat win over the
			 * core rule's narrower one: refuse all the others. */
			uint32_t dir = (uint32_t)fds->core_dir_fd;
			rc |= seccomp_rule_add(ctx, refuse, SCMP_SYS(openat), 1, SCMP_A0_32(SCMP_CMP_NE, dir));
			rc |= seccomp_rule_add(ctx, refuse, SCMP_SYS(openat), 2, SCMP_A0_32(SCMP_CMP_EQ, dir),
					       SCMP_A2_32(SCMP_CMP_NE, CORE_DUMP_OPEN_FLAGS));
			continue;
		}
		rc |= seccomp_rule_add(ctx, refuse, filter_refusals[i].nr, 0);
	}
	return rc ? -1 : 0;
}

/* Build the filter and export it as BPF into a static buffer, so that
 * libseccomp's memory is freed before the filter exists (freeing after
 * could need brk or munmap, which the filter forbids). */
static struct sock_filter program[4096];

static int build_program(const struct filter_fds *fds, struct sock_fprog *prog,
			 char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int memfd = -1, rc = -1;

	if (!ctx) {
		diag_set(err, errlen, "cannot build the seccomp filter: seccomp_init failed");
		return -1;
	}
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0 ||
	    add_rules(ctx, fds) < 0) {
		diag_set(err, errlen, "cannot build the seccomp filter: a rule was refused");
		goto out;
	}
	memfd = memfd_create("kvmrun-seccomp", MFD_CLOEXEC);
	if (memfd < 0 || seccomp_export_bpf(ctx, memfd) < 0) {
		diag_set(err, errlen, "cannot export the seccomp filter: %s", strerror(errno));
		goto out;
	}
	ssize_t len = pread(memfd, program, sizeof program, 0);
	if (len <= 0 || len % (ssize_t)sizeof program[0] || len == (ssize_t)sizeof program) {
		diag_set(err, errlen, "cannot read back the seccomp filter (%zd bytes)", len);
		goto out;
	}
	prog->len = (unsigned short)(len / (ssize_t)sizeof program[0]);
	prog->filter = program;
	rc = 0;
out:
	if (memfd >= 0)
		close(memfd);
	seccomp_release(ctx);
	return rc;
}

int filter_lock_down(const struct filter_fds *fds, char *err, size_t errlen)
{
	struct sock_fprog prog;
	struct sigaction sa;

	if (build_program(fds, &prog, err, errlen) < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = report_forbidden_syscall;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0) {
		diag_set(err, errlen, "cannot install the SIGSYS reporter: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		diag_set(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		diag_set(err, errlen, "cannot install the seccomp filter: %s", strerror(errno));
		return -1;
	}
	return 0;
}
