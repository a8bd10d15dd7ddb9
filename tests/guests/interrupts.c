/* Test guest: device interrupts through kvmrun's IOAPIC and KVM's local
 * APIC, as README.md ("Interrupts") describes them. The guest installs an
 * interrupt handler, enables its local APIC, routes the entropy device's
 * line (from the device map) to a vector and reads entropy, each request
 * of which the device answers with one interrupt. Scenario argv[1]:
 *
 *   edge     edge-triggered pin: one interrupt per request; two requests
 *            while interrupts are off reach the handler once; requests
 *            while the pin is masked are lost
 *   level    level-triggered pin: remote IRR is set until the handler's
 *            EOI; a request made meanwhile is delivered after it; one made
 *            while masked is delivered on unmasking
 *   rx       console input on arrival: the guest drives the console's
 *            receiveq itself (posts its buffers, notifies once, then only
 *            halts with interrupts on, as Linux's hvc driver waits) and
 *            echoes each buffer the interrupts bring; at end of input,
 *            which must come as one empty buffer, it re-posts and
 *            notifies again and checks that nothing more completes. Its
 *            output goes through the early console, since the runtime's
 *            console driver must stay off the device.
 *   bad-mode an unmasked entry with INIT delivery (kvmrun stops the guest)
 *   bad-size a 1-byte write to IOREGSEL (kvmrun stops the guest)
 *
 * Prints one "ok" line per check, or "FAIL: ..." lines; exits 0 when every
 * check passed, 1 when one failed, 2 on bad usage, 99 when a stop that
 * kvmrun should have made did not come. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <stdarg.h>

#include <kvmrun/guest.h>
#include <kvmrun/virtio_mmio.h>

#include "../../guestlib/virtio/virtio_mmio_driver.h"
#include "../../guestlib/virtio/virtq_driver.h"

#define VECTOR 0x40u
#define LAPIC 0xfee00000u
#define LAPIC_ID 0x20u
#define LAPIC_EOI 0xb0u
#define LAPIC_SVR 0xf0u
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)
#define RTE_REMOTE_IRR (1u << 14)

static uintptr_t ioapic, win; /* the IOAPIC, the window of the device in use */
static uint32_t pin;
static volatile unsigned handled;       /* interrupts the handler saw */
static volatile uint32_t irr_in_handler; /* remote IRR as the handler saw it */
static volatile uint32_t status_in_handler;
static int failures;

static uint32_t rd32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static void wr32(uintptr_t addr, uint32_t value)
{
	*(volatile uint32_t *)addr = value;
}

static uint32_t ioapic_read(uint32_t reg)
{
	wr32(ioapic, reg);
	return rd32(ioapic + 0x10);
}

static void ioapic_write(uint32_t reg, uint32_t value)
{
	wr32(ioapic, reg);
	wr32(ioapic + 0x10, value);
}

static void route(uint32_t low)
{
	uint32_t apic_id = rd32(LAPIC + LAPIC_ID) >> 24;
	ioapic_write(0x11 + 2 * pin, apic_id << 24);
	ioapic_write(0x10 + 2 * pin, low);
}

/* The handler: what the interrupt found, the device's acknowledgement
 * (virtio 1.x §4.2.2.1: InterruptStatus, then InterruptACK), the EOI. */
struct interrupt_frame;
__attribute__((interrupt, target("general-regs-only")))
static void on_interrupt(struct interrupt_frame *frame)
{
	(void)frame;
	handled = handled + 1;
	irr_in_handler = ioapic_read(0x10 + 2 * pin) & RTE_REMOTE_IRR;
	status_in_handler = rd32(win + VIRTIO_MMIO_INTERRUPT_STATUS);
	wr32(win + VIRTIO_MMIO_INTERRUPT_ACK, status_in_handler);
	wr32(LAPIC + LAPIC_EOI, 0);
}

/* The handler's gate in the runtime's IDT (an interrupt gate, ring 0);
 * the vectors neither the runtime nor this guest uses are absent, so a
 * stray one faults the guest for all to see. */
static void install_handler(void)
{
	kvmrun_set_interrupt_gate(VECTOR, (void (*)(void *))on_interrupt);
	/* Software-enable the local APIC, spurious vector 0xff. */
	wr32(LAPIC + LAPIC_SVR, 0x1ff);
}

/* Interrupts on for a while, then off again: whatever was pending has
 * been taken by then (KVM injects at the first open window). */
static void open_window(void)
{
	__asm__ volatile("sti");
	for (volatile int i = 0; i < 20000; i++)
		__asm__ volatile("pause");
	__asm__ volatile("cli");
}

static void request(void)
{
	uint8_t buf[16];
	if (kvmrun_getrandom(buf, sizeof buf) < 0) {
		printf("FAIL: no entropy device\n");
		failures++;
	}
}

static void expect(const char *what, unsigned got, unsigned want)
{
	if (got == want) {
		printf("ok: %s: %u\n", what, got);
	} else {
		printf("FAIL: %s: %u, expected %u\n", what, got, want);
		failures++;
	}
}

static int edge(void)
{
	route(VECTOR);
	request();
	open_window();
	expect("edge: interrupts after one request", handled, 1);
	expect("edge: the device's InterruptStatus in the handler", status_in_handler,
	       VIRTIO_MMIO_INT_VRING);
	request();
	request();
	open_window();
	expect("edge: interrupts after two requests with interrupts off", handled, 2);
	route(VECTOR | RTE_MASKED);
	request();
	open_window();
	route(VECTOR);
	open_window();
	expect("edge: interrupts after a request while masked", handled, 2);
	__asm__ volatile("sti");
	request(); /* taken as soon as the notify exit returns */
	__asm__ volatile("cli");
	expect("edge: interrupts after a request with interrupts on", handled, 3);
	return failures ? 1 : 0;
}

