/* Diagnostics on stderr, in the form "kvmrun: what went wrong: why".
 * stdout belongs to the guest console and is never used here. */
#ifndef KVMRUN_DIAG_H
#define KVMRUN_DIAG_H

#include <stddef.h>

void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Format into a caller's error buffer (for code that returns errors). */
void diag_set(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
