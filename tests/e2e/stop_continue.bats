#!/usr/bin/env bats
# A stopped and continued kvmrun goes on as if nothing happened: SIGSTOP
# (or Ctrl-Z, a debugger attaching, a cgroup freeze) then SIGCONT, wherever
# the monitor is (waiting for input, blocked writing to a full pipe, running
# a spinning guest). A wait interrupted so resumes through restart_syscall,
# which the seccomp filter allows for that reason.

load helpers

setup() {
	tmp=$(mktemp -d)
	pid=
}

teardown() {
	[[ -z "$pid" ]] || kill -KILL "$pid" 2>/dev/null || true
	exec 4>&- 5<&- 2>/dev/null || true
	rm -rf "$tmp"
}

# pairs PID N: N stops and continues of PID (tests/e2e/stop-continue),
# each one complete before the next; fails, saying how far it got and what
# kvmrun said, if kvmrun went away.
pairs() {
	local done
	if ! done=$("$BATS_TEST_DIRNAME/stop-continue" "$1" "$2"); then
		echo "only $done of $2 stop/continue pairs: kvmrun is gone; its stderr: $(cat "$tmp/err")"
		return 1
	fi
}

# The monitor's stderr must hold no sandbox violation.
assert_no_violation() {
	if grep -q 'sandbox violation' "$tmp/err"; then
		cat "$tmp/err"
		return 1
	fi
}

@test "stopped and continued while the guest waits for input: the input still arrives, status 0" {
	mkfifo "$tmp/in"
	"$KVMRUN" "$APPS/cat64.elf" <"$tmp/in" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	exec 4>"$tmp/in" # the writer, silent for now
	sleep 1          # booted, and waiting in poll
	pairs "$pid" 5
	echo "still here" >&4
	exec 4>&-
	status=0
	wait "$pid" || status=$?
	pid=
	assert_no_violation
	[[ $status -eq 0 ]]
	[[ "$(cat "$tmp/out")" == "still here" ]]
}

@test "stopped and continued while blocked writing to a full pipe: output byte-exact, status 0" {
	head -c $((4 << 20)) /dev/urandom >"$tmp/in"
	mkfifo "$tmp/pipe"
	# The reader opens at once but reads only once the pairs are sent:
	# kvmrun fills the pipe and blocks in write() meanwhile.
	(exec 5<"$tmp/pipe"
	 while [[ ! -e "$tmp/pairs-done" ]]; do sleep 0.05; done
	 cat <&5 >"$tmp/out") &
	local reader=$!
	"$KVMRUN" "$APPS/cat64.elf" <"$tmp/in" >"$tmp/pipe" 2>"$tmp/err" &
	pid=$!
	sleep 1
	pairs "$pid" 5
	: >"$tmp/pairs-done"
	status=0
	wait "$pid" || status=$?
	pid=
	wait "$reader"
	assert_no_violation
	[[ $status -eq 0 ]]
	cmp "$tmp/in" "$tmp/out"
}

@test "stopped and continued while a guest spins: the time limit still ends it, status 124" {
	"$KVMRUN" --timeout=6s "$GUESTS/spin64.elf" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	sleep 1
	pairs "$pid" 5
	status=0
	wait "$pid" || status=$?
	pid=
	assert_no_violation
	[[ $status -eq 124 ]]
	grep -qx "kvmrun: guest stopped: time limit of 6s reached (rip 0x[0-9a-f]*)" "$tmp/err"
}

@test "1000 stops and continues while cat moves 64 MiB through pipes: output byte-exact, status 0" {
	head -c $((48 << 20)) /dev/urandom >"$tmp/part1"
	head -c $((16 << 20)) /dev/urandom >"$tmp/part2"
	mkfifo "$tmp/in" "$tmp/outpipe"
	# The source holds back the last 16 MiB until the storm is over, so
	# that every pair lands while the copy is under way.
	(cat "$tmp/part1"
	 while [[ ! -e "$tmp/storm-done" ]]; do sleep 0.05; done
	 cat "$tmp/part2") >"$tmp/in" &
	local source=$!
	cat "$tmp/outpipe" >"$tmp/out" &
	local sink=$!
	"$KVMRUN" "$APPS/cat64.elf" <"$tmp/in" >"$tmp/outpipe" 2>"$tmp/err" &
	pid=$!
	local ok=0
	pairs "$pid" 1000 && ok=1
	: >"$tmp/storm-done"
	status=0
	wait "$pid" || status=$?
	pid=
	wait "$source" "$sink"
	assert_no_violation
	((ok))
	[[ $status -eq 0 ]]
	cat "$tmp/part1" "$tmp/part2" | cmp - "$tmp/out"
}
