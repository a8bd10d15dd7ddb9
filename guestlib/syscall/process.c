/* The process: one, with one thread (pid and tid 1), no signal delivery,
 * and the identity of root on a machine of its own. */
#include <signal.h>
#include <string.h>
#include <sys/utsname.h>

#include <kvmrun/guest.h>

#include "console_io.h"
#include "text_line.h"
#include "cpu/descriptors.h"
#include "cpu/x86.h"
#include "syscall/syscall.h"

#define APP_PID 1

void app_exit(int status)
{
	kvmrun_halt_with_status(status & 0xff);
}

long sys_exit_group(const long *arg)
{
	app_exit((int)arg[0]);
}

long sys_getpid(const long *arg)
{
	(void)arg;
	return APP_PID;
}

long sys_getppid(const long *arg)
{
	(void)arg;
	return 0;
}

/* The names a shell prints, by number (x86 Linux numbering). Not the C
 * library's strsignal(): the runtime may be the kernel of a program with
 * another C library, and must not touch the thread state it keeps. */
static const char *const signal_names[32] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ",
	[SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGIO] = "SIGIO",
	[SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS",
};

/* Signals the app set to SIG_IGN (bit sig - 1). */
static uint64_t ignored;

/* A signal sent to the app itself: nothing when the app ignores it, or
 * when its default is to ignore (or to stop, with nobody to continue it);
 * any other ends the app with the status a shell shows for it, 128 + the
 * signal, after one line on standard error. Handlers are not run: one the
 * app installs leaves the default action in place. */
static long deliver(long sig)
{
	char line[96];

	if (sig < 0 || sig >= 65)
		return -EINVAL;
	if (sig > 0 && (ignored >> (sig - 1)) & 1)
		return 0;
	switch (sig) {
	case 0:
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
	case SIGCONT:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return 0;
	}
	struct text_line l;
	text_line_init(&l, line, sizeof line);
	text_str(&l, "kvmrun: app killed by signal ");
	text_dec(&l, sig);
	if (sig < 32 && signal_names[sig]) {
		text_str(&l, " (");
		text_str(&l, signal_names[sig]);
		text_char(&l, ')');
	}
	text_char(&l, '\n');
	console_write_stderr(line, l.used);
	app_exit(128 + (int)sig);
}

long sys_kill(const long *arg)
{
	long pid = arg[0];

	if (pid != APP_PID && pid != 0 && pid != -1 && pid != -APP_PID)
		return -ESRCH;
	return deliver(arg[1]);
}

long sys_tkill(const long *arg)
{
	return arg[0] == APP_PID ? deliver(arg[1]) : -ESRCH;
}

long sys_tgkill(const long *arg)
{
	return arg[0] == APP_PID && arg[1] == APP_PID ? deliver(arg[2]) : -ESRCH;
}

/* struct kernel_sigaction (Linux): handler, flags, restorer, mask. */
#define KSA_SIZE (3 * sizeof(long) + 8)

/* SIG_IGN is recorded (deliver() honours it); any other action is accepted
 * and leaves the default in place. The old action reads as SIG_IGN or
 * SIG_DFL. */
