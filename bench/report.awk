# bench/report.awk: turn the benchmark's raw samples into the report.
#   awk -v out=DIR -f bench/report.awk host.txt inner.txt samples.csv
# host.txt and inner.txt hold key=value lines (bench/run, bench/measure);
# samples.csv holds case,round,metric,value lines (bench/timeit). Writes
# DIR/report.md (the tables), DIR/results.csv and DIR/results.json (every
# figure: n, min, median, max, bar, met) and, for bench/plot.gp to draw
# plot.svg from, DIR/plot/ (the ratios and the wall times, with every
# sample; the directory must exist, bench/run makes it). POSIX awk (mawk,
# Debian's default, is enough).

BEGIN { FS = "," }

FILENAME !~ /samples\.csv$/ {
	i = index($0, "=")
	if (i > 1)
		kv[substr($0, 1, i - 1)] = substr($0, i + 1)
	next
}

NF == 4 {
	c = $1; r = $2 + 0; m = $3; v = $4 + 0
	val[c, m, r] = v
	has[c, m, r] = 1
	if (!((c, m) in cnt)) { cnt[c, m] = 0; order[++ncm] = c SUBSEP m }
	samp[c, m, ++cnt[c, m]] = v
	if (r + 1 > maxround[c, m]) maxround[c, m] = r + 1
}

# ------------------------------------------------------------ statistics
# stats over a[1..n]: sets S_MIN, S_MED, S_MAX (median of an even count: the
# mean of the middle two).
function stats(a, n,    i, j, t, s) {
	for (i = 1; i <= n; i++) s[i] = a[i]
	for (i = 2; i <= n; i++) {
		t = s[i]
		for (j = i - 1; j >= 1 && s[j] > t; j--) s[j + 1] = s[j]
		s[j + 1] = t
	}
	if (n == 0) { S_MIN = S_MED = S_MAX = ""; return 0 }
	S_MIN = s[1]; S_MAX = s[n]
	S_MED = (n % 2) ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
	return n
}

# The samples of one case and metric into a[]; returns the count.
function collect(c, m, a,    i, n) {
	n = ((c, m) in cnt) ? cnt[c, m] : 0
	for (i = 1; i <= n; i++) a[i] = samp[c, m, i]
	return n
}

# Per round: num/den (op "ratio"), or (a - b) / (c - d) / scale ("diffratio")
# with the four cases in a[]. Returns the count of rounds that had them all.
function paired_ratio(cn, cd, m, a,    r, n) {
	n = 0
	for (r = 0; r < maxround[cn, m]; r++)
		if (has[cn, m, r] && has[cd, m, r] && val[cd, m, r] > 0)
			a[++n] = val[cn, m, r] / val[cd, m, r]
	return n
}
function paired_diff(ca, cb, m, scale, a,    r, n) {
	n = 0
	for (r = 0; r < maxround[ca, m]; r++)
		if (has[ca, m, r] && has[cb, m, r])
			a[++n] = (val[ca, m, r] - val[cb, m, r]) / scale
	return n
}
function paired_diffratio(ca, cb, cc, cd, m, a,    r, n, den) {
	n = 0
	for (r = 0; r < maxround[ca, m]; r++) {
		if (!(has[ca, m, r] && has[cb, m, r] && has[cc, m, r] && has[cd, m, r]))
			continue
		den = val[cc, m, r] - val[cd, m, r]
		if (den > 0)
			a[++n] = (val[ca, m, r] - val[cb, m, r]) / den
	}
	return n
}

function fmt(x) {
	if (x == "") return "n/a"
	if (x >= 100 || x <= -100) return sprintf("%.0f", x)
	if (x >= 10 || x <= -10) return sprintf("%.1f", x)
	if (x >= 1 || x <= -1) return sprintf("%.2f", x)
	return sprintf("%.3f", x)
}

