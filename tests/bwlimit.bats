#!/usr/bin/env bats
# --bwlimit: the rate measured as the copy goes, file to file and pipe to
# pipe, for 10 s, sampled every half second; every method still runs, in bounded
# calls that --stats counts as strace does; a stop request ends the
# sleep; --progress shows the limit.

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
}
teardown() {
	cd "$BATS_TEST_TMPDIR" || true
	loopfs_cleanup
}

RATE=2097152		# --bwlimit=2M

need_jq() { command -v jq >/dev/null || skip "jq not installed"; }

# sample_sizes FILE PID: "SECONDS BYTES" of FILE every half second into
# sizes.txt, until PID ends.
sample_sizes() {
	: > sizes.txt
	while kill -0 "$2" 2>/dev/null; do
		echo "$EPOCHREALTIME $(stat -c %s "$1" 2>/dev/null || echo 0)" >> sizes.txt
		sleep 0.5
	done
}

# median_rate TOTAL: the median rate, in bytes a second, of the one-second
# windows (from each sample of sizes.txt to the next but one) that lie
# wholly inside the copy: some bytes before, not all after.  A window of
# half a second holds 10 or 11 of the calls of a twentieth of a second's
# worth, a 10 % step; one of a second, 20 or 21.  "none" with fewer than
# four such windows.
median_rate() {
	awk -v total="$1" '
	{ t[NR] = $1; b[NR] = $2 }
	NR > 2 && b[NR - 2] > 0 && $2 < total {
		r[n++] = ($2 - b[NR - 2]) / ($1 - t[NR - 2])
	}
	END {
		if (n < 4) { print "none"; exit }
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (r[j] < r[i]) { x = r[i]; r[i] = r[j]; r[j] = x }
		printf "%d\n", n % 2 ? r[int(n / 2)] : (r[n / 2 - 1] + r[n / 2]) / 2
	}' sizes.txt
}

