#!/usr/bin/env bats
# Reflink for real, on loop-mounted XFS (mkfs.xfs -m reflink=1) and btrfs;
# ext4 (the test directory here) and cross-filesystem pairs for the
# failures.  Where mounting is impossible, loopfs skips and says why.

setup() { load common; cd "$BATS_TEST_TMPDIR"; }
teardown() { loopfs_cleanup; }

MB=1048576

# shared FILE: how many of FILE's extents FIEMAP marks shared.
shared() {
	filefrag -v "$1" | awk 'NR > 3 && /shared/ { n++ } END { print n + 0 }'
}

assert_shared() {
	[ "$(shared "$1")" -gt 0 ] || {
		echo "$1 has no shared extents:" >&2
		filefrag -v "$1" >&2
		return 1
	}
}

assert_not_shared() {
	[ "$(shared "$1")" -eq 0 ] || {
		echo "$1 has shared extents:" >&2
		filefrag -v "$1" >&2
		return 1
	}
}

# mount_fs TYPE: a reflink-capable TYPE filesystem on mnt, with a 4 MiB
# file a on it.
mount_fs() {
	loopfs "$1" 300M mnt
	mkdata mnt/a $((4 * MB + 4097))
	sync mnt/a
}

# check_clone TYPE OPTION...: zcp OPTION... clones a to b on TYPE.
check_clone() {
	local type=$1
	shift
	mount_fs "$type"
	run zcp --trace "$@" mnt/a mnt/b
	assert_success
	assert_output --regexp "zcp: trace: reflink: $((4 * MB + 4097)) bytes in 1 call, done"
	cmp mnt/a mnt/b
	assert_shared mnt/b
}

# check_never TYPE: --reflink=never copies a to b without sharing a block,
# avoiding copy_file_range too, which clones on this filesystem.
check_never() {
	mount_fs "$1"
	run zcp --trace --reflink=never mnt/a mnt/b
	assert_success
	assert_output --partial "zcp: trace: reflink: skipped: --reflink=never"
	assert_output --partial "zcp: trace: copy_file_range: skipped: --reflink=never, and it can clone on this filesystem"
	refute_output --regexp "trace: (reflink|copy_file_range): [0-9]+ bytes"
	cmp mnt/a mnt/b
	sync mnt/b
	assert_not_shared mnt/b
	assert_not_shared mnt/a
}

@test "xfs: the auto chain clones" { check_clone xfs; }
@test "xfs: --reflink=always clones" { check_clone xfs --reflink=always; }
@test "xfs: --reflink (no argument) clones" { check_clone xfs --reflink; }
@test "xfs: --method=reflink clones" { check_clone xfs --method=reflink; }
@test "btrfs: the auto chain clones" { check_clone btrfs; }
@test "btrfs: --reflink=always clones" { check_clone btrfs --reflink=always; }
@test "btrfs: --method=reflink clones" { check_clone btrfs --method=reflink; }

@test "xfs: --reflink=never shares nothing (no copy_file_range either)" { check_never xfs; }
@test "btrfs: --reflink=never shares nothing (no copy_file_range either)" { check_never btrfs; }

# --debug's line, in cp 9.2+'s words: a clone leaves the rest unknown, as
# cp's emit_debug says after FICLONE succeeded.
@test "xfs: --debug says reflink yes, and nothing else was needed" {
	mount_fs xfs
	run zcp --debug mnt/a mnt/b
	assert_success
	assert_output "'mnt/a' -> 'mnt/b'
copy offload: unknown, reflink: yes, sparse detection: unknown"
	assert_shared mnt/b
	run zcp --debug --reflink=always mnt/a mnt/c
	assert_success
	assert_line --index 1 "copy offload: unknown, reflink: yes, sparse detection: unknown"
}

@test "xfs: --debug --reflink=never says reflink no, and sendfile offloads" {
	mount_fs xfs
	run zcp --debug --reflink=never mnt/a mnt/b
	assert_success
	assert_output "'mnt/a' -> 'mnt/b'
copy offload: yes, reflink: no, sparse detection: no"
	cmp mnt/a mnt/b
	sync mnt/b
	assert_not_shared mnt/b
}

