#include "console_out.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>

#include "stop_request.h"

static uint64_t reader_gone; /* bit fd: its reader went away (EPIPE) */

void console_out_write_fd(int fd, const void *data, size_t len)
{
	const char *p = data;
	const char *what = fd == STDERR_FILENO ? "writing the guest's standard error"
					       : "writing the guest's output";
	uint64_t bit = fd >= 0 && fd < 64 ? 1ull << fd : 0;

	/* Once a stop is requested the rest is dropped rather than waited for. */
	while (len > 0 && !(reader_gone & bit) && !stop_requested()) {
		ssize_t n = write(fd, p, host_io_step(len));
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue; /* the loop checks for a stop */
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* stdout was left non-blocking by whoever gave it to us. */
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				stop_request_io_error(what, errno);
		} else if (n < 0 && errno == EPIPE) {
			reader_gone |= bit;
		} else {
			stop_request_io_error(what, n < 0 ? errno : EIO);
		}
	}
}

void console_out_write(const void *data, size_t len)
{
	console_out_write_fd(STDOUT_FILENO, data, len);
}
