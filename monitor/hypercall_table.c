#include "hypercall_table.h"

#include <string.h>

#include <kvmrun/hypercall.h>
#include <kvmrun/start_info.h>

#include "console_out.h"
#include "crash_report.h"
#include "diag.h"
#include "stats.h"
#include "trace_out.h"

static enum hypercall_result exit_guest(const struct hypercall_ctx *ctx, uint32_t value,
					char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	*ctx->status = (int)(value & 0xff);
	return HC_EXIT;
}

/* The bytes a struct kvmrun_debug_write at value describes, each address
 * checked; what names the hypercall in the error. */
static const void *write_request(const struct hypercall_ctx *ctx, uint32_t value, const char *what,
				 uint32_t *len, char *err, size_t errlen)
{
	struct kvmrun_debug_write req;
	const void *desc = guest_mem_ptr(ctx->mem, value, sizeof req);

	if (!desc) {
		diag_set(err, errlen, "%s: request at 0x%x is not in guest RAM", what, value);
		return NULL;
	}
	memcpy(&req, desc, sizeof req); /* one copy: the guest cannot change it under us */
	if (req.len > KVMRUN_DEBUG_WRITE_MAX) {
		diag_set(err, errlen, "%s: length %u exceeds the limit %u", what, req.len,
			 KVMRUN_DEBUG_WRITE_MAX);
		return NULL;
	}
	const void *bytes = guest_mem_ptr(ctx->mem, req.data, req.len);
	if (!bytes) {
		diag_set(err, errlen, "%s: buffer [0x%llx, +%u) is not in guest RAM", what,
			 (unsigned long long)req.data, req.len);
		return NULL;
	}
	*len = req.len;
	return bytes;
}

/* value: the guest-physical address of a struct kvmrun_debug_write. */
static enum hypercall_result debug_write(const struct hypercall_ctx *ctx, uint32_t value,
					 char *err, size_t errlen)
{
	uint32_t len;
	const void *bytes = write_request(ctx, value, "debug write", &len, err, errlen);

	if (!bytes)
		return HC_BAD_REQUEST;
	console_out_write(bytes, len);
	stats.console_out_bytes += len;
	return HC_CONTINUE;
}

/* The same, for the trace output (trace_out.h). */
static enum hypercall_result trace_write(const struct hypercall_ctx *ctx, uint32_t value,
					 char *err, size_t errlen)
{
	uint32_t len;
	const void *bytes;

	if (!trace_out_guest_allowed()) {
		diag_set(err, errlen, "trace write: kvmrun was not asked for the guest's trace "
			 "(--trace=syscalls)");
		return HC_BAD_REQUEST;
	}
	bytes = write_request(ctx, value, "trace write", &len, err, errlen);
	if (!bytes)
		return HC_BAD_REQUEST;
	trace_out_bytes(bytes, len);
	return HC_CONTINUE;
}

/* The value is ignored: the console says whether there is anything to
 * wait for (virtio_console_wait()). */
static enum hypercall_result wait_for_input(const struct hypercall_ctx *ctx, uint32_t value,
					    char *err, size_t errlen)
{
	(void)value;
	(void)err;
	(void)errlen;
	virtio_devices_wait(ctx->devs);
	return HC_CONTINUE;
}

/* --dumpcore: the core of the crashed guest, with the registers its
 * exception handler saw; a line on stderr either way. */
static void save_core(const struct hypercall_ctx *ctx, unsigned bits, const struct kvmrun_crash *crash)
{
	const char *slash = strrchr(ctx->core->app, '/');
	static const uint64_t none[KVMRUN_CRASH_NREGS];
	bool lost = crash->flags & KVMRUN_CRASH_REGISTERS_LOST;
	struct core_state s = {
		.bits = bits, .signal = *ctx->status - 128, .regs = lost ? none : crash->regs,
		.mem = ctx->mem,
		.app = slash ? slash + 1 : ctx->core->app, .args = ctx->core->args,
		.program = ctx->program ? *ctx->program : (struct kvmrun_program){ 0 },
	};
	char why[256];

	if (lost)
		diag("core file: the CPU kept no registers; the core has memory only");
	if (core_dump_save(ctx->core, &s, why, sizeof why) < 0)
		diag("%s", why);
	else
		diag("core dumped: %s/%s", ctx->core->dir, ctx->core->name);
}

/* value: the guest-physical address of a struct kvmrun_crash. One copy,
 * then the report (crash_report.h); the guest is done either way. */
static enum hypercall_result guest_crash(const struct hypercall_ctx *ctx, uint32_t value,
					 char *err, size_t errlen)
{
	struct kvmrun_crash crash;
	const void *report = guest_mem_ptr(ctx->mem, value, sizeof crash);

	if (!report) {
		diag_set(err, errlen, "crash report at 0x%x is not in guest RAM", value);
		return HC_BAD_REQUEST;
	}
	memcpy(&crash, report, sizeof crash);
	if (ctx->debug_trap) {
		int trapped = ctx->debug_trap(ctx->debugger, &crash, ctx->status);
		if (trapped)
			return trapped == 1 ? HC_CONTINUE : HC_EXIT;
	}
	struct guest_symbols none = { .bits = 64, .count = 0, .mem = ctx->mem };
	const struct guest_symbols *gs = ctx->symbols ? ctx->symbols : &none;
	crash_report_print(gs, &crash);
	*ctx->status = crash_status(&crash);
	if (ctx->core)
		save_core(ctx, gs->bits, &crash);
	if (ctx->crash && ctx->crashed) {
		*ctx->crash = crash;
		*ctx->crashed = true;
	}
	return HC_EXIT;
}

static const struct hypercall {
	uint16_t port;
	enum hypercall_result (*serve)(const struct hypercall_ctx *ctx, uint32_t value,
				       char *err, size_t errlen);
} hypercalls[] = {
	{ KVMRUN_PORT_EXIT, exit_guest },
	{ KVMRUN_PORT_DEBUG_WRITE, debug_write },
	{ KVMRUN_PORT_WAIT, wait_for_input },
	{ KVMRUN_PORT_CRASH, guest_crash },
	{ KVMRUN_PORT_TRACE_WRITE, trace_write },
};

enum hypercall_result hypercall_handle(const struct hypercall_ctx *ctx, const struct io_access *io,
				       char *err, size_t errlen)
{
	const struct hypercall *hc = NULL;
	uint32_t value;

	for (size_t i = 0; i < sizeof hypercalls / sizeof hypercalls[0] && !hc; i++)
		if (hypercalls[i].port == io->port)
			hc = &hypercalls[i];
	if (!hc)
		return HC_UNHANDLED;
	if (io->direction != KVM_EXIT_IO_OUT || io->size != 4 || io->count != 1) {
		diag_set(err, errlen, "hypercall port 0x%x takes one 32-bit out, got %s of %u byte(s) x%u",
			 io->port, io->direction == KVM_EXIT_IO_OUT ? "out" : "in", io->size, io->count);
		return HC_BAD_REQUEST;
	}
	memcpy(&value, io->data, sizeof value);
	return hc->serve(ctx, value, err, errlen);
}
