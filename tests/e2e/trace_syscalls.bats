#!/usr/bin/env bats
# --trace=syscalls: the guest runtime's line per system call, as strace
# prints it (guestlib/syscall/trace.c), for musl apps in both widths and
# for static glibc programs; compared with strace itself on the host.

load helpers

PROGRAMS="$O/tests/programs"
TRACE_LINE='^kvmrun: trace: [0-9]+\.[0-9]{6} syscall [a-z_0-9]+\(.*\) = (-?[0-9]+|0x[0-9a-f]+|-1 E[A-Z]+|\?)$'

# The trace lines of the last run, without their prefix and time.
traced_calls() {
	grep '^kvmrun: trace: [0-9.]* syscall ' <<<"$stderr" | sed 's/^kvmrun: trace: [0-9.]* syscall //'
}

# Every line on stderr is either a trace line or one of the app's own.
assert_trace_lines_well_formed() {
	local n=0 line
	while IFS= read -r line; do
		[[ "$line" == "kvmrun: trace: "* ]] || continue
		[[ "$line" =~ $TRACE_LINE ]] || { echo "malformed: $line"; return 1; }
		n=$((n + 1))
	done <<<"$stderr"
	[[ $n -gt 0 ]] || { echo "no trace lines: $stderr"; return 1; }
}

@test "--trace=syscalls: writes with their bytes, stdout untouched, exit_group last with '= ?', 32- and 64-bit" {
	for bits in 32 64; do
		kvmrun "$GUESTS/libc$bits.elf" stdio
		assert_status 0
		local want=$output
		kvmrun --trace=syscalls "$GUESTS/libc$bits.elf" stdio
		assert_status 0
		[[ "$output" == "$want" ]]
		assert_trace_lines_well_formed
		# The app's stderr still arrives, beside the trace.
		[[ "$stderr" == *$'\nerr: one'* || "$stderr" == "err: one"* ]]
		# musl writes stdio through writev; the stdout stream at exit.
		[[ "$(traced_calls)" =~ writev\(1,\ 0x[0-9a-f]+,\ 2\)\ =\ [0-9]+ ]]
		[[ "$(traced_calls | tail -1)" == "exit_group(0) = ?" ]]
		# Without the option, no line.
		kvmrun "$GUESTS/libc$bits.elf" stdio
		[[ "$stderr" != *"kvmrun: trace"* ]]
	done
}

@test "--trace=syscalls: errors by name, bad pointers as numbers, refused calls by number, read buffers after the call" {
	for bits in 32 64; do
		kvmrun --trace=syscalls "$GUESTS/libc$bits.elf" efault
		assert_status 0
		assert_trace_lines_well_formed
		local calls
		calls=$(traced_calls)
		[[ "$calls" == *"write(1, 0xc0001000, 4) = -1 EFAULT"* ]] || { echo "$calls"; return 1; }
		[[ "$calls" == *"write(1, 0x8, 4) = -1 EFAULT"* ]]

		kvmrun --trace=syscalls "$GUESTS/libc$bits.elf" refused
		assert_status 0
		local nr=294
		[[ $bits == 32 ]] && nr=332
		calls=$(traced_calls)
		[[ $(grep -c "^syscall_$nr(0, " <<<"$calls") -eq 2 ]] || { echo "$calls"; return 1; }
		[[ "$calls" == *"syscall_$nr(0, "*") = -1 ENOSYS"* ]]
		# The refusal itself is still said once.
		[[ $(grep -c "system call $nr .* not supported" <<<"$stderr") -eq 1 ]]

		kvmrun --trace=syscalls "$GUESTS/libc$bits.elf" random
		assert_status 0
		calls=$(traced_calls)
		[[ "$calls" =~ getrandom\(\".*\",\ [0-9]+,\ 0x?[0-9a-f]*\)\ =\ [0-9]+ ]] || { echo "$calls"; return 1; }
	done
}

@test "--trace=syscalls: a static glibc program's start-up and writes, as strace shows the host build's" {
	for flavour in glibc64 glibc32; do
		kvmrun --mem=256M --trace=syscalls "$PROGRAMS/libc-$flavour" stdio
		assert_status 0
		assert_trace_lines_well_formed
		local calls
		calls=$(traced_calls)
		if [[ $flavour == glibc64 ]]; then
			[[ "$calls" == *"arch_prctl("* ]]
		else
			[[ "$calls" == *"set_thread_area("* ]]
		fi
		[[ "$(tail -1 <<<"$calls")" == "exit_group(0) = ?" ]]
		# The writes, byte for byte as strace prints them for the same
		# program on the host (its first 32 bytes, then "...").
		strace -qq -e trace=write -o "$BATS_TEST_TMPDIR/host.txt" "$PROGRAMS/libc-$flavour" stdio \
			>/dev/null 2>&1
		local want got
		# (strace pads the result to a column; kvmrun does not)
		want=$(grep '^write(' "$BATS_TEST_TMPDIR/host.txt" | sed 's/) *= /) = /')
		got=$(grep '^write(' <<<"$calls")
		[[ -n "$want" && "$got" == "$want" ]] || { echo "kvmrun: $got"; echo "strace: $want"; return 1; }
	done
}

@test "--trace=exits,syscalls: both kinds of line" {
	kvmrun --trace=exits,syscalls "$GUESTS/libc64.elf" stdio
	assert_status 0
	[[ "$stderr" == *"kvmrun: trace: "*" syscall writev("* ]]
	[[ "$stderr" == *"kvmrun: trace: "*" io out port=0x500 size=4 value=0x0 rip="* ]]
	# In the order things happened: the console's notification (an MMIO
	# write) of the app's write, then the runtime's line for the call, which
	# came through the trace hypercall (its exit traced after it).
	grep -B1 ' syscall writev(' <<<"$stderr" | grep -q ' mmio write addr='
	grep -A1 ' syscall writev(' <<<"$stderr" | grep -q ' io out port=0x504 size=4 '
}

@test "--trace-file: both kinds of line in the file, the app's standard error alone on stderr" {
	local file="$BATS_TEST_TMPDIR/trace.txt"
	for bits in 32 64; do
		kvmrun --trace=exits,syscalls --trace-file="$file" "$GUESTS/libc$bits.elf" stdio
		assert_status 0
		[[ "$stderr" == $'err: one\nerr: 2.500' ]] || { echo "stderr: $stderr"; return 1; }
		grep -q ' syscall writev(2, ' "$file"
		grep -q ' io out port=0x500 size=4 value=0x0 rip=' "$file"
		[[ "$(grep ' syscall ' "$file" | tail -1)" == *" syscall exit_group(0) = ?" ]]
		local lines
		lines=$(grep -c '^kvmrun: trace: ' "$file")
		[[ $lines -eq $(wc -l <"$file") ]] # nothing else in it
	done
	kvmrun --trace-file="$file" "$GUESTS/libc64.elf" stdio
	assert_status 125
	[[ "$stderr" == "kvmrun: bad --trace-file: nothing to trace (add --trace=exits or --trace=syscalls)" ]]
	kvmrun --trace --trace-file="$BATS_TEST_TMPDIR/missing/trace.txt" "$GUESTS/libc64.elf" stdio
	assert_status 125
	[[ "$stderr" == "kvmrun: --trace-file: $BATS_TEST_TMPDIR/missing/trace.txt: No such file or directory" ]]
}
