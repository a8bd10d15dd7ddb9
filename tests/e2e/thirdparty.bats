#!/usr/bin/env bats
# A real third-party program, unmodified: SQLite's shell, built from its
# released sources with kvmrun-cc (GNUmakefile, "third party"), gives the
# same output under kvmrun as the same sources built for the host.

load helpers

SQLITE_DIR="$O/thirdparty"

@test "SQLite's shell: the same output as the host build, 32- and 64-bit" {
	local sql=$ROOT/tests/thirdparty/sqlite.sql
	run --separate-stderr "$SQLITE_DIR/sqlite3-host" <"$sql"
	assert_status 0
	local want=$output
	[[ "$want" == *"integrity_check"*"ok" ]]
	for bits in 32 64; do
		run --separate-stderr bash -c "timeout 120 '$KVMRUN' --mem=256M --env HOME=/ '$SQLITE_DIR/sqlite3-$bits.elf' <'$sql'"
		assert_status 0
		[[ -z "$stderr" ]] || { echo "stderr: $stderr"; return 1; }
		if [[ "$output" != "$want" ]]; then
			diff <(echo "$want") <(echo "$output") | head -20
			return 1
		fi
		assert_no_sanitizer_report
	done
}

@test "SQLite's shell: an SQL error is reported on stderr with the shell's own status" {
	for bits in 32 64; do
		run --separate-stderr bash -c "echo 'SELECT * FROM nosuchtable;' | timeout 60 '$KVMRUN' '$SQLITE_DIR/sqlite3-$bits.elf'"
		assert_status 1
		[[ "$stderr" == *"no such table: nosuchtable"* ]]
		[[ -z "$output" ]]
	done
}
