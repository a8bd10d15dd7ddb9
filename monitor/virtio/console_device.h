/* virtio-console (virtio 1.2 §5.3), one port, no features beyond
 * VIRTIO_F_VERSION_1. The transmitq goes to kvmrun's stdout
 * (console_out.h); the receiveq is filled from standard input. A second
 * instance is the guest's standard error: a console device per stream,
 * rather than one with VIRTIO_CONSOLE_F_MULTIPORT's control queues.
 *
 * Standard input is shared with whoever started kvmrun, so it is never made
 * non-blocking: a read happens only after poll() says it cannot block, and
 * one that blocks all the same (another reader took the input in between)
 * is interrupted by a stop request. Input is read when the driver notifies
 * the receiveq, when it makes the wait hypercall, and when it arrives
 * (input_watch.h: SIGIO), so a driver that posts buffers once and waits
 * for the interrupt gets it too.
 *
 * End of input is told once: the first receive buffer after it completes
 * with length 0, the driver's end-of-file signal; buffers posted after that
 * stay posted and are never used, so a driver that re-posts at once sees
 * no storm of empty completions. A read that fails (EIO, EISDIR, ...) is
 * not an end of input: it stops the guest (console_out.h says how, for
 * output). */
#ifndef KVMRUN_VIRTIO_CONSOLE_H
#define KVMRUN_VIRTIO_CONSOLE_H

#include <stdbool.h>

#include "transport.h"

struct virtio_console {
	struct virtio_dev dev;
	int in_fd;     /* standard input; -1 for none */
	int out_fd;    /* where the transmitq goes: stdout, or stderr */
	bool in_eof;   /* end of input reached */
	bool eof_told; /* and one empty receive buffer has said so */
};

/* Reset state; the device raises irq_line. Returns its transport. */
struct virtio_dev *virtio_console_start(struct virtio_console *con,
					const struct virtio_device_env *env, uint32_t irq_line);

/* The same device as kvmrun's standard error, the guest's second console:
 * its transmitq goes to stderr, its receiveq never fills. */
struct virtio_dev *virtio_console_err_start(struct virtio_console *con,
					    const struct virtio_device_env *env, uint32_t irq_line);

/* The host console is a terminal of cols x rows: offer VIRTIO_CONSOLE_F_SIZE
 * with that size in config space (§5.3.4), which also tells the guest to
 * line-buffer its output. */
void virtio_console_set_terminal(struct virtio_console *con, uint16_t cols, uint16_t rows);

/* One receive pass: fill the posted receive buffers with the input ready
 * now, without blocking; interrupt the guest if any completed. */
void virtio_console_receive(struct virtio_console *con);

/* The wait hypercall (KVMRUN_PORT_WAIT): when the receiveq has buffers
 * posted and input has not ended, block until input is ready (or ends),
 * then run a receive pass; otherwise return at once. A signal ends the
 * wait early. */
void virtio_console_wait(struct virtio_console *con);

/* Once, at start-up: a pipe on in_fd gets a 1 MiB buffer if the kernel
 * allows, so bulk input needs fewer passes. */
void virtio_console_prepare_input(int in_fd);

#endif
