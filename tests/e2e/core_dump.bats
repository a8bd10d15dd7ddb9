#!/usr/bin/env bats
# --dumpcore=DIR (monitor/core_dump.c): a crashed guest leaves an ELF core
# file that gdb opens beside the program and shows the crash in, with its
# backtrace, for kvmrun apps and static glibc programs, 32- and 64-bit.

load helpers

PROGRAMS="$O/tests/programs"

# dump GUEST KIND STATUS: crash it with --dumpcore; sets $core.
dump() {
	local guest=$1 kind=$2 want=$3
	core=
	kvmrun --mem=256M --dumpcore="$BATS_TEST_TMPDIR" "$guest" "$kind"
	assert_status "$want"
	[[ "$stderr" =~ kvmrun:\ core\ dumped:\ ([^$'\n']*) ]] || { echo "no core line: $stderr"; return 1; }
	core=${BASH_REMATCH[1]}
	[[ "$core" == "$BATS_TEST_TMPDIR/core.kvmrun."* && -s "$core" ]]
	# One file, the one named.
	[[ $(ls "$BATS_TEST_TMPDIR" | grep -c '^core\.') -eq 1 ]]
}

# gdb's view of the core: the signal, the function and line, the caller.
assert_gdb_shows() {
	local guest=$1 signal=$2 function=$3 kind=$4
	run gdb -nx -batch -ex bt -ex 'info registers pc' "$guest" "$core"
	echo "$output"
	[[ "$output" == *"Program terminated with signal $signal"* ]]
	[[ "$output" =~ \#0\ +(0x[0-9a-f]+\ in\ )?$function\ \(.*\)\ at\ .*crash\.c:$(crash_line "$kind") ]]
	[[ "$output" =~ \#[1-9]\ +0x[0-9a-f]+\ in\ main\ \( ]]
	rm -f "$core"
}

@test "--dumpcore: a null read's core shows gdb the signal, the function and line, and main; kvmrun apps, 32- and 64-bit" {
	for bits in 32 64; do
		dump "$GUESTS/crash$bits.elf" null-read 139
		assert_gdb_shows "$GUESTS/crash$bits.elf" SIGSEGV parse_line null-read
	done
}

@test "--dumpcore: static glibc programs (64-bit, static-PIE, 32-bit); a divide error is SIGFPE" {
	for flavour in glibc64 glibc64-pie glibc32; do
		dump "$PROGRAMS/crash-$flavour" null-write 139
		assert_gdb_shows "$PROGRAMS/crash-$flavour" SIGSEGV store_result null-write
	done
	dump "$PROGRAMS/crash-glibc64" divide 136
	assert_gdb_shows "$PROGRAMS/crash-glibc64" SIGFPE divide divide
}

@test "--dumpcore: the core holds what the guest wrote, not its untouched RAM" {
	dump "$GUESTS/crash64.elf" null-read 139
	# 64 MiB of RAM, a few hundred KiB used.
	local size
	size=$(stat -c %s "$core")
	echo "core: $size bytes"
	[[ $size -lt $((4 << 20)) ]]
	# The argument strings the guest was given are in it, at their place.
	run gdb -nx -batch -ex 'print argv[1]' -ex 'frame 2' -ex 'print argv[1]' "$GUESTS/crash64.elf" "$core"
	[[ "$output" == *'"null-read"'* ]] || { echo "$output"; return 1; }
}

@test "--dumpcore: no crash, no file; a directory kvmrun cannot use is refused before the guest runs" {
	mkdir "$BATS_TEST_TMPDIR/cores"
	kvmrun --dumpcore="$BATS_TEST_TMPDIR/cores" "$GUESTS/crash64.elf" nothing
	assert_status 3
	[[ "$stderr" != *"core dumped"* ]]
	[[ -z "$(ls -A "$BATS_TEST_TMPDIR/cores")" ]]

	kvmrun --dumpcore="$BATS_TEST_TMPDIR/missing" "$GUESTS/crash64.elf" null-read
	assert_status 125
	[[ "$stderr" == "kvmrun: --dumpcore: $BATS_TEST_TMPDIR/missing: No such file or directory" ]]
	[[ -z "$output" ]] # the guest never ran

	kvmrun --dumpcore="$GUESTS/crash64.elf" "$GUESTS/crash64.elf" null-read
	assert_status 125
	[[ "$stderr" == "kvmrun: --dumpcore: $GUESTS/crash64.elf: Not a directory" ]]

	kvmrun --dumpcore= "$GUESTS/crash64.elf" null-read
	assert_status 125
	[[ "$stderr" == "kvmrun: bad --dumpcore: no directory (--dumpcore=DIR)" ]]
}
