#!/usr/bin/env bats
# The rules the engine never breaks (design.md, "Rules the engine never
# breaks"), one or more tests each.  Faults come from strace's syscall
# injection (-e inject=CALL:error=ERRNO:when=N), which needs nothing built;
# the brief's fault-shim form is used where the shim exists.

setup() { load common; cd "$BATS_TEST_TMPDIR"; }
teardown() { loopfs_cleanup; }

MB=1048576
SPARSE_SIZE=$((64 * MB))

# mksparse FILE: 64 MiB with four 64 KiB data extents, beginning and
# ending with a hole.
mksparse() {
	local at

	truncate -s $SPARSE_SIZE "$1"
	for at in 1 10 30 50; do
		head -c 65536 /dev/urandom |
			dd of="$1" bs=64K seek=$((at * 16)) conv=notrunc status=none
	done
}

# allocated FILE: bytes of disk it uses.
allocated() { echo $(($(stat -c '%b * %B' "$1"))); }

# assert_sparse_copy SRC DST: same bytes, same size, holes kept.  Each
# check returns by itself: called as "assert_sparse_copy ... || ...",
# set -e would not stop at a failed one.
assert_sparse_copy() {
	cmp "$1" "$2" || return 1
	[ "$(stat -c %s "$2")" -eq "$(stat -c %s "$1")" ] || {
		echo "$2: $(stat -c %s "$2") bytes, not $(stat -c %s "$1")" >&2
		return 1
	}
	# 256 KiB of data; a copy that wrote the holes would use 64 MiB.
	[ "$(allocated "$2")" -lt $((4 * MB)) ] || {
		echo "$2 uses $(allocated "$2") bytes: holes were filled" >&2
		return 1
	}
}

# zcp_inject SPEC ZCP-ARGS...: zcp under strace with SPEC injected
# (strace's -e inject syntax); the calls are logged to sys.
zcp_inject() {
	local spec=$1
	shift
	strace -qq -o sys -e trace="${spec%%:*}" -e inject="$spec" "$ZCP" "$@"
}

# ---------------------------------------------------------------------
# Offsets: use and advance the descriptor's own offset.

@test "offsets: { printf A; zcp f -; printf B; } > out gives A, f, B in order, by every method" {
	mkdata f 300000
	for m in auto copy_file_range sendfile splice readwrite; do
		{ printf A; zcp --method=$m f -; printf B; } > out
		{ printf A; cat f; printf B; } | cmp - out ||
			{ echo "--method=$m broke the order" >&2; return 1; }
	done
}

@test "offsets: stdin partly consumed: zcp - out copies the rest, by every method" {
	mkdata f 300000
	tail -c +101 f > rest
	for m in auto copy_file_range sendfile splice readwrite; do
		rm -f out
		{ dd bs=100 count=1 of=/dev/null status=none; zcp --trace --method=$m - out 2>err; } < f
		cmp rest out || { echo "--method=$m ignored stdin's offset" >&2; return 1; }
	done
	# The auto chain does not clone what it should only partly copy.
	rm -f out
	{ dd bs=100 count=1 of=/dev/null status=none; zcp --trace - out 2>err; } < f
	cmp rest out
	grep -q "^zcp: trace: reflink: skipped: .*not at offset 0" err
}

@test "offsets: stdin advanced: what zcp leaves of stdin is past what it copied" {
	mkdata f 300000
	# zcp reads to EOF, so a reader after it finds nothing left.
	{ zcp - out; cat > after; } < f
	cmp f out
	assert_file_empty after
}

@test "offsets: zcp f - >> existing appends, by auto and readwrite" {
	mkdata f 300000
	for m in auto readwrite; do
		echo old > log
		zcp --method=$m f - >> log
		{ echo old; cat f; } | cmp - log ||
			{ echo "--method=$m did not append" >&2; return 1; }
	done
}

@test "offsets: O_APPEND: the auto chain falls back past copy_file_range (EBADF) and sendfile (EINVAL)" {
	mkdata f 300000
	echo old > log
	zcp --trace f - >> log 2>err
	{ echo old; cat f; } | cmp - log
	grep -q "^zcp: trace: copy_file_range: EBADF .*falling back to sendfile" err
	grep -q "^zcp: trace: sendfile: EINVAL .*falling back to readwrite" err
	grep -q "^zcp: trace: readwrite: 300000 bytes in [0-9]* calls, done" err
}

