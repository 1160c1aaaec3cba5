#!/usr/bin/env bats
# --bench[=N]: one pair copied with auto and with each method of its chain,
# on tmpfs, ext4 and XFS (loop images: skipped, saying why, where mounting
# is not allowed) and into a pipe.  No test here passes or fails on a time:
# only on which rows there are, what they say, and what is left behind.

setup() { load common; cd "$BATS_TEST_TMPDIR"; }
teardown() { loopfs_cleanup; }

# fs TYPE DIR: a fresh TYPE filesystem on DIR (tmpfs, or a loop image).
fs() {
	if [ "$1" != tmpfs ]; then
		loopfs "$1" 300M "$2"
		return
	fi
	need_root_for "mount a tmpfs"
	mkdir -p "$2"
	mount -t tmpfs -o size=16m zcp-bench "$2" 2>/dev/null ||
		skip "cannot mount a tmpfs here"
	echo "$2" >> "$BATS_TEST_TMPDIR/.mounts"
}

# chain SRC DST: the methods --trace says auto tries for the pair, as
# "m1 m2 ...".
chain() {
	zcp --trace "$1" "$2" 2>&1 >/dev/null |
		sed -n 's/^zcp: trace: .*; methods: //p' | tr -d ,
}

# rows FILE: the methods of a --bench JSON report, as "auto m1 m2 ...".
rows() { jq -r '[.methods[].method] | join(" ")' "$1"; }

# bench_lists_chain DIR: --bench in DIR has a row for auto and for each
# method of the pair's chain, in its order, and leaves no DEST.
bench_lists_chain() {
	mkdata "$1/a" 300000
	local want
	want="auto $(chain "$1/a" "$1/probe")"
	rm -f "$1/probe"
	run zcp --bench=2 --stats=json --stats-file=r.json "$1/a" "$1/b"
	assert_success
	assert_equal "$(rows r.json)" "$want"
	assert_file_not_exist "$1/b"
}

@test "--bench on tmpfs lists auto and exactly the pair's chain" {
	fs tmpfs mnt
	bench_lists_chain mnt
}

@test "--bench on ext4 lists auto and exactly the pair's chain" {
	fs ext4 mnt
	bench_lists_chain mnt
}

@test "--bench on XFS lists auto and exactly the pair's chain" {
	fs xfs mnt
	bench_lists_chain mnt
}

@test "--bench into a pipe lists the file-to-pipe chain and sends every round there" {
	mkdata a 100000
	local want n
	zcp --trace a - 2>trace | cat >/dev/null
	want="auto $(sed -n 's/^zcp: trace: .*; methods: //p' trace | tr -d ,)"
	run sh -c '"$ZCP" --bench=2 --stats=json --stats-file=r.json a - | wc -c'
	assert_success
	assert_equal "$(rows r.json)" "$want"
	assert_equal "$(jq -r .dest_kind r.json)" pipe
	n=$(echo "$want" | wc -w)
	assert_equal "$output" $((n * 2 * 100000))
}

@test "--bench into standard output that is a file is refused" {
	mkdata a 1000
	run sh -c '"$ZCP" --bench=1 a - > out'
	assert_failure 1
	assert_output "zcp: cannot benchmark into standard output: it must be a pipe or /dev/null"
	assert_equal "$(stat -c %s out)" 0
}

@test "--bench's table: a row per method, the fastest marked, auto's verdict" {
	mkdata a 100000
	run zcp --bench=2 a b
	assert_success
	assert_line --index 0 "zcp: bench: 'a' -> 'b': regular file -> regular file, 98 KiB, 2 rounds each, cache as found"
	assert_line --index 1 --regexp '^  method +median +rate +user +system +calls +min-max +cloned +cached$'
	assert_line --index 2 --regexp '^[ *] auto  '
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep -c '^\* ')" 1
	assert_line --regexp '^\(times in (ms|s); \* the fastest method\)$'
	assert_line --regexp '^auto chose [a-z_]+(, the fastest|; the fastest was [a-z_]+, [0-9]+% less time by median)'
	assert_file_not_exist b
}