@test "xfs -> ext4: --debug says reflink unsupported, and the copy offloaded" {
	mount_fs xfs
	run zcp --debug mnt/a b
	assert_success
	assert_line --index 1 "copy offload: yes, reflink: unsupported, sparse detection: no"
	cmp mnt/a b
}

@test "xfs: an existing destination is replaced by a clone" {
	mount_fs xfs
	mkdata mnt/b $((6 * MB))
	zcp mnt/a mnt/b
	cmp mnt/a mnt/b
	assert_shared mnt/b
}

@test "xfs: a sparse file reflinks keeping its holes" {
	loopfs xfs 300M mnt
	truncate -s 64M mnt/sp
	for at in 1 10 30; do
		head -c 65536 /dev/urandom |
			dd of=mnt/sp bs=64K seek=$((at * 16)) conv=notrunc status=none
	done
	sync mnt/sp
	run zcp --trace mnt/sp mnt/copy
	assert_success
	assert_output --regexp "zcp: trace: reflink: 67108864 bytes in 1 call, done"
	cmp mnt/sp mnt/copy
	assert_equal "$(stat -c %s mnt/copy)" $((64 * MB))
	assert_num "$(($(stat -c '%b * %B' mnt/copy)))" -lt $((4 * MB))
	assert_shared mnt/copy
}

@test "xfs: --reflink=never on a sparse file keeps holes and shares nothing" {
	loopfs xfs 300M mnt
	truncate -s 64M mnt/sp
	for at in 1 10 30; do
		head -c 65536 /dev/urandom |
			dd of=mnt/sp bs=64K seek=$((at * 16)) conv=notrunc status=none
	done
	sync mnt/sp
	zcp --reflink=never mnt/sp mnt/copy
	cmp mnt/sp mnt/copy
	assert_num "$(($(stat -c '%b * %B' mnt/copy)))" -lt $((4 * MB))
	sync mnt/copy
	assert_not_shared mnt/copy
}

@test "xfs: stdout redirected to an empty file is cloned, and its offset ends past the clone" {
	mount_fs xfs
	{ zcp --trace mnt/a - 2> err; printf B; } > mnt/out
	grep -q "^zcp: trace: reflink: $((4 * MB + 4097)) bytes in 1 call, done" err
	{ cat mnt/a; printf B; } | cmp - mnt/out
	assert_shared mnt/out
}

@test "xfs: stdin redirected from a file is cloned, and its offset ends past the clone" {
	mount_fs xfs
	{ zcp --trace - mnt/out 2> err; cat > mnt/rest; } < mnt/a
	grep -q "^zcp: trace: reflink: $((4 * MB + 4097)) bytes in 1 call, done" err
	cmp mnt/a mnt/out
	assert_file_empty mnt/rest
	assert_shared mnt/out
}

@test "xfs: stdout that already holds bytes is not cloned over" {
	mount_fs xfs
	{ printf A; zcp --trace mnt/a - 2> err; printf B; } > mnt/out
	grep -q "^zcp: trace: reflink: skipped: the destination is not empty" err
	{ printf A; cat mnt/a; printf B; } | cmp - mnt/out
}

@test "ext4: --reflink=always fails: Operation not supported" {
	mkdata a 100000
	run zcp --reflink=always a b
	assert_failure 1
	assert_output "zcp: failed to clone 'b' from 'a': Operation not supported"
}

@test "ext4: the auto chain falls back from EOPNOTSUPP" {
	mkdata a 100000
	run zcp --trace a b
	assert_success
	assert_output --regexp "zcp: trace: reflink: EOPNOTSUPP .*falling back to copy_file_range"
	cmp a b
}

@test "xfs -> ext4: --reflink=always fails across filesystems" {
	mount_fs xfs
	run zcp --reflink=always mnt/a b
	assert_failure 1
	assert_output "zcp: failed to clone 'b' from 'mnt/a': Invalid cross-device link"
}

