/* Test guest: never exits. "spin" (default) loops forever; "halt" stops
 * the CPU with interrupts off (cli; hlt), which nothing but the monitor can
 * end. Prints a line first so a test knows it started. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int halt = argc > 1 && strcmp(argv[1], "halt") == 0;

	printf("spinning\n");
	fflush(NULL);
	for (;;) {
		if (halt)
			__asm__ volatile("cli; hlt");
		else
			__asm__ volatile("pause");
	}
}
