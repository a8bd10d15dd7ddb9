#include "virtio_console.h"

#include <string.h>

#include <kvmrun/guest.h>
#include <kvmrun/virtio_mmio.h>
#include <kvmrun/virtqueue.h>

#include "memory/page_alloc.h"
#include "mmio.h"
#include "virtio_mmio_driver.h"

#define QUEUE_SIZE 16
#define RX_BUFFERS 8
#define RX_BUFFER_MAX (128u << 10) /* 8 x 128 KiB: 1 MiB of input per wait */
#define RX_BUFFER_MIN 4096u

struct port_state {
	struct virtio_mmio dev;
	struct virtq_driver txq;
	int up;
	int interactive;
};

static struct port_state ports[CONSOLE_PORTS];
static struct virtq_driver rxq; /* CONSOLE_STDOUT's */

/* Receive buffers: descriptor i of the receiveq is buffer i. */
static char *rx_buf[RX_BUFFERS];
static uint32_t rx_size;
static unsigned rx_count;
static int rx_have;            /* a completed buffer is being consumed */
static uint32_t rx_id, rx_len, rx_pos;
static int rx_eof;

int virtio_console_ready(enum console_port port)
{
	return ports[port].up;
}

int virtio_console_interactive(enum console_port port)
{
	return ports[port].up && ports[port].interactive;
}

/* As many receive buffers as free memory allows, 1 MiB at most. */
static int setup_rx_buffers(void)
{
	rx_size = RX_BUFFER_MAX;
	while (rx_size > RX_BUFFER_MIN && kvmrun_alloc_available() / 4 < (size_t)rx_size * RX_BUFFERS)
		rx_size /= 2;
	for (rx_count = 0; rx_count < RX_BUFFERS; rx_count++) {
		rx_buf[rx_count] = kvmrun_alloc(rx_size, 4096);
		if (!rx_buf[rx_count])
			break;
		virtq_driver_set_desc(&rxq, (uint16_t)rx_count, rx_buf[rx_count], rx_size, 1);
		virtq_driver_make_available(&rxq, (uint16_t)rx_count);
	}
	return rx_count ? 0 : -1;
}

void virtio_console_size(enum console_port port, unsigned short *cols, unsigned short *rows)
{
	/* struct virtio_console_config (virtio 1.2 §5.3.4): cols, then rows,
	 * 16 bits each, valid with VIRTIO_CONSOLE_F_SIZE. One 32-bit read. */
	const struct port_state *p = &ports[port];
	uint32_t v = virtio_console_interactive(port) ? mmio_read32(p->dev.base + VIRTIO_MMIO_CONFIG) : 0;

	*cols = (unsigned short)(v & 0xffff);
	*rows = (unsigned short)(v >> 16);
}

int virtio_console_init(enum console_port port, uint64_t base, uint32_t irq)
{
	struct port_state *p = &ports[port];
	int input = port == CONSOLE_STDOUT;

	if (virtio_mmio_probe(&p->dev, base, irq) != VIRTIO_ID_CONSOLE ||
	    virtio_mmio_begin(&p->dev, 1ull << VIRTIO_CONSOLE_F_SIZE) < 0)
		return -1;
	if ((input && virtio_mmio_setup_queue(&p->dev, VIRTIO_CONSOLE_RECEIVEQ, &rxq, QUEUE_SIZE) < 0) ||
	    virtio_mmio_setup_queue(&p->dev, VIRTIO_CONSOLE_TRANSMITQ, &p->txq, QUEUE_SIZE) < 0 ||
	    (input && setup_rx_buffers() < 0)) {
		virtio_mmio_fail(&p->dev);
		return -1;
	}
	p->interactive = (p->dev.features >> VIRTIO_CONSOLE_F_SIZE) & 1;
	virtio_mmio_driver_ok(&p->dev);
	p->up = 1;
	/* The device may take input into the posted buffers from now on. */
	if (input)
		virtio_mmio_notify(&p->dev, VIRTIO_CONSOLE_RECEIVEQ);
	return 0;
}

/* Send the chain of descriptors 0..n-1 and wait for the device to hand
 * it back. The device completes transmit chains before the notify
 * returns; anything else means it stopped working (it needs a reset), and
 * the driver gives up on it. */
static int send_chain(struct port_state *port)
{
	uint32_t id, used_len;

	virtq_driver_make_available(&port->txq, 0);
	virtio_mmio_notify(&port->dev, VIRTIO_CONSOLE_TRANSMITQ);
	if (!virtq_driver_take_used(&port->txq, &id, &used_len) || id != 0) {
		port->up = 0;
		return -1;
	}
	return 0;
}

int virtio_console_writev(enum console_port port, const struct iovec *iov, size_t cnt)
{
	struct port_state *p = &ports[port];
	uint16_t n = 0;
	uint32_t bytes = 0;

	if (!p->up)
		return -1;
	for (size_t i = 0; i < cnt; i++) {
		const char *base = iov[i].iov_base;
		size_t left = iov[i].iov_len;
		while (left > 0) {
			uint32_t room = KVMRUN_VIRTQ_READ_CHAIN_MAX - bytes;
			uint32_t chunk = left > room ? room : (uint32_t)left;
			virtq_driver_set_desc(&p->txq, n, base, chunk, 0);
			if (n > 0)
				virtq_driver_chain(&p->txq, (uint16_t)(n - 1), n);
			n++;
			bytes += chunk;
			base += chunk;
			left -= chunk;
			/* A full chain goes now: the queue's descriptors, or the
			 * most a transmit chain may carry. */
			if (n == QUEUE_SIZE || bytes == KVMRUN_VIRTQ_READ_CHAIN_MAX) {
				if (send_chain(p) < 0)
					return -1;
				n = 0;
				bytes = 0;
			}
		}
	}
	return n ? send_chain(p) : 0;
}

long virtio_console_read(void *buf, size_t len)
{
	struct port_state *port = &ports[CONSOLE_STDOUT];
	char *out = buf;
	size_t total = 0;

	if (!port->up)
		return -1;
	while (total < len) {
		if (rx_have) {
			uint32_t n = rx_len - rx_pos;
			if (n > len - total)
				n = (uint32_t)(len - total);
			memcpy(out + total, rx_buf[rx_id] + rx_pos, n);
			total += n;
			rx_pos += n;
			if (rx_pos == rx_len) {
				rx_have = 0;
				virtq_driver_make_available(&rxq, (uint16_t)rx_id);
			}
			continue;
		}
		if (rx_eof)
			break;
		uint32_t id, n;
		if (virtq_driver_take_used(&rxq, &id, &n)) {
			if (id >= rx_count || n > rx_size) {
				port->up = 0; /* a device that breaks the protocol */
				return total ? (long)total : -1;
			}
			if (n == 0) {
				rx_eof = 1; /* kvmrun's end-of-input signal */
				continue;
			}
			rx_have = 1;
			rx_id = id;
			rx_len = n;
			rx_pos = 0;
			continue;
		}
		if (total > 0)
			break; /* return what is here rather than wait for more */
		/* Nothing yet: sleep in the monitor until input or its end. */
		kvmrun_wait_for_input();
	}
	return (long)total;
}
