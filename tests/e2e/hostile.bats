#!/usr/bin/env bats
# Hostile guests: tests/guests/hostile.c attacks the monitor through MMIO,
# port I/O, the hypercalls and the virtqueues. Each attack has a documented
# outcome (README.md, "Hostile guests"): the guest is stopped with status
# 121 and one message, or the device refuses it (DEVICE_NEEDS_RESET, one
# line on stderr) and the guest, which checks that from inside, says so
# and exits 0. No run may hang, crash kvmrun or trip a sanitizer.

load helpers

setup() {
	tmp=$(mktemp -d)
}

teardown() {
	rm -rf "$tmp"
}

# The monitor's stderr has exactly N lines.
assert_stderr_lines() {
	local n=0
	[[ -z "$stderr" ]] || n=$(printf '%s\n' "$stderr" | wc -l)
	if [[ $n -ne $1 ]]; then
		echo "stderr has $n lines, expected $1:"
		echo "$stderr"
		return 1
	fi
}

# The guest's stdout has this exact line.
assert_line_out() {
	local l
	for l in "${lines[@]}"; do
		[[ "$l" == "$1" ]] && return 0
	done
	echo "stdout lacks the line: $1"
	echo "stdout was: $output"
	return 1
}

# hostile BITS ARGS...: run the hostile guest, no input.
hostile() {
	local bits=$1
	shift
	kvmrun "$GUESTS/hostile$bits.elf" "$@" </dev/null
}

# A guest attack the device must refuse: its line on stderr, the guest's
# verdict on stdout.
assert_refused() {
	assert_line_out "attack $1: device needs reset"
	assert_stderr_has "$2"
}

# ---------------------------------------------------------------- MMIO

@test "MMIO inside a window: unknown, write-only and config-space registers are harmless" {
	for bits in 32 64; do
		hostile $bits vq ignored
		assert_status 0
		assert_line_out "attack ignored: unknown, write-only and config registers harmless"
		assert_stderr_lines 0
	done
}

@test "writes to read-only registers (MagicValue, Version, DeviceID, QueueNumMax, ...) change nothing" {
	for bits in 32 64; do
		hostile $bits vq readonly
		assert_status 0
		assert_line_out "attack readonly: writes ignored, values unchanged"
		assert_stderr_lines 0
	done
}

@test "control registers at a wrong width or alignment: device needs reset, one line per reset" {
	local prefix="kvmrun: virtio-rng:" suffix="control registers take aligned 32-bit accesses: device needs reset"
	for bits in 32 64; do
		hostile $bits vq width
		assert_status 0
		assert_refused width-1-read-0x070 "$prefix 1-byte read at offset 0x070: $suffix"
		assert_refused width-1-write-0x070 "$prefix 1-byte write at offset 0x070: $suffix"
		assert_refused width-2-write-0x030 "$prefix 2-byte write at offset 0x030: $suffix"
		assert_refused width-2-read-0x072 "$prefix 2-byte read at offset 0x072: $suffix"
		assert_refused width-4-read-0x001 "$prefix 4-byte read at offset 0x001: $suffix"
		assert_refused width-4-write-0x052 "$prefix 4-byte write at offset 0x052: $suffix"
		assert_refused width-8-read-0x000 "$prefix 8-byte read at offset 0x000: $suffix"
		assert_refused width-8-write-0x080 "$prefix 8-byte write at offset 0x080: $suffix"
		assert_refused width-8-read-0x0f8 "$prefix 8-byte read at offset 0x0f8: $suffix"
		assert_line_out "attack width: device works again after a reset"
		assert_stderr_lines 9
	done
}

