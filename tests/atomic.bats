# --atomic and --sync: a destination file appears whole or not at all,
# and is on stable storage before zcp says it is done.  Faults come from
# tests/helpers/faultshim.so (tmpfile, fsync, close, linkat, rename and
# the data calls); system-call order is read from strace.

setup() { load common; cd "$BATS_TEST_TMPDIR"; }
teardown() { loopfs_cleanup; }

need_strace() { command -v strace >/dev/null || skip "strace not installed"; }

# zf SPEC ARG...: zcp under the fault shim, faults logged to faults.log.
zf() {
	local spec=$1
	shift
	FAULT_LOG=$BATS_TEST_TMPDIR/faults.log with_faults "$spec" "$ZCP" "$@"
}

# stf SPEC ARG...: zcp under strace (calls into st.txt) and the fault
# shim, which only zcp gets; -E replaces the environment the strace
# wrapper sets, so LeakSanitizer (which cannot run under ptrace) is
# turned off here again.
stf() {
	local spec=$1
	shift
	strace -qq -f -o st.txt -E ZCP_FAULT="$spec" \
	    -E ZCP_FAULT_LOG="$BATS_TEST_TMPDIR/faults.log" \
	    -E LD_PRELOAD="$HELPERS/faultshim.so${LD_PRELOAD:+:$LD_PRELOAD}" \
	    -E ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0" \
	    -e trace=openat,linkat,renameat,renameat2,unlinkat,close "$ZCP" "$@"
}

fired() {
	grep -Fxq -- "$1" faults.log || fail "the fault '$1' never fired: $(cat faults.log 2>/dev/null)"
}

# no_temp DIR: no hidden temporary left in DIR.
no_temp() {
	local left
	left=$(find "${1:-.}" -name '.zcp-*')
	[ -z "$left" ] || fail "temporaries left: $left"
}

ino() { stat -c %i -- "$1"; }

# st ARG...: strace zcp's file calls into st.txt.
st() {
	strace -qq -f -o st.txt -e trace=openat,linkat,renameat,renameat2,unlinkat,fsync,fdatasync,close,fchmod,fchown,utimensat,ftruncate,write "$ZCP" "$@"
}

@test "atomic: a new file is an O_TMPFILE linked in by name, nothing else is made" {
	need_strace
	mkdata a 300000
	run st --atomic a b
	assert_success
	cmp a b
	grep -q 'O_TMPFILE' st.txt
	run grep -E 'linkat\(AT_FDCWD, "/proc/self/fd/[0-9]+", [0-9]+, "b", AT_SYMLINK_FOLLOW\) = 0' st.txt
	assert_success
	run grep -E 'openat\([^)]*"b"' st.txt
	assert_failure
	no_temp
}

@test "atomic: an existing file is replaced by rename: new inode, old links keep the old bytes" {
	mkdata a 200000
	echo old > b
	ln b b.link
	before=$(ino b)
	run zcp --atomic a b
	assert_success
	cmp a b
	assert_not_equal "$(ino b)" "$before"
	assert_equal "$(cat b.link)" old
	no_temp
	# Without --atomic cp writes through: same inode, the link sees it.
	echo old > c
	ln c c.link
	before=$(ino c)
	zcp a c
	assert_equal "$(ino c)" "$before"
	cmp a c.link
}

@test "atomic: a reader that has the old file open keeps reading the old bytes" {
	mkdata a 100000
	echo old > b
	exec 7< b
	zcp --atomic a b
	run cat <&7
	exec 7<&-
	assert_output old
	cmp a b
}

