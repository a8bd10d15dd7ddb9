#!/usr/bin/env bats
# The programs tests/install/install.bats built out of the tree with an
# installed kvmrun-cc (run-all runs it first): they boot and compute.

load helpers

@test "a program built with the installed kvmrun-cc through its own Makefile runs, 32- and 64-bit" {
	for bits in 32 64; do
		local app=$O/tests/installed/app$bits.elf
		[[ -f $app ]] || { echo "$app is missing: tests/install/install.bats builds it"; return 1; }
		run --separate-stderr bash -c "printf '1\n2\n3\n4\n' | timeout 60 '$KVMRUN' '$app' numbers"
		assert_status 0
		[[ "$output" == "numbers: n=4 mean=2.5000 sd=1.2910 ($bits-bit)" ]]
	done
}
