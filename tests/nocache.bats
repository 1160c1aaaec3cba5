#!/usr/bin/env bats
# --nocache: what a copy leaves in the page cache, measured with fincore
# on the source and the destination, file to file with every method,
# file to pipe and pipe to file; the sync_file_range and fadvise64 calls
# under strace, in bounded steps; --stats' counts unchanged; --sync;
# --verify's read-back and --resume's comparison dropped too.
#
# The files live in BATS_TEST_TMPDIR, under /tmp: ext4 here.  On a tmpfs
# the pages are the file itself and cannot be dropped, so the tests that
# measure the cache skip there, saying so.

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
}

MIB=1048576
SIZE=$((256 * MIB))
# What --nocache may leave of a source and its copy together: two steps
# of 8 MiB (the source is dropped a step behind), with room to spare.
BOUND=$((16 * MIB))

need_fincore() {
	command -v fincore >/dev/null || skip "fincore (util-linux) not installed"
}
need_strace() { command -v strace >/dev/null || skip "strace not installed"; }

# need_droppable: a filesystem whose pages can be dropped.
need_droppable() {
	need_fincore
	case $(stat -f -c %T .) in
	tmpfs | ramfs)
		skip "$PWD is on a $(stat -f -c %T .): its pages are the files and cannot be dropped" ;;
	esac
}

# cached FILE...: the bytes of FILEs resident in the page cache, summed.
cached() {
	fincore -b -n -o RES "$@" | awk '{ n += $1 } END { print n + 0 }'
}

# mksrc SIZE: a source file whose pages are all cached and clean (sync):
# POSIX_FADV_DONTNEED drops only clean pages, and a source that was just
# written is dirty.  Then dropped and read back, as a file in use is:
# splice from pages just written and synced let the file-to-pipe test
# pass here even without the source's lag, read back they do not.
mksrc() {
	mkdata src "$1"
	sync src
	dd if=src iflag=nocache count=0 status=none
	cat src > /dev/null
}

@test "nocache: file to file, 256 MiB: without --nocache the copy stays cached, with it under 16 MiB of the two" {
	need_droppable
	mksrc $SIZE
	run zcp src plain
	assert_success
	# Not all of it: the machine may be short of memory.  Measured
	# before cmp, which reads both files into the cache.
	assert_num "$(cached plain)" -ge $((SIZE / 2))
	cmp src plain
	rm plain
	mksrc $SIZE
	assert_num "$(cached src)" -ge $((SIZE / 2))
	run zcp --nocache src dst
	assert_success
	assert_output ''
	assert_num "$(cached src dst)" -lt $BOUND
	cmp src dst
}

@test "nocache: every method leaves under 16 MiB of source and copy cached" {
	need_droppable
	local m
	mksrc $((64 * MIB + 4097))
	for m in copy_file_range sendfile splice readwrite; do
		cat src > /dev/null
		run zcp --nocache --method=$m src dst.$m
		assert_success
		assert_num "$(cached src dst.$m)" -lt $BOUND
		cmp src dst.$m
	done
}

@test "nocache: --verify's read-back and --resume's comparison leave under 16 MiB of source and copy cached" {
	need_droppable
	mksrc $((64 * MIB))
	run zcp --nocache --verify src dst
	assert_success
	assert_num "$(cached src dst)" -lt $BOUND
	# Synced: POSIX_FADV_DONTNEED drops only clean pages.
	head -c $((40 * MIB)) src > part
	sync part
	run zcp --nocache --resume --verify src part
	assert_success
	assert_num "$(cached src part)" -lt $BOUND
	head -c $((40 * MIB)) src > part
	sync part
	run zcp --nocache --resume src part
	assert_success
	assert_num "$(cached src part)" -lt $BOUND
	cmp src dst
	cmp src part
}

# slow_reader: standard input to standard output at 256 MiB/s, so that the
# pipe is full whenever zcp drops a step (pv -L), or cat without pv.
slow_reader() {
	if command -v pv >/dev/null; then
		pv -q -L 256M
	else
		cat
	fi
}

@test "nocache: file to pipe leaves under 8 MiB of the source cached, pipe to file under 16 MiB of the copy" {
	need_droppable
	mksrc $SIZE
	# splice hands the pipe the source's own pages, which cannot be
	# dropped until read: dropped a step behind, only the last
	# pipe-full or two stay (0 to 2 MiB here); dropped at once, with a
	# pipe kept full, the pages in the pipe at each step would (over
	# 40 MiB here).
	zcp --nocache src - | slow_reader > out
	assert_num "$(cached src)" -lt $((8 * MIB))
	cmp src out
	cat src | zcp --nocache - dst
	assert_num "$(cached dst)" -lt $BOUND
	cmp src dst
}

