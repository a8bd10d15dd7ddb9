/* Test guest: the runtime's own check of start_info, which stays behind
 * kvmrun's check of the ABI note. Starts the runtime over on a copy of
 * start_info with one thing changed (argv[1]: "version", "magic" or
 * "argc"); the runtime must refuse it with its own status
 * (KVMRUN_STATUS_START_INFO_REFUSED, 120) and a line on the early console.
 * Were the copy let through, main would run again on it and recurse until
 * the stack ran out: a crash, never 120. */
#include <stdint.h>
#include <string.h>

#include <kvmrun/guest.h>

__attribute__((noreturn)) void kvmrun_boot(uintptr_t start_info_addr);

static struct kvmrun_start_info copy;

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	memcpy(&copy, kvmrun_start_info(), sizeof copy);
	if (strcmp(argv[1], "version") == 0)
		copy.abi_version = KVMRUN_ABI_VERSION + 1;
	else if (strcmp(argv[1], "magic") == 0)
		copy.magic = ~KVMRUN_START_INFO_MAGIC;
	else if (strcmp(argv[1], "argc") == 0)
		copy.argc = KVMRUN_MAX_ARGS + 1;
	else
		return 2;
	kvmrun_boot((uintptr_t)&copy);
}
