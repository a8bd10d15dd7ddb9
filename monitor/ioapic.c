#include "ioapic.h"

#include <stdio.h>
#include <string.h>

#include <kvmrun/machine_layout.h>

#include "mmio_regions.h"

#define REG_ID 0x00u
#define REG_VERSION 0x01u
#define REG_ARBITRATION 0x02u
#define REG_TABLE 0x10u
#define ID_MASK 0x0f000000u

/* Delivery modes (82093AA §3.2.4): what kvmrun delivers, what it refuses. */
enum {
	MODE_FIXED = 0,
	MODE_LOWEST = 1,
	MODE_SMI = 2,
	MODE_NMI = 4,
	MODE_INIT = 5,
	MODE_EXTINT = 7,
};

/* Bits the guest may write; delivery status and remote IRR are the IOAPIC's. */
#define RTE_WRITABLE (~(IOAPIC_RTE_DELIVERY_STATUS | IOAPIC_RTE_REMOTE_IRR))

static unsigned delivery_mode(uint64_t rte)
{
	return (unsigned)(rte >> IOAPIC_RTE_DELIVERY_SHIFT) & 7u;
}

static const char *mode_name(unsigned mode)
{
	switch (mode) {
	case MODE_SMI: return "SMI";
	case MODE_INIT: return "INIT";
	case MODE_EXTINT: return "ExtINT";
	default: return "reserved";
	}
}

struct ioapic_msi ioapic_msi_of(uint64_t rte)
{
	uint32_t dest = (uint32_t)(rte >> IOAPIC_RTE_DEST_SHIFT);
	struct ioapic_msi msi = {
		.address = KVMRUN_LAPIC_BASE | dest << 12 | (rte & IOAPIC_RTE_DEST_LOGICAL ? 1u << 2 : 0),
		.data = (uint32_t)(rte & IOAPIC_RTE_VECTOR) | delivery_mode(rte) << 8,
	};
	/* Level-triggered: trigger bit 15, and bit 14 says "assert". */
	if (rte & IOAPIC_RTE_LEVEL)
		msi.data |= 1u << 15 | 1u << 14;
	return msi;
}

void ioapic_init(struct ioapic *io, struct ioapic_ops ops)
{
	memset(io, 0, sizeof *io);
	io->ops = ops;
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		io->rte[pin] = IOAPIC_RTE_MASKED;
}

static void deliver(struct ioapic *io, unsigned pin)
{
	io->ops.deliver(io->ops.ctx, ioapic_msi_of(io->rte[pin]));
}

/* A level pin that is asserted goes out once it is unmasked and the
 * previous delivery's EOI has come back. */
static void service_level(struct ioapic *io, unsigned pin)
{
	uint64_t rte = io->rte[pin];

	if (!(rte & IOAPIC_RTE_LEVEL) || !io->pending[pin] || (rte & IOAPIC_RTE_MASKED) ||
	    (rte & IOAPIC_RTE_REMOTE_IRR))
		return;
	io->pending[pin] = false;
	io->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
	deliver(io, pin);
}

void ioapic_raise(void *ctx, uint32_t pin)
{
	struct ioapic *io = ctx;

	if (pin >= IOAPIC_PINS)
		return;
	if (io->rte[pin] & IOAPIC_RTE_LEVEL) {
		io->pending[pin] = true;
		service_level(io, pin);
	} else if (!(io->rte[pin] & IOAPIC_RTE_MASKED)) {
		deliver(io, pin);
	}
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t rte = io->rte[pin];
		if ((rte & IOAPIC_RTE_LEVEL) && (rte & IOAPIC_RTE_REMOTE_IRR) &&
		    (rte & IOAPIC_RTE_VECTOR) == vector) {
			io->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
			service_level(io, pin);
		}
	}
}

/* What of an entry KVM's EOI routes depend on. */
static uint64_t route_bits(uint64_t rte)
{
	return rte & (IOAPIC_RTE_LEVEL | IOAPIC_RTE_VECTOR | IOAPIC_RTE_DEST_LOGICAL |
		      0x7ull << IOAPIC_RTE_DELIVERY_SHIFT | 0xffull << IOAPIC_RTE_DEST_SHIFT);
}

static void report_level_pins(struct ioapic *io)
{
	bool level[IOAPIC_PINS];
	struct ioapic_msi msi[IOAPIC_PINS];

	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		level[pin] = (io->rte[pin] & IOAPIC_RTE_LEVEL) != 0;
		msi[pin] = ioapic_msi_of(io->rte[pin]);
	}
	io->ops.level_pins_changed(io->ops.ctx, level, msi);
}

