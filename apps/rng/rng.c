/* rng: write N bytes from the entropy device to stdout.
 *   rng N        raw bytes
 *   rng --hex N  two lowercase hex digits per byte, a newline at the end
 * N may end in K or M. Exits 1 on bad usage, 2 without an entropy device. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kvmrun/guest.h>

#define CHUNK (1u << 20)

static unsigned char raw[CHUNK];
static char hex[2 * CHUNK];

static int parse_count(const char *s, unsigned long long *n)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	return *end ? -1 : (*n = v, 0);
}

int main(int argc, char **argv)
{
	int as_hex = argc > 1 && strcmp(argv[1], "--hex") == 0;
	unsigned long long left;

	if (argc != 2 + as_hex || parse_count(argv[1 + as_hex], &left) < 0) {
		printf("usage: rng [--hex] N\n");
		return 1;
	}
	while (left > 0) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		if (kvmrun_getrandom(raw, n) < 0) {
			printf("rng: no working entropy device\n");
			return 2;
		}
		if (as_hex) {
			static const char digits[] = "0123456789abcdef";
			for (size_t i = 0; i < n; i++) {
				hex[2 * i] = digits[raw[i] >> 4];
				hex[2 * i + 1] = digits[raw[i] & 15];
			}
			write(STDOUT_FILENO, hex, 2 * n);
		} else {
			write(STDOUT_FILENO, raw, n);
		}
		left -= n;
	}
	if (as_hex)
		write(STDOUT_FILENO, "\n", 1);
	return 0;
}
