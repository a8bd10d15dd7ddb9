#ifndef KVMRUN_GUEST_UNISTD_H
#define KVMRUN_GUEST_UNISTD_H

#include <stddef.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

typedef long ssize_t;

/* fd 1 and 2 write to the console; other fds fail with -1. */
ssize_t write(int fd, const void *buf, size_t len);

#endif
