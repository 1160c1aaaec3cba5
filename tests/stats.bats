#!/usr/bin/env bats
# --stats and --stats-file: the report's contents, its two formats, and
# its counts held against strace -c -f of the same run, method by method.

setup() { load common; cd "$BATS_TEST_TMPDIR"; }
teardown() { cd "$BATS_TEST_TMPDIR" && loopfs_cleanup; }

# Odd and over 1 MiB, so every method needs several calls.
SIZE=$((3 * 1048576 + 4097))

need_strace() { command -v strace >/dev/null || skip "strace not installed"; }
need_jq() { command -v jq >/dev/null || skip "jq not installed"; }

# sc FILE SYSCALL: the calls column of strace -c's line for SYSCALL.
sc() {
	awk -v s="$2" '$NF == s { n = $4 } END { print n + 0 }' "$1"
}

# traced SYSCALLS ARGS...: zcp --stats=json ARGS under strace -c -f, only
# SYSCALLS on the named files src and dst (strace -P): the loader's reads,
# /proc and stderr stay out.  The report goes to stats.json, strace's
# table to sc.txt.
traced() {
	local calls=$1
	shift
	strace -f -c -o sc.txt -e trace="$calls" -P "$PWD/src" -P "$PWD/dst" \
	    "$ZCP" --stats=json "$@" 2> stats.json
}

# same_calls METHOD SYSCALL...: the report's calls for METHOD are the sum
# of strace's counts of SYSCALLs, and not 0.  strace's ioctls include the
# FS_IOC_FIEMAP calls that read the destinations' extent maps, which the
# report counts apart (extent_map_calls).
same_calls() {
	local m=$1 want=0 got c
	shift
	for c in "$@"; do
		want=$((want + $(sc sc.txt "$c")))
		[ "$c" != ioctl ] ||
			want=$((want - $(jq -r .extent_map_calls stats.json)))
	done
	got=$(jq -r --arg m "$m" '.methods[$m].calls // 0' stats.json)
	[ "$got" -gt 0 ] || fail "$m: no calls reported ($(cat stats.json))"
	[ "$got" -eq "$want" ] ||
		fail "$m: --stats says $got calls, strace counted $want: $(cat sc.txt)"
}

jqr() { jq -r "$1" stats.json; }

@test "stats: the human report: files, bytes exact and in binary units, rate, CPU, methods, fallbacks" {
	mkdata src 5000000
	run zcp --stats src dst
	assert_success
	cmp src dst
	assert_line --index 0 --regexp '^zcp: stats: 1 of 1 file copied, 4\.8 MiB \(5000000 bytes\) in [0-9]+\.[0-9]{3} s, [0-9.]+ ([KMGT]i)?B/s$'
	assert_line --index 1 --regexp '^zcp: stats: source cached: [0-9]+% of 4\.8 MiB$'
	assert_line --index 2 --regexp '^zcp: stats: cpu [0-9]+\.[0-9]{3} s user, [0-9]+\.[0-9]{3} s system$'
	assert_line --index 3 --regexp '^zcp: stats: [0-9]+ voluntary and [0-9]+ involuntary context switches, [1-9][0-9]* minor and [0-9]+ major page faults, peak RSS [0-9.]+ ([KMG]i)?B$'
	assert_line --regexp '^zcp: stats: method copy_file_range: 1 pair, 4\.8 MiB \(5000000 bytes\), [0-9]+ calls$'
}

