/* cpu_mode.c: page tables, GDT and the vCPU state at entry. */
#include "unit.h"

#include <kvmrun/start_info.h>

#include "../../monitor/cpu_mode.h"

#define PAGE 4096ull
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)
#define PTE_ADDR 0x000ffffffffff000ull

static struct guest_mem small, big;

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (guest_mem_alloc(&small, 64 * MIB, err, sizeof err) < 0)
		return -1;
	return guest_mem_alloc(&big, 5 * GIB, err, sizeof err);
}

static int teardown(void **state)
{
	(void)state;
	guest_mem_free(&small);
	guest_mem_free(&big);
	return 0;
}

static void test_page_tables_size(void **state)
{
	struct guest_mem m;

	(void)state;
	guest_mem_layout(&m, 2 * MIB);
	assert_int_equal(page_tables_size(&m), 6 * PAGE); /* the low 4 GiB at least */
	guest_mem_layout(&m, 64 * MIB);
	assert_int_equal(page_tables_size(&m), 6 * PAGE);
	guest_mem_layout(&m, 3 * GIB);
	assert_int_equal(page_tables_size(&m), 6 * PAGE);
	guest_mem_layout(&m, 3 * GIB + PAGE); /* top 4 GiB + 4 KiB: 5 PDs */
	assert_int_equal(page_tables_size(&m), 7 * PAGE);
	guest_mem_layout(&m, 5 * GIB); /* top 6 GiB */
	assert_int_equal(page_tables_size(&m), 8 * PAGE);
	guest_mem_layout(&m, 64 * GIB); /* top 65 GiB */
	assert_int_equal(page_tables_size(&m), 67 * PAGE);
}

/* Walk PML4 -> PDPT -> PD by hand; returns the PD entry mapping va. */
static uint64_t walk(const struct guest_mem *m, uint64_t va)
{
	const uint64_t *pml4 = guest_mem_ptr(m, KVMRUN_PAGE_TABLES_ADDR, PAGE);
	assert_non_null(pml4);
	uint64_t e4 = pml4[(va >> 39) & 511];
	if (!(e4 & PTE_P))
		fail_msg("0x%llx: PML4 entry not present", (unsigned long long)va);
	assert_int_equal(e4 & (PTE_P | PTE_RW | PTE_PS), PTE_P | PTE_RW);
	const uint64_t *pdpt = guest_mem_ptr(m, e4 & PTE_ADDR, PAGE);
	assert_non_null(pdpt);
	uint64_t e3 = pdpt[(va >> 30) & 511];
	if (!(e3 & PTE_P))
		fail_msg("0x%llx: PDPT entry not present", (unsigned long long)va);
	/* Not a 1 GiB page: a PD follows. */
	assert_int_equal(e3 & (PTE_P | PTE_RW | PTE_PS), PTE_P | PTE_RW);
	const uint64_t *pd = guest_mem_ptr(m, e3 & PTE_ADDR, PAGE);
	assert_non_null(pd);
	return pd[(va >> 21) & 511];
}

static void identity(const struct guest_mem *m, uint64_t va)
{
	uint64_t e = walk(m, va);
	uint64_t want = (va & ~((1ull << 21) - 1)) | PTE_P | PTE_RW | PTE_PS;

	if (e != want)
		fail_msg("0x%llx maps through PD entry 0x%llx, expected 0x%llx",
			 (unsigned long long)va, (unsigned long long)e, (unsigned long long)want);
}