@test "MMIO in a window's gap, across its end, in no window or past RAM: unhandled MMIO, status 121" {
	# access (r|w WIDTH WHERE) and the address the message names
	local cases=(
		"r 4 dev1+0x200|read of 4 byte(s) at 0xd0001200"
		"w 4 dev1+0x200|write of 4 byte(s) at 0xd0001200"
		"r 4 dev1+0xffc|read of 4 byte(s) at 0xd0001ffc"
		"w 1 dev0+0x800|write of 1 byte(s) at 0xd0000800"
		"r 4 dev1+0x1fe|read of 4 byte(s) at 0xd00011fe"
		"r 8 dev1+0x1fc|read of 8 byte(s) at 0xd00011fc"
		"r 4 dev1+0x2000|read of 4 byte(s) at 0xd0003000"
		"r 4 0xcffffffc|read of 4 byte(s) at 0xcffffffc"
		"r 2 0xfebffffe|read of 2 byte(s) at 0xfebffffe"
		"r 4 top+0|read of 4 byte(s) at 0x4000000"
		"w 4 top+0x1000|write of 4 byte(s) at 0x4001000"
	)
	local c i
	# Every case on 64-bit; on 32-bit (paging off) the first, the 8-byte
	# access (an MMX move) and the ones past RAM.
	for i in "${!cases[@]}"; do
		for bits in 64 32; do
			[[ $bits == 32 && " 0 5 9 10 " != *" $i "* ]] && continue
			c=${cases[$i]}
			# shellcheck disable=SC2086
			hostile $bits mmio ${c%%|*}
			assert_status 121
			assert_stderr_has "kvmrun: guest error: unhandled MMIO: ${c#*|} (rip 0x"
			assert_stderr_lines 1
			[[ "$output" != *"read 0x"* && "$output" != *"write done"* ]]
		done
	done
}

@test "code fetched from a device window or from past the end of RAM: KVM cannot emulate it, status 122" {
	hostile 32 exec dev1+0
	assert_status 122
	assert_stderr_has "kvmrun: guest crashed: KVM internal error"
	assert_stderr_has "rip=0x00000000d0001000"
	[[ "$output" != *"let it through"* ]]
	hostile 64 exec top+0
	assert_status 122
	assert_stderr_has "kvmrun: guest crashed: KVM internal error"
	assert_stderr_has "rip=0x0000000004000000"
}

# ------------------------------------------------------ hypercall ports

@test "garbage on the hypercall ports: bad hypercall, status 121" {
	local takes="takes one 32-bit out, got"
	local cases=(
		"exit-in|hypercall port 0x500 $takes in of 4 byte(s) x1"
		"exit-outb|hypercall port 0x500 $takes out of 1 byte(s) x1"
		"exit-outw|hypercall port 0x500 $takes out of 2 byte(s) x1"
		"exit-rep-outsb|hypercall port 0x500 $takes out of 1 byte(s) x"
		"exit-rep-insb|hypercall port 0x500 $takes in of 1 byte(s) x"
		"debug-in|hypercall port 0x501 $takes in of 4 byte(s) x1"
		"debug-outb|hypercall port 0x501 $takes out of 1 byte(s) x1"
		"wait-outb|hypercall port 0x502 $takes out of 1 byte(s) x1"
		"wait-in|hypercall port 0x502 $takes in of 4 byte(s) x1"
		"wait-rep-outsl|hypercall port 0x502 $takes out of 2 byte(s) x"
	)
	local c i
	# Every case on 64-bit; on 32-bit the in, the 1-byte out and the string
	# I/O ones (their count register is ECX there).
	for i in "${!cases[@]}"; do
		for bits in 64 32; do
			[[ $bits == 32 && " 0 1 3 4 9 " != *" $i "* ]] && continue
			c=${cases[$i]}
			hostile $bits hypercall "${c%%|*}"
			assert_status 121
			assert_stderr_has "kvmrun: guest error: bad hypercall: ${c#*|}"
			assert_stderr_lines 1
			[[ "$output" != *"let it through"* ]]
		done
	done
}

@test "debug writes with requests or buffers outside RAM, or too long: bad hypercall, status 121" {
	local cases=(
		"debug-request-past-ram|request at 0x4000000 is not in guest RAM"
		"debug-request-straddle|request at 0x3fffff8 is not in guest RAM"
		"debug-request-hole|request at 0xd0001000 is not in guest RAM"
		"debug-request-top|request at 0xfffffff8 is not in guest RAM"
		"debug-buffer-past-ram|buffer [0x4000000, +16) is not in guest RAM"
		"debug-buffer-straddle|buffer [0x3fffff8, +16) is not in guest RAM"
		"debug-buffer-hole|buffer [0xd0001000, +4) is not in guest RAM"
		"debug-buffer-wrap|buffer [0xfffffffffffffff0, +32) is not in guest RAM"
		"debug-length|length 1048577 exceeds the limit 1048576"
	)
	local c i
	# Every case on 64-bit; on 32-bit a request and a buffer past RAM, the
	# wrapping buffer and the length.
	for i in "${!cases[@]}"; do
		for bits in 64 32; do
			[[ $bits == 32 && " 0 4 7 8 " != *" $i "* ]] && continue
			c=${cases[$i]}
			hostile $bits hypercall "${c%%|*}"
			assert_status 121
			assert_stderr_has "kvmrun: guest error: bad hypercall: debug write: ${c#*|} (rip 0x"
			assert_stderr_lines 1
			[[ "$output" != *"let it through"* ]]
		done
	done
}

