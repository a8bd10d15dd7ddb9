/* Test guest: crash as asked, in a named function on a known line (each
 * marked "CRASH HERE: name" for tests/e2e/crash_report.bats to find), so
 * that kvmrun's report can be checked for the exception, the function,
 * the line and the backtrace through the callers. Built as a kvmrun app and
 * as static Linux programs. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile int zero;

__attribute__((noipa)) static int parse_line(const int *p)
{
	return *p + 1; /* CRASH HERE: null-read */
}

__attribute__((noipa)) static void store_result(int *p, int v)
{
	*p = v; /* CRASH HERE: null-write */
}

__attribute__((noipa)) static int divide(int a)
{
	return a / zero; /* CRASH HERE: divide */
}

__attribute__((noipa)) static void trap_now(void)
{
	__builtin_trap(); /* CRASH HERE: ud2 */
}

__attribute__((noipa)) static void breakpoint(void)
{
	__asm__ volatile("int3"); /* CRASH HERE: int3 */
}

__attribute__((noipa)) static int recurse(int depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	if (zero == 12345) /* never: only for the compiler */
		return 0;
	return recurse(depth + 1) + frame[0]; /* CRASH HERE: stack-overflow */
}

__attribute__((noipa)) static void wild_address(void)
{
#if UINTPTR_MAX > 0xffffffffu
	/* A non-canonical address: #GP, not #PF (SDM vol. 3 §6.15). */
	*(volatile int *)0x8000000000000000ull = 1; /* CRASH HERE: non-canonical */
#else
	/* A selector past the GDT's end: #GP with it as the error code. */
	__asm__ volatile("movw $0x1230, %%ax; movw %%ax, %%fs" : : : "eax"); /* CRASH HERE: bad-selector */
#endif
}

__attribute__((noipa)) static int run(const char *what)
{
	void (*volatile nothing)(void) = NULL;
	int *volatile null = NULL; /* opaque to the compiler, which would drop the access */

	if (!strcmp(what, "null-read"))
		return parse_line(null);
	if (!strcmp(what, "null-write"))
		store_result(null, 42);
	else if (!strcmp(what, "null-call"))
		nothing();
	else if (!strcmp(what, "divide"))
		return divide(7);
	else if (!strcmp(what, "ud2"))
		trap_now();
	else if (!strcmp(what, "int3"))
		breakpoint();
	else if (!strcmp(what, "stack-overflow"))
		return recurse(0);
	else if (!strcmp(what, "general-protection"))
		wild_address();
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: crash null-read|null-write|null-call|divide|ud2|int3|"
				"stack-overflow|general-protection\n");
		return 2;
	}
	printf("crashing: %s\n", argv[1]);
	fflush(stdout);
	int r = run(argv[1]);
	printf("survived: %d\n", r);
	return 3;
}
