#!/usr/bin/env bats
# --gdb (monitor/gdb_stub.c, monitor/gdb_remote.c): gdb drives the guest
# through kvmrun's stub, in batch mode: breakpoints, bt, next, variables
# read and written, a crash shown where it happened, the exit status, ^C,
# kill; for kvmrun apps and static glibc programs, 32- and 64-bit.

load helpers

PROGRAMS="$O/tests/programs"

# start_guest GUEST ARGS...: kvmrun waiting for gdb on a UNIX socket, in
# the background; sets $sock and $pid.
start_guest() {
	sock="$BATS_TEST_TMPDIR/gdb.sock"
	rm -f "$sock"
	"$KVMRUN" --timeout=120 --mem=256M --gdb="$sock" "$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 100); do
		[[ -S "$sock" ]] && return 0
		sleep 0.1
	done
	echo "kvmrun never listened: $(cat "$BATS_TEST_TMPDIR/err")"
	return 1
}

# gdb_batch GUEST COMMANDS...: gdb on the guest's ELF, connected, the
# commands run; $output is what gdb printed.
gdb_batch() {
	local guest=$1
	shift
	local args=(-nx -batch -ex "target remote $sock")
	for c in "$@"; do
		args+=(-ex "$c")
	done
	run timeout 120 gdb "${args[@]}" "$guest"
	echo "$output"
}

# finish_guest STATUS: kvmrun's status and its stderr.
finish_guest() {
	local want=$1 rc=0
	wait "$pid" || rc=$?
	stderr=$(cat "$BATS_TEST_TMPDIR/err")
	echo "kvmrun: status $rc; stderr: $stderr"
	[[ $rc -eq $want ]]
	assert_no_sanitizer_report
	[[ ! -e "$sock" ]] # the socket's name goes once gdb is connected
}

