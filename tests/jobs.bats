#!/usr/bin/env bats
# -j N, --jobs=N|auto: how many files are copied at a time.  The parallel
# engine's promise is that nothing a user or a script sees changes with
# N: output, exit status and the resulting tree are those of -j1 (and of
# cp where cp has the feature).  The cases below are the ways a worker
# pool goes wrong: lines out of walk order, a hard link made before its
# first copy is complete, a directory's mode or time set before its
# children are in, descriptors without bound, errors lost or reordered,
# temporaries left by a signal, and counts lost between workers.  With
# the sequential engine they hold trivially.

setup() {
	load common
	load cp-diff
	cd "$BATS_TEST_TMPDIR"
}

# A zcp left stopped by a failed test would hold bats' output open.
teardown() {
	[ -z "${ZPID:-}" ] || kill -KILL "$ZPID" 2>/dev/null || true
	loopfs_cleanup
	diff_teardown
}

# twin REF N ARGS...: run REF ARGS (REF is cp, or -jM for zcp -jM) and
# zcp -jN ARGS on the same sources, DST in ARGS standing for dst-ref and
# dst-zcp; exit status, stdout, stderr (the program's name and DST
# written back) and the listings of the two destinations (cp-diff.bash's)
# must be the same.  The same sources, not twins, so that the walk's
# order (inode order, as cp's) is one order for both.  TWIN_PREFIX, an
# array, runs both under it (setpriv); TWIN_NOFILE under ulimit -n.
twin() {
	local ref=$1 n=$2 rl=$1 t a rc
	local -a cmd args
	shift 2
	[ "$ref" = cp ] || rl="zcp $ref"
	DIFF_SPARSE='' DIFF_ACL='' DIFF_XATTR=''
	xattr_ok && DIFF_XATTR=1
	for t in ref zcp; do
		if [ $t = zcp ]; then
			cmd=("$ZCP" "-j$n")
		elif [ "$ref" = cp ]; then
			cmd=(cp)
		else
			cmd=("$ZCP" "$ref")
		fi
		args=()
		for a; do args+=("${a//DST/dst-$t}"); done
		rc=0
		(
			[ -z "${TWIN_NOFILE-}" ] || ulimit -n "$TWIN_NOFILE"
			exec ${TWIN_PREFIX[@]+"${TWIN_PREFIX[@]}"} timeout -k 5 120 \
			    "${cmd[@]}" "${args[@]}"
		) < /dev/null > "$t.rawout" 2> "$t.rawerr" || rc=$?
		{
			echo "status $rc"
			echo "--- stdout"
			sed "s/dst-$t/DST/g" "$t.rawout" | norm "${cmd[0]##*/}" "$PWD"
			echo "--- stderr"
			sed "s/dst-$t/DST/g" "$t.rawerr" | norm "${cmd[0]##*/}" "$PWD"
			echo "--- tree"
			[ ! -e "dst-$t" ] || listing "dst-$t"
		} > "$t.all"
	done
	diff -u --label "$rl" --label "zcp -j$n" ref.all zcp.all ||
		fail "zcp -j$n and $rl differ: $*"
	rm -rf dst-ref dst-zcp
}

# pool: 3 MiB of random bytes to cut files from (cheaper than urandom
# for hundreds of files).
mkpool() { head -c 3145728 /dev/urandom > pool; }
cut_pool() { tail -c +"$(( ${3:-0} + 1 ))" pool | head -c "$2" > "$1"; }

# tree300 DIR: 300 files in ten directories, three of them nested; the
# first file of each directory (the first in inode order) is 1 MiB, the
# rest small or empty, so that a pool finishes later files first.
tree300() {
	local d i
	mkpool
	for d in a b c d/e d/e/f g h i j k; do
		mkdir -p "$1/$d"
		cut_pool "$1/$d/0big" 1048576
		for i in $(seq 1 29); do
			cut_pool "$1/$d/f$i" $(( (i * 997) % 9000 )) "$i"
		done
	done
}

