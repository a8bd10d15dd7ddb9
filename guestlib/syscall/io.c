/* Reading and writing: every descriptor (fd_table.c) leads to one of the
 * three console streams, the console's input (kvmrun's stdin), its output
 * (kvmrun's stdout) and kvmrun's standard error. There are no files: open
 * answers ENOENT. */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>

#include <kvmrun/guest.h>

#include "console_io.h"
#include "syscall/syscall.h"

#define IOV_MAX_LINUX 1024

/* Whether fd's stream is a terminal, as far as the app can tell: kvmrun's
 * own fd of the same number is one (start_info.tty). */
static int fd_is_terminal(long fd)
{
	int s = fd_stream(fd);

	return s >= 0 && (kvmrun_start_info()->tty >> s) & 1;
}

/* The output stream fd leads to (1 or 2), or -EBADF. */
static int out_stream(long fd)
{
	int s = fd_stream(fd);

	return s == 1 || s == 2 ? s : -EBADF;
}

/* Output goes out when written, as into a pipe (console_io.h). */
long sys_write(const long *arg)
{
	int s = out_stream(arg[0]);
	size_t len = (size_t)arg[2];

	if (s < 0)
		return s;
	if (len == 0)
		return 0;
	if (!user_mem_ok((uintptr_t)arg[1], len))
		return -EFAULT;
	struct iovec one = { (void *)arg[1], len };
	console_writev(s, &one, 1);
	return (long)len;
}

/* The iovec array, checked: 0 with *total set, or a negative errno. */
static long check_iov(const struct iovec *iov, long cnt, size_t *total)
{
	*total = 0;
	if (cnt < 0 || cnt > IOV_MAX_LINUX)
		return -EINVAL;
	if (!user_mem_ok((uintptr_t)iov, (size_t)cnt * sizeof *iov))
		return -EFAULT;
	for (long i = 0; i < cnt; i++) {
		if (iov[i].iov_len > (size_t)LONG_MAX - *total)
			return -EINVAL;
		if (iov[i].iov_len && !user_mem_ok((uintptr_t)iov[i].iov_base, iov[i].iov_len))
			return -EFAULT;
		*total += iov[i].iov_len;
	}
	return 0;
}

long sys_writev(const long *arg)
{
	int s = out_stream(arg[0]);
	long cnt = arg[2];
	const struct iovec *iov = (const struct iovec *)arg[1];
	size_t total;

	if (s < 0)
		return s;
	long rc = check_iov(iov, cnt, &total);
	if (rc < 0)
		return rc;
	if (total)
		console_writev(s, iov, (size_t)cnt);
	return (long)total;
}

static long read_in(void *buf, size_t len)
{
	if (len == 0)
		return 0;
	long n = console_read(buf, len);
	return n < 0 ? -EIO : n;
}

long sys_read(const long *arg)
{
	size_t len = (size_t)arg[2];

	if (fd_stream(arg[0]) != 0)
		return -EBADF;
	if (len && !user_mem_ok((uintptr_t)arg[1], len))
		return -EFAULT;
	return read_in((void *)arg[1], len);
}

/* Into the first buffer with room: a short read, as a pipe gives. */
long sys_readv(const long *arg)
{
	const struct iovec *iov = (const struct iovec *)arg[1];
	long cnt = arg[2];
	size_t total;

	if (fd_stream(arg[0]) != 0)
		return -EBADF;
	long rc = check_iov(iov, cnt, &total);
	if (rc < 0)
		return rc;
	for (long i = 0; i < cnt; i++)
		if (iov[i].iov_len)
			return read_in(iov[i].iov_base, iov[i].iov_len);
	return 0;
}

long sys_ioctl(const long *arg)
{
	long fd = arg[0];
	unsigned long req = (unsigned long)arg[1];

	if (fd_stream(fd) < 0)
		return -EBADF;
	if (!fd_is_terminal(fd))
		return -ENOTTY;
	switch (req) {
	case TIOCGWINSZ: {
		struct winsize *ws = (struct winsize *)arg[2];
		unsigned short cols = 80, rows = 24;
		if (!user_mem_ok((uintptr_t)ws, sizeof *ws))
			return -EFAULT;
		if (!console_is_terminal(fd_stream(fd) == 2 ? 2 : 1, &cols, &rows) || !cols || !rows)
			cols = 80, rows = 24;
		memset(ws, 0, sizeof *ws);
		ws->ws_col = cols;
		ws->ws_row = rows;
		return 0;
	}
	case TCGETS: {
		/* A terminal in its usual cooked mode; the kernel's struct
		 * termios is musl's up to c_cc (no speed fields). */
		struct termios *t = (struct termios *)arg[2];
		if (!user_mem_ok((uintptr_t)t, 36))
			return -EFAULT;
		memset(t, 0, 36);
		t->c_iflag = ICRNL | IXON;
		t->c_oflag = OPOST | ONLCR;
		t->c_cflag = CS8 | CREAD | B38400;
		t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN;
		return 0;
	}
	default:
		return -ENOTTY;
	}
}