long sys_rt_sigaction(const long *arg)
{
	long sig = arg[0];
	const long *act = (const long *)arg[1];
	long *old = (long *)arg[2];

	if ((size_t)arg[3] != 8)
		return -EINVAL; /* the kernel's sigset_t */
	if (sig <= 0 || sig >= 65 || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	if ((act && !user_mem_ok((uintptr_t)act, KSA_SIZE)) ||
	    (old && !user_mem_ok((uintptr_t)old, KSA_SIZE)))
		return -EFAULT;
	uint64_t bit = 1ull << (sig - 1);
	long was_ignored = (ignored & bit) != 0;
	if (act)
		ignored = act[0] == (long)SIG_IGN ? ignored | bit : ignored & ~bit;
	if (old) {
		memset(old, 0, KSA_SIZE);
		old[0] = was_ignored ? (long)SIG_IGN : (long)SIG_DFL;
	}
	return 0;
}

/* Accepted; the old mask reads as empty. */
long sys_rt_sigprocmask(const long *arg)
{
	size_t setsize = (size_t)arg[3];

	if (setsize != 8)
		return -EINVAL;
	if (arg[2]) {
		if (!user_mem_ok((uintptr_t)arg[2], setsize))
			return -EFAULT;
		memset((void *)arg[2], 0, setsize);
	}
	return 0;
}

long sys_sigaltstack(const long *arg)
{
	if (arg[1]) {
		/* stack_t: ss_sp, ss_flags (int), ss_size; SS_DISABLE (2). */
		size_t size = 3 * sizeof(long);
		if (!user_mem_ok((uintptr_t)arg[1], size))
			return -EFAULT;
		memset((void *)arg[1], 0, size);
		((int *)((char *)arg[1] + sizeof(long)))[0] = SS_DISABLE;
	}
	return 0;
}

long sys_set_tid_address(const long *arg)
{
	(void)arg;
	return APP_PID;
}

long sys_set_robust_list(const long *arg)
{
	(void)arg;
	return 0;
}

long sys_sched_yield(const long *arg)
{
	(void)arg;
	return 0;
}

#if UINTPTR_MAX > 0xffffffffu
/* x86-64 TLS: the FS (and GS) base MSRs. */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

long sys_arch_prctl(const long *arg)
{
	uint64_t value = (uint64_t)arg[1];

	switch (arg[0]) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		/* A canonical address, or the MSR write faults (SDM vol. 3 §2.2.1). */
		if ((uint64_t)((int64_t)(value << 16) >> 16) != value)
			return -EPERM;
		wrmsr(arg[0] == ARCH_SET_FS ? MSR_FS_BASE : MSR_GS_BASE, value);
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		if (!user_mem_ok((uintptr_t)value, 8))
			return -EFAULT;
		*(uint64_t *)value = rdmsr(arg[0] == ARCH_GET_FS ? MSR_FS_BASE : MSR_GS_BASE);
		return 0;
	default:
		return -EINVAL;
	}
}
#else
/* i386 TLS: struct user_desc (Linux asm/ldt.h) into a GDT entry, which
 * the C library then loads into %gs. entry_number -1 asks for a free one. */
struct user_desc_raw {
	uint32_t entry_number;
	uint32_t base_addr;
	uint32_t limit;
	uint32_t flags;
};

/* user_desc flags: seg_32bit, contents (2 bits), ..., seg_not_present. */
#define UD_SEG_32BIT 0x1u
#define UD_CONTENTS(f) (((f) >> 1) & 3u)
#define UD_READ_EXEC_ONLY 0x8u
#define UD_SEG_NOT_PRESENT 0x20u

long sys_set_thread_area(const long *arg)
{
	struct user_desc_raw *u = (struct user_desc_raw *)arg[0];

	if (!user_mem_ok((uintptr_t)u, sizeof *u))
		return -EFAULT;
	/* An empty descriptor (no base, no limit, read/exec-only and not
	 * present, as Linux's LDT_empty) frees the entry; otherwise only 32-bit
	 * data segments, as Linux's tls_desc_okay allows. */
	int empty = u->base_addr == 0 && u->limit == 0 &&
		    (u->flags & (UD_READ_EXEC_ONLY | UD_SEG_NOT_PRESENT)) ==
			    (UD_READ_EXEC_ONLY | UD_SEG_NOT_PRESENT);
	if (!empty && (!(u->flags & UD_SEG_32BIT) || UD_CONTENTS(u->flags) > 1))
		return -EINVAL;
	uint32_t idx = u->entry_number;
	if (idx == UINT32_MAX) {
		for (idx = GDT_TLS_FIRST; idx < GDT_TLS_FIRST + GDT_TLS_COUNT; idx++)
			if (gdt_tls_free(idx))
				break;
		if (idx == GDT_TLS_FIRST + GDT_TLS_COUNT)
			return -ESRCH;
	} else if (idx < GDT_TLS_FIRST || idx >= GDT_TLS_FIRST + GDT_TLS_COUNT) {
		return -EINVAL;
	}
	if (empty)
		gdt_clear_tls(idx);
	else
		gdt_set_tls(idx, u->base_addr, u->limit, u->flags);
	u->entry_number = idx;
	return 0;
}
#endif

long sys_uname(const long *arg)
{
	struct utsname *u = (struct utsname *)arg[0];

	if (!user_mem_ok((uintptr_t)u, sizeof *u))
		return -EFAULT;
	memset(u, 0, sizeof *u);
	strcpy(u->sysname, "Linux");
	strcpy(u->nodename, "kvmrun");
	strcpy(u->release, "6.1.0-kvmrun");
	strcpy(u->version, "#1 kvmrun guest runtime");
	strcpy(u->machine, sizeof(void *) == 8 ? "x86_64" : "i686");
	strcpy(u->domainname, "(none)");
	return 0;
}

/* getuid, geteuid, getgid, getegid: root, on a machine of its own. */
long sys_get_id(const long *arg)
{
	(void)arg;
	return 0;
}

/* Restartable sequences: a kernel without them answers ENOSYS, which glibc's
 * start-up expects and takes quietly, so this refusal is not reported. */
long sys_rseq(const long *arg)
{
	(void)arg;
	return -ENOSYS;
}
