#!/usr/bin/env bats
# Real static Linux programs nobody here wrote, unmodified: Debian's
# busybox-static, 64-bit and its i386 build (tests/thirdparty/fetch-busybox),
# and SQLite's shell linked with gcc -static. Each applet's output under
# kvmrun is compared with the same binary run as a host process.

load helpers

TP="$O/thirdparty"

setup() {
	data=$BATS_TEST_TMPDIR/data
	text=$BATS_TEST_TMPDIR/text
	[[ -f $data ]] || head -c 1500000 /dev/urandom >"$data"
	[[ -f $text ]] || awk 'BEGIN { srand(7); for (i = 0; i < 3000; i++) printf "%d word%d %s\n", int(rand() * 100000), i % 17, (i % 5 ? "kvmrun" : "linux") }' >"$text"
}

# same BITS INPUT APPLET ARGS...: the applet under kvmrun and on the host,
# the input on stdin, the same stdout and status.
same() {
	local bits=$1 input=$2
	shift 2
	local bb=$TP/busybox$bits
	run --separate-stderr "$bb" "$@" <"$input"
	local want=$output want_status=$status
	run --separate-stderr bash -c 'timeout 120 "$@" <"$0"' "$input" "$KVMRUN" --mem=256M "$bb" "$@"
	assert_no_sanitizer_report
	if [[ "$status" -ne $want_status || "$output" != "$want" ]]; then
		echo "busybox$bits $*: status $status (host $want_status)"
		diff <(echo "$want") <(echo "$output") | head -10
		echo "stderr: $stderr"
		return 1
	fi
}

@test "busybox sha256sum, md5sum and wc: the host's results, 64- and 32-bit" {
	for bits in 64 32; do
		same $bits "$data" sha256sum
		[[ "$output" == "$(sha256sum <"$data")" ]]
		same $bits "$data" md5sum
		same $bits "$text" wc
	done
}

@test "busybox sort, sed and awk: the host's results, 64- and 32-bit" {
	for bits in 64 32; do
		same $bits "$text" sort -n
		same $bits "$text" sort -k2,2 -k1,1n
		same $bits "$text" sed -e 's/word\([0-9]*\)/W<\1>/g' -e '/linux/d'
		same $bits "$text" awk '{ n[$2]++; s += $1 } END { for (k in n) print k, n[k]; print "sum", s }'
	done
}

@test "busybox gzip | gunzip round trip over stdin: the input back, and the host's compressed bytes" {
	local z=$BATS_TEST_TMPDIR/z
	for bits in 64 32; do
		local bb=$TP/busybox$bits
		run bash -c "timeout 120 '$KVMRUN' --mem=256M '$bb' gzip -c <'$data' >'$z' && timeout 120 '$KVMRUN' --mem=256M '$bb' gunzip -c <'$z' | cmp - '$data'"
		assert_status 0
		cmp "$z" <("$bb" gzip -c <"$data")
	done
}

@test "busybox sh: a script's output, its redirections and exit status; true and false" {
	for bits in 64 32; do
		kvmrun --mem=256M "$TP/busybox$bits" sh -c 'for i in 1 2 3; do echo "line $i"; done; x=$((6 * 7)); echo "x=$x" >&2; exit 5'
		assert_status 5
		[[ "$output" == $'line 1\nline 2\nline 3' ]]
		[[ "$stderr" == "x=42" ]]
		kvmrun --mem=256M "$TP/busybox$bits" true
		assert_status 0
		kvmrun --mem=256M "$TP/busybox$bits" false
		assert_status 1
	done
}

@test "busybox cat of a host file: no such file, inside the VM nothing of the host's is there" {
	for bits in 64 32; do
		kvmrun --mem=256M "$TP/busybox$bits" cat /etc/passwd
		assert_status 1
		[[ -z "$output" ]]
		[[ "$stderr" == "cat: can't open '/etc/passwd': No such file or directory" ]]
		kvmrun --mem=256M "$TP/busybox$bits" ls /
		[[ "$output" != *etc* ]]
	done
}

@test "SQLite's shell linked with gcc -static: the same output as the host build" {
	local sql=$ROOT/tests/thirdparty/sqlite.sql
	run --separate-stderr "$TP/sqlite3-host" <"$sql"
	assert_status 0
	local want=$output
	run --separate-stderr bash -c "timeout 120 '$KVMRUN' --mem=256M --env HOME=/ '$TP/sqlite3-static' <'$sql'"
	assert_status 0
	[[ -z "$stderr" ]] || { echo "stderr: $stderr"; return 1; }
	[[ "$output" == "$want" ]] || { diff <(echo "$want") <(echo "$output") | head -20; return 1; }
}
