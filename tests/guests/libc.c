/* Test guest: the C library (musl) on kvmrun's system-call layer, one
 * scenario per run (argv[1]); each prints what the e2e test
 * (tests/e2e/libc.bats) compares, and exits 0 unless a check inside
 * failed ("FAIL: ..." and 1).
 *
 *   stdio        stdout and stderr, kept apart; printf of floating point
 *   stdin        reads standard input to its end: bytes, lines, checksum
 *   malloc MIN   allocates 1 MiB blocks until malloc fails (at least MIN
 *                MiB), frees them, does it again, then realloc growth
 *   tls          thread-local variables with initialisers
 *   ctor         constructors, destructors and atexit, in order
 *   setjmp       longjmp out of nested calls
 *   math         libm results and strtod
 *   clock        a 50 ms nanosleep, measured on CLOCK_MONOTONIC
 *   wallclock    time(), gettimeofday() and CLOCK_REALTIME, in seconds
 *   random       getrandom() and getentropy(), 104 bytes
 *   abort        abort(): the status of SIGABRT
 *   raise SIG    raise(SIG)
 *   refused      a system call kvmrun does not serve, twice
 *   efault       write() from an address that is not RAM
 *   mmap         anonymous mmap, munmap, mremap
 *   uname        uname() and the ids
 *   calls N      N clock_gettime() and N getpid() calls (for --stats: they
 *                must cost no VM exit)
 *   limits       getrlimit/setrlimit, sysinfo, prctl's name
 *   args ...     the arguments after the scenario's name, and the environment
 *   exit N       returns N from main
 *   exe          readlink("/proc/self/exe"): absolute, and names argv[0]
 *   dup          dup, dup2, dup3, F_DUPFD: a shell's redirections of 1 and 2
 *   machine      what only kvmrun answers so (not compared with the host):
 *                no network, at most 1024 descriptors, no file to map
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int failed;

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			printf("FAIL: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			failed = 1;                                     \
		}                                                       \
	} while (0)

static int stdio_case(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("out: %d %s %c\n", 42, "text", 'x');
	fprintf(stderr, "err: one\n");
	fputs("out: second line\n", stdout);
	fprintf(stderr, "err: %.3f\n", 2.5);
	printf("float: %.6f %g %e %.2f\n", 3.14159265358979, 1e-5, 12345.678, -0.125);
	puts("out: last");
	return 0;
}

static int stdin_case(int argc, char **argv)
{
	char buf[4096];
	size_t n, bytes = 0, lines = 0;
	uint32_t sum = 0;

	(void)argc, (void)argv;
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
		for (size_t i = 0; i < n; i++) {
			sum = sum * 31 + (unsigned char)buf[i];
			lines += buf[i] == '\n';
		}
		bytes += n;
	}
	CHECK(feof(stdin) && !ferror(stdin));
	printf("stdin: %zu bytes, %zu lines, sum %08x\n", bytes, lines, sum);
	return 0;
}

#define MIB (1u << 20)

static size_t fill_and_free(size_t cap)
{
	void **blocks = calloc(cap, sizeof *blocks);
	size_t n = 0;

	CHECK(blocks != NULL);
	while (blocks && n < cap && (blocks[n] = malloc(MIB)) != NULL) {
		memset(blocks[n], (int)(n & 0xff), MIB);
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char *b = blocks[i];
		CHECK(b[0] == (i & 0xff) && b[MIB - 1] == (i & 0xff));
		free(b);
	}
	free(blocks);
	return n;
}

static int malloc_case(int argc, char **argv)
{
	size_t min = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
	size_t first = fill_and_free(1u << 16), second = fill_and_free(1u << 16);

	printf("malloc: %zu MiB, then %zu MiB\n", first, second);
	CHECK(first >= min && second >= min);
	CHECK(second + 1 >= first);
	/* realloc keeps the contents as it grows a block past mmap sizes. */
	size_t size = 1000;
	unsigned char *p = malloc(size);
	CHECK(p != NULL);
	for (size_t i = 0; i < size; i++)
		p[i] = (unsigned char)i;
	for (size_t to = 4096; to <= 64u * MIB && p; to *= 4) {
		unsigned char *q = realloc(p, to);
		CHECK(q != NULL);
		if (!q)
			break;
		p = q;
		for (size_t i = 0; i < 1000; i++)
			if (p[i] != (unsigned char)i) {
				CHECK(!"realloc kept the contents");
				break;
			}
		size = to;
	}
	free(p);
	CHECK(malloc((size_t)-1 / 2) == NULL && errno == ENOMEM);
	printf("realloc: to %zu MiB\n", size / MIB);
	return 0;
}

