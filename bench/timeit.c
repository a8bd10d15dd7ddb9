/* timeit: the benchmark's stopwatch (bench/run drives it).
 *
 *   timeit [-r ROUNDS] [-w WARMUP] [-j MS] [-s SEED] [-p COPIES] [-m BYTES] [-e DIR]
 *          -o OUT CASEFILE
 *
 * CASEFILE has one case a line, fields separated by tabs:
 *   NAME  EXPECTED-STATUS  PROGRAM  [ARG...]
 * (blank lines and lines starting with '#' are skipped). Every round runs
 * every case once, the cases interleaved in an order shuffled afresh each
 * round (seeded with SEED, default 1, so that runs repeat), so that drift
 * and noise hit every case alike and no case always follows the same one
 * (a process's exit leaves work behind: page and JIT frees, RCU callbacks,
 * which its successor pays for on a machine with one CPU). WARMUP
 * unrecorded rounds come first (default 1: they fill the page cache).
 *
 * -j MS waits a random 0 to MS milliseconds (default 10; 0: none) before
 * each timed start, outside what is timed. Creating and destroying a VM
 * waits for RCU grace periods, which end on the kernel's timer tick (every
 * 4 ms at HZ=250); a fixed sequence of runs locks each case to a phase of
 * the tick, which can shift a case's median by ticks in either direction.
 * Random starts sample every phase alike.
 *
 * Modes, and the samples each writes to OUT as "case,round,metric,value"
 * lines (appended at the end of each round, case by case in CASEFILE order):
 *   default     one process; stdin, stdout /dev/null, stderr to DIR/NAME.err
 *               wall_ms (posix_spawn to wait4), user_ms, sys_ms, cpu_ms (their
 *               sum), maxrss_kib
 *               (getrusage of the child: its VmHWM), and exits when its
 *               stderr says "exits=N" (kvmrun --stats, floor --stats), intr
 *               when it says "intr=N" (kvmrun --stats: KVM_RUNs a signal
 *               ended, the halt watch's timer among them)
 *   -p COPIES   COPIES processes started at once; batch_ms from the first
 *               spawn to the last exit, failed (copies with a wrong status)
 *   -m BYTES    one process whose stdin and stdout are pipes: timeit writes
 *               one byte, waits for it to come back on stdout (the program
 *               is then up and waiting for input), reads /proc/PID/smaps and
 *               /proc/PID/status, then closes stdin. rss_kib (the sum of
 *               Rss over smaps: exact, where VmRSS may lag), hwm_kib (VmHWM,
 *               at least rss_kib), guest_kib (Rss of the anonymous mapping
 *               of exactly BYTES: the guest RAM), beyond_kib = rss - guest,
 *               hwm_beyond_kib = hwm - guest; DIR/NAME.smaps gets the Rss of
 *               each mapping (by name) for the report.
 * A case whose status differs from the expected one is an error: timeit
 * prints its stderr and exits 1 once the round is over. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_CASES 64
#define MAX_ARGS 32
#define MAX_COPIES 1024

struct bench_case {
	char *name;
	int expect;
	char *argv[MAX_ARGS + 1];
	char *held;      /* this round's samples, written out in case order */
	size_t held_len;
	FILE *hold;
};

static struct bench_case cases[MAX_CASES];
static int ncases;
static const char *err_dir = ".";
static FILE *out;
static int failures;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "timeit: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void load_cases(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		die(path);
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		if (ncases == MAX_CASES) {
			fprintf(stderr, "timeit: more than %d cases\n", MAX_CASES);
			exit(2);
		}
		struct bench_case *c = &cases[ncases];
		char *save, *tok = strtok_r(strdup(line), "\t", &save);
		int field = 0, argc = 0;
		for (; tok; tok = strtok_r(NULL, "\t", &save), field++) {
			if (field == 0)
				c->name = tok;
			else if (field == 1)
				c->expect = atoi(tok);
			else if (argc < MAX_ARGS)
				c->argv[argc++] = tok;
		}
		if (argc == 0) {
			fprintf(stderr, "timeit: %s: case without a program: %s\n", path, line);
			exit(2);
		}
		ncases++;
	}
	free(line);
	fclose(f);
}

static char *err_path(const struct bench_case *c, const char *suffix)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/%s.%s", err_dir, c->name, suffix);
	return path;
}

/* Spawn c with stdin/stdout from the given fds (-1: /dev/null), stderr to
 * its .err file. */
static pid_t spawn(const struct bench_case *c, int in_fd, int out_fd)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, err_path(c, "err"), O_WRONLY | O_CREAT | O_TRUNC,
					 0644);
	int rc = posix_spawn(&pid, c->argv[0], &fa, NULL, c->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		die(c->argv[0]);
	}
	return pid;
}