@test "stats: --stats=json is one object with every documented key, and the man page documents each" {
	need_jq
	local k man
	mkdata src 100000
	run zcp --stats=json src dst
	assert_success
	[ "${#lines[@]}" -eq 1 ] || fail "not one line: $output"
	printf '%s\n' "$output" > stats.json
	jq -e . stats.json >/dev/null
	assert_equal "$(jq -r 'keys_unsorted | join(" ")' stats.json)" \
	    "version files pairs bytes bytes_dropped bytes_skipped bytes_verified compare_calls seconds verify_seconds bytes_per_second user_seconds system_seconds voluntary_context_switches involuntary_context_switches minor_page_faults major_page_faults max_rss_bytes source_checked_bytes source_cached_bytes sources_unknown bytes_cloned bytes_copied extent_map_calls exit_status signal methods fallbacks"
	assert_equal "$(jqr '.version, .files, .pairs, .bytes, .bytes_dropped, .bytes_skipped, .bytes_verified, .compare_calls, .exit_status, .signal')" \
	    "$(printf '4\n1\n1\n100000\n0\n0\n0\n0\n0\nnull')"
	assert_equal "$(jqr '.methods.copy_file_range | keys_unsorted | join(" ")')" \
	    "pairs bytes calls attempts latency_min_ns latency_median_ns latency_p99_ns latency_max_ns short_calls zero_calls"
	man=$(sed 's/\\-/-/g; s/\\(aq//g' "$SRCDIR/man/zcp.1")
	for k in version files pairs bytes bytes_dropped bytes_skipped \
	    bytes_verified compare_calls seconds verify_seconds bytes_per_second \
	    user_seconds system_seconds voluntary_context_switches \
	    involuntary_context_switches minor_page_faults major_page_faults \
	    max_rss_bytes source_checked_bytes source_cached_bytes \
	    sources_unknown bytes_cloned bytes_copied extent_map_calls \
	    exit_status signal methods fallbacks \
	    calls attempts latency_min_ns latency_median_ns latency_p99_ns \
	    latency_max_ns short_calls zero_calls \
	    method to errno reason count remembered; do
		grep -qE "^\.It( .*)? Li \"?$k\"?( |$)" <<<"$man" ||
			fail "JSON key $k is not documented in man/zcp.1"
	done
}

@test "stats: --stats takes human and json (and prefixes), refuses others" {
	run zcp --stats=bogus a b
	assert_failure 1
	assert_line --index 0 "zcp: invalid argument 'bogus' for '--stats'"
	assert_line "  - 'human'"
	assert_line "  - 'json'"
	mkdata src 10
	run zcp --stats=j src dst
	assert_success
	assert_output --regexp '^\{"version":4,'
	run zcp --stats=hum src dst2
	assert_output --regexp '^zcp: stats: '
}

@test "stats: reflink and copy_file_range calls are what strace counts (auto file -> file)" {
	need_strace; need_jq
	mkdata src $SIZE
	traced ioctl,copy_file_range src dst
	cmp src dst
	assert_equal "$(jqr .bytes)" "$SIZE"
	same_calls copy_file_range copy_file_range
	# FICLONE is refused here (ext4, tmpfs) or clones: one ioctl either way.
	same_calls reflink ioctl
}

@test "stats: sendfile calls are what strace counts" {
	need_strace; need_jq
	mkdata src $SIZE
	traced sendfile --method=sendfile src dst
	cmp src dst
	assert_equal "$(jqr .methods.sendfile.bytes)" "$SIZE"
	same_calls sendfile sendfile
}

@test "stats: sendfile to a character device (auto) is what strace counts" {
	need_strace; need_jq
	mkdata src $SIZE
	strace -f -c -o sc.txt -e trace=sendfile -P "$PWD/src" -P /dev/null \
	    "$ZCP" --stats=json src /dev/null 2> stats.json
	assert_equal "$(jqr .methods.sendfile.bytes)" "$SIZE"
	same_calls sendfile sendfile
}

@test "stats: splice calls, directly from a FIFO and through zcp's pipe, are what strace counts" {
	need_strace; need_jq
	mkdata data $SIZE
	mkfifo src
	cat data > src &
	traced splice src dst
	wait
	cmp data dst
	assert_equal "$(jqr .methods.splice.bytes)" "$SIZE"
	same_calls splice splice
	rm -f src dst
	mv data src
	traced splice --method=splice src dst
	cmp src dst
	same_calls splice splice
}

@test "stats: readwrite calls are what strace counts, reads at the end of the source too" {
	need_strace; need_jq
	mkdata src $SIZE
	traced read,write --method=readwrite src dst
	cmp src dst
	assert_equal "$(jqr .methods.readwrite.bytes)" "$SIZE"
	same_calls readwrite read write
	# 256 KiB a read, and one more that returns 0.
	assert_equal "$(sc sc.txt read)" $((SIZE / 262144 + 2))
}

