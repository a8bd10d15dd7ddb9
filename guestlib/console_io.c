#include "console_io.h"

#include <kvmrun/guest.h>

#include "device_discovery.h"
#include "virtio/virtio_console.h"

void console_write(const char *data, size_t len)
{
	if (device_ready(DEVICE_CONSOLE) && virtio_console_write(CONSOLE_STDOUT, data, len) == 0)
		return;
	kvmrun_debug_write(data, len);
}

/* Should the second console fail, the early console: the text still
 * reaches the user, on stdout. */
void console_write_stderr(const char *data, size_t len)
{
	if (device_ready(DEVICE_CONSOLE_ERR) && virtio_console_write(CONSOLE_STDERR, data, len) == 0)
		return;
	kvmrun_debug_write(data, len);
}

long console_read(void *buf, size_t len)
{
	if (!device_ready(DEVICE_CONSOLE))
		return -1;
	return virtio_console_read(buf, len);
}

int console_is_terminal(int fd, unsigned short *cols, unsigned short *rows)
{
	enum device_kind kind = fd == 2 ? DEVICE_CONSOLE_ERR : DEVICE_CONSOLE;
	enum console_port port = fd == 2 ? CONSOLE_STDERR : CONSOLE_STDOUT;

	if (!device_ready(kind) || !virtio_console_interactive(port))
		return 0;
	virtio_console_size(port, cols, rows);
	return 1;
}
