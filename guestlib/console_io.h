#ifndef KVMRUN_GUEST_CONSOLE_H
#define KVMRUN_GUEST_CONSOLE_H

#include <stddef.h>

void console_write(const char *data, size_t len);
void console_flush(void);

#endif