@test "stats: the splice rescue path's reads and writes count as splice's calls" {
	need_strace; need_jq
	local want
	mkdata src $SIZE
	# The out-splice is refused after the in-splice filled zcp's pipe: the
	# pipe is emptied by read/write.  The shim fails the call without
	# making it, so strace sees one splice less than zcp made.
	FAULT_LOG=$PWD/faults.log
	strace -f -o st.log -y -e trace=splice,read,write env \
	    ZCP_FAULT=splice:EINVAL:2 ZCP_FAULT_LOG="$FAULT_LOG" \
	    LD_PRELOAD="$HELPERS/faultshim.so${LD_PRELOAD:+:$LD_PRELOAD}" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0" \
	    "$ZCP" --stats=json --method=splice src dst 2> err || true
	tail -n 1 err > stats.json
	grep -q 'splice EINVAL #2' "$FAULT_LOG"
	want=$(($(grep -c '^[0-9]* *splice(' st.log) + 1 +
	    $(grep -c '^[0-9]* *read([0-9]*<pipe:' st.log) +
	    $(grep -c "^[0-9]* *write([0-9]*<$PWD/dst>" st.log)))
	[ "$(grep -c '^[0-9]* *read([0-9]*<pipe:' st.log)" -gt 0 ] ||
		fail "no rescue read: $(cat st.log)"
	assert_equal "$(jqr .methods.splice.calls)" "$want"
	assert_equal "$(jqr .exit_status)" 1
	assert_equal "$(jqr .methods.splice.bytes)" "$(stat -c %s dst)"
}

@test "stats: reflink on XFS: one FICLONE, the whole file, what strace counts" {
	need_strace; need_jq
	loopfs xfs 512M mnt
	mkdata mnt/src $SIZE
	cd mnt
	traced ioctl,copy_file_range src dst
	cmp src dst
	same_calls reflink ioctl
	assert_equal "$(jqr .methods.reflink.calls)" 1
	assert_equal "$(jqr .methods.reflink.bytes)" "$SIZE"
	assert_equal "$(jqr '.methods.copy_file_range // "none"')" none
	assert_equal "$(jqr '.fallbacks | length')" 0
}