@test "atomic: while the data flows, the name shows the old file, then the whole new one" {
	local i
	mkdata a 200000
	echo old > b
	# The producer holds the second half back until told (go.*), so a
	# slow start (valgrind) cannot let the whole file through first.
	{ head -c 100000 a; until [ -e go.b ]; do sleep 0.05; done
	  tail -c +100001 a; } | zcp --atomic - b &
	pid=$!
	sleep 1
	[ "$(cat b)" = old ] || fail "the name showed $(wc -c < b) bytes mid-copy"
	touch go.b
	wait "$pid"
	cmp a b
	no_temp
	# Without --atomic the name shows the half copy.
	echo old > c
	{ head -c 100000 a; until [ -e go.c ]; do sleep 0.05; done
	  tail -c +100001 a; } | zcp - c &
	pid=$!
	for i in $(seq 200); do
		[ "$(stat -c %s c)" -eq 100000 ] && break
		sleep 0.1
	done
	[ "$(stat -c %s c)" -eq 100000 ] ||
	    fail "c never held the half copy: $(stat -c %s c) bytes"
	touch go.c
	wait "$pid"
	cmp a c
}

@test "atomic: the existing file's mode and group carry over, as cp's write-through keeps them" {
	[ "$(id -u)" -eq 0 ] || skip "needs root (chgrp to another group)"
	mkdata a 1000
	chmod 600 a
	echo old > b
	chmod 640 b
	chgrp daemon b
	zcp --atomic a b
	assert_equal "$(stat -c %a:%G b)" 640:daemon
	# -p asks for the source's instead.
	echo old > c
	chmod 640 c
	zcp --atomic -p a c
	assert_equal "$(stat -c %a c)" 600
	# A new file gets the source's mode less the umask, as always.
	(umask 077; zcp --atomic a d)
	assert_equal "$(stat -c %a d)" 600
}

@test "atomic: in a set-group-ID directory the replaced file keeps its own group, as with cp" {
	[ "$(id -u)" -eq 0 ] || skip "needs root (chgrp to another group)"
	mkdata a 1000
	mkdir sg
	chgrp daemon sg
	chmod g+s sg
	for tool in cp "$ZCP --atomic"; do
		echo old > sg/b
		chgrp root sg/b
		$tool a sg/b
		cmp a sg/b
		[ "$(stat -c %G sg/b)" = root ] || fail "$tool: group $(stat -c %G sg/b)"
	done
	# A new file there takes the directory's group, as ever.
	zcp --atomic a sg/new
	assert_equal "$(stat -c %G sg/new)" daemon
}

@test "atomic: attributes are set on the temporary before it is published" {
	need_strace
	mkdata a 5000
	chmod 751 a
	touch -d @1000000000 a
	setfattr -n user.k -v v a 2>/dev/null || true
	run st --atomic --preserve=mode,timestamps a b
	assert_success
	pub=$(grep -nE 'linkat\(AT_FDCWD, "/proc/self/fd/[0-9]+", [0-9]+, "b"' st.txt | cut -d: -f1)
	meta=$(grep -nE 'fchmod\(|utimensat\([0-9]+, NULL' st.txt | cut -d: -f1 | tail -1)
	[ -n "$pub" ] && [ -n "$meta" ] || fail "$(cat st.txt)"
	[ "$meta" -lt "$pub" ] || fail "metadata after publishing: $(cat st.txt)"
	assert_equal "$(stat -c %a:%Y b)" 751:1000000000
}

