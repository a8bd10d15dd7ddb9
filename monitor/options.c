#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

const char options_usage[] =
	"usage: kvmrun [options] [--] program [args...]\n"
	"\n"
	"Boot program, an ELF32 i386 or ELF64 x86-64 app linked against the kvmrun\n"
	"guest runtime (kvmrun-cc) or a static Linux program, in a fresh\n"
	"single-purpose KVM virtual machine and exit with its exit status.\n"
	"\n"
	"options:\n"
	"  --cpu=N        run the vCPU on host CPU N only (the whole of kvmrun: one\n"
	"                 thread)\n"
	"  --dumpcore=DIR  when the guest crashes, write an ELF core file of it\n"
	"                 (registers, memory) into DIR as core.kvmrun.PID, for\n"
	"                 gdb APP DIR/core.kvmrun.PID\n"
	"  --env=NAME=VALUE  set a variable of the guest's environment (repeatable;\n"
	"                 a later one for NAME wins; empty by default, not the host's)\n"
	"  --gdb=PORT, --gdb=PATH  wait for gdb on localhost:PORT (or the UNIX socket\n"
	"                 PATH) before the guest starts, then let it control the\n"
	"                 guest: gdb APP -ex 'target remote :PORT'\n"
	"  --mem=SIZE     guest RAM, with an optional K, M or G suffix\n"
	"                 (default 64M, at least 2M, at most 64G, whole 4K pages)\n"
	"  --stats        at exit, print one line of counters on stderr: VM exits\n"
	"                 (all, port I/O, MMIO, IOAPIC EOI, interrupted by a signal,\n"
	"                 other), interrupts raised, console bytes out and in,\n"
	"                 random bytes given to the guest, and microseconds of\n"
	"                 set-up, in the guest and in the monitor\n"
	"  --trace, --trace=exits  print a line on stderr for every VM exit: time\n"
	"                 since the guest started, reason, port or address, size,\n"
	"                 value, RIP\n"
	"  --trace=syscalls  print a line on stderr for every system call the app\n"
	"                 makes, with its arguments and result, as strace does\n"
	"                 (--trace=exits,syscalls: both)\n"
	"  --trace-file=FILE  write the trace to FILE (created or truncated), not\n"
	"                 to stderr, which keeps the app's standard error alone\n"
	"  --timeout=DURATION  stop the guest after DURATION of wall-clock time\n"
	"                 (N, Ns, Nms, Nm, Nh; fractions allowed, rounded up to\n"
	"                 the next nanosecond; 0: no limit; N alone is seconds)\n"
	"  --unsafe-no-seccomp  debugging only: run without the seccomp filter\n"
	"  -h, --help     show this help and exit\n"
	"  --version      show the version and exit\n"
	"\n"
	"exit status: the app's own status (0-255), or\n"
	"  120 the app's runtime refused the machine's start_info (built for another\n"
	"      kvmrun, though its ABI note matched)\n"
	"  121 the guest accessed a port or MMIO address kvmrun does not serve\n"
	"  122 the guest crashed (triple fault, failed VM entry, KVM internal error,\n"
	"      halted with interrupts disabled)\n"
	"  123 the guest caused a VM exit kvmrun does not know\n"
	"  124 the --timeout was reached\n"
	"  125 kvmrun itself failed (bad usage, KVM unavailable, host error; among\n"
	"      them the guest's output could not be written or its input read)\n"
	"  126 the program is not an ELF kvmrun can boot: built for another ABI\n"
	"      version, dynamically linked, too big for --mem, unsafe segments\n"
	"  127 the program file does not exist\n"
	"  129, 130, 142, 143 stopped by SIGHUP, SIGINT, SIGALRM (without --timeout),\n"
	"      SIGTERM\n"
	"  132, 133, 135, 136, 139 the guest crashed on a CPU exception: 128 + the\n"
	"      signal Linux would send (SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV); the\n"
	"      report on stderr names the function and source line\n"
	"  159 kvmrun made a system call its seccomp filter forbids\n";

int parse_size(const char *text, uint64_t *bytes, char *err, size_t errlen)
{
	const char *p = text;
	uint64_t value = 0;

	if (!*p) {
		diag_set(err, errlen, "empty size");
		return -1;
	}
	if (!isdigit((unsigned char)*p)) {
		diag_set(err, errlen, "'%s' is not a size (expected digits with an optional K, M or G)", text);
		return -1;
	}
	for (; isdigit((unsigned char)*p); p++) {
		unsigned digit = (unsigned)(*p - '0');
		if (value > (UINT64_MAX - digit) / 10) {
			diag_set(err, errlen, "'%s' is too large", text);
			return -1;
		}
		value = value * 10 + digit;
	}
	unsigned shift = 0;
	switch (*p) {
	case '\0': break;
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	default:
		diag_set(err, errlen, "'%s' has an unknown suffix '%s' (use K, M or G)", text, p);
		return -1;
	}
	if (*p) {
		diag_set(err, errlen, "'%s' has trailing characters '%s'", text, p);
		return -1;
	}
	if (shift && value > (UINT64_MAX >> shift)) {
		diag_set(err, errlen, "'%s' is too large", text);
		return -1;
	}
	*bytes = value << shift;
	return 0;
}

