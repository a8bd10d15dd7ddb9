#!/usr/bin/env bats
# Tests for tools/kvm-sandbox, the nested-KVM sandbox.
#
# The tests marked "boots a VM" really start the sandbox (a few seconds each
# under qemu TCG); they share the kernel cache that setup_file fills with
# `kvm-sandbox --prepare` (a download the first time).  The others need no
# VM and no network: they use a temporary cache and fake kernel packages.

bats_require_minimum_version 1.5.0

setup_file() {
	REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	export REPO
	export SANDBOX=$REPO/tools/kvm-sandbox
	# Warm the real cache once; the VM tests report a failure here.
	local st=0
	"$SANDBOX" --prepare >"$BATS_FILE_TMPDIR/prepare.log" 2>&1 || st=$?
	echo "$st" >"$BATS_FILE_TMPDIR/prepare.status"
}

# Fail the test (with the reason) when the kernel cache could not be filled.
need_vm() {
	if [[ $(cat "$BATS_FILE_TMPDIR/prepare.status") != 0 ]]; then
		cat "$BATS_FILE_TMPDIR/prepare.log" >&2
		echo "kvm-sandbox --prepare failed; cannot boot the sandbox" >&2
		return 1
	fi
}

# Module dependencies of the fake kernel package (name: its depends=).
declare -gA FAKE_DEPS=(
	[virtio_ring]=""
	[virtio]="virtio_ring"
	[virtio_pci_modern_dev]=""
	[virtio_pci_legacy_dev]=""
	[virtio_pci]="virtio_ring,virtio_pci_modern_dev,virtio_pci_legacy_dev,virtio"
	[9pnet]=""
	[9pnet_virtio]="virtio,9pnet,virtio_ring"
	[netfs]=""
	[fscache]="netfs"
	[9p]="9pnet,fscache,netfs"
	[irqbypass]=""
	[kvm]="irqbypass"
	[ccp]=""
	[kvm-amd]="kvm,ccp"
)

# make_fake_deb OUT.deb [no-vmlinuz] [skip=MODULE]: a kernel .deb with junk
# vmlinuz and .ko files that carry only their .modinfo depends= strings.
make_fake_deb() {
	local out=$1 vmlinuz=1 skip='' arg m ver=9.9.9-fake
	shift
	for arg; do
		case $arg in
		no-vmlinuz) vmlinuz=0 ;;
		skip=*) skip=${arg#skip=} ;;
		esac
	done
	local d=$BATS_TEST_TMPDIR/fakepkg
	rm -rf "$d"
	mkdir -p "$d/DEBIAN" "$d/boot" "$d/lib/modules/$ver/kernel/drivers"
	printf '%s\n' 'Package: linux-image-fake' 'Version: 1' 'Architecture: amd64' \
		'Maintainer: nobody <nobody@example.org>' 'Description: fake kernel' >"$d/DEBIAN/control"
	((vmlinuz == 0)) || head -c 65536 /dev/zero | tr '\0' 'k' >"$d/boot/vmlinuz-$ver"
	for m in "${!FAKE_DEPS[@]}"; do
		[[ $m == "$skip" ]] && continue
		printf 'ELF-junk\0license=GPL\0depends=%s\0name=%s\0vermagic=%s\0' \
			"${FAKE_DEPS[$m]}" "${m//-/_}" "$ver" >"$d/lib/modules/$ver/kernel/drivers/$m.ko"
	done
	dpkg-deb --root-owner-group -Zgzip -b "$d" "$out" >/dev/null
}

# ---------------------------------------------------------------- no VM

@test "--help prints the usage and exits 0" {
	run "$SANDBOX" --help
	[ "$status" -eq 0 ]
	[[ $output == *"Usage: kvm-sandbox [--timeout=SECONDS] [--] COMMAND"* ]]
}

@test "bad usage exits 125 with a one-line error" {
	run "$SANDBOX"
	[ "$status" -eq 125 ]
	[ "$output" = "kvm-sandbox: bad usage: no command given (see --help)" ]
	run "$SANDBOX" --timeout=soon -- true
	[ "$status" -eq 125 ]
	[[ $output == "kvm-sandbox: bad usage: --timeout wants whole seconds"* ]]
	run "$SANDBOX" --frobnicate -- true
	[ "$status" -eq 125 ]
	[[ $output == "kvm-sandbox: bad usage: unknown option --frobnicate"* ]]
}

