# A full disk on a real filesystem: a 16 MiB ext4 loop image fills up
# mid-file and on the second of several files.  Every failure names the
# file, exits 1, and with --atomic leaves nothing partial; without it,
# zcp leaves what cp leaves and says what cp says.  A per-user limit is
# ext4's root reserve (kernels here have no CONFIG_QUOTA): an ordinary
# user gets ENOSPC while blocks are free; EDQUOT itself is injected.

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
	M=$BATS_TEST_TMPDIR/m
	export M
}
teardown() { loopfs_cleanup; }

UNPRIV="setpriv --reuid=65534 --regid=65534 --clear-groups"

# small_ext4 [RESERVE%]: a 16 MiB ext4 on $M (no reserve by default).
small_ext4() {
	loopfs ext4 16M "$M"
	tune2fs -m "${1:-0}" "$(findmnt -no SOURCE "$M")" >/dev/null
}

free_kb() { df -k --output=avail "$M" | tail -1 | tr -d ' '; }

no_temp() {
	local left
	left=$(find "$M" -name '.zcp-*')
	[ -z "$left" ] || fail "temporaries left: $left"
}

@test "ENOSPC mid-file: cp's message and status; --atomic leaves nothing, and the space is back" {
	small_ext4
	mkdata big 32M
	before=$(free_kb)
	run zcp big "$M/big"
	assert_failure 1
	assert_output "zcp: error writing '$M/big': No space left on device"
	run cp big "$M/cpbig"
	assert_output "cp: error writing '$M/cpbig': No space left on device"
	rm -f "$M/big" "$M/cpbig"
	for m in auto sendfile readwrite; do
		run zcp --atomic --method=$m big "$M/big"
		assert_failure 1
		assert_output "zcp: error writing '$M/big': No space left on device"
		assert_file_not_exist "$M/big"
		no_temp
		[ "$(free_kb)" -ge $((before - 64)) ] ||
			fail "$m: space not given back: $(free_kb) KiB, was $before"
	done
	# copy_file_range works within one filesystem: a source there.
	mkdata "$M/src" 8M
	before=$(free_kb)
	run zcp --atomic --method=copy_file_range "$M/src" "$M/big"
	assert_failure 1
	assert_output --regexp "^zcp: error (writing '$M/big'|copying '$M/src' to '$M/big'): No space left on device$"
	assert_file_not_exist "$M/big"
	no_temp
	[ "$(free_kb)" -ge $((before - 64)) ] ||
		fail "copy_file_range: space not given back: $(free_kb) KiB, was $before"
}

@test "ENOSPC mid-file from a pipe (splice), to a new name and over an old file" {
	small_ext4
	mkdata big 32M
	echo old > "$M/b"
	run bash -c 'cat big | "$ZCP" --atomic --method=splice - "$M/b"'
	assert_failure 1
	assert_output "zcp: error writing '$M/b': No space left on device"
	assert_equal "$(cat "$M/b")" old
	run bash -c 'cat big | "$ZCP" --atomic - "$M/new"'
	assert_failure 1
	assert_file_not_exist "$M/new"
	no_temp
}

@test "ENOSPC on the second of several files: the first and third land whole, the second not at all" {
	small_ext4
	mkdata a 4M
	mkdata b 20M
	mkdata c 1M
	mkdir "$M/d"
	run zcp --atomic a b c "$M/d"
	assert_failure 1
	assert_output "zcp: error writing '$M/d/b': No space left on device"
	cmp a "$M/d/a"
	cmp c "$M/d/c"
	assert_file_not_exist "$M/d/b"
	no_temp
	# Without --atomic the second is left partial and the third may not
	# fit in what is left: each failure is reported, the status is 1.
	rm -rf "$M/d"/*
	run zcp a b c "$M/d"
	assert_failure 1
	assert_line --index 0 "zcp: error writing '$M/d/b': No space left on device"
	cmp a "$M/d/a"
}

@test "ENOSPC in a -r copy: every file that fits is whole, none is partial" {
	small_ext4
	mkdir -p t/x
	for i in 1 2 3 4 5 6; do mkdata "t/x/f$i" 3M; done
	run zcp --atomic -r t "$M/t"
	assert_failure 1
	assert_line --partial "No space left on device"
	n=0
	for f in "$M"/t/x/*; do
		cmp "$f" "t/x/${f##*/}" || fail "$f is partial"
		n=$((n + 1))
	done
	assert_num "$n" -ge 1
	assert_num "$n" -lt 6
	no_temp
}

@test "ENOSPC replacing a file: the old one stays whole (--atomic needs room for both)" {
	small_ext4
	mkdata old 9M
	cp old "$M/f"
	mkdata new 14M
	run zcp --atomic new "$M/f"
	assert_failure 1
	assert_output "zcp: error writing '$M/f': No space left on device"
	cmp old "$M/f"
	no_temp
	# Without --atomic the old file is gone and the new one is partial.
	run zcp new "$M/f"
	assert_failure 1
	run cmp old "$M/f"
	assert_failure
}

@test "ENOSPC with --sync: no success, the file named" {
	small_ext4
	mkdata big 32M
	run zcp --atomic --sync big "$M/big"
	assert_failure 1
	assert_output "zcp: error writing '$M/big': No space left on device"
	assert_file_not_exist "$M/big"
}

@test "per-user limit: as nobody, ext4's root reserve gives ENOSPC while blocks are free" {
	need_root
	# Somewhere nobody can reach.
	shared_tmpdir m
	small_ext4 50
	chmod 1777 "$M"
	shared_tmpdir src
	src=$SHARED_DIR
	mkdata "$src/big" 12M
	chmod 644 "$src/big"
	run $UNPRIV "$ZCP" --atomic "$src/big" "$M/big"
	assert_failure 1
	assert_output "zcp: error writing '$M/big': No space left on device"
	assert_file_not_exist "$M/big"
	no_temp
	# The blocks were free all along: root, who may use the reserve, fits.
	run zcp --atomic "$src/big" "$M/big"
	assert_success
	rm -rf "$src"
	loopfs_cleanup
	rmdir "$M"
}

@test "EDQUOT (injected), first call and mid-stream, in every method: the file named, nothing left" {
	mkdata a 3M
	for m in copy_file_range sendfile readwrite; do
		for at in first mid; do
			case $m:$at in
			*:first) spec=$( [ $m = readwrite ] && echo write || echo $m ):EDQUOT:1 ;;
			readwrite:mid) spec=write:EDQUOT:3 ;;
			*:mid) spec=$m:short:1,$m:EDQUOT:2 ;;
			esac
			rm -f b
			run with_faults "$spec" "$ZCP" --atomic --method=$m a b
			assert_failure 1
			assert_output --regexp "^zcp: error (writing 'b'|copying 'a' to 'b'): Disk quota exceeded$"
			assert_file_not_exist b
		done
	done
}
