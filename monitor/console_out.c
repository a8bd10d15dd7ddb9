#include "console_out.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "stop_request.h"

static int reader_gone;

void console_out_write(const void *data, size_t len)
{
	const char *p = data;

	/* Once a stop is requested the rest is dropped rather than waited for. */
	while (len > 0 && !reader_gone && !stop_requested()) {
		ssize_t n = write(STDOUT_FILENO, p, host_io_step(len));
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue; /* the loop checks for a stop */
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* stdout was left non-blocking by whoever gave it to us. */
			struct pollfd pfd = { .fd = STDOUT_FILENO, .events = POLLOUT };
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				stop_request_io_error("writing the guest's output", errno);
		} else if (n < 0 && errno == EPIPE) {
			reader_gone = 1;
		} else {
			stop_request_io_error("writing the guest's output", n < 0 ? errno : EIO);
		}
	}
}