@test "--stats=json with --bench: one document with every key" {
	mkdata a 100000
	run zcp --bench=2 --stats=json a b
	assert_success
	assert_equal "$(echo "$output" | jq -c 'keys')" \
	    '["auto_chose","auto_chose_fastest","bytes","cache","dest","dest_kind","fastest","methods","rounds","source","source_kind","verify","version"]'
	assert_equal "$(echo "$output" | jq -c '.methods[0] | keys')" \
	    '["bytes_per_second","calls","cloned_bytes","errno","fastest","max_seconds","median_seconds","method","min_seconds","reason","refused","rounds","system_seconds","user_seconds"]'
	assert_equal "$(echo "$output" | jq -c '.methods[0].rounds[0] | keys')" \
	    '["calls","cloned_bytes","seconds","source_cached_bytes","source_checked_bytes","system_seconds","user_seconds"]'
	assert_equal "$(echo "$output" | jq '.methods[0].rounds | length')" 2
	assert_equal "$(echo "$output" | jq '.bytes')" 100000
	assert_equal "$(echo "$output" | jq '[.methods[] | select(.fastest)] | length')" 1
	assert_equal "$(echo "$output" | jq '.methods[0].min_seconds <= .methods[0].median_seconds and .methods[0].median_seconds <= .methods[0].max_seconds')" true
}

@test "--cold drops the source before every round: near 0% cached" {
	fs ext4 mnt
	mkdata mnt/a $((4 * 1048576))
	run zcp --bench=2 --cold --stats=json mnt/a mnt/b
	assert_success
	# Each round's figure, not an average: 5% allows a page read ahead.
	assert_equal "$(echo "$output" | jq '[.methods[].rounds[] |
	    select(.source_cached_bytes * 20 > .source_checked_bytes)] | length')" 0
	assert_equal "$(echo "$output" | jq -r .cache)" cold
	run zcp --bench=1 --cold mnt/a mnt/b
	assert_line --regexp '^  auto .* [0-5]%$'
}

# drop FILE: FILE's pages out of the page cache (GNU dd's way).
drop() {
	sync "$1"
	dd if="$1" iflag=nocache count=0 status=none
}

@test "--hot reads the source first: 100% cached in every round" {
	fs ext4 mnt
	mkdata mnt/a 1048576
	drop mnt/a
	# Without --hot, auto's first round finds the source out of the cache.
	run zcp --bench=1 --stats=json mnt/a mnt/b
	assert_success
	assert_num "$(echo "$output" | jq '.methods[0].rounds[0].source_cached_bytes')" -lt 524288
	drop mnt/a
	run zcp --bench=2 --hot --stats=json mnt/a mnt/b
	assert_success
	assert_equal "$(echo "$output" | jq '[.methods[].rounds[] |
	    select(.source_cached_bytes != .source_checked_bytes or
	    .source_checked_bytes != 1048576)] | length')" 0
	assert_equal "$(echo "$output" | jq -r .cache)" hot
}

@test "a method the kernel refuses is a row with its errno, not a failure" {
	fs ext4 mnt
	mkdata mnt/a 100000
	run zcp --bench=2 mnt/a mnt/b
	assert_success
	assert_line '  reflink          n/a: Operation not supported (EOPNOTSUPP)'
	run zcp --bench=2 --stats=json mnt/a mnt/b
	assert_success
	assert_equal "$(echo "$output" | jq -c '.methods[] | select(.method == "reflink") | [.refused, .errno, .reason, (.rounds | length)]')" \
	    '[true,"EOPNOTSUPP","Operation not supported",0]'
	assert_file_not_exist mnt/b
}

@test "a method an option rules out is a row that says which" {
	mkdata a 1000
	run zcp --bench=1 --reflink=never a b
	assert_success
	assert_line '  reflink          n/a: --reflink=never'
}

# cloned JSON: "method:cloned_bytes ..." of each row that ran.
cloned() {
	echo "$1" | jq -r '[.methods[] | select(.refused | not) |
	    "\(.method):\(.cloned_bytes)"] | join(" ")'
}

