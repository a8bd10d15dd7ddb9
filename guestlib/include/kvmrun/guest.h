/* What the guest runtime offers apps beyond the C library: the machine
 * description, the hypercalls, the entropy device and interrupt gates.
 * Most apps need none of it: they are Linux programs on musl. Test guests
 * use it to reach start_info and the devices directly. */
#ifndef KVMRUN_GUEST_H
#define KVMRUN_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include <kvmrun/hypercall.h>
#include <kvmrun/start_info.h>

/* The machine description kvmrun handed this guest. */
const struct kvmrun_start_info *kvmrun_start_info(void);

/* Name of a memory map use (enum kvmrun_mem_use), for printing. */
const char *kvmrun_mem_use_name(uint32_t use);

/* Fill buf with len random bytes from the entropy device (any length,
 * unlike getentropy()). 0, or -1 without a working device. */
int kvmrun_getrandom(void *buf, size_t len);

/* size bytes of free RAM, zero, page-aligned (align may be at most 4096),
 * below 4 GiB, never freed: for rings and buffers a guest hands to devices
 * itself. The runtime's page allocator, which also backs mmap and brk, so
 * no two users get the same pages. NULL when RAM is short. */
void *kvmrun_alloc(size_t size, size_t align);

/* Write bytes on the early (hypercall) console, unbuffered. */
void kvmrun_debug_write(const void *data, size_t len);

/* Write bytes to kvmrun's trace output (--trace's destination), apart from
 * the app's own output: the runtime's --trace=syscalls lines. */
void kvmrun_trace_write(const void *data, size_t len);

/* Sleep in the monitor until console input or its end arrives; returns at
 * once when the console has no receive buffers posted or input has ended. */
void kvmrun_wait_for_input(void);

/* Route interrupt vector (32-255) to handler, an interrupt gate in the
 * runtime's IDT. handler is an __attribute__((interrupt)) function. Vectors
 * the runtime uses: 0x80 (i386 system calls), 0xec and 0xff (its timer). */
void kvmrun_set_interrupt_gate(uint8_t vector, void (*handler)(void *frame));

/* Stop the VM now with status, without flushing anything. */
__attribute__((noreturn)) void kvmrun_halt_with_status(int status);

#endif
