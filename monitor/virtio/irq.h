/* How a device interrupts the guest. In kvmrun it raises a pin of the
 * emulated IOAPIC (ioapic.c); unit tests and the fuzzer plug in a counter, so the
 * devices run without KVM. */
#ifndef KVMRUN_VIRTIO_IRQ_H
#define KVMRUN_VIRTIO_IRQ_H

#include <stdint.h>

struct virtio_irq {
	void (*raise)(void *ctx, uint32_t line); /* one edge on the line */
	void *ctx;
};

#endif
