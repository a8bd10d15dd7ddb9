/* Clocks and sleeps. Every clock is the TSC, read with rdtsc and no VM
 * exit, at the rate kvmrun measured (start_info.tsc_khz); the wall clock
 * is the host's, read by kvmrun at a known TSC value. A sleep halts the
 * vCPU until the local APIC timer ends it (cpu/lapic_timer.c). */
#include <stdint.h>
#include <time.h>

#include <kvmrun/guest.h>

#include "cpu/lapic_timer.h"
#include "cpu/x86.h"
#include "syscall/syscall.h"

#define NS_PER_S 1000000000ull

/* When kvmrun could not learn the rate: a guess, so time still runs. */
#define TSC_KHZ_FALLBACK 1000000u

static uint32_t tsc_khz(void)
{
	uint32_t khz = kvmrun_start_info()->tsc_khz;
	return khz ? khz : TSC_KHZ_FALLBACK;
}

static uint64_t tsc_to_ns(uint64_t ticks)
{
	uint64_t khz = tsc_khz();
	return ticks / khz * 1000000u + ticks % khz * 1000000u / khz;
}

static uint64_t ns_to_tsc(uint64_t ns)
{
	uint64_t khz = tsc_khz();
	return ns / 1000000u * khz + ns % 1000000u * khz / 1000000u;
}

uint64_t uptime_ns(void)
{
	uint64_t now = rdtsc(), base = kvmrun_start_info()->clock_tsc;
	return now > base ? tsc_to_ns(now - base) : 0;
}

static int clock_is_wall(long clk)
{
	return clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE || clk == CLOCK_TAI;
}

static int clock_known(long clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		return 1;
	default:
		return 0;
	}
}

/* The clock's value in ns: the wall clock counts from the epoch, the
 * others from the start (the app is the machine's only process, so its
 * CPU time is its run time). */
static uint64_t clock_ns(long clk)
{
	uint64_t up = uptime_ns();
	return clock_is_wall(clk) ? kvmrun_start_info()->clock_realtime_ns + up : up;
}

/* A timespec in the layout the call uses: two 64-bit fields (x86-64, and
 * i386's *_time64 calls) or two 32-bit ones (i386's older calls). */
static long put_timespec(long addr, uint64_t ns, int wide)
{
	if (!user_mem_ok((uintptr_t)addr, wide ? 16 : 8))
		return -EFAULT;
	if (wide) {
		int64_t *t = (int64_t *)addr;
		t[0] = (int64_t)(ns / NS_PER_S);
		t[1] = (int64_t)(ns % NS_PER_S);
	} else {
		int32_t *t = (int32_t *)addr;
		t[0] = (int32_t)(ns / NS_PER_S);
		t[1] = (int32_t)(ns % NS_PER_S);
	}
	return 0;
}

static long get_timespec(long addr, uint64_t *ns, int wide)
{
	int64_t sec, nsec;

	if (!user_mem_ok((uintptr_t)addr, wide ? 16 : 8))
		return -EFAULT;
	if (wide) {
		sec = ((const int64_t *)addr)[0];
		nsec = ((const int64_t *)addr)[1];
	} else {
		sec = ((const int32_t *)addr)[0];
		nsec = ((const int32_t *)addr)[1];
	}
	if (sec < 0 || nsec < 0 || nsec >= (int64_t)NS_PER_S)
		return -EINVAL;
	/* Beyond 500 years is forever, near enough. */
	*ns = (uint64_t)sec > 500ull * 365 * 86400 ? UINT64_MAX / 2
						     : (uint64_t)sec * NS_PER_S + (uint64_t)nsec;
	return 0;
}

#define WIDE_LONG (sizeof(long) == 8)

static long do_gettime(const long *arg, int wide)
{
	if (!clock_known(arg[0]))
		return -EINVAL;
	return put_timespec(arg[1], clock_ns(arg[0]), wide);
}

long sys_clock_gettime(const long *arg)
{
	return do_gettime(arg, WIDE_LONG);
}

long sys_clock_gettime64(const long *arg)
{
	return do_gettime(arg, 1);
}

static long do_getres(const long *arg, int wide)
{
	if (!clock_known(arg[0]))
		return -EINVAL;
	return arg[1] ? put_timespec(arg[1], 1, wide) : 0;
}

long sys_clock_getres(const long *arg)
{
	return do_getres(arg, WIDE_LONG);
}

long sys_clock_getres64(const long *arg)
{
	return do_getres(arg, 1);
}

long sys_gettimeofday(const long *arg)
{
	if (arg[0]) {
		uint64_t ns = clock_ns(CLOCK_REALTIME);
		long *tv = (long *)arg[0];
		if (!user_mem_ok((uintptr_t)tv, 2 * sizeof(long)))
			return -EFAULT;
		tv[0] = (long)(ns / NS_PER_S);
		tv[1] = (long)(ns % NS_PER_S / 1000);
	}
	return 0; /* the timezone argument is obsolete: left alone */
}

long sys_time(const long *arg)
{
	long now = (long)(clock_ns(CLOCK_REALTIME) / NS_PER_S);

	if (arg[0]) {
		if (!user_mem_ok((uintptr_t)arg[0], sizeof(long)))
			return -EFAULT;
		*(long *)arg[0] = now;
	}
	return now;
}

/* Sleep until the clock reads until_ns. Nothing interrupts a sleep (no
 * signals are delivered), so the remaining time is always zero. */
static void sleep_until(long clk, uint64_t until_ns)
{
	uint64_t now = clock_ns(clk);

	if (until_ns <= now)
		return;
	/* At most ten years at a time, so the TSC arithmetic cannot wrap. */
	uint64_t left = until_ns - now, cap = 10ull * 365 * 86400 * NS_PER_S;
	lapic_wait_until(rdtsc() + ns_to_tsc(left < cap ? left : cap));
}

static long do_nanosleep(long clk, long flags, long req, int wide)
{
	uint64_t ns;

	if (!clock_known(clk) || clk == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	long rc = get_timespec(req, &ns, wide);
	if (rc < 0)
		return rc;
	if (flags & TIMER_ABSTIME)
		sleep_until(clk, ns);
	else
		sleep_until(clk, clock_ns(clk) + ns);
	return 0;
}

long sys_nanosleep(const long *arg)
{
	return do_nanosleep(CLOCK_MONOTONIC, 0, arg[0], WIDE_LONG);
}

/* clock_nanosleep returns the error itself, not -1 and errno; the raw
 * call's negative value is the same either way. */
long sys_clock_nanosleep(const long *arg)
{
	return do_nanosleep(arg[0], arg[1], arg[2], WIDE_LONG);
}

long sys_clock_nanosleep64(const long *arg)
{
	return do_nanosleep(arg[0], arg[1], arg[2], 1);
}