@test "offsets: O_APPEND: a forced method copies everything or says it cannot" {
	mkdata f 300000
	for m in copy_file_range sendfile splice readwrite; do
		echo old > log
		if zcp --method=$m f - >> log 2>err; then
			{ echo old; cat f; } | cmp - log ||
				{ echo "--method=$m succeeded with wrong bytes" >&2; return 1; }
		else
			grep -qE "^zcp: cannot copy 'f' to '-' with --method=$m( after [0-9]+ bytes)?: " err ||
				{ echo "--method=$m: no message" >&2; cat err >&2; return 1; }
			# Whatever it moved went after what was there.
			assert_equal "$(head -n 1 log)" old
		fi
	done
}

@test "offsets: a sparse source keeps its holes behind what stdout already holds" {
	mksparse sp
	{ printf A; zcp --trace sp - 2>err; printf B; } > out
	{ printf A; cat sp; printf B; } | cmp - out
	grep -q "^zcp: trace: sparse: 4 data extents" err
	assert_num "$(allocated out)" -lt $((4 * MB))
}

@test "offsets: a sparse source appended with >> is copied whole, in order" {
	mksparse sp
	echo old > log
	zcp sp - >> log
	{ echo old; cat sp; } | cmp - log
}

@test "offsets: a sparse source appended with >> to an empty file is copied whole" {
	mksparse sp
	: > log
	zcp sp - >> log
	cmp sp log
}

# zeros_src FILE: data, 256 KiB of zeros, data, then 512 KiB of zeros.
zeros_src() {
	{ head -c 100000 /dev/urandom; head -c 262144 /dev/zero
	  head -c 1000 /dev/urandom; head -c 524288 /dev/zero; } > "$1"
}

@test "sparse=always: onto stdout that holds old bytes, zeros read back as zeros" {
	zeros_src src
	head -c $((2 * MB)) /dev/urandom > old
	cp old out
	zcp --sparse=always src - 1<>out
	# The copy, then the old bytes past it; nothing shorter.
	cmp -n "$(stat -c %s src)" src out
	cmp -i "$(stat -c %s src)" old out
	assert_equal "$(stat -c %s out)" $((2 * MB))
	# The zeros are holes punched in the old data, not written.
	assert_num "$(allocated out)" -lt $((2 * MB - 512 * 1024))
}

@test "sparse=always: where holes cannot be punched, the zeros are written" {
	zeros_src src
	head -c $((2 * MB)) /dev/urandom > old
	cp old out
	with_faults fallocate:EOPNOTSUPP:1:0 "$ZCP" --sparse=always src - 1<>out
	grep -q '^fallocate EOPNOTSUPP' "$FAULT_LOG"
	cmp -n "$(stat -c %s src)" src out
	cmp -i "$(stat -c %s src)" old out
}

@test "sparse=always: onto shorter old bytes, the file ends where the copy does" {
	zeros_src src
	head -c 50000 /dev/urandom > out
	zcp --sparse=always src - 1<>out
	cmp src out
	assert_num "$(allocated out)" -lt 512000
}

@test "offsets: a sparse stdin partly consumed is copied from where it stands" {
	mksparse sp
	tail -c +$((12 * MB + 1)) sp > rest
	{ dd bs=1M count=12 of=/dev/null status=none; zcp --trace - out 2>err; } < sp
	cmp rest out
	grep -q "^zcp: trace: sparse: 2 data extents" err
	assert_num "$(allocated out)" -lt $((4 * MB))
}

# ---------------------------------------------------------------------
# A 0 at the very start of a source is not EOF; never trust st_size.

@test "0 at the start: /proc and /sys files (st_size 0 or 4096) copy like cat, to a file and to a pipe" {
	local p
	for p in /proc/version /proc/self/limits /proc/self/mounts /proc/filesystems \
	    /proc/sys/kernel/ostype /sys/kernel/mm/transparent_hugepage/enabled \
	    /sys/devices/system/cpu/online; do
		[ -r "$p" ] || continue
		cat "$p" > want
		assert_file_not_empty want
		zcp "$p" out
		cmp want out || { echo "$p -> file differs from cat" >&2; return 1; }
		# out has the source's mode: read-only for /proc/version.
		rm -f out
		zcp "$p" - | cat > out
		cmp want out || { echo "$p -> pipe differs from cat" >&2; return 1; }
	done
}

