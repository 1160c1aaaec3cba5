#!/usr/bin/env bats
# --progress: the meter as a person sees it in a real terminal (tmux), as
# a log sees it off one, and the bounded calls behind it, which must not
# change what is copied or how (sparse extents, reflinks, the 0 rule).

setup() {
	load common
	cd "$BATS_TEST_TMPDIR"
	TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.sock
}
teardown() {
	cd "$BATS_TEST_TMPDIR" || true
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true
	loopfs_cleanup
}

need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || skip "$t not installed"
	done
}

# A slow consumer or producer: pv -L moves 2 MiB a second at most.
SLOW="pv -q -L 2m"

# run_in_tmux CMD: CMD in a fresh 100x12 terminal, then "done-STATUS".
run_in_tmux() {
	tmux -S "$TMUX_SOCK" new-session -d -x 100 -y 12 \
	    "cd '$BATS_TEST_TMPDIR' && { $1; }; echo done-\$?; sleep 600"
}

# pane_wait REGEX: capture the pane until a line matches (30 s at most);
# PANE holds the last capture.
pane_wait() {
	local i
	for i in $(seq 1 300); do
		PANE=$(tmux -S "$TMUX_SOCK" capture-pane -p 2>/dev/null) || true
		grep -qE -- "$1" <<<"$PANE" && return 0
		sleep 0.1
	done
	fail "never saw /$1/ in the terminal; it shows:
$PANE"
}

# Sizes and rates as the meter prints them (humanize_number, IEC units).
B='[0-9.]+ ([KMGT]i)?B'

@test "progress: in a terminal, one line redrawn in place: bytes / total, %, rate, ETA, method; cleared at exit" {
	need tmux pv
	mkdata big 8M
	run_in_tmux "'$ZCP' --progress big - | $SLOW > out"
	pane_wait "^zcp: "
	pane_wait "^zcp: $B / 8\.0 MiB +[0-9]+%  $B/s  ETA [0-9]+:[0-9]{2}  splice\$"
	# Redrawn in place: one line, however many times it was drawn.
	assert_equal "$(grep -c 'zcp:' <<<"$PANE")" 1
	assert_equal "$(grep -n 'zcp:' <<<"$PANE" | cut -d: -f1)" 1
	pane_wait "^done-"
	# Cleared: the shell's next line took its place, nothing is left.
	assert_equal "$(head -n 1 <<<"$PANE")" "done-0"
	[ "$(grep -c 'zcp' <<<"$PANE")" -eq 0 ] || fail "left on screen: $PANE"
	cmp big out
}

@test "progress: a pipe of unknown size: bytes and rate, no total, percent or ETA" {
	need tmux pv
	mkdata big 6M
	run_in_tmux "$SLOW big | '$ZCP' --progress - out"
	pane_wait "^zcp: "
	pane_wait "^zcp: $B  $B/s  splice\$"
	[ "$(grep -c '%\|ETA' <<<"$PANE")" -eq 0 ] || fail "a total shown: $PANE"
	pane_wait "^done-0\$"
	[ "$(grep -c 'zcp' <<<"$PANE")" -eq 0 ] || fail "left on screen: $PANE"
	cmp big out
}

# ten_files: tree/sub/f1 to f10, of 50 000 to 500 000 bytes (2 750 000).
ten_files() {
	local i
	mkdir tree tree/sub
	for i in $(seq 1 10); do
		mkdata tree/sub/f$i $((i * 50000))
	done
}

@test "progress: -r of a tree: the total from a pre-walk, and which file of how many" {
	need tmux strace
	ten_files
	ln -s sub/f1 tree/link
	mkfifo tree/fifo
	# 2 750 000 bytes in 10 files; a link and a FIFO (recreated by -r)
	# hold none.  strace slows each copy_file_range by 0.3 s.
	run_in_tmux "strace -f -o /dev/null -e trace=copy_file_range \
	    -e inject=copy_file_range:delay_exit=300000 \
	    '$ZCP' --progress -j1 -r tree copy"
	pane_wait "^zcp: "
	pane_wait "^zcp: $B / 2\.6 MiB +[0-9]+%  $B/s  ETA [0-9]+:[0-9]{2}  copy_file_range  file ([1-9]|10)/10\$"
	pane_wait "^done-0\$"
	[ "$(grep -c 'zcp' <<<"$PANE")" -eq 0 ] || fail "left on screen: $PANE"
	diff -r tree/sub copy/sub
	assert_fifo_exists copy/fifo
	assert_link_exists copy/link
}

