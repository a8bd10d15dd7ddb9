#!/usr/bin/env python3
"""Write the seed corpus of fuzz_elf_loader (tests/fuzz/corpus/elf_loader/):
small ELF32 i386 and ELF64 x86-64 images, good ones and ones that break each
rule of monitor/elf_loader.c once. Every seed is under 4 KiB, the -max_len
tests/fuzz/run gives libFuzzer. Run it again after changing it; the output
is the same every time. The crash-* files beside them are inputs the fuzzer
found, kept as it wrote them (each also a test in
tests/unit/test_elf_regressions.c); this script leaves them alone."""
import os
import struct

ELFCLASS32, ELFCLASS64 = 1, 2
LSB, MSB = 1, 2
ET_REL, ET_EXEC, ET_DYN, ET_CORE = 1, 2, 3, 4
EM_386, EM_ARM, EM_X86_64, EM_AARCH64 = 3, 40, 62, 183
PT_NULL, PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE = 0, 1, 2, 3, 4
PT_GNU_STACK = 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4
PN_XNUM = 0xFFFF
AUTO = None

ABI_VERSION = 3  # include/kvmrun/abi_note.h
MIB = 1 << 20
GIB = 1 << 30


class Ph:
    def __init__(self, type_, addr, filesz, memsz, flags, offset=AUTO, paddr=None, data=b""):
        self.type, self.vaddr, self.filesz, self.memsz = type_, addr, filesz, memsz
        self.flags, self.offset, self.data = flags, offset, data
        self.paddr = addr if paddr is None else paddr


class Elf:
    """An image: ELF header, program header table right after it, an
    optional section header 0 (extended numbering), then segment data."""

    def __init__(self, cls=ELFCLASS64):
        self.cls = cls
        self.data = LSB
        self.ident_version = 1
        self.type = ET_EXEC
        self.machine = EM_X86_64 if cls == ELFCLASS64 else EM_386
        self.version = 1
        self.entry = 0x100000
        self.ph = []
        self.phoff = AUTO
        self.phnum = AUTO        # e_phnum as written; AUTO: len(ph)
        self.phentsize = AUTO
        self.xnum = None         # section 0's sh_info, with e_phnum PN_XNUM
        self.cut = None          # keep only this many bytes
        self.pad = 0             # fill bytes appended
        self.shnum = None        # e_shnum as written, with e_shoff left 0

    def add(self, *args, **kw):
        self.ph.append(Ph(*args, **kw))
        return self.ph[-1]

    def note(self, version=ABI_VERSION, desc_size=4):
        """The ABI note (include/kvmrun/abi_note.h) in its own PT_NOTE."""
        desc = struct.pack("<I", version).ljust(desc_size, b"\0")[:desc_size]
        data = struct.pack("<III", 7, desc_size, 1) + b"kvmrun\0\0" + desc.ljust((desc_size + 3) & ~3, b"\0")
        return self.add(PT_NOTE, 0, len(data), 0, PF_R, data=data)

    def good(self):
        self.add(PT_LOAD, 0x100000, 0x100, 0x100, PF_R | PF_X)
        self.add(PT_LOAD, 0x200000, 0x40, 0x2000, PF_R | PF_W)
        self.add(PT_GNU_STACK, 0, 0, 0, PF_R | PF_W)
        self.note()
        return self

    def bytes(self):
        is64 = self.cls == ELFCLASS64
        e = "<" if self.data != MSB else ">"
        ehsize, phent, shent = (64, 56, 64) if is64 else (52, 32, 40)
        phoff = ehsize if self.phoff is AUTO else self.phoff
        cursor = max(ehsize, (phoff if self.phoff is AUTO else ehsize) + len(self.ph) * phent)
        shoff = 0
        if self.xnum is not None:
            shoff = (cursor + 7) & ~7
            cursor = shoff + shent
        # Segment data after the headers, 16-byte aligned; a recognisable fill.
        placed = []
        for ph in self.ph:
            off = ph.offset
            if off is AUTO:
                off = (cursor + 15) & ~15 if ph.filesz else 0
                if ph.filesz:
                    cursor = off + ph.filesz
            placed.append(off)
        size = cursor + self.pad
        img = bytearray((0xF4 if i % 7 else 0x90) for i in range(size))  # hlt, nop
        for ph, off in zip(self.ph, placed):
            if ph.data and off + len(ph.data) <= size:
                img[off:off + len(ph.data)] = ph.data
        img[0:ehsize] = bytes(ehsize)

        img[0:4] = b"\x7fELF"
        img[4], img[5], img[6] = self.cls, self.data, self.ident_version
        phnum = PN_XNUM if self.xnum is not None else (
            len(self.ph) if self.phnum is AUTO else self.phnum)
        phentsize = phent if self.phentsize is AUTO else self.phentsize
        table = phoff if len(self.ph) or self.phoff is not AUTO else 0
        if is64:
            struct.pack_into(e + "HHIQQQIHHHHHH", img, 16, self.type, self.machine, self.version,
                             self.entry, table, shoff, 0, ehsize, phentsize, phnum,
                             shent if shoff else 0, 1 if shoff else 0, 0)
            if self.shnum is not None:
                struct.pack_into(e + "H", img, 60, self.shnum)
        else:
            struct.pack_into(e + "HHIIIIIHHHHHH", img, 16, self.type, self.machine, self.version,
                             self.entry, table, shoff, 0, ehsize, phentsize, phnum,
                             shent if shoff else 0, 1 if shoff else 0, 0)
            if self.shnum is not None:
                struct.pack_into(e + "H", img, 48, self.shnum)
        for i, ph in enumerate(self.ph):
            at = phoff + i * phent
            if at + phent > len(img):
                break
            if is64:
                struct.pack_into(e + "IIQQQQQQ", img, at, ph.type, ph.flags, placed[i], ph.vaddr,
                                 ph.paddr, ph.filesz, ph.memsz, 0x1000)
            else:
                struct.pack_into(e + "IIIIIIII", img, at, ph.type, placed[i], ph.vaddr, ph.paddr,
                                 ph.filesz, ph.memsz, ph.flags, 0x1000)
        if shoff:
            img[shoff:shoff + shent] = bytes(shent)
            struct.pack_into(e + "I", img, shoff + (44 if is64 else 28), self.xnum)
        out = bytes(img)
        return out if self.cut is None else out[:self.cut]


