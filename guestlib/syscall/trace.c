/* --trace=syscalls: the line for each system call (trace.h). */
#include "syscall/trace.h"

#include <kvmrun/guest.h>

#include "text_line.h"

int syscall_tracing;

#define TRACE_LINE_MAX 384
#define TRACE_BYTES_SHOWN 32
#define TRACE_STRING_SHOWN 64

/* Linux's names for the errors the runtime answers with (asm-generic
 * errno-base.h and errno.h); others print as their number. */
static const char *const errno_names[] = {
	[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR",
	[EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC",
	[EBADF] = "EBADF", [ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES", [EFAULT] = "EFAULT", [EBUSY] = "EBUSY", [EEXIST] = "EEXIST",
	[EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR",
	[EINVAL] = "EINVAL", [ENFILE] = "ENFILE", [EMFILE] = "EMFILE", [ENOTTY] = "ENOTTY",
	[EFBIG] = "EFBIG", [ENOSPC] = "ENOSPC", [ESPIPE] = "ESPIPE", [EROFS] = "EROFS",
	[EMLINK] = "EMLINK", [EPIPE] = "EPIPE", [EDOM] = "EDOM", [ERANGE] = "ERANGE",
	[EDEADLK] = "EDEADLK", [ENAMETOOLONG] = "ENAMETOOLONG", [ENOSYS] = "ENOSYS",
	[ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP", [EOVERFLOW] = "EOVERFLOW",
	[ENOTSOCK] = "ENOTSOCK", [EPROTONOSUPPORT] = "EPROTONOSUPPORT",
	[EOPNOTSUPP] = "EOPNOTSUPP", [EAFNOSUPPORT] = "EAFNOSUPPORT",
	[ENETUNREACH] = "ENETUNREACH", [ENOTCONN] = "ENOTCONN", [ETIMEDOUT] = "ETIMEDOUT",
	[ECONNREFUSED] = "ECONNREFUSED", [ECANCELED] = "ECANCELED",
};

/* The app's bytes as a C string literal, as strace quotes them. */
static void put_bytes(struct text_line *l, uintptr_t addr, size_t n, int more)
{
	const unsigned char *p = (const unsigned char *)addr;

	text_char(l, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		switch (c) {
		case '\n': text_str(l, "\\n"); break;
		case '\t': text_str(l, "\\t"); break;
		case '\r': text_str(l, "\\r"); break;
		case '"': text_str(l, "\\\""); break;
		case '\\': text_str(l, "\\\\"); break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				text_char(l, (char)c);
			} else { /* octal, three digits: never read as more */
				text_char(l, '\\');
				text_char(l, (char)('0' + (c >> 6)));
				text_char(l, (char)('0' + ((c >> 3) & 7)));
				text_char(l, (char)('0' + (c & 7)));
			}
		}
	}
	text_str(l, more ? "\"..." : "\"");
}

/* A buffer of count bytes at addr, the first TRACE_BYTES_SHOWN of them. */
static void put_buffer(struct text_line *l, unsigned long addr, unsigned long count)
{
	size_t n = count < TRACE_BYTES_SHOWN ? count : TRACE_BYTES_SHOWN;

	if (!user_mem_ok(addr, n))
		text_hex(l, addr);
	else
		put_bytes(l, addr, n, count > n);
}

static void put_string(struct text_line *l, unsigned long addr)
{
	size_t n = 0;

	/* Byte by byte: the string may end just before memory the app may
	 * not name. */
	while (n < TRACE_STRING_SHOWN && user_mem_ok(addr + n, 1) && ((const char *)addr)[n])
		n++;
	if (n < TRACE_STRING_SHOWN && !user_mem_ok(addr + n, 1))
		text_hex(l, addr);
	else
		put_bytes(l, addr, n, n == TRACE_STRING_SHOWN);
}

static int is_error(long result)
{
	return result < 0 && result >= -4095;
}

static void put_result(struct text_line *l, char kind, long result)
{
	if (kind == '?') {
		text_char(l, '?');
	} else if (is_error(result)) {
		long e = -result;
		text_str(l, "-1 ");
		if ((size_t)e < sizeof errno_names / sizeof errno_names[0] && errno_names[e]) {
			text_str(l, errno_names[e]);
		} else {
			text_str(l, "(errno ");
			text_dec(l, e);
			text_char(l, ')');
		}
	} else if (kind == 'x') {
		text_hex(l, (unsigned long)result);
	} else {
		text_dec(l, result);
	}
}

size_t syscall_trace_format(char *buf, size_t len, uint64_t t_ns, const struct syscall_frame *frame,
			    const char *name, const char *shape, long result)
{
	struct text_line l;

	if (!len)
		return 0;
	text_line_init(&l, buf, len);
	text_str(&l, "kvmrun: trace: ");
	text_udec(&l, (unsigned long)(t_ns / 1000000000u));
	text_char(&l, '.');
	text_udec_width(&l, (unsigned long)(t_ns / 1000u % 1000000u), 6);
	text_str(&l, " syscall ");
	if (!name) { /* not in the table: the number and all six registers */
		text_str(&l, "syscall_");
		text_udec(&l, (unsigned long)frame->nr);
		text_char(&l, '(');
		for (int i = 0; i < 6; i++) {
			if (i)
				text_str(&l, ", ");
			text_hex(&l, (unsigned long)frame->arg[i]);
		}
		text_str(&l, ") = ");
		put_result(&l, 'd', result);
		return l.used;
	}
	text_str(&l, name);
	text_char(&l, '(');
	for (int i = 0; shape[i + 1] && i < 6; i++) {
		unsigned long a = (unsigned long)frame->arg[i];
		if (i)
			text_str(&l, ", ");
		switch (shape[i + 1]) {
		case 'd': text_dec(&l, (int)a); break;
		case 'u': text_udec(&l, a); break;
		case 'o': text_oct(&l, a); break;
		case 's': put_string(&l, a); break;
		case 'b': put_buffer(&l, a, i < 5 ? (unsigned long)frame->arg[i + 1] : 0); break;
		case 'r':
			if (result > 0 && shape[0] != '?')
				put_buffer(&l, a, (unsigned long)result);
			else
				text_hex(&l, a);
			break;
		default: text_hex(&l, a); break;
		}
	}
	text_str(&l, ") = ");
	put_result(&l, shape[0], result);
	return l.used;
}

static void trace_line(const struct syscall_frame *frame, const char *name, const char *shape,
		       long result)
{
	char buf[TRACE_LINE_MAX];
	size_t n = syscall_trace_format(buf, sizeof buf - 1, uptime_ns(), frame, name, shape, result);

	buf[n++] = '\n';
	kvmrun_trace_write(buf, n);
}

long syscall_traced(const struct syscall_frame *frame, syscall_handler handler,
		    const char *name, const char *shape)
{
	long result;

	if (!handler) {
		syscall_refused((unsigned long)frame->nr);
		trace_line(frame, NULL, NULL, -ENOSYS);
		return -ENOSYS;
	}
	if (shape[0] == '?') /* exit_group: said before, as it does not return */
		trace_line(frame, name, shape, 0);
	result = handler(frame->arg);
	trace_line(frame, name, shape, result);
	return result;
}