@test "0 at the start: /proc/self/limits falls back to read/write, and the trace says how" {
	cat /proc/self/limits > want
	zcp --trace /proc/self/limits out 2>err
	cmp want out
	grep -q "^zcp: trace: copy_file_range: EXDEV .*falling back to sendfile" err
	grep -q "^zcp: trace: sendfile: EINVAL .*falling back to readwrite" err
	grep -q "^zcp: trace: readwrite: $(wc -c < want) bytes in [0-9]* calls, done" err

	rm -f out   # read-only, as /proc/self/limits is
	zcp --trace /proc/self/limits - 2>err | cat > out
	cmp want out
	grep -q "^zcp: trace: splice: EINVAL .*falling back to sendfile" err
	grep -q "^zcp: trace: readwrite: $(wc -c < want) bytes in [0-9]* calls, done" err
}

@test "0 at the start: a method that returns 0 at once on a non-empty file is not EOF" {
	mkdata f 300000
	zcp_inject copy_file_range:retval=0:when=1 --trace f out 2> err
	cmp f out
	grep -q "^zcp: trace: copy_file_range: returned 0 at the start .*falling back to sendfile" err
	grep -q "^zcp: trace: sendfile: 300000 bytes in [0-9]* calls, done" err
}

@test "0 at the start: procfs (st_size 0) with splice returning 0 at once falls back too" {
	cat /proc/version > want
	zcp_inject splice:retval=0:when=1 --trace /proc/version - 2> err | cat > out
	cmp want out
	grep -q "^zcp: trace: splice: returned 0 at the start .*falling back to sendfile" err
}

@test "0 at the start: an empty file is just empty (0 is EOF there)" {
	: > empty
	zcp_inject copy_file_range:retval=0:when=1 --trace empty out 2> err
	assert_exists out
	assert_file_empty out
	grep -q "^zcp: trace: copy_file_range: 0 bytes in 1 call, done" err
	if grep -q "falling back to sendfile" err; then return 1; fi
}

# ---------------------------------------------------------------------
# Fallback is safe.

@test "fallback: every 'unsupported' errno before any byte moved means: try the next method" {
	local e
	mkdata f 300000
	for e in ENOSYS ENOTTY EOPNOTSUPP EINVAL EBADF EXDEV ETXTBSY EPERM EACCES ENOENT; do
		rm -f out
		zcp_inject copy_file_range:error=$e:when=1 --trace f out 2> err ||
			{ echo "$e: zcp failed" >&2; cat err >&2; return 1; }
		cmp f out
		grep -q "^zcp: trace: copy_file_range: $e .*falling back to sendfile" err ||
			{ echo "$e: no fallback in the trace" >&2; cat err >&2; return 1; }
	done
}

@test "fallback: EIO, ENOSPC, EDQUOT, ENOMEM are real errors, not 'unsupported'" {
	local e
	mkdata f 300000
	for e in EIO ENOSPC EDQUOT ENOMEM; do
		rm -f out
		run zcp_inject copy_file_range:error=$e:when=1 --trace f out
		[ "$status" -eq 1 ] || { echo "$e: status $status" >&2; return 1; }
		assert_output --regexp "zcp: trace: copy_file_range: .*$e .*giving up"
		assert_output --regexp "zcp: error (writing 'out'|copying 'f' to 'out'): "
		refute_output --regexp "trace: (sendfile|readwrite):"
	done
}

@test "fallback: EIO from FICLONE is a real error, not 'unsupported' (coreutils 9.2)" {
	mkdata f 300000
	run zcp_inject ioctl:error=EIO:when=1 --trace f out
	assert_failure 1
	assert_output --regexp "zcp: trace: reflink: .*EIO .*giving up"
	assert_output --regexp "zcp: error (writing 'out'|copying 'f' to 'out'): Input/output error"
	refute_output --regexp "trace: copy_file_range:"
}

@test "fallback: a refusal after bytes moved continues from the byte boundary the fd offsets prove" {
	mkdata f $((3 * MB + 12345))
	zcp_inject splice:error=EINVAL:when=3 --trace f - 2> err | cat > out
	cmp f out
	grep -qE "^zcp: trace: splice: EINVAL .*after [1-9][0-9]* bytes .*falling back to sendfile" err
}