static void check_tables(const struct guest_mem *m, uint64_t ngib)
{
	const uint64_t *pml4 = guest_mem_ptr(m, KVMRUN_PAGE_TABLES_ADDR, PAGE);
	const uint64_t *pdpt = guest_mem_ptr(m, KVMRUN_PAGE_TABLES_ADDR + PAGE, PAGE);

	assert_int_equal(pml4[0], (KVMRUN_PAGE_TABLES_ADDR + PAGE) | PTE_P | PTE_RW);
	for (unsigned i = 1; i < 512; i++)
		assert_int_equal(pml4[i], 0);
	for (uint64_t g = 0; g < 512; g++) {
		if (g < ngib)
			assert_int_equal(pdpt[g], (KVMRUN_PAGE_TABLES_ADDR + (2 + g) * PAGE) | PTE_P | PTE_RW);
		else
			assert_int_equal(pdpt[g], 0);
	}
	/* Every 2 MiB page of the mapped GiBs maps to itself. */
	for (uint64_t va = 0; va < ngib * GIB; va += 2 * MIB)
		identity(m, va);
	/* Nothing written past the last PD. */
	const uint8_t *after = guest_mem_ptr(m, KVMRUN_PAGE_TABLES_ADDR + (2 + ngib) * PAGE, PAGE);
	for (unsigned i = 0; i < PAGE; i++)
		assert_int_equal(after[i], 0);
}

static void test_page_tables_64m(void **state)
{
	(void)state;
	page_tables_write(&small);
	identity(&small, 0);
	identity(&small, 0x100000);
	identity(&small, 0x123456);
	identity(&small, 64 * MIB - 1);
	identity(&small, 0xfec00000); /* IOAPIC, in the hole */
	identity(&small, 0xfee00000); /* local APIC */
	identity(&small, 4 * GIB - 1);
	check_tables(&small, 4);
}

static void test_page_tables_5g(void **state)
{
	(void)state;
	page_tables_write(&big);
	identity(&big, 0);
	identity(&big, 0x100000);
	identity(&big, 0xfee00000);
	identity(&big, 4 * GIB);
	identity(&big, 4 * GIB + 2 * MIB);
	assert_int_equal(walk(&big, 4 * GIB + 2 * MIB), (4 * GIB + 2 * MIB) | PTE_P | PTE_RW | PTE_PS);
	identity(&big, 6 * GIB - 1);
	check_tables(&big, 6);
}

/* The largest guest: 65 GiB mapped by 65 PDs, still below the stack. */
static void test_page_tables_64g(void **state)
{
	struct guest_mem huge;
	char err[256];

	(void)state;
	if (guest_mem_alloc(&huge, 64 * GIB, err, sizeof err) < 0)
		skip();
	assert_true(KVMRUN_PAGE_TABLES_ADDR + page_tables_size(&huge) <= KVMRUN_STACK_BASE);
	page_tables_write(&huge);
	identity(&huge, 0);
	identity(&huge, 0xfee00000);
	identity(&huge, 4 * GIB);
	identity(&huge, 64 * GIB);
	identity(&huge, 65 * GIB - 1);
	check_tables(&huge, 65);
	guest_mem_free(&huge);
}

/* One GDT descriptor, decoded (Intel SDM vol. 3 §3.4.5). */
struct desc {
	uint32_t base, limit;
	unsigned type, s, dpl, p, avl, l, db, g;
};

static struct desc decode(uint64_t d)
{
	return (struct desc){
		.limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000)),
		.base = (uint32_t)(((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000)),
		.type = (d >> 40) & 0xf,
		.s = (d >> 44) & 1,
		.dpl = (d >> 45) & 3,
		.p = (d >> 47) & 1,
		.avl = (d >> 52) & 1,
		.l = (d >> 53) & 1,
		.db = (d >> 54) & 1,
		.g = (d >> 55) & 1,
	};
}

static const uint64_t *gdt(void)
{
	return guest_mem_ptr(&small, KVMRUN_GDT_ADDR, GDT_ENTRIES * 8);
}