@test "missing qemu (override) gives a clear error and 125" {
	KVMRUN_SANDBOX_QEMU=/nonexistent run "$SANDBOX" -- true
	[ "$status" -eq 125 ]
	[ "$output" = "kvm-sandbox: missing program: /nonexistent not found (install the Debian package qemu-system-x86)" ]
}

@test "missing qemu (not on PATH) gives a clear error and 125" {
	local bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	ln -s "$(command -v bash)" "$bin/bash"
	run env PATH="$bin" "$SANDBOX" -- true
	[ "$status" -eq 125 ]
	[ "$output" = "kvm-sandbox: missing program: qemu-system-x86_64 not found (install the Debian package qemu-system-x86)" ]
}

@test "a corrupt kernel deb is a bad download, and leaves no cache entry" {
	local cache=$BATS_TEST_TMPDIR/cache
	mkdir -p "$cache"
	head -c 100000 /dev/urandom >"$cache/garbage.deb"
	KVMRUN_SANDBOX_CACHE=$cache KVMRUN_SANDBOX_KERNEL_DEB=$cache/garbage.deb \
		run "$SANDBOX" -- true
	[ "$status" -eq 125 ]
	[[ $output == "kvm-sandbox: bad kernel download: cannot unpack garbage.deb: "* ]]
	[ "$(ls -A "$cache")" = garbage.deb ]
}

@test "a kernel deb without vmlinuz is a bad download" {
	local cache=$BATS_TEST_TMPDIR/cache
	make_fake_deb "$BATS_TEST_TMPDIR/k.deb" no-vmlinuz
	KVMRUN_SANDBOX_CACHE=$cache KVMRUN_SANDBOX_KERNEL_DEB=$BATS_TEST_TMPDIR/k.deb \
		run "$SANDBOX" --prepare
	[ "$status" -eq 125 ]
	[ "$output" = "kvm-sandbox: bad kernel download: k.deb has no boot/vmlinuz-*" ]
	[ -z "$(ls -A "$cache")" ]
}

@test "a kernel deb without a needed module is a bad download" {
	local cache=$BATS_TEST_TMPDIR/cache
	make_fake_deb "$BATS_TEST_TMPDIR/k.deb" skip=ccp
	KVMRUN_SANDBOX_CACHE=$cache KVMRUN_SANDBOX_KERNEL_DEB=$BATS_TEST_TMPDIR/k.deb \
		run "$SANDBOX" --prepare
	[ "$status" -eq 125 ]
	[ "$output" = "kvm-sandbox: bad kernel download: module ccp (needed by kvm_amd) is not in k.deb" ]
	[ -z "$(ls -A "$cache")" ]
}

