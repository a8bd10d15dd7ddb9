#include "cpu_mode.h"

#include <string.h>

#include <kvmrun/start_info.h>

#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_PG (1u << 31)
#define CR4_PAE (1u << 5)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_OSXSAVE (1u << 18)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7) /* in a PD entry: a 2 MiB page */

#define PAGE 4096ull
#define GIB (1ull << 30)

static uint64_t mapped_gib(const struct guest_mem *mem)
{
	uint64_t top = guest_mem_top(mem);
	uint64_t gib = (top + GIB - 1) / GIB;
	return gib < 4 ? 4 : gib; /* the MMIO hole below 4 GiB is always mapped */
}

uint64_t page_tables_size(const struct guest_mem *mem)
{
	return (2 + mapped_gib(mem)) * PAGE; /* PML4, PDPT, one PD per GiB */
}

/* Intel SDM vol. 3 §4.5: 4-level paging. One PML4 entry covers 512 GiB,
 * which holds all of MEM_MAX. */
void page_tables_write(const struct guest_mem *mem)
{
	uint64_t ngib = mapped_gib(mem);
	uint64_t pml4_gpa = KVMRUN_PAGE_TABLES_ADDR;
	uint64_t pdpt_gpa = pml4_gpa + PAGE;
	uint64_t pd_gpa = pdpt_gpa + PAGE;
	uint64_t *pml4 = guest_mem_ptr(mem, pml4_gpa, PAGE);
	uint64_t *pdpt = guest_mem_ptr(mem, pdpt_gpa, PAGE);
	uint64_t *pd = guest_mem_ptr(mem, pd_gpa, ngib * PAGE);

	pml4[0] = pdpt_gpa | PTE_P | PTE_RW;
	for (uint64_t g = 0; g < ngib; g++) {
		pdpt[g] = (pd_gpa + g * PAGE) | PTE_P | PTE_RW;
		for (uint64_t i = 0; i < 512; i++)
			pd[g * 512 + i] = (g * GIB + (i << 21)) | PTE_P | PTE_RW | PTE_PS;
	}
}

/* Flat descriptors, base 0, limit 4 GiB (G set): code32 (D set), data
 * (B set), code64 (L set). Intel SDM vol. 3 §3.4.5. */
void gdt_write(const struct guest_mem *mem)
{
	uint64_t *gdt = guest_mem_ptr(mem, KVMRUN_GDT_ADDR, GDT_ENTRIES * 8);

	gdt[0] = 0;
	gdt[GDT_SEL_CODE32 / 8] = 0x00cf9b000000ffffull;
	gdt[GDT_SEL_DATA / 8] = 0x00cf93000000ffffull;
	gdt[GDT_SEL_CODE64 / 8] = 0x00af9b000000ffffull;
}

static struct kvm_segment flat_segment(uint16_t selector, uint8_t type, int code64)
{
	return (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type, /* 0xb: code, execute/read, accessed; 0x3: data, read/write, accessed */
		.present = 1,
		.dpl = 0,
		.db = code64 ? 0 : 1,
		.s = 1,
		.l = code64 ? 1 : 0,
		.g = 1,
	};
}

/* XCR0 state components (SDM vol. 1 §13.1). */
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_AVX512 (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM: all or none */
#define CPUID1_ECX_XSAVE (1u << 26)

struct cpu_vector_unit cpu_mode_vector_unit(const struct kvm_cpuid2 *cpuid)
{
	struct cpu_vector_unit vu = { .xsave = false, .xcr0 = 0 };
	bool xsave = false;
	uint64_t supported = 0;

	for (uint32_t i = 0; i < cpuid->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &cpuid->entries[i];
		if (e->function == 1)
			xsave = (e->ecx & CPUID1_ECX_XSAVE) != 0;
		else if (e->function == 0xd && e->index == 0)
			supported = (uint64_t)e->edx << 32 | e->eax;
	}
	if (!xsave || (supported & (XCR0_X87 | XCR0_SSE)) != (XCR0_X87 | XCR0_SSE))
		return vu;
	vu.xsave = true;
	vu.xcr0 = XCR0_X87 | XCR0_SSE;
	if (supported & XCR0_AVX) {
		vu.xcr0 |= XCR0_AVX;
		if ((supported & XCR0_AVX512) == XCR0_AVX512)
			vu.xcr0 |= XCR0_AVX512;
	}
	return vu;
}

void cpu_mode_sregs(struct kvm_sregs *s, unsigned bits, const struct cpu_vector_unit *vu)
{
	struct kvm_segment data = flat_segment(GDT_SEL_DATA, 0x3, 0);

	s->cs = bits == 64 ? flat_segment(GDT_SEL_CODE64, 0xb, 1)
			   : flat_segment(GDT_SEL_CODE32, 0xb, 0);
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->gdt.base = KVMRUN_GDT_ADDR;
	s->gdt.limit = GDT_ENTRIES * 8 - 1;
	s->idt.base = 0;
	s->idt.limit = 0;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE;
	s->cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT | (vu->xsave ? CR4_OSXSAVE : 0);
	s->efer = 0;
	if (bits == 64) {
		s->cr3 = KVMRUN_PAGE_TABLES_ADDR;
		s->cr4 |= CR4_PAE;
		s->cr0 |= CR0_PG;
		s->efer = EFER_LME | EFER_LMA;
	}
}

void cpu_mode_regs(struct kvm_regs *regs, uint64_t entry)
{
	memset(regs, 0, sizeof *regs);
	regs->rip = entry;
	regs->rsp = KVMRUN_STACK_TOP;
	regs->rdi = KVMRUN_START_INFO_ADDR;
	regs->rflags = 0x2; /* bit 1 is reserved-set; interrupts off */
}

void cpu_mode_fpu(struct kvm_fpu *fpu)
{
	memset(fpu, 0, sizeof *fpu);
	fpu->fcw = 0x37f;
	fpu->mxcsr = 0x1f80;
}