/* stat of an fd: a character device when a terminal, a pipe otherwise;
 * only the type, mode and block size are filled. The three layouts are
 * the kernel's: x86-64's struct stat, i386's struct stat64, struct statx. */
static long fill_stat(long fd, void *st, size_t size, size_t mode_off, size_t mode_bytes,
		      size_t blksize_off)
{
	uint32_t mode = fd_is_terminal(fd) ? S_IFCHR | 0620 : S_IFIFO | 0600;
	uint32_t blksize = 4096;

	if (fd_stream(fd) < 0)
		return -EBADF;
	if (!user_mem_ok((uintptr_t)st, size))
		return -EFAULT;
	memset(st, 0, size);
	memcpy((char *)st + mode_off, &mode, mode_bytes);
	memcpy((char *)st + blksize_off, &blksize, sizeof blksize);
	return 0;
}

long sys_fstat(const long *arg)
{
#if UINTPTR_MAX > 0xffffffffu
	return fill_stat(arg[0], (void *)arg[1], 144, 24, 4, 56);
#else
	return fill_stat(arg[0], (void *)arg[1], 96, 16, 4, 52);
#endif
}

/* fstatat and statx name fd itself with an empty path and AT_EMPTY_PATH:
 * 0 then; any path names a file, and there are none. */
static long only_the_fd(long path_arg, long flags)
{
	const char *path = (const char *)path_arg;

	if (!user_mem_ok((uintptr_t)path, 1))
		return -EFAULT;
	return path[0] || !(flags & AT_EMPTY_PATH) ? -ENOENT : 0;
}

long sys_fstatat(const long *arg)
{
	long rc = only_the_fd(arg[1], arg[3]);
	long fst[2] = { arg[0], arg[2] };

	return rc < 0 ? rc : sys_fstat(fst);
}

long sys_statx(const long *arg)
{
	long rc = only_the_fd(arg[1], arg[2]);

	/* struct statx: stx_mask (STATX_TYPE | STATX_MODE) at 0, stx_blksize
	 * at 4, stx_mode (16 bits) at 28; 256 bytes. */
	if (rc == 0)
		rc = fill_stat(arg[0], (void *)arg[4], 256, 28, 2, 4);
	if (rc == 0)
		*(uint32_t *)arg[4] = 0x3;
	return rc;
}

long sys_lseek(const long *arg)
{
	return fd_stream(arg[0]) >= 0 ? -ESPIPE : -EBADF;
}

/* open, stat, access, readlink and the like: no path names a file. */
long sys_no_such_file(const long *arg)
{
	(void)arg;
	return -ENOENT;
}

/* One link exists: /proc/self/exe, which names the program as kvmrun was
 * given it (argv[0]), made absolute from the working directory, the root;
 * C libraries read it to find their own file (glibc asserts that the
 * path is absolute). */
static long read_link(uintptr_t path, uintptr_t buf, int size)
{
	const struct kvmrun_start_info *si = kvmrun_start_info();

	if (size <= 0) /* Linux takes bufsiz as an int, checked first */
		return -EINVAL;
	int is_exe = user_string_is(path, "/proc/self/exe");
	if (is_exe < 0)
		return is_exe;
	/* start_info lies in RAM the app may write: checked again here. */
	if (!is_exe || si->argc == 0 || si->args_size == 0 ||
	    !user_mem_ok((uintptr_t)si->args_addr, si->args_size))
		return -ENOENT;
	const char *name = (const char *)(uintptr_t)si->args_addr;
	size_t len = strnlen(name, si->args_size), slash = name[0] != '/';
	/* Truncated to size, as readlink(2) does, without a NUL. */
	size_t total = len + slash < (size_t)size ? len + slash : (size_t)size;
	if (!user_mem_ok(buf, total))
		return -EFAULT;
	if (slash)
		*(char *)buf = '/';
	memcpy((char *)buf + slash, name, total - slash);
	return (long)total;
}

long sys_readlink(const long *arg)
{
	return read_link((uintptr_t)arg[0], (uintptr_t)arg[1], (int)arg[2]);
}

long sys_readlinkat(const long *arg)
{
	return read_link((uintptr_t)arg[1], (uintptr_t)arg[2], (int)arg[3]);
}

/* The one directory there is: the root. */
long sys_getcwd(const long *arg)
{
	size_t size = (size_t)arg[1];

	if (size < 2)
		return -ERANGE;
	if (!user_mem_ok((uintptr_t)arg[0], 2))
		return -EFAULT;
	memcpy((char *)arg[0], "/", 2);
	return 2;
}
