/* The network: there is none. Creating a socket fails as on a Linux that
 * supports no address family, an answer C libraries take in their stride
 * (glibc's user lookups try nscd's socket, then go on without it), so it
 * is not reported as a refused call. With no sockets, every call on one
 * names a descriptor that is not a socket (ENOTSOCK), or none (EBADF). */
#include "syscall/syscall.h"

long sys_socket(const long *arg)
{
	(void)arg;
	return -EAFNOSUPPORT;
}

static long not_a_socket(long fd)
{
	return fd_stream(fd) >= 0 ? -ENOTSOCK : -EBADF;
}

/* connect, bind, listen, accept, send, receive, shutdown, the options and
 * names: all take the descriptor first. */
long sys_socket_fd(const long *arg)
{
	return not_a_socket(arg[0]);
}

/* i386's socketcall(call, args): SYS_SOCKET 1 and SYS_SOCKETPAIR 8
 * (linux/net.h) make sockets; the others, up to SYS_SENDMMSG 20, take a
 * descriptor as their first argument, read from the app's args array. */
long sys_socketcall(const long *arg)
{
	const long *args = (const long *)arg[1];

	if (arg[0] == 1 || arg[0] == 8)
		return -EAFNOSUPPORT;
	if (arg[0] < 1 || arg[0] > 20)
		return -EINVAL;
	if (!user_mem_ok((uintptr_t)args, sizeof *args))
		return -EFAULT;
	return not_a_socket(args[0]);
}