@test "a debug write whose buffer ends at the last byte of RAM is served" {
	for bits in 32 64; do
		hostile $bits hypercall debug-edge
		assert_status 0
		assert_line_out "debug write at the end of RAM"
		assert_stderr_lines 0
	done
}

# ----------------------------------------------------------- virtqueues

@test "descriptors outside RAM (one past it, straddling its end, wrapping 2^64, in a device window): refused" {
	local d="kvmrun: virtio-rng: queue 0: descriptor 0"
	for bits in 32 64; do
		hostile $bits vq past-ram straddle wrap hole
		assert_status 0
		assert_refused past-ram "$d [0x4000000,+0x1) is outside guest RAM: device needs reset"
		assert_refused straddle "$d [0x3fffff8,+0x10) is outside guest RAM: device needs reset"
		assert_refused wrap "$d [0xfffffffffffffff0,+0x20) is outside guest RAM: device needs reset"
		assert_refused hole "$d [0xd0001000,+0x10) is outside guest RAM: device needs reset"
		assert_stderr_lines 4
	done
}

@test "descriptor lengths 0xffffffff and 0xfffff000 at a valid address: refused" {
	for bits in 32 64; do
		hostile $bits vq len-ffffffff len-fffff000
		assert_status 0
		assert_line_out "attack len-ffffffff: device needs reset"
		assert_line_out "attack len-fffff000: device needs reset"
		[[ "$stderr" =~ "descriptor 0 [0x"[0-9a-f]+",+0xffffffff) is outside guest RAM: device needs reset" ]]
		[[ "$stderr" =~ "descriptor 0 [0x"[0-9a-f]+",+0xfffff000) is outside guest RAM: device needs reset" ]]
		assert_no_sanitizer_report
		assert_stderr_lines 2
	done
}

@test "descriptor loops (to itself, a 2-cycle), bad indexes, INDIRECT, wrong direction: refused" {
	local q="kvmrun: virtio-rng: queue 0:"
	for bits in 32 64; do
		hostile $bits vq loop-self loop-two next-range head-range avail-ahead indirect readable
		assert_status 0
		assert_refused loop-self "$q chain from descriptor 0 is longer than the queue size 8 (a loop?): device needs reset"
		assert_refused loop-two "$q chain from descriptor 0 is longer than the queue size 8 (a loop?): device needs reset"
		assert_refused next-range "$q descriptor 0: next index 200 is out of range (queue size 8): device needs reset"
		assert_refused head-range "$q available ring entry 0: head index 99 is out of range (queue size 8): device needs reset"
		assert_refused avail-ahead "$q available index 9 is 9 entries ahead of the device (at 0), more than the queue size 8: device needs reset"
		assert_refused indirect "$q descriptor 0 is INDIRECT, which was not negotiated: device needs reset"
		assert_refused readable "$q descriptor 0 is device-readable in a queue the device writes: device needs reset"
		assert_stderr_lines 7
	done
}

