#!/usr/bin/env bats
# --debug as GNU cp 9.2 and later: -v, then one line per copied file in
# cp's words, and "skipped" for a file -n, -u or -i leaves alone.  cp 9.1
# (installed here) has no --debug: the expected lines are what cp 9.5's
# copy.c (emit_debug, copy_debug) prints for the same copy, and where zcp
# differs (man page, "Debug output") what zcp did.  Runs on the test
# directory's filesystem, which must not clone (ext4 or tmpfs); clones are
# tests/reflink.bats.

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
	mkdata a 100000
}

# need_no_clone: the test directory is on ext4 or tmpfs, where FICLONE is
# refused and copy_file_range copies.
need_no_clone() {
	case $(stat -f -c %T .) in
	ext2/ext3 | tmpfs) ;;
	*) skip "the test directory is on $(stat -f -c %T .), not ext4 or tmpfs" ;;
	esac
}

# mksparse FILE: 4 MiB, data only in its second MiB.
mksparse() {
	truncate -s 4M "$1"
	dd if=a of="$1" bs=1M seek=1 conv=notrunc status=none
}

@test "a copy_file_range copy: copy offload yes, reflink unsupported" {
	need_no_clone
	run zcp --debug a b
	assert_success
	assert_output "'a' -> 'b'
copy offload: yes, reflink: unsupported, sparse detection: no"
	cmp a b
}

@test "--debug implies -v, and adds a line for files only" {
	need_no_clone
	mkdir d
	cp a d/f
	run zcp --debug -r d e
	assert_success
	assert_output "'d' -> 'e'
'd/f' -> 'e/f'
copy offload: yes, reflink: unsupported, sparse detection: no"
	# A symlink apart: in one directory, the order of the entries is
	# their inodes', which the filesystem chooses.
	ln -s f l
	run zcp --debug -d l l2
	assert_success
	assert_output "'l' -> 'l2'"
}

@test "--debug prints no --trace lines, and --trace no --debug line" {
	run zcp --debug a b
	assert_success
	refute_output --partial "trace:"
	run zcp --trace a c
	assert_success
	assert_output --partial "zcp: trace: 'a' -> 'c'"
	refute_output --partial "copy offload"
}

@test "an empty file: copy offload unknown, as cp (nothing was moved)" {
	need_no_clone
	: > e
	run zcp --debug e f
	assert_success
	assert_line --index 1 "copy offload: unknown, reflink: unsupported, sparse detection: no"
}

@test "a sparse file: sparse detection SEEK_HOLE" {
	need_no_clone
	mksparse s
	run zcp --debug s t
	assert_success
	assert_output "'s' -> 't'
copy offload: yes, reflink: unsupported, sparse detection: SEEK_HOLE"
	cmp s t
}

@test "a file that is all hole: SEEK_HOLE, and no data to offload" {
	need_no_clone
	truncate -s 1M h
	run zcp --debug h i
	assert_success
	assert_line --index 1 "copy offload: unknown, reflink: unsupported, sparse detection: SEEK_HOLE"
}

@test "--sparse=always: zeros, and SEEK_HOLE + zeros for a sparse file" {
	need_no_clone
	mksparse s
	run zcp --debug --sparse=always a b
	assert_success
	assert_line --index 1 "copy offload: avoided, reflink: unsupported, sparse detection: zeros"
	run zcp --debug --sparse=always s t
	assert_success
	assert_line --index 1 "copy offload: avoided, reflink: unsupported, sparse detection: SEEK_HOLE + zeros"
	cmp s t
}

@test "--sparse=never: no holes looked for, and no clone (it keeps holes)" {
	need_no_clone
	mksparse s
	run zcp --debug --sparse=never s t
	assert_success
	assert_line --index 1 "copy offload: yes, reflink: avoided, sparse detection: no"
}

@test "--reflink=never: reflink no, and copy_file_range still copies here" {
	need_no_clone
	run zcp --debug --reflink=never a b
	assert_success
	assert_output "'a' -> 'b'
copy offload: yes, reflink: no, sparse detection: no"
}

@test "--method=readwrite: offload and reflink avoided" {
	run zcp --debug --method=readwrite a b
	assert_success
	assert_line --index 1 "copy offload: avoided, reflink: avoided, sparse detection: no"
}

@test "a refusal remembered from the file before is still unsupported" {
	need_no_clone
	cp a c
	mkdir t
	run zcp --trace --debug a c t
	assert_success
	assert_line "zcp: trace: reflink: skipped: the kernel said EOPNOTSUPP for this device pair before"
	assert_equal "$(grep -c '^copy offload: yes, reflink: unsupported, sparse detection: no$' <<< "$output")" 2
}

@test "-n: skipped 'DEST', on standard output, and only with --debug" {
	echo old > b
	run bash -c '"$ZCP" --debug -n a b 2>err'
	assert_success
	assert_output "skipped 'b'"
	assert_file_empty err
	assert_equal "$(cat b)" old
	run zcp -v -n a b
	assert_success
	assert_output ""
}

@test "-n skips no directory: its files are skipped one by one" {
	mkdir d e
	cp a d/f
	echo old > e/f
	run zcp --debug -rn d/. e
	assert_success
	assert_output "skipped 'e/./f'"
}

@test "-u with a destination not older: skipped 'DEST'" {
	touch -d '2000-01-01' a
	echo new > b
	run zcp --debug -u a b
	assert_success
	assert_output "skipped 'b'"
	assert_equal "$(cat b)" new
	# Standard input, a pipe made now, is older than b.
	touch -d 'tomorrow' b
	run bash -c 'echo x | "$ZCP" --debug -u - b'
	assert_success
	assert_output "skipped 'b'"
	assert_equal "$(cat b)" new
}

@test "a no to -i: skipped 'DEST' after the question" {
	echo old > b
	run bash -c 'echo n | "$ZCP" --debug -i a b 2>err'
	assert_success
	assert_output "skipped 'b'"
	assert_equal "$(cat err)" "zcp: overwrite 'b'? "
}

@test "a pipe on standard input: offload by splice, no reflink for a pipe" {
	run bash -c 'head -c 100000 a | "$ZCP" --debug - b'
	assert_success
	assert_output "'-' -> 'b'
copy offload: yes, reflink: unsupported, sparse detection: no"
	cmp a b
}

@test "to standard output: the lines go to standard error, as -v's" {
	run bash -c '"$ZCP" --debug a - 2>err | cat > b'
	assert_success
	assert_output ""
	cmp a b
	assert_equal "$(cat err)" "'a' -> '-'
copy offload: yes, reflink: unsupported, sparse detection: no"
}

@test "-l, -s and --attributes-only copy no data: the -v line alone" {
	run zcp --debug -l a b
	assert_success
	assert_output "'a' -> 'b'"
	run zcp --debug -s "$PWD/a" c
	assert_success
	assert_output "'$PWD/a' -> 'c'"
	run zcp --debug --attributes-only a d
	assert_success
	assert_output "'a' -> 'd'"
}

@test "a destination that cannot be made: the line says nothing was tried" {
	run zcp --debug a nodir/b
	assert_failure 1
	assert_line --index 0 "'a' -> 'nodir/b'"
	assert_line "zcp: cannot create regular file 'nodir/b': No such file or directory"
	assert_line "copy offload: unknown, reflink: unknown, sparse detection: unknown"
}

@test "--resume: the rest of a file is not cloned, as --resume asks: reflink avoided" {
	head -c 30000 a > b
	run zcp --debug --resume a b
	assert_success
	assert_line --index 2 "copy offload: yes, reflink: avoided, sparse detection: no"
	cmp a b
}
