#ifndef KVMRUN_GUEST_STDLIB_H
#define KVMRUN_GUEST_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* Flush console output and stop the VM; kvmrun exits with status & 0xff. */
__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void abort(void);
int atoi(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int abs(int v);
/* The value of NAME in the environment kvmrun's --env gave, or NULL. */
char *getenv(const char *name);

#endif
