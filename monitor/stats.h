/* Counters for --stats: what the guest made the monitor do, printed as one
 * line on stderr when kvmrun exits. Plain globals: the monitor is
 * single-threaded and every count is cheap enough to keep always. */
#ifndef KVMRUN_STATS_H
#define KVMRUN_STATS_H

#include <stdint.h>

struct kvmrun_stats {
	uint64_t exits;             /* returns of KVM_RUN to user space */
	uint64_t io;                /* ... of which port I/O */
	uint64_t mmio;              /* ... of which MMIO */
	uint64_t other;             /* ... of which anything else (signals included) */
	uint64_t irqs;              /* interrupts raised by the devices */
	uint64_t console_out_bytes; /* bytes the guest wrote to its console */
	uint64_t console_in_bytes;  /* bytes of standard input given to the guest */
	uint64_t rng_bytes;         /* random bytes given to the guest */
};

extern struct kvmrun_stats stats;

/* "kvmrun: stats: exits=N io=N ..." on stderr. */
void stats_print(void);

#endif
