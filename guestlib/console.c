/* Console output: buffered, flushed on newline, on a full buffer and at exit,
 * written through the early (hypercall) console. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <kvmrun/guest.h>

#include "console.h"

static char buffer[4096];
static size_t used;

void console_flush(void)
{
	if (used) {
		kvmrun_debug_write(buffer, used);
		used = 0;
	}
}

void console_write(const char *data, size_t len)
{
	int newline = memchr(data, '\n', len) != NULL;

	if (len >= sizeof buffer) {
		console_flush();
		kvmrun_debug_write(data, len);
		return;
	}
	if (len > sizeof buffer - used)
		console_flush();
	memcpy(buffer + used, data, len);
	used += len;
	if (newline)
		console_flush();
}

int fflush(void *stream)
{
	(void)stream;
	console_flush();
	return 0;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	if (fd != STDOUT_FILENO && fd != STDERR_FILENO)
		return -1;
	console_write(buf, len);
	return (ssize_t)len;
}

int putchar(int c)
{
	char ch = (char)c;
	console_write(&ch, 1);
	return (unsigned char)c;
}

int puts(const char *s)
{
	console_write(s, strlen(s));
	console_write("\n", 1);
	return 0;
}