# Record one figure. cmp: "le" or "ge" against bar, or "" (reported only).
function figure(id, label, unit, a, n, cmp, bar, note,    met, i) {
	stats(a, n)
	nf++
	F_id[nf] = id; F_label[nf] = label; F_unit[nf] = unit; F_n[nf] = n
	F_min[nf] = S_MIN; F_med[nf] = S_MED; F_max[nf] = S_MAX
	F_cmp[nf] = cmp; F_bar[nf] = bar; F_note[nf] = note
	if (n == 0) met = "no data"
	else if (cmp == "le") met = (S_MED <= bar) ? "met" : "MISSED"
	else if (cmp == "ge") met = (S_MED >= bar) ? "met" : "MISSED"
	else met = "reported"
	F_met[nf] = met
	# keep the distribution for the plot's dots
	for (i = 1; i <= n; i++) F_s[nf, i] = a[i]
}

function bar_text(k) {
	if (F_cmp[k] == "le") return "≤ " F_bar[k]
	if (F_cmp[k] == "ge") return "≥ " F_bar[k]
	return "reported"
}

function json_str(s) {
	gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, " ", s)
	return "\"" s "\""
}
function json_num(x) { return x == "" ? "null" : sprintf("%.6g", x) }

# ------------------------------------------------------------ the figures
END {
	md = out "/report.md"; csv = out "/results.csv"; js = out "/results.json"; pd = out "/plot"
	N = kv["exits"] + 0; MIB = kv["mib"] + 0; VMS = kv["vms"] + 0

	n = paired_ratio("kvmrun_nop32", "floor", "wall_ms", a)
	figure("exec_nop32_vs_floor", "exec→exit, apps/nop 32-bit: kvmrun / floor", "ratio", a, n, "le", 1.25, "")
	split("", a); n = paired_ratio("kvmrun_nop64", "floor", "wall_ms", a)
	figure("exec_nop64_vs_floor", "exec→exit, apps/nop 64-bit: kvmrun / floor", "ratio", a, n, "le", 1.25, "")
	split("", a); n = paired_ratio("kvmrun_nop64", "floor", "cpu_ms", a)
	figure("exec_nop64_cpu_vs_floor", "the same in CPU time (user + system of the process, from wait4)", "ratio", a, n, "", "", "what each process did itself, without the waits for RCU grace periods that creating and destroying any VM has, which end on the timer tick")
	split("", a); n = paired_ratio("qemu", "kvmrun_nop64", "wall_ms", a)
	figure("exec_qemu_vs_kvmrun", "exec→exit: QEMU (microvm, -bios of 7 bytes) / kvmrun apps/nop 64-bit", "ratio", a, n, "ge", 10, "")
	split("", a); n = paired_diffratio("hcall64_n", "hcall64_0", "floor_long_exits", "floor_long", "wall_ms", a)
	figure("hypercall_vs_floor", "hypercall round trip, 64-bit guest (" N " port-I/O exits a run): kvmrun / floor --long, per exit", "ratio", a, n, "le", 1.10, "")
	split("", a); n = paired_diff("hcall64_n", "hcall64_0", "wall_ms", N / 1000, a)
	figure("hypercall_kvmrun_us", "hypercall round trip, kvmrun (64-bit guest)", "µs/exit", a, n, "", "", "")
	split("", a); n = paired_diff("noseccomp_hcall64_n", "hcall64_0", "wall_ms", N / 1000, a)
	figure("hypercall_noseccomp_us", "the same with --unsafe-no-seccomp (no filter on KVM_RUN)", "µs/exit", a, n, "", "", "")
	split("", a); n = paired_diff("floor_long_exits", "floor_long", "wall_ms", N / 1000, a)
	figure("hypercall_floor_us", "port-I/O round trip, floor --long (64-bit guest)", "µs/exit", a, n, "", "", "")
	split("", a); n = paired_diff("floor_exits", "floor", "wall_ms", N / 1000, a)
	figure("hypercall_floor_real_us", "port-I/O round trip, floor (real-mode guest)", "µs/exit", a, n, "", "", "")

	split("", a); n = collect("console64", "wall_ms", w)
	for (i = 1; i <= n; i++) a[i] = MIB / (w[i] / 1000)
	figure("console_mib_s", "console output, " MIB " MiB to /dev/null (start-up included)", "MiB/s", a, n, "", "", "")
	split("", a); n = collect("console64", "exits", a)
	for (i = 1; i <= n; i++) a[i] = a[i] / MIB
	figure("console_exits_per_mib", "console output: VM exits per MiB (kvmrun --stats: exits to user space, whole run)", "exits/MiB", a, n, "le", 16, "")
	if (("console64", "kvm_exits") in cnt) {
		split("", a); n = collect("console64", "kvm_exits", a)
		for (i = 1; i <= n; i++) a[i] = a[i] / MIB
		figure("console_all_exits_per_mib", "console output: every VM exit per MiB (kvm:kvm_exit tracepoint, in-kernel ones included)", "exits/MiB", a, n, "le", 16, "")
	}
	split("", a); split("", w); n = collect("entropy64", "wall_ms", w)
	for (i = 1; i <= n; i++) a[i] = MIB / (w[i] / 1000)
	figure("entropy_mib_s", "entropy, " MIB " MiB (start-up included)", "MiB/s", a, n, "", "", "")
	split("", a); n = collect("entropy64", "exits", a)
	for (i = 1; i <= n; i++) a[i] = a[i] / MIB
	figure("entropy_exits_per_mib", "entropy: VM exits per MiB (kvmrun --stats: exits to user space, whole run)", "exits/MiB", a, n, "le", 16, "")
	if (("entropy64", "kvm_exits") in cnt) {
		split("", a); n = collect("entropy64", "kvm_exits", a)
		for (i = 1; i <= n; i++) a[i] = a[i] / MIB
		figure("entropy_all_exits_per_mib", "entropy: every VM exit per MiB (kvm:kvm_exit tracepoint, in-kernel ones included)", "exits/MiB", a, n, "le", 16, "")
	}

	CALLS = kv["calls"] + 0
	if (("count_calls_n", "exits") in cnt) {
		# Less the KVM_RUNs the halt watch's timer interrupted ("intr"),
		# which come with time, not with calls: 4 a second.
		split("", a); split("", w); n = collect("count_calls_n", "exits", a); m = collect("count_calls_0", "exits", w)
		split("", ia); split("", iw); collect("count_calls_n", "intr", ia); collect("count_calls_0", "intr", iw)
		for (i = 1; i <= n && i <= m; i++) a[i] = (a[i] - ia[i]) - (w[i] - iw[i])
		figure("syscall_exits", CALLS " clock_gettime and " CALLS " getpid calls in a 64-bit guest: VM exits they add, timer interruptions not counted (--stats: exits - intr)", "exits", a, n, "le", 10, "the system-call layer answers both inside the guest")
		split("", a); split("", w); n = collect("count_calls_n", "wall_ms", a); m = collect("count_calls_0", "wall_ms", w)
		for (i = 1; i <= n && i <= m; i++) a[i] = (a[i] - w[i]) * 1000 / (2 * CALLS)
		figure("syscall_us", "the same: time per system call, one run", "µs/call", a, n, "", "", "")
	}
	split("", a); n = paired_ratio("kvmrun_true_glibc64", "floor", "wall_ms", a)
	figure("true_glibc_vs_floor", "exec→exit, a static glibc true (gcc -static) under kvmrun / floor", "ratio", a, n, "", "", "glibc's start-up on the guest kernel")
	split("", a); n = paired_ratio("kvmrun_true_glibc64", "kvmrun_nop64", "wall_ms", a)
	figure("true_glibc_vs_nop", "the same / kvmrun apps/nop 64-bit", "ratio", a, n, "", "", "")
	split("", a); n = paired_ratio("kvmrun_true_musl64", "floor", "wall_ms", a)
	figure("true_musl_vs_floor", "exec→exit, a static musl true (musl-gcc -static) under kvmrun / floor", "ratio", a, n, "", "", "")
	split("", a); n = paired_ratio("kvmrun_true_musl64", "kvmrun_nop64", "wall_ms", a)
	figure("true_musl_vs_nop", "the same / kvmrun apps/nop 64-bit", "ratio", a, n, "", "", "")
	split("", a); n = paired_ratio("busybox_kvmrun", "busybox_host", "wall_ms", a)
	figure("busybox_sha256_vs_host", "Debian's busybox-static sha256sum of " MIB " MiB on stdin: under kvmrun / as a host process", "ratio", a, n, "", "", "the same binary; the input crosses the virtio console")
	split("", a); n = paired_ratio("compute64", "compute_host", "wall_ms", a)
	figure("compute_vs_host", "compute: SHA-256 over " MIB " MiB of generated data, built with kvmrun-cc under kvmrun / built with gcc as a host process", "ratio", a, n, "", "", "start-up included; the guest pays the VM's, the host process exec's")

	split("", a); n = collect("mem_kvmrun", "beyond_kib", a)
	for (i = 1; i <= n; i++) a[i] /= 1024
	figure("rss_beyond_guest", "monitor resident memory beyond the guest RAM it touched (kvmrun, apps/cat waiting)", "MiB", a, n, "le", 2, "sum of Rss in /proc/PID/smaps minus the guest RAM mapping")
	split("", a); n = collect("mem_kvmrun", "hwm_beyond_kib", a)
	for (i = 1; i <= n; i++) a[i] /= 1024
	figure("hwm_beyond_guest", "the same, from the peak (VmHWM) minus the guest RAM", "MiB", a, n, "le", 2, "VmHWM lags on kernels before 6.2")
	split("", a); n = collect("mem_floor", "beyond_kib", a)
	for (i = 1; i <= n; i++) a[i] /= 1024
	figure("rss_beyond_guest_floor", "the same, the floor", "MiB", a, n, "", "", "")

	split("", a); n = paired_ratio("kvmrun_nop64_4g", "kvmrun_nop64", "wall_ms", a)
	figure("mem4g_vs_mem64m", "exec→exit, apps/nop 64-bit: --mem=4G / --mem=64M", "ratio", a, n, "le", 1.10, "")
	split("", a); n = paired_ratio("floor_4g", "floor", "wall_ms", a)
	figure("floor_mem4g_vs_mem64m", "the same for the floor (one 4 GiB slot / one 64 MiB slot)", "ratio", a, n, "", "", "")
	split("", a); n = paired_diff("floor_linger5", "floor", "wall_ms", 1, a)
	for (i = 1; i <= n; i++) a[i] -= 5
	figure("floor_linger_cost", "what a VM that lives 5 ms longer costs beyond those 5 ms: floor --linger=5 - floor - 5 ms", "ms", a, n, "", "", "on Linux 6.1-6.12, KVM's wait for its NX huge page recovery thread at the VM's destruction (bench/README.md); kvmrun's VM lives longer than the floor's")

	split("", a); split("", w); n = collect("par_kvmrun", "batch_ms", w)
	for (i = 1; i <= n; i++) a[i] = VMS / (w[i] / 1000)
	figure("vms_per_s", VMS " VMs started at once (64 MiB each): VMs per second, kvmrun", "VMs/s", a, n, "", "", "")
	failed_k = 0; split("", w); m = collect("par_kvmrun", "failed", w)
	for (i = 1; i <= m; i++) failed_k += w[i]
	split("", a); split("", w); n = collect("par_floor", "batch_ms", w)
	for (i = 1; i <= n; i++) a[i] = VMS / (w[i] / 1000)
	figure("vms_per_s_floor", VMS " floors started at once: per second", "VMs/s", a, n, "", "", "")
	failed_f = 0; split("", w); m = collect("par_floor", "failed", w)
	for (i = 1; i <= m; i++) failed_f += w[i]

	# ---------------------------------------------- where the time goes
	# Paired differences per round, in ms, medians.
	split("", a); n = paired_diff("kvmrun_exit0_64", "floor", "wall_ms", 1, a); stats(a, n); d_mon = S_MED
	split("", a); n = paired_diff("kvmrun_exit0_64", "noseccomp_exit0_64", "wall_ms", 1, a); stats(a, n); d_sec = S_MED
	split("", a); n = paired_diff("kvmrun_nop64", "kvmrun_exit0_64", "wall_ms", 1, a); stats(a, n); d_rt = S_MED
	split("", a); n = collect("floor", "wall_ms", a); stats(a, n); floor_med = S_MED
	split("", a); n = collect("kvmrun_nop64", "wall_ms", a); stats(a, n); nop64_med = S_MED

	write_md()
	write_csv()
	write_json()
	write_plot()
}

