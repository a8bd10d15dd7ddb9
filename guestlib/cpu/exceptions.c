#include "exceptions.h"

#include <kvmrun/hypercall.h>

#include "cpu/descriptors.h"
#include "port_io.h"

extern const uintptr_t exception_stubs[32];

/* The exception stack (x86-64): a fault with a broken RSP (an overflow
 * into the guard page) still has somewhere to run. */
static uint8_t exception_stack[16384] __attribute__((aligned(16)));

/* The report the crash hypercall points at: in the runtime's image, below
 * 4 GiB where a 32-bit port value reaches. */
static struct kvmrun_crash report;
static uintptr_t stack_guard;

void exceptions_init(void)
{
	tss_set_ist(IST_EXCEPTIONS, (uintptr_t)(exception_stack + sizeof exception_stack));
	for (unsigned v = 0; v < 32; v++)
		idt_set_gate_ist((uint8_t)v, exception_stubs[v], IST_EXCEPTIONS);
}

void exceptions_set_stack_guard(uintptr_t guard_page)
{
	stack_guard = guard_page;
}

static uintptr_t read_cr2(void)
{
	uintptr_t cr2;
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	return cr2;
}

__attribute__((noreturn)) void exception_report(const struct exception_frame *f);

void exception_report(const struct exception_frame *f)
{
	uint64_t *r = report.regs;

	report.vector = (uint32_t)f->vector;
	report.error_code = (uint32_t)f->error_code;
	report.cr2 = read_cr2();
#if UINTPTR_MAX > 0xffffffffu
	r[KVMRUN_CRASH_RAX] = f->rax, r[KVMRUN_CRASH_RBX] = f->rbx;
	r[KVMRUN_CRASH_RCX] = f->rcx, r[KVMRUN_CRASH_RDX] = f->rdx;
	r[KVMRUN_CRASH_RSI] = f->rsi, r[KVMRUN_CRASH_RDI] = f->rdi;
	r[KVMRUN_CRASH_RSP] = f->rsp, r[KVMRUN_CRASH_RBP] = f->rbp;
	r[KVMRUN_CRASH_R8] = f->r8, r[KVMRUN_CRASH_R9] = f->r9;
	r[KVMRUN_CRASH_R10] = f->r10, r[KVMRUN_CRASH_R11] = f->r11;
	r[KVMRUN_CRASH_R12] = f->r12, r[KVMRUN_CRASH_R13] = f->r13;
	r[KVMRUN_CRASH_R14] = f->r14, r[KVMRUN_CRASH_R15] = f->r15;
	r[KVMRUN_CRASH_RIP] = f->rip, r[KVMRUN_CRASH_RFLAGS] = f->rflags;
#else
	r[KVMRUN_CRASH_RAX] = f->eax, r[KVMRUN_CRASH_RBX] = f->ebx;
	r[KVMRUN_CRASH_RCX] = f->ecx, r[KVMRUN_CRASH_RDX] = f->edx;
	r[KVMRUN_CRASH_RSI] = f->esi, r[KVMRUN_CRASH_RDI] = f->edi;
	r[KVMRUN_CRASH_RBP] = f->ebp, r[KVMRUN_CRASH_RIP] = f->eip;
	r[KVMRUN_CRASH_RFLAGS] = f->eflags;
	/* Same privilege: the interrupted ESP is just above the CPU's frame. */
	r[KVMRUN_CRASH_RSP] = (uintptr_t)(&f->eflags + 1);
#endif
	if (report.vector == 14 && stack_guard && report.cr2 - stack_guard < 4096)
		report.flags |= KVMRUN_CRASH_STACK_OVERFLOW;
	outl(KVMRUN_PORT_CRASH, (uint32_t)(uintptr_t)&report);
	for (;;)
		__asm__ volatile("cli; hlt");
}