@test "atomic: an injected EIO mid-copy leaves the old file intact and no temporary, by every method" {
	mkdata a 3000000
	for m in copy_file_range sendfile readwrite; do
		echo old > b
		rm -f faults.log
		case $m in
		copy_file_range) spec=copy_file_range:short:1,copy_file_range:EIO:2 ;;
		sendfile) spec=sendfile:short:1,sendfile:EIO:2 ;;
		readwrite) spec=write:EIO:3 ;;
		esac
		run zf "$spec" --atomic --method=$m a b
		assert_failure 1
		assert_output --regexp "^zcp: error (writing 'b'|copying 'a' to 'b'): Input/output error$"
		[ "$(cat b)" = old ] || fail "$m: the old file was touched"
		no_temp
	done
	# splice takes a pipe at one end: stdin here, relayed through zcp's
	# own pipe (in, out, in, out...): call 3 reads stdin, call 4 writes b.
	for spec in "3|error reading '-'" "4|error writing 'b'"; do
		echo old > b
		run bash -c 'cat a | "$0" "$@"' env ZCP_FAULT=splice:EIO:${spec%%|*} \
		    LD_PRELOAD="$HELPERS/faultshim.so${LD_PRELOAD:+:$LD_PRELOAD}" \
		    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		    "$ZCP" --atomic --method=splice - b
		assert_failure 1
		assert_output "zcp: ${spec#*|}: Input/output error"
		assert_equal "$(cat b)" old
		no_temp
	done
}

# zf_stdin SPEC ARG...: zf with 'a' on standard input through a pipe.
zf_stdin() {
	cat a | zf "$@"
}

@test "atomic: EIO and short transfers, first call and mid-stream, by every method: whole or old" {
	local m spec want n=0 src call run_
	mkdata a 3000000
	for m in copy_file_range sendfile splice readwrite; do
		case $m in
		splice) call=splice src=- run_=zf_stdin ;;
		readwrite) call=write src=a run_=zf ;;
		*) call=$m src=a run_=zf ;;
		esac
		for spec in "$call:EIO:1|fail" "$call:short:1,$call:EIO:2|fail" \
		    "$call:short:1|ok" "$call:short:1:0|ok" "$call:EINTR:1|ok"; do
			want=${spec#*|} spec=${spec%|*}
			echo old > b
			rm -f faults.log
			run $run_ "$spec" --atomic --method=$m "$src" b
			grep -q . faults.log || fail "$m $spec: no fault fired"
			if [ "$want" = ok ]; then
				assert_success
				cmp a b
			else
				assert_failure 1
				# splice's first call reads stdin into zcp's pipe
				assert_output --regexp "(reading '-'|'b'): Input/output error$"
				[ "$(cat b)" = old ] || fail "$m $spec: b changed"
			fi
			no_temp
			n=$((n + 1))
		done
	done
	echo "# $n fault cases" >&3
}

@test "atomic: a failed copy to a new name leaves no file at all; without --atomic a part is left" {
	mkdata a 3000000
	run zf write:ENOSPC:2 --atomic --method=readwrite a b
	assert_failure 1
	assert_output "zcp: error writing 'b': No space left on device"
	assert_file_not_exist b
	no_temp
	run zf write:ENOSPC:2 --method=readwrite a c
	assert_failure 1
	assert_equal "$(stat -c %s c)" 262144
}

@test "atomic: without O_TMPFILE (EOPNOTSUPP, EISDIR) a hidden name is used, then renamed" {
	need_strace
	mkdata a 100000
	for e in EOPNOTSUPP EISDIR; do
		rm -f b faults.log
		run stf tmpfile:$e:1 --atomic a b
		assert_success
		fired "tmpfile $e #1"
		cmp a b
		grep -qE 'openat\([0-9]+, "\.zcp-[a-z0-9]{10}", O_WRONLY\|O_CREAT\|O_EXCL' st.txt
		grep -qE 'renameat2\([0-9]+, "\.zcp-[a-z0-9]{10}", [0-9]+, "b", RENAME_NOREPLACE\) = 0' st.txt
		no_temp
	done
	# Replacing goes by renameat over the old file.
	echo old > b
	run zf tmpfile:EOPNOTSUPP:1 --atomic a b
	assert_success
	cmp a b
	no_temp
}

