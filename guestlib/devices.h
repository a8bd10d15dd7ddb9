#ifndef KVMRUN_GUEST_DEVICES_H
#define KVMRUN_GUEST_DEVICES_H

/* Start a driver for every device start_info lists. */
void devices_init(void);

#endif