# ------------------------------------------------------------ markdown
function nested_text() {
	if (kv["in_sandbox"] == "1")
		return "**nested**: the guests ran under kvm_amd inside the KVM sandbox, a Linux VM that QEMU emulates in software (TCG, `-cpu max`, one CPU) on this host" \
			(kv["host_virtualized"] == "1" ? ", itself a virtual machine" : "") \
			". A VM exit there costs tens of microseconds instead of about one, and everything runs ~10-50x slower than natively: only the ratios, measured side by side in the same run, carry over." \
			" The programs under test ran from a copy in " kv["stage"] "; system files (libc, libelf, libz, libseccomp, QEMU and its libraries) came from the host over 9p, which makes dynamic linking cost far more than on a real host."
	if (kv["inner_virtualized"] == "1")
		return "**nested**: KVM (" kv["kvm_module"] ") on a virtual machine, not on bare metal: exits and some KVM calls cost more than natively" \
			(kv["kvm_probe"] != "works" ? " (this host's KVM fails kvm-probe; BENCH_WHERE=native ran the guests that need no SSE here anyway)" : "") "."
	return "not nested: KVM on bare metal."
}

function write_md(    k, i, c, m, n, a, cases_list, nc) {
	print "# kvmrun benchmark report" > md
	print "" > md
	print "Run " kv["date"] " by `make bench` (kvmrun " kv["kvmrun_version"] ", commit " kv["commit"] ")." > md
	print "" > md
	print "* Host: " kv["host_cpu"] ", " kv["host_cpus"] " CPUs, " kv["host_mem_mib"] " MiB, Linux " kv["host_kernel"] \
		(kv["host_virtualized"] == "1" ? " (a virtual machine)" : "") "; host KVM: " kv["kvm_probe"] "." > md
	print "* Where the guests ran: Linux " kv["inner_kernel"] ", " kv["inner_cpu"] ", " kv["inner_cpus"] " CPU(s), " kv["inner_mem_mib"] " MiB, " kv["kvm_module"] "." > md
	print "* " nested_text() > md
	print "* Rounds: " kv["runs"] " interleaved rounds for exec→exit and round trips (BENCH_RUNS), " kv["tp_runs"] " for console and entropy, " \
		kv["mem_runs"] " for memory, " kv["par_runs"] " for the " VMS "-VM batches; " N " exits per round-trip run (BENCH_EXITS). Ratios are paired per round (the cases of a round ran back to back, in an order shuffled each round, each exec→exit start after a random 0-10 ms pause so that no case locks to a phase of the kernel's timer tick), then min/median/max over the rounds." > md
	if (kv["qemu"] != "")
		print "* QEMU: " kv["qemu"] ": `" kv["qemu_cmd"] "`" > md
	print "" > md
	print "## Figures and bars" > md
	print "" > md
	print "| figure | unit | min | median | max | n | bar | |" > md
	print "|---|---|---|---|---|---|---|---|" > md
	for (k = 1; k <= nf; k++)
		print "| " F_label[k] (F_note[k] != "" ? " (" F_note[k] ")" : "") " | " F_unit[k] " | " fmt(F_min[k]) " | **" fmt(F_med[k]) "** | " fmt(F_max[k]) " | " F_n[k] " | " bar_text(k) " | " F_met[k] " |" > md
	print "" > md
	print "All " VMS " VMs of every batch exited 0: " (failed_k == 0 ? "yes" : "NO (" failed_k " failed)") " (kvmrun); " \
		(failed_f == 0 ? "yes" : "NO (" failed_f " failed)") " (floor)." > md
	print "" > md
	print "## Where kvmrun's exec→exit time goes (apps/nop 64-bit)" > md
	print "" > md
	print "Medians of per-round differences, ms (floor: " fmt(floor_med) " ms, kvmrun: " fmt(nop64_med) " ms):" > md
	print "" > md
	print "| part | ms | share of kvmrun - floor |" > md
	print "|---|---|---|" > md
	tot = nop64_med - floor_med
	print "| the monitor's own start-up and exit beyond the floor's (exit0 - floor) | " fmt(d_mon) " | " pct(d_mon, tot) " |" > md
	print "| of which the seccomp filter (exit0 - exit0 with --unsafe-no-seccomp): building and loading it, and on Linux 6.1-6.12 the wait at the VM's destruction that a VM living a few ms longer pays (bench/README.md) | " fmt(d_sec) " | " pct(d_sec, tot) " |" > md
	print "| the guest runtime's start: start_info checks, argv, a larger ELF to load (nop - exit0; the drivers start on first use) | " fmt(d_rt) " | " pct(d_rt, tot) " |" > md
	print "" > md
	print "(exit0 is a guest without the runtime that exits with its first instruction, as the floor's does. The seccomp line is part of the others, not added to them.)" > md
	print "" > md
	print "## Every case" > md
	print "" > md
	print "| case | wall ms min | median | max | n | VM exits to user space (--stats) | every VM exit (kvm:kvm_exit) |" > md
	print "|---|---|---|---|---|---|---|" > md
	for (i = 1; i <= ncm; i++) {
		split(order[i], cm, SUBSEP)
		if (cm[2] != "wall_ms") continue
		c = cm[1]
		if (c ~ /^count_/) continue
		n = collect(c, "wall_ms", a); stats(a, n)
		line = "| " c " | " fmt(S_MIN) " | " fmt(S_MED) " | " fmt(S_MAX) " | " n
		print line " | " exits_of(c, "exits") " | " exits_of(c, "kvm_exits") " |" > md
	}
	print "" > md
}