@test "-j and --jobs take 1 to 256 or auto, and refuse anything else before copying" {
	printf 'x\n' > a
	for bad in 0 -1 257 x 1x ''; do
		run zcp --jobs="$bad" a b
		assert_failure 1
		assert_output "zcp: invalid number of jobs: '$bad'"
		[ ! -e b ]
	done
	for good in 1 2 256 auto; do
		run zcp -j "$good" a "b$good"
		assert_success
		cmp a "b$good"
	done
}

@test "-j2: the lines of the files after a long one are held in bounded memory: the walk waits for it" {
	local n f i big prev=-1 flat=0 most=0
	mkdir src
	for n in $(seq 1 3000); do : > "src/f$n"; done
	# In inode order (the walk's): the first file (the walk copies it
	# itself), then one of 8 MiB that --bwlimit=1M keeps busy for 8 s;
	# the -v lines of the 2998 after it wait for it.
	i=0
	for f in $(ls -U -i src | sort -n | awk '{print $2}' | head -2); do
		i=$((i + 1))
		[ $i -eq 1 ] && printf 'first\n' > "src/$f" && continue
		head -c 8M /dev/urandom > "src/$f"
		big=$f
	done
	"$ZCP" -r -v -j2 --bwlimit=1M src dst > out &
	# While the long file is being copied, the walk stops once 512 files
	# wait to be printed: the count of files stops growing.
	while [ "$(stat -c %s "dst/$big" 2>/dev/null || echo 0)" -lt 8388608 ]; do
		n=$(find dst -type f 2>/dev/null | wc -l)
		[ "$n" -gt "$most" ] && most=$n
		[ "$n" -eq "$prev" ] && [ "$n" -gt 2 ] && flat=$((flat + 1))
		prev=$n
		sleep 0.5
	done
	wait
	[ "$most" -le 520 ] || fail "$most files copied while the long one held their lines"
	[ "$flat" -ge 2 ] || fail "the walk never waited ($most files)"
	[ "$(wc -l < out)" -eq 3001 ]
	diff -r src dst
}

@test "-j4: -v and --debug print a 300-file tree's lines in the walk's order, as cp and -j1" {
	tree300 src
	twin cp 4 -rv src DST
	twin cp 4 -av src DST
	# cp 9.1 has no --debug: -j1 is the reference.
	twin -j1 4 --debug -r src DST
}

@test "-j4: --trace prints what -j1 prints, line for line" {
	tree300 src
	twin -j1 4 --trace -a src DST
}

# links: hard-link groups across directories.  The first name of each
# group in the walk is 2 MiB and the others come right after it, in
# other directories, so that a pool meets them while the first is
# still being copied.
mklinks() {
	mkpool
	mkdir -p src/a src/b src/c/deep src/d
	cut_pool src/a/big 2097152
	ln src/a/big src/b/big-link
	ln src/a/big src/c/deep/big-link2
	cut_pool src/a/small 100 7
	ln src/a/small src/d/small-link
	cut_pool src/b/own 3000 9
	ln src/b/own src/a/own-link
	cut_pool src/c/solo 1000 11
}

@test "-j4 -a: hard links across directories are made after their first copy, as cp's" {
	local z
	mklinks
	twin cp 4 -a src DST
	twin cp 4 -r --preserve=links src DST
	zcp -j4 -a src copy
	z=$(stat -c %i copy/a/big)
	assert_equal "$(stat -c %i copy/b/big-link)" "$z"
	assert_equal "$(stat -c %i copy/c/deep/big-link2)" "$z"
	assert_equal "$(stat -c %h copy/a/big)" 3
	cmp src/a/big copy/c/deep/big-link2
	assert_equal "$(stat -c %i copy/d/small-link)" "$(stat -c %i copy/a/small)"
	cmp src/a/small copy/d/small-link
	# With --atomic the first copy's name appears only when it is
	# whole: a link made earlier would find nothing to link to.
	twin -j1 4 -a --atomic src DST
}

