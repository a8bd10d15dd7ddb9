/* Test guest: prints its environment (kvmrun --env), one "env: NAME=VALUE"
 * line per variable in order, then what getenv() finds for each argument. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned n = 0;

	for (char **e = environ; *e; e++, n++)
		printf("env: %s\n", *e);
	printf("%u variables\n", n);
	for (int i = 1; i < argc; i++) {
		const char *v = getenv(argv[i]);
		printf("getenv(%s) = %s\n", argv[i], v ? v : "(none)");
	}
	return 0;
}
