/* The app's console streams, as the system-call layer sees them: fd 1 is
 * buffered here and goes to the virtio-console once its driver is up, to
 * the early (hypercall) console before that; fd 2 is kvmrun's standard
 * error; fd 0 is the console's input. */
#ifndef KVMRUN_GUEST_CONSOLE_IO_H
#define KVMRUN_GUEST_CONSOLE_IO_H

#include <stddef.h>

/* Standard output: line-buffered when the host console is a terminal,
 * fully buffered otherwise; flushed when the buffer fills, before reading
 * input, before standard error, and at exit. */
void console_write(const char *data, size_t len);
void console_flush(void);

/* Standard error: unbuffered. */
void console_write_stderr(const char *data, size_t len);

/* Up to len bytes of input; 0 at its end, -1 without a console. Waits
 * without spinning. */
long console_read(void *buf, size_t len);

/* Whether the host's stdout is a terminal (the console offered its size),
 * and that size. */
int console_is_terminal(unsigned short *cols, unsigned short *rows);

#endif
