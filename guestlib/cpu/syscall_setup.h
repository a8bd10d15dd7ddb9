#ifndef KVMRUN_GUEST_SYSCALL_SETUP_H
#define KVMRUN_GUEST_SYSCALL_SETUP_H

/* Route the app's system calls to syscall_dispatch (syscall/table.c):
 * SYSCALL on x86-64, int $0x80 on i386. After descriptors_init(). */
void syscall_setup(void);

#endif
