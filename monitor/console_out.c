#include "console_out.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "stop_request.h"

static int console_broken;

void console_out_write(const void *data, size_t len)
{
	const char *p = data;

	/* Once a stop is requested the rest is dropped rather than waited for. */
	while (len > 0 && !console_broken && !stop_requested()) {
		ssize_t n = write(STDOUT_FILENO, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* stdout was left non-blocking by whoever gave it to us. */
			struct pollfd pfd = { .fd = STDOUT_FILENO, .events = POLLOUT };
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				console_broken = 1;
		} else {
			/* EPIPE, EBADF, EIO, ...: nobody is reading any more. */
			console_broken = 1;
		}
	}
}
