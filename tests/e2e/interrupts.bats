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

# rx_received: what the rx scenario's interrupts brought, the "got: " lines
# of $output concatenated.
rx_received() {
	grep '^got: ' <<<"$output" | sed 's/^got: //' | tr -d '\n'
}

@test "console input on arrival: a guest that posts buffers once and halts with interrupts on gets input sent in pieces, and end of input once, 32- and 64-bit" {
	for bits in 32 64; do
		run --separate-stderr timeout 60 bash -c \
			'{ sleep 1; printf one; sleep 0.5; printf two; sleep 0.5; printf three; } |
			 "$1" --timeout=30s "$2" rx' _ "$KVMRUN" "$GUESTS/interrupts$bits.elf"
		assert_status 0
		assert_no_sanitizer_report
		[[ "${lines[0]}" == "posted" ]]
		[[ "$(rx_received)" == "onetwothree" ]]
		[[ "$output" == *$'\nend of input after '*$' buffers, '*$' interrupts\nok: end of input told once' ]]
		[[ "$output" != *FAIL* ]]
	done
}

@test "console input on arrival from a regular file and from /dev/null: read at the notification, end of input once" {
	printf 'from a file' >"$BATS_TEST_TMPDIR/in"
	kvmrun --timeout=30s "$GUESTS/interrupts64.elf" rx <"$BATS_TEST_TMPDIR/in"
	assert_status 0
	[[ "$(rx_received)" == "from a file" ]]
	[[ "$output" == *"ok: end of input told once" ]]
	kvmrun --timeout=30s "$GUESTS/interrupts32.elf" rx </dev/null
	assert_status 0
	[[ "$output" == *$'\nend of input after 1 buffers, '*$' interrupts\nok: end of input told once' ]]
}
