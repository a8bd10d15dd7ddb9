#include "console_io.h"

#include <string.h>

#include <kvmrun/guest.h>

#include "device_discovery.h"
#include "virtio/virtio_console.h"

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

void console_write_stderr(const char *data, size_t len)
{
	console_flush();
	emit(data, len);
}

long console_read(void *buf, size_t len)
{
	console_flush(); /* a prompt shows before the wait for its answer */
	if (!device_ready(DEVICE_CONSOLE))
		return -1;
	return virtio_console_read(buf, len);
}

int console_is_terminal(unsigned short *cols, unsigned short *rows)
{
	if (!device_ready(DEVICE_CONSOLE) || !virtio_console_interactive())
		return 0;
	virtio_console_size(cols, rows);
	return 1;
}
