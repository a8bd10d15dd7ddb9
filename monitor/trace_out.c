/* --trace's destination (trace_out.h). */
#include "trace_out.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "console_out.h"
#include "diag.h"

static int fd = STDERR_FILENO;

int trace_out_open(const char *path, char *err, size_t errlen)
{
	int f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);

	if (f < 0) {
		diag_set(err, errlen, "--trace-file: %s: %s", path, strerror(errno));
		return -1;
	}
	fd = f;
	return 0;
}

int trace_out_fd(void)
{
	return fd;
}

static int guest_lines;

void trace_out_allow_guest(void)
{
	guest_lines = 1;
}

int trace_out_guest_allowed(void)
{
	return guest_lines;
}

/* As the guest's output is written (console_out.h): in steps, a stop
 * request honoured between them, a reader that went away dropped, any
 * other failure a stop with the reason. */
void trace_out_bytes(const void *data, size_t len)
{
	console_out_write_fd(fd, data, len);
}

void trace_out_line(const char *line)
{
	static const char prefix[] = "kvmrun: ";
	char buf[512];
	size_t n = strlen(line);

	if (n > sizeof buf - sizeof prefix)
		n = sizeof buf - sizeof prefix;
	memcpy(buf, prefix, sizeof prefix - 1);
	memcpy(buf + sizeof prefix - 1, line, n);
	n += sizeof prefix - 1;
	buf[n++] = '\n';
	trace_out_bytes(buf, n);
}