@test "--gdb: break, bt, next, print and a variable written change what the guest does; its exit status reaches gdb; 32- and 64-bit" {
	for bits in 32 64; do
		start_guest "$GUESTS/crash$bits.elf" null-read
		gdb_batch "$GUESTS/crash$bits.elf" 'break run' continue bt next 'print what' \
			"set var *(char *)what = 'x'" 'print what' continue
		[[ "$output" == *"Breakpoint 1, run (what="*'"null-read") at '*"crash.c:"* ]]
		[[ "$output" =~ \#1\ +0x[0-9a-f]+\ in\ main\ \( ]]
		[[ "$output" == *'$1 = '*'"null-read"'* ]]
		[[ "$output" == *'$2 = '*'"xull-read"'* ]]
		# No such crash kind now: the guest survives and exits 3.
		[[ "$output" == *"[Inferior 1 (Remote target) exited with code 03]"* ]]
		finish_guest 3
		[[ "$(cat "$BATS_TEST_TMPDIR/out")" == $'crashing: null-read\nsurvived: -1' ]]
	done
}

@test "--gdb: a crash stops at the faulting line as SIGSEGV, with its backtrace; kill then keeps the crash's status" {
	for bits in 32 64; do
		start_guest "$GUESTS/crash$bits.elf" null-write
		gdb_batch "$GUESTS/crash$bits.elf" continue bt 'print p' kill
		[[ "$output" == *"Program received signal SIGSEGV, Segmentation fault."* ]]
		[[ "$output" =~ store_result\ \(p=0x0.*\)\ at\ .*crash\.c:$(crash_line null-write) ]]
		[[ "$output" =~ \#[12]\ +0x[0-9a-f]+\ in\ main\ \( ]]
		[[ "$output" == *'$1 = '*'0x0'* ]]
		finish_guest 139
		[[ "$stderr" == *"kvmrun: guest crashed: page fault writing 0x0 in store_result"* ]]
		[[ "$stderr" == *"kvmrun: gdb: killed the guest"* ]]
	done
}

@test "--gdb: static glibc programs (64-bit, static PIE, 32-bit): a breakpoint by name, stepped over into the crash" {
	for flavour in glibc64 glibc64-pie glibc32; do
		start_guest "$PROGRAMS/crash-$flavour" divide
		gdb_batch "$PROGRAMS/crash-$flavour" 'break divide' continue 'info args' continue
		[[ "$output" == *"Breakpoint 1, divide ("*"crash.c:"* ]] || { echo "$flavour"; return 1; }
		[[ "$output" == *"Program received signal SIGFPE, Arithmetic exception."* ]]
		[[ "$output" =~ divide\ \(.*\)\ at\ .*crash\.c:$(crash_line divide) ]]
		finish_guest 136
	done
}

@test "--gdb: the guest's own int3 stops it as SIGTRAP, and it goes on after it, 32- and 64-bit" {
	for bits in 32 64; do
		start_guest "$GUESTS/crash$bits.elf" int3
		gdb_batch "$GUESTS/crash$bits.elf" continue bt continue
		[[ "$output" == *"Program received signal SIGTRAP, Trace/breakpoint trap."* ]]
		[[ "$output" =~ \#[0-9]+\ +.*main\ \( ]]
		[[ "$output" == *"[Inferior 1 (Remote target) exited with code 03]"* ]]
		finish_guest 3
		[[ "$(cat "$BATS_TEST_TMPDIR/out")" == $'crashing: int3\nsurvived: '* ]]
	done
}

@test "--gdb: single steps by instruction, registers read and written" {
	start_guest "$GUESTS/crash64.elf" nothing
	gdb_batch "$GUESTS/crash64.elf" 'print $pc' stepi stepi 'print $pc' 'set $rax = 0x1234' \
		'print/x $rax' 'print $xmm0.v4_int32[0]' 'info registers eflags' detach
	local start after
	start=$(grep -o '^\$1 = .*0x[0-9a-f]*' <<<"$output" | grep -o '0x[0-9a-f]*$')
	after=$(grep -o '^\$2 = .*0x[0-9a-f]*' <<<"$output" | grep -o '0x[0-9a-f]*$')
	[[ -n "$start" && -n "$after" && "$start" != "$after" ]]
	[[ "$output" == *'$3 = 0x1234'* ]]
	[[ "$output" == *'$4 = 0'* ]]
	[[ "$output" =~ eflags\ +0x[0-9a-f]+ ]]
	finish_guest 3 # detached: it ran on
	[[ "$stderr" == *"kvmrun: gdb: detached: the guest runs on"* ]]
}

@test "--gdb: ^C stops a spinning guest where it is; kill ends it with 137; the seccomp filter is on while gdb drives it" {
	start_guest "$GUESTS/spin64.elf"
	local script="$BATS_TEST_TMPDIR/cmds"
	printf '%s\n' "target remote $sock" "shell grep ^Seccomp: /proc/$pid/status" continue bt kill >"$script"
	# (not under timeout(1), which would pass the SIGINT on twice)
	gdb -nx -batch -x "$script" "$GUESTS/spin64.elf" >"$BATS_TEST_TMPDIR/gdb.out" 2>&1 &
	local gdb_pid=$!
	for _ in $(seq 100); do
		grep -q spinning "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	sleep 1
	kill -INT "$gdb_pid"
	wait "$gdb_pid" || true
	output=$(cat "$BATS_TEST_TMPDIR/gdb.out")
	echo "$output"
	[[ "$output" =~ Seccomp:[[:space:]]+2 ]]
	[[ "$output" == *"Program received signal SIGINT"* ]]
	[[ "$output" =~ \#[0-9]+\ +.*main\ \( ]]
	finish_guest 137
}

@test "--gdb: what it listens on is checked before the guest runs" {
	kvmrun --gdb= "$GUESTS/crash64.elf" nothing
	assert_status 125
	[[ "$stderr" == "kvmrun: bad --gdb: nothing to listen on (--gdb=PORT or --gdb=PATH)" ]]
	kvmrun --gdb=99999 "$GUESTS/crash64.elf" nothing
	assert_status 125
	[[ "$stderr" == "kvmrun: bad --gdb: '99999': a TCP port (1-65535) or a UNIX socket's path (with a '/')" ]]
	kvmrun --gdb="$BATS_TEST_TMPDIR/missing/gdb.sock" "$GUESTS/crash64.elf" nothing
	assert_status 125
	[[ "$stderr" == "kvmrun: --gdb: $BATS_TEST_TMPDIR/missing/gdb.sock: No such file or directory" ]]
	[[ -z "$output" ]]
}
