#!/usr/bin/env bats
# --update[=WHEN] as in GNU cp 9.5: which existing destinations are
# replaced (all, none, none-fail, older), and how WHEN meets -n, -i and -b.

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
	echo source > src
	touch -d @1500000000 src
}
teardown() { loopfs_cleanup; }

# fresh: dst/older and dst/newer than src, and no dst/missing.
fresh() {
	rm -rf dst
	mkdir dst
	echo old > dst/older
	touch -d @1000000000 dst/older
	echo new > dst/newer
	touch -d @2000000000 dst/newer
}

# replaced NAME...: each dst/NAME now holds src's data.
replaced() {
	local n
	for n in "$@"; do
		assert_equal "$(cat "dst/$n")" source
	done
}

# kept NAME...: each dst/NAME still holds what fresh put there.
kept() {
	local n
	for n in "$@"; do
		case $n in
		older) assert_equal "$(cat dst/older)" old ;;
		newer) assert_equal "$(cat dst/newer)" new ;;
		esac
	done
}

@test "--update=all replaces every destination, older or newer" {
	fresh
	for d in older newer missing; do
		run zcp --update=all src "dst/$d"
		assert_success
		assert_output ''
	done
	replaced older newer missing
}

@test "--update=none keeps every existing destination quietly, exit 0" {
	fresh
	for d in older newer missing; do
		run zcp --update=none src "dst/$d"
		assert_success
		assert_output ''
	done
	kept older newer
	replaced missing
}

@test "--update=none-fail keeps every existing destination, names it, exit 1" {
	fresh
	for d in older newer; do
		run zcp --update=none-fail src "dst/$d"
		assert_failure 1
		assert_output "zcp: not replacing 'dst/$d'"
	done
	run zcp --update=none-fail src dst/missing
	assert_success
	assert_output ''
	kept older newer
	replaced missing
}

@test "--update=older, a bare --update and -u replace only older destinations" {
	local opt
	for opt in --update=older --update -u; do
		fresh
		for d in older newer missing; do
			run zcp "$opt" src "dst/$d"
			assert_success
			assert_output ''
		done
		kept newer
		replaced older missing
	done
}

@test "--update=older keeps a destination with the source's very mtime" {
	fresh
	echo same > dst/same
	touch -d @1500000000 dst/same
	run zcp --update=older src dst/same
	assert_success
	assert_equal "$(cat dst/same)" same
}

@test "--update: an unambiguous prefix is taken; a bad WHEN lists the valid ones and copies nothing" {
	fresh
	run zcp --update=o src dst/older
	assert_success
	replaced older
	fresh
	for bad in bogus n ''; do
		run zcp --update="$bad" src dst/missing dst
		assert_failure 1
		if [ "$bad" = bogus ]; then
			assert_line --index 0 "zcp: invalid argument 'bogus' for '--update'"
		else
			assert_line --index 0 "zcp: ambiguous argument '$bad' for '--update'"
		fi
		assert_line --index 1 'Valid arguments are:'
		assert_line --index 2 "  - 'all'"
		assert_line --index 3 "  - 'none'"
		assert_line --index 4 "  - 'none-fail'"
		assert_line --index 5 "  - 'older'"
		assert_line --index 6 "Try 'zcp --help' for more information."
		assert_file_not_exist dst/missing
		assert_file_not_exist dst/src
	done
}

@test "-u takes no argument, as in cp" {
	fresh
	run zcp -u=all src dst/newer
	assert_failure 1
	assert_line --index 0 "zcp: invalid option -- '='"
	kept newer
}

@test "the last --update given says when" {
	fresh
	run zcp --update=none --update=all src dst/newer
	assert_success
	replaced newer
	fresh
	run zcp --update=none-fail -u src dst/older
	assert_success
	run zcp --update=none-fail -u src dst/newer
	assert_success
	replaced older
	kept newer
	fresh
	run zcp -u --update=none src dst/older
	assert_success
	kept older
}

