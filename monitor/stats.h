/* Counters for --stats: what the guest made the monitor do, printed as one
 * line on stderr when kvmrun exits. Plain globals: the monitor is
 * single-threaded and every count is cheap enough to keep always. */
#ifndef KVMRUN_STATS_H
#define KVMRUN_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <x86intrin.h>

struct kvmrun_stats {
	uint64_t exits;             /* returns of KVM_RUN to user space */
	uint64_t io;                /* ... of which port I/O */
	uint64_t mmio;              /* ... of which MMIO */
	uint64_t eoi;               /* ... of which IOAPIC EOIs (KVM_EXIT_IOAPIC_EOI) */
	uint64_t intr;              /* ... of which a signal interrupted KVM_RUN */
	uint64_t other;             /* ... of which anything else */
	uint64_t irqs;              /* interrupts raised by the devices */
	uint64_t console_out_bytes; /* bytes the guest wrote to its console */
	uint64_t console_in_bytes;  /* bytes of standard input given to the guest */
	uint64_t rng_bytes;         /* random bytes given to the guest */
	/* Time, in TSC cycles, kept only with --stats (timing): from main()
	 * to the first KVM_RUN (set-up), inside KVM_RUN (the guest), and the
	 * rest of the run (the monitor). */
	bool timing;
	uint32_t tsc_khz;           /* the TSC's rate, to print microseconds */
	uint64_t tsc_start, tsc_first_run, tsc_in_guest;
	/* The host's TSC when kvmrun read the guest's for start_info's clock
	 * (clock_tsc): the origin of the guest's uptime, and so of --trace's
	 * times, the monitor's and the runtime's lines on one clock. */
	uint64_t tsc_guest_clock;
};

extern struct kvmrun_stats stats;

/* The TSC now: cheap enough to read at every exit (no system call, which
 * the seccomp filter would refuse). */
static inline uint64_t stats_tsc(void)
{
	return __rdtsc();
}

/* TSC cycles in microseconds at stats.tsc_khz; 0 when the rate is unknown. */
uint64_t stats_microseconds(uint64_t cycles);

/* "kvmrun: stats: exits=N io=N ... setup_us=N guest_us=N monitor_us=N" on
 * stderr. */
void stats_print(void);

/* The same, with the run ending at TSC value end. */
void stats_print_at(uint64_t end);

#endif
