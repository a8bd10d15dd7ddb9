/* The monitor's side of guest output: everything the guest prints goes to
 * kvmrun's stdout through here. A closed or broken stdout never stops or
 * hangs the monitor: output is dropped from then on and the guest runs on. */
#ifndef KVMRUN_CONSOLE_OUT_H
#define KVMRUN_CONSOLE_OUT_H

#include <stddef.h>

void console_out_write(const void *data, size_t len);

#endif