@test "several sources with --update=none-fail: the new ones copied, each kept one named, exit 1" {
	fresh
	touch src2
	echo other > dst/src
	run zcp --update=none-fail src src2 dst
	assert_failure 1
	assert_output "zcp: not replacing 'dst/src'"
	assert_equal "$(cat dst/src)" other
	assert_file_exist dst/src2
}

@test "-r with --update=none-fail: directories merged, new files copied, existing ones named, exit 1" {
	mkdir -p tree/sub tree/new
	echo a > tree/a
	echo b > tree/sub/b
	echo c > tree/sub/c
	echo d > tree/new/d
	mkdir -p out/tree/sub
	echo kept-a > out/tree/a
	echo kept-b > out/tree/sub/b
	run zcp -r --update=none-fail tree out
	assert_failure 1
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' \
	    "zcp: not replacing 'out/tree/a'" \
	    "zcp: not replacing 'out/tree/sub/b'")"
	assert_equal "$(cat out/tree/a)" kept-a
	assert_equal "$(cat out/tree/sub/b)" kept-b
	assert_equal "$(cat out/tree/sub/c)" c
	assert_equal "$(cat out/tree/new/d)" d
	# --update=none: the same, quietly, exit 0.
	rm -r out/tree/new out/tree/sub/c
	run zcp -r --update=none tree out
	assert_success
	assert_output ''
	assert_equal "$(cat out/tree/a)" kept-a
	assert_equal "$(cat out/tree/new/d)" d
}

@test "-r --update=none-fail: a directory over a file is still refused as such" {
	mkdir -p tree/x out/tree
	touch out/tree/x
	run zcp -r --update=none-fail tree out
	assert_failure 1
	assert_output "zcp: cannot overwrite non-directory 'out/tree/x' with directory 'tree/x'"
}

@test "--update=none and none-fail keep a destination that is the source, as -n does" {
	run zcp --update=none src src
	assert_success
	assert_output ''
	run zcp --update=none-fail src src
	assert_failure 1
	assert_output "zcp: not replacing 'src'"
	run zcp --update=all src src
	assert_failure 1
	assert_output "zcp: 'src' and 'src' are the same file"
}

@test "--update=none-fail with - as the source: the destination kept and named" {
	fresh
	run bash -c 'echo piped | "$ZCP" --update=none-fail - dst/older'
	assert_failure 1
	assert_output "zcp: not replacing 'dst/older'"
	kept older
	run bash -c 'echo piped | "$ZCP" --update=none - dst/older'
	assert_success
	kept older
}

@test "--update=none and none-fail say nothing under -v for what they keep" {
	fresh
	run zcp -v --update=none src dst/older
	assert_success
	assert_output ''
	run zcp -v --update=none-fail src dst/older
	assert_failure 1
	assert_output "zcp: not replacing 'dst/older'"
	run zcp -v --update=none-fail src dst/missing
	assert_success
	assert_output "'src' -> 'dst/missing'"
}

@test "-n wins over every --update, given before or after it" {
	local opts
	for opts in "-n --update=all" "--update=all -n" "-n -u" "-u -n" \
	    "-n --update=none-fail" "--update=none-fail -n" "--no-clobber --update"; do
		fresh
		# shellcheck disable=SC2086
		run zcp $opts src dst/older
		assert_success
		assert_output ''
		kept older
	done
}

@test "-i after --update=none or none-fail asks, and a yes replaces" {
	local when
	for when in none none-fail; do
		fresh
		run bash -c "echo y | \"\$ZCP\" --update=$when -i src dst/newer"
		assert_success
		assert_output "zcp: overwrite 'dst/newer'? "
		replaced newer
	done
}

@test "--update=none or none-fail after -i keeps the file without asking, and ends -i" {
	fresh
	run bash -c 'echo y | "$ZCP" -i --update=none src dst/older'
	assert_success
	assert_output ''
	kept older
	run bash -c 'echo y | "$ZCP" --interactive --update=none-fail src dst/older'
	assert_failure 1
	assert_output "zcp: not replacing 'dst/older'"
	kept older
	# -i is gone for good: a later --update=all does not bring it back.
	run bash -c 'echo n | "$ZCP" -i --update=none --update=all src dst/older'
	assert_success
	assert_output ''
	replaced older
	fresh
	# -n, then -i over it, then none-fail over -i.
	run bash -c 'echo y | "$ZCP" -n -i --update=none-fail src dst/older'
	assert_failure 1
	assert_output "zcp: not replacing 'dst/older'"
	kept older
}

