#ifndef KVMRUN_GUEST_DEVICES_H
#define KVMRUN_GUEST_DEVICES_H

/* The console / entropy driver is up, starting it on the first call.
 * 1, or 0 when there is no working device of that type. */
int devices_console(void);
int devices_entropy(void);

#endif
