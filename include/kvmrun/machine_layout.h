/* The guest-physical map of every kvmrun machine, in one place: where the
 * boot area's pieces lie, where RAM goes around the MMIO hole, and what
 * the hole holds. Shared by the monitor and the guest runtime; the guest
 * learns the RAM ranges, the device windows and the IOAPIC from start_info
 * and reads nothing else here at run time. tests/unit/test_machine_layout.c
 * checks that the pieces neither overlap nor leave the places they belong.
 *
 *   0x0000_0000  null page                    (reserved)
 *   0x0000_1000  GDT                          (one page)
 *   0x0000_2000  start_info + argv strings    (16 KiB)
 *   0x0001_0000  page tables, 64-bit guests   (identity map of all RAM)
 *   0x0008_0000  initial stack                (grows down from 0x10_0000)
 *   0x0010_0000  the app's ELF segments (or the guest kernel's, then a
 *                static Linux program's at its own addresses; a static
 *                PIE at 0x40_0000), the rest free RAM, up to
 *   0xc000_0000  the MMIO hole:
 *     0xd000_0000  virtio-mmio device windows, one per STRIDE
 *     0xfec0_0000  IOAPIC                     (kvmrun's, one page)
 *     0xfee0_0000  local APIC                 (KVM's, per vCPU)
 *     0xfffb_c000  identity-map page and TSS  (KVM's, Intel hosts only)
 * 0x1_0000_0000  RAM beyond what fits below the hole
 */
#ifndef KVMRUN_MACHINE_LAYOUT_H
#define KVMRUN_MACHINE_LAYOUT_H

/* Unsigned in C; a plain number in assembly (guestlib's entry code). */
#ifdef __ASSEMBLER__
#define KVMRUN_U_(x) x
#else
#define KVMRUN_U_(x) x##u
#endif

/* The boot area (the first MiB), written by the monitor before entry. */
#define KVMRUN_GDT_ADDR 0x1000u
#define KVMRUN_START_INFO_ADDR 0x2000u
#define KVMRUN_START_INFO_SIZE 0x4000u /* 16 KiB, argv strings included */
#define KVMRUN_PAGE_TABLES_ADDR 0x10000u
#define KVMRUN_STACK_BASE 0x80000u
#define KVMRUN_STACK_TOP KVMRUN_U_(0x100000) /* also the runtime's own stack
						 * once the app runs */
#define KVMRUN_BOOT_AREA_END 0x100000u /* app segments must lie at or above;
					* guestlib/link.ld links apps here */

/* Where a static-PIE Linux program's lowest segment goes: the address
 * x86-64 linkers give non-PIE programs, above the guest kernel. */
#define KVMRUN_PIE_BASE 0x400000u

/* RAM: up to the hole, the rest from 4 GiB on. */
#define KVMRUN_MMIO_HOLE_START 0xc0000000ull
#define KVMRUN_HIGH_RAM_START 0x100000000ull

/* Device windows: device i of the device map is at BASE + i * STRIDE and
 * raises IOAPIC pin IRQ_BASE + i (monitor/virtio/device_table.c). */
#define KVMRUN_VIRTIO_MMIO_BASE 0xd0000000u
#define KVMRUN_VIRTIO_MMIO_STRIDE 0x1000u
#define KVMRUN_VIRTIO_IRQ_BASE 5u

/* Interrupt controllers, at the addresses the 82093AA and Intel SDM vol. 3
 * §11.4.1 give as defaults. */
#define KVMRUN_IOAPIC_BASE 0xfec00000u
#define KVMRUN_IOAPIC_SIZE 0x1000u
#define KVMRUN_LAPIC_BASE 0xfee00000u /* also the MSI address (SDM §11.11.1) */

/* Pages KVM needs on Intel hosts (api.rst: KVM_SET_TSS_ADDR takes three
 * pages, KVM_SET_IDENTITY_MAP_ADDR one, both below 4 GiB); never RAM. */
#define KVMRUN_IDENTITY_MAP_ADDR 0xfffbc000u
#define KVMRUN_TSS_ADDR 0xfffbd000u
#define KVMRUN_TSS_SIZE 0x3000u

#endif
