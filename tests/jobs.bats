#!/usr/bin/env bats
# -j N, --jobs=N|auto: how many files are copied at a time.  The parallel
# engine's promise is that nothing a user or a script sees changes with
# N: output, exit status and the resulting tree are those of -j1.

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
}

@test "-j and --jobs take 1 to 256 or auto, and refuse anything else before copying" {
	printf 'x\n' > a
	for bad in 0 -1 257 x 1x ''; do
		run zcp --jobs="$bad" a b
		assert_failure 1
		assert_output "zcp: invalid number of jobs: '$bad'"
		[ ! -e b ]
	done
	for good in 1 2 256 auto; do
		run zcp -j "$good" a "b$good"
		assert_success
		cmp a "b$good"
	done
}

@test "-j2: the lines of the files after a long one are held in bounded memory: the walk waits for it" {
	local n f i big prev=-1 flat=0 most=0
	mkdir src
	for n in $(seq 1 3000); do : > "src/f$n"; done
	# In inode order (the walk's): the first file (the walk copies it
	# itself), then one of 8 MiB that --bwlimit=1M keeps busy for 8 s;
	# the -v lines of the 2998 after it wait for it.
	i=0
	for f in $(ls -U -i src | sort -n | awk '{print $2}' | head -2); do
		i=$((i + 1))
		[ $i -eq 1 ] && printf 'first\n' > "src/$f" && continue
		head -c 8M /dev/urandom > "src/$f"
		big=$f
	done
	"$ZCP" -r -v -j2 --bwlimit=1M src dst > out &
	# While the long file is being copied, the walk stops once 512 files
	# wait to be printed: the count of files stops growing.
	while [ "$(stat -c %s "dst/$big" 2>/dev/null || echo 0)" -lt 8388608 ]; do
		n=$(find dst -type f 2>/dev/null | wc -l)
		[ "$n" -gt "$most" ] && most=$n
		[ "$n" -eq "$prev" ] && [ "$n" -gt 2 ] && flat=$((flat + 1))
		prev=$n
		sleep 0.5
	done
	wait
	[ "$most" -le 520 ] || fail "$most files copied while the long one held their lines"
	[ "$flat" -ge 2 ] || fail "the walk never waited ($most files)"
	[ "$(wc -l < out)" -eq 3001 ]
	diff -r src dst
}