static void test_gdt(void **state)
{
	(void)state;
	memset(guest_mem_ptr(&small, KVMRUN_GDT_ADDR, PAGE), 0xff, PAGE);
	gdt_write(&small);
	const uint64_t *g = gdt();
	assert_int_equal(g[0], 0);

	struct desc c32 = decode(g[GDT_SEL_CODE32 / 8]);
	assert_int_equal(c32.base, 0);
	assert_int_equal(c32.limit, 0xfffff);
	assert_int_equal(c32.g, 1);
	assert_int_equal(c32.type, 0xb); /* code, execute/read, accessed */
	assert_int_equal(c32.s, 1);
	assert_int_equal(c32.dpl, 0);
	assert_int_equal(c32.p, 1);
	assert_int_equal(c32.db, 1);
	assert_int_equal(c32.l, 0);

	struct desc data = decode(g[GDT_SEL_DATA / 8]);
	assert_int_equal(data.base, 0);
	assert_int_equal(data.limit, 0xfffff);
	assert_int_equal(data.g, 1);
	assert_int_equal(data.type, 0x3); /* data, read/write, accessed */
	assert_true(data.type & 0x2);     /* writable */
	assert_false(data.type & 0x8);    /* not code */
	assert_int_equal(data.s, 1);
	assert_int_equal(data.p, 1);
	assert_int_equal(data.db, 1);
	assert_int_equal(data.l, 0);

	struct desc c64 = decode(g[GDT_SEL_CODE64 / 8]);
	assert_int_equal(c64.base, 0);
	assert_int_equal(c64.limit, 0xfffff);
	assert_int_equal(c64.g, 1);
	assert_int_equal(c64.type, 0xb);
	assert_int_equal(c64.s, 1);
	assert_int_equal(c64.p, 1);
	assert_int_equal(c64.l, 1);
	assert_int_equal(c64.db, 0); /* L=1 requires D=0 */

	/* Only GDT_ENTRIES descriptors: the next byte is untouched. */
	const uint8_t *after = guest_mem_ptr(&small, KVMRUN_GDT_ADDR + GDT_ENTRIES * 8, 1);
	assert_int_equal(*after, 0xff);
}

/* A kvm_segment matches its GDT descriptor. */
static void seg_matches_gdt(const struct kvm_segment *s)
{
	assert_int_equal(s->selector & 7, 0); /* GDT, RPL 0 */
	assert_true(s->selector / 8 < GDT_ENTRIES);
	assert_true(s->selector != 0);
	struct desc d = decode(gdt()[s->selector / 8]);
	assert_int_equal(s->base, d.base);
	uint32_t limit = d.g ? (d.limit << 12) | 0xfff : d.limit;
	assert_int_equal(s->limit, limit);
	assert_int_equal(s->type, d.type);
	assert_int_equal(s->s, d.s);
	assert_int_equal(s->dpl, d.dpl);
	assert_int_equal(s->present, d.p);
	assert_int_equal(s->db, d.db);
	assert_int_equal(s->l, d.l);
	assert_int_equal(s->g, d.g);
	assert_int_equal(s->unusable, 0);
}

static const struct cpu_vector_unit no_xsave = { .xsave = false, .xcr0 = 0 };

static struct kvm_sregs reset_sregs(void)
{
	struct kvm_sregs s;

	/* Something like a vCPU's reset state, with junk where it must be set. */
	memset(&s, 0x5a, sizeof s);
	s.cr0 = 0x60000010;
	s.cr4 = 0;
	s.efer = 0;
	s.cr3 = 0;
	s.cs.unusable = 0;
	s.ds.unusable = s.es.unusable = s.fs.unusable = s.gs.unusable = s.ss.unusable = 0;
	return s;
}

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE (1ull << 18)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

