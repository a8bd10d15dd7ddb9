#include "stats.h"

#include "diag.h"

struct kvmrun_stats stats;

uint64_t stats_microseconds(uint64_t cycles)
{
	return stats.tsc_khz ? (uint64_t)(cycles / (stats.tsc_khz / 1000.0)) : 0;
}

static unsigned long long microseconds(uint64_t cycles)
{
	return (unsigned long long)stats_microseconds(cycles);
}

void stats_print(void)
{
	stats_print_at(stats_tsc());
}

void stats_print_at(uint64_t end)
{
	uint64_t first = stats.tsc_first_run ? stats.tsc_first_run : end;
	uint64_t setup = first - stats.tsc_start, run = end - first;
	uint64_t guest = stats.tsc_in_guest < run ? stats.tsc_in_guest : run;

	diag("stats: exits=%llu io=%llu mmio=%llu eoi=%llu intr=%llu other=%llu irqs=%llu "
	     "console_out_bytes=%llu console_in_bytes=%llu rng_bytes=%llu setup_us=%llu "
	     "guest_us=%llu monitor_us=%llu",
	     (unsigned long long)stats.exits, (unsigned long long)stats.io,
	     (unsigned long long)stats.mmio, (unsigned long long)stats.eoi,
	     (unsigned long long)stats.intr, (unsigned long long)stats.other,
	     (unsigned long long)stats.irqs, (unsigned long long)stats.console_out_bytes,
	     (unsigned long long)stats.console_in_bytes, (unsigned long long)stats.rng_bytes,
	     microseconds(setup), microseconds(guest), microseconds(run - guest));
}