@test "stats: -r of a tree: files and bytes are the tree's, calls what strace counts, refusals remembered" {
	need_strace; need_jq
	local i bytes
	mkdir tree
	for i in $(seq 1 30); do
		mkdata tree/f$i $((i * 7001))
	done
	bytes=$(cat tree/* | wc -c)
	strace -f -c -o sc.txt -e trace=ioctl,copy_file_range \
	    "$ZCP" --stats=json -r tree copy 2> stats.json
	diff -r tree copy
	assert_equal "$(jqr '.files, .pairs, .bytes')" "$(printf '30\n30\n%s' "$bytes")"
	same_calls copy_file_range copy_file_range
	if [ "$(jqr '.methods.reflink.pairs')" = 0 ]; then
		# Refused once, then remembered for the device pair.
		same_calls reflink ioctl
		assert_equal "$(jqr .methods.reflink.calls)" 1
		assert_equal "$(jqr '.fallbacks[0] | "\(.method) \(.to) \(.count) \(.remembered)"')" \
		    "reflink copy_file_range 1 29"
		assert_equal "$(jqr '.fallbacks[0].errno')" EOPNOTSUPP
	fi
}

@test "stats: a fallback names the errno: copy_file_range across filesystems (EXDEV) then sendfile" {
	need_strace; need_jq
	# A tmpfs of this test's own: another filesystem type than $PWD's.
	need_root
	local shm=$BATS_TEST_TMPDIR/shm
	mkdir "$shm"
	mount -t tmpfs -o size=16m zcp-stats "$shm" 2>/dev/null ||
		skip "cannot mount a tmpfs here"
	echo "$shm" >> "$BATS_TEST_TMPDIR/.mounts"
	[ "$(stat -f -c %T "$shm")" != "$(stat -f -c %T .)" ] ||
		skip "needs $PWD on another filesystem type than tmpfs"
	mkdata "$shm/src" $SIZE
	ln -s "$shm/src" src
	strace -f -c -o sc.txt -e trace=copy_file_range,sendfile \
	    -P "$shm/src" -P "$PWD/dst" "$ZCP" --stats=json src dst 2> stats.json
	cmp src dst
	# (teardown unmounts the tmpfs)
	assert_equal "$(jqr '[.fallbacks[] | select(.method == "copy_file_range")][0] | "\(.to) \(.errno) \(.count)"')" \
	    "sendfile EXDEV 1"
	# strace's errors column for it: the one refusal.
	assert_equal "$(awk '$NF == "copy_file_range" { print $5 }' sc.txt)" 1
	same_calls copy_file_range copy_file_range
	same_calls sendfile sendfile
	assert_equal "$(jqr .methods.sendfile.bytes)" "$SIZE"
}

@test "stats: a fallback names the method that ran next, not one ruled out (--sparse=always)" {
	need_jq
	mkdata src 300000
	run zcp --sparse=always --stats=json src dst
	assert_success
	printf '%s\n' "$output" | tail -n 1 > stats.json
	# ext4 or tmpfs: no reflink; copy_file_range and sendfile cannot
	# make holes, so read/write runs next.
	assert_equal "$(jqr '.fallbacks[0].method, .fallbacks[0].to')" \
	    "$(printf 'reflink\nreadwrite')"
	assert_equal "$(jqr '.methods | keys_unsorted | join(" ")')" \
	    "reflink readwrite"
	run zcp --sparse=always --trace src dst2
	assert_line --regexp '^zcp: trace: reflink: EOPNOTSUPP .*; falling back to readwrite$'
}

@test "trace: page-cache pages are mentioned only where a file has them (not procfs)" {
	mkdata f 100000
	"$ZCP" --trace f - 2>err | cat > /dev/null
	run cat err
	assert_line --partial 'the reader was handed page-cache pages'
	"$ZCP" --trace /proc/version - 2>err | cat > /dev/null
	run cat err
	assert_line --partial 'done'
	refute_line --partial 'page-cache pages'
}

@test "stats: a 0 at the start of a file that may hold more is a fallback without an errno" {
	need_jq
	mkdata src 100000
	with_faults copy_file_range:zero:1 "$ZCP" --stats=json src dst 2> stats.json
	cmp src dst
	assert_equal "$(jqr '.fallbacks[] | select(.method == "copy_file_range") | "\(.to) \(.errno) \(.count)"')" \
	    "sendfile null 1"
	assert_equal "$(jqr '.fallbacks[] | select(.method == "copy_file_range") | .reason')" \
	    "returned 0 at the start of a source that may hold more"
	assert_equal "$(jqr '.fallbacks[0] | keys_unsorted | join(" ")')" \
	    "method to errno reason count remembered"
	run zcp --stats /proc/self/status out
	assert_success
	assert_line --regexp '^zcp: stats: fallback copy_file_range -> sendfile: EXDEV \(Invalid cross-device link\), 1 time$'
}

# same_profile A B EXCEPT...: strace -c tables A and B count the same calls
# of every system call, but those named (NAME=DIFF: B has DIFF more;
# NAME: any number).
same_profile() {
	local a=$1 b=$2 c n want
	shift 2
	for c in $(awk '$NF ~ /^[a-z_0-9]+$/ && $NF != "total" && $NF != "syscall" { print $NF }' "$a" "$b" | sort -u); do
		want=0
		for n in "$@"; do
			[ "${n%%=*}" = "$c" ] || continue
			[ "$n" = "$c" ] && continue 2
			want=${n#*=}
		done
		[ $(($(sc "$b" "$c") - $(sc "$a" "$c"))) -eq "$want" ] ||
			fail "$c: $(sc "$a" "$c") calls in $a, $(sc "$b" "$c") in $b (expected $want more)"
	done
}

@test "stats: off, it costs no system call; on, only its signal handlers, the clock of CPU and the report" {
	need_strace
	mkdata src $SIZE
	# zcp leaves a stop signal it finds ignored ignored, and sets no
	# handler for it: the four start at their default, whatever the
	# caller (nohup, a shell without job control) left them at.  env runs
	# outside strace, whose count would otherwise have env's own calls.
	env --default-signal=INT,TERM,HUP,PIPE \
	    strace -f -c -o plain.txt "$ZCP" src dst
	env --default-signal=INT,TERM,HUP,PIPE \
	    strace -f -c -o stats.txt "$ZCP" --stats src dst2 2>/dev/null
	cmp src dst
	cmp src dst2
	# SIGINT, SIGTERM, SIGHUP and SIGPIPE (each asked whether ignored,
	# then set); getrusage; the FS_IOC_FIEMAP of dst's extent map (one
	# here: it has one extent, or the map cannot be read); the report's
	# writes.  The clock is read in the vDSO.
	# Memory calls differ with the allocator (ASan's maps more).
	same_profile plain.txt stats.txt rt_sigaction=8 getrusage=1 ioctl=1 \
	    write mmap munmap brk mprotect madvise
	# Unbounded calls: the 3 MiB file in one copy_file_range, and the 0.
	assert_equal "$(sc plain.txt copy_file_range)" 2
}

@test "stats: after a failure the report says what was done, with exit status 1" {
	need_jq
	mkdata src $SIZE
	# The first copy_file_range moves some bytes, the second fails.
	with_faults copy_file_range:short:1,copy_file_range:EIO:2 \
	    "$ZCP" --stats=json src dst 2> err && fail "zcp succeeded"
	grep -q '^zcp: error copying' err
	tail -n 1 err > stats.json
	assert_equal "$(jqr '.files, .pairs, .exit_status')" "$(printf '0\n1\n1')"
	assert_equal "$(jqr .bytes)" 7
	assert_equal "$(jqr .bytes)" "$(stat -c %s dst)"
	assert_equal "$(jqr .methods.copy_file_range.calls)" 2
}

@test "stats: --atomic: the bytes of a temporary that was dropped were not copied" {
	need_jq
	mkdata src 300000
	# The data reach the temporary; publishing it (linkat) fails.
	run with_faults linkat:EIO:1 "$ZCP" --atomic --stats=json src dst
	assert_failure 1
	grep -q '^linkat EIO #1' faults.log
	assert_file_not_exist dst
	printf '%s\n' "$output" | tail -n 1 > stats.json
	assert_equal "$(jqr '.files, .bytes, .exit_status')" "$(printf '0\n0\n1')"
	# What the method did is still what it did, and the report says
	# where those bytes went.
	assert_equal "$(jqr '.methods.copy_file_range.bytes')" 300000
	assert_equal "$(jqr '.bytes_dropped')" 300000
}

@test "stats: --atomic -r with a failure midway: the methods' bytes are the landed plus the dropped" {
	need_jq
	local i
	mkdir t
	for i in 1 2 3 4 5; do mkdata t/f$i 100000; done
	# The third file's write moves 7 bytes, the next fails: its
	# temporary, with those bytes, is dropped.  -j1: the shim counts
	# the process's writes, which workers would make in any order.
	run with_faults write:short:3,write:ENOSPC:4 "$ZCP" -j1 -r --atomic \
	    --method=readwrite --stats=json t u
	assert_failure 1
	printf '%s\n' "$output" | tail -n 1 > stats.json
	assert_equal "$(jqr '.files')" 4
	assert_equal "$(jqr '.bytes')" 400000
	assert_equal "$(jqr '.bytes')" "$(cat u/* | wc -c)"
	assert_equal "$(jqr '.bytes_dropped')" 7
	assert_equal "$(jqr '.methods.readwrite.bytes')" \
	    "$(jqr '.bytes + .bytes_dropped')"
	# The human report says it in a line of its own.
	run with_faults write:short:3,write:ENOSPC:4 "$ZCP" -j1 -r --atomic \
	    --method=readwrite --stats t v
	assert_line 'zcp: stats: 7 B (7 bytes) dropped with temporaries that were not published'
}

@test "stats: without --atomic, the bytes of a file that then failed did land" {
	need_jq
	mkdata src 300000
	# The data are in dst; --sync's fsync fails.
	run with_faults fsync:EIO:1 "$ZCP" --sync --stats=json src dst
	assert_failure 1
	grep -q '^fsync EIO #1' faults.log
	printf '%s\n' "$output" | tail -n 1 > stats.json
	assert_equal "$(jqr '.files, .bytes')" "$(printf '0\n300000')"
	assert_equal "$(stat -c %s dst)" 300000
}

# stopped SIG STATUS: a copy from a FIFO fed 1 MiB and then nothing, stopped
# by SIG once the 1 MiB is in the destination: the report comes, then
# zcp dies by the signal.
stopped() {
	local sig=$1 status=$2 pid n
	mkdata data 1048576
	mkfifo in
	# A command run with & keeps SIGINT ignored (no job control here),
	# and zcp leaves an ignored signal ignored: give it back its default.
	env --default-signal=INT,TERM,HUP "$ZCP" --stats=json in out \
	    2> stats.json 3>&- &
	pid=$!
	exec 5> in
	cat data >&5
	for n in $(seq 1 300); do
		[ "$(stat -c %s out 2>/dev/null)" = 1048576 ] && break
		sleep 0.1
	done
	kill -"$sig" "$pid"
	wait "$pid" && status_got=0 || status_got=$?
	exec 5>&-
	assert_equal "$status_got" "$status"
	cmp data out
	assert_equal "$(jqr '.signal, .exit_status, .bytes, .files, .pairs')" \
	    "$(printf 'SIG%s\n%s\n1048576\n0\n1' "$sig" "$status")"
	# A stop is not an error: no message besides the report.
	assert_equal "$(wc -l < stats.json)" 1
}

@test "stats: SIGINT during a slow copy: the report for what was done, then death by SIGINT" {
	need_jq
	stopped INT 130
}

@test "stats: SIGTERM during a slow copy: the same, by SIGTERM" {
	need_jq
	stopped TERM 143
}

# busy_stopped METHOD: a file -> file copy whose every call succeeds but
# moves 7 bytes (the fault shim's "short"), so it is long and never
# blocked; SIGINT must stop it between two calls, not at the end.
busy_stopped() {
	local pid n
	# 16 MiB at 7 bytes a call: seconds of calls that all succeed.
	mkdata data 16777216
	rm -f out
	# env execs zcp, so $! is zcp itself (a function would be a subshell).
	env --default-signal=INT ZCP_FAULT="$1:short:1:0" \
	    LD_PRELOAD="$HELPERS/faultshim.so" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$ZCP" --stats=json --method="$2" data out 2> stats.json 3>&- &
	pid=$!
	for n in $(seq 1 300); do
		[ "$(stat -c %s out 2>/dev/null || echo 0)" -gt 0 ] && break
		sleep 0.05
	done
	kill -INT "$pid"
	wait "$pid" && status_got=0 || status_got=$?
	assert_equal "$status_got" 130
	[ "$(stat -c %s out)" -lt 16777216 ] ||
	    fail "$2 ran to the end of the file after SIGINT"
	assert_equal "$(jqr '.signal, .bytes')" "$(printf 'SIGINT\n%s' \
	    "$(stat -c %s out)")"
	cmp -n "$(stat -c %s out)" data out
}

@test "stats: SIGINT stops a copy between calls that keep succeeding, every method" {
	need_jq
	busy_stopped copy_file_range copy_file_range
	busy_stopped sendfile sendfile
	busy_stopped splice splice
	busy_stopped read readwrite
}

@test "stats: a signal ignored when zcp started stays ignored (nohup)" {
	need_jq
	local pid n
	mkdata data 4194304
	env --ignore-signal=HUP ZCP_FAULT="copy_file_range:short:1:0" \
	    LD_PRELOAD="$HELPERS/faultshim.so" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$ZCP" --stats=json --method=copy_file_range data out \
	    2> stats.json 3>&- &
	pid=$!
	for n in $(seq 1 300); do
		[ "$(stat -c %s out 2>/dev/null || echo 0)" -gt 0 ] && break
		sleep 0.05
	done
	kill -HUP "$pid"
	wait "$pid"
	cmp data out
	assert_equal "$(jqr '.signal, .exit_status')" "$(printf 'null\n0')"
}

@test "stats: the human report says which signal stopped the copy" {
	local pid
	mkfifo in
	env --default-signal=INT,TERM,HUP "$ZCP" --stats in out 2> err 3>&- &
	pid=$!
	exec 5> in
	echo hello >&5
	for n in $(seq 1 300); do
		[ -s out ] && break
		sleep 0.1
	done
	kill -HUP "$pid"
	wait "$pid" || true
	exec 5>&-
	run cat err
	assert_line --index 0 --partial 'zcp: stats: 0 of 1 file copied, 6 B (6 bytes) in'
	assert_line 'zcp: stats: stopped by SIGHUP'
}

@test "stats: --stats-file writes the report there, stderr keeps only errors" {
	need_jq
	mkdata src 1000
	run zcp --stats-file=report src dst
	assert_success
	assert_output ''
	run cat report
	assert_line --index 0 --partial 'zcp: stats: 1 of 1 file copied, 1.0 KiB (1000 bytes)'
	run zcp --stats=json --stats-file=report.json src dst2
	assert_success
	assert_output ''
	jq -e '.bytes == 1000' report.json
	run zcp --stats=json --stats-file=report.json missing dst3
	assert_failure 1
	assert_output "zcp: cannot stat 'missing': No such file or directory"
	jq -e '.exit_status == 1 and .files == 0' report.json
}

@test "stats: --stats-file that cannot be written: nothing is copied, exit 1" {
	mkdata src 1000
	run zcp --stats-file=nodir/report src dst
	assert_failure 1
	assert_output "zcp: cannot create regular file 'nodir/report': No such file or directory"
	assert_file_not_exist dst
}

@test "stats: --stats-file naming a file being copied is refused before anything changes" {
	seq 1 10000 > src
	cp src orig
	run zcp --stats-file=src src copy
	assert_failure 1
	assert_output "zcp: --stats-file 'src' is a file being copied"
	cmp src orig
	assert_file_not_exist copy
	# The destination: refused, and the stats file it would have made
	# is not left behind.
	run zcp --stats-file=dst src dst
	assert_failure 1
	assert_file_not_exist dst
	# Standard output through /dev/stdout.
	run bash -c '"$ZCP" --stats-file=/dev/stdout src - > out'
	assert_failure 1
	assert_output "zcp: --stats-file '/dev/stdout' is a file being copied"
	# Elsewhere, an existing file is replaced by the report at the end.
	echo old > st
	run zcp --stats-file=st src dst2
	assert_success
	run head -c 12 st
	assert_output 'zcp: stats: '
}

@test "stats: a method's pairs count pairs, not the extents of a sparse file" {
	need_jq
	truncate -s 10M src
	for i in 1 3 5 7; do
		printf data | dd of=src bs=1 seek=$((i * 1000000)) conv=notrunc status=none
	done
	run zcp --stats=json src dst
	assert_success
	printf '%s\n' "$output" | tail -n 1 > stats.json
	assert_equal "$(jqr '[.methods[] | select(.bytes > 0)] | .[0].pairs')" 1
	assert_equal "$(jqr '[.methods[] | select(.bytes > 0)] | .[0].attempts')" 4
}

@test "stats: --attributes-only gives the engine no pair: 0 of 0 files" {
	mkdata src 100
	run zcp --attributes-only --stats src dst
	assert_success
	assert_line --index 0 --regexp '^zcp: stats: 0 of 0 files copied, 0 B \(0 bytes\)'
}

@test "stats: a reader that goes away: the report, then death by SIGPIPE" {
	mkdata src $SIZE
	run bash -c '"$ZCP" --stats src - 2>err | head -c 10 > /dev/null; echo "${PIPESTATUS[0]}"'
	assert_output 141
	run cat err
	assert_line 'zcp: stats: stopped by SIGPIPE'
	refute_output --partial 'Broken pipe'
}

@test "trace: no page-cache note for an empty file or a file opened O_DIRECT" {
	command -v python3 >/dev/null || skip "python3 not installed"
	: > empty
	"$ZCP" --trace empty - 2>err | cat > /dev/null
	run cat err
	assert_line --regexp '^zcp: trace: splice: 0 bytes in 1 call, done$'
	mkdata f 65536
	python3 -c 'import os, sys
fd = os.open("f", os.O_RDONLY | os.O_DIRECT)
os.dup2(fd, 0)
os.execv(sys.argv[1], [sys.argv[1], "--trace", "-", "-"])' "$ZCP" 2>err | cat > out ||
	    skip "O_DIRECT not allowed here"
	cmp f out
	run cat err
	assert_line --partial ', done'
	refute_output --partial 'page-cache pages'
}

@test "stats: getrusage's context switches and faults: a copy that sleeps (--bwlimit) switches voluntarily" {
	need_jq
	mkdata src 1M
	# 1 MiB at 2 MiB/s: about 10 sleeps, each a voluntary switch.
	"$ZCP" --bwlimit=2M --stats=json src dst 2> stats.json
	cmp src dst
	assert_num "$(jqr .voluntary_context_switches)" -ge 5
	assert_num "$(jqr .minor_page_faults)" -gt 0
	# Peak RSS: more than nothing, less than a GiB.
	assert_num "$(jqr .max_rss_bytes)" -gt 100000
	assert_num "$(jqr .max_rss_bytes)" -lt 1073741824
}

@test "stats: how much of the source was cached before the copy, by cachestat and by mincore" {
	need_jq
	local spec
	mkdata src 8M
	cat src > /dev/null
	for spec in "" cachestat:ENOSYS:1:0; do
		with_faults "$spec" "$ZCP" --stats=json src dst 2> stats.json
		assert_equal "$(jqr '.source_checked_bytes, .source_cached_bytes, .sources_unknown')" \
		    "$(printf '8388608\n8388608\n0')"
	done
	run zcp --stats src dst2
	assert_line "zcp: stats: source cached: 100% of 8.0 MiB"
	# A pipe has no page cache to look at.
	run bash -c 'cat src | "$ZCP" --stats - dst3'
	assert_line "zcp: stats: source cached: unknown"
	# Dropped from the cache (where the pages are not the file itself,
	# as they are on tmpfs), it says so.
	[ "$(stat -f -c %T .)" != tmpfs ] || skip "tmpfs keeps its pages"
	# Written out first: dirty pages are not dropped.
	sync src
	for spec in "" cachestat:ENOSYS:1:0; do
		dd if=src iflag=nocache count=0 status=none
		with_faults "$spec" "$ZCP" --stats=json src dst 2> stats.json
		assert_num "$(jqr .source_cached_bytes)" -lt 1048576
	done
}

@test "stats: past 64 MiB the source's cache is sampled: 16 windows, by cachestat and by mincore" {
	need_jq
	need_strace
	local spec calls
	[ "$(stat -f -c %T .)" != tmpfs ] || skip "tmpfs keeps its pages"
	mkdata src 96M
	sync src
	for spec in "" cachestat:ENOSYS:1:0; do
		# The first half cached, the second not.
		dd if=src iflag=nocache count=0 status=none
		head -c 48M src > /dev/null
		with_faults "$spec" strace -f -o trace.txt \
		    "$ZCP" --stats=json src dst 2> stats.json
		assert_equal "$(jqr .source_checked_bytes)" 100663296
		# 7 to 9 windows of 16: readahead goes past 48 MiB.
		assert_num "$(jqr .source_cached_bytes)" -ge 44040192
		assert_num "$(jqr .source_cached_bytes)" -le 56623104
		# The shim answers the first cachestat itself: mincore then.
		calls=$(grep -cE '^[0-9]+ +(mincore|syscall_0x1c3)\(' trace.txt)
		assert_equal "$calls" 16
	done
}
