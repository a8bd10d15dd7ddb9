#include "halt_watch.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "diag.h"

volatile sig_atomic_t halt_watch_due;

static void on_tick(int sig)
{
	(void)sig;
	halt_watch_due = 1;
}

int halt_watch_start(char *err, size_t errlen)
{
	const long period_ns = HALT_WATCH_PERIOD_MS * 1000000l;
	/* A real-time signal nobody else sends; only this timer raises it. */
	const int sig = SIGRTMIN;
	struct sigaction sa;
	struct sigevent ev;
	timer_t timer;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_tick;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART; /* KVM_RUN still returns EINTR (api.rst) */
	if (sigaction(sig, &sa, NULL) < 0) {
		diag_set(err, errlen, "cannot install the halt watch's handler: %s", strerror(errno));
		return -1;
	}
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = sig;
	struct itimerspec every = {
		.it_interval = { .tv_nsec = period_ns }, .it_value = { .tv_nsec = period_ns },
	};
	if (timer_create(CLOCK_MONOTONIC, &ev, &timer) < 0 ||
	    timer_settime(timer, 0, &every, NULL) < 0) {
		diag_set(err, errlen, "cannot start the halt watch's timer: %s", strerror(errno));
		return -1;
	}
	return 0;
}
