/* cat: copy stdin to stdout until end of input. */
#include <stdio.h>
#include <unistd.h>

static char buf[1u << 20];

int main(void)
{
	long n;

	while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
		write(STDOUT_FILENO, buf, (size_t)n);
	if (n < 0) {
		printf("cat: no console to read from\n");
		return 1;
	}
	return 0;
}
