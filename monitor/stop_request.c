#include "stop_request.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>

#include "diag.h"
#include "exit_status.h"

volatile sig_atomic_t stop_reason;
static struct kvm_run *volatile vcpu_run;
static const char *io_error_what;
static int io_error_errno;

/* The first stop request wins. It also re-arms the timer to fire every
 * 10 ms from then on: a request that lands just after the loop checked for
 * one, before it entered a blocking write() or poll(), would otherwise be
 * lost, and the call could block for ever (a pipe nobody reads). */
static void request_stop(int reason)
{
	static const struct itimerval again = {
		.it_interval = { .tv_usec = 10000 }, .it_value = { .tv_usec = 10000 },
	};

	if (!stop_reason) {
		stop_reason = reason;
		setitimer(ITIMER_REAL, &again, NULL);
	}
	if (vcpu_run)
		vcpu_run->immediate_exit = 1;
}

static void on_stop_signal(int sig)
{
	int saved = errno; /* the interrupted code may be about to read it */

	request_stop(sig);
	errno = saved;
}

int stop_request_install(struct kvm_run *run, uint64_t timeout_ns, char *err, size_t errlen)
{
	static const int signals[] = { SIGALRM, SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	vcpu_run = run;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigfillset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: blocked calls return EINTR */
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
		if (sigaction(signals[i], &sa, NULL) < 0) {
			diag_set(err, errlen, "cannot install a signal handler: %s", strerror(errno));
			return -1;
		}
	}
	if (timeout_ns) {
		/* setitimer counts microseconds: round up, never down to "off". */
		uint64_t us = timeout_ns / 1000u + (timeout_ns % 1000u != 0);
		struct itimerval limit = {
			.it_value = { .tv_sec = (time_t)(us / 1000000u),
				      .tv_usec = (suseconds_t)(us % 1000000u) },
		};
		if (setitimer(ITIMER_REAL, &limit, NULL) < 0) {
			diag_set(err, errlen, "cannot arm the --timeout timer: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

void stop_request_io_error(const char *what, int err)
{
	if (stop_reason)
		return;
	io_error_what = what;
	io_error_errno = err;
	request_stop(STOP_HOST_IO_ERROR);
}

void stop_request_forget(void)
{
	stop_reason = 0;
	io_error_what = NULL;
	io_error_errno = 0;
}

int stop_request_report(const char *timeout_text, const char *timeout_unit, uint64_t rip)
{
	unsigned long long at = (unsigned long long)rip;

	switch (stop_reason) {
	case STOP_HOST_IO_ERROR:
		diag("guest stopped: %s failed: %s (rip 0x%llx)", io_error_what,
		     strerror(io_error_errno), at);
		return STATUS_KVMRUN_FAILED;
	case SIGALRM:
		if (!timeout_text) { /* sent by someone: no --timeout was given */
			diag("guest stopped: alarm (SIGALRM) (rip 0x%llx)", at);
			return 128 + SIGALRM;
		}
		diag("guest stopped: time limit of %s%s reached (rip 0x%llx)", timeout_text,
		     timeout_unit, at);
		return STATUS_TIMEOUT;
	case SIGINT:
		diag("guest stopped: interrupted (SIGINT) (rip 0x%llx)", at);
		return 128 + SIGINT;
	case SIGHUP:
		diag("guest stopped: hang-up (SIGHUP) (rip 0x%llx)", at);
		return 128 + SIGHUP;
	default:
		diag("guest stopped: terminated (SIGTERM) (rip 0x%llx)", at);
		return 128 + SIGTERM;
	}
}
