#include "lapic_timer.h"

#include <kvmrun/machine_layout.h>

#include "descriptors.h"
#include "x86.h"

/* Local APIC registers (SDM vol. 3 §11.4.1, Table 11-1), as offsets. */
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define SVR_ENABLE (1u << 8)
#define LVT_TSC_DEADLINE (2u << 17)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

static int started, have_deadline_timer;

static volatile uint32_t *lapic_reg(uint32_t offset)
{
	return (volatile uint32_t *)(uintptr_t)(KVMRUN_LAPIC_BASE + offset);
}

/* The timer interrupt only ends the hlt; the wait loop checks the TSC. */
__attribute__((interrupt, target("general-regs-only"))) static void
timer_interrupt(void *frame)
{
	(void)frame;
	*lapic_reg(LAPIC_EOI) = 0;
}

__attribute__((interrupt, target("general-regs-only"))) static void
spurious_interrupt(void *frame)
{
	(void)frame; /* no EOI for the spurious vector (SDM §11.9) */
}

/* On the first wait, not at boot: an app that never sleeps never touches
 * the local APIC. */
static void lapic_timer_start(void)
{
	started = 1;
	have_deadline_timer = (cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE) != 0;
	if (!have_deadline_timer)
		return;
	idt_set_gate(VECTOR_TIMER, (uintptr_t)timer_interrupt);
	idt_set_gate(VECTOR_SPURIOUS, (uintptr_t)spurious_interrupt);
	*lapic_reg(LAPIC_SVR) = SVR_ENABLE | VECTOR_SPURIOUS;
	*lapic_reg(LAPIC_LVT_TIMER) = LVT_TSC_DEADLINE | VECTOR_TIMER;
	/* The mode switch before any deadline write: WRMSR to the deadline
	 * MSR is not serializing (SDM vol. 3 §11.5.4.1). */
	__asm__ volatile("mfence" : : : "memory");
}

void lapic_wait_until(uint64_t deadline)
{
	if (!started)
		lapic_timer_start();
	while (rdtsc() < deadline) {
		if (!have_deadline_timer) {
			cpu_pause();
			continue;
		}
		wrmsr(MSR_TSC_DEADLINE, deadline);
		/* sti's one-instruction shadow: the timer cannot fire between
		 * it and hlt, so a wake-up is never lost. */
		__asm__ volatile("sti; hlt; cli" : : : "memory");
	}
}