# dirmodes: directories of modes 0555 and 0700 with old times, files and
# directories in them; setting a directory's mode or time before its
# children are in shows as "new" times or, for an unprivileged user, as
# a child that cannot be made.
mkdirmodes() {
	mkdir -p src/ro/sub src/ro/ro2 src/priv/sub src/open
	printf 'r\n' > src/ro/f
	printf 's\n' > src/ro/sub/g
	printf 't\n' > src/ro/ro2/h
	printf 'p\n' > src/priv/f
	printf 'q\n' > src/priv/sub/g
	printf 'o\n' > src/open/f
	touch -d @900000000 src/ro/f src/priv/f
	touch -d @800000000 src/ro/sub src/ro/ro2 src/priv/sub src/open
	touch -d @700000000 src/ro src/priv src
	chmod 0555 src/ro/ro2 src/ro
	chmod 0700 src/priv/sub src/priv
}

@test "-j4 -a: directory modes 0555/0700 and old times are set after the children, as cp's" {
	mkdirmodes
	twin cp 4 -a src DST
	twin cp 4 -r --preserve=mode,timestamps src DST
}

@test "-j4 -a as nobody: read-only directories still get their children, as cp's" {
	need_user
	shared_tmpdir u
	cd "$SHARED_DIR"
	mkdirmodes
	chown -R 65534:65534 .
	TWIN_PREFIX=($DIFF_UNPRIV)
	twin cp 4 -a src DST
	twin cp 4 -r -p src DST
}

@test "-j4 under ulimit -n 64: a tree 5 000 entries wide, as cp" {
	mkdir -p src/w
	(cd src/w && seq -f 'f%g' 5000 | xargs touch && mkdir d1 d2 d3 &&
	    seq -f 'd1/g%g' 200 | xargs touch)
	TWIN_NOFILE=64
	twin cp 4 -a src DST
}

@test "-j4 under ulimit -n 64: a tree 300 levels deep, as cp" {
	local p=src i
	for i in $(seq 300); do p=$p/d; done
	mkdir -p "$p"
	printf 'bottom\n' > "$p/f"
	printf 'top\n' > src/f
	TWIN_NOFILE=64
	twin cp 4 -r src DST
	twin cp 4 -a src DST
}

@test "-j4 as nobody: an unreadable file, an unenterable and an unwritable directory mid-tree: cp's messages, in order, exit 1" {
	need_root_for "make files nobody cannot read"
	need_user
	local d i
	shared_tmpdir u
	cd "$SHARED_DIR"
	mkpool
	for d in a b c d e f g; do
		mkdir -p "src/$d"
		for i in 1 2 3 4 5 6; do cut_pool "src/$d/f$i" $((i * 40000)) "$i"; done
	done
	mkdir src/c/locked
	printf 'l\n' > src/c/locked/in
	printf 'secret\n' > src/b/secret
	chown -R 65534:65534 src
	chown 0:0 src/b/secret src/c/locked
	chmod 0600 src/b/secret
	chmod 0700 src/c/locked
	# The destination's e/ is there already, root's: not writable.
	for d in dst-ref dst-zcp; do
		mkdir -p "$d/src/e"
		chown 65534:65534 "$d" "$d/src"
	done
	TWIN_PREFIX=($DIFF_UNPRIV)
	twin cp 4 -r src DST
	grep -q "cannot open 'src/b/secret' for reading" ref.all
	grep -q "cannot access 'src/c/locked'" ref.all
	grep -q "cannot create regular file 'DST/src/e/f1'" ref.all
	grep -qx 'status 1' ref.all
}

