/* sha256sum: read stdin to end of input and print its SHA-256 as sha256sum
 * does ("<hex digest>  -"), so anyone can check the answer. */
#include <stdio.h>
#include <unistd.h>

#include "sha256.h"

static char buf[1u << 20];

int main(void)
{
	struct sha256 s;
	uint8_t digest[32];
	long n;

	sha256_init(&s);
	while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
		sha256_update(&s, buf, (size_t)n);
	if (n < 0) {
		printf("sha256sum: no console to read from\n");
		return 1;
	}
	sha256_final(&s, digest);
	for (int i = 0; i < 32; i++)
		printf("%02x", digest[i]);
	printf("  -\n");
	return 0;
}
