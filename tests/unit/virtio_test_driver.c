#include "unit.h"

#include <sys/mman.h>
#include <unistd.h>

#include "virtio_test_driver.h"

#include "../../monitor/stop_request.h"

struct td td;

static void count_irq(void *ctx, uint32_t line)
{
	(void)ctx;
	td.irqs++;
	td.irq_line = line;
}

void td_setup(int in_fd)
{
	char err[256];

	memset(&td, 0, sizeof td);
	stop_request_forget(); /* a test that stopped the guest leaves a request */
	if (guest_mem_alloc(&td.mem, TD_MEM_SIZE, err, sizeof err) < 0)
		fail_msg("guest_mem_alloc: %s", err);
	const struct virtio_device_env env = {
		.mem = &td.mem, .irq = { .raise = count_irq }, .console_in_fd = in_fd,
		.console_out_fd = STDOUT_FILENO, .console_err_fd = STDERR_FILENO,
	};
	virtio_devices_init(&td.devs, &env);
	mmio_regions_init(&td.regions);
	if (virtio_devices_add_regions(&td.devs, &td.regions, err, sizeof err) < 0)
		fail_msg("virtio_devices_add_regions: %s", err);
}

void td_teardown(void)
{
	guest_mem_free(&td.mem);
}

int td_fixture_setup(void **state)
{
	(void)state;
	td_setup(-1);
	return 0;
}

int td_fixture_teardown(void **state)
{
	(void)state;
	td_teardown();
	return 0;
}

struct virtio_dev *td_dev(unsigned dev)
{
	return td.devs.dev[dev];
}

void *td_ptr(uint64_t gpa, uint64_t len)
{
	void *p = guest_mem_ptr(&td.mem, gpa, len);
	assert_non_null(p);
	return p;
}

uint64_t td_access(unsigned dev, uint32_t offset, uint32_t len, uint64_t value, bool is_write)
{
	uint8_t data[8];
	uint64_t gpa = KVMRUN_VIRTIO_MMIO_BASE + (uint64_t)dev * KVMRUN_VIRTIO_MMIO_STRIDE + offset;

	memset(data, 0xa5, sizeof data);
	if (is_write)
		memcpy(data, &value, len);
	char why[256];
	if (mmio_regions_access(&td.regions, gpa, data, len, is_write, why, sizeof why) !=
	    MMIO_SERVED)
		fail_msg("MMIO at device %u offset 0x%x len %u not served", dev, offset, len);
	if (is_write)
		return 0;
	uint64_t out = 0;
	memcpy(&out, data, len);
	/* Bytes past len are not the device's to touch. */
	for (uint32_t i = len; i < 8; i++)
		assert_int_equal(data[i], 0xa5);
	return out;
}

uint32_t td_read(unsigned dev, uint32_t offset)
{
	return (uint32_t)td_access(dev, offset, 4, 0, false);
}

void td_write(unsigned dev, uint32_t offset, uint32_t value)
{
	td_access(dev, offset, 4, value, true);
}

void td_driver_start(unsigned dev)
{
	td_write(dev, VIRTIO_MMIO_STATUS, 0);
	td_write(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	td_write(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	td_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	td_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	td_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	td_write(dev, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* bit 32: VERSION_1 */
	td_write(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		 VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(td_read(dev, VIRTIO_MMIO_STATUS),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
}

void td_driver_ok(unsigned dev)
{
	td_write(dev, VIRTIO_MMIO_STATUS, td_read(dev, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	assert_true(td_read(dev, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK);
}

bool td_needs_reset(unsigned dev)
{
	return td_read(dev, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

void td_queue_setup(struct td_queue *q, unsigned dev, unsigned index, uint32_t size,
		    uint64_t base)
{
	*q = (struct td_queue){ .dev = dev, .index = index, .size = size, .desc = base,
				.avail = base + 0x1000, .used = base + 0x2000 };
	memset(td_ptr(base, 0x3000), 0, 0x3000);
	td_write(dev, VIRTIO_MMIO_QUEUE_SEL, index);
	assert_int_equal(td_read(dev, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(td_read(dev, VIRTIO_MMIO_QUEUE_NUM_MAX), 256);
	td_write(dev, VIRTIO_MMIO_QUEUE_NUM, size);
	td_write(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)q->desc);
	td_write(dev, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(q->desc >> 32));
	td_write(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)q->avail);
	td_write(dev, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(q->avail >> 32));
	td_write(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)q->used);
	td_write(dev, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(q->used >> 32));
	td_write(dev, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(td_read(dev, VIRTIO_MMIO_QUEUE_READY), 1);
}

void td_desc(struct td_queue *q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
	     uint16_t next)
{
	struct virtq_desc d = { .addr = addr, .len = len, .flags = flags, .next = next };
	memcpy(td_ptr(q->desc + 16ull * i, 16), &d, sizeof d);
}

void td_avail_add(struct td_queue *q, uint16_t head)
{
	uint8_t *avail = td_ptr(q->avail, VIRTQ_AVAIL_BYTES(q->size));
	memcpy(avail + 4 + 2 * (q->avail_idx % q->size), &head, 2);
	q->avail_idx++;
	memcpy(avail + 2, &q->avail_idx, 2);
}

void td_avail_flags(struct td_queue *q, uint16_t flags)
{
	memcpy(td_ptr(q->avail, 2), &flags, 2);
}

void td_notify(struct td_queue *q)
{
	td_write(q->dev, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

uint16_t td_used_idx(const struct td_queue *q)
{
	uint16_t idx;
	memcpy(&idx, td_ptr(q->used + 2, 2), 2);
	return idx;
}

struct virtq_used_elem td_used(const struct td_queue *q, unsigned slot)
{
	struct virtq_used_elem e;
	memcpy(&e, td_ptr(q->used + 4 + 8ull * (slot % q->size), 8), 8);
	return e;
}

static int saved_stderr = -1, capture_fd = -1;
static char captured[8192];

void td_stderr_begin(void)
{
	capture_fd = memfd_create("kvmrun-test-stderr", MFD_CLOEXEC);
	assert_true(capture_fd >= 0);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_int_equal(dup2(capture_fd, STDERR_FILENO), STDERR_FILENO);
}

const char *td_stderr_end(void)
{
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	ssize_t n = pread(capture_fd, captured, sizeof captured - 1, 0);
	close(capture_fd);
	captured[n > 0 ? n : 0] = '\0';
	return captured;
}

unsigned td_lines(const char *text)
{
	unsigned n = 0;
	for (; *text; text++)
		n += *text == '\n';
	return n;
}