static void common_sregs(const struct kvm_sregs *s)
{
	gdt_write(&small);
	seg_matches_gdt(&s->cs);
	seg_matches_gdt(&s->ds);
	seg_matches_gdt(&s->es);
	seg_matches_gdt(&s->fs);
	seg_matches_gdt(&s->gs);
	seg_matches_gdt(&s->ss);
	assert_int_equal(s->ds.selector, GDT_SEL_DATA);
	assert_int_equal(s->es.selector, GDT_SEL_DATA);
	assert_int_equal(s->fs.selector, GDT_SEL_DATA);
	assert_int_equal(s->gs.selector, GDT_SEL_DATA);
	assert_int_equal(s->ss.selector, GDT_SEL_DATA);
	assert_int_equal(s->gdt.base, KVMRUN_GDT_ADDR);
	assert_int_equal(s->gdt.limit, GDT_ENTRIES * 8 - 1);
	assert_int_equal(s->idt.base, 0);
	assert_int_equal(s->idt.limit, 0);
	assert_true(s->cr0 & CR0_PE);
	assert_true(s->cr0 & CR0_MP);
	assert_true(s->cr0 & CR0_NE);
	assert_true(s->cr4 & CR4_OSFXSR);
	assert_true(s->cr4 & CR4_OSXMMEXCPT);
	assert_false(s->cr0 & (1ull << 2)); /* EM clear: SSE usable */
	assert_false(s->cr0 & (1ull << 30)); /* CD clear */
	assert_false(s->cr0 & (1ull << 29)); /* NW clear */
}

static void test_sregs_32(void **state)
{
	struct kvm_sregs s = reset_sregs();

	(void)state;
	cpu_mode_sregs(&s, 32, &no_xsave);
	common_sregs(&s);
	assert_int_equal(s.cs.selector, GDT_SEL_CODE32);
	assert_int_equal(s.cs.db, 1);
	assert_int_equal(s.cs.l, 0);
	assert_int_equal(s.cs.type, 0xb);
	assert_int_equal(s.cr0, CR0_PE | CR0_MP | CR0_ET | CR0_NE);
	assert_false(s.cr0 & CR0_PG);
	assert_false(s.cr4 & CR4_PAE);
	assert_int_equal(s.cr4, CR4_OSFXSR | CR4_OSXMMEXCPT);
	assert_int_equal(s.efer, 0);
}

static void test_sregs_64(void **state)
{
	struct kvm_sregs s = reset_sregs();

	(void)state;
	cpu_mode_sregs(&s, 64, &no_xsave);
	common_sregs(&s);
	assert_int_equal(s.cs.selector, GDT_SEL_CODE64);
	assert_int_equal(s.cs.l, 1);
	assert_int_equal(s.cs.db, 0);
	assert_int_equal(s.cs.type, 0xb);
	assert_int_equal(s.ss.db, 1);
	assert_int_equal(s.cr0, CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG);
	assert_int_equal(s.cr4, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT);
	assert_int_equal(s.efer, EFER_LME | EFER_LMA);
	assert_int_equal(s.cr3, KVMRUN_PAGE_TABLES_ADDR);
}

static void test_sregs_32_after_64(void **state)
{
	struct kvm_sregs s = reset_sregs();

	(void)state;
	cpu_mode_sregs(&s, 64, &no_xsave);
	cpu_mode_sregs(&s, 32, &no_xsave);
	assert_false(s.cr0 & CR0_PG);
	assert_false(s.cr4 & CR4_PAE);
	assert_int_equal(s.efer, 0);
	assert_int_equal(s.cs.selector, GDT_SEL_CODE32);
	assert_int_equal(s.cs.l, 0);
}

/* A CPUID with leaf 1's ECX and leaf 0xD subleaf 0's EDX:EAX. */
static struct cpu_vector_unit unit_from(uint32_t leaf1_ecx, uint64_t xcr0_supported, int with_leaf_d)
{
	struct {
		struct kvm_cpuid2 head;
		struct kvm_cpuid_entry2 e[4];
	} c = { .head = { .nent = with_leaf_d ? 4 : 3 } };

	c.e[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = 0xd };
	c.e[1] = (struct kvm_cpuid_entry2){ .function = 1, .ecx = leaf1_ecx };
	/* Subleaf 1 of leaf 0xD is not the one that counts. */
	c.e[2] = (struct kvm_cpuid_entry2){ .function = 0xd, .index = 1, .eax = 0xffffffff };
	c.e[3] = (struct kvm_cpuid_entry2){ .function = 0xd, .index = 0, .eax = (uint32_t)xcr0_supported,
					    .edx = (uint32_t)(xcr0_supported >> 32) };
	return cpu_mode_vector_unit(&c.head);
}

