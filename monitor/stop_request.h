/* Asynchronous requests to stop the guest: the wall-clock limit (--timeout,
 * SIGALRM from setitimer) and SIGINT/SIGTERM/SIGHUP. The handlers only set
 * stop_signal and kvm_run.immediate_exit (api.rst: KVM_RUN then returns
 * EINTR at once, which closes the race with a signal that arrives just
 * before it), so the single-threaded exit loop regains control from a guest
 * that never exits. Blocking calls in the loop (poll, write) are not
 * restarted and check stop_requested() when interrupted; once a stop is
 * requested the timer keeps interrupting them every 10 ms until kvmrun
 * exits, so none can block it. */
#ifndef KVMRUN_STOP_REQUEST_H
#define KVMRUN_STOP_REQUEST_H

#include <linux/kvm.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

extern volatile sig_atomic_t stop_signal; /* 0, or the signal that asks to stop */

static inline int stop_requested(void)
{
	return stop_signal != 0;
}

/* Install the handlers and arm the timer (timeout_ns 0: no limit). */
int stop_request_install(struct kvm_run *run, uint64_t timeout_ns, char *err, size_t errlen);

/* The exit status and message for the stop that was requested. */
int stop_request_report(const char *timeout_text, uint64_t rip);

#endif
