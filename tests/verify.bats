#!/usr/bin/env bats
# --verify: each copy written out, dropped from the page cache and read
# back with pread (strace); a source changed under a slowed copy caught,
# with the offset, and with --atomic never published; the ends that
# cannot be read again refused before any data moves; -r; --stats; a
# clone on XFS said to share its extents, or how much of them; with
# --resume the whole file read back; standard input opened O_DIRECT.

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
}
teardown() { loopfs_cleanup; }

MIB=1048576

need_strace() { command -v strace >/dev/null || skip "strace not installed"; }
need_jq() { command -v jq >/dev/null || skip "jq not installed"; }

# wait_written PID BYTES: until the file PID writes here (by name or an
# O_TMPFILE) holds BYTES, for 20 s at most.
wait_written() {
	local pid=$1 bytes=$2 i f
	for ((i = 0; i < 200; i++)); do
		for f in /proc/"$pid"/fd/*; do
			case $(readlink "$f") in
			"$PWD"/src) ;;
			"$PWD"/*)
				[ "$(stat -L -c %s "$f" 2>/dev/null || echo 0)" -ge "$bytes" ] &&
					return 0 ;;
			esac
		done
		sleep 0.1
	done
	fail "the copy did not write $bytes bytes in 20 s"
}

# change_under_copy OFFSET OPTION...: zcp --verify OPTION... src dst at
# 1 MiB/s, src 3 MiB of zeros whose 4 KiB at OFFSET become x's once they
# are copied, and once 64 KiB more than dst held before are (--resume);
# run's variables.
change_under_copy() {
	local at=$1 pid had
	shift
	head -c $((3 * MIB)) /dev/zero > src
	had=$(stat -c %s dst 2>/dev/null || echo 0)
	"$ZCP" --verify --bwlimit=1M "$@" src dst 2>err &
	pid=$!
	wait_written "$pid" $((at + 4096 > had + 65536 ? at + 4096 : had + 65536))
	kill -0 "$pid" || fail "the copy ended before the source changed"
	head -c 4096 /dev/zero | tr '\0' x |
		dd of=src bs=4096 seek="$at" oflag=seek_bytes conv=notrunc status=none
	# As run would set them: run's subshell cannot wait for pid.
	status=0
	wait "$pid" || status=$?
	output=$(cat err)
}

@test "verify: the copy is written out, dropped from the cache and read back in 1 MiB preads" {
	need_strace
	mkdata src $((3 * MIB + 5))
	run strace -o trace -e trace=fdatasync,fadvise64,pread64 "$ZCP" --verify src dst
	assert_success
	cmp src dst
	grep -qE '^fdatasync\([0-9]+\) += 0' trace || fail "no fdatasync: $(cat trace)"
	assert_equal "$(grep -cE '^fadvise64\([0-9]+, 0, 0, POSIX_FADV_DONTNEED\)' trace)" 2
	# Four chunks of each file, the last one short (read on to the end).
	assert_equal "$(grep -cE '^pread64\([0-9]+, .*, 1048576, [0-9]+\)' trace)" 8
	assert_equal "$(grep -cE '^pread64\([0-9]+, .*, 1048576, 3145728\) += 5$' trace)" 2
}

@test "verify: without --verify nothing is read back" {
	need_strace
	mkdata src $MIB
	run strace -o trace -e trace=fdatasync,fadvise64,pread64 "$ZCP" src dst
	assert_success
	refute grep -qE '^(fdatasync|fadvise64|pread64\(.*, 1048576, )' trace
}

@test "verify: a source changed while it was copied fails at byte 0, exit 1" {
	change_under_copy 0
	assert_failure 1
	assert_output "zcp: verification failed: 'dst' differs from 'src' at byte 0"
}

@test "verify: the offset named is the first byte that differs" {
	change_under_copy 123456
	assert_failure 1
	assert_output "zcp: verification failed: 'dst' differs from 'src' at byte 123456"
}

@test "verify: with --atomic a copy that differs is not published; the old file stays, no temporary" {
	mkdir work && cd work
	echo old > dst
	change_under_copy 0 --atomic
	assert_failure 1
	assert_output "zcp: verification failed: 'dst' differs from 'src' at byte 0"
	assert_equal "$(cat dst)" old
	assert_equal "$(ls -A | sort | tr '\n' ' ')" "dst err src "
}

@test "verify: with --resume the whole copy is read back, the bytes found in place too" {
	head -c $MIB /dev/zero > dst
	change_under_copy 4096 --resume
	assert_failure 1
	assert_output "zcp: verification failed: 'dst' differs from 'src' at byte 4096"
}

@test "verify: with --resume the offset named is the file's, not the rest's" {
	head -c $MIB /dev/zero > dst
	change_under_copy $((MIB + 123456)) --resume
	assert_failure 1
	assert_output "zcp: verification failed: 'dst' differs from 'src' at byte $((MIB + 123456))"
}

@test "verify: with --resume a destination equal to its source is read back whole" {
	need_strace; need_jq
	mkdata src $((2 * MIB + 5))
	cp src dst
	run strace -o trace -e trace=pread64 -P "$PWD/src" -P "$PWD/dst" \
	    "$ZCP" --resume --verify --stats=json src dst
	assert_success
	# Each file read twice: by --resume's comparison, then by --verify.
	assert_equal "$(awk '/^pread64\(/ { n += $NF } END { print n }' trace)" \
	    $((4 * (2 * MIB + 5)))
	assert_equal "$(grep -oE '"bytes_(verified|skipped)":[0-9]+' <<<"$output" | sort | tr '\n' ' ')" \
	    "\"bytes_skipped\":$((2 * MIB + 5)) \"bytes_verified\":$((2 * MIB + 5)) "
}

@test "verify: standard input opened O_DIRECT is read back too" {
	command -v python3 >/dev/null || skip "python3 not installed"
	mkdata src $((3 * MIB + 5))
	# O_DIRECT reads want an aligned buffer, and none may start past a
	# short one: that was the end.
	run python3 -c 'import os, subprocess, sys
fd = os.open("src", os.O_RDONLY | os.O_DIRECT)
sys.exit(subprocess.run([os.environ["ZCP"], "--verify", "--stats=json", "-", "dst"], stdin=fd).returncode)'
	assert_success
	assert_output --partial '"bytes_verified":3145733,'
	cmp src dst
}

@test "verify: '-' as the destination is refused before anything is copied" {
	mkdata src 1000
	run bash -c '"$ZCP" --verify src - > out'
	assert_failure 1
	assert_output "zcp: cannot verify '-': standard output is not read back"
	[ ! -s out ] || fail "something was copied to standard output"
}

@test "verify: a pipe as the source is refused before the destination is made" {
	run bash -c 'printf data | "$ZCP" --verify - dst'
	assert_failure 1
	assert_output "zcp: cannot verify '-': a pipe cannot be read again"
	[ ! -e dst ] || fail "dst was made"
}

@test "verify: a FIFO as the destination is refused before data moves" {
	mkdata src 1000
	mkfifo fifo
	run timeout 10 "$ZCP" --verify src fifo
	assert_failure 1
	assert_output "zcp: cannot verify 'fifo': a pipe cannot be read back"
}

@test "verify: -r verifies every file of a tree, counted by --stats" {
	need_jq
	mkdir -p tree/sub
	mkdata tree/a 1000
	mkdata tree/sub/b $((MIB + 1))
	: > tree/sub/empty
	run zcp -r --verify --stats=json tree copy
	assert_success
	diff -r tree copy
	assert_equal "$(jq -r '.files, .bytes, .bytes_verified' <<<"$output")" \
	    "$(printf '3\n%s\n%s' $((MIB + 1001)) $((MIB + 1001)))"
	jq -e '.verify_seconds > 0' <<<"$output" >/dev/null
}

@test "verify: --stats says how many bytes were verified and how long it took" {
	mkdata src 5000
	run zcp --verify --stats src dst
	assert_success
	assert_line --regexp '^zcp: stats: 4\.9 KiB \(5000 bytes\) verified in [0-9]+\.[0-9]{3} s$'
	run zcp --stats src dst2
	refute_line --partial verified
}

@test "verify: a clone on XFS is still compared, and --trace says it shares the source's extents" {
	loopfs xfs 300M mnt
	mkdata mnt/a $((4 * MIB + 4097))
	sync mnt/a
	run zcp --verify --trace mnt/a mnt/b
	assert_success
	assert_line "zcp: trace: verify: 'mnt/b' shares its extents with the source 'mnt/a'"
	cmp mnt/a mnt/b
}

@test "verify: --trace says how much of a copy shares the source's extents when only part does" {
	loopfs xfs 300M mnt
	mkdata mnt/a $((4 * MIB + 4097))
	sync mnt/a
	# A clone cut short at an odd offset, then resumed: the rest is
	# copied, not cloned, as copy_file_range cannot clone from there.
	cp --reflink=always mnt/a mnt/b
	truncate -s $((MIB + 100)) mnt/b
	run zcp --resume --verify --trace mnt/a mnt/b
	assert_success
	assert_line "zcp: trace: verify: 'mnt/b' shares $MIB of its $((4 * MIB + 4097)) bytes of data with the source 'mnt/a'; the rest is read back from the disk"
	cmp mnt/a mnt/b
}

@test "verify: a destination there that cannot be read is refused when it is opened" {
	need_root
	shared_tmpdir w
	cd "$SHARED_DIR"
	echo data > src
	echo old > dst
	chmod 0622 dst
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$ZCP" --verify src dst
	assert_failure 1
	assert_output "zcp: cannot create regular file 'dst': Permission denied"
	assert_equal "$(cat dst)" old
	# Without --verify cp's write-only open is enough.
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$ZCP" src dst
	assert_success
	assert_equal "$(cat dst)" data
}

@test "verify: a block device is compared up to the end of the source, not its own" {
	need_root
	truncate -s 8M img
	losetup -f --show img > loopdev 2>/dev/null || skip "no loop device here"
	mkdata src $((3 * MIB + 7))
	run zcp --verify --stats=json src "$(cat loopdev)"
	losetup -d "$(cat loopdev)"
	assert_success
	assert_output --regexp '"bytes_verified":3145735,'
	cmp -n $((3 * MIB + 7)) src img
}
