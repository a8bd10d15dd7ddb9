/* --trace's destination (trace_out.h). */
#include "trace_out.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

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

/* A trace that cannot be written is dropped, not fatal: the guest runs on. */
void trace_out_bytes(const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
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
