#!/usr/bin/env bats
# Guests that misbehave: each stops with its documented message and status.

load helpers

@test "a triple-faulting 32-bit guest: 'guest crashed' with registers, status 122" {
	kvmrun "$GUESTS/triplefault32.elf"
	assert_status 122
	[[ "$output" == "about to triple fault" ]]
	assert_stderr_has "kvmrun: guest crashed: triple fault (shutdown) at rip 0x"
	assert_stderr_has "rip=0x"
	assert_stderr_has "cr0=0x"
}

@test "a triple-faulting 64-bit guest: 'guest crashed' with registers, status 122" {
	kvmrun "$GUESTS/triplefault64.elf"
	assert_status 122
	assert_stderr_has "kvmrun: guest crashed: triple fault (shutdown) at rip 0x"
	assert_stderr_has "rip=0x"
	assert_stderr_has "efer=0x"
}

@test "wild port output: unhandled port I/O, status 121, 32- and 64-bit" {
	for bits in 32 64; do
		kvmrun "$GUESTS/wildio$bits.elf"
		assert_status 121
		assert_stderr_has "kvmrun: guest error: unhandled port I/O: out of 1 byte(s) to port 0x1234 (rip 0x"
	done
}

@test "wild port input: unhandled port I/O, status 121" {
	kvmrun "$GUESTS/wildio64.elf" in
	assert_status 121
	assert_stderr_has "kvmrun: guest error: unhandled port I/O: in of 1 byte(s) from port 0x1234 (rip 0x"
	[[ "$output" != *"read 0x"* ]]
}

@test "wild MMIO writes and reads: unhandled MMIO, status 121" {
	for bits in 32 64; do
		kvmrun "$GUESTS/wildmmio$bits.elf"
		assert_status 121
		assert_stderr_has "kvmrun: guest error: unhandled MMIO: write of 4 byte(s) at 0xe0000000 (rip 0x"
		kvmrun "$GUESTS/wildmmio$bits.elf" read
		assert_status 121
		assert_stderr_has "kvmrun: guest error: unhandled MMIO: read of 4 byte(s) at 0xe0000000 (rip 0x"
	done
}

# A guest halted with interrupts disabled can never run again: the halt
# watch (monitor/halt_watch.h) finds it within a second, no --timeout needed.
@test "a guest halted with interrupts off (cli; hlt): 'guest crashed' within a second, status 122, 32- and 64-bit" {
	local start base elapsed bits guest
	start=${EPOCHREALTIME/./}
	kvmrun "$GUESTS/exitcode64.elf" 0
	base=$(((${EPOCHREALTIME/./} - start) / 1000))
	for guest in "spin32.elf halt" "spin64.elf halt" "hostile32.elf forever cli-hlt" "hostile64.elf forever cli-hlt"; do
		start=${EPOCHREALTIME/./}
		# shellcheck disable=SC2086
		kvmrun "$GUESTS/"$guest </dev/null
		elapsed=$(((${EPOCHREALTIME/./} - start) / 1000))
		echo "$guest: found after $elapsed ms (a guest that exits at once: $base ms)"
		assert_status 122
		assert_stderr_has "kvmrun: guest crashed: guest halted with interrupts disabled, nothing can wake it (rip 0x"
		assert_stderr_has "rflags=0x"
		((elapsed - base < 1000))
	done
}

@test "with --timeout too, a halted guest is a crash (122), found before the limit" {
	kvmrun --timeout=10s "$GUESTS/spin64.elf" halt
	assert_status 122
	assert_stderr_has "kvmrun: guest crashed: guest halted with interrupts disabled"
	[[ "$stderr" != *"time limit"* ]]
}

@test "a guest waiting with interrupts on (sti; hlt) is not a crash: only the time limit stops it" {
	kvmrun --timeout=1500ms "$GUESTS/hostile64.elf" forever sti-hlt </dev/null
	assert_status 124
	assert_stderr_has "kvmrun: guest stopped: time limit of 1500ms reached"
}
