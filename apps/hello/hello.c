/* hello: greet, then show what the machine looks like from inside: the
 * arguments, the memory map and the devices start_info describes. */
#include <stdio.h>

#include <kvmrun/guest.h>

int main(int argc, char **argv)
{
	const struct kvmrun_start_info *si = kvmrun_start_info();

	printf("Hello from a %d-bit kvmrun guest!\n", (int)(sizeof(void *) * 8));
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	printf("mem_size=%llu bytes (%llu MiB)\n", (unsigned long long)si->mem_size,
	       (unsigned long long)(si->mem_size >> 20));
	printf("memory map (%u entries):\n", si->mem_count);
	for (uint32_t i = 0; i < si->mem_count; i++) {
		const struct kvmrun_mem_entry *e = &si->mem[i];
		printf("  [0x%09llx-0x%09llx) %-11s%s%s\n", (unsigned long long)e->base,
		       (unsigned long long)(e->base + e->size), kvmrun_mem_use_name(e->use),
		       e->flags & KVMRUN_MEM_F_READ_ONLY ? " ro" : "",
		       e->flags & KVMRUN_MEM_F_EXEC ? " exec" : "");
	}
	printf("devices: %u\n", si->dev_count);
	for (uint32_t i = 0; i < si->dev_count; i++)
		printf("  virtio-mmio window [0x%llx, +0x%x) irq %u\n",
		       (unsigned long long)si->dev[i].base, si->dev[i].size, si->dev[i].irq);
	return 0;
}
