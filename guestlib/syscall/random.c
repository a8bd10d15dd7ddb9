/* getrandom: first the bytes start_info brought from the host's getrandom
 * (entropy[], each handed out once), then the entropy device (virtio-rng),
 * which the host fills from its own getrandom. A C library's start-up
 * usually asks for a few bytes (glibc's malloc 8); the pool answers them
 * without the exits of starting the device. Never blocks for long, so the
 * flags change nothing. */
#include <string.h>

#include <kvmrun/guest.h>

#include "syscall/syscall.h"

static size_t pool_used;

/* Up to len bytes from the pool; how many. */
static size_t from_pool(unsigned char *buf, size_t len)
{
	const struct kvmrun_start_info *si = kvmrun_start_info();
	size_t n = sizeof si->entropy - pool_used;

	if (n > len)
		n = len;
	memcpy(buf, si->entropy + pool_used, n);
	pool_used += n;
	return n;
}

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
	size_t got = from_pool((unsigned char *)arg[0], len);
	if (got == len)
		return (long)len;
	return kvmrun_getrandom((unsigned char *)arg[0] + got, len - got) == 0 ? (long)len : -EIO;
}
