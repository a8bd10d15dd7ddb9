#include "host_random.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diag.h"
#include "stop_request.h"

size_t host_random_fill(void *buf, size_t len)
{
	static int reported;
	unsigned char *p = buf;
	size_t done = 0;

	while (done < len && !stop_requested()) {
		size_t want = host_io_step(len - done);
		long n = syscall(SYS_getrandom, p + done, want, 0);
		if (n > 0) {
			done += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue; /* the loop checks for a stop */
		} else {
			if (!reported++)
				diag("virtio-rng: getrandom failed: %s: the guest gets fewer bytes",
				     n < 0 ? strerror(errno) : "no bytes");
			break;
		}
	}
	return done;
}
