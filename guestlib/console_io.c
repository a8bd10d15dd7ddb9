/* Console streams for <stdio.h> and <unistd.h>: output is buffered here and
 * goes to the virtio-console once its driver is up, to the early
 * (hypercall) console before that. Like C stdio: line-buffered when the host
 * console is a terminal, fully buffered otherwise; always flushed when the
 * buffer fills, before reading input, and at exit. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <kvmrun/guest.h>

#include "console_io.h"
#include "device_discovery.h"
#include "virtio_console.h"

#define BUFFER_SIZE (128u << 10)

static char buffer[BUFFER_SIZE];
static size_t used;

static void emit(const char *data, size_t len)
{
	if (device_ready(DEVICE_CONSOLE) && virtio_console_write(data, len) == 0)
		return;
	kvmrun_debug_write(data, len);
}

void console_flush(void)
{
	if (used) {
		emit(buffer, used);
		used = 0;
	}
}

void console_write(const char *data, size_t len)
{
	if (len >= BUFFER_SIZE - used) {
		console_flush();
		if (len >= BUFFER_SIZE) {
			emit(data, len);
			return;
		}
	}
	memcpy(buffer + used, data, len);
	used += len;
	/* Early messages and a terminal: show each line as it is complete. */
	if ((!device_ready(DEVICE_CONSOLE) || virtio_console_interactive()) && memchr(data, '\n', len))
		console_flush();
}

int fflush(void *stream)
{
	(void)stream;
	console_flush();
	return 0;
}

/* write(2): unbuffered, as in POSIX: what was buffered goes first, then the
 * caller's bytes straight from its buffer. */
ssize_t write(int fd, const void *buf, size_t len)
{
	if (fd != STDOUT_FILENO && fd != STDERR_FILENO)
		return -1;
	console_flush();
	emit(buf, len);
	return (ssize_t)len;
}

ssize_t read(int fd, void *buf, size_t len)
{
	if (fd != STDIN_FILENO)
		return -1;
	console_flush(); /* a prompt shows before the wait for its answer */
	if (!device_ready(DEVICE_CONSOLE))
		return -1;
	return virtio_console_read(buf, len);
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
