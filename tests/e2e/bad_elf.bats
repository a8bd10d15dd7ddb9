#!/usr/bin/env bats
# Malformed apps: copies of hello64.elf and hello32.elf cut short or patched
# at test time, and files that are no app at all. Each is turned away before
# kvmrun opens /dev/kvm: status 126 (127 for a file that is not there),
# nothing on stdout, and exactly one line on stderr, "kvmrun: PATH: why",
# that names the rule the file breaks.

load helpers

setup() {
	tmp=$(mktemp -d)
}

teardown() {
	chmod -R u+rwx "$tmp" 2>/dev/null
	rm -rf "$tmp"
}

# get FILE OFFSET SIZE: the little-endian unsigned number stored there.
get() {
	od -An -t "u$3" -j "$2" -N "$3" "$1" | tr -d ' '
}

# put FILE OFFSET SIZE VALUE: store VALUE there, little-endian.
put() {
	local bytes="" i
	for ((i = 0; i < $3; i++)); do
		bytes+=$(printf '\\x%02x' $((($4 >> (8 * i)) & 0xff)))
	done
	printf "$bytes" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# app BITS NAME: f=$tmp/NAME, a copy of hello$BITS.elf to break, and the
# offsets of its class's header fields; phoff, phent and phnum as found.
app() {
	f="$tmp/$2"
	cp "$APPS/hello$1.elf" "$f"
	if (($1 == 64)); then
		E_ENTRY=24 E_PHOFF=32 E_SHOFF=40 E_EHSIZE=52 E_PHENTSIZE=54 E_PHNUM=56 E_SHNUM=60 W=8
		P_TYPE=0 P_FLAGS=4 P_OFFSET=8 P_VADDR=16 P_PADDR=24 P_FILESZ=32 P_MEMSZ=40
	else
		E_ENTRY=24 E_PHOFF=28 E_SHOFF=32 E_EHSIZE=40 E_PHENTSIZE=42 E_PHNUM=44 E_SHNUM=48 W=4
		P_TYPE=0 P_OFFSET=4 P_VADDR=8 P_PADDR=12 P_FILESZ=16 P_MEMSZ=20 P_FLAGS=24
	fi
	phoff=$(get "$f" $E_PHOFF $W)
	phent=$(get "$f" $E_PHENTSIZE 2)
	phnum=$(get "$f" $E_PHNUM 2)
	ehsize=$(get "$f" $E_EHSIZE 2)
}

# ph INDEX FIELD: the file offset of that field of program header INDEX.
ph() {
	echo $((phoff + $1 * phent + $2))
}

# ph_get INDEX FIELD / ph_put INDEX FIELD VALUE: a program header's field.
ph_get() {
	local size=$W
	(($2 == P_TYPE || $2 == P_FLAGS)) && size=4
	get "$f" "$(ph "$1" "$2")" $size
}

ph_put() {
	local size=$W
	(($2 == P_TYPE || $2 == P_FLAGS)) && size=4
	put "$f" "$(ph "$1" "$2")" $size "$3"
}

# rejected STATUS WHY [OPTION...]: kvmrun [OPTION...] $f fails with STATUS,
# prints nothing on stdout, and exactly "kvmrun: $f: ..." containing WHY on
# one line of stderr, with no sanitizer report.
rejected() {
	local status=$1 why=$2
	shift 2
	if ((status == 127)); then # expected: bats would take it for "command not found"
		run -127 --separate-stderr timeout 60 "$KVMRUN" "$@" "$f"
	else
		kvmrun "$@" "$f"
	fi
	assert_status "$status"
	assert_no_sanitizer_report
	if [[ -n "$output" ]]; then
		echo "stdout: $output"
		return 1
	fi
	if [[ "$stderr" == *$'\n'* || "$stderr" != "kvmrun: $f: "* || "$stderr" != *"$why"* ]]; then
		echo "expected one line \"kvmrun: $f: ...$why...\""
		echo "stderr was: $stderr"
		return 1
	fi
}

# The precondition a patch relies on: this copy still boots as it came.
good_layout() {
	(($(ph_get 0 $P_TYPE) == 1)) || { echo "phdr 0 of $f is not PT_LOAD"; return 1; }
	(($(ph_get 0 $P_FLAGS) & 1)) || { echo "phdr 0 of $f is not executable"; return 1; }
	((phnum >= 2)) || { echo "$f has $phnum program headers"; return 1; }
}

# --------------------------------------------------------------- truncated

@test "truncated at every header boundary: status 126 naming the rule" {
	for bits in 64 32; do
		app $bits whole.elf
		good_layout
		local off0 size0 table_end
		off0=$(ph_get 0 $P_OFFSET)
		size0=$(ph_get 0 $P_FILESZ)
		table_end=$((phoff + phnum * phent))

		f="$tmp/cut0.elf"
		head -c 0 "$tmp/whole.elf" >"$f"
		rejected 126 "empty file, not an ELF file"
		f="$tmp/cut4.elf"
		head -c 4 "$tmp/whole.elf" >"$f" # the magic alone
		rejected 126 "truncated ELF identification (4 bytes)"
		f="$tmp/cut16.elf"
		head -c 16 "$tmp/whole.elf" >"$f" # e_ident, no more
		rejected 126 "truncated ELF header (16 bytes; ELFCLASS$bits needs $ehsize)"
		f="$tmp/cut-ehdr.elf"
		head -c $((ehsize - 1)) "$tmp/whole.elf" >"$f"
		rejected 126 "truncated ELF header ($((ehsize - 1)) bytes; ELFCLASS$bits needs $ehsize)"
		f="$tmp/ehdr.elf"
		head -c "$ehsize" "$tmp/whole.elf" >"$f" # the ELF header, no table
		rejected 126 "$(printf 'program header table [0x%x, +%d) lies past the end of the file (%d bytes)' \
			"$phoff" $((phnum * phent)) "$ehsize")"
		f="$tmp/cut-table.elf"
		head -c $((table_end - 1)) "$tmp/whole.elf" >"$f"
		rejected 126 "program header table [0x"
		f="$tmp/table.elf"
		head -c "$table_end" "$tmp/whole.elf" >"$f" # headers only, no segment data
		rejected 126 "$(printf 'segment 0: file range [0x%x, +0x%x) lies past the end of the file (%d bytes)' \
			"$off0" "$size0" "$table_end")"
		f="$tmp/mid-segment.elf"
		head -c $((off0 + size0 / 2)) "$tmp/whole.elf" >"$f"
		rejected 126 "$(printf 'segment 0: file range [0x%x, +0x%x) lies past the end of the file (%d bytes)' \
			"$off0" "$size0" $((off0 + size0 / 2)))"
	done
}

# ---------------------------------------------------------------- ABI note

# note_at: the file offset of the ABI note's descriptor (the version) in $f.
note_at() {
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); i = d.find(b"kvmrun\0\0"); print(i + 8 if i >= 12 else -1)' "$f"
}

