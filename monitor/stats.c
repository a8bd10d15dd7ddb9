#include "stats.h"

#include "diag.h"

struct kvmrun_stats stats;

void stats_print(void)
{
	diag("stats: exits=%llu io=%llu mmio=%llu other=%llu irqs=%llu console_out_bytes=%llu "
	     "console_in_bytes=%llu rng_bytes=%llu",
	     (unsigned long long)stats.exits, (unsigned long long)stats.io,
	     (unsigned long long)stats.mmio, (unsigned long long)stats.other,
	     (unsigned long long)stats.irqs, (unsigned long long)stats.console_out_bytes,
	     (unsigned long long)stats.console_in_bytes, (unsigned long long)stats.rng_bytes);
}