@test "descriptors at start_info, the page tables, the last byte of RAM, over the rings: inside RAM, served" {
	for bits in 32 64; do
		hostile $bits vq start-info page-tables last-byte zero-len-wild max-chain self-overwrite
		assert_status 0
		[[ "$output" == *"attack start-info: accepted, magic now 0x"* ]]
		[[ "$output" != *"magic now 0x524d564b"* ]]
		if [[ $bits == 64 ]]; then
			[[ "$output" == *"attack page-tables: accepted, PML4 entry 256 now 0x"* ]]
		else
			assert_line_out "attack page-tables: no page tables (32-bit); GDT tail accepted"
		fi
		assert_line_out "attack last-byte: accepted, [top-1,+1) and [top-16,+16) filled"
		assert_line_out "attack zero-len-wild: accepted, used length 0"
		assert_line_out "attack max-chain: accepted, used length 256"
		# A buffer over the queue's own rings: what the random bytes make
		# of the next chains is chance; at most one refusal, no crash.
		[[ "$output" == *"attack self-overwrite: survived, device "* ]]
		assert_no_sanitizer_report
		if [[ -n "$stderr" ]]; then
			assert_stderr_lines 1
			[[ "$stderr" == "kvmrun: virtio-rng: queue 0: "*": device needs reset" ]]
		fi
	done
}

@test "rings outside RAM, straddling its end, wrapping, in a window, misaligned, bad sizes: refused" {
	local q="kvmrun: virtio-rng: queue 0:"
	for bits in 32 64; do
		hostile $bits vq ring-past ring-straddle ring-wrap ring-hole ring-misaligned ring-size
		assert_status 0
		assert_refused ring-past "$q descriptor table [0x4000000,+0x80) is outside guest RAM: device needs reset"
		assert_refused ring-straddle "$q used ring [0x3fffff8,+0x46) is outside guest RAM: device needs reset"
		assert_refused ring-wrap "$q available ring [0xfffffffffffffff0,+0x16) is outside guest RAM: device needs reset"
		assert_refused ring-hole "$q used ring [0xd0001000,+0x46) is outside guest RAM: device needs reset"
		assert_line_out "attack ring-misaligned: device needs reset"
		[[ "$stderr" =~ "$q descriptor table at 0x"[0-9a-f]+8" is not 16-byte aligned: device needs reset" ]]
		assert_refused ring-size-0 "$q queue size 0 is outside 1..256: device needs reset"
		assert_refused ring-size-3 "$q queue size 3 is not a power of two: device needs reset"
		assert_refused ring-size-512 "$q queue size 512 is outside 1..256: device needs reset"
		assert_stderr_lines 8
	done
}

@test "reconfiguring a live queue (QueueNum, QueueDesc, ... while QueueReady=1) is ignored; the queue keeps working" {
	for bits in 32 64; do
		hostile $bits vq live-reconfig ready-zero
		assert_status 0
		assert_line_out "attack live-reconfig: ignored, the queue keeps working"
		assert_line_out "attack ready-zero: ignored while not ready, works again after"
		assert_stderr_lines 0
	done
}

@test "status and feature games: refused features, sticky bits, FAILED, DRIVER_OK without FEATURES_OK" {
	for bits in 32 64; do
		hostile $bits vq status
		assert_status 0
		assert_line_out "attack features: FEATURES_OK refused"
		assert_line_out "attack status-bits: not cleared, device works"
		assert_line_out "attack failed: device serves nothing"
		assert_line_out "attack notify-early: nothing served before DRIVER_OK"
		assert_refused driver-ok-early "kvmrun: virtio-rng: the driver set DRIVER_OK without FEATURES_OK: device needs reset"
		assert_stderr_lines 1
	done
}

@test "more than 65536 chains: the ring indexes wrap and every chain is served" {
	hostile 64 vq avail-wrap
	assert_status 0
	assert_line_out "attack avail-wrap: 65792 chains, used index now 256"
	assert_stderr_lines 0
}

@test "descriptors above 4 GiB from 32- and 64-bit guests: served where --mem puts RAM, refused elsewhere" {
	for bits in 32 64; do
		kvmrun --mem=5G "$GUESTS/hostile$bits.elf" high </dev/null
		assert_status 0
		assert_line_out "attack high: served, used length 64"
		assert_stderr_lines 0

		kvmrun --mem=64M "$GUESTS/hostile$bits.elf" high </dev/null
		assert_status 0
		assert_refused high "kvmrun: virtio-rng: queue 0: descriptor 0 [0x100000000,+0x40) is outside guest RAM: device needs reset"
		assert_stderr_lines 1
	done
}

@test "a descriptor of 0xfffff000 bytes at 4 GiB with --mem=8G is RAM: served, capped at 1 MiB" {
	for bits in 32 64; do
		kvmrun --mem=8G "$GUESTS/hostile$bits.elf" high 0xfffff000 </dev/null
		assert_status 0
		assert_line_out "attack high: served, used length 1048576"
		assert_stderr_lines 0
	done
}

