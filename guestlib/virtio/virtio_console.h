/* virtio-console driver (virtio 1.2 §5.3), one port per device. kvmrun
 * gives the guest two: the first is standard output and input (transmitq
 * to kvmrun's stdout, receiveq from its stdin), the second standard error
 * (transmitq to kvmrun's stderr; its receiveq is not used). */
#ifndef KVMRUN_GUEST_VIRTIO_CONSOLE_H
#define KVMRUN_GUEST_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

enum console_port {
	CONSOLE_STDOUT, /* and stdin */
	CONSOLE_STDERR,
	CONSOLE_PORTS
};

/* Take the device in the window at base as port. 0, or -1 (device left
 * FAILED). Only CONSOLE_STDOUT sets up the receiveq. */
int virtio_console_init(enum console_port port, uint64_t base, uint32_t irq);

/* Whether the port's driver is up. */
int virtio_console_ready(enum console_port port);

/* The host's end of the port is a terminal (the device offered F_SIZE),
 * and its size from the config space; 0 x 0 when it is not one. */
int virtio_console_interactive(enum console_port port);
void virtio_console_size(enum console_port port, unsigned short *cols, unsigned short *rows);

/* Send cnt buffers, which stay untouched until this returns: one chain, so
 * one notification (one VM exit), per up to 16 buffers and 1 MiB. 0, or
 * -1 when the device failed. */
int virtio_console_writev(enum console_port port, const struct iovec *iov, size_t cnt);

/* Up to len bytes of input (CONSOLE_STDOUT's receiveq); 0 at end of input,
 * -1 without a device. Waits (without spinning) until some input or its
 * end arrives. */
long virtio_console_read(void *buf, size_t len);

#endif
