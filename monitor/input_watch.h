/* Console input on arrival. A standard virtio-console driver (Linux's hvc
 * driver, for one) posts its receive buffers once and waits for the used
 * buffer interrupt; it never notifies again and makes no wait hypercall.
 * So kvmrun must learn of input while the guest runs or halts, without a
 * thread and without a system call per exit: standard input gets O_ASYNC
 * with kvmrun as its owner (fcntl(2) F_SETOWN), the kernel sends SIGIO
 * when input (or its end) arrives, and the handler sets input_watch_due
 * and kvm_run.immediate_exit (api.rst: KVM_RUN then returns EINTR at once,
 * even for a signal that came just before it). The exit loop then runs a
 * receive pass, which fills the posted buffers and raises the interrupt.
 *
 * Regular files and directories are always readable: they raise no SIGIO
 * and need none, the receive pass at the driver's notification reads
 * them. O_ASYNC sits on the open file description, which standard input
 * shares with whoever started kvmrun; input_watch_stop() takes it off
 * again before kvmrun exits (SIGKILL aside), so no later process of that
 * shell receives a SIGIO meant for kvmrun. */
#ifndef KVMRUN_INPUT_WATCH_H
#define KVMRUN_INPUT_WATCH_H

#include <linux/kvm.h>
#include <signal.h>
#include <stddef.h>

/* Set by SIGIO, cleared by the exit loop before it reads. */
extern volatile sig_atomic_t input_watch_due;

/* Watch fd (standard input) for input. 0, or -1 with err set; a file type
 * that cannot signal (F_SETFL refuses O_ASYNC) is not an error: the
 * notification and the wait hypercall still read it. */
int input_watch_start(int fd, struct kvm_run *run, char *err, size_t errlen);

/* Take O_ASYNC off again. Async-signal-safe (the SIGSYS reporter calls
 * it); needs fcntl(fd, F_GETFL) and fcntl(fd, F_SETFL) under the filter. */
void input_watch_stop(void);

#endif
