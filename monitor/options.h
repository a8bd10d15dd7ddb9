/* Command-line options of kvmrun. Parsing is pure (no exit, no output) so
 * unit tests drive it directly. */
#ifndef KVMRUN_OPTIONS_H
#define KVMRUN_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include <kvmrun/start_info.h> /* KVMRUN_MAX_ENV */

#define MEM_DEFAULT (64ull << 20)
#define MEM_MIN (2ull << 20)
#define MEM_MAX (64ull << 30)
#define MEM_ALIGN 4096ull

struct options {
	uint64_t mem_size;
	const char *app_path;
	int app_argc;      /* the app path and the arguments after it */
	char **app_argv;
	unsigned envc;     /* --env NAME=VALUE: the guest's environment, in order */
	const char *env[KVMRUN_MAX_ENV]; /* (empty by default: not the host's) */
	int stats;         /* --stats: print the counters of stats.h at exit */
	int trace;         /* --trace: a line per VM exit on stderr (exit_trace.h) */
	int trace_syscalls; /* --trace=syscalls: the runtime's line per system call */
	const char *trace_file; /* --trace-file=FILE: the trace there, not on stderr */
	const char *dumpcore_dir; /* --dumpcore=DIR: a core file there at a crash */
	const char *gdb;   /* --gdb=PORT or PATH: wait for GDB there (gdb_stub.h) */
	int cpu;           /* --cpu=N: the host CPU the vCPU runs on; -1 for any */
	uint64_t timeout_ns;      /* --timeout: wall-clock limit, 0 for none */
	const char *timeout_text; /* as the user wrote it, for the message */
	const char *timeout_unit; /* "s" when that has no unit, else "" */
	int no_seccomp;    /* --unsafe-no-seccomp: debugging only */
};

enum options_result {
	OPTIONS_RUN,
	OPTIONS_HELP,
	OPTIONS_VERSION,
	OPTIONS_ERROR,
};

/* Parse "64M", "1G", "4096", ... into bytes. Returns 0, or -1 with err set. */
int parse_size(const char *text, uint64_t *bytes, char *err, size_t errlen);

/* Parse "10", "1.5s", "250ms", "2m", "1h" (no suffix: seconds) into
 * nanoseconds, rounded up (only a written 0 gives 0). Returns 0, or -1
 * with err set. */
int parse_duration(const char *text, uint64_t *ns, char *err, size_t errlen);

/* Parse a guest memory size and check it against MEM_MIN/MAX/ALIGN. */
int parse_mem_size(const char *text, uint64_t *bytes, char *err, size_t errlen);

enum options_result options_parse(int argc, char **argv, struct options *opts,
				  char *err, size_t errlen);

extern const char options_usage[];

#endif
