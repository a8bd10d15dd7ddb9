#!/usr/bin/env bats
# The C library (musl) on the guest runtime's system-call layer, 32- and
# 64-bit: tests/guests/libc.c, one scenario per run.

load helpers

# run_libc BITS SCENARIO [ARG] [-- KVMRUN OPTIONS]
run_libc() {
	local bits=$1 scenario=$2 arg=${3:-}
	local opts=()
	[[ $# -gt 3 ]] && opts=("${@:4}")
	kvmrun "${opts[@]}" "$GUESTS/libc$bits.elf" "$scenario" ${arg:+"$arg"}
}

@test "stdio: stdout and stderr reach kvmrun's stdout and stderr, apart; printf of floats" {
	for bits in 32 64; do
		run_libc $bits stdio
		assert_status 0
		[[ "$output" == $'out: 42 text x\nout: second line\nfloat: 3.141593 1e-05 1.234568e+04 -0.12\nout: last' ]]
		[[ "$stderr" == $'err: one\nerr: 2.500' ]]
	done
}

@test "stdin: read to its end, byte for byte, from a pipe and from a file" {
	local in=$BATS_TEST_TMPDIR/in
	head -c 300000 /dev/urandom | base64 >"$in"
	# (not "lines": bats's run sets that)
	local nbytes nlines
	nbytes=$(wc -c <"$in")
	nlines=$(wc -l <"$in")
	for bits in 32 64; do
		run --separate-stderr bash -c "timeout 60 '$KVMRUN' '$GUESTS/libc$bits.elf' stdin <'$in'"
		assert_status 0
		[[ "$output" == "stdin: $nbytes bytes, $nlines lines, sum "* ]]
		local sum=${output##* }
		run --separate-stderr bash -c "cat '$in' | timeout 60 '$KVMRUN' '$GUESTS/libc$bits.elf' stdin"
		assert_status 0
		[[ "$output" == "stdin: $nbytes bytes, $nlines lines, sum $sum" ]]
	done
}

@test "malloc: most of --mem, twice (freed memory is reused), realloc to 64 MiB, ENOMEM at the end" {
	for bits in 32 64; do
		run_libc $bits malloc 900 --mem=1G
		assert_status 0
		[[ "$output" == *"realloc: to 64 MiB"* ]]
		[[ "$output" != *FAIL* ]]
	done
}

@test "TLS with initialisers, constructors, atexit, setjmp/longjmp" {
	for bits in 32 64; do
		run_libc $bits tls
		assert_status 0
		[[ "$output" == $'tls: 42 initial 0\ntls: 43 changed' ]]
		run_libc $bits ctor
		assert_status 0
		[[ "$output" == $'ctor: constructor ran 1 time(s)\nctor: atexit ran' ]]
		run_libc $bits setjmp
		assert_status 0
		[[ "$output" == "setjmp: came back with 7 after 3 rounds" ]]
	done
}

@test "maths, strtod, printf, TLS, constructors, setjmp: the same output as the program built for the host" {
	for scenario in math stdio tls ctor setjmp uname; do
		run --separate-stderr "$GUESTS/libc-host" $scenario
		assert_status 0
		local want=$output
		[[ $scenario == uname ]] && want=${want%%$'\n'*} && want=${want%% *}
		for bits in 32 64; do
			run_libc $bits $scenario
			assert_status 0
			[[ $scenario == uname ]] && output=${output%%$'\n'*} && output=${output%% *}
			[[ "$output" == "$want" ]] || { echo "$scenario $bits: $output"; echo "host: $want"; return 1; }
		done
	done
}

@test "dup, dup2, dup3, F_DUPFD: descriptors lead to the console streams, as a shell's redirections need" {
	for bits in 32 64; do
		run_libc $bits dup
		assert_status 0
		[[ "$output" == $'to stdout\ndup: ok' ]]
		[[ "$stderr" == $'to stderr\ndup of 2\n1 is 2' ]]
	done
}

@test "no network (EAFNOSUPPORT, ENOTSOCK), 1024 descriptors under RLIMIT_NOFILE, no file to map; nothing said on stderr" {
	for bits in 32 64; do
		each_ok "run_libc $bits" machine
		[[ -z "$stderr" ]] || { echo "$stderr"; return 1; }
	done
}

@test "clocks: CLOCK_MONOTONIC never goes back; a 50 ms sleep takes 50 ms; the wall clock is the host's" {
	for bits in 32 64; do
		check_clocks "run_libc $bits"
	done
}

@test "getrandom and getentropy: the 64 bytes start_info brought, each once, then the entropy device" {
	for bits in 32 64; do
		run_libc $bits random "" --stats
		assert_status 0
		[[ "$output" == "random: ok" ]]
		# 104 bytes asked for: 64 from start_info, 40 from the device.
		[[ "$stderr" == *" rng_bytes=40 "* ]] || { echo "$stderr"; return 1; }
	done
}

@test "abort() ends the app with status 134 and a line on stderr; raise(SIGTERM) with 143" {
	for bits in 32 64; do
		run_libc $bits abort
		assert_status 134 # stdout flushed by the guest first: abort() itself does not
		[[ "$output" == "abort: before" ]]
		[[ "$stderr" == "kvmrun: app killed by signal 6 (SIGABRT)" ]]
		run_libc $bits raise 15
		assert_status 143
		[[ "$output" == "raise: before" ]]
		[[ "$stderr" == "kvmrun: app killed by signal 15 (SIGTERM)" ]]
		run_libc $bits raise 28 # SIGWINCH: ignored by default
		assert_status 0
		[[ "$output" == $'raise: before\nraise: returned' ]]
	done
}

@test "a system call kvmrun does not serve: ENOSYS, said once on stderr with its number" {
	run_libc 64 refused
	assert_status 0
	[[ "$output" == "refused: ENOSYS" ]]
	[[ "$stderr" == "kvmrun: app: system call 294 (x86-64) not supported: ENOSYS" ]]
	run_libc 32 refused
	assert_status 0
	[[ "$stderr" == "kvmrun: app: system call 332 (i386) not supported: ENOSYS" ]]
}

@test "a pointer outside RAM gets EFAULT; anonymous mmap, munmap and mremap work" {
	for bits in 32 64; do
		each_ok "run_libc $bits" efault mmap
	done
}

@test "system calls that move no data cost no VM exit: 200,000 clock_gettime and getpid calls" {
	for bits in 32 64; do
		run_libc $bits calls 0 --stats
		assert_status 0
		local base
		base=$(sed -n 's/.*stats: exits=\([0-9]*\).*/\1/p' <<<"$stderr")
		run_libc $bits calls 200000 --stats
		assert_status 0
		[[ "$output" == "calls: 200000, pid sum 200000" ]]
		local exits
		exits=$(sed -n 's/.*stats: exits=\([0-9]*\).*/\1/p' <<<"$stderr")
		echo "exits: $base without the calls, $exits with them"
		[[ -n $base && -n $exits && $exits -lt $((base + 10)) ]]
	done
}

@test "resource limits, sysinfo and prctl's name: the machine's own figures" {
	for bits in 32 64; do
		run_libc $bits limits "" --mem=96M
		assert_status 0
		[[ "$output" == "limits: ram 96 MiB, name a-rather-long-t" ]]
	done
}

@test "uname and the ids: Linux on a machine of its own, root, pid 1" {
	run_libc 64 uname
	assert_status 0
	[[ "$output" == $'uname: Linux kvmrun x86_64\nids: 0 0 0 0 pid 1' ]]
	run_libc 32 uname
	assert_status 0
	[[ "$output" == $'uname: Linux kvmrun i686\nids: 0 0 0 0 pid 1' ]]
}

@test "output written before a crash still reaches stdout (the runtime's pending output)" {
	for bits in 32 64; do
		kvmrun "$GUESTS/triplefault$bits.elf"
		assert_status 122
		[[ "$output" == "about to triple fault" ]]
	done
}