# assert_near_rate TOTAL T0 T1: the median window rate is RATE within 5 %,
# and so is the whole copy's, TOTAL bytes from T0 to T1 (EPOCHREALTIME).
assert_near_rate() {
	local m
	m=$(median_rate "$1")
	[ "$m" != none ] || fail "too few windows: $(cat sizes.txt)"
	assert_num "$m" -ge $((RATE * 95 / 100))
	assert_num "$m" -le $((RATE * 105 / 100))
	m=$(awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%d", n / (b - a) }')
	assert_num "$m" -ge $((RATE * 95 / 100))
	assert_num "$m" -le $((RATE * 105 / 100))
}

MIB=21			# 10.5 s at 2 MiB/s: the rate holds over 10 s

@test "bwlimit: file to file at 2M for 10 s: the whole copy's rate and the median of one-second windows are 2 MiB/s within 5%, the copy whole" {
	local t0
	mkdata src "${MIB}M"
	t0=$EPOCHREALTIME
	"$ZCP" --bwlimit=2M src dst &
	sample_sizes dst $!
	wait $!
	cmp src dst
	assert_near_rate $((MIB * 1048576)) "$t0" "$EPOCHREALTIME"
}

@test "bwlimit: pipe to pipe at 2M for 10 s: the whole copy's rate and the median of one-second windows are 2 MiB/s within 5%, the copy whole" {
	local t0
	mkdata src "${MIB}M"
	t0=$EPOCHREALTIME
	# cat writes what it reads at once: out grows as zcp writes.
	{ cat src | "$ZCP" --bwlimit=2M - - | cat > out; } &
	sample_sizes out $!
	wait $!
	cmp src out
	assert_near_rate $((MIB * 1048576)) "$t0" "$EPOCHREALTIME"
}

@test "bwlimit: every method still runs, held to the rate" {
	need_jq
	local m
	mkdata src 2M
	# 2 MiB at 4 MiB/s: half a second, less a tenth of a second's burst.
	for m in copy_file_range sendfile splice readwrite; do
		"$ZCP" --bwlimit=4M --method=$m --stats=json src "dst.$m" 2> stats.json
		cmp src "dst.$m"
		assert_equal "$(jq -r '.methods | keys | join(" ")' stats.json)" $m
		assert_equal "$(jq -r ".methods.$m.bytes" stats.json)" 2097152
		jq -e '.seconds >= 0.3' stats.json >/dev/null ||
			fail "$m: 2 MiB at 4 MiB/s in $(jq .seconds stats.json) s"
	done
}

@test "bwlimit: calls of a twentieth of a second's worth, counted by --stats as strace counts them; the sleeps are not" {
	command -v strace >/dev/null || skip "strace not installed"
	need_jq
	mkdata src 1M
	strace -f -c -o sc.txt -e trace=copy_file_range,clock_nanosleep \
	    "$ZCP" --bwlimit=4M --stats=json src dst 2> stats.json
	cmp src dst
	sc() { awk -v s="$1" '$NF == s { n = $4 } END { print n + 0 }' sc.txt; }
	# 4 MiB / 20 is 209715 bytes, 204800 in whole pages: 6 calls for
	# 1 MiB, and the 0 at the end.
	assert_equal "$(jq -r .methods.copy_file_range.calls stats.json)" 7
	assert_equal "$(sc copy_file_range)" 7
	assert_num "$(sc clock_nanosleep)" -ge 3
}

@test "bwlimit: a reflink moves no data and is not held back" {
	need_jq
	loopfs xfs 512M mnt
	mkdata mnt/src 40M
	run zcp --bwlimit=1M --stats=json mnt/src mnt/dst
	assert_success
	cmp mnt/src mnt/dst
	assert_equal "$(jq -r '.methods | keys | join(" ")' <<<"$output")" reflink
	jq -e '.seconds < 5' <<<"$output" >/dev/null ||
		fail "40 MiB cloned in $(jq .seconds <<<"$output") s"
}

@test "bwlimit: 0, fractions and malformed rates are refused before anything is copied" {
	local v
	mkdata a 100
	for v in '' 0 00 1.5G 1.5 -5 +1 1Q bogus 010 0x10 '1k ' 1kk; do
		run zcp --bwlimit="$v" a b
		assert_failure 1
		assert_output "zcp: invalid bandwidth limit: '$v'"
		assert_file_not_exist b
	done
	for v in 99999999999999999999 8E; do
		run zcp --bwlimit="$v" a b
		assert_failure 1
		assert_output "zcp: invalid bandwidth limit: '$v': Value too large for defined data type"
		assert_file_not_exist b
	done
	run zcp a b --bwlimit
	assert_failure 1
	assert_line --index 0 "zcp: option '--bwlimit' requires an argument"
	run zcp --bwlimit=7E a b
	assert_success
	cmp a b
}

# stop_after SECONDS: SIGINT to $ZPID after SECONDS; ELAPSED: the
# milliseconds from the signal to its end, ZST its status.
stop_after() {
	local t0
	sleep "$1"
	kill -0 "$ZPID" || fail "zcp ended before the signal"
	t0=${EPOCHREALTIME/./}
	kill -s INT "$ZPID"
	ZST=0
	wait "$ZPID" || ZST=$?
	ELAPSED=$(((${EPOCHREALTIME/./} - t0) / 1000))
}

@test "bwlimit: SIGINT stops a throttled copy at once, with or without --stats" {
	need_jq
	mkdata src 64M
	# 32 s at 2 MiB/s.  A command run with & ignores SIGINT here (no
	# job control): env gives it back its default.
	env --default-signal=INT "$ZCP" --bwlimit=2M src dst 2> err &
	ZPID=$!
	stop_after 1
	assert_equal "$ZST" 130
	assert_num "$ELAPSED" -lt 1000
	# With --stats SIGINT is a stop request, which ends the sleep.
	env --default-signal=INT "$ZCP" --bwlimit=2M --stats=json src dst2 2> stats.json &
	ZPID=$!
	stop_after 1
	assert_equal "$ZST" 130
	assert_num "$ELAPSED" -lt 1000
	assert_equal "$(jq -r .signal stats.json)" SIGINT
	assert_num "$(stat -c %s dst2)" -lt $((4 * 1048576))
	cmp -n "$(stat -c %s dst2)" src dst2
	# At 1 byte a second each sleep is a second long: the signal ends it.
	printf 0123456789 > ten
	env --default-signal=INT "$ZCP" --bwlimit=1 --stats=json - dst3 < ten 2> stats.json &
	ZPID=$!
	stop_after 1.5
	assert_equal "$ZST" 130
	assert_num "$ELAPSED" -lt 300
	assert_equal "$(jq -r .signal stats.json)" SIGINT
}

@test "bwlimit: --progress shows the limit after the rate" {
	mkdata src 6M
	# 6 MiB at 2 MiB/s: 3 s, a line off a terminal after 2.
	"$ZCP" --progress --bwlimit=2M src - 2> err | cat > out
	cmp src out
	[ -s err ] || fail "no progress line in 3 seconds"
	B='[0-9.]+ ([KMGT]i)?B'
	while IFS= read -r l; do
		[[ $l =~ ^zcp:\ $B\ /\ 6\.0\ MiB\ +[0-9]+%\ \ $B/s\ \ limit\ 2\.0\ MiB/s\ \ ETA\ [0-9]+:[0-9]{2}\ \ [a-z_]+$ ]] ||
			fail "not a meter line with the limit: '$l'"
	done < err
}
