/* Waiting without spinning: the local APIC timer in TSC-deadline mode
 * (Intel SDM vol. 3 §11.5.4.1), then hlt. KVM emulates both in the kernel,
 * so a sleep costs no exit to kvmrun. */
#ifndef KVMRUN_GUEST_LAPIC_TIMER_H
#define KVMRUN_GUEST_LAPIC_TIMER_H

#include <stdint.h>

/* Return once the TSC has reached deadline. Halts in between when the CPU
 * has a TSC-deadline timer; spins on the TSC otherwise. The
 * first call enables the local APIC and sets its timer's vector. */
void lapic_wait_until(uint64_t deadline);

#endif