int parse_duration(const char *text, uint64_t *ns, char *err, size_t errlen)
{
	static const struct { const char *suffix; uint64_t ns; } units[] = {
		{ "", 1000000000ull }, { "s", 1000000000ull }, { "ms", 1000000ull },
		{ "m", 60000000000ull }, { "h", 3600000000000ull },
	};
	const char *p = text;
	uint64_t whole = 0, frac = 0, frac_scale = 1;
	int dropped = 0; /* a non-zero digit past the ninth decimal */

	if (!isdigit((unsigned char)*p)) {
		diag_set(err, errlen, "'%s' is not a duration (expected e.g. 10, 1.5s, 250ms, 2m, 1h)", text);
		return -1;
	}
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > 1000000000ull) {
			diag_set(err, errlen, "'%s' is too long", text);
			return -1;
		}
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++)
			if (frac_scale < 1000000000ull)
				frac = frac * 10 + (uint64_t)(*p - '0'), frac_scale *= 10;
			else
				dropped |= *p != '0';
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(p, units[i].suffix) != 0)
			continue;
		/* whole <= 1e9 and a unit <= 3.6e12 ns could still overflow: cap
		 * the result at a year. */
		if (whole > 366ull * 24 * 3600 * 1000000000ull / units[i].ns) {
			diag_set(err, errlen, "'%s' is too long (at most a year)", text);
			return -1;
		}
		/* The fraction's share in 128 bits (frac < 1e9, a unit <= 3.6e12
		 * ns), so that no digit is dropped: "0.123456789ms" is 123457 ns. */
		unsigned __int128 part = (unsigned __int128)frac * units[i].ns;
		uint64_t frac_ns = (uint64_t)(part / frac_scale) + (part % frac_scale != 0 || dropped);
		/* Rounded up, so that only a written 0 means "no limit". */
		*ns = whole * units[i].ns + frac_ns;
		return 0;
	}
	diag_set(err, errlen, "'%s' has an unknown unit '%s' (use ms, s, m or h)", text, p);
	return -1;
}

/* A host CPU number, 0 to CPU_SETSIZE - 1 (sched_setaffinity(2)). */
/* --trace=WHAT: "exits", "syscalls", or both, comma-separated. */
static int parse_trace(const char *text, struct options *opts, char *err, size_t errlen)
{
	const char *p = text;

	do {
		size_t n = strcspn(p, ",");
		if (n == 5 && strncmp(p, "exits", 5) == 0) {
			opts->trace = 1;
		} else if (n == 8 && strncmp(p, "syscalls", 8) == 0) {
			opts->trace_syscalls = 1;
		} else {
			diag_set(err, errlen, "bad --trace: '%s': kvmrun traces exits and syscalls "
				 "(--trace=exits, --trace=syscalls, --trace=exits,syscalls)", text);
			return -1;
		}
		p += n;
	} while (*p++ == ',');
	return 0;
}

static int parse_cpu(const char *text, int *cpu, char *err, size_t errlen)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(text, &end, 10);
	if (!*text || *end || errno || text[0] == '-' || text[0] == '+' || n >= CPU_SETSIZE) {
		diag_set(err, errlen, "bad --cpu: '%s': a host CPU number, 0 to %d", text, CPU_SETSIZE - 1);
		return -1;
	}
	*cpu = (int)n;
	return 0;
}

int parse_mem_size(const char *text, uint64_t *bytes, char *err, size_t errlen)
{
	uint64_t size;
	char why[256];

	if (parse_size(text, &size, why, sizeof why) < 0) {
		diag_set(err, errlen, "bad --mem: %s", why);
		return -1;
	}
	if (size < MEM_MIN) {
		diag_set(err, errlen, "bad --mem: %s is too small (the minimum is %lluM)",
			 text, MEM_MIN >> 20);
		return -1;
	}
	if (size > MEM_MAX) {
		diag_set(err, errlen, "bad --mem: %s is too large (the maximum is %lluG)",
			 text, MEM_MAX >> 30);
		return -1;
	}
	if (size % MEM_ALIGN) {
		diag_set(err, errlen, "bad --mem: %s is not a whole number of 4K pages", text);
		return -1;
	}
	*bytes = size;
	return 0;
}

/* --env NAME=VALUE: NAME is non-empty and has no '='; a later --env for
 * the same NAME replaces the earlier one, as env(1) does. */
static int add_env(struct options *opts, const char *text, char *err, size_t errlen)
{
	const char *eq = strchr(text, '=');

	if (!eq || eq == text) {
		diag_set(err, errlen, "bad --env: '%s' is not NAME=VALUE", text);
		return -1;
	}
	size_t name_len = (size_t)(eq - text) + 1; /* with the '=' */
	for (unsigned i = 0; i < opts->envc; i++)
		if (strncmp(opts->env[i], text, name_len) == 0) {
			opts->env[i] = text;
			return 0;
		}
	if (opts->envc == KVMRUN_MAX_ENV) {
		diag_set(err, errlen, "bad --env: more than %u variables", KVMRUN_MAX_ENV);
		return -1;
	}
	opts->env[opts->envc++] = text;
	return 0;
}