@test "nocache: strace shows sync_file_range and fadvise64 every 8 MiB, and none without --nocache" {
	need_strace
	local s d
	mkdata src $((64 * MIB))
	strace -o st.txt -e trace=copy_file_range,sync_file_range,fadvise64 \
	    "$ZCP" --nocache src dst
	cmp src dst
	# The descriptors, whatever numbers bats left free.
	s=$(sed -n 's/^copy_file_range(\([0-9]*\), .*/\1/p' st.txt | sort -u)
	d=$(sed -n 's/^copy_file_range([0-9]*, NULL, \([0-9]*\), .*/\1/p' st.txt | sort -u)
	# Each call asks for 8 MiB at most.  Every 8 MiB a write-out starts
	# and the one of the step before is waited for; the tail's at the end.
	assert_num "$(grep -c '^copy_file_range(.*, 8388608, 0) = 8388608$' st.txt)" -eq 8
	assert_num "$(grep -c "^sync_file_range($d, [0-9]*, 8388608, SYNC_FILE_RANGE_WRITE) = 0\$" st.txt)" -eq 8
	assert_num "$(grep -c "^sync_file_range($d, [0-9]*, 8388608, SYNC_FILE_RANGE_WAIT_BEFORE|SYNC_FILE_RANGE_WRITE|SYNC_FILE_RANGE_WAIT_AFTER) = 0\$" st.txt)" -eq 7
	assert_num "$(grep -c "^sync_file_range($d, 58720256, 0, SYNC_FILE_RANGE_WAIT_BEFORE|" st.txt)" -eq 1
	# Each end dropped a step behind: 7 steps and the tail.
	assert_num "$(grep -c "^fadvise64($d, .*POSIX_FADV_DONTNEED) = 0\$" st.txt)" -eq 8
	assert_num "$(grep -c "^fadvise64($s, .*POSIX_FADV_DONTNEED) = 0\$" st.txt)" -eq 8
	rm dst
	strace -o st.txt -e trace=sync_file_range,fadvise64 "$ZCP" src dst
	cmp src dst
	assert_num "$(grep -c -e sync_file_range -e fadvise64 st.txt)" -eq 0
}

@test "nocache: pipe to pipe has no page cache: no sync_file_range or fadvise64" {
	need_strace
	mkdata data $((3 * MIB))
	cat data | strace -o st.txt -e trace=sync_file_range,fadvise64 \
	    "$ZCP" --nocache - - | cat > out
	cmp data out
	assert_num "$(grep -c -e sync_file_range -e fadvise64 st.txt)" -eq 0
}

@test "nocache: --stats counts the methods' calls only, as strace counts them" {
	need_strace
	command -v jq >/dev/null || skip "jq not installed"
	local want
	mkdata src $((20 * MIB + 4097))
	strace -c -o sc.txt -e trace=copy_file_range,sync_file_range,fadvise64 \
	    "$ZCP" --nocache --stats=json src dst 2> stats.json
	cmp src dst
	want=$(awk '$NF == "copy_file_range" { print $4 }' sc.txt)
	assert_equal "$(jq -r '.methods.copy_file_range.calls' stats.json)" "$want"
	# Two steps of 8 MiB started, the first waited for, and the tail.
	assert_num "$(awk '$NF == "sync_file_range" { print $4 }' sc.txt)" -eq 4
}

@test "nocache: with --sync the copy is written out step by step, then fsync'd" {
	need_strace
	mkdata src $((20 * MIB))
	strace -o st.txt -e trace=sync_file_range,fsync "$ZCP" --nocache --sync src dst
	cmp src dst
	# 20 MiB: two steps started, the first waited for, and the tail;
	# then --sync's fsync.
	assert_num "$(grep -c '^sync_file_range(' st.txt)" -eq 4
	assert_equal "$(sed -n '5s/(.*//p' st.txt)" fsync
}

@test "nocache: a write-out that fails with EIO fails the copy as a write would" {
	mkdata src $((20 * MIB))
	run with_faults sync_file_range:EIO:2 "$ZCP" --nocache src dst
	assert_failure 1
	assert_output "zcp: error writing 'dst': Input/output error"
	assert_equal "$(cat faults.log)" "sync_file_range EIO #2"
}

@test "nocache: a file that cannot be written out (EINVAL) is copied all the same" {
	mkdata src $((20 * MIB))
	run with_faults sync_file_range:EINVAL:1 "$ZCP" --nocache src dst
	assert_success
	assert_output ''
	assert_equal "$(cat faults.log)" "sync_file_range EINVAL #1"
	cmp src dst
}

@test "nocache: a sparse source keeps its holes, with a step after each extent past 8 MiB" {
	need_strace
	truncate -s 100M src
	dd if=/dev/urandom of=src bs=1M count=3 seek=10 conv=notrunc status=none
	dd if=/dev/urandom of=src bs=1M count=3 seek=60 conv=notrunc status=none
	strace -o st.txt -e trace=sync_file_range "$ZCP" --nocache src dst
	cmp src dst
	assert_equal "$(du -k dst | cut -f1)" "$(du -k src | cut -f1)"
	# The copy jumped over the holes: a step after each extent (13 and
	# 63 MiB reached: the first written out and then waited for at the
	# second), and the tail.
	assert_equal "$(sed -n 's/^sync_file_range([0-9]*, \([0-9]*\), \([0-9]*\), .*/\1 \2/p' st.txt | tr '\n' ' ')" \
	    "0 13631488 13631488 52428800 0 13631488 13631488 0 "
}
