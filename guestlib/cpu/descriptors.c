#include "descriptors.h"

#include <stddef.h>
#include <string.h>

#include <kvmrun/guest.h>

#if UINTPTR_MAX > 0xffffffffu
#define GDT_ENTRIES (SEL_TSS64 / 8 + 2)
#else
#define GDT_ENTRIES (SEL_TSS32_FAULT / 8 + 1)
#endif

/* Flat descriptors, base 0, limit 4 GiB, as in the boot GDT
 * (monitor/cpu_mode.c): code32, data, code64, and data again for SS after
 * SYSCALL. Entry 5 stays null; 6-8 are the TLS entries. */
static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[SEL_CODE32 / 8] = 0x00cf9b000000ffffull,
	[SEL_DATA / 8] = 0x00cf93000000ffffull,
	[SEL_CODE64 / 8] = 0x00af9b000000ffffull,
	[SEL_SYSCALL_SS / 8] = 0x00cf93000000ffffull,
};

/* An interrupt gate: 16 bytes in long mode, 8 in protected mode (SDM vol.
 * 3 §6.14.1, §6.11). */
struct gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type; /* 0x8e: present, DPL 0, interrupt gate */
	uint16_t offset_mid;
#if UINTPTR_MAX > 0xffffffffu
	uint32_t offset_high;
	uint32_t reserved;
#endif
};

static struct gate idt[256] __attribute__((aligned(16)));

#if UINTPTR_MAX > 0xffffffffu
/* The 64-bit TSS (SDM vol. 3 §7.7, Figure 7-11). */
static struct __attribute__((packed)) {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t io_map_base;
} tss __attribute__((aligned(16)));
_Static_assert(sizeof tss == 104, "64-bit TSS size");

void tss_set_ist(unsigned ist, uintptr_t stack_top)
{
	tss.ist[ist - 1] = stack_top;
}

/* A 16-byte system descriptor, type 9 (available 64-bit TSS), present,
 * DPL 0 (SDM vol. 3 §7.2.3). */