@test "--bench on XFS: reflink serves, and clones, as copy_file_range does" {
	fs xfs mnt
	mkdata mnt/a 300000
	run zcp --bench=2 --stats=json mnt/a mnt/b
	assert_success
	assert_equal "$(echo "$output" | jq '[.methods[] | select(.refused)] | length')" 0
	assert_equal "$(echo "$output" | jq -r .auto_chose)" reflink
	assert_equal "$(cloned "$output")" \
	    "auto:300000 reflink:300000 copy_file_range:300000 sendfile:0 readwrite:0"
	run zcp --bench=1 mnt/a mnt/b
	assert_line --regexp '^[ *] reflink .* 293 KiB +100%$'
}

@test "--bench on XFS with --reflink=never: nothing cloned" {
	fs xfs mnt
	mkdata mnt/a 300000
	run zcp --bench=2 --reflink=never --stats=json mnt/a mnt/b
	assert_success
	assert_equal "$(cloned "$output")" "auto:0 sendfile:0 readwrite:0"
	assert_equal "$(echo "$output" | jq -r '.methods[] | select(.refused) | .reason')" \
	    "--reflink=never
--reflink=never, and it can clone on this filesystem"
}

@test "--bench on ext4 clones nothing; on tmpfs the extent map is unknown" {
	fs ext4 mnt
	mkdata mnt/a 300000
	run zcp --bench=1 --stats=json mnt/a mnt/b
	assert_success
	assert_equal "$(cloned "$output")" \
	    "auto:0 copy_file_range:0 sendfile:0 readwrite:0"
	fs tmpfs mnt2
	mkdata mnt2/a 300000
	run zcp --bench=1 --stats=json mnt2/a mnt2/b
	assert_success
	assert_equal "$(cloned "$output")" \
	    "auto:null copy_file_range:null sendfile:null readwrite:null"
	run zcp --bench=1 mnt2/a mnt2/b
	assert_line --regexp '^[ *] readwrite .* - +100%$'
}

@test "--keep leaves the last whole copy at DEST; without it DEST goes" {
	mkdata a 100000
	run zcp --bench=2 --keep a b
	assert_success
	cmp a b
	echo old > c
	run zcp --bench=1 a c
	assert_success
	assert_file_not_exist c
}

@test "--verify with --bench reads every round back" {
	command -v strace >/dev/null || skip "strace not installed"
	mkdata a 100000
	local with without rows
	rows=$(zcp --bench=1 --stats=json a b | jq '.methods | length')
	strace -f -o with.tr -e trace=pread64 "$ZCP" --bench=2 --verify a b
	strace -f -o without.tr -e trace=pread64 "$ZCP" --bench=2 a b
	with=$(grep -c '^[0-9]* *pread64(' with.tr)
	without=$(grep -c '^[0-9]* *pread64(' without.tr)
	# At least a read of the source and one of the copy in every round.
	assert_num $((with - without)) -ge $((2 * 2 * rows))
	run zcp --bench=1 --verify a -
	assert_failure 1
	assert_output "zcp: cannot verify '-': a pipe cannot be read back"
}

@test "--bench with standard input: a clear error, nothing at DEST" {
	mkdata a 1000
	run sh -c '"$ZCP" --bench - b < a'
	assert_failure 1
	assert_output "zcp: cannot benchmark standard input: it cannot be read again"
	assert_file_not_exist b
}

@test "--bench with a FIFO: a clear error at once, nothing at DEST" {
	mkfifo f
	run timeout 10 "$ZCP" --bench f b
	assert_failure 1
	assert_output "zcp: cannot benchmark 'f': a FIFO cannot be read again"
	assert_file_not_exist b
}

@test "--bench with several sources: a usage error, nothing at DEST" {
	mkdata a 1000
	mkdata c 1000
	mkdir d
	run zcp --bench a c d
	assert_failure 1
	assert_line --index 0 "zcp: --bench copies one SOURCE to one DEST"
	assert_line --index 1 "Try 'zcp --help' for more information."
	assert_equal "$(ls d)" ""
	run zcp --bench -t d a
	assert_failure 1
	assert_equal "$(ls d)" ""
}