@test "no ABI note (a renamed note, no PT_NOTE): a Linux program, linked over the guest kernel: status 126" {
	# Without the note an app is a static Linux program, run on the guest
	# kernel, which sits where apps are linked (tests/e2e/linux_programs.bats).
	local why="overlaps kvmrun's guest kernel [0x100000, 0x"
	for bits in 64 32; do
		app $bits renamed$bits.elf
		local at
		at=$(note_at)
		((at > 0))
		put "$f" $((at - 3)) 1 0x58 # "kvmruX"
		rejected 126 "$why"
		app $bits nonote$bits.elf
		local i
		for ((i = 0; i < phnum; i++)); do
			(($(ph_get $i $P_TYPE) == 4)) && ph_put $i $P_TYPE 0 # PT_NOTE -> PT_NULL
		done
		rejected 126 "$why"
	done
}

@test "another ABI version in the note, or a malformed note: status 126 naming it" {
	for bits in 64 32; do
		app $bits v5-$bits.elf
		local at
		at=$(note_at)
		put "$f" "$at" 4 5
		rejected 126 "built for kvmrun ABI version 5, but this kvmrun runs version 4: rebuild the app with this kvmrun's guest runtime"
		app $bits desc0-$bits.elf
		put "$f" $(($(note_at) - 8 - 8)) 4 0 # n_descsz
		rejected 126 "malformed kvmrun ABI note: a descriptor of 0 bytes (expected 4)"
	done
}

# ------------------------------------------------------------------ header

@test "e_phnum 0xffff (PN_XNUM) with no section headers: status 126" {
	for bits in 64 32; do
		app $bits xnum$bits.elf
		put "$f" $E_PHNUM 2 0xffff
		put "$f" $E_SHOFF $W 0
		put "$f" $E_SHNUM 2 0
		put "$f" $((E_SHNUM + 2)) 2 0
		rejected 126 "program header"
	done
}

@test "e_phnum 0xffff (PN_XNUM) with section 0 giving no count: status 126" {
	app 64 xnum.elf
	put "$f" $E_PHNUM 2 0xffff
	rejected 126 "no program headers"
}

@test "e_phnum 65, beyond the limit of 64: status 126" {
	for bits in 64 32; do
		app $bits many$bits.elf
		put "$f" $E_PHNUM 2 65
		rejected 126 "too many program headers: 65 (at most 64)"
	done
}

