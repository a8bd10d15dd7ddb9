#!/usr/bin/env bats
# make install into a temporary DESTDIR, then build a program that lives
# outside the tree with the installed kvmrun-cc, through its own Makefile,
# as a user would; make uninstall takes everything away again. Runs on the
# host (no KVM needed); the programs it builds are left in
# $O/tests/installed/ for the end-to-end test that runs them
# (tests/e2e/installed.bats).

bats_require_minimum_version 1.5.0

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
O=${O:-build}
[[ $O = /* ]] || O="$ROOT/$O"

setup_file() {
	export DEST=$BATS_FILE_TMPDIR/dest PREFIX=/opt/kvmrun
	make -C "$ROOT" --no-print-directory O="$O" DESTDIR="$DEST" PREFIX="$PREFIX" install >&3 2>&1
}

@test "make install puts kvmrun, kvmrun-cc, the runtime for both widths, pkg-config and man pages under DESTDIR/PREFIX" {
	local p=$DEST$PREFIX
	[[ -x $p/bin/kvmrun && -x $p/bin/kvmrun-cc ]]
	for arch in x86_64 i386; do
		[[ -f $p/lib/kvmrun/$arch/libkvmrun.a && -f $p/lib/kvmrun/$arch/abi_note.o ]]
		[[ -f $p/lib/kvmrun/$arch/musl/lib/libc.a && -f $p/lib/kvmrun/$arch/musl/lib/crt1.o ]]
		[[ -f $p/lib/kvmrun/$arch/musl/include/stdio.h ]]
		# Copies, not links into the build tree or the host.
		[[ -z $(find "$p/lib/kvmrun" -type l) ]]
	done
	[[ -f $p/lib/kvmrun/include/kvmrun/guest.h && -f $p/lib/kvmrun/link.ld ]]
	[[ -f $p/share/man/man1/kvmrun.1 && -f $p/share/man/man1/kvmrun-cc.1 ]]
	run env PKG_CONFIG_PATH="$p/lib/pkgconfig" pkg-config --variable=kvmrun_cc kvmrun
	[[ $status -eq 0 && $output == "$PREFIX/bin/kvmrun-cc" ]]
	run env PKG_CONFIG_PATH="$p/lib/pkgconfig" pkg-config --cflags kvmrun
	[[ $output == "-I$PREFIX/lib/kvmrun/include"* ]]
}

@test "an out-of-tree program builds with the installed kvmrun-cc through its own Makefile, 32- and 64-bit" {
	local cc=$DEST$PREFIX/bin/kvmrun-cc
	mkdir -p "$O/tests/installed"
	for bits in 64 32; do
		local src=$BATS_TEST_TMPDIR/app$bits
		cp -r "$ROOT/tests/install/app" "$src"
		run make -C "$src" CC="$cc" CFLAGS="-m$bits -O2 -g -Wall -Werror" LDFLAGS="-m$bits"
		echo "$output"
		[[ $status -eq 0 ]]
		readelf -S "$src/app.elf" | grep -q '\.debug_info' # -g went through
		# The ABI note, with this tree's version.
		local version
		version=$(sed -n 's/^#define KVMRUN_ABI_VERSION \([0-9]*\)u.*/\1/p' "$ROOT/include/kvmrun/abi_note.h")
		run readelf -hn "$src/app.elf"
		[[ $output == *"kvmrun "*"description data: $(printf '%02x' "$version") 00 00 00"* ]]
		if [[ $bits == 64 ]]; then
			[[ $output == *"ELF64"* && $output == *"X86-64"* ]]
		else
			[[ $output == *"ELF32"* && $output == *"80386"* ]]
		fi
		cp "$src/app.elf" "$O/tests/installed/app$bits.elf"
	done
}

@test "kvmrun-cc: -c makes an object, shared and PIE outputs are refused, a missing runtime is named" {
	local cc=$DEST$PREFIX/bin/kvmrun-cc
	printf 'int f(void) { return 1; }\n' >"$BATS_TEST_TMPDIR/f.c"
	run "$cc" -c -o "$BATS_TEST_TMPDIR/f.o" "$BATS_TEST_TMPDIR/f.c"
	[[ $status -eq 0 && -f $BATS_TEST_TMPDIR/f.o ]]
	run "$cc" -shared -o "$BATS_TEST_TMPDIR/f.so" "$BATS_TEST_TMPDIR/f.c"
	[[ $status -eq 2 && $output == "kvmrun-cc: -shared: kvmrun guests are static, non-PIE executables" ]]
	run "$cc" -pie -o "$BATS_TEST_TMPDIR/f" "$BATS_TEST_TMPDIR/f.c"
	[[ $status -eq 2 ]]
	run env KVMRUN_CC_ROOT=/nonexistent "$cc" -o "$BATS_TEST_TMPDIR/f" "$BATS_TEST_TMPDIR/f.c"
	[[ $status -eq 1 && $output == "kvmrun-cc: no x86_64 guest runtime in /nonexistent"* ]]
	# The host's headers stay out: glibc's <gnu/libc-version.h> is not musl's.
	printf '#include <gnu/libc-version.h>\nint main(void) { return 0; }\n' >"$BATS_TEST_TMPDIR/g.c"
	run "$cc" -o "$BATS_TEST_TMPDIR/g" "$BATS_TEST_TMPDIR/g.c"
	[[ $status -ne 0 ]]
}

@test "make uninstall removes everything make install put there" {
	make -C "$ROOT" --no-print-directory O="$O" DESTDIR="$DEST" PREFIX="$PREFIX" uninstall
	run find "$DEST" -type f
	[[ -z $output ]]
}
