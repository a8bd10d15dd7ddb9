#!/usr/bin/env bats
# Crash reports (monitor/crash_report.c, guestlib/cpu/exceptions.c): a CPU
# exception in the guest ends kvmrun with what happened, the function and
# source line it happened in, a backtrace through the callers, and the
# status a shell shows for the signal Linux would send. tests/guests/crash.c
# crashes on request, each on a line marked "CRASH HERE: <kind>"; it runs
# as a kvmrun app (32- and 64-bit) and as static glibc programs.

load helpers

PROGRAMS="$O/tests/programs"

# crash GUEST KIND [kvmrun options]: run it; it has printed what it does.
crash() {
	local guest=$1 kind=$2
	shift 2
	kvmrun "$@" "$guest" "$kind"
	[[ "$output" == "crashing: $kind" ]] || { echo "stdout: $output"; return 1; }
}

# The first report line names the crash and where: "in FUNCTION+0x..
# (crash.c:LINE)".
assert_crash_at() {
	local what=$1 function=$2 kind=$3
	assert_stderr_has "kvmrun: guest crashed: $what in $function+0x"
	assert_stderr_has "(crash.c:$(crash_line "$kind"))"
	assert_stderr_has "kvmrun:   #0  0x"
	assert_stderr_has "kvmrun:   rip=0x"
}

@test "a null read: page fault reading 0x0 in the function, at its line, then main; status 139 (SIGSEGV), 32- and 64-bit" {
	for bits in 32 64; do
		crash "$GUESTS/crash$bits.elf" null-read
		assert_status 139
		assert_crash_at "page fault reading 0x0" parse_line null-read
		assert_stderr_has "in main+0x"
		[[ "$stderr" == *"#1  0x"*" in main+0x"*"(crash.c:"* ]]
	done
}

@test "a null write: page fault writing 0x0, the caller on the next frame; status 139" {
	for bits in 32 64; do
		crash "$GUESTS/crash$bits.elf" null-write
		assert_status 139
		assert_crash_at "page fault writing 0x0" store_result null-write
		[[ "$stderr" == *"#1  0x"*" in run+0x"*"(crash.c:"* ]]
	done
}

@test "a call through a null function pointer: page fault executing 0x0, the caller still named; status 139" {
	for bits in 32 64; do
		crash "$GUESTS/crash$bits.elf" null-call
		assert_status 139
		assert_stderr_has "kvmrun: guest crashed: page fault executing 0x0 in 0x0"
		[[ "$stderr" == *"#1  0x"*" in run+0x"*"(crash.c:"* ]]
	done
}

@test "an integer division by zero: divide error, status 136 (SIGFPE)" {
	for bits in 32 64; do
		crash "$GUESTS/crash$bits.elf" divide
		assert_status 136
		assert_crash_at "divide error" divide divide
	done
}

@test "__builtin_trap (ud2): invalid opcode, status 132 (SIGILL)" {
	for bits in 32 64; do
		crash "$GUESTS/crash$bits.elf" ud2
		assert_status 132
		assert_crash_at "invalid opcode (ud2, or an instruction this CPU lacks)" trap_now ud2
	done
}

@test "int3 with no debugger: breakpoint, status 133 (SIGTRAP)" {
	for bits in 32 64; do
		crash "$GUESTS/crash$bits.elf" int3
		assert_status 133
		assert_crash_at "breakpoint (int3)" breakpoint int3
	done
}

@test "a non-canonical address (64-bit) or a bad selector (32-bit): general protection fault, status 139" {
	crash "$GUESTS/crash64.elf" general-protection
	assert_status 139
	assert_crash_at "general protection fault" wild_address non-canonical
	crash "$GUESTS/crash32.elf" general-protection
	assert_status 139
	assert_crash_at "general protection fault (error code 0x1230)" wild_address bad-selector
}

@test "runaway recursion: the guard page below the stack turns it into a stack overflow report, status 139" {
	crash "$GUESTS/crash64.elf" stack-overflow
	assert_status 139
	assert_stderr_has "kvmrun: guest crashed: stack overflow (page fault writing 0x"
	assert_stderr_has ", the guard page below the stack) in recurse+0x"
	assert_stderr_has "more frame(s) of the same"
	# i386 takes it as a double fault on a task of its own (no IST there).
	crash "$GUESTS/crash32.elf" stack-overflow
	assert_status 139
	assert_stderr_has "kvmrun: guest crashed: stack overflow (page fault writing 0x"
}

@test "static glibc programs, 64-bit, static-PIE and 32-bit: named by function and line, through glibc's start-up" {
	for program in crash-glibc64 crash-glibc64-pie crash-glibc32; do
		crash "$PROGRAMS/$program" null-read --mem=256M
		assert_status 139
		assert_crash_at "page fault reading 0x0" parse_line null-read
		[[ "$stderr" == *" in main+0x"*"(crash.c:"* ]]
		crash "$PROGRAMS/$program" ud2 --mem=256M
		assert_status 132
		assert_crash_at "invalid opcode (ud2, or an instruction this CPU lacks)" trap_now ud2
	done
	crash "$PROGRAMS/crash-glibc64" stack-overflow
	assert_status 139
	assert_stderr_has ", the guard page below the stack) in recurse+0x"
}

@test "a program without symbols: the crash is still reported, by address" {
	local stripped="$BATS_TEST_TMPDIR/crash-stripped"
	strip -o "$stripped" "$PROGRAMS/crash-glibc64"
	crash "$stripped" divide
	assert_status 136
	assert_stderr_has "kvmrun: guest crashed: divide error in 0x"
	[[ "$stderr" != *"crash.c"* ]]
}

@test "a program that does not crash is untouched: its own status, nothing on stderr" {
	kvmrun "$GUESTS/crash64.elf" nothing
	assert_status 3
	[[ "$stderr" == "" ]]
}