static void gdt_set_tss(void)
{
	uint64_t base = (uintptr_t)&tss, limit = sizeof tss - 1;

	tss.io_map_base = sizeof tss; /* no I/O permission map */
	gdt[SEL_TSS64 / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
			     ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[SEL_TSS64 / 8 + 1] = base >> 32;
}
#else
void tss_set_ist(unsigned ist, uintptr_t stack_top)
{
	(void)ist;
	(void)stack_top;
}

/* The 32-bit TSS (SDM vol. 3 §7.2.1, Figure 7-2). */
struct tss32 {
	uint16_t link, reserved0;
	uint32_t esp0;
	uint16_t ss0, reserved1;
	uint32_t esp1;
	uint16_t ss1, reserved2;
	uint32_t esp2;
	uint16_t ss2, reserved3;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint16_t es, reserved4, cs, reserved5, ss, reserved6, ds, reserved7;
	uint16_t fs, reserved8, gs, reserved9, ldt, reserved10, trap, io_map_base;
};
_Static_assert(sizeof(struct tss32) == 104, "32-bit TSS size");

static struct tss32 main_tss __attribute__((aligned(16)));
static struct tss32 fault_tss __attribute__((aligned(16)));

/* Type 9 (available 32-bit TSS), present, DPL 0 (SDM vol. 3 §7.2.2). */
static uint64_t tss_descriptor(const struct tss32 *t)
{
	uint64_t base = (uintptr_t)t, limit = sizeof *t - 1;
	return (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
	       ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
}

void idt_set_fault_task(uint8_t vector, uintptr_t entry, uintptr_t stack_top)
{
	uintptr_t cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	fault_tss = (struct tss32){
		.cr3 = cr3, .eip = entry, .eflags = 0x2, .esp = stack_top,
		.cs = SEL_CODE32, .ss = SEL_DATA, .ds = SEL_DATA, .es = SEL_DATA,
		.fs = SEL_DATA, .gs = SEL_DATA, .io_map_base = sizeof fault_tss,
	};
	gdt[SEL_TSS32_FAULT / 8] = tss_descriptor(&fault_tss);
	/* A task gate (SDM vol. 3 §7.3.2): type 5, present, DPL 0; only the
	 * selector counts. */
	idt[vector] = (struct gate){ .selector = SEL_TSS32_FAULT, .type = 0x85 };
}

struct saved_task tss_saved_task(void)
{
	const volatile struct tss32 *t = &main_tss;
	return (struct saved_task){
		.eip = t->eip, .eflags = t->eflags, .eax = t->eax, .ecx = t->ecx, .edx = t->edx,
		.ebx = t->ebx, .esp = t->esp, .ebp = t->ebp, .esi = t->esi, .edi = t->edi,
	};
}
#endif

struct __attribute__((packed)) table_register {
	uint16_t limit;
	uintptr_t base;
};

void idt_set_gate(uint8_t vector, uintptr_t handler)
{
	idt_set_gate_ist(vector, handler, 0);
}

void idt_set_gate_ist(uint8_t vector, uintptr_t handler, unsigned ist)
{
	struct gate *g = &idt[vector];

	g->offset_low = (uint16_t)handler;
	g->offset_mid = (uint16_t)(handler >> 16);
#if UINTPTR_MAX > 0xffffffffu
	g->offset_high = (uint32_t)((uint64_t)handler >> 32);
	g->selector = SEL_CODE64;
	g->ist = (uint8_t)ist;
#else
	g->selector = SEL_CODE32;
	g->ist = 0;
	(void)ist;
#endif
	g->type = 0x8e;
}

void kvmrun_set_interrupt_gate(uint8_t vector, void (*handler)(void *frame))
{
	idt_set_gate(vector, (uintptr_t)handler);
}

/* Linux's struct user_desc flags (asm/ldt.h), the bits after the limit. */
#define UD_SEG_32BIT (1u << 0)
#define UD_CONTENTS_SHIFT 1
#define UD_READ_EXEC_ONLY (1u << 3)
#define UD_LIMIT_IN_PAGES (1u << 4)
#define UD_SEG_NOT_PRESENT (1u << 5)
#define UD_USEABLE (1u << 6)

void gdt_set_tls(unsigned index, uint32_t base, uint32_t limit, uint32_t flags)
{
	/* Segment descriptor (SDM vol. 3 §3.4.5): type = contents, writable
	 * unless read/exec-only, accessed; S = 1; DPL = 3, because the C
	 * library loads the selector with RPL 3 as on Linux. */
	uint64_t type = ((flags >> UD_CONTENTS_SHIFT) & 3u) << 2 |
			(flags & UD_READ_EXEC_ONLY ? 0u : 2u) | 1u;
	uint64_t access = type | 1u << 4 | 3u << 5 | (flags & UD_SEG_NOT_PRESENT ? 0u : 1u << 7);
	uint64_t gran = (flags & UD_USEABLE ? 1u : 0u) | (flags & UD_SEG_32BIT ? 4u : 0u) |
			(flags & UD_LIMIT_IN_PAGES ? 8u : 0u);

	gdt[index] = (limit & 0xffffull) | (uint64_t)(base & 0xffffffu) << 16 | access << 40 |
		     (uint64_t)((limit >> 16) & 0xfu) << 48 | gran << 52 |
		     (uint64_t)(base >> 24) << 56;
}

void gdt_clear_tls(unsigned index)
{
	gdt[index] = 0;
}

int gdt_tls_free(unsigned index)
{
	return gdt[index] == 0;
}

void descriptors_init(void)
{
	struct table_register gdtr = { sizeof gdt - 1, (uintptr_t)gdt };
	struct table_register idtr = { sizeof idt - 1, (uintptr_t)idt };

	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	/* Reload every segment register from the new table. */
#if UINTPTR_MAX > 0xffffffffu
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %1, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 : : "i"(SEL_CODE64), "i"(SEL_DATA) : "rax", "memory");
#else
	__asm__ volatile("ljmp %0, $1f\n"
			 "1:\n\t"
			 "movw %1, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "movw %%ax, %%fs\n\t"
			 "movw %%ax, %%gs\n\t"
			 : : "i"(SEL_CODE32), "i"(SEL_DATA) : "eax", "memory");
#endif
	__asm__ volatile("lidt %0" : : "m"(idtr));
#if UINTPTR_MAX > 0xffffffffu
	gdt_set_tss();
	__asm__ volatile("ltr %w0" : : "r"(SEL_TSS64));
#else
	/* A task switch saves the running task into the TSS that TR names. */
	main_tss.io_map_base = sizeof main_tss;
	gdt[SEL_TSS32_MAIN / 8] = tss_descriptor(&main_tss);
	__asm__ volatile("ltr %w0" : : "r"((uint16_t)SEL_TSS32_MAIN));
#endif
}
