/* The app's console streams, as the system-call layer sees them: fd 1 is
 * the first virtio-console's transmitq (kvmrun's stdout), fd 2 the second
 * one's (kvmrun's stderr), fd 0 the first one's receiveq (kvmrun's stdin).
 * Writes go out when made, as on a pipe: nothing is held back in the
 * guest, so nothing is lost when it stops. Before a console is up (or
 * without one), output goes to the early (hypercall) console. */
#ifndef KVMRUN_GUEST_CONSOLE_IO_H
#define KVMRUN_GUEST_CONSOLE_IO_H

#include <stddef.h>

#include <sys/uio.h>

/* fd 1 or 2: cnt buffers, together (one VM exit per 1 MiB and 16 buffers). */
void console_writev(int fd, const struct iovec *iov, size_t cnt);
void console_write_stderr(const char *data, size_t len);

/* Up to len bytes of input; 0 at its end, -1 without a console. Waits
 * without spinning. */
long console_read(void *buf, size_t len);

/* Whether the host's end of fd (1, or 2) is a terminal (its console
 * offered a size), and that size. */
int console_is_terminal(int fd, unsigned short *cols, unsigned short *rows);

#endif
