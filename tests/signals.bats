# Interrupts and closed ends.  A large --atomic copy from a pipe whose
# producer stops at a random 64 KiB boundary is hit by SIGINT, SIGTERM,
# SIGHUP or SIGKILL once zcp holds exactly those bytes (read from
# /proc/PID/fd): the old destination must be intact or the new one
# whole, never a mix, and no temporary left (SIGKILL excepted, as the man
# page says: in the hidden-name fallback, and in the instant between the
# hidden link of a finished copy and the rename over the old file).  Then: a reader that
# leaves early, closed stdin and stdout, and a real terminal hang-up.

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
	mkdata new "$((CHUNKS * CHUNK))"
	mkdata old 100000
}

CHUNK=65536
CHUNKS=64		# 4 MiB
POINTS=${ZCP_SIGNAL_POINTS:-8}	# random points per signal and variant

signum() { kill -l "$1"; }

# temp_fd: the temporary zcp $ZPID writes, as /proc/PID/fd/N.
temp_fd() {
	local f
	for f in /proc/"$ZPID"/fd/*; do
		# An O_TMPFILE shows as "DIR/#INODE (deleted)", DIR here or
		# below; valgrind's own unlinked files are elsewhere.
		case $(readlink "$f" 2>/dev/null) in
		"$PWD/"*"#"*" (deleted)"|"$PWD/"*".zcp-"*) echo "$f"; return 0 ;;
		esac
	done
	return 1
}

# wait_bytes N: until zcp's temporary holds N bytes (10 s at most).
wait_bytes() {
	local i f
	for i in $(seq 1000); do
		if f=$(temp_fd) && [ "$(stat -L -c %s "$f" 2>/dev/null)" = "$1" ]; then
			return 0
		fi
		sleep 0.01
	done
	fail "zcp never held $1 bytes"
}

# start K [SPEC] [ZCP-ARG...]: zcp --atomic - b, fed the first K chunks
# of 'new' through a FIFO, then nothing until release; SPEC, if not
# empty, is a fault-shim spec.
start() {
	local k=$1 spec=$2
	shift 2
	cp old b
	rm -f p sleeper.pid
	mkfifo p
	{
		head -c "$((k * CHUNK))" new
		sleep 60 & echo $! > sleeper.pid
		wait
		tail -c +"$((k * CHUNK + 1))" new
	} > p 2>/dev/null &
	# env execs zcp: $! is zcp's own pid, not a subshell's.  A command
	# run with & here has SIGINT ignored (no job control), and zcp keeps
	# an ignored signal ignored (nohup): give the three back their default.
	if [ -n "$spec" ]; then
		env --default-signal=INT,TERM,HUP ZCP_FAULT="$spec" ZCP_FAULT_LOG="$BATS_TEST_TMPDIR/faults.log" \
		    LD_PRELOAD="$HELPERS/faultshim.so${LD_PRELOAD:+:$LD_PRELOAD}" \
		    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		    "$ZCP" --atomic "$@" - b < p 2> err &
	else
		env --default-signal=INT,TERM,HUP "$ZCP" --atomic "$@" - b \
		    < p 2> err &
	fi
	ZPID=$!
	while [ ! -s sleeper.pid ]; do sleep 0.01; done
}

# release: let the producer send the rest.
release() { kill "$(cat sleeper.pid)" 2>/dev/null || true; }

# finish: wait for zcp, 10 s at most (a zcp a signal did not stop fails
# the test, never hangs it); its status in ZST; the producer is released.
finish() {
	local i st=
	for i in $(seq 1000); do
		read -r _ _ st _ < /proc/"$ZPID"/stat 2>/dev/null || break
		[ "$st" != Z ] || break
		sleep 0.01
	done
	if [ "$st" != Z ] && [ -e /proc/"$ZPID" ]; then
		kill -s KILL "$ZPID"
		release
		fail "zcp still ran 10 s later: $(cat err)" || return
	fi
	ZST=0
	wait "$ZPID" || ZST=$?
	release
	wait || true
}

# whole_or_old: b is the old file or the whole new one, never a mix.
whole_or_old() {
	cmp -s b old || cmp -s b new ||
		fail "b is neither old nor new: $(stat -c %s b) bytes"
}

# kill_window: true if a SIGKILL landed in the documented instant between
# linking the finished temporary to a hidden name and renaming that over
# the old file (ext4 flushes the file in that rename: a few ms).  Then the
# hidden name must hold the whole new file and b still be the old one;
# the hidden name is removed so that no_temp checks the rest.
kill_window() {
	local left
	left=$(find . -maxdepth 1 -name '.zcp-*')
	[ -n "$left" ] || return 1
	[ "$(echo "$left" | wc -l)" -eq 1 ] || fail "temporaries left: $left"
	cmp -s "$left" new || fail "$left is not the whole new file"
	cmp -s b old || fail "b replaced, yet $left is left"
	rm -f "$left"
}

# stopped_at_rename: zcp --atomic new b in the background, stopped by the
# fault shim (SIGSTOP) just before its first rename; its pid in ZPID.
stopped_at_rename() {
	env ZCP_FAULT=rename:stop:1 ZCP_FAULT_LOG="$BATS_TEST_TMPDIR/faults.log" \
	    LD_PRELOAD="$HELPERS/faultshim.so${LD_PRELOAD:+:$LD_PRELOAD}" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$ZCP" --atomic new b 2> err &
	ZPID=$!
	wait_stopped "$ZPID" || fail "zcp never reached its rename: $(cat err)"
}

no_temp() {
	local left
	left=$(find . -maxdepth 1 -name '.zcp-*')
	[ -z "$left" ] || fail "temporaries left: $left"
}

@test "signals: SIGINT, SIGTERM, SIGHUP at random points: the old file stays, nothing is left, zcp dies by the signal" {
	local sig k n=0
	for sig in INT TERM HUP; do
		for _ in $(seq "$POINTS"); do
			k=$((RANDOM % CHUNKS))
			start "$k" ""
			wait_bytes "$((k * CHUNK))"
			kill -s "$sig" "$ZPID"
			finish
			[ "$ZST" -eq $((128 + $(signum "$sig"))) ] ||
				fail "SIG$sig at $k: status $ZST: $(cat err)"
			cmp b old || fail "SIG$sig at chunk $k: b changed"
			no_temp
			[ ! -s err ] || fail "SIG$sig: zcp said: $(cat err)"
			n=$((n + 1))
		done
	done
	echo "# $n signal points" >&3
}

@test "signals: the hidden-name fallback removes its temporary on SIGINT, SIGTERM, SIGHUP" {
	local sig k
	for sig in INT TERM HUP; do
		for _ in $(seq "$POINTS"); do
			k=$((RANDOM % CHUNKS))
			start "$k" tmpfile:EOPNOTSUPP:1
			wait_bytes "$((k * CHUNK))"
			temp_fd | xargs readlink | grep -q '/\.zcp-' ||
				fail "no hidden name in use"
			kill -s "$sig" "$ZPID"
			finish
			assert_equal "$ZST" $((128 + $(signum "$sig")))
			cmp b old
			no_temp
		done
	done
}

@test "signals: SIGKILL: the old file stays; an O_TMPFILE leaves nothing, the fallback its hidden name" {
	local k
	for _ in $(seq "$POINTS"); do
		k=$((RANDOM % CHUNKS))
		start "$k" ""
		wait_bytes "$((k * CHUNK))"
		kill -s KILL "$ZPID"
		finish
		assert_equal "$ZST" 137
		cmp b old
		no_temp
		assert_equal "$(ls -A |
		    grep -vxE 'b|old|new|p|err|sleeper.pid|faults.log|bin')" ""
	done
	# Documented: nothing can clean up after SIGKILL.
	k=$((RANDOM % CHUNKS))
	start "$k" tmpfile:EOPNOTSUPP:1
	wait_bytes "$((k * CHUNK))"
	kill -s KILL "$ZPID"
	finish
	cmp b old
	left=$(find . -maxdepth 1 -name '.zcp-*')
	[ -n "$left" ] || fail "no hidden name left"
	assert_equal "$(stat -c %s "$left")" $((k * CHUNK))
}

@test "signals: a signal racing the end of the copy leaves the old file or the whole new one" {
	local sig k old_seen=0 new_seen=0 window=0
	for sig in INT TERM HUP KILL; do
		for _ in $(seq "$POINTS"); do
			k=$((RANDOM % CHUNKS))
			start "$k" ""
			wait_bytes "$((k * CHUNK))"
			release
			sleep "0.0$((RANDOM % 10))"
			kill -s "$sig" "$ZPID" 2>/dev/null || true
			finish
			whole_or_old
			if cmp -s b new; then new_seen=$((new_seen + 1)); else old_seen=$((old_seen + 1)); fi
			[ "$sig" != KILL ] || ! kill_window || window=$((window + 1))
			no_temp
		done
	done
	echo "# race: old $old_seen times, new $new_seen times, SIGKILL between link and rename $window times" >&3
}

@test "signals: SIGKILL between the hidden link and the rename over the old file: old file, and the whole new one under the hidden name" {
	cp old b
	# The shim stops zcp just before its rename: the finished copy is
	# linked to its hidden name, b is still the old file.
	stopped_at_rename
	kill -s KILL "$ZPID"
	finish
	assert_equal "$ZST" 137
	kill_window || fail "no hidden name left"
	no_temp
	# Continued instead of killed, the same run publishes the whole file.
	cp old b
	stopped_at_rename
	kill -s CONT "$ZPID"
	finish
	assert_equal "$ZST" 0
	cmp b new
	no_temp
}

@test "signals: without a signal the same slow copy publishes the whole file" {
	start 10 ""
	wait_bytes $((10 * CHUNK))
	cmp b old
	release
	finish
	assert_equal "$ZST" 0
	cmp b new
	no_temp
}

@test "signals: SIGINT stops a copy of several files: those done are whole, the one copying is not there, the rest not started" {
	mkdata f1 100000
	mkdata f3 100000
	mkdir d
	mkfifo slow
	{ head -c 100000 new; sleep 60 & echo $! > sleeper.pid; wait; } > slow &
	env --default-signal=INT,TERM,HUP "$ZCP" --atomic f1 slow f3 d 2> err &
	ZPID=$!
	while [ ! -s sleeper.pid ]; do sleep 0.01; done
	wait_bytes 100000
	kill -s INT "$ZPID"
	finish
	assert_equal "$ZST" 130
	cmp f1 d/f1
	assert_file_not_exist d/slow
	assert_file_not_exist d/f3
	assert_equal "$(find d -name '.zcp-*')" ""
	assert_file_empty err
}

@test "closed ends: a reader that leaves early ends zcp by SIGPIPE, silently, also with --atomic --sync" {
	run bash -c '"$ZCP" --atomic --sync new - 2> err | head -c 1 > /dev/null; echo "${PIPESTATUS[0]}"'
	assert_output 141
	assert_file_empty err
}

@test "closed ends: stdout closed, stdin closed: cp-style errors, exit 1, no file made" {
	run bash -c '"$ZCP" new - >&-'
	assert_failure 1
	assert_output "zcp: error writing '-': Bad file descriptor"
	run bash -c '"$ZCP" --atomic - out <&-'
	assert_failure 1
	assert_output "zcp: error reading '-': Bad file descriptor"
	assert_file_not_exist out
	# -v with stdout closed: the copy is made, the failed report is an error.
	run bash -c '"$ZCP" -v --atomic new out >&-'
	assert_failure 1
	assert_output "zcp: write error: Bad file descriptor"
	cmp new out
}

@test "closed ends: a terminal hang-up stops zcp by SIGHUP, the old file intact, nothing left" {
	command -v script >/dev/null || skip "script (util-linux) not installed"
	cp old b
	mkfifo p
	{ head -c $((3 * CHUNK)) new; sleep 60 & echo $! > sleeper.pid; wait; } > p 2>/dev/null &
	# zcp is the session leader of a new terminal; killing script
	# closes the terminal's master side: the kernel hangs it up.  env
	# gives zcp SIGHUP at its default, which nohup bats ... would
	# otherwise leave ignored, and zcp keeps an ignored signal ignored.
	script -qec "exec env --default-signal=INT,TERM,HUP \"$ZCP\" --atomic - b < p" \
	    /dev/null < /dev/null > /dev/null 2>&1 &
	spid=$!
	for _ in $(seq 1000); do
		ZPID=$(pgrep -P "$spid" -x zcp || true)
		[ -n "$ZPID" ] && break
		sleep 0.01
	done
	[ -n "$ZPID" ] || fail "zcp did not start under script"
	wait_bytes $((3 * CHUNK))
	kill -s KILL "$spid"
	for _ in $(seq 500); do
		[ -d "/proc/$ZPID" ] || break
		sleep 0.01
	done
	[ ! -d "/proc/$ZPID" ] || fail "zcp still running after the hang-up"
	release
	wait || true
	cmp b old
	no_temp
}

# ---------------------------------------------------------------------
# A stop request, as found by trying to break zcp.

# zcp runs as "sh -c 'echo $$ > zpid; exec zcp ...'" so that zpid is its
# pid; SIGTERM, since a background job without job control ignores
# SIGINT (set -m where SIGINT is wanted).
@test "stop: bytes already read from stdin are still written: nothing taken is lost" {
	local m
	mkdata big $((30 * 1048576))
	# With --stats, SIGTERM is a stop request (without it zcp dies as
	# cat does).
	for m in auto readwrite; do
		{ sh -c 'echo $$ > zpid; exec "$0" --stats --method='$m' - -' \
		    "$ZCP" 2>/dev/null || :; cat; } < big |
		    { sleep 2; cat > out.$m; } &
		sleep 1
		kill -TERM "$(cat zpid)"
		wait
		# zcp stopped, cat went on from stdin's offset: all there.
		cmp big out.$m
	done
}

@test "stop: a second stop request still lets the bytes already read be written" {
	local pid state= rc=0
	mkdata src 300000
	# Stopped (SIGSTOP) in its first read; two requests arrive, and it
	# goes on: the read returns 256 KiB, which must still be written.
	env ZCP_FAULT=read:stop:1 ZCP_FAULT_LOG="$BATS_TEST_TMPDIR/faults.log" \
	    LD_PRELOAD="$HELPERS/faultshim.so${LD_PRELOAD:+:$LD_PRELOAD}" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$ZCP" --stats --method=readwrite - dst < src 2> err &
	pid=$!
	for _ in $(seq 1000); do
		state=$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
		[ "$state" = T ] && break
		sleep 0.01
	done
	assert_equal "$state" T
	kill -TERM "$pid"
	kill -HUP "$pid"
	kill -CONT "$pid"
	wait "$pid" || rc=$?
	assert_num "$rc" -ge 128
	assert_equal "$(stat -c %s dst)" 262144
	cmp <(head -c 262144 src) dst
}

@test "stop: --sparse=always stopped after a run of zeros gives the file its size" {
	( head -c 1048576 /dev/zero; sleep 3; head -c 1048576 /dev/urandom ) |
	    sh -c 'echo $$ > zpid; exec "$0" --stats=json --sparse=always - o 2>stats.json' "$ZCP" &
	sleep 1
	kill -TERM "$(cat zpid)"
	wait || true
	[ "$(stat -c %s o)" -eq 1048576 ] || fail "o is $(stat -c %s o) bytes"
	run jq -r '.bytes, .signal' stats.json
	assert_output "$(printf '1048576\nSIGTERM')"
}

@test "stop: --progress with a full stderr still stops on SIGINT" {
	mkfifo errp
	# set -m alone does not give zcp SIGINT back where bats itself was
	# started with it ignored (nohup bats ... &): env does, and zcp
	# keeps an ignored signal ignored.
	set -m
	# A reader of stderr that never reads: 64 KiB fill the pipe.
	( exec 3< errp; sleep 30 ) & local reader=$!
	head -c 65536 /dev/zero > errp &
	{ for i in $(seq 40); do head -c 1048576 /dev/zero; sleep 0.1; done; } |
	    sh -c 'echo $$ > zpid; exec env --default-signal=INT "$0" --progress - out 2>errp' "$ZCP" &
	local copier=$!
	sleep 3
	kill -INT "$(cat zpid)"
	for i in $(seq 50); do
		kill -0 "$(cat zpid)" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$(cat zpid)" 2>/dev/null && { kill -KILL "$(cat zpid)"; kill "$reader"; fail "zcp did not stop"; }
	kill "$reader" 2>/dev/null || true
	wait "$copier" || true
	set +m
}

@test "stop: a stop request during a blocking open is not reported as an error" {
	mkdata a 1000
	mkfifo ff
	# SIGINT at its default even if bats inherited it ignored (see above).
	set -m
	sh -c 'echo $$ > zpid; exec env --default-signal=INT "$0" --stats a ff 2>err' "$ZCP" &
	sleep 1
	kill -INT "$(cat zpid)"
	wait || true
	set +m
	run cat err
	refute_output --partial 'Interrupted system call'
	assert_line 'zcp: stats: stopped by SIGINT'
}

# snapshot CMD...: run CMD (a --bwlimit=2M copy of 4 MiB, about 2 s) in
# the background, send it SIGUSR1 after 1 s, and wait; its stderr in err.
snapshot() {
	local rc=0
	"$@" 2> err &
	sleep 1
	kill -USR1 $!
	wait $! || rc=$?
	assert_equal "$rc" 0
}

# The snapshot line of err, checked: bytes between 0 and 4 MiB, method.
assert_snapshot() {
	local line bytes
	line=$(grep -E '^zcp: [0-9]+ bytes \(.*\) copied, [0-9.]+ s, .*/s, ' err)
	assert_equal "$(printf '%s\n' "$line" | wc -l)" 1
	assert_regex "$line" ", $1, [0-9]+ calls\$"
	bytes=${line#zcp: }
	bytes=${bytes%% *}
	assert_num "$bytes" -gt 0
	assert_num "$bytes" -lt 4194304
}

@test "SIGUSR1: a copy prints the stats so far, as dd, and goes on to the end" {
	mkdata src 4M
	snapshot "$ZCP" --bwlimit=2M src dst
	assert_snapshot copy_file_range
	cmp src dst
	# Through pipes, and with --stats, which reports the whole at the end.
	mkfifo in outp
	cat src > in &
	cat outp > out &
	# exec: the pid signalled is zcp's, its stdin the FIFO (a background
	# job's own stdin would be /dev/null).
	snapshot bash -c 'exec "$0" --bwlimit=2M --stats - - < in > outp' \
	    "$ZCP"
	wait
	assert_snapshot splice
	grep -q '^zcp: stats: 1 of 1 file copied, 4.0 MiB (4194304 bytes)' err
	cmp src out
}

@test "SIGUSR1: with -j2, the snapshot counts the bytes of every worker" {
	local f i=0 line bytes
	mkdir src
	for f in a b c d e; do : > "src/$f"; done
	# In the walk's (inode) order: the first file, which the walk copies
	# itself, small; then four of 2 MiB, two at a time at 1 MiB/s each.
	for f in $(ls -U -i src | sort -n | awk '{print $2}'); do
		i=$((i + 1))
		if [ $i -eq 1 ]; then printf 'x\n' > "src/$f"; else mkdata "src/$f" 2M; fi
	done
	"$ZCP" -r -j2 --bwlimit=1M src dst 2> err &
	sleep 3
	kill -USR1 $!
	wait $!
	line=$(grep -E '^zcp: [0-9]+ bytes \(.*\) copied, ' err)
	bytes=${line#zcp: }
	bytes=${bytes%% *}
	# After 3 s both workers have copied a file (2 MiB each): one
	# worker's count alone would be 2 MiB and what it has in flight.
	assert_num "$bytes" -ge 4194304
	diff -r src dst
}

@test "SIGUSR1: with --progress into a log, the snapshot is a line of its own" {
	mkdata src 4M
	snapshot "$ZCP" --bwlimit=2M --progress src dst
	assert_snapshot copy_file_range
	cmp src dst
}
