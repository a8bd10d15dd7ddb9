/* getrandom: the entropy device (virtio-rng), which the host fills from
 * its own getrandom. Never blocks for long, so the flags change nothing. */
#include <kvmrun/guest.h>

#include "syscall/syscall.h"

long sys_getrandom(const long *arg)
{
	size_t len = (size_t)arg[1];

	if (arg[2] & ~(long)7) /* GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE */
		return -EINVAL;
	if (len > 33554431)
		len = 33554431; /* Linux's most per call */
	if (len == 0)
		return 0;
	if (!user_mem_ok((uintptr_t)arg[0], len))
		return -EFAULT;
	return kvmrun_getrandom((void *)arg[0], len) == 0 ? (long)len : -EIO;
}
