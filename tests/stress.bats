#!/usr/bin/env bats
# Stress: 50 random trees, each copied with zcp -a -j8 and with cp -a and
# compared as tests/cp-diff.bash compares (status, output, the resulting
# trees: types, modes, sizes, contents, link targets, hard-link groups,
# owners, times).  Each tree comes from bash's RANDOM seeded with the
# tree's number: depth 1 to 6, width 1 to 20, files of 0 to 256 KiB
# (mostly small), relative symlinks (some dangling), hard links across
# directories, FIFOs, empty directories and names with spaces, newlines,
# quotes and leading dashes.  A failure names its seeds;
#   STRESS_SEEDS="17 42" bats tests/stress.bats
# builds and copies those trees again.

setup() {
	load common
	load cp-diff
	cd "$BATS_TEST_TMPDIR"
}

teardown() { diff_teardown; }

# Random numbers come from $RANDOM in this shell only: a $(...) would
# draw from a reseeded copy, and the two fixtures of one seed would
# differ.  rnd N sets R to 0..N-1 (RANDOM alone stops at 32767).
rnd() { R=$(( ((RANDOM << 15) | RANDOM) % $1 )); }

# rnd_size: R bytes, mostly small: 70 % under 4 KiB, 20 % under 64 KiB,
# 10 % up to 256 KiB.
rnd_size() {
	rnd 10
	case $R in
	[0-6]) rnd 4096 ;;
	[7-8]) rnd 65536 ;;
	*) rnd 262145 ;;
	esac
}

# rnd_name N: NAME, most plain, some odd.
rnd_name() {
	rnd 12
	case $R in
	0) NAME="with space $1" ;;
	1) NAME=$'new\nline'"$1" ;;
	2) NAME="-dash$1" ;;
	3) NAME="it's $1" ;;
	*) NAME="e$1" ;;
	esac
}

# rnd_entry DIR LEVEL UP: one random entry in DIR (LEVEL deep below
# src/, UP the way back to src/ from there: empty in src/, then ../).
rnd_entry() {
	local dir=$1 level=$2 up=$3 name rel=${1#src}
	N=$((N + 1))
	rnd_name "$N"
	name=$NAME
	rel=${rel#/}${rel:+/}$name
	rnd 100
	if [ "$R" -lt 50 ]; then
		rnd_size
		local size=$R
		rnd 2000000
		dat "$dir/$name" "$size" "$R"
		FILES+=("$rel")
	elif [ "$R" -lt 66 ] && [ "$level" -lt "$DEPTH" ]; then
		mkdir "$dir/$name"
		rnd_dir "$dir/$name" $((level + 1)) "../$up"
	elif [ "$R" -lt 74 ]; then
		if [ ${#FILES[@]} -gt 0 ] && { rnd 4; [ "$R" -gt 0 ]; }; then
			rnd ${#FILES[@]}
			ln -s "$up${FILES[R]}" "$dir/$name"
		else
			ln -s "${up}missing-$N" "$dir/$name"
		fi
	elif [ "$R" -lt 80 ]; then
		mkfifo "$dir/$name"
	elif [ "$R" -lt 90 ] && [ ${#FILES[@]} -gt 0 ]; then
		rnd ${#FILES[@]}
		ln "src/${FILES[R]}" "$dir/$name"
		FILES+=("$rel")
	else
		mkdir "$dir/$name"
	fi
}

# rnd_dir DIR LEVEL UP: WIDTH/2 to WIDTH entries in DIR, while the
# tree's budget of entries lasts.
rnd_dir() {
	local n i
	rnd $(( (WIDTH + 1) / 2 ))
	n=$((WIDTH - R))
	for ((i = 0; i < n && N < BUDGET; i++)); do
		rnd_entry "$1" "$2" "$3"
	done
}

# fx_random: the tree of seed $SEED under src/.
fx_random() {
	RANDOM=$SEED
	rnd 6; DEPTH=$((R + 1))
	rnd 20; WIDTH=$((R + 1))
	rnd 130; BUDGET=$((R + 20))
	N=0
	FILES=()
	mkdir src
	rnd_dir src 1 ''
}

# stress FIRST LAST: trees FIRST to LAST (or $STRESS_SEEDS, in the first
# group only); every seed runs, then the failed ones are named.
stress() {
	local failed='' seeds
	if [ -n "${STRESS_SEEDS-}" ]; then
		[ "$1" -eq 1 ] || skip "STRESS_SEEDS='$STRESS_SEEDS' runs in the first group"
		seeds=$STRESS_SEEDS
	else
		seeds=$(seq "$1" "$2")
	fi
	ZCP_J=(-j8)
	for SEED in $seeds; do
		echo "# seed $SEED"
		diffcase random -- -a src copy || failed+=" $SEED"
	done
	[ -z "$failed" ] ||
		fail "trees that differ, seeds:$failed (STRESS_SEEDS=\"${failed# }\" bats tests/stress.bats)"
}

@test "stress: random trees 1-10, zcp -a -j8 as cp -a" { stress 1 10; }
@test "stress: random trees 11-20, zcp -a -j8 as cp -a" { stress 11 20; }
@test "stress: random trees 21-30, zcp -a -j8 as cp -a" { stress 21 30; }
@test "stress: random trees 31-40, zcp -a -j8 as cp -a" { stress 31 40; }
@test "stress: random trees 41-50, zcp -a -j8 as cp -a" { stress 41 50; }