static _Thread_local int tls_number = 42;
static _Thread_local char tls_text[32] = "initial";
static _Thread_local long tls_zero[100];

static int tls_case(int argc, char **argv)
{
	(void)argc, (void)argv;
	long sum = 0;
	for (int i = 0; i < 100; i++)
		sum += tls_zero[i];
	printf("tls: %d %s %ld\n", tls_number, tls_text, sum);
	tls_number++;
	strcpy(tls_text, "changed");
	printf("tls: %d %s\n", tls_number, tls_text);
	return 0;
}

static int ctor_ran;

__attribute__((constructor)) static void constructor(void)
{
	ctor_ran++;
}

static void at_exit(void)
{
	printf("ctor: atexit ran\n");
}

static int ctor_case(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("ctor: constructor ran %d time(s)\n", ctor_ran);
	atexit(at_exit);
	return 0;
}

static jmp_buf jump;
static void deep(int n);
static void (*volatile deeper)(int) = deep; /* hides the recursion's end from gcc */

static void deep(int n)
{
	if (n == 0)
		longjmp(jump, 7);
	deeper(n - 1);
	printf("FAIL: not reached\n");
}

static int setjmp_case(int argc, char **argv)
{
	volatile int rounds = 0;

	(void)argc, (void)argv;
	int v = setjmp(jump);
	if (v == 0 || ++rounds < 3)
		deep(10);
	printf("setjmp: came back with %d after %d rounds\n", v, rounds);
	return 0;
}

static int math_case(int argc, char **argv)
{
	volatile double x = 2.0; /* computed at run time, not by the compiler */

	(void)argc, (void)argv;
	printf("math: %.9f %.9f %.9f\n", sqrt(x), sin(x), cos(x));
	printf("math: %.9f %.9f %.9f\n", exp(x), log(x), pow(x, 0.5));
	printf("math: %.9f %.3e\n", atan2(x, 3.0), ldexp(x, 100));
	printf("strtod: %.17g %.17g %g\n", strtod("0.1", NULL), strtod("6.02214076e23", NULL),
	       strtod("-inf", NULL));
	return 0;
}

static double mono_ms(void)
{
	struct timespec t;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &t) == 0);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int clock_case(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct timespec prev, now;
	clock_gettime(CLOCK_MONOTONIC, &prev);
	for (int i = 0; i < 100000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		CHECK(now.tv_sec > prev.tv_sec ||
		      (now.tv_sec == prev.tv_sec && now.tv_nsec >= prev.tv_nsec));
		prev = now;
	}
	double before = mono_ms();
	struct timespec req = { 0, 50 * 1000 * 1000 };
	CHECK(nanosleep(&req, NULL) == 0);
	double slept = mono_ms() - before;
	printf("clock: slept %.0f ms\n", slept);
	struct timespec bad = { 0, 1000000000 };
	CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL);
	return 0;
}

static int wallclock_case(int argc, char **argv)
{
	struct timeval tv;
	struct timespec ts;

	(void)argc, (void)argv;
	time_t t = time(NULL);
	CHECK(gettimeofday(&tv, NULL) == 0);
	CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0);
	CHECK(tv.tv_sec - t <= 1 && ts.tv_sec - t <= 1);
	printf("wallclock: %lld\n", (long long)t);
	return 0;
}

static int random_case(int argc, char **argv)
{
	unsigned char a[32], b[32], c[40], zero[32] = { 0 };

	(void)argc, (void)argv;
	CHECK(getrandom(a, sizeof a, 0) == (ssize_t)sizeof a);
	CHECK(getentropy(b, sizeof b) == 0);
	CHECK(getrandom(c, sizeof c, GRND_NONBLOCK) == (ssize_t)sizeof c);
	CHECK(memcmp(a, b, sizeof a) != 0 && memcmp(b, c, sizeof b) != 0 && memcmp(a, c, sizeof a) != 0);
	CHECK(memcmp(a, zero, sizeof a) != 0 && memcmp(c + 8, zero, sizeof c - 8) != 0);
	printf("random: ok\n");
	return 0;
}

static int abort_case(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("abort: before\n");
	fflush(stdout); /* abort() does not flush stdio, on Linux either */
	abort();
}

