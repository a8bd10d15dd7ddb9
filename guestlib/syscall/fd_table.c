/* File descriptors: each open one leads to one of the three console
 * streams kvmrun gives the guest (its stdin, stdout, stderr: fds 0-2 at
 * start). dup, dup2, dup3 and fcntl's F_DUPFD make more, close removes
 * them, as a shell's redirections need ("echo x >&2" saves fd 1 with
 * F_DUPFD, points it at fd 2's stream, then puts it back). New ones stay
 * below RLIMIT_NOFILE's soft limit (limits.c), as on Linux. */
#include <fcntl.h>

#include "syscall/syscall.h"

#define FD_MAX FD_TABLE_SIZE
#define CLOSED 0xff

/* The stream (0, 1, 2) of each fd, or CLOSED; FD_CLOEXEC per fd (kept and
 * reported, though nothing is ever exec'd). */
static uint8_t stream[FD_MAX] = { 0, 1, 2, [3 ... FD_MAX - 1] = CLOSED };
static uint8_t cloexec[FD_MAX / 8];

int fd_stream(long fd)
{
	return fd >= 0 && fd < FD_MAX && stream[fd] != CLOSED ? stream[fd] : -1;
}

static void set_cloexec(long fd, int on)
{
	if (on)
		cloexec[fd / 8] |= (uint8_t)(1u << (fd % 8));
	else
		cloexec[fd / 8] &= (uint8_t)~(1u << (fd % 8));
}

/* newfd leads where oldfd does (both checked). */
static long point(long newfd, long oldfd, int close_on_exec)
{
	stream[newfd] = stream[oldfd];
	set_cloexec(newfd, close_on_exec);
	return newfd;
}

/* The lowest closed fd at or above min, -EMFILE when none, -EINVAL for a
 * min past the limit (F_DUPFD's rules). */
static long lowest_from(long oldfd, long min, int close_on_exec)
{
	long limit = limits_open_files();

	if (fd_stream(oldfd) < 0)
		return -EBADF;
	if (min < 0 || min >= limit)
		return -EINVAL;
	for (long fd = min; fd < limit; fd++)
		if (stream[fd] == CLOSED)
			return point(fd, oldfd, close_on_exec);
	return -EMFILE;
}

long sys_dup(const long *arg)
{
	return lowest_from(arg[0], 0, 0);
}

static long dup_to(long oldfd, long newfd, int close_on_exec)
{
	if (fd_stream(oldfd) < 0 || newfd < 0 || newfd >= limits_open_files())
		return -EBADF;
	return point(newfd, oldfd, close_on_exec);
}

long sys_dup2(const long *arg)
{
	if (arg[0] == arg[1])
		return fd_stream(arg[0]) < 0 ? -EBADF : arg[1];
	return dup_to(arg[0], arg[1], 0);
}

long sys_dup3(const long *arg)
{
	if (arg[2] & ~(long)O_CLOEXEC)
		return -EINVAL;
	if (arg[0] == arg[1])
		return -EINVAL;
	return dup_to(arg[0], arg[1], (arg[2] & O_CLOEXEC) != 0);
}

long sys_close(const long *arg)
{
	long fd = arg[0];

	if (fd_stream(fd) < 0)
		return -EBADF;
	stream[fd] = CLOSED;
	set_cloexec(fd, 0);
	return 0;
}

long sys_fcntl(const long *arg)
{
	long fd = arg[0];
	int s = fd_stream(fd);

	if (s < 0)
		return -EBADF;
	switch (arg[1]) {
	case F_DUPFD:
		return lowest_from(fd, arg[2], 0);
	case F_DUPFD_CLOEXEC:
		return lowest_from(fd, arg[2], 1);
	case F_GETFD:
		return (cloexec[fd / 8] >> (fd % 8)) & 1 ? FD_CLOEXEC : 0;
	case F_SETFD:
		set_cloexec(fd, (arg[2] & FD_CLOEXEC) != 0);
		return 0;
	case F_SETFL:
		return 0;
	case F_GETFL:
		return s == 0 ? O_RDONLY : O_WRONLY;
	default:
		return -EINVAL;
	}
}
