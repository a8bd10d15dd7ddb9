/* Device register access and the memory ordering the virtqueue protocol
 * needs (virtio 1.2 §2.7.13). x86 keeps stores in order and loads in order,
 * so the barriers only stop the compiler from reordering; the full barrier
 * orders a store before a later load. */
#ifndef KVMRUN_GUEST_MMIO_H
#define KVMRUN_GUEST_MMIO_H

#include <stdint.h>

#define virtio_wmb() __asm__ volatile("" ::: "memory")
#define virtio_rmb() __asm__ volatile("" ::: "memory")
#define virtio_mb() __asm__ volatile("mfence" ::: "memory")

static inline uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t value)
{
	*(volatile uint32_t *)addr = value;
}

#endif
