/* The monitor's lock-down: after setup and before the first KVM_RUN,
 * kvmrun allows itself only the system calls its exit loop needs, each
 * narrowed by its arguments where the kernel can check them. Anything else
 * traps into a SIGSYS handler that names the call and ends the process with
 * STATUS_SECCOMP_KILLED. */
#ifndef KVMRUN_SECCOMP_FILTER_H
#define KVMRUN_SECCOMP_FILTER_H

#include <stddef.h>
#include <stdint.h>

/* The descriptors the exit loop keeps. */
struct filter_fds {
	int vm_fd;   /* KVM_SIGNAL_MSI, KVM_SET_GSI_ROUTING */
	int vcpu_fd; /* KVM_RUN, the halt watch and the register reads of diagnostics */
	int core_dir_fd;  /* --dumpcore's directory (core_dump.h); -1 without it */
	int core_file_fd; /* the descriptor the core file will get there */
	int gdb_fd;       /* --gdb's connection (gdb_stub.h); -1 without it */
	int trace_fd;     /* --trace-file's file (trace_out.h); 2 or -1 without it */
};

/* An argument a rule pins: a constant, or one of the descriptors kvmrun
 * opened (known only at run time), given as a 32-bit value as libseccomp's
 * SCMP_CMP32 does. */
enum filter_arg_kind {
	FILTER_ARG_NONE, FILTER_ARG_CONST, FILTER_ARG_VCPU_FD, FILTER_ARG_VM_FD,
	FILTER_ARG_CORE_DIR_FD, FILTER_ARG_CORE_FILE_FD, FILTER_ARG_GDB_FD, FILTER_ARG_TRACE_FD,
};
struct filter_arg {
	enum filter_arg_kind kind;
	unsigned index; /* which argument, 0-5 */
	uint32_t value; /* for FILTER_ARG_CONST */
};

/* One allowed system call: the rule the filter is built from, and its
 * description for the README, from the same table. */
struct filter_rule {
	const char *call;
	const char *narrowed_to;
	const char *why;
	int nr;                     /* system call number */
	struct filter_arg arg[2]; /* the arguments it must have */
};
extern const struct filter_rule filter_rules[];
extern const size_t filter_rule_count;

/* What a --dumpcore run allows besides: creating its core file at a crash.
 * A normal run's filter has none of these. */
extern const struct filter_rule filter_core_rules[];
extern const size_t filter_core_rule_count;

/* What a --gdb run allows besides: GDB's connection, and the vCPU state
 * the stub reads and sets. A normal run's filter has none of these. */
extern const struct filter_rule filter_gdb_rules[];
extern const size_t filter_gdb_rule_count;

/* What a --trace-file run allows besides: writing its trace. */
extern const struct filter_rule filter_trace_rules[];
extern const size_t filter_trace_rule_count;

/* A system call answered with an error instead of the SIGSYS report:
 * refused, not allowed. */
struct filter_refusal {
	const char *call;
	int nr;
	int error; /* the errno it fails with */
	const char *why;
};
extern const struct filter_refusal filter_refusals[];
extern const size_t filter_refusal_count;

/* Build the filter with libseccomp, keep it as raw BPF, release every
 * libseccomp resource, install the SIGSYS reporter, set no_new_privs and
 * load the filter with seccomp(2). From then on the process makes only the
 * allowed calls. 0, or -1 with err set (nothing installed then). */
int filter_lock_down(const struct filter_fds *fds, char *err, size_t errlen);

#endif
