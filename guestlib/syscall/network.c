/* The network: there is none. Creating a socket fails as on a Linux that
 * supports no address family, an answer C libraries take in their stride
 * (glibc's user lookups try nscd's socket, then go on without it), so it
 * is not reported as a refused call. With no sockets, every other socket
 * call has no descriptor to act on. */
#include "syscall/syscall.h"

long sys_socket(const long *arg)
{
	(void)arg;
	return -EAFNOSUPPORT;
}

/* i386's socketcall(call, args): SYS_SOCKET 1, SYS_SOCKETPAIR 8
 * (linux/net.h); the others name a descriptor, which is not a socket. */
long sys_socketcall(const long *arg)
{
	if (arg[0] == 1 || arg[0] == 8)
		return -EAFNOSUPPORT;
	return arg[0] >= 1 && arg[0] <= 20 ? -ENOTSOCK : -EINVAL;
}
