/* The app's stdout buffer. Each write(1, ...) is a VM exit (the console's
 * notification), and musl's stdout buffer is BUFSIZ, 1 KiB: a program that
 * prints a lot into a pipe or a file would pay an exit per KiB. Before
 * main, a constructor gives stdout a 128 KiB buffer instead, fully
 * buffered as C stdio is when stdout is not a terminal; on a terminal
 * (start_info.tty) musl's own line buffering stays. An app may still call
 * setvbuf() itself. kvmrun-cc links this file into every guest
 * (-u kvmrun_stdio_buffer). */
#include <stdio.h>
#include <sys/mman.h>

#include <kvmrun/guest.h>

#define STDOUT_BUFFER (128u << 10)

__attribute__((constructor)) void kvmrun_stdio_buffer(void)
{
	/* Mapped, not static: the pages are touched only when the app prints,
	 * and the app's own small variables stay together in .bss. */
	if (kvmrun_start_info()->tty & KVMRUN_TTY_STDOUT)
		return;
	void *buffer = mmap(NULL, STDOUT_BUFFER, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buffer != MAP_FAILED)
		setvbuf(stdout, buffer, _IOFBF, STDOUT_BUFFER);
}
