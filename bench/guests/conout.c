/* Bench guest: N MiB of text on the console, then exit 0.
 *   conout N
 * Written as 64-byte lines with puts(), the buffered stdio path ordinary
 * apps use: musl's stdout, with the 128 KiB buffer the runtime gives it
 * when stdout is not a terminal (guestlib/stdio_buffer.c), is written
 * through virtio-console's transmitq whenever it fills. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1;
	static char line[64]; /* 63 characters; puts() adds the newline */

	memset(line, '.', sizeof line - 1);
	for (unsigned long i = 0; i < mib * 16384; i++)
		puts(line);
	return 0;
}
