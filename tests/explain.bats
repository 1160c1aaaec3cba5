#!/usr/bin/env bats
# --stats that explains a result: how many of the bytes were cloned (they
# share the source's extents) and how many written, read from the
# destination's extent map on XFS, ext4 and tmpfs; and how long each
# method's calls took, and how many came back short or with 0.

setup() { load common; cd "$BATS_TEST_TMPDIR"; }
teardown() { cd "$BATS_TEST_TMPDIR" && loopfs_cleanup; }

# Odd and over 1 MiB: a last block that is not whole, several calls.
SIZE=$((3 * 1048576 + 4097))

need_jq() { command -v jq >/dev/null || skip "jq not installed"; }

jqr() { jq -r "$1" stats.json; }

# explained ARGS...: zcp --stats=json ARGS, the report in stats.json.
explained() {
	"$ZCP" --stats=json "$@" 2> stats.json
}

@test "explain: a default copy on XFS is all cloned, with --reflink=never all copied" {
	need_jq
	loopfs xfs 512M mnt
	cd mnt
	mkdata src $SIZE
	explained src dst
	cmp src dst
	assert_equal "$(jqr '.bytes_cloned, .bytes_copied')" "$(printf '%s\n0' $SIZE)"
	assert_num "$(jqr .extent_map_calls)" -ge 1
	explained --reflink=never src dst2
	cmp src dst2
	assert_equal "$(jqr '.bytes_cloned, .bytes_copied')" "$(printf '0\n%s' $SIZE)"
}

@test "explain: copy_file_range that XFS serves by cloning counts as cloned" {
	need_jq
	loopfs xfs 512M mnt
	cd mnt
	mkdata src $SIZE
	explained --method=copy_file_range src dst
	cmp src dst
	assert_equal "$(jqr .methods.copy_file_range.bytes)" $SIZE
	assert_equal "$(jqr '.bytes_cloned, .bytes_copied')" "$(printf '%s\n0' $SIZE)"
	# read/write cannot clone: no extent map is read.
	explained --method=readwrite src dst2
	assert_equal "$(jqr '.bytes_cloned, .bytes_copied, .extent_map_calls')" \
	    "$(printf '0\n%s\n0' $SIZE)"
}

@test "explain: on ext4 nothing is cloned; the map is read once" {
	need_jq
	loopfs ext4 64M mnt
	cd mnt
	mkdata src $SIZE
	explained src dst
	cmp src dst
	assert_equal "$(jqr '.bytes_cloned, .bytes_copied, .extent_map_calls')" \
	    "$(printf '0\n%s\n1' $SIZE)"
	run zcp --stats src dst2
	assert_line "zcp: stats: cloned 0 B (0 bytes), copied 3.0 MiB ($SIZE bytes), 1 extent map call"
}

@test "explain: on tmpfs nothing is cloned (its extent map cannot be read)" {
	need_jq
	need_root
	mkdir shm
	mount -t tmpfs -o size=16m zcp-explain shm 2>/dev/null ||
		skip "cannot mount a tmpfs here"
	echo "$PWD/shm" >> "$BATS_TEST_TMPDIR/.mounts"
	cd shm
	mkdata src $SIZE
	explained src dst
	cmp src dst
	assert_equal "$(jqr '.bytes_cloned, .bytes_copied, .extent_map_calls')" \
	    "$(printf '0\n%s\n1' $SIZE)"
}

@test "explain: into a pipe every byte is copied, and no extent map is read" {
	need_jq
	mkdata src $SIZE
	"$ZCP" --stats=json src - 2> stats.json | cat > out
	cmp src out
	assert_equal "$(jqr '.bytes_cloned, .bytes_copied, .extent_map_calls')" \
	    "$(printf '0\n%s\n0' $SIZE)"
}

# ordered METHOD: the report's call times for METHOD are there and
# ordered, min <= median <= p99 <= max, and not 0.
ordered() {
	local m=$1 t
	t=$(jq -r --arg m "$m" '.methods[$m] | "\(.latency_min_ns) \(.latency_median_ns) \(.latency_p99_ns) \(.latency_max_ns)"' stats.json)
	set -- $t
	[ "$1" != null ] || fail "$m: no call times: $(cat stats.json)"
	assert_num "$1" -gt 0
	assert_num "$1" -le "$2"
	assert_num "$2" -le "$3"
	assert_num "$3" -le "$4"
}

@test "explain: every method's call times are there, min <= median <= p99 <= max" {
	need_jq
	local m
	mkdata src $SIZE
	for m in copy_file_range sendfile splice readwrite; do
		explained --method=$m src dst-$m
		cmp src dst-$m
		ordered $m
	done
	# Auto: reflink's one FICLONE (refused here, or a clone) is timed too.
	explained src dst
	ordered reflink
	assert_equal "$(jqr '.methods.reflink | .latency_min_ns == .latency_max_ns')" true
}

@test "explain: short calls and calls that returned 0, from a file and from a pipe fed in small pieces" {
	need_jq
	local calls i
	mkdata src $SIZE
	# 256 KiB a read: the last one that moves bytes is short, then a 0.
	explained --method=readwrite src dst
	assert_equal "$(jqr '.methods.readwrite | "\(.short_calls) \(.zero_calls)"')" "1 1"
	# A writer that writes 1000 bytes at a time, into a pipe to a pipe:
	# every splice from one to the other asks for far more than is there,
	# so each one that moves bytes is short, and the last returns 0.
	for i in 1 2 3 4 5; do
		head -c 1000 src
		sleep 0.02
	done | "$ZCP" --stats=json - - 2> stats.json | cat > dst2
	assert_equal "$(stat -c %s dst2)" 5000
	calls=$(jqr .methods.splice.calls)
	assert_num "$calls" -ge 2
	assert_equal "$(jqr '.methods.splice | "\(.short_calls) \(.zero_calls)"')" \
	    "$((calls - 1)) 1"
}

@test "explain: the human report has a line of call times for each method" {
	mkdata src $SIZE
	run zcp --stats --method=readwrite src dst
	assert_success
	assert_line --regexp '^zcp: stats: method readwrite calls: [0-9.]+ [nu]s min, [0-9.]+ [num]?s median, [0-9.]+ [num]?s p99, [0-9.]+ [num]?s max; 1 short, 1 returned 0$'
}