@test "atomic: the hidden name is removed on every error: data, close, rename" {
	mkdata a 1000000
	# The temporary's close is the first counted (stdio's are not), or
	# the second over an old file (opened first to see that cp could).
	for f in "write:EIO:2|write EIO #2|error writing 'b': Input/output error" \
	    "close:EIO:N|close EIO #N|failed to close 'b': Input/output error" \
	    "rename:EIO:1|rename EIO #1|cannot create regular file 'b': Input/output error"; do
		for dest in old new; do
			n=1
			[ $dest = new ] || n=2
			IFS='|' read -r spec logl msg <<<"${f//N/$n}"
			rm -f faults.log b
			[ $dest = new ] || echo old > b
			run zf tmpfile:EOPNOTSUPP:1,$spec --atomic --method=readwrite a b
			assert_failure 1
			assert_output "zcp: $msg"
			fired "$logl"
			if [ $dest = old ]; then
				[ "$(cat b)" = old ] || fail "$spec: old file touched"
			else
				assert_file_not_exist b
			fi
			no_temp
		done
	done
}

@test "atomic: a failed linkat or rename of the unnamed file leaves the old file and nothing else" {
	mkdata a 100000
	run zf linkat:EIO:1 --atomic a new
	assert_failure 1
	assert_output "zcp: cannot create regular file 'new': Input/output error"
	assert_file_not_exist new
	echo old > b
	run zf rename:EIO:1 --atomic a b
	assert_failure 1
	assert_output "zcp: cannot create regular file 'b': Input/output error"
	assert_equal "$(cat b)" old
	run zf linkat:ENOSPC:1 --atomic a b
	assert_failure 1
	assert_output "zcp: cannot create regular file 'b': No space left on device"
	assert_equal "$(cat b)" old
	no_temp
}

@test "atomic: a file that appeared meanwhile under a new name is not clobbered" {
	mkdata a 1000
	mkfifo p
	{ sleep 60 & echo $! > sleeper.pid; wait; cat a; } > p &
	"$ZCP" --atomic - new < p 2> err &
	pid=$!
	# Once zcp holds its unnamed temporary, "new" did not exist.
	for _ in $(seq 1000); do
		ls -l /proc/"$pid"/fd 2>/dev/null | grep -qF "$PWD/#" && break
		sleep 0.01
	done
	echo theirs > new
	while [ ! -s sleeper.pid ]; do sleep 0.01; done
	kill "$(cat sleeper.pid)"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 1
	assert_equal "$(cat err)" \
	    "zcp: cannot create regular file 'new': File exists"
	assert_equal "$(cat new)" theirs
	no_temp
}

@test "atomic: a symlink at the destination is followed: its target is replaced, the link stays" {
	mkdata a 1000
	mkdir real
	echo old > real/t
	ln -s real/t lnk
	zcp --atomic a lnk
	assert_link_exists lnk
	cmp a real/t
	no_temp real
	# A dangling one is refused, as by cp.
	ln -s nowhere dang
	run zcp --atomic a dang
	assert_failure 1
	assert_output "zcp: not writing through dangling symlink 'dang'"
	assert_file_not_exist nowhere
	no_temp
}

@test "atomic: an existing FIFO destination is written through, not replaced" {
	mkdata a 100000
	mkfifo f
	cat f > got &
	zcp --atomic a f
	wait
	assert_fifo_exists f
	cmp a got
}

@test "atomic: -n, -u and a 'no' to -i leave the destination alone and make no temporary" {
	need_strace
	mkdata a 1000
	echo old > b
	touch -d @2000000000 b
	for opt in -n -u -i; do
		run st --atomic "$opt" a b <<<n
		[ "$(cat b)" = old ] || fail "$opt replaced b"
		run grep -c O_TMPFILE st.txt
		assert_output 0
	done
}

