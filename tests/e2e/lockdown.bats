#!/usr/bin/env bats
# The running monitor is locked down, seen from outside; limits and signals
# stop a guest that never ends.

load helpers

setup() {
	tmp=$(mktemp -d)
}

teardown() {
	[[ -z "${pid:-}" ]] || kill -9 "$pid" 2>/dev/null || true
	rm -rf "$tmp"
}

# Start a guest that spins forever; wait until it printed its first line.
start_spinner() {
	"$KVMRUN" "$@" "$GUESTS/spin64.elf" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	for _ in $(seq 100); do
		[[ -s "$tmp/out" ]] && return 0
		sleep 0.1
	done
	echo "the guest did not start: $(cat "$tmp/err")"
	return 1
}

@test "a running kvmrun has seccomp mode 2, no_new_privs and only its own descriptors" {
	exec 5</dev/null 6>/dev/null # inherited descriptors kvmrun must not keep
	start_spinner
	grep -q '^Seccomp:[[:space:]]*2$' /proc/$pid/status
	grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/$pid/status
	fds=$(for fd in /proc/$pid/fd/*; do echo "${fd##*/} $(readlink "$fd")"; done | sort -n)
	echo "$fds"
	[[ $(wc -l <<<"$fds") -eq 5 ]]
	grep -q '^0 ' <<<"$fds"
	grep -q '^1 ' <<<"$fds"
	grep -q '^2 ' <<<"$fds"
	grep -q ' anon_inode:kvm-vm$' <<<"$fds"
	grep -q ' anon_inode:kvm-vcpu:0$' <<<"$fds"
	! grep -q '/dev/kvm' <<<"$fds"
	kill -TERM "$pid"
	wait "$pid" || status=$?
	[[ $status -eq 143 ]]
	pid=
	exec 5<&- 6>&-
}

@test "--cpu=0 pins kvmrun to CPU 0; a CPU it may not run on is refused with status 125" {
	start_spinner --cpu=0
	grep '^Cpus_allowed_list:' /proc/$pid/status
	grep -q '^Cpus_allowed_list:[[:space:]]*0$' /proc/$pid/status
	kill -TERM "$pid"
	wait "$pid" || true
	pid=
	local n
	n=$(getconf _NPROCESSORS_CONF)
	kvmrun --cpu="$n" "$GUESTS/spin64.elf"
	assert_status 125
	assert_stderr_has "kvmrun: cannot run on CPU $n (--cpu): Invalid argument"
}

@test "--unsafe-no-seccomp runs without the filter and says so" {
	start_spinner --unsafe-no-seccomp
	grep -q '^Seccomp:[[:space:]]*0$' /proc/$pid/status
	kill -TERM "$pid"
	wait "$pid" || true
	pid=
	grep -q 'kvmrun: warning: --unsafe-no-seccomp: running without the seccomp filter' "$tmp/err"
}

@test "--timeout stops a spinning guest with status 124, 32- and 64-bit" {
	for bits in 32 64; do
		SECONDS=0
		kvmrun --timeout=1s "$GUESTS/spin$bits.elf"
		assert_status 124
		[[ "$output" == "spinning" ]]
		assert_stderr_has "kvmrun: guest stopped: time limit of 1s reached (rip 0x"
		[[ $SECONDS -le 10 ]]
	done
}

@test "--timeout without a unit means seconds, and the report says so" {
	kvmrun --timeout=1 "$GUESTS/spin64.elf"
	assert_status 124
	assert_stderr_has "kvmrun: guest stopped: time limit of 1s reached (rip 0x"
	kvmrun --timeout=0.5 "$GUESTS/spin32.elf"
	assert_status 124
	assert_stderr_has "kvmrun: guest stopped: time limit of 0.5s reached (rip 0x"
}

@test "a --timeout that rounds to 0 ns is the shortest limit, not none" {
	SECONDS=0
	kvmrun --timeout=0.0000001ms "$GUESTS/spin64.elf"
	assert_status 124
	assert_stderr_has "kvmrun: guest stopped: time limit of 0.0000001ms reached (rip 0x"
	[[ $SECONDS -le 10 ]]
}

@test "a SIGALRM nobody asked for (no --timeout): status 142, no time limit named" {
	start_spinner
	kill -ALRM "$pid"
	wait "$pid" || status=$?
	pid=
	[[ $status -eq 142 ]]
	grep -q '^kvmrun: guest stopped: alarm (SIGALRM) (rip 0x' "$tmp/err"
}

@test "--timeout does not touch a guest that ends in time" {
	kvmrun --timeout=1m "$GUESTS/exitcode64.elf" 3
	assert_status 3
	[[ -z "$stderr" ]]
}

@test "bad --timeout values: status 125, one line" {
	for bad in x 1x -1 1.5q "" 999999999h; do
		kvmrun --timeout="$bad" "$GUESTS/exitcode64.elf"
		assert_status 125
		[[ "$stderr" == "kvmrun: bad --timeout: "* ]]
	done
}

@test "SIGINT and SIGTERM stop the guest promptly: 130 and 143, output kept" {
	for sig in INT TERM; do
		start_spinner
		SECONDS=0
		kill -"$sig" "$pid"
		wait "$pid" || status=$?
		pid=
		[[ $SECONDS -le 5 ]]
		[[ "$(cat "$tmp/out")" == "spinning" ]]
		if [[ $sig == INT ]]; then
			[[ $status -eq 130 ]]
			grep -q '^kvmrun: guest stopped: interrupted (SIGINT)' "$tmp/err"
		else
			[[ $status -eq 143 ]]
			grep -q '^kvmrun: guest stopped: terminated (SIGTERM)' "$tmp/err"
		fi
	done
}

@test "SIGTERM stops a guest blocked waiting for input" {
	mkfifo "$tmp/fifo"
	"$KVMRUN" "$APPS/cat64.elf" <"$tmp/fifo" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	exec 7>"$tmp/fifo"
	sleep 1
	kill -TERM "$pid"
	wait "$pid" || status=$?
	pid=
	exec 7>&-
	[[ $status -eq 143 ]]
}
