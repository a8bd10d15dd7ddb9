/* The guest runtime's stdio subset: formatted output on the console. */
#ifndef KVMRUN_GUEST_STDIO_H
#define KVMRUN_GUEST_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);
/* Flush buffered console output (the stream argument is ignored). */
int fflush(void *stream);

#endif
