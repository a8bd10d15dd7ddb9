/* The guest's IOAPIC, emulated here: KVM runs with a split irqchip (local
 * APIC in the kernel, no in-kernel PIC or IOAPIC; api.rst
 * KVM_CAP_SPLIT_IRQCHIP), so the IOAPIC's registers reach kvmrun as MMIO
 * exits and its interrupts leave as MSIs (KVM_SIGNAL_MSI).
 *
 * The model is the 82093AA's register set, version 0x11, 24 pins: IOREGSEL
 * at offset 0x00 and IOWIN at 0x10, both 32-bit; through them ID (0x00),
 * version (0x01), arbitration (0x02) and the redirection table (0x10 +
 * 2 * pin, low then high word). Every entry starts masked. Edge-triggered
 * pins deliver each interrupt the devices raise while unmasked and drop
 * those raised while masked. A level-triggered pin stays asserted from a
 * device's interrupt until it is delivered and the guest's EOI for its
 * vector comes back (KVM_EXIT_IOAPIC_EOI): remote IRR is set meanwhile,
 * and an interrupt raised during that time is delivered after the EOI.
 * Delivery modes: fixed, lowest priority and NMI; an unmasked entry with
 * any other (SMI, INIT, ExtINT, reserved) is a guest error. */
#ifndef KVMRUN_IOAPIC_H
#define KVMRUN_IOAPIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IOAPIC_PINS 24u
#define IOAPIC_REG_SELECT 0x00u    /* IOREGSEL */
#define IOAPIC_REG_WINDOW 0x10u    /* IOWIN */
#define IOAPIC_VERSION 0x11u

/* Redirection entry bits (82093AA §3.2.4). */
#define IOAPIC_RTE_VECTOR 0xffull
#define IOAPIC_RTE_DELIVERY_SHIFT 8
#define IOAPIC_RTE_DEST_LOGICAL (1ull << 11)
#define IOAPIC_RTE_DELIVERY_STATUS (1ull << 12)
#define IOAPIC_RTE_POLARITY_LOW (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR (1ull << 14)
#define IOAPIC_RTE_LEVEL (1ull << 15)
#define IOAPIC_RTE_MASKED (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT 56

/* One interrupt as the MSI that carries it to the local APICs: address
 * 0xfee00000 with the destination, data with vector, delivery mode and
 * trigger (Intel SDM vol. 3 §11.11). */
struct ioapic_msi {
	uint32_t address;
	uint32_t data;
};

struct ioapic_ops {
	/* Send one interrupt to the vCPU. */
	void (*deliver)(void *ctx, struct ioapic_msi msi);
	/* The level-triggered pins changed (vector, destination, trigger):
	 * level[pin] is true for each, msi[pin] its message. kvmrun hands
	 * them to KVM as MSI routes, which is how KVM learns the vectors whose
	 * EOI it must report. */
	void (*level_pins_changed)(void *ctx, const bool level[IOAPIC_PINS],
				   const struct ioapic_msi msi[IOAPIC_PINS]);
	void *ctx;
};

struct ioapic {
	uint32_t select;               /* IOREGSEL */
	uint32_t id;                   /* bits 24-27 of the ID register */
	uint64_t rte[IOAPIC_PINS];     /* redirection table */
	bool pending[IOAPIC_PINS];     /* level pins: asserted, not yet delivered */
	struct ioapic_ops ops;
};

void ioapic_init(struct ioapic *io, struct ioapic_ops ops);

/* An access of len bytes at offset (from KVMRUN_IOAPIC_BASE) of the window; for a
 * read, data receives the value. Returns 0, or -1 with why set when the
 * guest broke the IOAPIC's rules (status 121). */
int ioapic_mmio(struct ioapic *io, uint64_t offset, uint8_t *data, uint32_t len, bool is_write,
		char *why, size_t whylen);

/* Enter the IOAPIC's window (KVMRUN_IOAPIC_BASE) into the MMIO table,
 * served by ioapic_mmio(). 0, or -1 with err set. */
struct mmio_regions;
int ioapic_add_region(struct ioapic *io, struct mmio_regions *regions, char *err, size_t errlen);

/* A device raised interrupt line `pin` (an edge); ctx is a struct ioapic *
 * (the devices' raise hook, virtio/irq.h). Lines past the last pin are
 * ignored. */
void ioapic_raise(void *ctx, uint32_t pin);

/* The guest's local APIC sent an EOI for vector (KVM_EXIT_IOAPIC_EOI). */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

/* The MSI that pin's entry describes. */
struct ioapic_msi ioapic_msi_of(uint64_t rte);

#endif