static void test_vector_unit(void **state)
{
	const uint32_t xsave = 1u << 26;
	struct cpu_vector_unit vu;

	(void)state;
	vu = unit_from(0, 0x7, 1);
	assert_false(vu.xsave); /* no XSAVE in CPUID */
	vu = unit_from(xsave, 0x7, 0);
	assert_false(vu.xsave); /* no leaf 0xD: nothing known to be supported */
	vu = unit_from(xsave, 0x1, 1);
	assert_false(vu.xsave); /* SSE state missing */
	vu = unit_from(xsave, 0x3, 1);
	assert_true(vu.xsave);
	assert_int_equal(vu.xcr0, 0x3);
	vu = unit_from(xsave, 0x7, 1);
	assert_int_equal(vu.xcr0, 0x7); /* AVX */
	/* AVX-512's three states together, or not at all; MPX (bits 3-4),
	 * PKRU (9), AMX (17-18) and the rest never. */
	vu = unit_from(xsave, 0x2ff | 3ull << 17 | 1ull << 62, 1);
	assert_int_equal(vu.xcr0, 0xe7);
	vu = unit_from(xsave, 0x67, 1);
	assert_int_equal(vu.xcr0, 0x7);
	vu = unit_from(xsave, 0xe3, 1);
	assert_int_equal(vu.xcr0, 0x3); /* AVX-512 without AVX: neither */
}

static void test_sregs_osxsave(void **state)
{
	const struct cpu_vector_unit avx = { .xsave = true, .xcr0 = 0x7 };
	struct kvm_sregs s = reset_sregs();

	(void)state;
	cpu_mode_sregs(&s, 64, &avx);
	assert_int_equal(s.cr4, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE);
	cpu_mode_sregs(&s, 32, &avx);
	assert_int_equal(s.cr4, CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE);
	cpu_mode_sregs(&s, 32, &no_xsave);
	assert_int_equal(s.cr4, CR4_OSFXSR | CR4_OSXMMEXCPT);
}

static void test_regs(void **state)
{
	struct kvm_regs r;

	(void)state;
	memset(&r, 0xcc, sizeof r);
	cpu_mode_regs(&r, 0x100123);
	assert_int_equal(r.rip, 0x100123);
	assert_int_equal(r.rsp, KVMRUN_STACK_TOP);
	assert_int_equal(r.rsp, 0x100000);
	assert_int_equal(r.rdi, KVMRUN_START_INFO_ADDR);
	assert_int_equal(r.rflags, 2);
	assert_int_equal(r.rax, 0);
	assert_int_equal(r.rbx, 0);
	assert_int_equal(r.rcx, 0);
	assert_int_equal(r.rdx, 0);
	assert_int_equal(r.rsi, 0);
	assert_int_equal(r.rbp, 0);
	assert_int_equal(r.r8, 0);
	assert_int_equal(r.r15, 0);
}

static void test_fpu(void **state)
{
	struct kvm_fpu f;

	(void)state;
	memset(&f, 0xcc, sizeof f);
	cpu_mode_fpu(&f);
	assert_int_equal(f.fcw, 0x37f);
	assert_int_equal(f.mxcsr, 0x1f80);
	assert_int_equal(f.fsw, 0);
	assert_int_equal(f.ftwx, 0);
	assert_int_equal(f.last_ip, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_tables_size),
		cmocka_unit_test(test_page_tables_64m),
		cmocka_unit_test(test_page_tables_5g),
		cmocka_unit_test(test_page_tables_64g),
		cmocka_unit_test(test_gdt),
		cmocka_unit_test(test_sregs_32),
		cmocka_unit_test(test_sregs_64),
		cmocka_unit_test(test_sregs_32_after_64),
		cmocka_unit_test(test_vector_unit),
		cmocka_unit_test(test_sregs_osxsave),
		cmocka_unit_test(test_regs),
		cmocka_unit_test(test_fpu),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
