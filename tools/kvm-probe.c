/* kvm-probe: exit 0 when this host can run KVM guests (/dev/kvm opens, speaks
 * API 12 and creates a VM), 1 otherwise with the reason on stderr. The test
 * tooling uses it to choose between running directly and the KVM sandbox. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvm-probe: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "kvm-probe: /dev/kvm: unexpected API version\n");
		return 1;
	}
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fprintf(stderr, "kvm-probe: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	close(vm);
	close(kvm);
	return 0;
}