static int raise_case(int argc, char **argv)
{
	printf("raise: before\n");
	fflush(stdout);
	raise(argc > 2 ? atoi(argv[2]) : SIGTERM);
	printf("raise: returned\n");
	return 0;
}

static int refused_case(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (int i = 0; i < 2; i++) {
		long rc = syscall(SYS_inotify_init1, 0);
		CHECK(rc == -1 && errno == ENOSYS);
	}
	printf("refused: ENOSYS\n");
	return 0;
}

/* Addresses that are not RAM, hidden from gcc's object-size checks. */
static const void *volatile not_ram[] = { (const void *)(uintptr_t)0xc0001000u, (const void *)8 };

static int efault_case(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (int i = 0; i < 2; i++)
		CHECK(write(1, not_ram[i], 4) == -1 && errno == EFAULT);
	printf("efault: ok\n");
	return 0;
}

static int mmap_case(int argc, char **argv)
{
	(void)argc, (void)argv;
	size_t len = 8 * MIB;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < len; i += 4096)
		CHECK(p[i] == 0);
	memset(p, 0xab, len);
	CHECK(munmap(p, len) == 0);
	/* The same pages come back zero. */
	unsigned char *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED);
	for (size_t i = 0; q != MAP_FAILED && i < len; i += 4096)
		CHECK(q[i] == 0);
	q[0] = 1;
	unsigned char *r = mremap(q, len, 2 * len, MREMAP_MAYMOVE);
	CHECK(r != MAP_FAILED && r[0] == 1 && r[2 * len - 1] == 0);
	CHECK(mmap(NULL, len, PROT_READ, MAP_PRIVATE, 0, 0) == MAP_FAILED && errno == ENODEV);
	printf("mmap: ok\n");
	return 0;
}

static int uname_case(int argc, char **argv)
{
	struct utsname u;

	(void)argc, (void)argv;
	CHECK(uname(&u) == 0);
	printf("uname: %s %s %s\n", u.sysname, u.nodename, u.machine);
	printf("ids: %d %d %d %d pid %d\n", (int)getuid(), (int)geteuid(), (int)getgid(),
	       (int)getegid(), (int)getpid());
	return 0;
}

static int calls_case(int argc, char **argv)
{
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
	struct timespec t;
	long pids = 0;

	for (unsigned long i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		pids += syscall(SYS_getpid);
	}
	printf("calls: %lu, pid sum %ld\n", n, pids);
	return 0;
}

static int limits_case(int argc, char **argv)
{
	struct rlimit r;
	struct sysinfo si;
	char name[16];

	(void)argc, (void)argv;
	CHECK(getrlimit(RLIMIT_STACK, &r) == 0);
	CHECK(r.rlim_cur >= (256u << 10) && r.rlim_cur <= (8u << 20));
	CHECK(setrlimit(RLIMIT_NOFILE, &(struct rlimit){ 64, 128 }) == 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur == 64 && r.rlim_max == 128);
	CHECK(setrlimit(RLIMIT_NOFILE, &(struct rlimit){ 256, 128 }) == -1 && errno == EINVAL);
	CHECK(getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur == RLIM_INFINITY);
	CHECK(sysinfo(&si) == 0);
	CHECK(si.procs == 1 && si.freeram > 0 && si.freeram < si.totalram * si.mem_unit);
	CHECK(prctl(PR_SET_NAME, "a-rather-long-task-name") == 0);
	CHECK(prctl(PR_GET_NAME, name) == 0);
	printf("limits: ram %lu MiB, name %s\n", si.totalram * si.mem_unit >> 20, name);
	return 0;
}

extern char **environ;

static int args_case(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		printf("arg %d: %s\n", i - 2, argv[i]);
	for (char **e = environ; *e; e++)
		printf("env: %s\n", *e);
	return 0;
}

static int exit_case(int argc, char **argv)
{
	return argc > 2 ? atoi(argv[2]) : 0;
}

static int exe_case(int argc, char **argv)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	const char *base = strrchr(argv[0], '/');

	(void)argc;
	CHECK(n > 0);
	if (n <= 0)
		return 1;
	buf[n] = 0;
	base = base ? base + 1 : argv[0];
	CHECK(buf[0] == '/');
	CHECK(n >= (ssize_t)strlen(base) && strcmp(buf + n - strlen(base), base) == 0);
	CHECK(readlink("/proc/self/cwd", buf, sizeof buf) == -1);
	printf("exe: ok\n");
	return 0;
}

