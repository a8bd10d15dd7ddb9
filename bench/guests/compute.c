/* Bench guest, and the same program for the host: compute without I/O.
 *   compute MIB
 * Fills MIB MiB with a deterministic pattern (xorshift64) and hashes it
 * with SHA-256 (apps/sha256sum's code), 1 MiB at a time, then prints the
 * digest. bench/measure times it built with kvmrun-cc under kvmrun against
 * the same source built with gcc and run as a host process: the ratio is
 * what running inside the VM costs compute. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../apps/sha256sum/sha256.h"

#define CHUNK (1u << 20)

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	static uint64_t buf[CHUNK / 8];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct sha256 s;
	uint8_t digest[32];

	sha256_init(&s);
	for (unsigned long m = 0; m < mib; m++) {
		for (size_t i = 0; i < CHUNK / 8; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = x;
		}
		sha256_update(&s, buf, CHUNK);
	}
	sha256_final(&s, digest);
	for (int i = 0; i < 32; i++)
		printf("%02x", digest[i]);
	printf("  %lu MiB\n", mib);
	return 0;
}