@test "--bench with -r and a directory: a clear error, nothing at DEST" {
	mkdir d
	mkdata d/a 1000
	for opt in -r -R -a; do
		run zcp --bench "$opt" d e
		assert_failure 1
		assert_output "zcp: cannot benchmark 'd': it is a directory, and --bench copies one file"
		assert_file_not_exist e
	done
}

@test "--bench refuses a DEST that is a directory, a device or SOURCE itself" {
	mkdata a 1000
	mkdir d
	run zcp --bench a d
	assert_failure 1
	assert_output "zcp: cannot benchmark into 'd': it is a directory; name a file in it"
	assert_equal "$(ls d)" ""
	run zcp --bench a a
	assert_failure 1
	assert_output "zcp: 'a' and 'a' are the same file"
	cmp a <(cat a)
}

@test "--bench=0, a bad N and its options alone are refused before anything happens" {
	mkdata a 1000
	for n in 0 -1 x 5x 05 1k; do
		run zcp --bench="$n" a b
		assert_failure 1
		assert_output "zcp: invalid number of rounds: '$n'"
		assert_file_not_exist b
	done
	run zcp --bench=100001 a b
	assert_failure 1
	assert_output "zcp: invalid number of rounds: '100001': Value too large for defined data type"
	for opt in --cold --hot --keep; do
		run zcp "$opt" a b
		assert_failure 1
		assert_line --index 0 "zcp: options --cold, --hot and --keep need --bench"
		assert_file_not_exist b
	done
	run zcp --bench --method=readwrite a b
	assert_failure 1
	assert_line --index 0 "zcp: options --bench and --method are mutually exclusive"
	assert_file_not_exist b
}

@test "a stop signal during --bench removes DEST, even with --keep, and ends by the signal" {
	mkdata a 1048576
	"$ZCP" --bench=100000 --keep a b > out 2>&1 &
	local pid=$! i
	for i in $(seq 100); do
		[ -e b ] && break
		sleep 0.1
	done
	# SIGTERM: a shell without job control starts background jobs with
	# SIGINT ignored.
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 143
	assert_file_not_exist b
	assert_equal "$(cat out)" ""
}

@test "--bench reads a block device again: auto and the pair's chain" {
	need_root_for "attach a loop device"
	mkdata img 300000
	truncate -s 307200 img
	local dev want
	dev=$(losetup -f --show img 2>/dev/null) ||
		skip "cannot attach a loop device here"
	want="auto $(chain "$dev" c)"
	rm -f c
	run zcp --bench=2 --stats=json "$dev" b
	losetup -d "$dev"
	assert_success
	assert_equal "$(echo "$output" | jq -r '[.methods[].method] | join(" ")')" "$want"
	assert_equal "$(echo "$output" | jq -r '.source_kind, .bytes')" "block device
307200"
	assert_file_not_exist b
}

# bench_trace DIR N: --bench[=N] (no N: the default) of DIR/a to DIR/b
# under strace, the JSON report in r.json and the calls in tr.
bench_trace() {
	command -v strace >/dev/null || skip "strace not installed"
	mkdata "$1/a" 100000
	strace -f -o tr -e trace=openat,unlink,copy_file_range,sendfile,splice,read,ioctl \
	    "$ZCP" --bench${2:+=$2} --stats=json --stats-file=r.json "$1/a" "$1/b"
}

# creates DIR: how many times DIR/b was opened with O_CREAT.
creates() { grep -c "open.*\"$1/b\", [^)]*O_CREAT" tr; }

@test "--bench without N: 5 rounds of auto and of each method the kernel takes" {
	fs tmpfs mnt
	bench_trace mnt
	assert_equal "$(jq .rounds r.json)" 5
	# Every method that ran, ran 5 times; at least auto and one other ran.
	assert_equal "$(jq -c '[.methods[] | select(.refused | not) |
	    .rounds | length] | unique' r.json)" '[5]'
	assert_num "$(jq '[.methods[] | select(.refused | not)] | length' r.json)" -ge 2
	# A DEST made for each of those rounds, and one for each refusal.
	assert_equal "$(creates mnt)" "$(jq '[.methods[] |
	    if .refused then 1 else 5 end] | add' r.json)"
}

