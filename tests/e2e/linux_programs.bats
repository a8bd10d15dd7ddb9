#!/usr/bin/env bats
# Static Linux programs, unmodified, on kvmrun's guest kernel: the C library
# test program (tests/guests/libc.c) built as users build theirs, with
# glibc (gcc -static, gcc -m32 -static, gcc -static-pie) and musl
# (musl-gcc -static; i386 linked against Debian's i386 musl), compared with
# the same source built for the host.

load helpers

PROGRAMS="$O/tests/programs"
FLAVOURS=(glibc64 glibc32 glibc64-pie musl64 musl32)

# run_program FLAVOUR ARGS... : kvmrun with room for an i386 program linked
# at 128 MiB.
run_program() {
	local flavour=$1
	shift
	kvmrun --mem=256M "$PROGRAMS/libc-$flavour" "$@"
}

@test "stdio, maths, strtod, TLS, constructors, setjmp, uname: the host build's output, every flavour" {
	for scenario in stdio math tls ctor setjmp; do
		run --separate-stderr "$GUESTS/libc-host" $scenario
		assert_status 0
		local want=$output want_err=$stderr
		for flavour in "${FLAVOURS[@]}"; do
			run_program $flavour $scenario
			assert_status 0
			[[ "$output" == "$want" ]] || { echo "$scenario $flavour: $output"; echo "host: $want"; return 1; }
			[[ "$stderr" == "$want_err" ]] || { echo "$scenario $flavour stderr: $stderr"; return 1; }
		done
	done
	for flavour in "${FLAVOURS[@]}"; do
		run_program $flavour uname
		assert_status 0
		local machine=x86_64
		[[ $flavour == *32 ]] && machine=i686
		[[ "$output" == "uname: Linux kvmrun $machine"$'\n'"ids: 0 0 0 0 pid 1" ]]
	done
}

@test "argv and the environment (--env only), exit statuses 0-255" {
	for flavour in "${FLAVOURS[@]}"; do
		run_program $flavour args one "two words" "" --env A=1 --env "B=x y"
		# (options after the program are its arguments)
		assert_status 0
		[[ "$output" == $'arg 0: one\narg 1: two words\narg 2: \narg 3: --env\narg 4: A=1\narg 5: --env\narg 6: B=x y' ]]
		kvmrun --mem=256M --env A=1 --env "B=x y" "$PROGRAMS/libc-$flavour" args
		assert_status 0
		[[ "$output" == $'env: A=1\nenv: B=x y' ]]
		for code in 0 1 42 255; do
			run_program $flavour exit $code
			assert_status $code
		done
	done
}

@test "dup, dup2, dup3, F_DUPFD: redirections of stdout and stderr, as the host build makes them" {
	run --separate-stderr "$GUESTS/libc-host" dup </dev/null
	assert_status 0
	local want=$output want_err=$stderr
	[[ "$want" == $'to stdout\ndup: ok' && "$want_err" == $'to stderr\ndup of 2\n1 is 2' ]]
	for flavour in "${FLAVOURS[@]}"; do
		run_program $flavour dup
		assert_status 0
		[[ "$output" == "$want" && "$stderr" == "$want_err" ]] || { echo "$flavour: $output / $stderr"; return 1; }
	done
}

@test "stdin to its end from a pipe; malloc up to near --mem and again; mmap, mremap, EFAULT" {
	local in=$BATS_TEST_TMPDIR/in
	head -c 200000 /dev/urandom | base64 >"$in"
	run --separate-stderr "$GUESTS/libc-host" stdin <"$in"
	assert_status 0
	local want=$output
	for flavour in "${FLAVOURS[@]}"; do
		run --separate-stderr bash -c "cat '$in' | timeout 60 '$KVMRUN' --mem=256M '$PROGRAMS/libc-$flavour' stdin"
		assert_status 0
		[[ "$output" == "$want" ]]
		run_program $flavour malloc 100
		assert_status 0
		[[ "$output" == *"realloc: to 64 MiB"* && "$output" != *FAIL* ]]
		each_ok "run_program $flavour" mmap efault
	done
}

