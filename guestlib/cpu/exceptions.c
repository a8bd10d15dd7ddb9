/* Nothing here touches the SSE or x87 registers: under a debugger, kvmrun
 * may resume the code a breakpoint's int3 stopped (gdb_stub.c), which
 * must find them as it left them. */
#pragma GCC target("general-regs-only")

#include "exceptions.h"

#include <kvmrun/hypercall.h>

#include "cpu/descriptors.h"
#include "port_io.h"

extern const uintptr_t exception_stubs[32];

#if UINTPTR_MAX <= 0xffffffffu
void double_fault_task(void); /* cpu/exception_entry32.S */
#endif

#define VECTOR_BREAKPOINT 3
#define VECTOR_DOUBLE_FAULT 8
#define VECTOR_PAGE_FAULT 14
#define PF_WRITE (1u << 1)

/* The exception stack (the IST stack on x86-64, the fault task's on
 * i386): a fault with a broken stack pointer (an overflow into the guard
 * page) still has somewhere to run. */
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

#if UINTPTR_MAX > 0xffffffffu
void exceptions_paging_on(void)
{
}
#else

/* A stack overflow on i386: the push into the guard page faults, and so
 * does the CPU's push of that page fault's frame on the same stack, which
 * makes it a double fault (SDM vol. 3 §6.15, Table 6-5). The double fault
 * switches to a task with a stack of its own. */
void exceptions_paging_on(void)
{
	idt_set_fault_task(VECTOR_DOUBLE_FAULT, (uintptr_t)double_fault_task,
			   (uintptr_t)(exception_stack + sizeof exception_stack));
}
#endif

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

/* The report is filled in: hand it to kvmrun, which stops the guest. */
__attribute__((noreturn)) static void send_report(void)
{
	report.cr2 = read_cr2();
	if (report.vector == VECTOR_PAGE_FAULT && stack_guard && report.cr2 - stack_guard < 4096)
		report.flags |= KVMRUN_CRASH_STACK_OVERFLOW;
	outl(KVMRUN_PORT_CRASH, (uint32_t)(uintptr_t)&report);
	for (;;)
		__asm__ volatile("cli; hlt");
}

#if UINTPTR_MAX <= 0xffffffffu
/* An i386 task's registers into the report. */
static void report_task(const struct saved_task *t)
{
	uint64_t *r = report.regs;

	r[KVMRUN_CRASH_RAX] = t->eax, r[KVMRUN_CRASH_RBX] = t->ebx;
	r[KVMRUN_CRASH_RCX] = t->ecx, r[KVMRUN_CRASH_RDX] = t->edx;
	r[KVMRUN_CRASH_RSI] = t->esi, r[KVMRUN_CRASH_RDI] = t->edi;
	r[KVMRUN_CRASH_RSP] = t->esp, r[KVMRUN_CRASH_RBP] = t->ebp;
	r[KVMRUN_CRASH_RIP] = t->eip, r[KVMRUN_CRASH_RFLAGS] = t->eflags;
}

__attribute__((noreturn)) void double_fault_report(void);

/* On the double-fault task: the faulting task's registers are in the main
 * TSS. A double fault's saved EIP is undefined (SDM vol. 3 §6.15, "Interrupt
 * 8"); where it is this task's own entry, the CPU saved nothing useful and
 * the report says the registers are lost. CR2 still holds the address of
 * the page fault that started it. */
void double_fault_report(void)
{
	struct saved_task t = tss_saved_task();

	report.vector = VECTOR_DOUBLE_FAULT;
	if (stack_guard && read_cr2() - stack_guard < 4096) {
		report.vector = VECTOR_PAGE_FAULT;
		report.error_code = PF_WRITE;
	}
	if (t.eip == (uintptr_t)double_fault_task) {
		report.flags |= KVMRUN_CRASH_REGISTERS_LOST;
		send_report();
	}
	report_task(&t);
	send_report();
}
#endif

__attribute__((noreturn)) void exception_report(const struct exception_frame *f);

void exception_report(const struct exception_frame *f)
{
	static int reporting;

	/* A fault while reporting one (the handlers share one stack): stop
	 * with interrupts off, which kvmrun's halt watch reports, rather
	 * than fault again and again on the same stack. A breakpoint is
	 * exempt: a debugger's may be reported, and the code resumed, again
	 * and again. */
	if (f->vector != VECTOR_BREAKPOINT && reporting++)
		for (;;)
			__asm__ volatile("cli; hlt");

	report.vector = (uint32_t)f->vector;
	report.error_code = (uint32_t)f->error_code;
#if UINTPTR_MAX > 0xffffffffu
	uint64_t *r = report.regs;

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
	/* Same privilege: the interrupted ESP is just above the CPU's frame. */
	report_task(&(struct saved_task){
		.eip = f->eip, .eflags = f->eflags, .eax = f->eax, .ecx = f->ecx, .edx = f->edx,
		.ebx = f->ebx, .esp = (uintptr_t)(&f->eflags + 1), .ebp = f->ebp, .esi = f->esi,
		.edi = f->edi,
	});
	/* A fault at the double-fault task's first instruction is the one
	 * that caused the switch, delivered again by a virtual CPU that
	 * handled the switch itself (seen under nested KVM): its registers
	 * are the new task's, not the faulting code's. */
	if (f->eip == (uintptr_t)double_fault_task)
		report.flags |= KVMRUN_CRASH_REGISTERS_LOST;
#endif
	send_report();
}
