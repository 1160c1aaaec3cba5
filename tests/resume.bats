#!/usr/bin/env bats
# --resume: a destination that holds the source's first bytes keeps them
# and gets only the rest, by the usual methods; any other is copied
# whole, and -v says why.  Standard input, --atomic and standard output
# that is no regular file are refused before anything is copied.

setup() { load common; cd "$BATS_TEST_TMPDIR"; }

SIZE=$((16 * 1048576))

need_strace() { command -v strace >/dev/null || skip "strace not installed"; }
need_jq() { command -v jq >/dev/null || skip "jq not installed"; }

jqr() { jq -r "$1" stats.json; }

# interrupted SRC DST: a copy of SRC to DST at 4 MiB/s, killed with
# SIGKILL once DST holds some bytes (about a second in): DST then holds
# a prefix of SRC, neither empty nor whole.
interrupted() {
	local pid n=0
	# zcp itself, not the zcp function: $! must be its pid, or SIGKILL
	# would kill a subshell and leave zcp copying on.
	"$ZCP" --bwlimit=4M "$1" "$2" &
	pid=$!
	while [ "$(stat -c %s "$2" 2>/dev/null || echo 0)" -lt 1048576 ] &&
	    [ $n -lt 200 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	sleep 0.5
	kill -KILL "$pid"
	wait "$pid" || :
	assert_num "$(stat -c %s "$2")" -gt 0
	assert_num "$(stat -c %s "$2")" -lt "$(stat -c %s "$1")"
	cmp -s -n "$(stat -c %s "$2")" "$1" "$2" || fail "not a prefix"
}

# sum_returns FILE SYSCALL: the sum of SYSCALL's return values in
# strace's output FILE.
sum_returns() {
	awk -v s="$2" 'index($0, s "(") { n += $NF } END { print n + 0 }' "$1"
}

@test "resume: a copy killed halfway is finished with only the rest copied (strace and --stats agree)" {
	need_strace; need_jq
	local have
	mkdata src $SIZE
	interrupted src dst
	have=$(stat -c %s dst)
	strace -f -o st.txt -e trace=copy_file_range,sendfile,write,pread64 \
	    -P "$PWD/src" -P "$PWD/dst" \
	    "$ZCP" --resume -v --stats=json src dst > out.txt 2> stats.json
	cmp src dst
	assert_equal "$(cat out.txt)" "'src' -> 'dst'
'dst' holds the first $have bytes of 'src': copying the rest"
	assert_equal "$(jqr .bytes_skipped)" "$have"
	assert_equal "$(jqr .bytes)" $((SIZE - have))
	assert_equal "$(jqr '[.methods[].bytes] | add')" $((SIZE - have))
	# What reached dst, by every data call there is: only the rest.
	assert_equal $(( $(sum_returns st.txt copy_file_range) + \
	    $(sum_returns st.txt sendfile) + $(sum_returns st.txt write) )) \
	    $((SIZE - have))
	# Each file's prefix read once, a MiB a call at most.
	assert_equal "$(sum_returns st.txt pread64)" $((2 * have))
	assert_equal "$(jqr .compare_calls)" "$(grep -c 'pread64(' st.txt)"
}

@test "resume: a destination with one byte changed in its prefix is copied whole" {
	need_jq
	mkdata src $SIZE
	head -c 5000000 src > dst
	printf '\x00' | dd of=dst bs=1 seek=4999999 conv=notrunc status=none
	cmp -s -n 5000000 src dst && printf '\x01' |
	    dd of=dst bs=1 seek=4999999 conv=notrunc status=none
	run zcp --resume -v --stats=json src dst
	assert_success
	cmp src dst
	assert_line --index 1 "'dst' differs from 'src' in its first 5000000 bytes: copying it whole"
	printf '%s\n' "${lines[2]}" > stats.json
	assert_equal "$(jqr .bytes_skipped)" 0
	assert_equal "$(jqr .bytes)" $SIZE
}

@test "resume: a destination longer than the source is copied whole, and ends as long" {
	need_jq
	mkdata src 100000
	{ cat src; printf 'more'; } > dst
	run zcp --resume -v --stats=json src dst
	assert_success
	cmp src dst
	assert_line --index 1 "'dst' is longer than 'src': copying it whole"
	printf '%s\n' "${lines[2]}" > stats.json
	assert_equal "$(jqr '.bytes_skipped, .compare_calls, .bytes')" \
	    "$(printf '0\n0\n100000')"
}

@test "resume: a missing or empty destination is copied as without --resume" {
	need_jq
	mkdata src 100000
	run zcp --resume -v --stats=json src dst
	assert_success
	cmp src dst
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 "'src' -> 'dst'"
	: > empty
	run zcp --resume -v src empty
	assert_success
	assert_output "'src' -> 'empty'"
	cmp src empty
}

@test "resume: a destination equal to its source copies no byte, and -p still sets its times" {
	need_jq
	mkdata src 3000000
	cp src dst
	touch -d '2001-02-03 04:05:06' src
	run zcp --resume -p -v --stats=json src dst
	assert_success
	assert_line --index 1 "'dst' holds all 3000000 bytes of 'src': nothing to copy"
	printf '%s\n' "${lines[2]}" > stats.json
	assert_equal "$(jqr '.bytes, .bytes_skipped, .files')" \
	    "$(printf '0\n3000000\n1')"
	cmp src dst
	assert_equal "$(stat -c %Y dst)" "$(stat -c %Y src)"
}

@test "resume: --trace says what was found, and the clone is skipped for the rest" {
	mkdata src 300000
	head -c 100000 src > dst
	run zcp --resume --trace src dst
	assert_success
	cmp src dst
	assert_line --index 0 "zcp: trace: resume: 'dst' (100000 bytes, compared with 'src' in 2 calls) holds the source's first bytes: copying the rest"
	assert_line "zcp: trace: reflink: skipped: --resume copies the rest, and a clone replaces whole files"
}

@test "resume: --reflink=always cannot clone the rest: the destination fails, untouched" {
	mkdata src 300000
	head -c 1000 src > dst
	run zcp --resume --reflink=always src dst
	assert_failure 1
	assert_output "zcp: failed to clone 'dst' from 'src': --resume copies the rest, and a clone replaces whole files"
	assert_equal "$(stat -c %s dst)" 1000
	cmp -s -n 1000 src dst
}

@test "resume: a destination that holds all of its source needs no method, also a forced one" {
	mkdata src 300000
	cp src dst
	run zcp --resume -v --reflink=always src dst
	assert_success
	assert_equal "$(sed -n 2p <<<"$output")" "'dst' holds all 300000 bytes of 'src': nothing to copy"
	run zcp --resume --method=reflink src dst
	assert_success
	assert_output ''
	cmp src dst
}

@test "resume: a symlink to a partial copy is resumed through it, as cp writes through it" {
	mkdata src 300000
	head -c 120000 src > real
	ln -s real link
	run zcp --resume -v src link
	assert_success
	assert_line --index 1 "'link' holds the first 120000 bytes of 'src': copying the rest"
	cmp src real
	[ -L link ] || fail "link is no longer a symlink"
}

@test "resume: a FIFO as the destination is written as cp writes it, nothing resumed" {
	mkdata src 300000
	mkfifo fifo
	cat fifo > out &
	run timeout 10 "$ZCP" --resume -v src fifo
	wait
	assert_success
	assert_output "'src' -> 'fifo'
'src' and 'fifo' are not both regular files: nothing to resume"
	cmp src out
}

@test "resume: a destination that cannot be read is copied whole; a source that cannot be read fails, the destination untouched" {
	mkdata src 300000
	head -c 200000 src > dst
	# Each chunk is read from the destination first, then the source.
	run with_faults pread:EIO:1 "$ZCP" --resume -v src dst
	assert_success
	assert_line --index 1 "'dst' cannot be read (Input/output error): copying it whole"
	cmp src dst
	head -c 200000 src > dst
	run with_faults pread:EIO:2 "$ZCP" --resume -v src dst
	assert_failure 1
	assert_line "zcp: error reading 'src': Input/output error"
	assert_equal "$(stat -c %s dst)" 200000
	cmp -s -n 200000 src dst
}

@test "resume: a destination this user may write but not read is copied whole, and -v says why" {
	need_root_for "run zcp as uid 65534 on root's write-only file"
	shared_tmpdir w
	cd "$SHARED_DIR"
	mkdata src 300000
	chmod 0644 src
	head -c 200000 src > dst
	chmod 0622 dst
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$ZCP" --resume -v src dst
	assert_success
	assert_line --index 1 "'dst' is open for writing only, not to be read: copying it whole"
	cmp src dst
}

@test "resume: short reads and EINTR while comparing are read on: the rest alone is copied" {
	need_jq
	mkdata src 30000
	head -c 20000 src > dst
	run with_faults pread:EINTR:2,pread:short:1:0 "$ZCP" --resume \
	    --stats=json src dst
	assert_success
	cmp src dst
	printf '%s\n' "$output" > stats.json
	assert_equal "$(jqr '.bytes, .bytes_skipped')" "$(printf '10000\n20000')"
	# 7 bytes a call, the interrupted one counted too.
	assert_equal "$(jqr .compare_calls)" $((2 * (20000 / 7 + 1) + 1))
}

@test "resume: --progress's total is the rest, not the bytes already in place" {
	mkdata src $SIZE
	head -c $((SIZE / 2)) src > dst
	# 8 MiB at 2 MiB/s: a line off a terminal every 2 s.
	zcp --resume --progress --bwlimit=2M src dst 2> err
	cmp src dst
	[ -s err ] || fail "no progress line in 4 seconds"
	while IFS= read -r l; do
		[[ $l == "zcp: "*" / 8.0 MiB "* ]] || fail "not the rest's total: '$l'"
	done < err
}

@test "resume: the human --stats line counts the bytes in place" {
	mkdata src 300000
	head -c 100000 src > dst
	run zcp --resume --stats src dst
	assert_success
	assert_line --index 0 --regexp '^zcp: stats: 1 of 1 file copied, 195 KiB \(200000 bytes\) in '
	assert_line --index 1 "zcp: stats: 98 KiB (100000 bytes) already in place, not copied (--resume), 2 calls comparing"
}

@test "resume: standard input as the source is refused before anything is copied" {
	mkdata src 100000
	head -c 1000 src > dst
	run zcp --resume - dst < src
	assert_failure 1
	assert_output "zcp: --resume cannot be used with standard input"
	cmp -s -n 1000 src dst
	assert_equal "$(stat -c %s dst)" 1000
}

@test "resume: --atomic with --resume is a usage error" {
	mkdata src 100
	run zcp --resume --atomic src dst
	assert_failure 1
	assert_line --index 0 "zcp: options --resume and --atomic are mutually exclusive"
	assert_line --index 1 "Try 'zcp --help' for more information."
	[ ! -e dst ] || fail "dst was made"
}

@test "resume: standard output resumes a regular file opened without O_APPEND, and refuses any other" {
	mkdata src 300000
	head -c 100000 src > part
	run sh -c '"$ZCP" --resume -v src - 1<>part'
	assert_success
	assert_line "'-' holds the first 100000 bytes of 'src': copying the rest"
	cmp src part
	head -c 100000 src > part
	run sh -c '"$ZCP" --resume src - >>part'
	assert_failure 1
	assert_output "zcp: --resume: standard output is not a regular file opened without O_APPEND"
	assert_equal "$(stat -c %s part)" 100000
	run bash -c 'set -o pipefail; "$ZCP" --resume src - | cat > piped'
	assert_failure 1
	assert_output "zcp: --resume: standard output is not a regular file opened without O_APPEND"
}

@test "resume: -r finishes the partial files of a tree and copies the others whole" {
	need_jq
	mkdir -p a/sub
	mkdata a/whole 200000
	mkdata a/half 300000
	mkdata a/sub/none 100000
	mkdata a/sub/bad 100000
	mkdir -p b/sub
	cp a/whole b/whole
	head -c 150000 a/half > b/half
	head -c 50000 a/sub/bad > b/sub/bad
	printf 'X' | dd of=b/sub/bad bs=1 seek=10 conv=notrunc status=none
	cmp -s -n 50000 a/sub/bad b/sub/bad && fail "not corrupted"
	run zcp -r --resume --stats=json a/. b
	assert_success
	diff -r a b
	printf '%s\n' "$output" > stats.json
	assert_equal "$(jqr '.files, .bytes_skipped, .bytes')" \
	    "$(printf '4\n350000\n350000')"
}