@test "the cache keeps the modules in dependency order and heals a broken entry" {
	local cache=$BATS_TEST_TMPDIR/cache deb=$BATS_TEST_TMPDIR/k.deb
	make_fake_deb "$deb"
	KVMRUN_SANDBOX_CACHE=$cache KVMRUN_SANDBOX_KERNEL_DEB=$deb run "$SANDBOX" --prepare
	[ "$status" -eq 0 ]
	local entry
	entry=$(echo "$cache"/deb-*)
	[ -d "$entry" ]
	[ -z "$(find "$cache" -maxdepth 1 -name '.tmp.*')" ]
	[ "$(cat "$entry/version")" = 9.9.9-fake ]
	[ -s "$entry/vmlinuz" ]
	ls "$entry"/initrd-*.cpio.gz
	# Every module once, each after all of its dependencies, kvm_amd last.
	local -A seen=()
	local m d n=0
	while read -r m; do
		m=${m%.ko}
		for d in ${FAKE_DEPS[${m//_amd/-amd}]//,/ }; do
			[ -n "${seen[$d]:-}" ] || { echo "$m before its dependency $d" >&2; return 1; }
		done
		seen[$m]=1
		n=$((n + 1))
	done <"$entry/modules.order"
	[ "$n" -eq "${#FAKE_DEPS[@]}" ]
	[ "$(tail -n1 "$entry/modules.order")" = kvm_amd.ko ]
	# The initramfs holds busybox, the init script and the modules.
	gzip -dc "$entry"/initrd-*.cpio.gz | cpio -it --quiet >"$BATS_TEST_TMPDIR/list"
	grep -qx init "$BATS_TEST_TMPDIR/list"
	grep -qx bin/busybox "$BATS_TEST_TMPDIR/list"
	grep -qx lib/modules/kvm_amd.ko "$BATS_TEST_TMPDIR/list"
	# A damaged entry is rebuilt from the package.
	rm "$entry/modules/kvm.ko"
	KVMRUN_SANDBOX_CACHE=$cache KVMRUN_SANDBOX_KERNEL_DEB=$deb run "$SANDBOX" --prepare
	[ "$status" -eq 0 ]
	[ -s "$entry/modules/kvm.ko" ]
}

@test "the initramfs is rebuilt when the init script changes" {
	local cache=$BATS_TEST_TMPDIR/cache deb=$BATS_TEST_TMPDIR/k.deb
	local tool=$BATS_TEST_TMPDIR/tool
	mkdir -p "$tool"
	cp "$SANDBOX" "$tool/kvm-sandbox"
	cp -r "$REPO/tools/sandbox" "$tool/sandbox"
	make_fake_deb "$deb"
	KVMRUN_SANDBOX_CACHE=$cache KVMRUN_SANDBOX_KERNEL_DEB=$deb run "$tool/kvm-sandbox" --prepare
	[ "$status" -eq 0 ]
	local before after
	before=$(cd "$cache"/deb-* && echo initrd-*)
	echo '# changed' >>"$tool/sandbox/init"
	KVMRUN_SANDBOX_CACHE=$cache KVMRUN_SANDBOX_KERNEL_DEB=$deb run "$tool/kvm-sandbox" --prepare
	[ "$status" -eq 0 ]
	after=$(cd "$cache"/deb-* && echo initrd-*)
	[ "$before" != "$after" ]
	[ "$(echo "$after" | wc -w)" -eq 1 ]
}

# fake_apt DIR DEB: apt-cache and apt-get stand-ins in DIR that know the
# package only after "apt-get update" (as on a host with no package lists).
fake_apt() {
	local dir=$1 deb=$2
	mkdir -p "$dir"
	cat >"$dir/apt-cache" <<EOF
#!/bin/sh
[ -e "$dir/updated" ] || exit 0
echo linux-image-amd64
echo "  Depends: linux-image-9.9.9-fake"
EOF
	cat >"$dir/apt-get" <<EOF
#!/bin/sh
case \$1 in
update) echo x >>"$dir/updated" ;;
download)
	pkg=\$2
	[ "\$pkg" != -- ] || pkg=\$3
	if [ -e "$dir/updated" ] && [ -e "$deb" ]; then
		cp "$deb" "./\${pkg}_1_amd64.deb"
	else
		echo "E: Unable to locate package \$pkg" >&2
		exit 100
	fi ;;
esac
EOF
	chmod +x "$dir/apt-cache" "$dir/apt-get"
}

@test "without package lists, apt-get update runs once and the download is retried" {
	[ "$(id -u)" -eq 0 ] || skip "apt-get update needs root"
	local cache=$BATS_TEST_TMPDIR/cache fake=$BATS_TEST_TMPDIR/fakeapt
	make_fake_deb "$BATS_TEST_TMPDIR/k.deb"
	fake_apt "$fake" "$BATS_TEST_TMPDIR/k.deb"
	PATH=$fake:$PATH KVMRUN_SANDBOX_CACHE=$cache run "$SANDBOX" --prepare
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$fake/updated")" -eq 1 ]
	[ "$(cat "$cache/current")" = pkg-linux-image-9.9.9-fake ]
	[ "$(cat "$cache/pkg-linux-image-9.9.9-fake/version")" = 9.9.9-fake ]
}

@test "a download that keeps failing is reported once, status 125" {
	[ "$(id -u)" -eq 0 ] || skip "apt-get update needs root"
	local cache=$BATS_TEST_TMPDIR/cache fake=$BATS_TEST_TMPDIR/fakeapt
	fake_apt "$fake" "$BATS_TEST_TMPDIR/nonexistent.deb"
	PATH=$fake:$PATH KVMRUN_SANDBOX_CACHE=$cache KVMRUN_SANDBOX_KERNEL_PKG=linux-image-9.9.9-fake \
		run "$SANDBOX" --prepare
	[ "$status" -eq 125 ]
	[ "$(wc -l <"$fake/updated")" -eq 1 ]
	echo "$output"
	[[ ${lines[-1]} == "kvm-sandbox: cannot download kernel package linux-image-9.9.9-fake: E: Unable to locate package linux-image-9.9.9-fake" ]]
	[ -z "$(ls -A "$cache")" ]
}

