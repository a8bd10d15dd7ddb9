#!/usr/bin/env bats
# Output that cannot be written, input that cannot be read: never a success.
# A write error other than a closed pipe (ENOSPC, EFBIG, EIO, ...) and any
# read error on stdin stop the guest with one line and status 125, as cat(1)
# fails on a full disk. A reader that goes away (EPIPE) is not an error: the
# guest runs on and its output is dropped (hostile.bats tests that).

load helpers

setup() {
	tmp=$(mktemp -d)
}

teardown() {
	rm -rf "$tmp"
}

# The guest was stopped for a host I/O error: status 125 and this one line.
assert_io_stop() {
	assert_status 125
	assert_stderr_has "kvmrun: guest stopped: $1 (rip 0x"
	assert_one_line
}

assert_one_line() {
	local n
	n=$(printf '%s\n' "$stderr" | wc -l)
	if [[ $n -ne 1 ]]; then
		echo "stderr has $n lines, expected 1: $stderr"
		return 1
	fi
}

@test "stdout is /dev/full: status 125, 'No space left on device', both consoles, 32- and 64-bit" {
	for bits in 32 64; do
		run --separate-stderr bash -c "timeout 60 '$KVMRUN' '$APPS/hello$bits.elf' >/dev/full"
		assert_io_stop "writing the guest's output failed: No space left on device"
	done
	run --separate-stderr bash -c "timeout 60 '$KVMRUN' '$GUESTS/hostile32.elf' flood early 1 >/dev/full"
	assert_io_stop "writing the guest's output failed: No space left on device"
}

@test "cat copies 4 MiB onto a 1 MiB file system: status 125, 'No space left on device'" {
	head -c $((4 << 20)) /dev/urandom >"$tmp/in"
	mkdir "$tmp/small"
	local as_root=-r
	[[ $(id -u) -ne 0 ]] || as_root=
	# A private mount namespace (a user namespace too when not root).
	run --separate-stderr unshare $as_root -m bash -c "
		mount -t tmpfs -o size=1M tmpfs '$tmp/small' || exit 90
		timeout 60 '$KVMRUN' '$APPS/cat64.elf' <'$tmp/in' >'$tmp/small/out'
		rc=\$?
		echo \"copied \$(stat -c %s '$tmp/small/out')\"
		exit \$rc"
	echo "$output"
	assert_io_stop "writing the guest's output failed: No space left on device"
	[[ "$output" =~ ^copied\ [0-9]+$ ]]
	((${output#copied } <= 1 << 20))
}

@test "a file-size limit (ulimit -f): status 125, 'File too large', not SIGXFSZ" {
	head -c $((4 << 20)) /dev/urandom >"$tmp/in"
	run --separate-stderr bash -c "ulimit -f 1024; timeout 60 '$KVMRUN' '$APPS/cat64.elf' <'$tmp/in' >'$tmp/out'"
	assert_io_stop "writing the guest's output failed: File too large"
	[[ $(stat -c %s "$tmp/out") -eq $((1 << 20)) ]]
	cmp -n $((1 << 20)) "$tmp/in" "$tmp/out"
}

@test "a directory on stdin: status 125, 'Is a directory', not an empty input" {
	for bits in 32 64; do
		run --separate-stderr bash -c "timeout 60 '$KVMRUN' '$APPS/sha256sum$bits.elf' </"
		assert_io_stop "reading the guest's input failed: Is a directory"
		# No digest: the empty input's would be e3b0c442...
		[[ "$output" != *e3b0c442* ]]
	done
}

@test "stdout not open for writing: status 125, 'Bad file descriptor'" {
	run --separate-stderr bash -c "timeout 60 '$KVMRUN' '$APPS/hello64.elf' 1</dev/null"
	assert_io_stop "writing the guest's output failed: Bad file descriptor"
}
