#include "transport.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <kvmrun/virtio_mmio.h>

#include "../diag.h"
#include "../stats.h"

/* Registers of §4.2.2 kvmrun answers without offering what they belong to. */
#define SHM_LEN_LOW 0x0b0
#define SHM_LEN_HIGH 0x0b4
#define SHM_BASE_LOW 0x0b8
#define SHM_BASE_HIGH 0x0bc

#define DRIVER_STATUS_BITS (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | \
			    VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK | \
			    VIRTIO_STATUS_FAILED)

static void reset(struct virtio_dev *dev)
{
	dev->status = 0;
	dev->int_status = 0;
	dev->device_features_sel = 0;
	dev->driver_features_sel = 0;
	dev->driver_features = 0;
	dev->driver_features_high = false;
	dev->queue_sel = 0;
	for (unsigned i = 0; i < VIRTIO_DEV_MAX_QUEUES; i++)
		virtq_reset(&dev->queue[i]);
	dev->reported = false;
	if (dev->ops && dev->ops->reset)
		dev->ops->reset(dev);
}

void virtio_dev_init(struct virtio_dev *dev, const struct virtio_dev_ops *ops, void *owner,
		     const struct guest_mem *mem, struct virtio_irq irq, uint32_t irq_line)
{
	memset(dev, 0, sizeof *dev);
	dev->ops = ops;
	dev->owner = owner;
	dev->mem = mem;
	dev->irq = irq;
	dev->irq_line = irq_line;
	dev->device_features = VIRTIO_DEV_FEATURES;
	reset(dev);
}

bool virtio_dev_live(const struct virtio_dev *dev)
{
	return (dev->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(dev->status & (VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED));
}

void virtio_dev_interrupt(struct virtio_dev *dev, uint32_t bits)
{
	dev->int_status |= bits;
	stats.irqs++;
	dev->irq.raise(dev->irq.ctx, dev->irq_line);
}

static uint32_t vneeds_reset(struct virtio_dev *dev, const char *fmt, va_list ap)
{
	dev->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	if (!dev->reported && dev->reports < VIRTIO_DEV_REPORTS_MAX) {
		char what[512];
		vsnprintf(what, sizeof what, fmt, ap);
		diag("%s: %s: device needs reset", dev->ops->name, what);
		if (++dev->reports == VIRTIO_DEV_REPORTS_MAX)
			diag("%s: %u errors reported; later ones are not", dev->ops->name,
			     VIRTIO_DEV_REPORTS_MAX);
	}
	dev->reported = true;
	return dev->status & VIRTIO_STATUS_DRIVER_OK ? VIRTIO_MMIO_INT_CONFIG : 0;
}

uint32_t virtio_dev_needs_reset(struct virtio_dev *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	uint32_t bits = vneeds_reset(dev, fmt, ap);
	va_end(ap);
	return bits;
}

static void fail(struct virtio_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct virtio_dev *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	uint32_t bits = vneeds_reset(dev, fmt, ap);
	va_end(ap);
	if (bits)
		virtio_dev_interrupt(dev, bits);
}

/* The queue QueueSel names, or NULL when the device has no such queue. */
static struct virtq *selected_queue(struct virtio_dev *dev)
{
	return dev->queue_sel < dev->ops->nqueues ? &dev->queue[dev->queue_sel] : NULL;
}

/* §3.1.1 step 5: the driver's features must be ones the device offered;
 * a Version 2 device also insists on VIRTIO_F_VERSION_1 (§6.1). */
static bool features_acceptable(const struct virtio_dev *dev)
{
	return !dev->driver_features_high &&
	       (dev->driver_features & ~dev->device_features) == 0 &&
	       (dev->driver_features & (1ull << VIRTIO_F_VERSION_1));
}

static void write_status(struct virtio_dev *dev, uint32_t value)
{
	uint32_t set = value & DRIVER_STATUS_BITS & ~dev->status;

	if (value == 0) {
		reset(dev);
		return;
	}
	/* A refused FEATURES_OK does not stick; the driver reads Status back
	 * to learn it (§3.1.1 step 6). */
	if ((set & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(dev))
		set &= ~VIRTIO_STATUS_FEATURES_OK;
	if ((set & VIRTIO_STATUS_DRIVER_OK) &&
	    !((dev->status | set) & VIRTIO_STATUS_FEATURES_OK)) {
		dev->status |= set & ~VIRTIO_STATUS_DRIVER_OK;
		fail(dev, "the driver set DRIVER_OK without FEATURES_OK");
		return;
	}
	dev->status |= set;
}

static void write_driver_features(struct virtio_dev *dev, uint32_t value)
{
	/* Features are fixed once FEATURES_OK is set (§3.1.1). */
	if (dev->status & VIRTIO_STATUS_FEATURES_OK)
		return;
	if (dev->driver_features_sel == 0)
		dev->driver_features = (dev->driver_features & ~0xffffffffull) | value;
	else if (dev->driver_features_sel == 1)
		dev->driver_features = (dev->driver_features & 0xffffffffull) | (uint64_t)value << 32;
	else if (value)
		dev->driver_features_high = true;
}

static void write_queue_ready(struct virtio_dev *dev, struct virtq *q, uint32_t value)
{
	char why[256];

	if (value == 0) {
		/* Disabled: the device forgets its indexes, keeps size and areas. */
		q->ready = false;
		q->next_avail = q->used_idx = 0;
		return;
	}
	if (value != 1 || q->ready)
		return;
	if (virtq_enable(q, dev->mem, VIRTQ_SIZE_MAX, why, sizeof why) < 0)
		fail(dev, "queue %u: %s", dev->queue_sel, why);
}

static void set_low(uint64_t *field, uint32_t value)
{
	*field = (*field & ~0xffffffffull) | value;
}

static void set_high(uint64_t *field, uint32_t value)
{
	*field = (*field & 0xffffffffull) | (uint64_t)value << 32;
}

/* The registers that configure a queue: ignored once it is ready (§4.2.3.2
 * sets them up before QueueReady) or when QueueSel names no queue. */
static void write_queue_setup(struct virtio_dev *dev, uint32_t offset, uint32_t value)
{
	struct virtq *q = selected_queue(dev);

	if (!q || q->ready)
		return;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM: q->size = value; break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: set_low(&q->desc_gpa, value); break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH: set_high(&q->desc_gpa, value); break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW: set_low(&q->avail_gpa, value); break;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: set_high(&q->avail_gpa, value); break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW: set_low(&q->used_gpa, value); break;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: set_high(&q->used_gpa, value); break;
	}
}

static void write_notify(struct virtio_dev *dev, uint32_t queue)
{
	/* Nothing is consumed before DRIVER_OK (§3.1.1) or from a queue that
	 * is not ready. */
	if (queue >= dev->ops->nqueues || !dev->queue[queue].ready || !virtio_dev_live(dev))
		return;
	dev->ops->notify(dev, queue);
}

static void write_register(struct virtio_dev *dev, uint32_t offset, uint32_t value)
{
	struct virtq *q;

	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: dev->device_features_sel = value; break;
	case VIRTIO_MMIO_DRIVER_FEATURES: write_driver_features(dev, value); break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: dev->driver_features_sel = value; break;
	case VIRTIO_MMIO_QUEUE_SEL: dev->queue_sel = value; break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		write_queue_setup(dev, offset, value);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		q = selected_queue(dev);
		if (q)
			write_queue_ready(dev, q, value);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY: write_notify(dev, value); break;
	case VIRTIO_MMIO_INTERRUPT_ACK: dev->int_status &= ~value; break;
	case VIRTIO_MMIO_STATUS: write_status(dev, value); break;
	default: break; /* read-only or unknown: ignored */
	}
}