static int level(void)
{
	route(VECTOR | RTE_LEVEL);
	request();
	expect("level: remote IRR after delivery, before the EOI",
	       ioapic_read(0x10 + 2 * pin) & RTE_REMOTE_IRR ? 1 : 0, 1);
	open_window();
	expect("level: interrupts after one request", handled, 1);
	expect("level: remote IRR in the handler", irr_in_handler ? 1 : 0, 1);
	expect("level: remote IRR after the EOI", ioapic_read(0x10 + 2 * pin) & RTE_REMOTE_IRR ? 1 : 0,
	       0);
	request();
	request(); /* raised while remote IRR is set: held until the EOI */
	open_window();
	expect("level: interrupts after two requests with interrupts off", handled, 3);
	route(VECTOR | RTE_LEVEL | RTE_MASKED);
	request();
	open_window();
	expect("level: interrupts after a request while masked", handled, 3);
	route(VECTOR | RTE_LEVEL);
	open_window();
	expect("level: interrupts after unmasking", handled, 4);
	return failures ? 1 : 0;
}

/* Early-console output: the runtime's console driver stays off. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n > 0)
		kvmrun_debug_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

#define RX_BUFS 8u
#define RX_BUF_SIZE 64u

static int rx(const struct kvmrun_dev_entry *console)
{
	static char buf[RX_BUFS][RX_BUF_SIZE];
	struct virtio_mmio dev;
	struct virtq_driver q;
	unsigned completions = 0;
	uint32_t id, len;

	win = (uintptr_t)console->base;
	pin = console->irq;
	if (virtio_mmio_probe(&dev, console->base, console->irq) != VIRTIO_ID_CONSOLE ||
	    virtio_mmio_begin(&dev, 0) < 0 ||
	    virtio_mmio_setup_queue(&dev, VIRTIO_CONSOLE_RECEIVEQ, &q, RX_BUFS) < 0) {
		say("FAIL: console setup\n");
		return 1;
	}
	virtio_mmio_driver_ok(&dev);
	route(VECTOR);
	for (uint16_t i = 0; i < RX_BUFS; i++) {
		virtq_driver_set_desc(&q, i, buf[i], RX_BUF_SIZE, 1);
		virtq_driver_make_available(&q, i);
	}
	virtio_mmio_notify(&dev, VIRTIO_CONSOLE_RECEIVEQ); /* the only notification until EOF */
	say("posted\n");
	for (;;) {
		/* Interrupts off while looking, then on and halted in one
		 * step (STI's shadow covers the HLT): none is missed. */
		if (!virtq_driver_take_used(&q, &id, &len)) {
			__asm__ volatile("sti; hlt; cli");
			continue;
		}
		completions++;
		if (id >= RX_BUFS || len > RX_BUF_SIZE) {
			say("FAIL: used element %u of %u bytes\n", id, len);
			return 1;
		}
		if (len == 0)
			break;
		say("got: %.*s\n", (int)len, buf[id]);
		/* Re-posted without a notification: a driver that never
		 * notifies again still gets the input that comes later. */
		virtq_driver_make_available(&q, (uint16_t)id);
	}
	open_window(); /* the interrupt of the last completions, if still pending */
	unsigned irqs = handled;
	say("end of input after %u buffers, %u interrupts\n", completions, irqs);
	/* Re-post the empty one and notify, a few times over: no more empty
	 * completions, no interrupts (no storm). */
	virtq_driver_make_available(&q, (uint16_t)id);
	for (unsigned round = 0; round < 3; round++) {
		virtio_mmio_notify(&dev, VIRTIO_CONSOLE_RECEIVEQ);
		open_window();
	}
	if (virtq_driver_take_used(&q, &id, &len) || handled != irqs) {
		say("FAIL: completions after end of input (%u more interrupts)\n", handled - irqs);
		return 1;
	}
	say("ok: end of input told once\n");
	return 0;
}

int main(int argc, char **argv)
{
	const struct kvmrun_start_info *si = kvmrun_start_info();

	if (argc < 2 || si->dev_count < 2) {
		printf("usage: interrupts edge|level|rx|bad-mode|bad-size\n");
		return 2;
	}
	ioapic = (uintptr_t)si->ioapic_base;
	win = (uintptr_t)si->dev[1].base;
	pin = si->dev[1].irq;
	install_handler();
	if (strcmp(argv[1], "rx") == 0)
		kvmrun_halt_with_status(rx(&si->dev[0])); /* no exit(): its flush would start the console */
	if (strcmp(argv[1], "edge") == 0)
		return edge();
	if (strcmp(argv[1], "level") == 0)
		return level();
	if (strcmp(argv[1], "bad-mode") == 0) {
		printf("unmasking pin %u with INIT delivery\n", pin);
		fflush(NULL);
		route(VECTOR | 5u << 8);
		return 99;
	}
	if (strcmp(argv[1], "bad-size") == 0) {
		printf("writing one byte to IOREGSEL\n");
		fflush(NULL);
		*(volatile uint8_t *)ioapic = 0x10;
		return 99;
	}
	printf("usage: interrupts edge|level|rx|bad-mode|bad-size\n");
	return 2;
}
