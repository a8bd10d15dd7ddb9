#include "console_io.h"

#include <kvmrun/guest.h>

#include "device_discovery.h"
#include "virtio/virtio_console.h"

/* Output stream 1 or 2: the console device behind it and its port, the
 * device started when it is not yet. */
static int output_ready(int fd, enum console_port *port)
{
	*port = fd == 2 ? CONSOLE_STDERR : CONSOLE_STDOUT;
	return device_ready(fd == 2 ? DEVICE_CONSOLE_ERR : DEVICE_CONSOLE);
}

void console_writev(int fd, const struct iovec *iov, size_t cnt)
{
	enum console_port port;

	if (output_ready(fd, &port) && virtio_console_writev(port, iov, cnt) == 0)
		return;
	/* Should a console fail: the early console, so the text still reaches
	 * the user (on stdout). */
	for (size_t i = 0; i < cnt; i++)
		kvmrun_debug_write(iov[i].iov_base, iov[i].iov_len);
}

void console_write_stderr(const char *data, size_t len)
{
	struct iovec one = { (void *)data, len };

	console_writev(2, &one, 1);
}

long console_read(void *buf, size_t len)
{
	if (!device_ready(DEVICE_CONSOLE))
		return -1;
	return virtio_console_read(buf, len);
}

int console_is_terminal(int fd, unsigned short *cols, unsigned short *rows)
{
	enum console_port port;

	if (!output_ready(fd, &port) || !virtio_console_interactive(port))
		return 0;
	virtio_console_size(port, cols, rows);
	return 1;
}
