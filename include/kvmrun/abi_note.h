/* The ABI note: how an ELF file says it is a kvmrun app, and for which
 * version of the ABI (start_info, the hypercall ports, the device windows).
 * Every app carries one ELF note (System V gABI, "Note Section") in a
 * PT_NOTE segment: name "kvmrun", type KVMRUN_NOTE_ABI, and a 4-byte
 * descriptor holding KVMRUN_ABI_VERSION. guestlib/abi_note.S emits it and
 * guestlib/link.ld keeps it; kvmrun reads it before booting and refuses a
 * file without it or with another version (status 126).
 *
 * Plain #defines only: assembler sources include this too. */
#ifndef KVMRUN_ABI_NOTE_H
#define KVMRUN_ABI_NOTE_H

/* The version of everything include/kvmrun/ defines between kvmrun and its
 * apps; start_info repeats it (abi_version). Raise it on any change a
 * guest built before it would misread. */
#define KVMRUN_ABI_VERSION 4u /* 2: start_info carries the environment (envc);
				* 3: the clock, random bytes and the ttys; apps
				* use musl and Linux system calls;
				* 4: a static Linux program beside the runtime
				* (start_info.program); start_info.entropy */

#define KVMRUN_NOTE_NAME "kvmrun"  /* n_name, NUL-terminated: n_namesz 7 */
#define KVMRUN_NOTE_ABI 1u         /* n_type: the descriptor is the ABI version */
#define KVMRUN_NOTE_ABI_DESC_SIZE 4u

/* The guest runtime's own exit status when start_info is not what it was
 * built for (bad magic, another ABI version, malformed argument strings):
 * kvmrun checked the note, so this means a runtime and monitor that
 * disagree anyway. Distinct from kvmrun's own statuses (exit_status.h). */
#define KVMRUN_STATUS_START_INFO_REFUSED 120

#endif