def good(cls=ELFCLASS64):
    return Elf(cls).good()


def seeds():
    s = {}
    # ------------------------------------------------------------ accepted
    s["good64"] = good()
    s["good32"] = good(ELFCLASS32)
    e = Elf()  # text, rodata and a bss-only segment, as the linker lays out apps
    e.add(PT_LOAD, 0x100000, 0x80, 0x80, PF_R | PF_X)
    e.add(PT_LOAD, 0x101000, 0x20, 0x20, PF_R)
    e.add(PT_LOAD, 0x102000, 0, 0x21000, PF_R | PF_W, offset=0)
    e.note()
    s["good64_bss_only"] = e
    e = Elf(ELFCLASS32)
    e.add(PT_LOAD, 0x400000, 0x10, 0x1000, PF_R | PF_W)
    e.add(PT_LOAD, 0x100000, 0x40, 0x40, PF_R | PF_X)
    e.add(PT_LOAD, 0x100040, 0x10, 0x10, PF_R)  # adjacent
    e.entry = 0x100010
    e.note()
    s["good32_unsorted"] = e
    e = Elf()
    for i in range(16):
        e.add(PT_LOAD, 0x100000 + i * 0x1000, 0x10, 0x100, PF_R | PF_X)
    e.note()
    s["good64_16_loads"] = e
    e = good()
    e.xnum = 4
    s["good64_xnum"] = e
    e = good(ELFCLASS32)
    e.xnum = 4
    s["good32_xnum"] = e
    e = good()
    e.add(PT_NOTE, 0x100100, 0x10, 0x10, PF_R)
    e.add(PT_NULL, 0, 0, 0, 0)
    e.add(PT_LOAD, 0, 0, 0, PF_R)  # empty: not checked against the boot area
    s["good64_other_phdrs"] = e
    e = good()
    e.add(PT_LOAD, 64 * MIB - 0x1000, 0x10, 0x1000, PF_R | PF_W)  # up to the top of 64 MiB
    s["good64_top_of_64m"] = e
    e = good()
    e.add(PT_LOAD, 4 * GIB, 0x40, 0x1000, PF_R | PF_W)  # high RAM: a 5 GiB guest only
    s["good64_high_ram"] = e
    e = good()
    e.add(PT_LOAD, 0xC0000000 - 0x1000, 0x10, 0x1000, PF_R | PF_W)  # up to the MMIO hole
    s["good64_below_hole"] = e

    # ---------------------------------------------------------- ABI note
    e = good()
    e.ph.pop()
    s["no_abi_note"] = e
    e = good(ELFCLASS32)
    e.ph.pop()
    e.note(version=ABI_VERSION + 1)
    s["abi_version_other"] = e
    e = good()
    e.ph.pop()
    e.note(desc_size=8)
    s["abi_note_desc8"] = e

    # ------------------------------------------------------- header rules
    full = good().bytes()
    s["cut_ident"] = full[:10]
    s["cut_ehdr64"] = full[:40]
    s["cut_phdrs64"] = full[:64 + 56 + 20]
    s["cut_segment32"] = good(ELFCLASS32).bytes()[:-8]
    e = good()
    e.machine = EM_AARCH64
    s["machine_aarch64"] = e
    e = good(ELFCLASS32)
    e.machine = EM_ARM
    s["machine_arm"] = e
    e = good(ELFCLASS32)
    e.machine = EM_X86_64
    s["class32_x86_64"] = e
    for name, t in [("et_rel", ET_REL), ("et_dyn", ET_DYN), ("et_core", ET_CORE)]:
        e = good()
        e.type = t
        s[name] = e
    e = good()
    e.data = MSB
    s["big_endian64"] = e
    e = good()
    e.ident_version = 0
    s["ident_version0"] = e
    e = good(ELFCLASS32)
    e.version = 2
    s["e_version2"] = e
    s["not_elf"] = b"#!/bin/sh\necho this is not an app\n"
    s["ar_archive"] = b"!<arch>\n" + b"app.o/          0           0     0     644     4         `\n" + b"\x7fELF"

    # ------------------------------------------------- program header table
    e = good()
    e.phnum = 0
    s["phnum0"] = e
    e = good()
    while len(e.ph) < 65:
        e.add(PT_NULL, 0, 0, 0, 0)
    s["phnum65"] = e
    e = good()
    e.phnum = PN_XNUM  # no section headers to hold the real count
    s["phnum_ffff"] = e
    e = good()
    e.xnum = 70
    s["xnum70"] = e
    # PN_XNUM, e_shoff 0 but e_shnum 1: no section header table to hold the
    # count, yet libelf reads "section 0" from offset 0, the ELF header itself
    # (an ELF32 sh_info is e_phoff's bytes): the loader must not accept it.
    for cls, name in [(ELFCLASS32, "xnum_shoff0_32"), (ELFCLASS64, "xnum_shoff0_64")]:
        e = good(cls)
        e.phnum = PN_XNUM
        e.shnum = 1
        e.pad = 2048
        s[name] = e
    e = good()
    e.phentsize = 32
    s["phentsize32"] = e
    e = good(ELFCLASS32)
    e.phoff = 0x10000
    s["phoff_past_end"] = e

    # ---------------------------------------------------------- segments
    e = good()
    e.add(PT_INTERP, 0x100080, 0x10, 0x10, PF_R)
    s["interp"] = e
    e = good(ELFCLASS32)
    e.add(PT_DYNAMIC, 0x200000, 0x10, 0x10, PF_R | PF_W)
    s["dynamic"] = e
    e = good()
    e.add(PT_LOAD, 0x2000F0, 0x10, 0x10, PF_R)
    s["overlap"] = e
    e = good(ELFCLASS32)
    e.add(PT_LOAD, 0xFF000, 0x10, 0x2000, PF_R | PF_W)
    s["boot_area"] = e
    e = good()
    e.add(PT_LOAD, 0x80000000, 0x10, 0x1000, PF_R | PF_W)
    s["outside_ram"] = e
    e = good()
    e.add(PT_LOAD, 0xFEC00000, 0, 0x1000, PF_R | PF_W)
    s["in_mmio_hole"] = e
    e = good()
    e.entry = 0x300000
    s["entry_outside"] = e
    e = good(ELFCLASS32)
    e.entry = 0x200010
    s["entry_in_data"] = e
    e = good()
    e.ph[1].filesz = 0x2001
    e.ph[1].offset = 0x200
    s["filesz_over_memsz"] = e
    e = good()
    e.ph[0].paddr = 0x180000
    s["vaddr_paddr"] = e
    e = good()
    e.add(PT_LOAD, 0xFFFFFFFFFFFFF000, 0, 0x2000, PF_R | PF_W)
    s["wrap64"] = e
    e = good(ELFCLASS32)
    e.add(PT_LOAD, 0xFFFFF000, 0, 0x2000, PF_R | PF_W)
    s["wrap32"] = e
    e = good()
    e.add(PT_LOAD, 0x300000, 0x800, 0x800, PF_R, offset=0x400)
    s["file_range_past_eof"] = e
    e = Elf(ELFCLASS32)
    for i in range(17):
        e.add(PT_LOAD, 0x100000 + i * 0x1000, 0x8, 0x100, PF_R | PF_X)
    s["too_many_loads"] = e
    e = Elf()
    e.add(PT_NOTE, 0x100000, 0x10, 0x10, PF_R)
    s["no_load"] = e
    return s


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "elf_loader")
    os.makedirs(out, exist_ok=True)
    for name, seed in seeds().items():
        data = seed if isinstance(seed, bytes) else seed.bytes()
        assert len(data) <= 4096, name
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
