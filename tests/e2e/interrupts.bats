#!/usr/bin/env bats
# Device interrupts through kvmrun's IOAPIC (split irqchip): edge and level
# delivery seen from inside a guest, and the IOAPIC misuse kvmrun refuses.

load helpers

# guest_checks_pass SCENARIO N: the guest's checks of SCENARIO all pass, N of them,
# in the 32- and the 64-bit guest.
guest_checks_pass() {
	for bits in 32 64; do
		kvmrun "$GUESTS/interrupts$bits.elf" "$1"
		assert_status 0
		[[ "$output" != *FAIL* ]]
		[[ $(grep -c '^ok: ' <<<"$output") -eq $2 ]]
		assert_no_sanitizer_report
	done
}

@test "edge-triggered IOAPIC pin: one interrupt a request, coalesced while interrupts are off, lost while masked, 32- and 64-bit" {
	guest_checks_pass edge 5
}

@test "level-triggered IOAPIC pin: remote IRR until the EOI, held and masked interrupts delivered later, 32- and 64-bit" {
	guest_checks_pass level 7
}

@test "an IOAPIC entry unmasked with INIT delivery: guest error naming pin and mode, status 121" {
	kvmrun "$GUESTS/interrupts64.elf" bad-mode
	assert_status 121
	[[ "$output" == "unmasking pin 6 with INIT delivery" ]]
	assert_stderr_has "kvmrun: guest error: IOAPIC pin 6 unmasked with delivery mode 5 (INIT): kvmrun delivers fixed, lowest-priority and NMI interrupts (rip 0x"
}

@test "a 1-byte IOAPIC register write: guest error naming size and offset, status 121" {
	kvmrun "$GUESTS/interrupts32.elf" bad-size
	assert_status 121
	assert_stderr_has "kvmrun: guest error: IOAPIC: 1-byte write at offset 0x0: its registers are IOREGSEL (0x00) and IOWIN (0x10), 32 bits each (rip 0x"
}