@test "atomic: -b makes the backup a hard link before the rename; the name never goes missing" {
	need_strace
	mkdata a 1000
	echo old > b
	echo older > b~
	old=$(ino b)
	run st --atomic -b a b
	assert_success
	cmp a b
	assert_equal "$(cat b~)" old
	assert_equal "$(ino b~)" "$old"
	# b is never renamed away: only hidden names and the temporary move.
	run grep -E 'renameat2?\([^,]+, "b",' st.txt
	assert_failure
	# A failed copy leaves b as it was (and the backup, a second name).
	echo old2 > b
	run zf write:EIO:1 --atomic -b --method=readwrite a b
	assert_failure 1
	assert_equal "$(cat b)" old2
	no_temp
	# Numbered backups too.
	run zcp --atomic --backup=numbered a b
	assert_success
	assert_equal "$(cat b.~1~)" old2
}

@test "atomic: --remove-destination and -f remove nothing: the rename replaces" {
	need_strace
	mkdata a 1000
	for opt in --remove-destination -f; do
		echo old > b
		run st --atomic "$opt" a b
		assert_success
		cmp a b
		run grep -E 'unlinkat\([^,]+, "b"' st.txt
		assert_failure
	done
}

@test "atomic: as nobody, an unwritable destination is refused without -f, as by cp, replaced with -f" {
	need_root
	shared_tmpdir nobody
	d=$SHARED_DIR
	mkdata "$d/a" 1000
	echo old > "$d/b"
	chmod 444 "$d/b"
	chown -R 65534:65534 "$d"
	cd "$d"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$ZCP" --atomic a b
	assert_failure 1
	assert_output "zcp: cannot create regular file 'b': Permission denied"
	assert_equal "$(cat b)" old
	run setpriv --reuid=65534 --regid=65534 --clear-groups cp a b
	assert_output "cp: cannot create regular file 'b': Permission denied"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$ZCP" --atomic -f a b
	assert_success
	cmp a b
	# An unprivileged user links the unnamed file through /proc.
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$ZCP" --atomic a new
	assert_success
	cmp a new
	cd /
	rm -rf "$d"
}

@test "atomic: -r makes each file atomically, the directories as usual" {
	need_strace
	mkdir -p t/x/y
	mkdata t/f1 1000
	mkdata t/x/f2 70000
	mkdata t/x/y/f3 0
	run strace -qq -f -o st.txt -e trace=openat "$ZCP" --atomic -r t u
	assert_success
	diff -r t u
	run grep -c O_TMPFILE st.txt
	assert_output 3
	no_temp u
	# Again over the copy: each file replaced.
	mkdata t/x/f2 5000
	zcp --atomic -r t/. u
	diff -r t u
	no_temp u
}

@test "atomic: zcp - FILE is atomic, zcp FILE - writes standard output as ever" {
	need_strace
	mkdata a 100000
	echo old > b
	run bash -c 'cat a | strace -qq -o st.txt -e trace=openat "$ZCP" --atomic - b'
	assert_success
	cmp a b
	grep -q O_TMPFILE st.txt
	run bash -c 'strace -qq -o st.txt -e trace=openat "$ZCP" --atomic a - > out'
	assert_success
	cmp a out
	run grep -c O_TMPFILE st.txt
	assert_output 0
}

@test "atomic: reflink clones into the temporary (XFS), then publishes it" {
	loopfs xfs 300M "$BATS_TEST_TMPDIR/x"
	cd x
	mkdata a 4000000
	echo old > b
	run zcp --trace --atomic --reflink=always a b
	assert_success
	assert_line --partial 'reflink: 4000000 bytes in 1 call, done'
	cmp a b
	filefrag -v b | grep -q shared
	no_temp
	# Every method over an existing file.
	for m in reflink copy_file_range sendfile readwrite; do
		echo old > "b.$m"
		zcp --atomic --method=$m a "b.$m"
		cmp a "b.$m"
	done
	no_temp
}