static int write_table(struct ioapic *io, unsigned pin, bool high, uint32_t value, char *why,
		       size_t whylen)
{
	uint64_t old = io->rte[pin];
	uint64_t rte = high ? (old & 0xffffffffull) | (uint64_t)value << 32
			    : (old & ~0xffffffffull) | value;

	rte = (rte & RTE_WRITABLE) | (old & ~RTE_WRITABLE);
	unsigned mode = delivery_mode(rte);
	if (!(rte & IOAPIC_RTE_MASKED) && mode != MODE_FIXED && mode != MODE_LOWEST &&
	    mode != MODE_NMI) {
		snprintf(why, whylen, "IOAPIC pin %u unmasked with delivery mode %u (%s): kvmrun "
			 "delivers fixed, lowest-priority and NMI interrupts", pin, mode,
			 mode_name(mode));
		return -1;
	}
	/* Remote IRR belongs to level-triggered delivery (82093AA: undefined
	 * for edge); a pin switched to edge forgets it and any assertion. */
	if (!(rte & IOAPIC_RTE_LEVEL)) {
		rte &= ~IOAPIC_RTE_REMOTE_IRR;
		io->pending[pin] = false;
	}
	io->rte[pin] = rte;
	if (route_bits(old) != route_bits(rte) && ((old | rte) & IOAPIC_RTE_LEVEL))
		report_level_pins(io);
	service_level(io, pin);
	return 0;
}

static uint32_t read_register(const struct ioapic *io)
{
	uint32_t reg = io->select & 0xff;

	switch (reg) {
	case REG_ID:
	case REG_ARBITRATION:
		return io->id;
	case REG_VERSION:
		return (IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION;
	default:
		if (reg >= REG_TABLE && reg < REG_TABLE + 2 * IOAPIC_PINS) {
			uint64_t rte = io->rte[(reg - REG_TABLE) / 2];
			return (reg - REG_TABLE) % 2 ? (uint32_t)(rte >> 32) : (uint32_t)rte;
		}
		return 0; /* reserved registers read as zero */
	}
}

static int write_register(struct ioapic *io, uint32_t value, char *why, size_t whylen)
{
	uint32_t reg = io->select & 0xff;

	if (reg == REG_ID) {
		io->id = value & ID_MASK;
		return 0;
	}
	if (reg >= REG_TABLE && reg < REG_TABLE + 2 * IOAPIC_PINS)
		return write_table(io, (reg - REG_TABLE) / 2, (reg - REG_TABLE) % 2, value, why,
				   whylen);
	return 0; /* read-only or reserved: ignored */
}

int ioapic_mmio(struct ioapic *io, uint64_t offset, uint8_t *data, uint32_t len, bool is_write,
		char *why, size_t whylen)
{
	if (len != 4 || (offset != IOAPIC_REG_SELECT && offset != IOAPIC_REG_WINDOW)) {
		snprintf(why, whylen, "IOAPIC: %u-byte %s at offset 0x%llx: its registers are "
			 "IOREGSEL (0x00) and IOWIN (0x10), 32 bits each", len,
			 is_write ? "write" : "read", (unsigned long long)offset);
		return -1;
	}
	uint32_t value;
	if (!is_write) {
		value = offset == IOAPIC_REG_SELECT ? io->select : read_register(io);
		memcpy(data, &value, sizeof value);
		return 0;
	}
	memcpy(&value, data, sizeof value);
	if (offset == IOAPIC_REG_SELECT) {
		io->select = value & 0xff;
		return 0;
	}
	return write_register(io, value, why, whylen);
}

static int serve_window(void *ctx, uint64_t offset, uint8_t *data, uint32_t len, bool is_write,
			char *why, size_t whylen)
{
	return ioapic_mmio(ctx, offset, data, len, is_write, why, whylen);
}

int ioapic_add_region(struct ioapic *io, struct mmio_regions *regions, char *err, size_t errlen)
{
	const struct mmio_region r = {
		.name = "IOAPIC", .base = KVMRUN_IOAPIC_BASE, .size = KVMRUN_IOAPIC_SIZE,
		.serve = serve_window, .ctx = io,
	};
	return mmio_regions_add(regions, &r, err, errlen);
}
