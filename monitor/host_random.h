/* Random bytes from the host kernel for the entropy device, through the
 * getrandom system call itself (flags 0), never through libc: from glibc
 * 2.41 on, getrandom() goes through the vDSO, whose first call maps memory
 * and changes the signal mask, which the seccomp filter forbids. The
 * filter's unit test calls this very function under the filter. */
#ifndef KVMRUN_HOST_RANDOM_H
#define KVMRUN_HOST_RANDOM_H

#include <stddef.h>

/* Fill up to len bytes, HOST_IO_STEP_MAX per call, and stop early when a
 * stop is requested. Returns how many were filled; fewer than len also
 * when getrandom fails, which it should not on any kernel kvmrun runs on
 * (said once on stderr). */
size_t host_random_fill(void *buf, size_t len);

#endif