@test "clocks, a 50 ms sleep, the wall clock, getrandom, /proc/self/exe, resource limits" {
	for flavour in "${FLAVOURS[@]}"; do
		check_clocks "run_program $flavour"
		each_ok "run_program $flavour" random exe machine
		run_program $flavour limits
		assert_status 0
		[[ "$output" == "limits: ram 256 MiB, name a-rather-long-t" ]]
	done
}

@test "abort() is status 134, raise(SIGTERM) 143, with one line on stderr; glibc's start-up is refused nothing" {
	for flavour in "${FLAVOURS[@]}"; do
		run_program $flavour abort
		assert_status 134
		[[ "$output" == "abort: before" ]]
		[[ "$stderr" == *"kvmrun: app killed by signal 6 (SIGABRT)" ]]
		run_program $flavour raise 15
		assert_status 143
		[[ "$stderr" == "kvmrun: app killed by signal 15 (SIGTERM)" ]]
		# No "not supported" line: every call of the C library's start-up
		# and exit is served.
		run_program $flavour tls
		assert_status 0
		[[ -z "$stderr" ]] || { echo "$flavour: $stderr"; return 1; }
	done
}

@test "system calls that move no data cost no VM exit in a static program either" {
	for flavour in glibc64 glibc32 musl64; do
		kvmrun --stats --mem=256M "$PROGRAMS/libc-$flavour" calls 0
		assert_status 0
		local base exits
		base=$(sed -n 's/.*stats: exits=\([0-9]*\).*/\1/p' <<<"$stderr")
		kvmrun --stats --mem=256M "$PROGRAMS/libc-$flavour" calls 200000
		assert_status 0
		[[ "$output" == "calls: 200000, pid sum 200000" ]]
		exits=$(sed -n 's/.*stats: exits=\([0-9]*\).*/\1/p' <<<"$stderr")
		echo "$flavour exits: $base without the calls, $exits with them"
		[[ -n $base && -n $exits && $exits -lt $((base + 10)) ]]
	done
}

@test "an i386 program linked at 128 MiB with the default --mem: status 126 saying what --mem to pass" {
	kvmrun "$PROGRAMS/libc-glibc32" exit 3
	assert_status 126
	[[ -z "$output" ]]
	assert_stderr_has "segment 0: the program is linked at [0x8048000, 0x"
	assert_stderr_has "past the end of guest RAM (64 MiB): run it with --mem="
	local mem=${stderr##*--mem=}
	mem=${mem%% *}
	kvmrun --mem="$mem" "$PROGRAMS/libc-glibc32" exit 3
	assert_status 3
}

@test "a dynamically linked program: status 126 naming its interpreter and how to link it" {
	local prog=$BATS_TEST_TMPDIR/dynamic
	printf 'int main(void) { return 0; }\n' >"$prog.c"
	gcc -o "$prog" "$prog.c"
	f=$prog
	kvmrun "$prog"
	assert_status 126
	assert_stderr_has "PT_INTERP (/lib64/ld-linux-x86-64.so.2): a dynamically linked program; kvmrun runs static ones: link it with -static"
	# musl-gcc's -static-pie makes a dynamic PIE, refused the same way.
	musl-gcc -fPIE -static-pie -o "$prog" "$prog.c"
	kvmrun "$prog"
	assert_status 126
	assert_stderr_has "PT_INTERP (/lib/ld-musl-x86_64.so.1): a dynamically linked program"
	# A shared library is not a program.
	gcc -shared -fPIC -o "$prog.so" "$prog.c"
	kvmrun "$prog.so"
	assert_status 126
	assert_stderr_has "ET_DYN without DF_1_PIE: a shared library, not a program"
}

@test "a program written without any C library: a bare exit system call" {
	local prog=$BATS_TEST_TMPDIR/bare
	printf '.globl _start\n_start: mov $60, %%eax\n mov $7, %%edi\n syscall\n' >"$prog.S"
	gcc -nostdlib -static -no-pie -o "$prog" "$prog.S"
	kvmrun "$prog"
	assert_status 7
	[[ -z "$output" && -z "$stderr" ]]
	printf '.globl _start\n_start: mov $1, %%eax\n mov $9, %%ebx\n int $0x80\n' >"$prog.S"
	gcc -m32 -nostdlib -static -no-pie -o "$prog" "$prog.S"
	kvmrun --mem=256M "$prog"
	assert_status 9
}