static uint32_t read_register(struct virtio_dev *dev, uint32_t offset)
{
	const struct virtq *q = selected_queue(dev);

	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION: return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID: return dev->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID: return KVMRUN_VIRTIO_VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (dev->device_features_sel > 1)
			return 0;
		return (uint32_t)(dev->device_features >> (32 * dev->device_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? VIRTQ_SIZE_MAX : 0;
	case VIRTIO_MMIO_QUEUE_READY: return q && q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return dev->int_status;
	case VIRTIO_MMIO_STATUS: return dev->status;
	/* §4.2.2: a region that does not exist has length and base -1. */
	case SHM_LEN_LOW: case SHM_LEN_HIGH: case SHM_BASE_LOW: case SHM_BASE_HIGH:
		return 0xffffffffu;
	case VIRTIO_MMIO_CONFIG_GENERATION: return 0; /* the config never changes */
	default: return 0; /* write-only or unknown */
	}
}

void virtio_dev_mmio(struct virtio_dev *dev, uint32_t offset, uint8_t *data, uint32_t len,
		     bool is_write)
{
	if (len == 0 || len > 8 || offset >= VIRTIO_MMIO_WINDOW_SIZE ||
	    len > VIRTIO_MMIO_WINDOW_SIZE - offset)
		return;
	if (!is_write)
		memset(data, 0, len);
	if (offset >= VIRTIO_MMIO_CONFIG) {
		/* Config space: the device's bytes, zeros past them, read-only.
		 * at + len <= VIRTIO_DEV_CONFIG_MAX (checked above, and the
		 * assertion in transport.h); the size is capped all the same. */
		uint32_t at = offset - VIRTIO_MMIO_CONFIG;
		uint32_t size = dev->config_size < VIRTIO_DEV_CONFIG_MAX ? dev->config_size
									 : VIRTIO_DEV_CONFIG_MAX;
		for (uint32_t i = 0; !is_write && i < len && at + i < size; i++)
			data[i] = dev->config[at + i];
		return;
	}
	if (len != 4 || offset % 4) {
		fail(dev, "%u-byte %s at offset 0x%03x: control registers take aligned "
		     "32-bit accesses", len, is_write ? "write" : "read", offset);
		return;
	}
	if (is_write) {
		uint32_t value;
		memcpy(&value, data, sizeof value);
		write_register(dev, offset, value);
	} else {
		uint32_t value = read_register(dev, offset);
		memcpy(data, &value, sizeof value);
	}
}