function pct(x, t) { return (t > 0 && x != "") ? sprintf("%.0f%%", 100 * x / t) : "n/a" }

# The VM exits of a case: from its own --stats samples, or the counting run.
function exits_of(c, m,    key, a, n) {
	if ((c, m) in cnt) { n = collect(c, m, a); stats(a, n); return fmt(S_MED) }
	key = c
	sub(/^kvmrun_/, "", key)
	key = "count_" key
	if ((key, m) in cnt) { n = collect(key, m, a); stats(a, n); return fmt(S_MED) }
	return ""
}

# ------------------------------------------------------------ csv, json
function write_csv(    k) {
	print "figure,unit,n,min,median,max,bar,met" > csv
	for (k = 1; k <= nf; k++)
		printf "%s,%s,%d,%s,%s,%s,%s,%s\n", F_id[k], F_unit[k], F_n[k], json_num(F_min[k]), json_num(F_med[k]),
			json_num(F_max[k]), (F_cmp[k] == "" ? "" : (F_cmp[k] == "le" ? "<=" : ">=") F_bar[k]), F_met[k] > csv
}

function write_json(    k, key, first, i, c, m, n, a) {
	print "{" > js
	printf "  \"date\": %s,\n  \"nested\": %s,\n  \"in_sandbox\": %s,\n", json_str(kv["date"]),
		(kv["in_sandbox"] == "1" || kv["inner_virtualized"] == "1") ? "true" : "false",
		kv["in_sandbox"] == "1" ? "true" : "false" > js
	printf "  \"environment\": {" > js
	first = 1
	for (key in kv) {
		printf "%s\n    %s: %s", (first ? "" : ","), json_str(key), json_str(kv[key]) > js
		first = 0
	}
	print "\n  }," > js
	print "  \"figures\": [" > js
	for (k = 1; k <= nf; k++)
		printf "    {\"id\": %s, \"label\": %s, \"unit\": %s, \"n\": %d, \"min\": %s, \"median\": %s, \"max\": %s, \"bar\": %s, \"met\": %s}%s\n",
			json_str(F_id[k]), json_str(F_label[k]), json_str(F_unit[k]), F_n[k], json_num(F_min[k]),
			json_num(F_med[k]), json_num(F_max[k]),
			(F_cmp[k] == "" ? "null" : json_str((F_cmp[k] == "le" ? "<= " : ">= ") F_bar[k])),
			json_str(F_met[k]), (k < nf ? "," : "") > js
	print "  ]," > js
	print "  \"cases\": [" > js
	for (i = 1; i <= ncm; i++) {
		split(order[i], cm, SUBSEP)
		n = collect(cm[1], cm[2], a); stats(a, n)
		printf "    {\"case\": %s, \"metric\": %s, \"n\": %d, \"min\": %s, \"median\": %s, \"max\": %s}%s\n",
			json_str(cm[1]), json_str(cm[2]), n, json_num(S_MIN), json_num(S_MED), json_num(S_MAX),
			(i < ncm ? "," : "") > js
	}
	print "  ]" > js
	print "}" > js
}

