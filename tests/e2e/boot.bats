#!/usr/bin/env bats
# Booting real 32- and 64-bit guests under KVM: output, argv, memory, status.

load helpers

@test "hello32 greets, shows its argv and memory map, exits 0" {
	kvmrun "$APPS/hello32.elf"
	assert_status 0
	[[ "${lines[0]}" == "Hello from a 32-bit kvmrun guest!" ]]
	[[ "$output" == *"argc=1"* ]]
	[[ "$output" == *"argv[0]=$APPS/hello32.elf"* ]]
	[[ "$output" == *"mem_size=67108864 bytes (64 MiB)"* ]]
	[[ "$output" == *"start_info  ro"* ]]
	grep -Eq '^  \[0x000100000-0x[0-9a-f]{9}\) kernel +ro exec$' <<<"$output"
	[[ "$output" == *") free"* ]]
	[[ "$output" != *"page tables"* ]]
	[[ -z "$stderr" ]]
}

@test "hello64 greets, runs on the monitor's page tables, exits 0" {
	kvmrun "$APPS/hello64.elf"
	assert_status 0
	[[ "${lines[0]}" == "Hello from a 64-bit kvmrun guest!" ]]
	[[ "$output" == *"page tables"* ]]
	[[ "$output" == *"[0x000080000-0x000100000) stack"* ]]
	[[ -z "$stderr" ]]
}

@test "the memory map covers all RAM, sorted and without gaps" {
	for bits in 32 64; do
		kvmrun --mem=96M "$APPS/hello$bits.elf"
		assert_status 0
		prev_end=0
		while read -r range _; do
			start=$((16#${range:3:9})); end=$((16#${range:15:9}))
			[[ $start -eq $prev_end ]] || { echo "gap or overlap at $range"; return 1; }
			prev_end=$end
		done < <(grep '^  \[0x' <<<"$output")
		[[ $prev_end -eq $((96 << 20)) ]]
	done
}

@test "exit statuses 0, 1, 42 and 255 come back exactly, 32- and 64-bit" {
	for bits in 32 64; do
		for s in 0 1 42 255; do
			kvmrun "$GUESTS/exitcode$bits.elf" "$s"
			assert_status "$s"
			assert_no_sanitizer_report
		done
	done
}

@test "a status above 255 is taken modulo 256, as exit(3) does" {
	kvmrun "$GUESTS/exitcode64.elf" 256
	assert_status 0
	kvmrun "$GUESTS/exitcode32.elf" 300
	assert_status 44
}

@test "argv reaches the guest intact: spaces, empty strings, UTF-8, option-like words" {
	for bits in 32 64; do
		kvmrun "$APPS/hello$bits.elf" "two words" "" "grüße" --mem=1G -- x
		assert_status 0
		[[ "$output" == *"argc=7"* ]]
		[[ "$output" == *"argv[1]=two words"* ]]
		[[ "$output" == *$'argv[2]=\n'* ]]
		[[ "$output" == *"argv[3]=grüße"* ]]
		[[ "$output" == *"argv[4]=--mem=1G"* ]]
		[[ "$output" == *"argv[5]=--"* ]]
		[[ "$output" == *"mem_size=67108864"* ]]
	done
}

@test "'--' ends kvmrun's options" {
	kvmrun --mem=8M -- "$APPS/hello64.elf" --help
	assert_status 0
	[[ "$output" == *"argv[1]=--help"* ]]
	[[ "$output" == *"mem_size=8388608"* ]]
}

@test "--mem changes what the guest sees" {
	kvmrun --mem=2M "$APPS/hello32.elf"
	assert_status 0
	[[ "$output" == *"mem_size=2097152 bytes (2 MiB)"* ]]
	kvmrun --mem 256M "$APPS/hello64.elf"
	assert_status 0
	[[ "$output" == *"mem_size=268435456 bytes (256 MiB)"* ]]
	grep -Eq -- '-0x010000000\) free +$' <<<"$output"
}

@test "--mem above 3G puts the rest of RAM above the 4 GiB MMIO hole" {
	kvmrun --mem=5G "$APPS/hello64.elf"
	assert_status 0
	[[ "$output" == *"mem_size=5368709120 bytes (5120 MiB)"* ]]
	grep -Eq -- '-0x0c0000000\) free +$' <<<"$output"
	[[ "$output" == *"[0x100000000-0x180000000) free"* ]]
}

@test "guest output is the only thing on stdout; diagnostics go to stderr" {
	kvmrun "$GUESTS/wildio64.elf"
	assert_status 121
	[[ "$output" == "poking port 0x1234" ]]
	[[ "$stderr" == "kvmrun: "* ]]
}

@test "a guest whose stdout is closed still runs to its exit status" {
	run --separate-stderr bash -c "'$KVMRUN' '$GUESTS/exitcode64.elf' 7 >&-"
	assert_status 7
	run --separate-stderr bash -c "'$KVMRUN' '$APPS/hello32.elf' | true"
	assert_status 0
	assert_no_sanitizer_report
}

@test "the runtime refuses a start_info it was not built for: its own status 120 and a line, 32- and 64-bit" {
	for bits in 32 64; do
		kvmrun "$GUESTS/abi_check$bits.elf" version
		assert_status 120
		[[ "$output" == "guestlib: start_info ABI version mismatch" ]]
		kvmrun "$GUESTS/abi_check$bits.elf" magic
		assert_status 120
		[[ "$output" == "guestlib: no start_info (bad magic)" ]]
		kvmrun "$GUESTS/abi_check$bits.elf" argc
		assert_status 120
		[[ "$output" == "guestlib: start_info: too many arguments" ]]
		[[ -z "$stderr" ]]
	done
}

@test "the environment is what --env gives, in order, and nothing of the host's; getenv finds it, 32- and 64-bit" {
	for bits in 32 64; do
		HOME=/nowhere kvmrun "$GUESTS/env$bits.elf" HOME
		assert_status 0
		[[ "$output" == $'0 variables\ngetenv(HOME) = (none)' ]]
		kvmrun --env=LANG=C.UTF-8 --env EMPTY= --env=X=a=b --env LANG=C "$GUESTS/env$bits.elf" LANG X EMPTY NONE
		assert_status 0
		[[ "$output" == $'env: LANG=C\nenv: EMPTY=\nenv: X=a=b\n3 variables\ngetenv(LANG) = C\ngetenv(X) = a=b\ngetenv(EMPTY) = \ngetenv(NONE) = (none)' ]]
		[[ -z "$stderr" ]]
	done
}

@test "a bad --env: status 125 and one line" {
	kvmrun --env NOEQUALS "$APPS/hello64.elf"
	assert_status 125
	[[ "$stderr" == "kvmrun: bad --env: 'NOEQUALS' is not NAME=VALUE" ]]
}
