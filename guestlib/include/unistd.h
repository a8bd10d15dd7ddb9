#ifndef KVMRUN_GUEST_UNISTD_H
#define KVMRUN_GUEST_UNISTD_H

#include <stddef.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

typedef long ssize_t;

/* The environment (kvmrun --env), NAME=VALUE strings ending with NULL. */
extern char **environ;

/* fd 1 and 2 write to the console (unbuffered); other fds fail with -1. */
ssize_t write(int fd, const void *buf, size_t len);

/* fd 0 reads the console's input: waits for some, returns what is there
 * (at most len), 0 at end of input, -1 for other fds or without a console. */
ssize_t read(int fd, void *buf, size_t len);

/* len (at most 256) random bytes from the entropy device: 0, or -1. */
int getentropy(void *buf, size_t len);

#endif
