/* --trace=syscalls: a line in kvmrun's trace output (its standard error,
 * or --trace-file; the trace hypercall, apart from the app's own standard
 * error) for every system call the app makes, after the runtime served
 * it, as strace shows it:
 *
 *   kvmrun: trace: 0.001234 syscall write(1, "hello\n", 6) = 6
 *   kvmrun: trace: 0.001301 syscall readlink("/proc/self/cwd", 0xfffcc50, 4096) = -1 ENOENT
 *
 * The time is the machine's uptime, as in --trace=exits' lines. A call
 * that does not return (exit_group) is shown before it runs, "= ?". Only
 * start_info.trace turns it on (KVMRUN_TRACE_SYSCALLS): without it the
 * dispatcher tests one flag and formats nothing.
 *
 * How a call's line reads comes from its shape in the table (table.c): the
 * result's kind, then one letter per argument shown:
 *   d  a signed int (fds, flags that fit in one)
 *   u  an unsigned long (sizes, counts)
 *   x  hexadecimal (addresses, flags)
 *   o  octal (file modes)
 *   s  the app's NUL-ended string at that address
 *   b  the app's bytes at that address, as many as the next argument says
 *   r  the bytes the call wrote there, as many as its result says
 * and for the result: d (a number), x (an address), ? (never returns).
 * At most 32 bytes of a buffer and 64 of a string are shown, then "...";
 * an address the app may not name is shown as a number. */
#ifndef KVMRUN_GUEST_SYSCALL_TRACE_H
#define KVMRUN_GUEST_SYSCALL_TRACE_H

#include "syscall/syscall.h"

/* Set at boot from start_info.trace. */
extern int syscall_tracing;

/* Run handler (NULL: a call the table does not have, refused with
 * -ENOSYS) and trace it; returns its result. */
long syscall_traced(const struct syscall_frame *frame, syscall_handler handler,
		    const char *name, const char *shape);

/* Format the line for a call that returned result (or, with shape "?...",
 * is about to run) into buf; returns its length. For the tests of the
 * guest side and for syscall_traced(). */
size_t syscall_trace_format(char *buf, size_t len, uint64_t t_ns, const struct syscall_frame *frame,
			    const char *name, const char *shape, long result);

/* table.c: say once per number that a call was refused. */
void syscall_refused(unsigned long nr);

#endif
