#include "input_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"

volatile sig_atomic_t input_watch_due;

static struct kvm_run *watch_run;
static int watch_fd = -1;

static void on_input(int sig)
{
	(void)sig;
	input_watch_due = 1;
	watch_run->immediate_exit = 1;
}

int input_watch_start(int fd, struct kvm_run *run, char *err, size_t errlen)
{
	struct stat st;
	struct sigaction sa;

	if (fstat(fd, &st) < 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return 0;
	watch_run = run;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_input;
	sigemptyset(&sa.sa_mask);
	/* KVM_RUN and poll return EINTR all the same (api.rst; poll(2) is
	 * never restarted); a blocked write of the guest's output goes on. */
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGIO, &sa, NULL) < 0) {
		diag_set(err, errlen, "cannot install the input watch's handler: %s", strerror(errno));
		return -1;
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETOWN, getpid()) < 0)
		return 0;
	if (fcntl(fd, F_SETFL, flags | O_ASYNC) < 0)
		return 0;
	watch_fd = fd;
	return 0;
}

void input_watch_stop(void)
{
	int flags;

	if (watch_fd < 0)
		return;
	flags = fcntl(watch_fd, F_GETFL);
	if (flags >= 0)
		(void)fcntl(watch_fd, F_SETFL, flags & ~O_ASYNC);
	watch_fd = -1;
}
