/* kvmrun's exit statuses. The guest's own status (0-255) passes through;
 * kvmrun's own outcomes use the top of the range, as timeout(1) and env(1)
 * do. The README's exit-status table documents the same numbers. */
#ifndef KVMRUN_EXIT_STATUS_H
#define KVMRUN_EXIT_STATUS_H

enum kvmrun_status {
	STATUS_GUEST_ERROR = 121,   /* guest touched a port/MMIO nobody serves, bad hypercall */
	STATUS_GUEST_CRASH = 122,   /* triple fault, failed entry, KVM internal error, cli; hlt */
	STATUS_UNKNOWN_EXIT = 123,  /* a VM exit kvmrun does not know */
	STATUS_TIMEOUT = 124,       /* reserved for the wall-clock limit */
	STATUS_KVMRUN_FAILED = 125, /* usage error, KVM unavailable, host failure (a lost write of
				     * the guest's output, a failed read of its input) */
	STATUS_APP_UNUSABLE = 126,  /* the app is not an ELF kvmrun can boot */
	STATUS_APP_NOT_FOUND = 127, /* the app file does not exist */
	STATUS_SECCOMP_KILLED = 159, /* 128 + SIGSYS: the seccomp filter stopped kvmrun */
};

#endif