@test "sync: each file is fsync'd before close and its directory after the name is made" {
	need_strace
	mkdata a 10000
	run st --sync a b
	assert_success
	cmp a b
	# fsync of b's descriptor, its close, then fsync of the directory.
	run grep -E '^[0-9]+ +(fsync|close|fdatasync)' st.txt
	f=$(grep -nE 'fsync\(' st.txt | head -1 | cut -d: -f1)
	d=$(grep -nE 'fsync\(' st.txt | sed -n 2p | cut -d: -f1)
	[ -n "$f" ] && [ -n "$d" ] || fail "$(cat st.txt)"
	grep -q fdatasync st.txt && fail "fdatasync used"
	# Replacing in place needs no directory sync.
	run st --sync a b
	run grep -c 'fsync(' st.txt
	assert_output 1
	# Without --sync: no fsync at all.
	run st a c
	run grep -c 'fsync(' st.txt
	assert_output 0
}

@test "sync: with --atomic, the temporary is flushed before it is published, the directory after" {
	need_strace
	mkdata a 10000
	run st --atomic --sync a b
	assert_success
	f=$(grep -nE 'fsync\(' st.txt | head -1 | cut -d: -f1)
	p=$(grep -nE 'linkat\(' st.txt | head -1 | cut -d: -f1)
	d=$(grep -nE 'fsync\(' st.txt | sed -n 2p | cut -d: -f1)
	[ "$f" -lt "$p" ] && [ "$p" -lt "$d" ] || fail "$(cat st.txt)"
}

@test "sync: a failed fsync is reported with the file's name; with --atomic nothing is published" {
	mkdata a 10000
	run zf fsync:EIO:1 --sync a b
	assert_failure 1
	assert_output "zcp: failed to sync 'b': Input/output error"
	fired "fsync EIO #1"
	echo old > c
	run zf fsync:EIO:1 --atomic --sync a c
	assert_failure 1
	assert_output "zcp: failed to sync 'c': Input/output error"
	assert_equal "$(cat c)" old
	run zf fsync:EIO:1 --atomic --sync a new
	assert_failure 1
	assert_file_not_exist new
	no_temp
	# The directory's fsync (the second) names the directory.
	mkdir d
	run zf fsync:EIO:2 --sync a d/x
	assert_failure 1
	assert_output "zcp: failed to sync directory 'd': Input/output error"
	run zf fsync:EIO:2 --atomic --sync a d/y
	assert_failure 1
	assert_output "zcp: failed to sync directory 'd': Input/output error"
}

@test "sync: -r syncs every file and every directory made; stdout that is a file is synced" {
	need_strace
	mkdir -p t/x
	mkdata t/f1 100
	mkdata t/x/f2 100
	run strace -qq -f -o st.txt -e trace=fsync "$ZCP" --sync -r t u
	assert_success
	diff -r t u
	# Two files (each and its directory), two directories made.
	run grep -c 'fsync(' st.txt
	assert_output 6
	run bash -c 'strace -qq -o st.txt -e trace=fsync "$ZCP" --sync t/f1 - > out'
	assert_success
	cmp t/f1 out
	run grep -c 'fsync(1)' st.txt
	assert_output 1
	# A pipe is not synced (and that is no error).
	rm out
	run bash -c 'strace -qq -o st.txt -e trace=fsync "$ZCP" --sync t/f1 - |
		cat > out'
	assert_success
	cmp t/f1 out
	run grep -c 'fsync(' st.txt
	assert_output 0
}