@test "e_phnum 0 and a wrong e_phentsize: status 126" {
	app 64 none.elf
	put "$f" $E_PHNUM 2 0
	rejected 126 "no program headers"
	app 32 entsize.elf
	put "$f" $E_PHENTSIZE 2 56
	rejected 126 "e_phentsize is 56, expected 32"
}

@test "the wrong class for the body: status 126" {
	app 64 class32.elf # ELFCLASS32 header on a 64-bit body
	put "$f" 4 1 1
	rejected 126 "unsupported machine: ELFCLASS32 x86-64 (e_machine 62)"
	app 32 class64.elf # and the other way round
	put "$f" 4 1 2
	rejected 126 "unsupported machine: ELFCLASS64 i386 (e_machine 3)"
	app 64 classnone.elf
	put "$f" 4 1 0
	rejected 126 "unknown ELF class 0 (EI_CLASS)"
}

@test "a machine other than i386 or x86-64: status 126" {
	local m name
	for m in "243 RISC-V" "21 PowerPC64" "22 S/390" "0 unknown machine"; do
		name=${m#* }
		app 64 machine.elf
		put "$f" 18 2 "${m%% *}"
		rejected 126 "unsupported machine: ELFCLASS64 $name (e_machine ${m%% *}); kvmrun boots ELFCLASS32 i386 and ELFCLASS64 x86-64 apps"
	done
	app 32 machine.elf
	put "$f" 18 2 8
	rejected 126 "unsupported machine: ELFCLASS32 MIPS (e_machine 8)"
}

@test "ET_REL, ET_DYN, ET_CORE and ET_NONE: status 126 naming the type" {
	for bits in 64 32; do
		app $bits type.elf
		put "$f" 16 2 1
		rejected 126 "ET_REL (an object file, not linked); kvmrun boots ET_EXEC apps (link with -static -no-pie)"
		put "$f" 16 2 3
		rejected 126 "ET_DYN (a position-independent executable or shared object); kvmrun boots ET_EXEC apps"
		put "$f" 16 2 4
		rejected 126 "ET_CORE (a core dump); kvmrun boots ET_EXEC apps"
		put "$f" 16 2 0
		rejected 126 "unknown ELF type; kvmrun boots ET_EXEC apps"
	done
}

@test "big-endian: status 126" {
	for bits in 64 32; do
		app $bits msb$bits.elf
		put "$f" 5 1 2
		rejected 126 "not a little-endian ELF (EI_DATA 2)"
	done
}

@test "EI_VERSION 0 and e_version 0: status 126" {
	for bits in 64 32; do
		app $bits version$bits.elf
		put "$f" 6 1 0 # libelf then sees no ELF file at all
		rejected 126 "unsupported ELF version 0 (EI_VERSION)"
		app $bits e_version$bits.elf
		put "$f" 20 4 0
		rejected 126 "unsupported ELF version 0"
	done
}

# ---------------------------------------------------------------- segments

@test "overlapping segments: status 126 naming both ranges" {
	for bits in 64 32; do
		app $bits overlap$bits.elf
		good_layout
		local a0 m0 m1
		a0=$(ph_get 0 $P_PADDR)
		m0=$(ph_get 0 $P_MEMSZ)
		m1=$(ph_get 1 $P_MEMSZ)
		ph_put 1 $P_VADDR $((a0 + 0x10))
		ph_put 1 $P_PADDR $((a0 + 0x10))
		rejected 126 "$(printf 'segment 1: memory range [0x%x, 0x%x) overlaps an earlier segment [0x%x, 0x%x)' \
			$((a0 + 0x10)) $((a0 + 0x10 + m1)) "$a0" $((a0 + m0)))"
	done
}

@test "a segment outside RAM (at 0x80000000 with --mem=64M): status 126" {
	for bits in 64 32; do
		app $bits far$bits.elf
		good_layout
		local last=$((phnum - 1)) m
		while (($(ph_get $last $P_TYPE) != 1)); do last=$((last - 1)); done # the last PT_LOAD
		m=$(ph_get $last $P_MEMSZ)
		ph_put $last $P_VADDR 0x80000000
		ph_put $last $P_PADDR 0x80000000
		rejected 126 "$(printf 'segment %d: memory range [0x80000000, 0x%x) lies outside guest RAM (64 MiB; try a larger --mem)' \
			$last $((0x80000000 + m)))" --mem=64M
		# Moved in p_paddr alone: p_vaddr no longer matches it.
		app $bits paddr$bits.elf
		ph_put $last $P_PADDR 0x80000000
		rejected 126 "$(printf 'segment %d: p_vaddr 0x%x differs from p_paddr 0x80000000; kvmrun runs apps identity-mapped' \
			$last "$(ph_get $last $P_VADDR)")" --mem=64M
	done
}

@test "a segment in kvmrun's boot area or wrapping around: status 126" {
	app 64 boot.elf
	good_layout
	ph_put 1 $P_VADDR 0x1000
	ph_put 1 $P_PADDR 0x1000
	rejected 126 "segment 1: memory range [0x1000, "
	[[ "$stderr" == *"overlaps kvmrun's boot area [0, 0x100000) (start_info, GDT, page tables, stack); link apps at or above 0x100000" ]]
	app 64 wrap.elf
	ph_put 1 $P_VADDR 0xfffffffffffff000
	ph_put 1 $P_PADDR 0xfffffffffffff000
	ph_put 1 $P_MEMSZ 0x2000
	ph_put 1 $P_FILESZ 0x1000
	rejected 126 "segment 1: memory range [0xfffffffffffff000, +0x2000) wraps around the address space"
	app 32 wrap32.elf
	ph_put 1 $P_VADDR 0xfffff000
	ph_put 1 $P_PADDR 0xfffff000
	ph_put 1 $P_MEMSZ 0x2000
	ph_put 1 $P_FILESZ 0x1000
	rejected 126 "segment 1: memory range [0xfffff000, +0x2000) wraps around the address space"
}

@test "p_filesz over p_memsz, and a file range past the end: status 126" {
	for bits in 64 32; do
		app $bits filesz$bits.elf
		good_layout
		local m
		m=$(ph_get 0 $P_MEMSZ)
		ph_put 0 $P_MEMSZ $((m - 1))
		rejected 126 "$(printf 'segment 0: p_filesz 0x%x exceeds p_memsz 0x%x' "$m" $((m - 1)))"
		app $bits offset$bits.elf
		ph_put 0 $P_OFFSET 0x7ffff000
		rejected 126 "segment 0: file range [0x7ffff000, +0x"
	done
}

@test "the entry point outside every executable segment: status 126" {
	for bits in 64 32; do
		app $bits entry$bits.elf
		good_layout
		put "$f" $E_ENTRY $W 0x3000000 # in RAM, in no segment
		rejected 126 "entry point 0x3000000 lies outside every executable segment"
		put "$f" $E_ENTRY $W 0
		rejected 126 "entry point 0x0 lies outside every executable segment"
		# In a segment, but not an executable one.
		app $bits entry-data$bits.elf
		put "$f" $E_ENTRY $W "$(ph_get 1 $P_PADDR)"
		ph_put 0 $P_FLAGS 4
		rejected 126 "$(printf 'entry point 0x%x lies outside every executable segment' "$(ph_get 1 $P_PADDR)")"
	done
}

@test "PT_INTERP or PT_DYNAMIC: a dynamically linked app, status 126" {
	app 64 interp.elf
	ph_put 1 $P_TYPE 3
	rejected 126 "program header 1: PT_INTERP: the app is dynamically linked; kvmrun boots static apps"
	app 32 dynamic.elf
	ph_put 1 $P_TYPE 2
	rejected 126 "program header 1: PT_DYNAMIC: the app is dynamically linked"
}

# ------------------------------------------------------------- not an app

@test "4096 zero bytes, and /dev/zero itself: status 126" {
	f="$tmp/zeros"
	head -c 4096 /dev/zero >"$f"
	rejected 126 "not an ELF file"
	f=/dev/zero
	rejected 126 "not a regular file (a character device)"
}

@test "a directory, a FIFO: status 126" {
	f="$tmp/dir.elf"
	mkdir "$f"
	rejected 126 "is a directory, not an ELF file"
	f="$tmp/fifo.elf"
	mkfifo "$f"
	rejected 126 "not a regular file (a FIFO)"
}

@test "a symbolic link loop: status 126" {
	ln -s loop.elf "$tmp/loop.elf"
	f="$tmp/loop.elf"
	rejected 126 "cannot open: Too many levels of symbolic links"
}

@test "an unreadable file: status 126" {
	app 64 secret.elf
	chmod 000 "$f"
	if ((EUID != 0)); then
		rejected 126 "cannot open: Permission denied"
		return
	fi
	# Root reads a file whatever its mode: run kvmrun as nobody instead
	# (it opens the app before /dev/kvm, so it needs no KVM access).
	chmod 755 "$tmp"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		timeout 60 "$KVMRUN" "$f"
	assert_status 126
	[[ -z "$output" ]]
	[[ "$stderr" == "kvmrun: $f: cannot open: Permission denied" ]]
}

@test "missing: a dangling link, a path through a file: status 127" {
	f="$tmp/nowhere.elf"
	ln -s "$tmp/no-such.elf" "$f"
	rejected 127 "cannot open: No such file or directory"
	app 64 plain.elf
	f="$tmp/plain.elf/app.elf"
	rejected 127 "cannot open: Not a directory"
}