@test "xfs -> ext4: the auto chain falls back from EXDEV and copies" {
	mount_fs xfs
	run zcp --trace mnt/a b
	assert_success
	assert_output --regexp "zcp: trace: reflink: EXDEV .*falling back to copy_file_range"
	cmp mnt/a b
}

@test "xfs -> btrfs: --reflink=always fails across filesystems" {
	loopfs xfs 300M mnt
	loopfs btrfs 300M mnt2
	mkdata mnt/a $((MB))
	run zcp --reflink=always mnt/a mnt2/b
	assert_failure 1
	assert_output "zcp: failed to clone 'mnt2/b' from 'mnt/a': Invalid cross-device link"
}

@test "xfs: --reflink=always into a pipe fails and says why" {
	mount_fs xfs
	run bash -c '"$ZCP" --reflink=always mnt/a - | cat > /dev/null; exit ${PIPESTATUS[0]}'
	assert_failure 1
	assert_output --regexp "^zcp: failed to clone '-' from 'mnt/a': "
}

# nocow: on btrfs, a chattr +C file refuses FICLONE (EINVAL) because of
# that file; the files after it, of the same device pair, must still
# clone.  In inode order, so zcp -r meets the nocow file first.
nocow_tree() {
	loopfs btrfs 300M mnt
	command -v chattr >/dev/null || skip "chattr not installed"
	mkdir mnt/t
	touch mnt/t/0-nocow
	chattr +C mnt/t/0-nocow || skip "chattr +C refused here"
	mkdata mnt/t/0-nocow $MB
	mkdata mnt/t/1 $MB
	mkdata mnt/t/2 $MB
	sync
}

@test "btrfs: a nocow file's refusal (EINVAL) is not remembered for the other files" {
	nocow_tree
	run zcp -r --trace mnt/t mnt/u
	assert_success
	assert_line --regexp "^zcp: trace: reflink: EINVAL .*; falling back to copy_file_range$"
	refute_output --partial 'remembered'
	diff -r mnt/t mnt/u
	assert_shared mnt/u/1
	assert_shared mnt/u/2
}

@test "btrfs: --reflink=always fails the nocow file only, the others are clones" {
	nocow_tree
	run zcp -r --reflink=always mnt/t mnt/u
	assert_failure 1
	assert_output "zcp: failed to clone 'mnt/u/0-nocow' from 'mnt/t/0-nocow': Invalid argument"
	cmp mnt/t/1 mnt/u/1
	cmp mnt/t/2 mnt/u/2
	assert_shared mnt/u/1
	assert_shared mnt/u/2
}

@test "ext4: --reflink=always -r: each file fails with the kernel's reason, as cp says it" {
	mkdir t
	mkdata t/a 1000
	mkdata t/b 1000
	run zcp -r --reflink=always t u
	assert_failure 1
	assert_line "zcp: failed to clone 'u/a' from 't/a': Operation not supported"
	assert_line "zcp: failed to clone 'u/b' from 't/b': Operation not supported"
	refute_output --partial 'before'
}

@test "xfs: --method=copy_file_range --reflink=never is refused before the destination is emptied" {
	mount_fs xfs
	echo precious > mnt/dst
	run zcp --method=copy_file_range --reflink=never mnt/a mnt/dst
	assert_failure 1
	assert_output "zcp: cannot copy 'mnt/a' to 'mnt/dst' with --method=copy_file_range: --reflink=never, and it can clone on this filesystem"
	assert_equal "$(cat mnt/dst)" precious
	run bash -c '"$ZCP" --method=copy_file_range --reflink=never - mnt/dst < mnt/a'
	assert_failure 1
	assert_equal "$(cat mnt/dst)" precious
}

@test "ext4: --reflink=always -r onto files there: a refusal remembered leaves the next one whole" {
	mkdir t u
	mkdata t/a 1000
	mkdata t/b 1000
	echo keep-a > u/a
	echo keep-b > u/b
	run zcp -r --reflink=always t/. u
	assert_failure 1
	# The first file (in inode order) learns the refusal after it was
	# truncated, as with cp; the second is refused before.
	run cat u/a u/b
	assert_output --regexp '^(keep-a|keep-b)$'
}
