#!/usr/bin/env python3
"""Write the seed corpus of fuzz_virtqueue (tests/fuzz/corpus/virtqueue/):
hand-made inputs that reach deep, in the format fuzz_virtqueue.c reads."""
import os
import struct

(OP_WRITE, OP_READ, OP_WAIT, OP_POKE, OP_DRIVER, OP_QUEUE, OP_NOTIFY, OP_IOAPIC, OP_EOI,
 OP_PEEK, OP_PASS) = range(11)
# OP_PEEK/OP_PASS "parts" (enum virtq_parts - 1); LATER: the pass leaves the
# second chain for later.
READS, WRITES, BOTH, LATER = 0, 1, 2, 0x80
IOREGSEL, IOWIN = 0, 1
LEVEL, MASKED = 1 << 15, 1 << 16
NEXT, WRITE, INDIRECT = 1, 2, 4
CONSOLE, RNG = 0, 1


def desc(addr, length, flags, nxt=0):
    return struct.pack("<QIHH", addr, length, flags, nxt)


class Seed:
    def __init__(self):
        self.image = bytearray(0x800)
        self.input = b""
        self.ops = bytearray()

    def put(self, gpa, data):
        self.image[gpa:gpa + len(data)] = data

    def avail(self, gpa, heads):
        self.put(gpa, struct.pack("<HH", 0, len(heads)) + b"".join(struct.pack("<H", h) for h in heads))

    def write(self, where, offset, value, length=4):
        self.ops += struct.pack("<BBHBQ", OP_WRITE, where, offset, length, value)

    def read(self, where, offset, length=4):
        self.ops += struct.pack("<BBHB", OP_READ, where, offset, length)

    def wait(self):
        self.ops += bytes([OP_WAIT])

    def poke(self, gpa, data):
        self.ops += struct.pack("<BHB", OP_POKE, gpa, len(data)) + data

    def driver(self, dev):
        self.ops += bytes([OP_DRIVER, dev])

    def queue(self, dev, q, size, d, a, u):
        self.ops += struct.pack("<BBBHHHH", OP_QUEUE, dev, q, size, d, a, u)

    def notify(self, dev, q):
        self.ops += bytes([OP_NOTIFY, dev, q])

    def ioapic(self, which, value, is_write=1, length=4):
        self.ops += struct.pack("<BBBIB", OP_IOAPIC, which, length, value, is_write)

    def ioapic_reg(self, reg, value):
        self.ioapic(IOREGSEL, reg)
        self.ioapic(IOWIN, value)

    def eoi(self, vector):
        self.ops += bytes([OP_EOI, vector])

    def peek(self, dev, q, parts):
        self.ops += bytes([OP_PEEK, dev, q, parts])

    def run_pass(self, dev, q, parts):
        self.ops += bytes([OP_PASS, dev, q, parts])

    def bytes(self):
        image = bytes(self.image).rstrip(b"\0")
        return struct.pack("<H", len(image)) + image + bytes([len(self.input)]) + self.input + bytes(self.ops)


# Everything lies in the first 2 KiB, so the fuzzer mutates no padding.
def rng_chain():
    s = Seed()
    s.put(0x000, desc(0x400, 64, WRITE | NEXT, 1) + desc(0x500, 0, WRITE | NEXT, 2) +
          desc(0x600, 32, WRITE))
    s.avail(0x100, [0])
    s.driver(RNG)
    s.queue(RNG, 0, 8, 0x000, 0x100, 0x200)
    s.notify(RNG, 0)
    s.read(RNG, 0x060)
    s.write(RNG, 0x064, 1)
    s.poke(0x102, struct.pack("<H", 2))
    s.poke(0x106, struct.pack("<H", 0))
    s.notify(RNG, 0)
    return s


def console_both_ways():
    s = Seed()
    s.input = b"hello, guest\n"
    # receiveq: rings at 0x000, 0x100, 0x180; transmitq: 0x200, 0x300, 0x380.
    s.put(0x000, desc(0x600, 8, WRITE) + desc(0x680, 4, WRITE | NEXT, 2) + desc(0x700, 16, WRITE))
    s.avail(0x100, [0, 1])
    s.put(0x200, desc(0x400, 9, NEXT, 1) + desc(0x480, 3, 0))
    s.avail(0x300, [0])
    s.put(0x400, b"hi there ")
    s.put(0x480, b"ok\n")
    s.driver(CONSOLE)
    s.queue(CONSOLE, 0, 4, 0x000, 0x100, 0x180)
    s.queue(CONSOLE, 1, 4, 0x200, 0x300, 0x380)
    s.notify(CONSOLE, 1)
    s.notify(CONSOLE, 0)
    s.wait()
    s.poke(0x102, struct.pack("<H", 3))
    s.poke(0x108, struct.pack("<H", 0))
    s.wait()
    s.notify(CONSOLE, 0)
    s.read(CONSOLE, 0x060)
    return s