@test "hundreds of driver errors: at most 16 lines per device, then 'later ones are not'" {
	for bits in 32 64; do
		hostile $bits error-flood 300
		assert_status 0
		assert_line_out "error flood: rng refused 300 of 300, console refused 300 of 300"
		assert_line_out "error flood: the rng works after a reset"
		assert_no_sanitizer_report
		local rng con
		rng=$(grep -cxF "kvmrun: virtio-rng: queue 0: descriptor 0 [0x4000000,+0x10) is outside guest RAM: device needs reset" <<<"$stderr")
		con=$(grep -cxF "kvmrun: virtio-console: 2-byte read at offset 0x030: control registers take aligned 32-bit accesses: device needs reset" <<<"$stderr")
		[[ $rng -eq 16 && $con -eq 16 ]]
		[[ $(grep -cxF "kvmrun: virtio-rng: 16 errors reported; later ones are not" <<<"$stderr") -eq 1 ]]
		[[ $(grep -cxF "kvmrun: virtio-console: 16 errors reported; later ones are not" <<<"$stderr") -eq 1 ]]
		assert_stderr_lines 34
	done
}

# ------------------------------------------------- endless guests, floods

# timed_kvmrun ARGS...: kvmrun under a hard limit of 30 s (SIGKILL, status
# 137, so that a hang cannot pass for kvmrun's own status 124); $elapsed in
# ms.
timed_kvmrun() {
	local start
	start=$(date +%s%N)
	run --separate-stderr timeout -s KILL 30 "$KVMRUN" "$@"
	elapsed=$((($(date +%s%N) - start) / 1000000))
	echo "ran ${elapsed} ms"
}