@test "fallback: bytes in the intermediate pipe are drained before the next method runs" {
	mkdata f $((3 * MB + 12345))
	# socket -> file splices through a pipe; refuse the 2nd splice, the
	# one out of the pipe, while the pipe holds what the 1st moved in.
	"$HELPERS/sockrun" -i f -- strace -qq -o sys -e trace=splice \
	    -e inject=splice:error=EINVAL:when=2 "$ZCP" --trace - out 2> err
	cmp f out
	grep -q "INJECTED" sys
	grep -q "^zcp: trace: splice: EINVAL .*falling back to readwrite" err
	grep -q "^zcp: trace: readwrite: .* done" err
}

@test "fallback: a real error after bytes moved stops, with the file named" {
	mkdata f $((3 * MB + 12345))
	run bash -c 'strace -qq -o sys -e trace=splice -e inject=splice:error=EIO:when=3 \
	    "$ZCP" f - | cat > out; exit ${PIPESTATUS[0]}'
	assert_failure 1
	assert_output --regexp "^zcp: error (reading 'f'|copying 'f' to '-'): Input/output error$"
}

# ---------------------------------------------------------------------
# Remember what the kernel said.

@test "probes: a copy_file_range EXDEV is remembered for the device pair across extents" {
	mksparse sp
	zcp_inject copy_file_range:error=EXDEV:when=1 --trace sp out 2> err
	assert_sparse_copy sp out
	grep -q "^zcp: trace: copy_file_range: EXDEV .*remembered for this device pair" err
	assert_equal "$(grep -c "^zcp: trace: copy_file_range: skipped: the kernel said EXDEV for this device pair before" err)" 3
	# Asked once, not once per extent.
	assert_equal "$(grep -c '^copy_file_range(' sys)" 1
}

@test "probes: the fault shim's EXDEV is remembered the same way" {
	[ -e "$HELPERS/faultshim.so" ] || skip "tests/helpers/faultshim.so is not built"
	mksparse sp
	with_faults copy_file_range:EXDEV:1 "$ZCP" --trace sp out 2> err
	assert_sparse_copy sp out
	grep -q "^zcp: trace: copy_file_range: skipped: the kernel said EXDEV for this device pair before" err
}

@test "probes: a real cross-filesystem EXDEV (ext4 image -> here) is remembered" {
	loopfs ext4 32M mnt
	mksparse mnt/sp
	zcp --trace mnt/sp out 2> err
	assert_sparse_copy mnt/sp out
	grep -q "^zcp: trace: copy_file_range: EXDEV .*remembered for this device pair" err
	assert_equal "$(grep -c "^zcp: trace: copy_file_range: skipped: the kernel said EXDEV for this device pair before" err)" 3
}

@test "probes: ENOSYS disables a method for the process" {
	mksparse sp
	zcp_inject copy_file_range:error=ENOSYS:when=1 --trace sp out 2> err
	assert_sparse_copy sp out
	grep -q "^zcp: trace: copy_file_range: ENOSYS .*disabled for this process" err
	assert_equal "$(grep -c "^zcp: trace: copy_file_range: skipped: the kernel said ENOSYS for this process before" err)" 3
	assert_equal "$(grep -c '^copy_file_range(' sys)" 1
}

# ---------------------------------------------------------------------
# Non-blocking descriptors: poll and continue; never fail, never spin.

@test "EAGAIN: setfl itself makes GNU cat fail (the tests below are real)" {
	mkdata f $((2 * MB))
	run bash -c '(sleep 0.3; cat f) | "$HELPERS/setfl" -0 -- cat > out'
	assert_failure
	assert_output --partial "Resource temporarily unavailable"
}

@test "EAGAIN: a non-blocking stdin pipe with a slow producer is waited out, by every method that reads a pipe" {
	mkdata f $((2 * MB))
	for m in auto splice readwrite; do
		rm -f out
		(sleep 0.3; cat f) | "$HELPERS/setfl" -0 -- "$ZCP" --method=$m - out ||
			{ echo "--method=$m failed" >&2; return 1; }
		cmp f out
	done
}