# unsynced_dirs < STRACE: the directory descriptors that had a name made
# in them (symlinkat, mknodat, linkat) and were closed, or left open,
# without an fsync after it.  A call two threads make at once is split
# by strace -f ("fsync(3 <unfinished ...>"): fd() takes the number alone.
unsynced_dirs() {
	awk '
	function fd(s) { sub(/[^0-9].*/, "", s); return s }
	function made(s) { pending[fd(s)] = 1 }
	function args(call) { sub(".*" call "\\(", ""); split($0, a, ", ") }
	/ symlinkat\(/ { args("symlinkat"); made(a[2]) }
	/ mknodat\(/ { args("mknodat"); made(a[1]) }
	/ linkat\(/ { args("linkat"); made(a[3]) }
	/ fsync\(/ { args("fsync"); pending[fd(a[1])] = 0 }
	/ close\(/ { args("close"); n = fd(a[1])
		if (pending[n]) print "closed " n; pending[n] = 0 }
	END { for (n in pending) if (pending[n]) print "open " n }'
}

@test "sync: with -a, every symlink, FIFO and hard link made is followed by an fsync of its directory" {
	need_strace
	local made
	mkdir t
	mkdata t/f 100
	ln t/f t/g
	ln -s f t/l
	mkfifo t/p
	run strace -qq -f -o st.txt -e trace=symlinkat,mknodat,linkat,fsync,close "$ZCP" -a --sync t u
	assert_success
	for made in symlinkat mknodat linkat; do
		grep -q "$made(" st.txt || fail "no $made in: $(cat st.txt)"
	done
	run unsynced_dirs < st.txt
	assert_output ''
	# At the top too: zcp -P --sync l m.
	run strace -qq -f -o st.txt -e trace=symlinkat,fsync "$ZCP" -P --sync t/l m
	assert_success
	run grep -A1 'symlinkat(' st.txt
	assert_line --index 1 --regexp '^[0-9]+ +fsync\('
}

@test "atomic: -b f~ f is refused: the backup would destroy its source" {
	printf 'cur\n' > f
	printf 'bak\n' > 'f~'
	run zcp --atomic -b 'f~' f
	assert_failure 1
	assert_output "zcp: backing up 'f' might destroy source;  'f~' not copied"
	assert_equal "$(cat f)" cur
	assert_equal "$(cat 'f~')" bak
	no_temp
}

@test "atomic: with -b or --remove-destination the new file is new, as cp's: no old mode or owner" {
	local opt
	for opt in -b --remove-destination; do
		mkdata f 1000
		chmod 0644 f
		printf 'old\n' > g.$opt
		chown 65534:65534 g.$opt
		chmod 4755 g.$opt
		cp g.$opt c.$opt
		chown 65534:65534 c.$opt
		chmod 4755 c.$opt
		zcp --atomic $opt f g.$opt
		cp $opt f c.$opt
		assert_equal "$(stat -c '%a %U' g.$opt)" "$(stat -c '%a %U' c.$opt)"
		cmp f g.$opt
	done
	# Written through (no option): the old file's mode stays, as cp's.
	printf 'old\n' > h
	chmod 0600 h
	zcp --atomic f h
	assert_equal "$(stat -c %a h)" 600
}

@test "atomic: -b that fails puts nothing in the way: the destination and its backup as before" {
	need_root_for "setpriv to another user"
	mkdata f 1000
	chmod 000 f
	printf 'orig\n' > g
	chown 65534:65534 g
	chmod 0777 .
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$ZCP" --atomic -bv f g
	assert_failure 1
	assert_equal "$(cat g)" orig
	assert_file_not_exist 'g~'
	no_temp
}

@test "atomic: f onto itself is refused and keeps its inode" {
	local i
	mkdata f 1000
	cp f orig
	i=$(ino f)
	run zcp --atomic f ./f
	assert_failure 1
	assert_output "zcp: 'f' and './f' are the same file"
	assert_equal "$(ino f)" "$i"
	cmp orig f
	no_temp
}

@test "close: a failed close of the destination is an error naming it" {
	mkdata a 1000
	run zf close:EIO:1 a b
	assert_failure 1
	assert_output "zcp: failed to close 'b': Input/output error"
	fired "close EIO #1"
	run bash -c 'cat a | "$0" "$@"' env ZCP_FAULT=close:EIO:1 \
	    LD_PRELOAD="$HELPERS/faultshim.so${LD_PRELOAD:+:$LD_PRELOAD}" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$ZCP" - c
	assert_failure 1
	assert_output "zcp: failed to close 'c': Input/output error"
}