@test "a spinning guest, one spinning on MMIO, one halted with interrupts on: stopped by --timeout=1s, status 124" {
	local c bits how
	for c in "64 spin" "64 mmio-spin" "32 sti-hlt" "64 sti-hlt"; do
		bits=${c% *} how=${c#* }
		timed_kvmrun --timeout=1s "$GUESTS/hostile$bits.elf" forever $how </dev/null
		assert_status 124
		assert_line_out "attack: $how"
		assert_stderr_has "kvmrun: guest stopped: time limit of 1s reached"
		assert_stderr_lines 1
		[[ $elapsed -ge 900 && $elapsed -lt 15000 ]]
	done
}

@test "a guest waiting for input that never comes: stopped by --timeout, status 124" {
	mkfifo "$tmp/fifo"
	exec 4<>"$tmp/fifo" # a writer that never writes nor closes
	timed_kvmrun --timeout=1s "$GUESTS/hostile64.elf" forever wait-input <"$tmp/fifo"
	exec 4>&-
	assert_status 124
	assert_stderr_has "kvmrun: guest stopped: time limit of 1s reached"
	[[ "$output" != *"read returned"* ]]
	[[ $elapsed -lt 15000 ]]
}

@test "endless console output (virtio and early console) into /dev/null or a closed pipe: stopped by --timeout" {
	run --separate-stderr bash -c "timeout -s KILL 30 '$KVMRUN' --timeout=1500ms '$GUESTS/hostile64.elf' flood virtio 0 >/dev/null"
	assert_status 124
	assert_stderr_has "kvmrun: guest stopped: time limit of 1500ms reached"
	run --separate-stderr bash -c "timeout -s KILL 30 '$KVMRUN' --timeout=1s '$GUESTS/hostile32.elf' flood early 0 | head -c 10 >/dev/null; exit \${PIPESTATUS[0]}"
	assert_status 124
	assert_stderr_has "kvmrun: guest stopped: time limit of 1s reached"
}

# A pipe that is open for reading but never read: once it is full, the
# monitor's write blocks. The stop signal interrupts that write after part
# of the buffer went out; the monitor must stop then, not block again.
@test "endless console output into a pipe nobody reads: --timeout and SIGTERM still stop the guest" {
	local c start elapsed pid waited bad=0
	for c in "64 virtio" "32 early"; do
		rm -f "$tmp/fifo"
		mkfifo "$tmp/fifo"
		exec 4<>"$tmp/fifo" # the reader that never reads
		start=$(date +%s%N)
		run --separate-stderr bash -c "timeout -s KILL 5 '$KVMRUN' --timeout=1s '$GUESTS/hostile${c% *}.elf' flood ${c#* } 0 >'$tmp/fifo'"
		elapsed=$((($(date +%s%N) - start) / 1000000))
		exec 4>&-
		echo "--timeout=1s, ${c#* } console: status $status after $elapsed ms (137: killed after 5 s)"
		assert_no_sanitizer_report
		if [[ $status -ne 124 || "$stderr" != *"kvmrun: guest stopped: time limit of 1s reached"* ]]; then
			echo "  expected status 124 and 'kvmrun: guest stopped: time limit of 1s reached'; stderr: $stderr"
			bad=1
		fi
	done

	rm -f "$tmp/fifo"
	mkfifo "$tmp/fifo"
	exec 4<>"$tmp/fifo"
	"$KVMRUN" "$GUESTS/hostile64.elf" flood virtio 0 >"$tmp/fifo" 2>"$tmp/err" 3>&- &
	pid=$!
	sleep 1.5 # long enough to fill the pipe
	kill -TERM "$pid"
	waited=0
	while kill -0 "$pid" 2>/dev/null && ((waited < 30)); do
		sleep 0.1
		waited=$((waited + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "SIGTERM, virtio console: kvmrun still runs 3 s after SIGTERM (expected status 143)"
		kill -KILL "$pid"
		wait "$pid" || true
		bad=1
	else
		status=0
		wait "$pid" || status=$?
		echo "SIGTERM, virtio console: status $status"
		if [[ $status -ne 143 ]] || ! grep -qF "kvmrun: guest stopped: terminated (SIGTERM)" "$tmp/err"; then
			echo "  expected status 143 and 'kvmrun: guest stopped: terminated (SIGTERM)'; stderr: $(cat "$tmp/err")"
			bad=1
		fi
	fi
	exec 4>&-
	((bad == 0))
}

@test "256 MiB of console output to a closed stdout or a pipe closed early: kvmrun ends when the guest does, status 0" {
	local c bits how
	for c in "64 virtio" "32 early"; do
		bits=${c% *} how=${c#* }
		run --separate-stderr bash -c "timeout -s KILL 60 '$KVMRUN' '$GUESTS/hostile$bits.elf' flood $how 256 >&-"
		assert_status 0
		assert_stderr_lines 0
		run --separate-stderr bash -c "set -o pipefail; timeout -s KILL 60 '$KVMRUN' '$GUESTS/hostile$bits.elf' flood $how 256 | head -c 100 | wc -c"
		assert_status 0
		[[ "$output" -eq 100 ]]
		assert_stderr_lines 0
	done
}

# ------------------------------------- what one notification may cost

# A huge input, made in no time: a sparse file (holes read as zeros).
big_input() {
	truncate -s 1T "$tmp/big"
}

@test "one notification moves at most 16 MiB: a receive queue over a 1 TiB stdin, transmit, entropy" {
	big_input
	for bits in 32 64; do
		kvmrun "$GUESTS/hostile$bits.elf" bulk rx once <"$tmp/big"
		assert_status 0
		assert_line_out "bulk rx: one notification took 1 of 256 chains, 16777216 bytes"
		assert_stderr_lines 0

		kvmrun "$GUESTS/hostile$bits.elf" bulk rng once </dev/null
		assert_status 0
		assert_line_out "bulk rng: one notification took 16 of 256 chains, 16777216 bytes"
		assert_stderr_lines 0

		run --separate-stderr bash -c "timeout 60 '$KVMRUN' '$GUESTS/hostile$bits.elf' bulk tx once >'$tmp/out' </dev/null"
		assert_status 0
		assert_stderr_lines 0
		grep -qxF "bulk tx: one notification took 16 of 256 chains, 16777216 bytes" <(tr -d '~' <"$tmp/out")
		[[ $(tr -cd '~' <"$tmp/out" | wc -c) -eq $((16 << 20)) ]]
	done
}

@test "a transmit chain over 1 MiB: device needs reset, nothing written" {
	for bits in 32 64; do
		kvmrun "$GUESTS/hostile$bits.elf" vq tx-long </dev/null
		assert_status 0
		assert_refused tx-long "kvmrun: virtio-console: queue 1: chain from descriptor 0 carries 1048577 bytes, more than the 1048576 a device-readable chain may: device needs reset"
		[[ "$output" != *xxxxxxxx* ]]
		assert_stderr_lines 1
	done
}

# timed CMD: run the shell command CMD (under a file-size limit and a hard
# time limit); $status, $stderr, and $elapsed in microseconds.
timed() {
	local start=${EPOCHREALTIME/./}
	status=0
	bash -c "ulimit -f 8388608; exec timeout -s KILL 30 $1" 2>"$tmp/err" || status=$?
	elapsed=$((${EPOCHREALTIME/./} - start))
	stderr=$(cat "$tmp/err")
}

# term_latency CMD: start CMD (kvmrun), send SIGTERM after 1 s; $latency
# is kill to exit in microseconds; $status and $stderr are kvmrun's.
term_latency() {
	local pid t0
	bash -c "ulimit -f 8388608; exec $1" 2>"$tmp/err" &
	pid=$!
	sleep 1
	t0=${EPOCHREALTIME/./}
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	latency=$((${EPOCHREALTIME/./} - t0))
	stderr=$(cat "$tmp/err")
}

# stop_latency KIND CMD: run kvmrun (CMD) on a guest that keeps it busy and
# set $latency to how much longer than with a spinning guest it took to
# stop once asked, in ms: KIND TERM times SIGTERM (sent after 1 s) to exit,
# KIND timeout the whole run with --timeout=1s (in CMD). Against a spinning
# guest, because the KVM sandbox takes tens of ms to end any process (the
# ASan build's more): what is measured is what the busy guest adds. Best
# of three: the sandbox's timings jitter, a slow stop is slow every time.
stop_latency() {
	local kind=$1 try base best=999999
	for try in 1 2 3; do
		if [[ $kind == timeout ]]; then
			timed "'$KVMRUN' --timeout=1s '$GUESTS/spin64.elf' >/dev/null"
			base=$elapsed
			timed "$2"
			latency=$(((elapsed - base) / 1000))
			echo "--timeout=1s: stopped $latency ms later than a spinning guest (which took $((base / 1000)) ms)"
		else
			term_latency "'$KVMRUN' '$GUESTS/spin64.elf' >/dev/null"
			base=$latency
			term_latency "$2"
			echo "SIGTERM: stopped $((latency / 1000)) ms after it (a spinning guest: $((base / 1000)) ms)"
			latency=$(((latency - base) / 1000))
		fi
		rm -f "$tmp/out"
		((latency >= best)) || best=$latency
		((best >= 100)) || break
	done
	latency=$best
}

# The bound is 100 ms (README, "What a guest can make the monitor do"):
# SIGTERM measures the stop itself, kill to exit, against it. --timeout
# takes the same path (a signal sets the request the loop checks between
# bounded steps), but is measured as a whole run against a spinning
# guest's, which in the KVM sandbox varies by some 300 ms from run to run
# (and more once the guest has written a gigabyte into its tmpfs): there
# the bar is 250 ms, still far below the seconds an unbounded notification
# took. Natively both stop within 2 ms (README, Performance).
@test "a guest that keeps the monitor busy (receive from 1 TiB, transmit to a file, entropy): --timeout and SIGTERM act within 100 ms" {
	big_input
	local dev redirect bits
	for dev in rx tx rng; do
		redirect="<'$tmp/big' >/dev/null"
		[[ $dev == rx ]] || redirect="</dev/null >'$tmp/out'"
		for bits in 64 32; do
			stop_latency timeout "'$KVMRUN' --timeout=1s '$GUESTS/hostile$bits.elf' bulk $dev forever $redirect"
			assert_status 124
			assert_stderr_has "kvmrun: guest stopped: time limit of 1s reached"
			((latency < 250))
		done
		stop_latency TERM "'$KVMRUN' '$GUESTS/hostile64.elf' bulk $dev forever $redirect"
		assert_status 143
		assert_stderr_has "kvmrun: guest stopped: terminated (SIGTERM)"
		((latency < 100))
	done
}
