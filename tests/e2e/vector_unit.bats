#!/usr/bin/env bats
# The whole vector unit (monitor/cpu_mode.c): a guest gets XSAVE, and in
# XCR0 the x87, SSE, AVX and AVX-512 states the host's KVM supports, so a
# program sees the same CPU features inside kvmrun as on the host, and
# glibc picks the same string functions. tests/guests/vector_unit.c prints
# what it finds (CPUID's OSXSAVE, XCR0, __builtin_cpu_supports) and runs a
# 256-bit and a 512-bit add where they are there.

load helpers

PROGRAMS="$O/tests/programs"

# The same binary on the host: what the CPU and this kernel offer.
host_view() {
	run --separate-stderr "$PROGRAMS/vector_unit-glibc$1"
	assert_status 0
	host=$output
}

@test "XSAVE on, and the host's AVX and AVX-512 states: the same features inside kvmrun as on the host, 64-bit" {
	host_view 64
	echo "host: $host"
	[[ "$host" == *"osxsave 1"* ]] # the machine under test has XSAVE
	kvmrun "$PROGRAMS/vector_unit-glibc64"
	assert_status 0
	[[ "$output" == "$host" ]] || { echo "kvmrun: $output"; return 1; }
	kvmrun "$GUESTS/vector_unit64.elf"
	assert_status 0
	[[ "$output" == "$host" ]] || { echo "app: $output"; return 1; }
}

@test "the same for 32-bit guests: static glibc i386 and an i386 app" {
	host_view 32
	echo "host: $host"
	kvmrun --mem=256M "$PROGRAMS/vector_unit-glibc32"
	assert_status 0
	[[ "$output" == "$host" ]] || { echo "kvmrun: $output"; return 1; }
	kvmrun "$GUESTS/vector_unit32.elf"
	assert_status 0
	[[ "$output" == "$host" ]] || { echo "app: $output"; return 1; }
}

@test "vector registers survive system calls: a 256-bit register across 1000 getpid calls, 32- and 64-bit" {
	host_view 64
	[[ "$host" == *"avx2 1"* ]] # the machine under test has AVX2
	for bits in 32 64; do
		kvmrun "$GUESTS/vector_unit$bits.elf" system-calls
		assert_status 0
		[[ "$output" == "ymm across 1000 system calls: -1 -1 -1 -1 -1 -1 -1 -1" ]] ||
			{ echo "$bits: $output"; return 1; }
	done
}
