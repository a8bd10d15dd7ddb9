#!/usr/bin/env bats
# Bad input from the host side: each fails with one clear line and its status.

load helpers

setup() {
	tmp=$(mktemp -d)
}

teardown() {
	rm -rf "$tmp"
}

# patch FILE OFFSET HEXBYTES: overwrite bytes of a copy of an ELF.
patch() {
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

@test "a missing file: status 127" {
	run -127 --separate-stderr "$KVMRUN" "$tmp/nope.elf"
	[[ "$stderr" == "kvmrun: $tmp/nope.elf: cannot open: No such file or directory" ]]
}

@test "a directory: status 126" {
	kvmrun "$tmp"
	assert_status 126
	[[ "$stderr" == "kvmrun: $tmp: is a directory, not an ELF file" ]]
}

@test "a text file: not an ELF, status 126" {
	echo "hello" >"$tmp/text"
	kvmrun "$tmp/text"
	assert_status 126
	[[ "$stderr" == "kvmrun: $tmp/text: not an ELF file" ]]
}

@test "an empty file, a FIFO and /dev/zero: status 126" {
	: >"$tmp/empty"
	kvmrun "$tmp/empty"
	assert_status 126
	[[ "$stderr" == "kvmrun: $tmp/empty: empty file, not an ELF file" ]]
	mkfifo "$tmp/fifo"
	kvmrun "$tmp/fifo"
	assert_status 126
	[[ "$stderr" == "kvmrun: $tmp/fifo: not a regular file (a FIFO)" ]]
	kvmrun /dev/zero
	assert_status 126
	[[ "$stderr" == "kvmrun: /dev/zero: not a regular file (a character device)" ]]
}

@test "an ARM (AArch64) ELF: unsupported machine, status 126" {
	cp "$APPS/hello64.elf" "$tmp/arm.elf"
	patch "$tmp/arm.elf" 18 '\xb7\x00'
	kvmrun "$tmp/arm.elf"
	assert_status 126
	assert_stderr_has "kvmrun: $tmp/arm.elf: unsupported machine: ELFCLASS64 AArch64 (e_machine 183)"
}

@test "a 32-bit ARM ELF: unsupported machine, status 126" {
	cp "$APPS/hello32.elf" "$tmp/arm32.elf"
	patch "$tmp/arm32.elf" 18 '\x28\x00'
	kvmrun "$tmp/arm32.elf"
	assert_status 126
	assert_stderr_has "unsupported machine: ELFCLASS32 ARM (e_machine 40)"
}

@test "a position-independent (ET_DYN) ELF: status 126" {
	cp "$APPS/hello64.elf" "$tmp/pie.elf"
	patch "$tmp/pie.elf" 16 '\x03\x00'
	kvmrun "$tmp/pie.elf"
	assert_status 126
	assert_stderr_has "ET_DYN (a position-independent executable or shared object)"
}

@test "an ELF truncated inside its segments: status 126" {
	head -c 5000 "$APPS/hello64.elf" >"$tmp/short.elf"
	kvmrun "$tmp/short.elf"
	assert_status 126
	assert_stderr_has "lies past the end of the file"
}

@test "an app that does not fit in --mem: status 126 naming the segment and the fix" {
	kvmrun --mem=16M "$GUESTS/bigbss64.elf"
	assert_status 0
	[[ "$output" == "bss ok" ]]
	kvmrun --mem=4M "$GUESTS/bigbss32.elf"
	assert_status 126
	assert_stderr_has "kvmrun: $GUESTS/bigbss32.elf: segment 2: memory range [0x"
	assert_stderr_has "lies outside guest RAM (4 MiB; try a larger --mem)"
}

@test "--help prints usage on stdout and exits 0; --version too" {
	kvmrun --help
	assert_status 0
	[[ "${lines[0]}" == "usage: kvmrun [options] [--] program [args...]" ]]
	[[ -z "$stderr" ]]
	kvmrun -h
	assert_status 0
	kvmrun --version
	assert_status 0
	[[ "$output" =~ ^kvmrun\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "bad usage: status 125 with one line" {
	kvmrun
	assert_status 125
	[[ "$stderr" == "kvmrun: no app given (see kvmrun --help)" ]]
	kvmrun --frobnicate "$APPS/hello64.elf"
	assert_status 125
	[[ "$stderr" == "kvmrun: unknown option '--frobnicate' (see kvmrun --help)" ]]
	for bad in 12X 0 1G1 "" 65G 4097 -5; do
		kvmrun --mem="$bad" "$APPS/hello64.elf"
		assert_status 125
		[[ "$stderr" == "kvmrun: bad --mem: "* ]]
		[[ $(wc -l <<<"$stderr") -eq 1 ]]
	done
}

@test "too many arguments for start_info: status 125" {
	kvmrun "$APPS/hello64.elf" $(seq 1 300)
	assert_status 125
	[[ "$stderr" == "kvmrun: too many arguments for the app: 301 (at most 256)" ]]
	kvmrun "$APPS/hello64.elf" "$(head -c 20000 /dev/zero | tr '\0' x)"
	assert_status 125
	assert_stderr_has "the app's arguments are too long"
}
