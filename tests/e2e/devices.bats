#!/usr/bin/env bats
# virtio-console and virtio-rng end to end: real programs moving megabytes
# through both devices, byte-exact, with the VM exits the monitor counted.

load helpers

setup() {
	tmp=$(mktemp -d)
}

teardown() {
	rm -rf "$tmp"
}

# stats_field NAME: a field of kvmrun's --stats line in $stderr.
stats_field() {
	local line
	line=$(grep '^kvmrun: stats: ' <<<"$stderr") || { echo "no stats line in: $stderr"; return 1; }
	sed -E "s/.* $1=([0-9]+).*/\\1/" <<<"$line"
}

# exits_per_mib MIB: check the exits of the last run against 16 per MiB.
assert_exits_per_mib() {
	local exits
	exits=$(stats_field exits)
	echo "exits=$exits for $1 MiB"
	[[ $exits -le $((16 * $1)) ]]
}

@test "hello prints through virtio-console, 32- and 64-bit" {
	for bits in 32 64; do
		kvmrun --stats "$APPS/hello$bits.elf"
		assert_status 0
		[[ "${lines[0]}" == "Hello from a $bits-bit kvmrun guest!" ]]
		[[ "$output" == *"devices: 3"* ]]
		[[ $(stats_field console_out_bytes) -gt 100 ]]
		assert_no_sanitizer_report
	done
}

@test "rng writes exactly the bytes asked for, different on every run" {
	for bits in 32 64; do
		"$KVMRUN" "$APPS/rng$bits.elf" 100000 >"$tmp/a"
		"$KVMRUN" "$APPS/rng$bits.elf" 100000 >"$tmp/b"
		[[ $(stat -c %s "$tmp/a") -eq 100000 ]]
		[[ $(stat -c %s "$tmp/b") -eq 100000 ]]
		! cmp -s "$tmp/a" "$tmp/b"
		# Random bytes do not compress.
		[[ $(gzip -c "$tmp/a" | wc -c) -gt 99000 ]]
	done
}

@test "rng --hex prints two hex digits per byte and a newline" {
	kvmrun "$APPS/rng64.elf" --hex 32
	assert_status 0
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	kvmrun "$APPS/rng32.elf" --hex 1K
	[[ "$output" =~ ^[0-9a-f]{2048}$ ]]
}

@test "rng of 64 MiB costs at most 16 VM exits per MiB" {
	run --separate-stderr bash -c "'$KVMRUN' --stats '$APPS/rng64.elf' 64M | wc -c"
	assert_status 0
	[[ "$output" -eq $((64 << 20)) ]]
	assert_exits_per_mib 64
	[[ $(stats_field rng_bytes) -eq $((64 << 20)) ]]
}

@test "cat round-trips 8 MiB of random bytes byte-exact, within 16 exits per MiB" {
	head -c $((8 << 20)) /dev/urandom >"$tmp/in"
	for bits in 32 64; do
		run --separate-stderr bash -c "'$KVMRUN' --stats '$APPS/cat$bits.elf' <'$tmp/in' >'$tmp/out'"
		assert_status 0
		cmp "$tmp/in" "$tmp/out"
		assert_exits_per_mib 8
		[[ $(stats_field console_in_bytes) -eq $((8 << 20)) ]]
	done
}

@test "cat through pipes on both sides stays byte-exact" {
	head -c $((3 << 20)) /dev/urandom >"$tmp/in"
	run --separate-stderr bash -c "cat '$tmp/in' | '$KVMRUN' '$APPS/cat64.elf' | cat >'$tmp/out'"
	assert_status 0
	cmp "$tmp/in" "$tmp/out"
}

@test "cat of empty input ends at once with status 0" {
	kvmrun "$APPS/cat32.elf" </dev/null
	assert_status 0
	[[ -z "$output" ]]
}

@test "sha256sum of 8 MiB matches sha256sum, 32- and 64-bit" {
	head -c $((8 << 20)) /dev/urandom >"$tmp/in"
	want="$(sha256sum <"$tmp/in")"
	for bits in 32 64; do
		run --separate-stderr bash -c "'$KVMRUN' '$APPS/sha256sum$bits.elf' <'$tmp/in'"
		assert_status 0
		[[ "$output" == "$want" ]]
	done
}