# movers: the method that moved the bytes of each round, one a line, from
# tr: the first data call after an O_CREAT of DEST that returned more than
# 0 (read for readwrite).  A refused round moves none and has no line.
movers() {
	awk -v dst="\"$1/b\"" '
	/open/ && index($0, dst ", ") && /O_CREAT/ { want = 1; next }
	want && /(copy_file_range|sendfile|splice|read)\(/ && / = [1-9][0-9]*$/ {
		m = $2; sub(/\(.*/, "", m)
		print m == "read" ? "readwrite" : m
		want = 0
	}' tr
}

@test "--bench's rounds are interleaved: auto, m1, m2, ..., then auto again" {
	fs tmpfs mnt
	bench_trace mnt 3
	local one want
	# One pass: auto (as the method it chose), then each method that ran.
	one=$(jq -r '.auto_chose as $a | [.methods[] | select(.refused | not) |
	    if .method == "auto" then $a else .method end] | join(" ")' r.json)
	assert_num "$(echo "$one" | wc -w)" -ge 3
	want=$(printf '%s\n' "$one" "$one" "$one" | tr ' ' '\n')
	assert_equal "$(movers mnt)" "$want"
}

@test "--bench makes DEST anew every round: removed, then created with O_EXCL" {
	fs tmpfs mnt
	mkdata mnt/a 100000
	echo old > mnt/b
	ln mnt/b mnt/old
	command -v strace >/dev/null || skip "strace not installed"
	strace -f -o tr -e trace=openat,unlink \
	    "$ZCP" --bench=2 --keep --stats=json --stats-file=r.json mnt/a mnt/b
	# The file found at DEST was removed, not written over: its other
	# name keeps its bytes, and DEST is another inode with the copy.
	assert_equal "$(cat mnt/old)" old
	assert_not_equal "$(stat -c %i mnt/b)" "$(stat -c %i mnt/old)"
	cmp mnt/a mnt/b
	# Each round: DEST unlinked (U; u: not there, a refused round's DEST
	# being removed as that round ends), then made with O_CREAT|O_EXCL (C).
	local seq n
	seq=$(grep -E "(unlink|open[a-z]*)\([^\"]*\"mnt/b\"" tr |
	    sed -E 's/^[0-9]+ +//; s/^unlink\("mnt\/b"\) += 0$/U/;
	    s/^unlink\("mnt\/b"\) += -1 ENOENT.*/u/;
	    s/^openat\(AT_FDCWD, "mnt\/b", O_WRONLY\|O_CREAT\|O_EXCL\|[^)]*\) = [0-9]+$/C/' |
	    tr -d '\n')
	n=$(creates mnt)
	assert_equal "$n" "$(jq '[.methods[] | if .refused then 1 else 2 end] | add' r.json)"
	assert_regex "$seq" '^UC(U?[Uu]C)*$'
	assert_equal "$(echo "$seq" | grep -o C | wc -l)" "$n"
	# A refused round's DEST goes as that round ends, so the next round
	# finds nothing there: one u for each refused row (one round each).
	assert_equal "$(echo "$seq" | grep -o u | wc -l)" \
	    "$(jq '[.methods[] | select(.refused)] | length' r.json)"
}

@test "--bench checks DEST's size after every round: a short round fails" {
	fs tmpfs mnt
	mkdata mnt/a 100000
	# The first read(2) of readwrite's round says end of file at once:
	# the round's DEST is left empty though the method "succeeded".
	FAULT_LOG=$BATS_TEST_TMPDIR/faults.log
	run with_faults read:zero:1 "$ZCP" --bench=1 mnt/a mnt/b
	assert_failure 1
	assert_line "zcp: 'mnt/b' has 0 bytes after a round, 'mnt/a' has 100000"
	grep -qx 'read zero #1' "$FAULT_LOG"
}
