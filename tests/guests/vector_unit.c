/* Test guest: what the CPU's vector unit offers a program, as a program
 * finds out (CPUID, XGETBV, and libgcc's __builtin_cpu_supports, which
 * glibc's string-function choice rests on too), then an instruction of
 * each width it says works. Built as a kvmrun app, as a static glibc
 * program and for the host: tests/e2e/vector_unit.bats compares them. */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

__attribute__((target("avx2"))) static int add_ymm(void)
{
	int out[8];
	__asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n\t" /* all ones: -1 */
			 "vpaddd %%ymm0, %%ymm0, %%ymm1\n\t"   /* -2 in each lane */
			 "vmovdqu %%ymm1, %0\n\t"
			 "vzeroupper"
			 : "=m"(out) : : "xmm0", "xmm1");
	return out[7];
}

__attribute__((target("avx512f"))) static int add_zmm(void)
{
	int out[16];
	__asm__ volatile("vpternlogd $0xff, %%zmm0, %%zmm0, %%zmm0\n\t"
			 "vpaddd %%zmm0, %%zmm0, %%zmm1\n\t"
			 "vmovdqu32 %%zmm1, %0\n\t"
			 "vzeroupper"
			 : "=m"(out) : : "xmm0", "xmm1");
	return out[15];
}

/* A 256-bit register set, 1000 system calls made, the register read back:
 * the runtime's system-call path must keep every vector register whole,
 * the upper halves its own SSE code never names included. */
__attribute__((target("avx2"))) static void ymm_across_system_calls(void)
{
	int out[8];
#if UINTPTR_MAX > 0xffffffffu
	__asm__ volatile("vpcmpeqd %%ymm2, %%ymm2, %%ymm2\n\t"
			 "movl $1000, %%r8d\n"
			 "1:\tmovl $39, %%eax\n\t" /* getpid */
			 "syscall\n\t"
			 "decl %%r8d\n\t"
			 "jnz 1b\n\t"
			 "vmovdqu %%ymm2, %0\n\t"
			 "vzeroupper"
			 : "=m"(out) : : "rax", "rcx", "r8", "r11", "xmm2", "memory");
#else
	__asm__ volatile("vpcmpeqd %%ymm2, %%ymm2, %%ymm2\n\t"
			 "movl $1000, %%esi\n"
			 "1:\tmovl $20, %%eax\n\t" /* getpid */
			 "int $0x80\n\t"
			 "decl %%esi\n\t"
			 "jnz 1b\n\t"
			 "vmovdqu %%ymm2, %0\n\t"
			 "vzeroupper"
			 : "=m"(out) : : "eax", "esi", "xmm2", "memory");
#endif
	printf("ymm across 1000 system calls: %d %d %d %d %d %d %d %d\n", out[0], out[1], out[2],
	       out[3], out[4], out[5], out[6], out[7]);
}

int main(int argc, char **argv)
{
	unsigned a, b, c, d;
	int osxsave = 0;

	(void)argv;
	if (argc > 1 && __builtin_cpu_supports("avx2")) {
		ymm_across_system_calls();
		return 0;
	}
	__builtin_cpu_init();
	if (__get_cpuid(1, &a, &b, &c, &d))
		osxsave = (c >> 27) & 1;
	printf("osxsave %d\n", osxsave);
	/* The state components the OS turned on, of x87, SSE, AVX, AVX-512. */
	printf("xcr0 0x%llx\n", osxsave ? (unsigned long long)(xgetbv0() & 0xe7) : 0ull);
	printf("avx %d\n", __builtin_cpu_supports("avx") != 0);
	printf("avx2 %d\n", __builtin_cpu_supports("avx2") != 0);
	printf("avx512f %d\n", __builtin_cpu_supports("avx512f") != 0);
	if (__builtin_cpu_supports("avx2"))
		printf("ymm lane 7: %d\n", add_ymm());
	if (__builtin_cpu_supports("avx512f"))
		printf("zmm lane 15: %d\n", add_zmm());
	return 0;
}