@test "EAGAIN: a non-blocking stdout pipe with a slow consumer is waited out, by every method" {
	mkdata f $((3 * MB))
	for m in auto sendfile splice readwrite; do
		"$HELPERS/setfl" -1 -- "$ZCP" --method=$m f - | (sleep 0.3; cat > out)
		rc=${PIPESTATUS[0]}
		[ "$rc" -eq 0 ] || { echo "--method=$m failed: $rc" >&2; return 1; }
		cmp f out
	done
}

@test "EAGAIN: non-blocking stdin and stdout pipes at once (pipe -> pipe)" {
	mkdata f $((3 * MB))
	(sleep 0.2; cat f) | "$HELPERS/setfl" -0 -1 -- "$ZCP" - - | (sleep 0.3; cat > out)
	assert_equal "${PIPESTATUS[1]}" 0
	cmp f out
}

@test "EAGAIN: waiting is poll, not a spin (few EAGAINs while the producer sleeps)" {
	mkdata f $((2 * MB))
	(sleep 0.5; cat f) | "$HELPERS/setfl" -0 -- strace -qq -o sys \
	    -e trace=splice,read,poll,ppoll "$ZCP" - out
	cmp f out
	grep -q EAGAIN sys		# the test did make zcp wait
	assert_num "$(grep -c EAGAIN sys)" -lt 200
	grep -qE '^p?poll\(' sys
}

@test "EAGAIN: non-blocking sockets (sockrun -n) are waited out" {
	mkdata f $((3 * MB))
	"$HELPERS/sockrun" -n -i f -- "$ZCP" - out
	cmp f out
	"$HELPERS/sockrun" -n -o out2 -- "$ZCP" f -
	cmp f out2
	"$HELPERS/sockrun" -n -t tcp -i f -o out3 -- "$ZCP" --method=readwrite - -
	cmp f out3
}

# ---------------------------------------------------------------------
# EINTR: retry.  Short transfers: loop.

# nth_data_call CALL REGEX ZCP-ARGS...: which CALL (counting from 1) is
# the first that matches REGEX, in a run of zcp ZCP-ARGS with stdout into
# a pipe.  The dynamic loader and option parsing read() too, on the same
# descriptor numbers, and must not be hit.
nth_data_call() {
	local call=$1 re=$2
	shift 2
	strace -qq -o sys0 -e trace="$call" "$ZCP" "$@" | cat > /dev/null
	grep "^$call(" sys0 | grep -nE "$re" | head -n 1 | cut -d: -f1
}

