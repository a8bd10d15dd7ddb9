#ifndef KVMRUN_GUEST_DEVICE_DISCOVERY_H
#define KVMRUN_GUEST_DEVICE_DISCOVERY_H

enum device_kind { DEVICE_CONSOLE, DEVICE_ENTROPY, DEVICE_KIND_COUNT };

/* The driver for kind is up, starting it on the first call. 1, or 0 when
 * there is no working device of that kind. */
int device_ready(enum device_kind kind);

#endif