def registers_by_hand():
    s = Seed()
    s.put(0x000, desc(0x400, 16, WRITE))
    s.avail(0x100, [0])
    for off in range(0, 0x100, 4):
        s.read(RNG, off)
    s.write(RNG, 0x070, 0)
    s.write(RNG, 0x070, 1)
    s.write(RNG, 0x070, 3)
    s.write(RNG, 0x014, 1)
    s.read(RNG, 0x010)
    s.write(RNG, 0x024, 1)
    s.write(RNG, 0x020, 1)
    s.write(RNG, 0x070, 11)
    s.read(RNG, 0x070)
    s.write(RNG, 0x030, 0)
    s.read(RNG, 0x034)
    s.write(RNG, 0x038, 2)
    s.write(RNG, 0x080, 0x000)
    s.write(RNG, 0x090, 0x100)
    s.write(RNG, 0x0a0, 0x200)
    s.write(RNG, 0x044, 1)
    s.write(RNG, 0x070, 15)
    s.write(RNG, 0x050, 0)
    s.read(RNG, 0x100, 8)
    s.read(CONSOLE, 0x108, 4)
    s.write(CONSOLE, 0x108, 0x41)
    s.read(RNG, 0x072, 2)
    s.read(2, 0)
    return s


def violations():
    s = Seed()
    # A loop; after a reset a descriptor wrapping around 2^64; then INDIRECT.
    s.put(0x000, desc(0x400, 8, WRITE | NEXT, 1) + desc(0x500, 8, WRITE | NEXT, 0))
    s.avail(0x100, [0])
    s.driver(RNG)
    s.queue(RNG, 0, 2, 0x000, 0x100, 0x200)
    s.notify(RNG, 0)
    s.poke(0x000, desc(0xfffffffffffffff8, 64, WRITE))
    s.driver(RNG)
    s.queue(RNG, 0, 2, 0x000, 0x100, 0x200)
    s.notify(RNG, 0)
    s.poke(0x000, desc(0x400, 8, WRITE | INDIRECT))
    s.driver(RNG)
    s.queue(RNG, 0, 2, 0x000, 0x100, 0x200)
    s.notify(RNG, 0)
    return s


def interrupts():
    # The rng's pin (6) edge, then level with a held interrupt and its EOI,
    # then masked; its requests raise the pin.
    s = Seed()
    s.put(0x000, desc(0x400, 16, WRITE) + desc(0x500, 16, WRITE) + desc(0x600, 16, WRITE))
    s.avail(0x100, [0])
    s.driver(RNG)
    s.queue(RNG, 0, 4, 0x000, 0x100, 0x200)
    s.ioapic_reg(0x10 + 2 * 6, 0x40)
    s.notify(RNG, 0)
    s.ioapic_reg(0x10 + 2 * 6, 0x41 | LEVEL)
    s.poke(0x102, struct.pack("<HH", 2, 1))
    s.notify(RNG, 0)
    s.poke(0x102, struct.pack("<HHH", 3, 1, 2))
    s.notify(RNG, 0)
    s.eoi(0x41)
    s.ioapic(IOREGSEL, 0x10 + 2 * 6)
    s.ioapic(IOWIN, 0, is_write=0)
    s.eoi(0x41)
    s.ioapic_reg(0x10 + 2 * 6, 0x41 | LEVEL | MASKED)
    s.ioapic_reg(0x01, 0)
    s.ioapic(2, 0, length=1)
    return s


def mixed_chains():
    # Chains with a device-readable part then a device-writable one
    # (virtio 1.2 §2.7.4.2), which only OP_PEEK and OP_PASS take: one
    # accepted (with empty buffers in both parts), the same refused by a
    # queue of one part, then one with a readable descriptor after a
    # writable one; after a reset, a pass that leaves its second chain for
    # later; the rng itself refuses a mixed chain; the console's transmitq
    # is walked as if it took both.
    s = Seed()
    s.put(0x000, desc(0x400, 16, NEXT, 1) + desc(0xfff0, 0, NEXT, 2) + desc(0x600, 32, WRITE | NEXT, 3) +
          desc(0x10000, 0, WRITE | NEXT, 4) + desc(0x700, 8, WRITE) +
          desc(0x400, 8, WRITE | NEXT, 6) + desc(0x500, 8, 0))
    s.avail(0x100, [0, 0, 5])
    s.put(0x400, b"request!")
    s.driver(RNG)
    s.queue(RNG, 0, 8, 0x000, 0x100, 0x200)
    s.peek(RNG, 0, BOTH)
    s.peek(RNG, 0, READS)
    s.peek(RNG, 0, WRITES)
    s.run_pass(RNG, 0, BOTH)
    s.peek(RNG, 0, BOTH)
    s.driver(RNG)
    s.queue(RNG, 0, 8, 0x000, 0x100, 0x200)
    s.run_pass(RNG, 0, BOTH | LATER)
    s.run_pass(RNG, 0, BOTH)
    s.driver(RNG)
    s.queue(RNG, 0, 8, 0x000, 0x100, 0x200)
    s.notify(RNG, 0)
    s.driver(CONSOLE)
    s.queue(CONSOLE, 1, 8, 0x000, 0x100, 0x200)
    s.run_pass(CONSOLE, 1, BOTH)
    s.notify(CONSOLE, 1)
    return s


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "virtqueue")
    os.makedirs(out, exist_ok=True)
    for name, make in [("rng_chain", rng_chain), ("console_both_ways", console_both_ways),
                       ("registers_by_hand", registers_by_hand), ("violations", violations),
                       ("interrupts", interrupts), ("mixed_chains", mixed_chains)]:
        with open(os.path.join(out, name), "wb") as f:
            f.write(make().bytes())


if __name__ == "__main__":
    main()
