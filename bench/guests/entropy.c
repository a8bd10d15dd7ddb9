/* Bench guest: N MiB from the entropy device, then exit 0.
 *   entropy N
 * Asks virtio-rng for 1 MiB at a time (kvmrun_getrandom) into one buffer
 * and keeps nothing: the device alone, no console output. Exits 2 without
 * a working entropy device. */
#include <stdlib.h>

#include <kvmrun/guest.h>

#define CHUNK (1u << 20)

static unsigned char buf[CHUNK];

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1;

	for (unsigned long i = 0; i < mib; i++)
		if (kvmrun_getrandom(buf, CHUNK) < 0)
			return 2;
	return 0;
}