@test "progress: -j3 of a tree: the bytes and files of all workers, and how many files are in flight" {
	need tmux strace
	ten_files
	# Each copy_file_range held 0.5 s: three workers are in one at once.
	run_in_tmux "strace -f -o /dev/null -e trace=copy_file_range \
	    -e inject=copy_file_range:delay_exit=500000 \
	    '$ZCP' --progress -j3 -r tree copy"
	pane_wait "^zcp: $B / 2\.6 MiB +[0-9]+%  $B/s  ETA [0-9]+:[0-9]{2}  copy_file_range  file ([1-9]|10)/10, [23] at once\$"
	pane_wait "^done-0\$"
	[ "$(grep -c 'zcp' <<<"$PANE")" -eq 0 ] || fail "left on screen: $PANE"
	diff -r tree/sub copy/sub
}

@test "progress: with --stats, the meter goes before the report" {
	need tmux pv
	mkdata big 6M
	run_in_tmux "'$ZCP' --progress --stats big - | $SLOW > out"
	pane_wait "^zcp: $B / 6\.0 MiB"
	pane_wait "^done-0\$"
	head -n 1 <<<"$PANE" | grep -qE '^zcp: stats: 1 of 1 file copied, 6\.0 MiB \(6291456 bytes\) in ' ||
		fail "the report is not first: $PANE"
	grep -q '^zcp: stats: method splice: 1 pair, 6.0 MiB (6291456 bytes), [0-9]* calls$' <<<"$PANE" ||
		fail "no splice line in the report: $PANE"
	[ "$(grep -c '^zcp: [^s]' <<<"$PANE")" -eq 0 ] || fail "meter left: $PANE"
}

@test "progress: off a terminal, plain lines every few seconds, no control characters" {
	need pv
	mkdata big 8M
	# 8 MiB at 2 MiB/s, less the 1 MiB the pipe holds: over 3 s.
	"$ZCP" --progress big - 2> err | $SLOW > out
	cmp big out
	[ -s err ] || fail "no progress line in over 3 seconds"
	! grep -q $'[\r\033]' err || fail "control characters: $(cat -A err)"
	while IFS= read -r l; do
		[[ $l =~ ^zcp:\ $B\ /\ 8\.0\ MiB\ +[0-9]+%\ \ $B/s\ \ ETA\ [0-9]+:[0-9]{2}\ \ splice$ ]] ||
			fail "not a meter line: '$l'"
	done < err
}

@test "progress: bounded calls: 16 MiB a copy_file_range, as strace counts; without it, one call" {
	need strace jq
	mkdata big 40M
	strace -f -c -o sc.txt -e trace=copy_file_range -P "$PWD/big" -P "$PWD/c1" \
	    "$ZCP" --progress --stats=json big c1 2> stats.json
	cmp big c1
	# 16 + 16 + 8 MiB, then the 0 at the end.
	assert_equal "$(jq -r .methods.copy_file_range.calls stats.json)" 4
	assert_equal "$(awk '$NF == "copy_file_range" { print $4 }' sc.txt)" 4
	"$ZCP" --stats=json big c2 2> stats.json
	cmp big c2
	assert_equal "$(jq -r .methods.copy_file_range.calls stats.json)" 2
}

@test "progress: off, it costs no system call; on, a terminal check, signal handlers, the pre-walk" {
	need strace
	mkdata big 1M
	# The four stop signals at their default, as stats.bats's like test
	# has them: zcp sets no handler for one it finds ignored (nohup).
	env --default-signal=INT,TERM,HUP,PIPE \
	    strace -f -c -o plain.txt "$ZCP" big c1
	env --default-signal=INT,TERM,HUP,PIPE \
	    strace -f -c -o prog.txt "$ZCP" --progress big c2 2>/dev/null
	cmp big c1
	cmp big c2
	sc() { awk -v s="$2" '$NF == s { n = $4 } END { print n + 0 }' "$1"; }
	local c
	# Whether stderr is a terminal (ioctl TCGETS); SIGINT, SIGTERM,
	# SIGHUP and SIGPIPE, each asked whether ignored, then set; the
	# pre-walk's stat
	# of the source; a meter line (write) only if the machine is very slow.
	for c in $(awk '$NF ~ /^[a-z_0-9]+$/ && $NF != "total" && $NF != "syscall" { print $NF }' plain.txt prog.txt | sort -u); do
		case $c in
		ioctl | newfstatat) want=1 ;; rt_sigaction) want=8 ;;
		# Memory: the meter's allocation (ASan's allocator maps more).
		write | mmap | munmap | brk | mprotect | madvise) continue ;;
		*) want=0 ;;
		esac
		[ $(($(sc prog.txt $c) - $(sc plain.txt $c))) -eq $want ] ||
			fail "$c: $(sc plain.txt $c) calls plain, $(sc prog.txt $c) with --progress"
	done
}