static int dup_case(int argc, char **argv)
{
	(void)argc, (void)argv;
	fflush(stdout);
	int saved = fcntl(1, F_DUPFD_CLOEXEC, 10);
	CHECK(saved >= 10);
	CHECK(fcntl(saved, F_GETFD) == FD_CLOEXEC && fcntl(1, F_GETFD) == 0);
	CHECK(dup2(2, 1) == 1);
	CHECK(write(1, "to stderr\n", 10) == 10);
	CHECK(dup2(saved, 1) == 1 && close(saved) == 0);
	CHECK(write(1, "to stdout\n", 10) == 10);
	int d = dup(2);
	CHECK(d >= 3 && write(d, "dup of 2\n", 9) == 9 && close(d) == 0);
	CHECK(write(d, "x", 1) == -1 && errno == EBADF);
	CHECK(close(d) == -1 && errno == EBADF);
	CHECK(dup3(1, 1, 0) == -1 && errno == EINVAL);
	CHECK(dup2(1, 1) == 1 && dup2(77, 5) == -1 && errno == EBADF);
	CHECK(dup2(0, 4) == 4 && (fcntl(4, F_GETFL) & O_ACCMODE) == (fcntl(0, F_GETFL) & O_ACCMODE));
	CHECK(close(4) == 0);
	/* fd 1 closed: writes fail, and a new descriptor takes its number. */
	int keep = dup(1);
	CHECK(keep >= 3 && close(1) == 0 && write(1, "x", 1) == -1 && errno == EBADF);
	CHECK(dup(2) == 1 && write(1, "1 is 2\n", 7) == 7);
	CHECK(dup2(keep, 1) == 1 && close(keep) == 0);
	printf("dup: %s\n", failed ? "FAIL" : "ok");
	return 0;
}

static int machine_case(int argc, char **argv)
{
	struct rlimit r;
	int sv[2];

	(void)argc, (void)argv;
	/* No network: no socket, and no descriptor is one. */
	CHECK(socket(AF_INET, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
	CHECK(socket(AF_UNIX, SOCK_DGRAM, 0) == -1 && errno == EAFNOSUPPORT);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 && errno == EAFNOSUPPORT);
	CHECK(connect(1, NULL, 0) == -1 && errno == ENOTSOCK);
	CHECK(shutdown(77, SHUT_RDWR) == -1 && errno == EBADF);
	/* The descriptor table: 1024, the soft limit bounds new ones. */
	CHECK(getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur == 1024 && r.rlim_max == 1024);
	CHECK(setrlimit(RLIMIT_NOFILE, &(struct rlimit){ 1024, 2048 }) == -1 && errno == EPERM);
	CHECK(dup2(1, 1023) == 1023 && close(1023) == 0);
	CHECK(dup2(1, 1024) == -1 && errno == EBADF);
	CHECK(setrlimit(RLIMIT_NOFILE, &(struct rlimit){ 8, 1024 }) == 0);
	CHECK(dup2(1, 8) == -1 && errno == EBADF);
	CHECK(fcntl(1, F_DUPFD, 8) == -1 && errno == EINVAL);
	CHECK(fcntl(1, F_DUPFD, 7) == 7 && dup(1) == 3);
	/* A console stream is no file to map, whatever its number. */
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0) == MAP_FAILED && errno == ENODEV);
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 5, 0) == MAP_FAILED && errno == EBADF);
	printf("machine: ok\n");
	return 0;
}

static const struct scenario {
	const char *name;
	int (*run)(int argc, char **argv);
} scenarios[] = {
	{ "stdio", stdio_case },   { "stdin", stdin_case },	  { "malloc", malloc_case },
	{ "tls", tls_case },	   { "ctor", ctor_case },	  { "setjmp", setjmp_case },
	{ "math", math_case },	   { "clock", clock_case },	  { "wallclock", wallclock_case },
	{ "random", random_case }, { "abort", abort_case },	  { "raise", raise_case },
	{ "refused", refused_case }, { "efault", efault_case }, { "mmap", mmap_case },
	{ "uname", uname_case },   { "calls", calls_case },   { "limits", limits_case },
	{ "args", args_case },     { "exit", exit_case },     { "exe", exe_case },
	{ "dup", dup_case },       { "machine", machine_case },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && i < sizeof scenarios / sizeof scenarios[0]; i++)
		if (strcmp(argv[1], scenarios[i].name) == 0) {
			int rc = scenarios[i].run(argc, argv);
			return failed ? 1 : rc;
		}
	fprintf(stderr, "usage: libc SCENARIO [ARG]\n");
	return 2;
}
