/* The monitor's side of guest output: everything the guest prints goes to
 * kvmrun's stdout (or, from its second console, stderr) through here, in writes of at most HOST_IO_STEP_MAX
 * bytes with a check for a stop request between them.
 *
 * A reader that went away (EPIPE) never stops or hangs the monitor: output
 * is dropped from then on and the guest runs on, as it would with its
 * output going nowhere. Any other failure (a full disk, EIO, EFBIG, EDQUOT,
 * a stdout not open for writing) means output was lost: it stops the
 * guest, and kvmrun reports it and exits with STATUS_KVMRUN_FAILED, as
 * cat(1) fails on a full disk. */
#ifndef KVMRUN_CONSOLE_OUT_H
#define KVMRUN_CONSOLE_OUT_H

#include <stddef.h>

void console_out_write(const void *data, size_t len);

/* The same for fd, STDOUT_FILENO or STDERR_FILENO (the guest's standard
 * error, its second console). */
void console_out_write_fd(int fd, const void *data, size_t len);

#endif