# ---------------------------------------------------------------- VM boots

@test "boots a VM: true exits 0" {
	need_vm
	run "$SANDBOX" -- true
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "boots a VM: the command's exit status is returned" {
	need_vm
	run "$SANDBOX" -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
}

@test "boots a VM: stdout is byte-exact, the banner goes to stderr" {
	need_vm
	run --separate-stderr "$SANDBOX" -- echo hello
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	[ "$(printf '%s' "$output" | od -An -c | tr -s ' ')" = " h e l l o" ]
	[[ $stderr == "kvm-sandbox: running in a nested KVM sandbox (qemu TCG, -cpu max, kernel "* ]]
}

@test "boots a VM: /dev/kvm, the environment, stderr and the writable cwd" {
	need_vm
	cd "$BATS_TEST_TMPDIR"
	export FOO=bar
	export TRICKY=$'two words\nand a \'quote\''
	run --separate-stderr "$SANDBOX" -- bash -c '
		test -c /dev/kvm && echo kvm=yes
		echo "FOO=$FOO"
		printf "tricky=%q\n" "$TRICKY"
		echo "pwd=$PWD"
		echo "inside=$KVMRUN_IN_SANDBOX"
		echo to-stderr >&2
		echo written >made-inside.txt'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = kvm=yes ]
	[ "${lines[1]}" = FOO=bar ]
	[ "${lines[2]}" = "tricky=$(printf %q "$TRICKY")" ]
	[ "${lines[3]}" = "pwd=$PWD" ]
	[ "${lines[4]}" = inside=1 ]
	[[ $stderr == *to-stderr* ]]
	[ "$(cat made-inside.txt)" = written ]
}

@test "boots a VM: a KVM program creates a VM and runs guest code inside" {
	need_vm
	command -v cc >/dev/null || skip "no C compiler"
	echo '#include <linux/kvm.h>' | cc -E - >/dev/null 2>&1 || skip "no <linux/kvm.h>"
	cd "$BATS_TEST_TMPDIR"
	cat >kvmtest.c <<'EOF'
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

int main(void)
{
	/* real mode: mov al,'K'; out 0x10,al; hlt */
	static const uint8_t code[] = { 0xb0, 'K', 0xe6, 0x10, 0xf4 };
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0 || ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return perror("/dev/kvm"), 1;
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	uint8_t *mem = mmap(0, 0x10000, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memcpy(mem + 0x1000, code, sizeof code);
	struct kvm_userspace_memory_region region = {
		.memory_size = 0x10000, .userspace_addr = (uintptr_t)mem,
	};
	if (vm < 0 || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return perror("vm"), 1;
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || size <= 0)
		return perror("vcpu"), 1;
	struct kvm_run *run = mmap(0, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	struct kvm_sregs sregs;
	ioctl(vcpu, KVM_GET_SREGS, &sregs);
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	ioctl(vcpu, KVM_SET_SREGS, &sregs);
	struct kvm_regs regs = { .rip = 0x1000, .rflags = 2 };
	ioctl(vcpu, KVM_SET_REGS, &regs);
	int seen_out = 0;
	for (int i = 0; i < 10; i++) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			return perror("KVM_RUN"), 1;
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == 0x10 &&
		    run->io.direction == KVM_EXIT_IO_OUT &&
		    *((uint8_t *)run + run->io.data_offset) == 'K') {
			seen_out = 1;
		} else if (run->exit_reason == KVM_EXIT_HLT && seen_out) {
			puts("guest: out 0x10 'K', hlt");
			return 0;
		} else {
			fprintf(stderr, "unexpected exit %u\n", run->exit_reason);
			return 1;
		}
	}
	return 1;
}
EOF
	cc -O2 -o kvmtest kvmtest.c
	run "$SANDBOX" -- ./kvmtest
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"guest: out 0x10 'K', hlt"* ]]
}

@test "boots a VM: --timeout kills a command that never ends, status 124" {
	need_vm
	run "$SANDBOX" --timeout=10 -- sleep infinity
	[ "$status" -eq 124 ]
	[[ $output == *"kvm-sandbox: timed out after 10 s"* ]]
}
