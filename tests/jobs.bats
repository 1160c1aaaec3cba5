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
