#ifndef KVMRUN_GUEST_DEVICE_DISCOVERY_H
#define KVMRUN_GUEST_DEVICE_DISCOVERY_H

enum device_kind {
	DEVICE_CONSOLE,     /* standard output and input: the first console */
	DEVICE_ENTROPY,
	DEVICE_CONSOLE_ERR, /* standard error: the second console */
	DEVICE_KIND_COUNT
};

/* The driver for kind is up, starting it on the first call. 1, or 0 when
 * there is no working device for it. */
int device_ready(enum device_kind kind);

#endif