@test "EINTR: every data call is retried" {
	local spec call n
	mkdata f 300000
	for spec in ioctl copy_file_range; do
		rm -f out
		zcp_inject "$spec:error=EINTR:when=1..2" f out
		cmp f out
		assert_equal "$(grep -c INJECTED sys)" 2
	done
	# read: the data reads ask for the whole 256 KiB buffer.
	for spec in 'sendfile:sendfile:.' 'splice:splice:.' \
	    'read:readwrite:, 262144\) +=' 'write:readwrite:^write\(1,'; do
		call=${spec%%:*} m=${spec#*:} m=${m%%:*}
		n=$(nth_data_call "$call" "${spec#*:*:}" "--method=$m" f -)
		[ -n "$n" ] || fail "$spec: no $call call matched"
		zcp_inject "$call:error=EINTR:when=$n..$((n + 1))" "--method=$m" f - | cat > out
		cmp f out || { echo "$spec" >&2; return 1; }
		assert_equal "$(grep -c INJECTED sys)" 2
	done
}

@test "short transfers: a producer that trickles is copied whole" {
	for i in $(seq 1 40); do printf '%04d' "$i"; done > want
	for m in auto splice readwrite; do
		(for i in $(seq 1 40); do printf '%04d' "$i"; sleep 0.01; done) |
			zcp --method=$m - out
		cmp want out || { echo "--method=$m lost bytes" >&2; return 1; }
	done
}

@test "short transfers: a reader that takes little at a time gets everything" {
	mkdata f $((3 * MB))
	for m in auto sendfile splice readwrite; do
		zcp --method=$m f - | dd bs=4096 status=none > out
		cmp f out || { echo "--method=$m lost bytes" >&2; return 1; }
	done
}

@test "sendfile: a 3 GiB file takes several calls of at most 0x7ffff000 bytes" {
	truncate -s 3G big
	run zcp --method=sendfile --trace big /dev/null
	assert_success
	assert_output --regexp "zcp: trace: sendfile: 3221225472 bytes in [0-9]+ calls, done"
	local calls
	calls=$(sed -nE 's/.*sendfile: 3221225472 bytes in ([0-9]+) calls.*/\1/p' <<< "$output")
	assert_num "$calls" -ge 2
}

@test "sendfile: a 3 GiB file through a pipe arrives whole" {
	truncate -s 3G big
	run bash -c '"$ZCP" --method=sendfile big - | wc -c'
	assert_success
	assert_output 3221225472
}

# ---------------------------------------------------------------------
# Same file.

@test "same file: zcp f ./f fails like cp and leaves f alone" {
	mkdata f 300000
	cp f orig
	run zcp f ./f
	assert_failure 1
	assert_output "zcp: 'f' and './f' are the same file"
	cmp f orig
	run zcp f f
	assert_failure 1
	assert_output "zcp: 'f' and 'f' are the same file"
	cmp f orig
}

@test "same file: through a hard link" {
	mkdata f 300000
	cp f orig
	ln f g
	run zcp f g
	assert_failure 1
	assert_output "zcp: 'f' and 'g' are the same file"
	cmp f orig
}

@test "same file: zcp f - >> f fails like cat instead of growing forever" {
	mkdata f 300000
	cp f orig
	# ulimit: if the check were gone, f would grow until the disk is full.
	run bash -c 'ulimit -f 16384; timeout 10 "$ZCP" f - >> f'
	assert_failure 1
	assert_output "zcp: f: input file is output file"
	cmp f orig
}

@test "same file: zcp - f < f and zcp - - < f >> f fail, f unchanged" {
	mkdata f 300000
	cp f orig
	run bash -c 'timeout 10 "$ZCP" - f < f'
	assert_failure 1
	assert_output "zcp: '-' and 'f' are the same file"
	cmp f orig
	run bash -c 'ulimit -f 16384; timeout 10 "$ZCP" - - < f >> f'
	assert_failure 1
	assert_output "zcp: -: input file is output file"
	cmp f orig
}

# ---------------------------------------------------------------------
# "-" with -i and --attributes-only.

@test "-i with - as the source: the answer comes from the terminal, never from the data" {
	command -v tmux >/dev/null || skip "tmux not installed"
	local sock=$BATS_TEST_TMPDIR/tmux.sock pane i
	{ echo y; seq 100000; } > data
	echo old > out
	tmux -S "$sock" new-session -d -x 100 -y 12 \
	    "cd '$BATS_TEST_TMPDIR' && cat data | '$ZCP' -i - out; echo done-\$?; sleep 600"
	for i in $(seq 1 300); do
		pane=$(tmux -S "$sock" capture-pane -p) || true
		grep -q "overwrite 'out'?" <<<"$pane" && break
		sleep 0.1
	done
	tmux -S "$sock" send-keys y Enter
	for i in $(seq 1 300); do
		pane=$(tmux -S "$sock" capture-pane -p) || true
		grep -q 'done-' <<<"$pane" && break
		sleep 0.1
	done
	tmux -S "$sock" kill-server
	grep -q 'done-0' <<<"$pane" || fail "zcp did not succeed: $pane"
	# Every byte of the data, its "y" line included.
	cmp data out
}

@test "-i with - as the source and no terminal: refused, the destination untouched" {
	command -v setsid >/dev/null || skip "setsid not installed"
	{ echo y; seq 100000; } > data
	echo old > out
	run setsid -w "$ZCP" -i - out < data
	assert_failure 1
	assert_line --index 0 --regexp "^zcp: overwrite 'out'\\? ?$"
	assert_line --index 1 --regexp "^zcp: cannot ask before overwriting 'out': standard input is the data, and /dev/tty cannot be read: "
	assert_equal "$(cat out)" old
	# A new destination needs no answer.
	run setsid -w "$ZCP" -i - new < data
	assert_success
	cmp data new
}

@test "-: a write-only stdin is refused before the destination is touched" {
	echo precious > out
	: > w
	run bash -c '"$ZCP" - out 0>>w'
	assert_failure 1
	assert_output "zcp: error reading '-': Bad file descriptor"
	assert_equal "$(cat out)" precious
	run bash -c '"$ZCP" out - 1<out'
	assert_failure 1
	assert_output "zcp: error writing '-': Bad file descriptor"
}

@test "-p with - as the source: what stdin is gives the attributes, as cp -p /dev/stdin" {
	echo data > a
	chmod 0640 a
	touch -d 2001-01-01 a
	zcp -p - z < a
	cp -p /dev/stdin c < a
	assert_equal "$(stat -c '%a %Y %U:%G' z)" "$(stat -c '%a %Y %U:%G' c)"
	assert_equal "$(stat -c '%Y' z)" "$(stat -c '%Y' a)"
	# Without -p, a new file gets the mode and today's time.
	zcp - n < a
	assert_num "$(stat -c %Y n)" -gt "$(stat -c %Y a)"
}

@test "--attributes-only: with - at either end no data is copied" {
	mkdata data 5000
	echo old > old
	run zcp --attributes-only - new < data
	assert_success
	assert_file_exists new
	assert_file_empty new
	run zcp --attributes-only - old < data
	assert_success
	assert_equal "$(cat old)" old
	zcp --attributes-only data - > out
	assert_file_empty out
	cat data | zcp --attributes-only - - > out2
	assert_file_empty out2
}

@test "same file: stdin already at its end may be 'copied' onto itself (cat's rule)" {
	mkdata f 300000
	cp f orig
	run bash -c '{ cat > /dev/null; "$ZCP" - -; } < f >> f'
	assert_success
	cmp f orig
}

@test "same file: zcp /dev/null /dev/null is the same file, as for cp" {
	run zcp /dev/null /dev/null
	assert_failure 1
	assert_output "zcp: '/dev/null' and '/dev/null' are the same file"
}

# ---------------------------------------------------------------------
# Signals: a closed reader ends zcp the way it ends cat.

@test "SIGPIPE: zcp /dev/zero - | head -c 1M ends promptly, by SIGPIPE, silently" {
	for m in auto sendfile splice readwrite; do
		timeout 10 "$ZCP" --method=$m /dev/zero - 2> err | head -c 1M > out
		rc=${PIPESTATUS[0]}
		[ "$rc" -eq 141 ] || { echo "--method=$m: status $rc" >&2; return 1; }
		[ ! -s err ] || { echo "--method=$m said something:" >&2; cat err >&2; return 1; }
		head -c 1M /dev/zero | cmp - out
	done
}

@test "SIGPIPE: a big file into a reader that leaves early, by every method" {
	mkdata f $((32 * MB))
	for m in auto sendfile splice readwrite; do
		timeout 10 "$ZCP" --method=$m f - 2> err | head -c 1M > out
		rc=${PIPESTATUS[0]}
		[ "$rc" -eq 141 ] || { echo "--method=$m: status $rc" >&2; return 1; }
		assert_file_empty err
		head -c 1M f | cmp - out
	done
}

@test "SIGPIPE: a reader that leaves early, through a socket" {
	run bash -c 'timeout 10 "$HELPERS/sockrun" -o /dev/stdout -- "$ZCP" /dev/zero - |
	    head -c 1M | wc -c; echo "${PIPESTATUS[0]}"'
	assert_success
	assert_output $'1048576\n141'
}

# ---------------------------------------------------------------------
# Holes: SEEK_DATA/SEEK_HOLE, by every method that can write a file.

@test "sparse: holes kept (with a trailing hole) by auto and by every method" {
	mksparse sp
	for m in auto copy_file_range sendfile splice readwrite; do
		rm -f out
		zcp --trace --method=$m sp out 2> err
		assert_sparse_copy sp out ||
			{ echo "--method=$m" >&2; cat err >&2; return 1; }
		grep -q "^zcp: trace: sparse: 4 data extents, 262144 bytes of $SPARSE_SIZE; holes kept" err ||
			{ echo "--method=$m: no sparse trace" >&2; cat err >&2; return 1; }
	done
}

@test "sparse: holes kept through stdin and stdout redirected to files" {
	mksparse sp
	zcp - out < sp
	assert_sparse_copy sp out
	zcp sp - > out2
	assert_sparse_copy sp out2
}

@test "sparse: a file that is only a hole copies to a hole" {
	truncate -s 16M hole
	zcp hole out
	assert_sparse_copy hole out
	assert_equal "$(allocated out)" 0
}

@test "sparse: a sparse file into a pipe arrives with its zeros" {
	mksparse sp
	zcp sp - | cmp - sp
}

# ---------------------------------------------------------------------
# Pipes are grown; refusals are fine.

@test "pipes: stdout pipe grown to pipe-max-size, and the reader sees it" {
	local max
	max=$(cat /proc/sys/fs/pipe-max-size)
	mkdata f 300000
	zcp --trace f - 2> err | perl -e 'local $/; <STDIN>; print fcntl(STDIN, 1032, 0) + 0' > size
	assert_equal "$(cat size)" "$max"
	grep -q "pipe capacity 65536 bytes, grown to $max" err
}

@test "pipes: stdin pipe grown, --pipe-size honoured" {
	mkdata f 300000
	cat f | zcp --trace --pipe-size=256K - out 2> err
	cmp f out
	grep -q "pipe capacity 65536 bytes, grown to 262144" err
}

@test "pipes: a refused growth (unprivileged, over pipe-max-size) is fine" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to run zcp as uid 65534"
	mkdata f $((3 * MB))
	cat f | setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$ZCP" --trace --pipe-size=4M - - 2> err | cat > out
	cmp f out
	grep -q "pipe capacity .*Operation not permitted" err
}