static int status_of(int ws)
{
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

static void check(const struct bench_case *c, int round, int status)
{
	if (status == c->expect)
		return;
	failures++;
	fprintf(stderr, "timeit: %s (round %d) exited %d, expected %d; its stderr:\n", c->name,
		round, status, c->expect);
	FILE *f = fopen(err_path(c, "err"), "r");
	char buf[512];
	size_t n;
	if (f) {
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			fwrite(buf, 1, n, stderr);
		fclose(f);
	}
}

static void sample(const struct bench_case *c, int round, const char *metric, double v)
{
	if (round >= 0)
		fprintf(c->hold, "%s,%d,%s,%.4f\n", c->name, round, metric, v);
}

/* The round's samples, case by case in CASEFILE's order whatever order the
 * runs had: OUT reads the same from one round to the next. */
static void write_round(void)
{
	for (int k = 0; k < ncases; k++) {
		struct bench_case *c = &cases[k];
		fflush(c->hold);
		fwrite(c->held, 1, c->held_len, out);
		rewind(c->hold);
		c->held_len = 0;
		c->held[0] = 0;
	}
	fflush(out);
}

/* A counter a --stats run printed ("exits=N", "intr=N" in its stderr:
 * field is "exits=", "intr="), or -1. */
static double stats_counter(const struct bench_case *c, const char *field)
{
	char buf[4096];
	FILE *f = fopen(err_path(c, "err"), "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = 0;
	const char *p = strstr(buf, field);
	return p ? strtod(p + strlen(field), NULL) : -1;
}

static int jitter_ms = 10;

/* xorshift64*: the order and the start delays, repeatable from the seed. */
static uint64_t rng_state = 1;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void wait_random_phase(void)
{
	if (jitter_ms <= 0)
		return;
	uint64_t ns = rng_next() % ((uint64_t)jitter_ms * 1000000u);
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void run_once(const struct bench_case *c, int round)
{
	struct rusage ru;
	int ws;

	wait_random_phase();
	double t0 = now_ms();
	pid_t pid = spawn(c, -1, -1);

	while (wait4(pid, &ws, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4");
	double t1 = now_ms();
	check(c, round, status_of(ws));
	sample(c, round, "wall_ms", t1 - t0);
	double user = (double)ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
	double sys = (double)ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
	sample(c, round, "user_ms", user);
	sample(c, round, "sys_ms", sys);
	sample(c, round, "cpu_ms", user + sys);
	sample(c, round, "maxrss_kib", (double)ru.ru_maxrss);
	double exits = stats_counter(c, "exits="), intr = stats_counter(c, "intr=");
	if (exits >= 0)
		sample(c, round, "exits", exits);
	if (intr >= 0)
		sample(c, round, "intr", intr);
}

static void run_parallel(const struct bench_case *c, int round, int copies)
{
	static pid_t pids[MAX_COPIES];
	int failed = 0;
	double t0 = now_ms();

	for (int i = 0; i < copies; i++)
		pids[i] = spawn(c, -1, -1);
	for (int i = 0; i < copies; i++) {
		int ws;
		while (waitpid(pids[i], &ws, 0) < 0)
			if (errno != EINTR)
				die("waitpid");
		if (status_of(ws) != c->expect) {
			if (!failed)
				check(c, round, status_of(ws));
			failed++;
		}
	}
	double t1 = now_ms();
	sample(c, round, "batch_ms", t1 - t0);
	sample(c, round, "failed", failed);
}

/* Rss in KiB of /proc/PID/smaps: in total, and of guest RAM: the run of
 * adjacent anonymous mappings that together span exactly guest_bytes
 * (kvmrun's one mapping, split where it asks for different page sizes:
 * guest_mem.c); per mapping name into DIR/NAME.smaps. */
#define SMAPS_MAX 4096
struct vma_rss {
	unsigned long long lo, hi, kib;
	int anon;
};

static void read_smaps(const struct bench_case *c, pid_t pid, unsigned long long guest_bytes,
		       double *total_kib, double *guest_kib)
{
	static struct vma_rss vma[SMAPS_MAX];
	char path[64], line[1024], name[512] = "";
	unsigned long long lo, hi, kib;
	int n = 0;
	FILE *f, *summary = fopen(err_path(c, "smaps"), "w");

	snprintf(path, sizeof path, "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		die(path);
	*total_kib = *guest_kib = 0;
	while (fgets(line, sizeof line, f)) {
		char perms[8];
		int off = 0;
		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %n", &lo, &hi, perms, &off) == 3 && off) {
			snprintf(name, sizeof name, "%s", line + off);
			name[strcspn(name, "\n")] = 0;
			if (!name[0])
				snprintf(name, sizeof name, "[anon %s]", perms);
			if (n < SMAPS_MAX)
				vma[n++] = (struct vma_rss){ lo, hi, 0, strncmp(name, "[anon", 5) == 0 };
		} else if (sscanf(line, "Rss: %llu kB", &kib) == 1) {
			*total_kib += (double)kib;
			if (n)
				vma[n - 1].kib = kib;
			if (summary && kib)
				fprintf(summary, "%llu\t%s\n", kib, name);
		}
	}
	for (int i = 0; i < n; i++) {
		unsigned long long span = 0, rss = 0;
		for (int j = i; j < n && vma[j].anon && (j == i || vma[j].lo == vma[j - 1].hi) &&
				span < guest_bytes; j++) {
			span += vma[j].hi - vma[j].lo;
			rss += vma[j].kib;
		}
		if (span == guest_bytes) {
			*guest_kib = (double)rss;
			break;
		}
	}
	fclose(f);
	if (summary)
		fclose(summary);
}

static double status_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	double v = -1;
	size_t len = strlen(field);

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		die(path);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, len) == 0 && line[len] == ':')
			v = strtod(line + len + 1, NULL);
	fclose(f);
	return v;
}

static void run_memory(const struct bench_case *c, int round, unsigned long long guest_bytes)
{
	int in[2], outp[2], ws;
	char byte = 'x';

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0)
		die("pipe");
	pid_t pid = spawn(c, in[0], outp[1]);
	close(in[0]);
	close(outp[1]);
	if (write(in[1], &byte, 1) != 1)
		die("write to the program's stdin");
	struct pollfd pfd = { .fd = outp[0], .events = POLLIN };
	if (poll(&pfd, 1, 120000) != 1 || read(outp[0], &byte, 1) != 1) {
		fprintf(stderr, "timeit: %s: no echo on stdout\n", c->name);
		kill(pid, SIGKILL);
		failures++;
	} else {
		double rss, guest, hwm = status_kib(pid, "VmHWM");
		read_smaps(c, pid, guest_bytes, &rss, &guest);
		if (hwm < rss) /* VmHWM lags: kernels before 6.2 sync it every 64 faults */
			hwm = rss;
		sample(c, round, "rss_kib", rss);
		sample(c, round, "hwm_kib", hwm);
		sample(c, round, "guest_kib", guest);
		sample(c, round, "beyond_kib", rss - guest);
		sample(c, round, "hwm_beyond_kib", hwm - guest);
	}
	close(in[1]);
	char drain[4096];
	while (read(outp[0], drain, sizeof drain) > 0)
		;
	close(outp[0]);
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	check(c, round, status_of(ws));
}

int main(int argc, char **argv)
{
	int rounds = 10, warmup = 1, copies = 0, opt;
	unsigned long long mem_bytes = 0;
	const char *out_path = NULL;

	while ((opt = getopt(argc, argv, "r:w:j:s:p:m:e:o:")) != -1) {
		switch (opt) {
		case 'r': rounds = atoi(optarg); break;
		case 'w': warmup = atoi(optarg); break;
		case 'j': jitter_ms = atoi(optarg); break;
		case 's': rng_state = strtoull(optarg, NULL, 0) | 1; break;
		case 'p': copies = atoi(optarg); break;
		case 'm': mem_bytes = strtoull(optarg, NULL, 0); break;
		case 'e': err_dir = optarg; break;
		case 'o': out_path = optarg; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || !out_path || rounds < 1 || warmup < 0 || copies < 0 ||
	    copies > MAX_COPIES || jitter_ms < 0)
		goto usage;
	load_cases(argv[optind]);
	out = fopen(out_path, "a");
	if (!out)
		die(out_path);
	signal(SIGPIPE, SIG_IGN);
	int order[MAX_CASES];
	for (int k = 0; k < ncases; k++) {
		order[k] = k;
		cases[k].hold = open_memstream(&cases[k].held, &cases[k].held_len);
		if (!cases[k].hold)
			die("open_memstream");
	}
	for (int r = -warmup; r < rounds; r++) {
		for (int k = ncases - 1; k > 0; k--) { /* Fisher-Yates */
			int j = (int)(rng_next() % (uint64_t)(k + 1)), t = order[k];
			order[k] = order[j];
			order[j] = t;
		}
		for (int k = 0; k < ncases; k++) {
			const struct bench_case *c = &cases[order[k]];
			if (mem_bytes)
				run_memory(c, r, mem_bytes);
			else if (copies)
				run_parallel(c, r, copies);
			else
				run_once(c, r);
		}
		write_round();
		if (failures) {
			fprintf(stderr, "timeit: %d run(s) failed\n", failures);
			return 1;
		}
	}
	return fclose(out) == 0 ? 0 : 1;
usage:
	fprintf(stderr, "usage: timeit [-r ROUNDS] [-w WARMUP] [-j MS] [-s SEED] [-p COPIES] [-m BYTES] "
		"[-e DIR] -o OUT CASEFILE\n");
	return 2;
}