/* Options end at "--" or at the first argument that is not an option: what
 * follows the app path belongs to the app. */
enum options_result options_parse(int argc, char **argv, struct options *opts,
				  char *err, size_t errlen)
{
	int i;

	memset(opts, 0, sizeof *opts);
	opts->mem_size = MEM_DEFAULT;
	opts->cpu = -1;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break;
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
			return OPTIONS_HELP;
		if (strcmp(arg, "--version") == 0)
			return OPTIONS_VERSION;
		if (strncmp(arg, "--timeout=", 10) == 0 || strcmp(arg, "--timeout") == 0) {
			const char *value = arg[9] == '=' ? arg + 10 : NULL;
			char why[256];
			if (!value) {
				if (i + 1 >= argc) {
					diag_set(err, errlen, "bad --timeout: missing duration");
					return OPTIONS_ERROR;
				}
				value = argv[++i];
			}
			if (parse_duration(value, &opts->timeout_ns, why, sizeof why) < 0) {
				diag_set(err, errlen, "bad --timeout: %s", why);
				return OPTIONS_ERROR;
			}
			opts->timeout_text = value;
			/* "--timeout=2" is 2 seconds: the report says "2s". */
			opts->timeout_unit = isdigit((unsigned char)value[strlen(value) - 1]) ||
					     value[strlen(value) - 1] == '.' ? "s" : "";
			continue;
		}
		if (strncmp(arg, "--env=", 6) == 0 || strcmp(arg, "--env") == 0) {
			const char *value = arg[5] == '=' ? arg + 6 : NULL;
			if (!value) {
				if (i + 1 >= argc) {
					diag_set(err, errlen, "bad --env: missing NAME=VALUE");
					return OPTIONS_ERROR;
				}
				value = argv[++i];
			}
			if (add_env(opts, value, err, errlen) < 0)
				return OPTIONS_ERROR;
			continue;
		}
		if (strcmp(arg, "--unsafe-no-seccomp") == 0) {
			opts->no_seccomp = 1;
			continue;
		}
		if (strcmp(arg, "--stats") == 0) {
			opts->stats = 1;
			continue;
		}
		if (strncmp(arg, "--dumpcore=", 11) == 0) {
			if (!arg[11]) {
				diag_set(err, errlen, "bad --dumpcore: no directory (--dumpcore=DIR)");
				return OPTIONS_ERROR;
			}
			opts->dumpcore_dir = arg + 11;
			continue;
		}
		if (strncmp(arg, "--gdb=", 6) == 0) {
			if (!arg[6]) {
				diag_set(err, errlen, "bad --gdb: nothing to listen on (--gdb=PORT or "
					 "--gdb=PATH)");
				return OPTIONS_ERROR;
			}
			opts->gdb = arg + 6;
			continue;
		}
		if (strncmp(arg, "--cpu=", 6) == 0) {
			if (parse_cpu(arg + 6, &opts->cpu, err, errlen) < 0)
				return OPTIONS_ERROR;
			continue;
		}
		if (strcmp(arg, "--trace") == 0) {
			opts->trace = 1;
			continue;
		}
		if (strncmp(arg, "--trace-file=", 13) == 0) {
			if (!arg[13]) {
				diag_set(err, errlen, "bad --trace-file: no file (--trace-file=FILE)");
				return OPTIONS_ERROR;
			}
			opts->trace_file = arg + 13;
			continue;
		}
		if (strncmp(arg, "--trace=", 8) == 0) {
			if (parse_trace(arg + 8, opts, err, errlen) < 0)
				return OPTIONS_ERROR;
			continue;
		}
		if (strncmp(arg, "--mem=", 6) == 0 || strcmp(arg, "--mem") == 0) {
			const char *value = arg[5] == '=' ? arg + 6 : NULL;
			if (!value) {
				if (i + 1 >= argc) {
					diag_set(err, errlen, "bad --mem: missing size");
					return OPTIONS_ERROR;
				}
				value = argv[++i];
			}
			if (parse_mem_size(value, &opts->mem_size, err, errlen) < 0)
				return OPTIONS_ERROR;
			continue;
		}
		diag_set(err, errlen, "unknown option '%s' (see kvmrun --help)", arg);
		return OPTIONS_ERROR;
	}
	if (i >= argc) {
		diag_set(err, errlen, "no app given (see kvmrun --help)");
		return OPTIONS_ERROR;
	}
	if (opts->trace_file && !opts->trace && !opts->trace_syscalls) {
		diag_set(err, errlen, "bad --trace-file: nothing to trace (add --trace=exits or "
			 "--trace=syscalls)");
		return OPTIONS_ERROR;
	}
	opts->app_path = argv[i];
	opts->app_argc = argc - i;
	opts->app_argv = argv + i;
	return OPTIONS_RUN;
}