# ---------------------------------------------------------------------
# Stability: splice/sendfile share page-cache pages; readwrite copies.

@test "stability: --method=readwrite hands the reader a copy" {
	mkdata f 100000
	cp f orig
	mkdata new 100000
	{ zcp --method=readwrite f -; touch finished; } |
		{ while [ ! -e finished ]; do sleep 0.05; done
		  dd if=new of=f conv=notrunc status=none; cat > out; }
	cmp orig out
}

@test "stability: the page-cache warning of file -> pipe splice is true" {
	mkdata f 100000
	mkdata new 100000
	{ zcp --trace f - 2> err; touch finished; } |
		{ while [ ! -e finished ]; do sleep 0.05; done
		  dd if=new of=f conv=notrunc status=none; cat > out; }
	grep -q "the reader was handed page-cache pages" err
	cmp new out
}

# ---------------------------------------------------------------------
# Failures: exit 1 and cp's (or cat's) message.

@test "failure: a missing source" {
	run zcp nope out
	assert_failure 1
	assert_output "zcp: cannot stat 'nope': No such file or directory"
	assert_not_exists out
}

@test "failure: a directory as the source -" {
	run bash -c '"$ZCP" - out < /tmp'
	assert_failure 1
	assert_output --partial "Is a directory"
	assert_not_exists out
}

