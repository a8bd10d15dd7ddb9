/* virtio-console driver (virtio 1.2 §5.3): one port, transmitq to the
 * host's stdout, receiveq from the host's stdin. */
#ifndef KVMRUN_GUEST_VIRTIO_CONSOLE_H
#define KVMRUN_GUEST_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/* Take the device in the window at base. 0, or -1 (device left FAILED). */
int virtio_console_init(uint64_t base, uint32_t irq);

/* Whether the driver is up. */
int virtio_console_ready(void);

/* The host console is a terminal (the device offered F_SIZE). */
int virtio_console_interactive(void);

/* The terminal's size from the device's config space; 0 x 0 when the
 * console is not a terminal. */
void virtio_console_size(unsigned short *cols, unsigned short *rows);

/* Send len bytes, which stay untouched until this returns. 0 or -1. */
int virtio_console_write(const void *data, size_t len);

/* Up to len bytes of input; 0 at end of input, -1 without a device. Waits
 * (without spinning) until some input or its end arrives. */
long virtio_console_read(void *buf, size_t len);

#endif
