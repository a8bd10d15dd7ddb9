/* What the machine is and allows: resource limits (recorded, not
 * enforced beyond what the machine enforces itself, but for the number of
 * descriptors), sysinfo, prctl's name and dumpable flag. */
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>

#include <kvmrun/guest.h>

#include "boot/initial_stack.h"
#include "memory/page_alloc.h"
#include "syscall/syscall.h"

#define NLIMITS 16 /* RLIM_NLIMITS, Linux's */
#define INF (~0ull) /* RLIM_INFINITY, in the 64-bit struct of prlimit64 */

struct limit64 {
	uint64_t cur, max;
};

static struct limit64 limits[NLIMITS];
static int limits_ready;

/* Linux's defaults, with the stack the app really has. */
static void init_limits(void)
{
	for (unsigned i = 0; i < NLIMITS; i++)
		limits[i] = (struct limit64){ INF, INF };
	limits[RLIMIT_STACK].cur = initial_stack_size();
	limits[RLIMIT_CORE] = (struct limit64){ 0, INF };
	limits[RLIMIT_NOFILE] = (struct limit64){ FD_TABLE_SIZE, FD_TABLE_SIZE };
	limits[RLIMIT_MEMLOCK] = (struct limit64){ 8u << 20, 8u << 20 };
	limits_ready = 1;
}

static long get_set(long resource, const struct limit64 *new, struct limit64 *old)
{
	if (!limits_ready)
		init_limits();
	if (resource < 0 || resource >= NLIMITS)
		return -EINVAL;
	if (old)
		*old = limits[resource];
	if (new) {
		if (new->cur > new->max)
			return -EINVAL;
		/* As past Linux's fs.nr_open: the descriptor table's size. */
		if (resource == RLIMIT_NOFILE && new->max > FD_TABLE_SIZE)
			return -EPERM;
		limits[resource] = *new;
	}
	return 0;
}

long limits_open_files(void)
{
	if (!limits_ready)
		init_limits();
	return (long)limits[RLIMIT_NOFILE].cur;
}

/* prlimit64(pid, resource, new, old): the app's own (pid 0 or 1). */
long sys_prlimit64(const long *arg)
{
	const struct limit64 *new = (const struct limit64 *)arg[2];
	struct limit64 *old = (struct limit64 *)arg[3];

	if (arg[0] != 0 && arg[0] != 1)
		return -ESRCH;
	if ((new && !user_mem_ok((uintptr_t)new, sizeof *new)) ||
	    (old && !user_mem_ok((uintptr_t)old, sizeof *old)))
		return -EFAULT;
	struct limit64 in, out;
	if (new)
		memcpy(&in, new, sizeof in);
	long rc = get_set(arg[1], new ? &in : NULL, old ? &out : NULL);
	if (rc == 0 && old)
		memcpy(old, &out, sizeof out);
	return rc;
}

/* getrlimit/setrlimit with the native struct rlimit (two longs); on i386 an
 * unlimited value reads as RLIM_INFINITY there too. */
static unsigned long narrow(uint64_t v)
{
	return v > (unsigned long)-1 ? (unsigned long)-1 : (unsigned long)v;
}

static uint64_t widen(unsigned long v)
{
	return v == (unsigned long)-1 ? INF : v;
}

long sys_getrlimit(const long *arg)
{
	unsigned long *r = (unsigned long *)arg[1];
	struct limit64 out;

	if (!user_mem_ok((uintptr_t)r, 2 * sizeof *r))
		return -EFAULT;
	long rc = get_set(arg[0], NULL, &out);
	if (rc == 0) {
		r[0] = narrow(out.cur);
		r[1] = narrow(out.max);
	}
	return rc;
}

long sys_setrlimit(const long *arg)
{
	const unsigned long *r = (const unsigned long *)arg[1];

	if (!user_mem_ok((uintptr_t)r, 2 * sizeof *r))
		return -EFAULT;
	struct limit64 in = { widen(r[0]), widen(r[1]) };
	return get_set(arg[0], &in, NULL);
}

/* struct sysinfo as the kernel has it: musl's is the same up to mem_unit
 * and has more room after, which the caller's buffer need not have. */
long sys_sysinfo(const long *arg)
{
	struct sysinfo *si = (struct sysinfo *)arg[0];
	size_t size = offsetof(struct sysinfo, mem_unit) + sizeof si->mem_unit;

	if (!user_mem_ok((uintptr_t)si, size))
		return -EFAULT;
	memset(si, 0, size);
	si->uptime = (long)(uptime_ns() / 1000000000u);
	si->totalram = (unsigned long)kvmrun_start_info()->mem_size;
	si->freeram = page_free_count() * PAGE_SIZE;
	si->procs = 1;
	si->mem_unit = 1;
	return 0;
}

static char task_name[16] = "app";
static long dumpable = 1;

long sys_prctl(const long *arg)
{
	switch (arg[0]) {
	case PR_SET_NAME:
		if (!user_mem_ok((uintptr_t)arg[1], 1))
			return -EFAULT;
		/* At most 15 characters and the NUL, as Linux keeps. */
		memset(task_name, 0, sizeof task_name);
		for (size_t i = 0; i + 1 < sizeof task_name && user_mem_ok((uintptr_t)arg[1] + i, 1); i++)
			if (!(task_name[i] = ((const char *)arg[1])[i]))
				break;
		return 0;
	case PR_GET_NAME:
		if (!user_mem_ok((uintptr_t)arg[1], sizeof task_name))
			return -EFAULT;
		memcpy((char *)arg[1], task_name, sizeof task_name);
		return 0;
	case PR_GET_DUMPABLE:
		return dumpable;
	case PR_SET_DUMPABLE:
		if (arg[1] != 0 && arg[1] != 1)
			return -EINVAL;
		dumpable = arg[1];
		return 0;
	default:
		return -EINVAL;
	}
}
