/* Requests to stop the guest: the wall-clock limit (--timeout, SIGALRM
 * from setitimer), SIGINT/SIGTERM/SIGHUP, and a failed read of the guest's
 * input or write of its output. The handlers only set stop_reason and
 * kvm_run.immediate_exit (api.rst: KVM_RUN then returns EINTR at once,
 * which closes the race with a signal that arrives just before it), so the
 * single-threaded exit loop regains control from a guest that never exits.
 *
 * Every blocking call the loop makes (poll, read, write) is interrupted by
 * these signals (no SA_RESTART) and checks stop_requested() when it returns;
 * every non-blocking one moves at most HOST_IO_STEP_MAX bytes before the
 * check comes round again. Once a stop is requested the timer keeps
 * interrupting calls every 10 ms until kvmrun exits, so none can hold it. */
#ifndef KVMRUN_STOP_REQUEST_H
#define KVMRUN_STOP_REQUEST_H

#include <linux/kvm.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* The most bytes one host read, write or getrandom moves for the guest:
 * the longest stretch between two checks for a stop. A regular file's
 * read or write is not interrupted by a signal; 256 KiB of it takes well
 * under a millisecond natively, a few in the KVM sandbox. */
#define HOST_IO_STEP_MAX (256u << 10)

/* The size of the next host call when left bytes remain to be moved. */
static inline size_t host_io_step(size_t left)
{
	return left < HOST_IO_STEP_MAX ? left : HOST_IO_STEP_MAX;
}

/* Why the guest is being stopped: 0 (it is not), a signal number, or
 * STOP_HOST_IO_ERROR. */
#define STOP_HOST_IO_ERROR (-1)
extern volatile sig_atomic_t stop_reason;

static inline int stop_requested(void)
{
	return stop_reason != 0;
}

/* Install the handlers and arm the timer (timeout_ns 0: no limit). */
int stop_request_install(struct kvm_run *run, uint64_t timeout_ns, char *err, size_t errlen);

/* A host read or write for the guest failed with errno err: stop the guest
 * (the first request wins). what names it: "writing the guest's output". */
void stop_request_io_error(const char *what, int err);

/* Forget any request: for the unit tests and the fuzzer, which drive the
 * devices through many runs in one process. */
void stop_request_forget(void);

/* The exit status for the stop that was requested, with its one line on
 * stderr. timeout_text is the --timeout value as given; timeout_unit is
 * appended to it ("s" where the value had no unit). */
int stop_request_report(const char *timeout_text, const char *timeout_unit, uint64_t rip);

#endif
