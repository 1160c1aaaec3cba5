#!/usr/bin/env bats
# Deep and wide trees with few descriptors (src/dirstack.c): a walk holds
# two directory descriptors a level, and past a budget parks the oldest
# levels' and reopens them on the way back, checking they are the same
# directories.  cp names files by their whole path and has no such limit.

setup() { load common; cd "$BATS_TEST_TMPDIR"; }

# chain N: "d/d/.../d/", N levels (2 000 of them stay under PATH_MAX).
chain() { printf 'd/%.0s' $(seq "$1"); }

# listing DIR: each entry's path, type, mode and modification time.
# A directory's size is its filesystem's business (ext4's grows with the
# order its names came in, which -j changes): "-" for it.
listing() {
	(cd "$1" && find . \( -type d -printf '%p %y %m %T@ -\n' \) -o \
	    -printf '%p %y %m %T@ %s\n' | sort)
}

# low_ulimit ARGS...: zcp with 64 descriptors, where 1 100 levels need
# 2 200 without parking.
low_ulimit() { (ulimit -n 64 && exec "$ZCP" "$@"); }

# paused FIFO CMD: once zcp opens FIFO to read it (so it is there), CMD,
# then "data" to read; a zcp that never gets there fails it in 30 s.
paused() {
	timeout 30 bash -c 'exec 3> "$1" && eval "$2" && echo data >&3' \
	    _ "$@"
}

@test "deep: a tree 2000 levels deep is copied with ulimit -n 64, as cp -r" {
	mkdir -p "src/$(chain 2000)"
	echo top > src/d/f
	echo middle > "src/$(chain 1000)f"
	echo bottom > "src/$(chain 2000)f"
	run low_ulimit -r src copy
	assert_success
	assert_output ''
	cp -r src ref
	assert_equal "$(listing copy | cut -d' ' -f1,2,3,5)" \
	    "$(listing ref | cut -d' ' -f1,2,3,5)"
	assert_equal "$(cat "copy/$(chain 2000)f")" bottom
}

@test "deep: a directory of 10000 entries, 40 levels down, with ulimit -n 64" {
	mkdir -p "src/$(chain 40)wide"
	(cd "src/$(chain 40)wide" && seq 10000 | xargs touch &&
	    mkdir sub1 sub2 && echo x > sub2/f)
	echo after > src/d/z
	run low_ulimit -r src copy
	assert_success
	cp -r src ref
	assert_equal "$(listing copy | cut -d' ' -f1,2,3,5)" \
	    "$(listing ref | cut -d' ' -f1,2,3,5)"
	assert_num "$(find copy -type f | wc -l)" -eq 10002
}

@test "deep: -a keeps the modes and times of 2000 levels of directories, as cp -a" {
	mkdir -p "src/$(chain 2000)"
	echo f > "src/$(chain 1999)f"
	chmod 750 src/d/d/d
	chmod 705 "src/$(chain 1000)"
	chmod 1777 "src/$(chain 1500)"
	touch -d 2001-02-03 src/d "src/$(chain 20)" "src/$(chain 1990)"
	run low_ulimit -a src copy
	assert_success
	cp -a src ref
	assert_equal "$(listing copy)" "$(listing ref)"
}

# The copy pauses 40 levels down, reading a FIFO (--copy-contents), with
# the levels above parked; the destination's level 2 is then replaced,
# and the directory below it moved away: neither ".." nor the name lead
# back to the directory zcp was filling.  What b holds after d in inode
# order (the order zcp copies in) must not be copied anywhere.
@test "deep: a parked destination directory replaced during the copy is not written to" {
	local rc=0 f after=()

	mkdir -p "src/a/b/$(chain 40)"
	mkfifo "src/a/b/$(chain 40)fifo"
	for f in $(seq 20); do echo "$f" > "src/a/b/later$f"; done
	for f in src/a/b/later*; do
		[ "$(stat -c %i "$f")" -lt "$(stat -c %i src/a/b/d)" ] ||
			after+=("${f##*/}")
	done
	[ ${#after[@]} -gt 0 ] || skip "no file after d in inode order"
	low_ulimit -r --copy-contents src copy 2> err &
	paused "src/a/b/$(chain 40)fifo" 'mv copy/a/b copy/a/b-old &&
	    mkdir copy/a/b && mv copy/a/b-old/d copy/moved'
	wait $! || rc=$?
	assert_equal "$rc" 1
	run cat err
	assert_output "zcp: cannot return to directory 'copy/a/b', as it was\
 moved or replaced while being copied"
	assert_equal "$(cat "copy/moved/$(chain 39)fifo")" data
	for f in "${after[@]}"; do
		assert_not_exist "copy/a/b/$f"
		assert_not_exist "copy/a/b-old/$f"
	done
}

@test "deep: a parked directory moved within the tree is followed back by its name" {
	mkdir -p "src/a/b/$(chain 40)"
	mkfifo "src/a/b/$(chain 40)fifo"
	echo after > src/a/b/later
	low_ulimit -r --copy-contents src copy 2> err &
	# Whether later comes before d or after, it goes to b.  b's ".." seen from its moved child is another directory.
	paused "src/a/b/$(chain 40)fifo" 'mv copy/a/b/d copy/moved'
	wait $!
	run cat err
	assert_output ''
	assert_equal "$(cat copy/a/b/later)" after
}