@test "failure: closed stdin" {
	run bash -c '"$ZCP" - out <&-'
	assert_failure 1
	assert_output --regexp "^zcp: .*'-'.*: Bad file descriptor$"
}

@test "failure: closed stdout, and the source is not touched" {
	mkdata f 300000
	cp f orig
	run bash -c '"$ZCP" f - >&-'
	assert_failure 1
	assert_output --regexp "^zcp: .*'-'.*: Bad file descriptor$"
	cmp f orig
	run bash -c '"$ZCP" --method=readwrite f - >&-'
	assert_failure 1
	cmp f orig
}

@test "failure: an unknown option" {
	run zcp --bogus
	assert_failure 1
	assert_output "zcp: unrecognized option '--bogus'
Try 'zcp --help' for more information."
}

@test "failure: a forced method that is impossible names method, files and reason" {
	mkdata f 1000
	run bash -c '"$ZCP" --method=copy_file_range f - | cat > out; exit ${PIPESTATUS[0]}'
	assert_failure 1
	assert_output "zcp: cannot copy 'f' to '-' with --method=copy_file_range: copy_file_range: Invalid argument"
	run zcp --method=reflink f out
	assert_failure 1
	assert_output "zcp: cannot copy 'f' to 'out' with --method=reflink: ioctl FICLONE: Operation not supported"
}

@test "failure: a destination in a missing directory" {
	mkdata f 1000
	run zcp f nodir/x
	assert_failure 1
	assert_output "zcp: cannot create regular file 'nodir/x': No such file or directory"
}
