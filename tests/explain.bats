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
