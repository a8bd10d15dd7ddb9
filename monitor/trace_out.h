/* Where --trace's lines go: kvmrun's standard error, or the file
 * --trace-file names, opened before the seccomp filter (whose rules for a
 * --trace-file run allow writes to it). The monitor's lines (exit_trace.c)
 * and the guest runtime's (the trace hypercall, --trace=syscalls) both. */
#ifndef KVMRUN_TRACE_OUT_H
#define KVMRUN_TRACE_OUT_H

#include <stddef.h>

/* Open path (created, or truncated) for the trace. 0, or -1 with err set. */
int trace_out_open(const char *path, char *err, size_t errlen);

/* The descriptor trace lines go to: 2 unless trace_out_open() opened one. */
int trace_out_fd(void);

/* A line from the monitor, without its newline: "kvmrun: " and line. */
void trace_out_line(const char *line);

/* Bytes from the guest, as they are; written as the guest's output is
 * (console_out.h: bounded steps, a stop request honoured between them). */
void trace_out_bytes(const void *data, size_t len);

/* Whether the guest's runtime was asked for trace lines (--trace=syscalls):
 * the trace hypercall is refused otherwise. */
void trace_out_allow_guest(void);
int trace_out_guest_allowed(void);

#endif