# ------------------------------------------------------------ plot data
# bench/plot.gp draws plot.svg from these: whitespace-separated columns,
# strings in double quotes, NaN where there is no value (gnuplot skips it).
# One row a figure or a case, numbered from the top; the samples beside the
# summaries so that the plot shows the spread, not only its ends.
function gp_str(s) { gsub(/"/, "'", s); return "\"" s "\"" }
function gp_num(x) { return x == "" ? "NaN" : sprintf("%.6g", x) }
# gnuplot's single-quoted strings: '' is the only escape.
function gp_sq(s) { gsub(/'/, "''", s); return "'" s "'" }

# The smallest of 1, 2, 5 x 10^k at or above v, the largest at or below.
function nice_above(v,    e, p) {
	e = int(log(v) / log(10) + 100) - 100
	p = 10 ^ e
	if (p >= v) return p
	if (2 * p >= v) return 2 * p
	if (5 * p >= v) return 5 * p
	return 10 * p
}
function nice_below(v,    e, p) {
	e = int(log(v) / log(10) + 100) - 100
	p = 10 ^ e
	if (5 * p <= v) return 5 * p
	if (2 * p <= v) return 2 * p
	return p
}

# The ratios under short names (the table has the long ones).
function plot_label(id) {
	if (id == "exec_nop32_vs_floor") return "exec→exit nop32: kvmrun / floor"
	if (id == "exec_nop64_vs_floor") return "exec→exit nop64: kvmrun / floor"
	if (id == "exec_qemu_vs_kvmrun") return "exec→exit nop64: QEMU / kvmrun"
	if (id == "hypercall_vs_floor") return "hypercall, per exit: kvmrun / floor"
	if (id == "mem4g_vs_mem64m") return "exec→exit nop64: --mem=4G / 64M"
	if (id == "floor_mem4g_vs_mem64m") return "exec→exit floor: 4 GiB / 64 MiB slot"
	return id
}

function write_plot(    rf, rs, wf, ws, vf, k, i, row, lo, hi, v, note, list, nl, n, a, fam, title, where,
	nratios, ncases, rlo, rhi, wlo, whi) {
	rf = pd "/ratios.dat"; rs = pd "/ratio-samples.dat"
	wf = pd "/wall.dat"; ws = pd "/wall-samples.dat"; vf = pd "/vars.gp"

	# The paired ratios: every figure whose unit is a ratio.
	print "# row label min median max bar cmp met note" > rf
	print "# row ratio (one a round)" > rs
	lo = 1; hi = 1; row = 0
	for (k = 1; k <= nf; k++) {
		if (F_unit[k] != "ratio") continue
		row++
		if (F_n[k] == 0) note = "no data"
		else if (F_cmp[k] == "") note = fmt(F_med[k]) "  reported"
		else note = fmt(F_med[k]) "  " bar_text(k) " " F_met[k]
		print row, gp_str(plot_label(F_id[k])), gp_num(F_min[k]), gp_num(F_med[k]), gp_num(F_max[k]),
			gp_num(F_bar[k]), (F_cmp[k] == "" ? "-" : F_cmp[k]), gp_str(F_met[k]), gp_str(note) > rf
		for (i = 1; i <= F_n[k]; i++) {
			v = F_s[k, i]
			if (v <= 0) continue # a log axis
			print row, gp_num(v) > rs
			if (v < lo) lo = v
			if (v > hi) hi = v
		}
		if (F_cmp[k] != "") { if (F_bar[k] < lo) lo = F_bar[k]; if (F_bar[k] > hi) hi = F_bar[k] }
	}
	nratios = row
	rlo = nice_below(lo / 1.1); rhi = nice_above(hi * 1.1)

	# The wall time of every run of every case: the exec->exit cases, then
	# the round trips (N exits a run).
	print "# row case min median max family note" > wf
	print "# row wall_ms family" > ws
	nl = split("floor floor_long floor_4g floor_linger5 kvmrun_exit0_64 noseccomp_exit0_64 kvmrun_nop32 kvmrun_nop64 kvmrun_nop64_4g kvmrun_true_glibc64 kvmrun_true_musl64 qemu " \
		"hcall64_0 hcall64_n noseccomp_hcall64_n floor_exits floor_long_exits", list, " ")
	lo = 0; hi = 0; row = 0
	for (i = 1; i <= nl; i++) {
		split("", a)
		n = collect(list[i], "wall_ms", a)
		if (n == 0) continue
		row++
		fam = list[i] ~ /floor/ ? "floor" : (list[i] == "qemu" ? "qemu" : "kvmrun")
		stats(a, n)
		print row, gp_str(list[i]), gp_num(S_MIN), gp_num(S_MED), gp_num(S_MAX), fam, gp_str(fmt(S_MED) " ms") > wf
		for (k = 1; k <= n; k++) {
			if (a[k] <= 0) continue
			print row, gp_num(a[k]), fam > ws
			if (lo == 0 || a[k] < lo) lo = a[k]
			if (a[k] > hi) hi = a[k]
		}
	}
	ncases = row
	if (hi <= 0) { lo = 1; hi = 10 }
	wlo = nice_below(lo / 1.1); whi = nice_above(hi * 1.1)

	where = kv["in_sandbox"] == "1" ? "nested: the KVM sandbox, under QEMU TCG; only the ratios carry over" : \
		(kv["inner_virtualized"] == "1" ? "nested: " kv["kvm_module"] " on a virtual machine" : "KVM on bare metal")
	title = "kvmrun make bench, " kv["date"] ", kvmrun " kv["kvmrun_version"] ", commit " kv["commit"]
	print "# Written by bench/report.awk for bench/plot.gp." > vf
	print "title = " gp_sq(title) > vf
	print "where = " gp_sq(where) > vf
	print "rounds = " (kv["runs"] + 0) > vf
	print "exits = " N > vf
	print "nratios = " nratios > vf
	print "ncases = " ncases > vf
	print "have_qemu = " ((("qemu", "wall_ms") in cnt) ? 1 : 0) > vf
	printf "rlo = %.6g; rhi = %.6g\n", rlo, rhi > vf
	printf "wlo = %.6g; whi = %.6g\n", wlo, whi > vf
	close(rf); close(rs); close(wf); close(ws); close(vf)
}
