#!/usr/bin/env bats
# bench/timeit, the benchmark's stopwatch: every case once a round, in an
# order shuffled each round and repeatable from the seed; its samples (wall
# and CPU time) written in the case file's order; a wrong exit status
# reported. Runs on the host with plain programs: no KVM needed.

bats_require_minimum_version 1.5.0

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
O=${O:-build}
[[ $O = /* ]] || O="$ROOT/$O"
TIMEIT=$O/bench/timeit

setup() {
	cd "$BATS_TEST_TMPDIR"
	# Each case appends its name to order.log: the order the cases ran in.
	for c in a b c d e f; do
		printf '%s\t0\t/bin/sh\t-c\techo %s >> order.log\n' "$c" "$c"
	done > cases
}

# The order of each round, one line a round, for SEED.
orders() { # SEED ROUNDS
	rm -f order.log out.csv
	"$TIMEIT" -r "$2" -w 0 -j 0 -s "$1" -o out.csv -e . cases
	paste -d '' - - - - - - < order.log
}

@test "every case runs once a round, in an order shuffled each round and the same for the same seed" {
	run -0 orders 1 8
	local first=$output
	[[ $(wc -l <<<"$first") -eq 8 ]]
	while read -r round; do
		[[ $(fold -w1 <<<"$round" | sort | tr -d '\n') == abcdef ]]
	done <<<"$first"
	# Not one order for all rounds, nor rotations of one order (then every
	# case would always follow the same case).
	local r1 others=0
	r1=$(head -n1 <<<"$first")
	while read -r round; do
		[[ $r1$r1 == *"$round"* ]] || others=$((others + 1))
	done <<<"$first"
	[[ $others -ge 1 ]]
	run -0 orders 1 8
	[[ $output == "$first" ]]
	run -0 orders 2 8
	[[ $output != "$first" ]]
	# The samples, though, come in the case file's order, round by round.
	[[ $(awk -F, '$3 == "wall_ms" { printf "%s", $1 }' out.csv) == "$(printf 'abcdef%.0s' 1 2 3 4 5 6 7 8)" ]]
	[[ $(awk -F, '$3 == "wall_ms" { printf "%s", $2 }' out.csv) == 000000111111222222333333444444555555666666777777 ]]
}

@test "each run gives wall, user, system and CPU time, CPU being user + system" {
	printf 'spin\t0\t/bin/sh\t-c\ti=0; while [ $i -lt 20000 ]; do i=$((i+1)); done\n' > cases
	run -0 "$TIMEIT" -r 2 -w 0 -o out.csv -e . cases
	for m in wall_ms user_ms sys_ms cpu_ms maxrss_kib; do
		[[ $(grep -c "^spin,[01],$m," out.csv) -eq 2 ]]
	done
	for r in 0 1; do
		local u s c w
		u=$(awk -F, -v r=$r '$2==r && $3=="user_ms"{print $4}' out.csv)
		s=$(awk -F, -v r=$r '$2==r && $3=="sys_ms"{print $4}' out.csv)
		c=$(awk -F, -v r=$r '$2==r && $3=="cpu_ms"{print $4}' out.csv)
		w=$(awk -F, -v r=$r '$2==r && $3=="wall_ms"{print $4}' out.csv)
		awk -v u="$u" -v s="$s" -v c="$c" -v w="$w" \
			'BEGIN { exit !(c > 0 && (c - u - s) ^ 2 < 1e-6 && w >= c * 0.9) }'
	done
}

@test "a case that exits with another status than expected fails the run, with its stderr" {
	printf 'bad\t0\t/bin/sh\t-c\techo oops >&2; exit 3\n' > cases
	run -1 "$TIMEIT" -r 1 -w 0 -o out.csv -e . cases
	[[ $output == *"bad (round 0) exited 3, expected 0"* ]]
	[[ $output == *oops* ]]
}

@test "a negative start pause is a usage error" {
	run -2 "$TIMEIT" -j -1 -o out.csv cases
	[[ $output == usage:* ]]
}
