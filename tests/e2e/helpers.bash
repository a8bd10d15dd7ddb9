# Shared set-up for the end-to-end tests. KVMRUN names the monitor binary
# under test (the normal or the ASan/UBSan build); O the build directory.
bats_require_minimum_version 1.5.0

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
O=${O:-build}
[[ $O = /* ]] || O="$ROOT/$O"
KVMRUN=${KVMRUN:-$O/kvmrun}
GUESTS="$O/tests/guests"
APPS="$O/apps"

# A sanitizer report must fail the test, never pass as a guest status.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=99:abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:exitcode=98}

# kvmrun ARGS...: run the monitor, stdout and stderr kept apart.
kvmrun() {
	run --separate-stderr timeout 60 "$KVMRUN" "$@"
}

# The exact one-line diagnostic on stderr, and nothing from a sanitizer.
assert_stderr_has() {
	if [[ "$stderr" != *"$1"* ]]; then
		echo "stderr lacks: $1"
		echo "stderr was: $stderr"
		return 1
	fi
	assert_no_sanitizer_report
}

assert_no_sanitizer_report() {
	if [[ "$stderr" == *"Sanitizer"* || "$stderr" == *"runtime error"* ]]; then
		echo "sanitizer report: $stderr"
		return 1
	fi
}

assert_status() {
	if [[ "$status" -ne "$1" ]]; then
		echo "status $status, expected $1"
		echo "stdout: $output"
		echo "stderr: $stderr"
		return 1
	fi
}

# The C library test program's scenarios (tests/guests/libc.c), whichever
# way it runs: RUNNER is a command that runs one scenario ("run_libc 64").

# each_ok RUNNER SCENARIO...: each exits 0 saying "SCENARIO: ok".
each_ok() {
	local runner=$1 scenario
	shift
	for scenario in "$@"; do
		$runner "$scenario"
		assert_status 0 || return 1
		[[ "$output" == "$scenario: ok" ]] || { echo "$runner $scenario: $output"; return 1; }
	done
}

# check_clocks RUNNER: a 50 ms sleep takes 50 ms (less than a second), and
# the wall clock is the host's, to the second.
check_clocks() {
	local runner=$1 ms before after t
	$runner clock
	assert_status 0 || return 1
	[[ "$output" != *FAIL* ]] || { echo "$output"; return 1; }
	ms=${output#clock: slept }
	ms=${ms% ms}
	echo "$runner slept $ms ms"
	[[ $ms -ge 50 && $ms -lt 1000 ]] || return 1
	before=$(date +%s)
	$runner wallclock
	after=$(date +%s)
	assert_status 0 || return 1
	t=${output#wallclock: }
	[[ $t -ge $((before - 1)) && $t -le $((after + 1)) ]] || { echo "wall clock $t, host $before-$after"; return 1; }
}

# crash_line KIND: the line of tests/guests/crash.c marked "CRASH HERE: KIND",
# where that crash happens (crash_report.bats, core_dump.bats, gdb.bats).
crash_line() {
	grep -n "CRASH HERE: $1 \*/" "$ROOT/tests/guests/crash.c" | cut -d: -f1
}