@test "-i with --update=older or -u asks only for older destinations, as cp 9.1" {
	local opts
	for opts in "-i -u" "-u -i" "-i --update=older" "-i --update"; do
		fresh
		run bash -c "echo y | \"\$ZCP\" $opts src dst/newer"
		assert_success
		assert_output ''
		kept newer
		run bash -c "echo y | \"\$ZCP\" $opts src dst/older"
		assert_success
		assert_output "zcp: overwrite 'dst/older'? "
		replaced older
	done
}

@test "-i with --update=all still asks, and a no keeps the file with exit 0" {
	fresh
	run bash -c 'echo n | "$ZCP" -i --update=all src dst/newer'
	assert_success
	assert_output "zcp: overwrite 'dst/newer'? "
	kept newer
	run bash -c 'echo y | "$ZCP" --update=all -i src dst/newer'
	assert_success
	replaced newer
}

@test "-b with --update=none or none-fail is refused before copying, with cp 9.5's message" {
	local opts
	for opts in "-b --update=none" "--update=none-fail -b" \
	    "--backup=numbered --update=none" "--update=none -S .bak"; do
		fresh
		# shellcheck disable=SC2086
		run zcp $opts src dst/missing
		assert_failure 1
		assert_line --index 0 "zcp: --backup is mutually exclusive with -n or --update=none-fail"
		assert_line --index 1 "Try 'zcp --help' for more information."
		assert_file_not_exist dst/missing
	done
	# -n keeps cp 9.1's message, whatever --update says.
	run zcp -n -b --update=none src dst/missing
	assert_failure 1
	assert_line --index 0 "zcp: options --backup and --no-clobber are mutually exclusive"
	assert_file_not_exist dst/missing
}

@test "-b with --update=older or all backs up what it replaces" {
	fresh
	run zcp -b --update=older src dst/older
	assert_success
	replaced older
	assert_equal "$(cat dst/older~)" old
	run zcp -b --update=older src dst/newer
	assert_success
	kept newer
	assert_file_not_exist dst/newer~
	run zcp -b --update=all src dst/newer
	assert_success
	replaced newer
	assert_equal "$(cat dst/newer~)" new
}

@test "-b with --update=none overridden by a later -i is taken" {
	fresh
	run bash -c 'echo y | "$ZCP" -b --update=none -i src dst/older'
	assert_success
	replaced older
	assert_equal "$(cat dst/older~)" old
}

@test "-u: a source time is cut to what the destination's filesystem keeps, as cp's (ext2 keeps seconds)" {
	local p
	need_root
	command -v mkfs.ext2 >/dev/null || skip "mkfs.ext2 not installed"
	truncate -s 8M ext2.img
	# 128-byte inodes have no room for nanoseconds.
	mkfs.ext2 -q -I 128 ext2.img 2>/dev/null || skip "mkfs.ext2 failed"
	mkdir mnt
	mount -o loop ext2.img mnt 2>/dev/null ||
		skip "cannot mount a loop image here"
	echo "$PWD/mnt" >> "$BATS_TEST_TMPDIR/.mounts"
	echo data > src
	touch -d '2024-05-05 10:00:00.700000000' src
	for p in cp "$ZCP"; do
		"$p" -pu src mnt/d
		# The copy has 10:00:00: not older than the source as kept there.
		run "$p" -puv src mnt/d
		assert_success
		assert_output ''
		# Edited in that same second: newer, and kept.
		echo "newer edit" > mnt/d
		touch -d '2024-05-05 10:00:00' mnt/d
		run "$p" -pu src mnt/d
		assert_success
		assert_equal "$(cat mnt/d)" "newer edit"
		rm mnt/d
	done
}
