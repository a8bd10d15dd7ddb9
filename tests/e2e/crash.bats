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
