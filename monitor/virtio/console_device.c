#include "console_device.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kvmrun/virtio_mmio.h>

#include "../console_out.h"
#include "../stats.h"
#include "../stop_request.h"
#include "pass.h"

#define INPUT_PIPE_SIZE (1 << 20)

static struct virtio_console *console_of(struct virtio_dev *dev)
{
	return dev->owner;
}

static int64_t transmit_chain(struct virtio_dev *dev, const struct virtq_chain *chain,
			      uint64_t budget)
{
	int fd = console_of(dev)->out_fd;

	(void)budget; /* the pass checked that the chain fits */
	/* The queue takes readable-only chains (notify() says so). */
	for (unsigned i = 0; i < chain->nread; i++)
		console_out_write_fd(fd, chain->seg[i].iov_base, chain->seg[i].iov_len);
	stats.console_out_bytes += chain->read_bytes;
	return 0; /* the device wrote nothing into the chain */
}

/* Input can be read without blocking: any event (data, hang-up, error)
 * means read() returns at once; no event means no input yet. */
static bool input_ready(struct virtio_console *con)
{
	struct pollfd pfd = { .fd = con->in_fd, .events = POLLIN };
	int ready;

	do
		ready = poll(&pfd, 1, 0);
	while (ready < 0 && errno == EINTR && !stop_requested());
	if (ready < 0 && errno != EINTR)
		stop_request_io_error("reading the guest's input", errno);
	return ready > 0;
}

/* Read at most len bytes of input into buf, HOST_IO_STEP_MAX per read(),
 * each after a poll() that says it will not block, with a check for a
 * stop between them. Returns the bytes read; stops early when input runs
 * dry for now, ends (in_eof), fails (a stop request) or a stop comes. */
static size_t read_input(struct virtio_console *con, uint8_t *buf, size_t len)
{
	size_t total = 0;

	while (total < len && !con->in_eof && !stop_requested() && input_ready(con)) {
		size_t want = host_io_step(len - total);
		ssize_t n = read(con->in_fd, buf + total, want);
		if (n > 0) {
			total += (size_t)n;
			if ((size_t)n < want)
				break; /* what was ready is read */
		} else if (n == 0) {
			con->in_eof = true; /* a terminal reports end of file once: keep it */
		} else if (errno == EINTR) {
			continue; /* the loop checks for a stop */
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			break; /* another reader took it, or made the shared input non-blocking */
		} else {
			/* EIO, EISDIR, ...: not the end of the input, which the
			 * guest would otherwise take for all of it. */
			stop_request_io_error("reading the guest's input", errno);
		}
	}
	return total;
}

/* Fill the chain's buffers in order with what input is ready, at most
 * budget bytes in all. Stops at the first buffer not filled whole. */
static int64_t receive_chain(struct virtio_dev *dev, const struct virtq_chain *chain,
			     uint64_t budget)
{
	struct virtio_console *con = console_of(dev);
	const struct iovec *seg = virtq_chain_writable(chain);
	uint64_t total = 0;

	/* End of input is told once, by one buffer given back empty; the
	 * buffers posted after it stay posted, so that a driver which re-posts
	 * at once does not spin on completions (virtio_console.h). */
	if (con->in_eof) {
		if (con->eof_told)
			return VIRTIO_CHAIN_LATER;
		con->eof_told = true;
		return 0;
	}
	/* A buffer with no room can only be given back empty. */
	if (chain->write_bytes == 0)
		return 0;
	for (unsigned i = 0; i < chain->nwrite && total < budget; i++) {
		size_t want = seg[i].iov_len;
		if (want > budget - total)
			want = (size_t)(budget - total);
		size_t n = read_input(con, seg[i].iov_base, want);
		total += n;
		if (n < want)
			break;
	}
	stats.console_in_bytes += total;
	/* Nothing read and input goes on: try this chain again later. */
	if (total == 0 && !con->in_eof)
		return VIRTIO_CHAIN_LATER;
	if (total == 0)
		con->eof_told = true; /* this empty buffer tells it */
	return (int64_t)total;
}

void virtio_console_receive(struct virtio_console *con)
{
	if (con->in_fd < 0)
		return; /* the standard error console: no input */
	/* Input goes to the driver: device-writable buffers only (§5.3.6). */
	virtio_queue_pass(&con->dev, VIRTIO_CONSOLE_RECEIVEQ, VIRTQ_DEVICE_WRITES, receive_chain);
}

static void notify(struct virtio_dev *dev, unsigned queue)
{
	if (queue == VIRTIO_CONSOLE_RECEIVEQ)
		virtio_console_receive(console_of(dev));
	else if (queue == VIRTIO_CONSOLE_TRANSMITQ) /* output: device-readable only */
		virtio_queue_pass(dev, queue, VIRTQ_DEVICE_READS, transmit_chain);
}

void virtio_console_wait(struct virtio_console *con)
{
	const struct virtq *rx = &con->dev.queue[VIRTIO_CONSOLE_RECEIVEQ];
	struct pollfd pfd = { .fd = con->in_fd, .events = POLLIN };
	unsigned pending;

	if (con->in_fd < 0 || con->in_eof || !rx->ready || !virtio_dev_live(&con->dev))
		return;
	/* A bad available index is the receive pass's to report. */
	if (virtq_pending(rx, &pending, NULL, 0) == 0 && pending == 0)
		return;
	if (poll(&pfd, 1, -1) < 0)
		return; /* a signal: back to the exit loop */
	virtio_console_receive(con);
}

void virtio_console_prepare_input(int in_fd)
{
	struct stat st;

	if (fstat(in_fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(in_fd, F_SETPIPE_SZ, INPUT_PIPE_SIZE);
}

/* End of input outlives a reset (it is the input's state), but the new
 * driver has not been told of it yet. */
static void reset(struct virtio_dev *dev)
{
	console_of(dev)->eof_told = false;
}

static const struct virtio_dev_ops console_ops = {
	.name = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nqueues = 2,
	.notify = notify,
	.reset = reset,
};

struct virtio_dev *virtio_console_start(struct virtio_console *con,
					const struct virtio_device_env *env, uint32_t irq_line)
{
	virtio_dev_init(&con->dev, &console_ops, con, env->mem, env->irq, irq_line);
	con->in_fd = env->console_in_fd;
	con->out_fd = env->console_out_fd;
	con->in_eof = false;
	con->eof_told = false;
	return &con->dev;
}

struct virtio_dev *virtio_console_err_start(struct virtio_console *con,
					    const struct virtio_device_env *env, uint32_t irq_line)
{
	virtio_console_start(con, env, irq_line);
	con->in_fd = -1; /* no input: its receive passes find none */
	con->out_fd = env->console_err_fd;
	return &con->dev;
}

void virtio_console_set_terminal(struct virtio_console *con, uint16_t cols, uint16_t rows)
{
	struct virtio_dev *dev = &con->dev;

	dev->device_features |= 1ull << VIRTIO_CONSOLE_F_SIZE;
	/* Little-endian le16 cols, le16 rows, then max_nr_ports and emerg_wr
	 * (without their features: zero). */
	memset(dev->config, 0, sizeof dev->config);
	dev->config[VIRTIO_CONSOLE_CFG_COLS] = (uint8_t)cols;
	dev->config[VIRTIO_CONSOLE_CFG_COLS + 1] = (uint8_t)(cols >> 8);
	dev->config[VIRTIO_CONSOLE_CFG_ROWS] = (uint8_t)rows;
	dev->config[VIRTIO_CONSOLE_CFG_ROWS + 1] = (uint8_t)(rows >> 8);
	dev->config_size = 12;
}