@test "-j4 --atomic: ENOSPC mid-tree: exit 1, the errors in walk order, every file there whole, no temporary" {
	local m=$BATS_TEST_TMPDIR/m d i f line left n=0
	loopfs ext4 16M "$m"
	tune2fs -m 0 "$(findmnt -no SOURCE "$m")" >/dev/null
	for d in a b c d e; do
		mkdir -p "src/$d"
		for i in 1 2 3 4; do mkdata "src/$d/f$i" $(( (i % 3 + 1) * 700000 )); done
		printf 'small\n' > "src/$d/s"
	done
	# The walk's order: -j1's -v lines on a roomy filesystem.
	zcp -j1 -rv src walk | sed -n "s|^'\(src/[^']*\)' -> .*|\1|p" > order
	for j in 4 1; do
		rm -rf "${m:?}/t"
		run zcp -j$j --atomic -r src "$m/t"
		assert_failure 1
		[ -n "$output" ] || fail "-j$j: no error"
		printf '%s\n' "$output" > err.$j
		while IFS= read -r line; do
			[[ $line == *": No space left on device" ]] ||
				fail "-j$j: not an ENOSPC message: $line"
		done < err.$j
		left=$(find "$m" -name '.zcp-*')
		[ -z "$left" ] || fail "-j$j: temporaries left: $left"
		while IFS= read -r -d '' f; do
			cmp "$f" "src/${f#"$m/t/"}" || fail "-j$j: $f is partial"
			n=$((n + 1))
		done < <(find "$m/t" -type f -print0)
		# Each error names a destination, in the walk's order.
		sed -E "s|.*'$m/t/([^']*)'.*|src/\1|" err.$j |
		    awk 'NR == FNR { i[$0] = NR; next }
			 { print ($0 in i) ? i[$0] : "unknown " $0 }' order - \
		    > idx.$j
		sort -n -c idx.$j ||
			fail "-j$j: errors out of the walk's order: $(cat err.$j)"
		# Every source file is there, or it or its directory has
		# its error.
		while IFS= read -r f; do
			[ -f "$f" ] || continue
			f=${f#src/}
			[ -f "$m/t/$f" ] || grep -qF "'$m/t/$f'" err.$j ||
			    grep -qF "'$m/t/${f%/*}'" err.$j ||
				fail "-j$j: $f neither copied nor reported"
		done < order
	done
	assert_num "$n" -gt 0
}

# bigtree: 4 directories of 6 files of 256 KiB, about 6 s at --bwlimit=1M.
mkbigtree() {
	local d i
	for d in a b c d; do
		mkdir -p "src/$d"
		for i in 1 2 3 4 5 6; do mkdata "src/$d/f$i" 262144; done
	done
}

# start_bg ARGS...: zcp -j4 --atomic --bwlimit=1M ARGS src dst in the
# background with INT and TERM at their defaults (a background command
# of a script has them ignored); its pid in ZPID.  Returns once a first
# file is whole in dst and zcp still runs.
start_bg() {
	local i
	env --default-signal=INT,TERM "$ZCP" -j4 --atomic --bwlimit=1M \
	    "$@" -r src dst 2> err &
	ZPID=$!
	for i in $(seq 1000); do
		[ -z "$(find dst -type f 2>/dev/null | head -1)" ] || return 0
		kill -0 "$ZPID" 2>/dev/null || fail "zcp ended before a first file"
		sleep 0.01
	done
	fail "no file copied in 10 s"
}

# whole_and_clean: every file in dst is its source's whole copy, and no
# temporary is left under any name.
whole_and_clean() {
	local f left
	left=$(find dst -name '.zcp-*')
	[ -z "$left" ] || fail "temporaries left: $left"
	while IFS= read -r -d '' f; do
		cmp "$f" "src/${f#dst/}" || fail "$f is partial"
	done < <(find dst -type f -print0)
	[ "$(find dst -type f | wc -l)" -lt 24 ] || fail "the copy was not stopped"
}

@test "-j4 --atomic: SIGINT and SIGTERM stop every worker: no temporary left, exit by the signal" {
	local sig st
	mkbigtree
	for sig in INT TERM; do
		rm -rf dst
		start_bg
		kill -s "$sig" "$ZPID"
		st=0
		wait "$ZPID" || st=$?
		assert_equal "$st" $((128 + $(kill -l "$sig")))
		whole_and_clean
		assert_file_empty err
	done
}

@test "-j4 --atomic: SIGKILL leaves no visible temporary (O_TMPFILE)" {
	local st
	mkbigtree
	start_bg
	kill -s KILL "$ZPID"
	st=0
	wait "$ZPID" || st=$?
	assert_equal "$st" 137
	whole_and_clean
}

# self_mid: on a tmpfs, whose inode numbers follow creation, so that the
# walk meets a1 a2, then sub (where the copy goes), then z1 z2, which
# cp never copies: it stops s where it meets s/sub/s.  A pool that has
# handed out z1 and z2 already must not copy them either.
fx_self_mid() {
	tmpfs_at m || return 1
	mkdir m/s
	printf 'a1\n' > m/s/a1
	printf 'a2\n' > m/s/a2
	mkdir m/s/sub
	printf 'b\n' > m/s/sub/b
	printf 'z1\n' > m/s/z1
	printf 'z2\n' > m/s/z2
}

@test "-j4: copying a directory into itself stops where cp stops, with cp's message" {
	need_tmpfs
	ZCP_J=(-j4)
	diffcase self_mid -- -rv m/s m/s/sub
	loopfs_cleanup
	ZCP_J=(-j1)
	diffcase self_mid -- -rv m/s m/s/sub
}

# sc FILE SYSCALL: the calls column of strace -c's line for SYSCALL.
sc() {
	awk -v s="$2" '$NF == s { n = $4 } END { print n + 0 }' "$1"
}

# same_calls JSON METHOD SYSCALL: the report's calls for METHOD are
# strace's count of SYSCALL in sc.txt, and not 0.  --stats' own ioctls
# (FS_IOC_FIEMAP) the report counts apart: extent_map_calls.
same_calls() {
	local got want
	got=$(jq -r --arg m "$2" '.methods[$m].calls // 0' "$1")
	want=$(sc sc.txt "$3")
	[ "$3" != ioctl ] || want=$((want - $(jq -r .extent_map_calls "$1")))
	assert_num "$got" -gt 0
	assert_equal "$2 $got calls" "$2 $want calls"
}

@test "-j4 --stats: calls are what strace -f counts, files and bytes those of -j1" {
	command -v strace >/dev/null || skip "strace not installed"
	command -v jq >/dev/null || skip "jq not installed"
	local d i
	for d in a b c; do
		mkdir -p "tree/$d"
		for i in $(seq 1 15); do mkdata "tree/$d/f$i" $((i * 70001)); done
	done
	strace -f -c -o sc.txt -e trace=ioctl,copy_file_range \
	    "$ZCP" -j4 --stats=json -r tree c4 2> s4.json
	diff -r tree c4
	same_calls s4.json copy_file_range copy_file_range
	same_calls s4.json reflink ioctl
	"$ZCP" -j1 --stats=json -r tree c1 2> s1.json
	assert_equal "$(jq -c '[.files, .pairs, .bytes]' s4.json)" \
	    "$(jq -c '[.files, .pairs, .bytes]' s1.json)"
	assert_equal "$(jq .files s4.json)" 45
	strace -f -c -o sc.txt -e trace=sendfile \
	    "$ZCP" -j4 --method=sendfile --stats=json -r tree c5 2> s5.json
	diff -r tree c5
	same_calls s5.json sendfile sendfile
	assert_equal "$(jq -c '[.files, .bytes]' s5.json)" \
	    "$(jq -c '[.files, .bytes]' s1.json)"
}

# threads CMD...: how many threads CMD made (clone and clone3, strace -f),
# less the one ThreadSanitizer's runtime starts beside the first.
threads() {
	local n
	strace -f -c -e trace=clone,clone3 -o cl.txt "$@" > /dev/null
	n=$(awk '$NF ~ /^clone3?$/ { n += $4 } END { print n + 0 }' cl.txt)
	[ "$n" -gt 0 ] && grep -qa __tsan_init "$ZCP" && n=$((n - 1))
	echo "$n"
}

@test "-j auto: a worker per CPU of the affinity mask and of the cgroup's CPU quota" {
	command -v strace >/dev/null || skip "strace not installed"
	command -v taskset >/dev/null || skip "taskset not installed"
	[ "$(nproc)" -ge 2 ] || skip "one CPU: auto is -j1 whatever else"
	local i cg
	mkdir src
	for i in $(seq 1 20); do echo "$i" > "src/f$i"; done
	assert_equal "$(threads taskset -c 0 "$ZCP" -r src d1)" 0
	assert_equal "$(threads taskset -c 0,1 "$ZCP" -r src d2)" 2
	# An N given is N, whatever the CPUs.
	assert_equal "$(threads taskset -c 0 "$ZCP" -j3 -r src d3)" 3
	need_root_for "make a cgroup with a CPU quota"
	if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
		cg=/sys/fs/cgroup/zcp-test-$$
		mkdir "$cg" && echo "100000 100000" > "$cg/cpu.max" ||
			{ rmdir "$cg"; skip "no cpu controller for a v2 cgroup"; }
	else
		cg=/sys/fs/cgroup/cpu/zcp-test-$$
		[ -d /sys/fs/cgroup/cpu ] || skip "no cgroup cpu controller"
		mkdir "$cg" && echo 100000 > "$cg/cpu.cfs_quota_us" ||
			{ rmdir "$cg"; skip "cannot set a v1 cgroup's quota"; }
	fi
	# One CPU's time in the quota: one at a time.
	i=$(threads sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" -r src d4' \
	    sh "$cg" "$ZCP")
	rmdir "$cg"
	assert_equal "$i" 0
	diff -r src d4
}

@test "-r: a file in a directory made just now is opened first, not looked up by name (its fstat is its stat), with -j1 and -j4" {
	command -v strace >/dev/null || skip "strace not installed"
	local j
	mkdir -p src/sub
	for j in $(seq 1 30); do
		echo "$j" > "src/f$j"
		echo "$j" > "src/sub/g$j"
	done
	for j in 1 4; do
		strace -f -o "st$j.txt" -e trace=newfstatat,openat \
		    "$ZCP" -j"$j" -r src "d$j"
		diff -r src "d$j"
		run grep -E 'newfstatat\([0-9]+, "[fg][0-9]+"' "st$j.txt"
		assert_output ''
		assert_equal "$(grep -cE 'openat\([0-9]+, "[fg][0-9]+", O_RDONLY' \
		    "st$j.txt")" 60
	done
	# Into a directory that was there, each name is looked at first:
	# what is there decides (-n here), as with cp.
	echo old > d1/f1
	strace -f -o st5.txt -e trace=newfstatat,openat \
	    "$ZCP" -j1 -rn -T src d1
	assert_equal "$(cat d1/f1)" old
	assert_equal "$(grep -cE 'newfstatat\([0-9]+, "f[0-9]+"' st5.txt)" 60
}

# stopped_at_copy J: zcp -jJ -r src dst in the background, stopped by the
# fault shim (SIGSTOP) at its first copy_file_range, the first file's;
# its pid in ZPID.
stopped_at_copy() {
	env ZCP_FAULT=copy_file_range:stop:1 \
	    ZCP_FAULT_LOG="$BATS_TEST_TMPDIR/faults.log" \
	    LD_PRELOAD="$HELPERS/faultshim.so${LD_PRELOAD:+:$LD_PRELOAD}" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$ZCP" -j"$1" -r src dst > out 2> err &
	ZPID=$!
	wait_stopped "$ZPID" || fail "zcp never reached its first copy: $(cat err)"
}

@test "-r: a file replaced by a directory after the walk read its name: -j1 copies the directory, as cp; a worker says it was replaced" {
	local first second st
	for j in 1 2; do
		rm -rf dst src
		mkdir src
		echo one > src/a
		echo two > src/b
		# The walk takes the names in inode order, as cp.
		first=$(ls -i src | sort -n | awk 'NR == 1 { print $2 }')
		second=$(ls -i src | sort -n | awk 'NR == 2 { print $2 }')
		stopped_at_copy "$j"
		rm src/"$second"
		mkdir src/"$second"
		echo inner > src/"$second"/inner
		kill -CONT "$ZPID"
		st=0
		wait "$ZPID" || st=$?
		cmp src/"$first" dst/"$first"
		if [ "$j" = 1 ]; then
			assert_equal "$st" 0
			assert_file_empty err
			assert_equal "$(cat dst/"$second"/inner)" inner
		else
			assert_equal "$st" 1
			assert_equal "$(cat err)" "zcp: skipping file 'src/$second', as it was replaced while being copied"
			assert_not_exist dst/"$second"
		fi
	done
}

@test "-r: a file replaced by a FIFO after the walk read its name is made a FIFO, as cp, without hanging on its open" {
	local first second st
	mkdir src
	echo one > src/a
	echo two > src/b
	first=$(ls -i src | sort -n | awk 'NR == 1 { print $2 }')
	second=$(ls -i src | sort -n | awk 'NR == 2 { print $2 }')
	stopped_at_copy 1
	rm src/"$second"
	mkfifo src/"$second"
	kill -CONT "$ZPID"
	for _ in $(seq 1000); do
		kill -0 "$ZPID" 2>/dev/null || break
		sleep 0.01
	done
	kill -0 "$ZPID" 2>/dev/null && { kill -9 "$ZPID"; fail "zcp hangs: $(cat err)"; }
	st=0
	wait "$ZPID" || st=$?
	assert_equal "$st" 0
	assert_file_empty err
	cmp src/"$first" dst/"$first"
	[ -p dst/"$second" ] || fail "dst/$second is not a FIFO"
}

@test "-j2: a worker that took several big files gives back those not begun when the other is idle" {
	command -v strace >/dev/null || skip "strace not installed"
	local i most
	mkdir src
	for i in $(seq 1 9); do head -c 1M /dev/urandom > "src/big$i"; done
	for i in $(seq 1 30); do echo "$i" > "src/small$i"; done
	# 100 ms a big file: long enough to count as long, for any build.
	strace -f -o st.txt -e trace=openat \
	    "$ZCP" -j2 --bwlimit=10M -r src dst
	diff -r src dst
	# Which thread opened each big file: none may have done most of them.
	most=$(grep -E 'openat\([0-9]+, "big[0-9]", O_RDONLY' st.txt |
	    awk '{ n[$1]++ } END { for (t in n) if (n[t] > m) m = n[t]; print m }')
	[ "$most" -le 6 ] || fail "one thread opened $most of the 9 big files: $(cat st.txt | grep big)"
}

# cold_tree [TYPE]: 300 files in three directories on a loop image of
# TYPE (ext4) at mnt/, then out of the page cache (the image mounted
# afresh).
COLD_FS=ext4
cold_tree() {
	local d i
	COLD_FS=${1:-ext4}
	loopfs "$COLD_FS" 320M "$BATS_TEST_TMPDIR/mnt"
	mkpool
	for d in a b c; do
		mkdir -p "mnt/src/$d"
		for i in $(seq 1 100); do
			cut_pool "mnt/src/$d/f$i" $(( 100 + i * 97 )) "$i"
		done
	done
	remount_cold
}
remount_cold() {
	umount "$BATS_TEST_TMPDIR/mnt" && mount -o loop \
	    "$BATS_TEST_TMPDIR/$COLD_FS.img" "$BATS_TEST_TMPDIR/mnt"
}
# cached DIR: the bytes of DIR's files in the page cache (fincore).
cached() {
	find "$1" -type f -exec fincore -nb -o RES {} + |
	    awk '{ n += $1 } END { print n + 0 }'
}
# calls ST NAME: how many NAME calls strace wrote to ST.
calls() { grep -cE "^[0-9]+ +$2\(" "$1" || true; }

@test "-j2 -r: a tree out of the page cache is read ahead (the walk opens what it hands out, with WILLNEED); a cached one is only sampled; -j1 does neither" {
	command -v strace >/dev/null || skip "strace not installed"
	cold_tree
	cd mnt
	strace -f -o ../cold.txt -e trace=preadv2,fadvise64,openat \
	    "$ZCP" -j2 -r src cold
	diff -r src cold
	# A sampled file was not cached, and from then on the walk (the
	# process's first thread) asks for the files it hands out.
	# (two workers' calls may be split: "<... preadv2 resumed>")
	grep -qE 'preadv2.*RWF_NOWAIT\) = -1 EAGAIN' ../cold.txt
	local walk n
	walk=$(head -n 1 ../cold.txt | cut -d' ' -f1)
	n=$(grep -E '^'"$walk"' +fadvise64\([0-9]+, 0, [0-9]+, POSIX_FADV_WILLNEED\) = 0' \
	    ../cold.txt | wc -l)
	[ "$n" -ge 100 ] || fail "the walk asked for $n files ahead of 300"
	assert_equal "$(grep -vcE '^'"$walk"' ' <(grep fadvise64 ../cold.txt))" 0
	# Each file opened once, whoever opened it.
	assert_equal "$(grep -cE 'openat\([0-9]+, "f[0-9]+", O_RDONLY' \
	    ../cold.txt)" 300
	# Now cached: a few samples, no hint.
	strace -f -o ../hot.txt -e trace=preadv2,fadvise64 \
	    "$ZCP" -j2 -r src hot
	diff -r src hot
	assert_equal "$(calls ../hot.txt fadvise64)" 0
	n=$(calls ../hot.txt preadv2)
	[ "$n" -ge 1 ] && [ "$n" -le 9 ] ||
		fail "$n samples of 300 cached files (4, then 1 in 64)"
	# -j1 has nothing to read ahead of.
	cd .. && remount_cold && cd mnt
	strace -f -o ../j1.txt -e trace=preadv2,fadvise64 \
	    "$ZCP" -j1 -r src j1
	diff -r src j1
	assert_equal "$(calls ../j1.txt preadv2)" 0
	assert_equal "$(calls ../j1.txt fadvise64)" 0
}

@test "-j2 -r on XFS: a cold tree that is cloned is not read ahead: of its 1.5 MB only what the samples start reading is read" {
	command -v strace >/dev/null || skip "strace not installed"
	command -v fincore >/dev/null || skip "fincore not installed"
	cold_tree xfs
	cd mnt
	strace -f -o ../st.txt -e trace=fadvise64,ioctl "$ZCP" -j2 -r src copy
	diff -r src copy
	grep -q 'FICLONE' ../st.txt || skip "XFS here does not clone"
	assert_equal "$(calls ../st.txt fadvise64)" 0
	# Neither when --debug reports each pair before the worker asks how
	# it went, nor when copy_file_range is what clones.
	local o
	for o in --debug --method=copy_file_range; do
		cd .. && remount_cold && cd mnt
		strace -f -o ../st.txt -e trace=fadvise64 \
		    "$ZCP" -j2 -r "$o" src "copy$o" > /dev/null
		diff -r src "copy$o"
		assert_equal "$(calls ../st.txt fadvise64)" 0
	done
	# A sample (preadv2 RWF_NOWAIT) starts the kernel's readahead of its
	# file: a few files of 300, under a tenth of the tree.
	cd .. && remount_cold && cd mnt
	"$ZCP" -j2 -r src copy2
	assert_num "$(cached src)" -lt 150000
}

@test "-j2 -r: a cold tree leaves room for descriptors the caller left open: ulimit -n 128 with 60 open, 24 levels, as cp" {
	local d=src i l
	loopfs ext4 320M "$BATS_TEST_TMPDIR/mnt"
	COLD_FS=ext4
	cd mnt
	for l in $(seq 24); do
		d=$d/d$l
		mkdir -p "$d"
		for i in $(seq 60); do echo "$l $i" > "$d/f$i"; done
	done
	cd .. && remount_cold && cd mnt
	run bash -c 'ulimit -n 128
		for i in $(seq 10 69); do eval "exec $i</dev/null"; done
		exec "$ZCP" -j2 -r src copy'
	assert_success
	assert_output ""
	diff -r src copy
}

@test "-j2 -r --stats: a cold tree is 0% cached, as -j1 says: its residency is taken before the look-ahead or a sample starts reading a file" {
	command -v jq >/dev/null || skip "jq not installed"
	cold_tree
	cd mnt
	"$ZCP" -j2 -r --stats=json --stats-file=../j2.json src j2
	diff -r src j2
	cd .. && remount_cold && cd mnt
	"$ZCP" -j1 -r --stats=json --stats-file=../j1.json src j1
	local j
	for j in ../j1.json ../j2.json; do
		assert_equal "$(jq .source_cached_bytes "$j")" 0
		assert_num "$(jq .source_checked_bytes "$j")" -gt 0
	done
}