@test "progress: a sparse source keeps its holes, copied extent by extent" {
	mkdata chunk 1M
	truncate -s 64M sparse
	dd if=chunk of=sparse bs=1M seek=0 conv=notrunc status=none
	dd if=chunk of=sparse bs=1M seek=40 conv=notrunc status=none
	run zcp --progress --stats=json sparse copy
	assert_success
	cmp sparse copy
	[ "$(stat -c %b copy)" -lt $((8 * 1024 * 1024 / 512)) ] ||
		fail "holes lost: $(stat -c %b copy) blocks"
	assert_equal "$(jq -r .bytes <<<"$output")" $((2 * 1048576))
}

@test "progress: a reflink is still one FICLONE for the whole file" {
	need jq
	loopfs xfs 512M mnt
	mkdata mnt/src 40M
	run zcp --progress --stats=json mnt/src mnt/dst
	assert_success
	cmp mnt/src mnt/dst
	assert_equal "$(jq -r '.methods.reflink | "\(.calls) \(.bytes)"' <<<"$output")" \
	    "1 $((40 * 1048576))"
	assert_equal "$(jq -r '.methods | keys | join(" ")' <<<"$output")" reflink
}

@test "progress: a 0 at the very start still means the next method, not the end" {
	need jq
	mkdata big 20M
	with_faults copy_file_range:zero:1 "$ZCP" --progress --stats=json big c 2> stats.json
	cmp big c
	assert_equal "$(jq -r '.fallbacks[] | select(.method == "copy_file_range") | .to' stats.json)" sendfile
	# sendfile asked 16 MiB at a time too: 16 + 4 MiB and the 0.
	assert_equal "$(jq -r .methods.sendfile.calls stats.json)" 3
}

@test "progress: the total is what moves: a sparse file into a pipe sends its holes as zeros" {
	need pv
	truncate -s 8M sp
	head -c 1M /dev/urandom | dd of=sp bs=1M seek=3 conv=notrunc status=none
	"$ZCP" --progress sp - 2> err | $SLOW > out
	cmp sp out
	[ -s err ] || fail "no progress line"
	# 8 MiB move (holes as zeros), not the 1 MiB of data.
	grep -qE "^zcp: $B / 8\.0 MiB " err || fail "wrong total: $(cat err)"
}

@test "progress: the total is what moves: a sparse stdin into a file moves its data only" {
	need strace
	truncate -s 64M sp
	head -c 1M /dev/urandom | dd of=sp bs=1M seek=3 conv=notrunc status=none
	# strace slows each data call so that a line is printed.
	strace -f -o /dev/null -e trace=copy_file_range \
	    -e inject=copy_file_range:delay_exit=2500000 \
	    "$ZCP" --progress - out < sp 2> err
	cmp sp out
	[ -s err ] || fail "no progress line"
	grep -qE "^zcp: $B / 1\.0 MiB " err || fail "wrong total: $(cat err)"
}

@test "progress: an error message starts on a line of its own, not after the meter" {
	need tmux pv
	mkdata big 8M
	# 8 MiB onto a 1 MiB tmpfs: ENOSPC once the meter shows.
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a tmpfs"
	mkdir small
	mount -t tmpfs -o size=1m zcp-progress small || skip "cannot mount a tmpfs"
	echo "$PWD/small" >> "$BATS_TEST_TMPDIR/.mounts"
	run_in_tmux "$SLOW big | '$ZCP' --progress - small/out"
	pane_wait "^done-"
	grep -q "^zcp: error writing 'small/out': No space left on device" <<<"$PANE" ||
		fail "the message is not at the start of a line: $PANE"
}

@test "progress: a SIGUSR1 snapshot is printed above the meter, on a line of its own" {
	need tmux
	mkdata big 4M
	run_in_tmux "'$ZCP' --progress --bwlimit=2M big out & sleep 1; kill -USR1 \$!; wait \$!"
	pane_wait "^done-"
	grep -qE '^zcp: [0-9]+ bytes \(.*\) copied, [0-9.]+ s, .*/s, copy_file_range, [0-9]+ calls$' <<<"$PANE" ||
		fail "no snapshot line of its own: $PANE"
	assert_regex "$PANE" 'done-0'
	cmp big out
}
