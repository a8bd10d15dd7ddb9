#include "stop_request.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>

#include "diag.h"
#include "exit_status.h"

volatile sig_atomic_t stop_signal;
static struct kvm_run *volatile vcpu_run;

/* The first stop request wins. It also re-arms the timer to fire every
 * 10 ms from then on: a request that lands just after the loop checked for
 * one, before it entered a blocking write() or poll(), would otherwise be
 * lost, and the call could block for ever (a pipe nobody reads). */
static void request_stop(int sig)
{
	static const struct itimerval again = {
		.it_interval = { .tv_usec = 10000 }, .it_value = { .tv_usec = 10000 },
	};

	if (!stop_signal) {
		stop_signal = sig;
		setitimer(ITIMER_REAL, &again, NULL);
	}
	if (vcpu_run)
		vcpu_run->immediate_exit = 1;
}

int stop_request_install(struct kvm_run *run, uint64_t timeout_ns, char *err, size_t errlen)
{
	static const int signals[] = { SIGALRM, SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	vcpu_run = run;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = request_stop;
	sigfillset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: blocked calls return EINTR */
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
		if (sigaction(signals[i], &sa, NULL) < 0) {
			diag_set(err, errlen, "cannot install a signal handler: %s", strerror(errno));
			return -1;
		}
	}
	if (timeout_ns) {
		struct itimerval limit = {
			.it_value = { .tv_sec = (time_t)(timeout_ns / 1000000000u),
				      .tv_usec = (suseconds_t)(timeout_ns % 1000000000u / 1000u) },
		};
		if (limit.it_value.tv_sec == 0 && limit.it_value.tv_usec == 0)
			limit.it_value.tv_usec = 1;
		if (setitimer(ITIMER_REAL, &limit, NULL) < 0) {
			diag_set(err, errlen, "cannot arm the --timeout timer: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

int stop_request_report(const char *timeout_text, uint64_t rip)
{
	switch (stop_signal) {
	case SIGALRM:
		diag("guest stopped: time limit of %s reached (rip 0x%llx)", timeout_text,
		     (unsigned long long)rip);
		return STATUS_TIMEOUT;
	case SIGINT:
		diag("guest stopped: interrupted (SIGINT) (rip 0x%llx)", (unsigned long long)rip);
		return 128 + SIGINT;
	case SIGHUP:
		diag("guest stopped: hang-up (SIGHUP) (rip 0x%llx)", (unsigned long long)rip);
		return 128 + SIGHUP;
	default:
		diag("guest stopped: terminated (SIGTERM) (rip 0x%llx)", (unsigned long long)rip);
		return 128 + SIGTERM;
	}
}