@test "sha256sum of the empty string and of 'abc' match the FIPS 180-4 vectors" {
	kvmrun "$APPS/sha256sum64.elf" </dev/null
	[[ "$output" == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -" ]]
	run --separate-stderr bash -c "printf abc | '$KVMRUN' '$APPS/sha256sum32.elf'"
	[[ "$output" == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -" ]]
}

@test "16 MiB of console output is byte-exact, within 16 exits per MiB" {
	head -c $((16 << 20)) /dev/urandom >"$tmp/in"
	run --separate-stderr bash -c "'$KVMRUN' --stats '$APPS/cat64.elf' <'$tmp/in' >'$tmp/out'"
	assert_status 0
	cmp "$tmp/in" "$tmp/out"
	assert_exits_per_mib 16
	[[ $(stats_field console_out_bytes) -eq $((16 << 20)) ]]
}

@test "a guest writing to a closed stdout ends cleanly" {
	run --separate-stderr bash -c "'$KVMRUN' '$APPS/rng64.elf' 16M >&-"
	assert_status 0
	assert_no_sanitizer_report
	run --separate-stderr bash -c "'$KVMRUN' '$APPS/rng32.elf' 16M | head -c 10 | wc -c"
	assert_status 0
	[[ "$output" -eq 10 ]]
	assert_no_sanitizer_report
}

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() {
	local fields
	read -ra fields </proc/"$1"/stat
	echo $((fields[13] + fields[14]))
}

@test "a guest waiting for input sits idle, then finishes when input arrives" {
	mkfifo "$tmp/fifo"
	"$KVMRUN" "$APPS/cat64.elf" <"$tmp/fifo" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	exec 4>"$tmp/fifo"
	sleep 1
	before=$(cpu_ticks "$pid")
	sleep 2
	after=$(cpu_ticks "$pid")
	echo "CPU ticks while waiting: $((after - before)) of $((2 * $(getconf CLK_TCK)))"
	[[ $((after - before)) -le $(($(getconf CLK_TCK) / 10)) ]]
	echo "late input" >&4
	exec 4>&-
	wait "$pid"
	[[ "$(cat "$tmp/out")" == "late input" ]]
	[[ ! -s "$tmp/err" ]]
}

@test "--stats times the run: set-up, the guest (a 50 ms sleep is the guest's) and the monitor, and exits by reason" {
	for bits in 32 64; do
		kvmrun --stats "$GUESTS/libc$bits.elf" clock
		assert_status 0
		local setup guest monitor sum
		setup=$(stats_field setup_us)
		guest=$(stats_field guest_us)
		monitor=$(stats_field monitor_us)
		echo "$bits-bit: setup=$setup guest=$guest monitor=$monitor us"
		[[ $setup -gt 0 && $monitor -ge 0 ]]
		# The sleep halts the vCPU inside KVM_RUN: guest time.
		[[ $guest -ge 50000 ]]
		[[ $monitor -lt $guest ]]
		# Every exit counted under one reason.
		sum=$(($(stats_field io) + $(stats_field mmio) + $(stats_field eoi) + $(stats_field intr) + $(stats_field other)))
		[[ $sum -eq $(stats_field exits) ]]
	done
}

@test "without --stats, no stats line" {
	kvmrun "$GUESTS/libc64.elf" clock
	assert_status 0
	[[ "$stderr" != *"stats:"* ]]
}

@test "--trace: a line per VM exit, as many as --stats counts, the last the exit hypercall, 32- and 64-bit" {
	for bits in 32 64; do
		kvmrun --trace --stats "$APPS/hello$bits.elf"
		assert_status 0
		[[ "${lines[0]}" == "Hello from a $bits-bit kvmrun guest!" ]] # stdout untouched
		local traced last
		traced=$(grep -c '^kvmrun: trace: [0-9]*\.[0-9]\{6\} ' <<<"$stderr")
		echo "$bits-bit: $traced trace lines, exits=$(stats_field exits)"
		[[ $traced -eq $(stats_field exits) ]]
		# The console's notifications, and the exit hypercall last.
		[[ "$stderr" == *" mmio write addr=0xd000"*" rip=0x"* ]]
		last=$(grep '^kvmrun: trace: ' <<<"$stderr" | tail -1)
		[[ "$last" =~ \ io\ out\ port=0x500\ size=4\ value=0x0\ rip=0x[0-9a-f]+$ ]] || { echo "last: $last"; return 1; }
	done
}
