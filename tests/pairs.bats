#!/usr/bin/env bats
# The decision table, row by row: every kind of source to every kind of
# destination, named and as stdin/stdout, by the auto chain and by each
# forced --method.  Runs on the test directory's filesystem (ext4 here:
# no reflink; reflink itself is tests/reflink.bats).

setup() { load common; cd "$BATS_TEST_TMPDIR"; }
teardown() { loopfs_cleanup; }

# More than the 1 MiB pipes hold, so every method needs several calls, and
# odd, so no page or block alignment hides a lost tail.
SIZE=$((2 * 1048576 + 4097))
# What is checked of an endless /dev/zero source.
ZEROS=$((3 * 1048576))
METHODS="reflink copy_file_range sendfile splice readwrite"

# Source specs:      file stdin-file pipe fifo stdin-fifo unix tcp
#                    null stdin-null zero stdin-zero
# Destination specs: file stdout-file pipe fifo stdout-fifo unix tcp
#                    null stdout-null zero stdout-zero
# "pipe" is always stdin/stdout (cat data | zcp - ..., zcp ... - | cat);
# unix and tcp are real sockets from sockrun on stdin/stdout.
#
# The helpers below set globals (REPLY, SC, DC, ...) rather than print:
# some 700 runs of zcp are checked here, and subshells add up.

# classify SRC DST: SC and DC, the kinds zcp classifies the specs as, and
# SNAME, DNAME, the operand names zcp reports.
classify() {
	case $1 in
	file | stdin-file) SC=file ;;
	pipe | fifo | stdin-fifo) SC=pipe ;;
	unix | tcp) SC=sock ;;
	null | stdin-null) SC=null ;;
	zero | stdin-zero) SC=zero ;;
	esac
	case $2 in
	file | stdout-file) DC=file ;;
	pipe | fifo | stdout-fifo) DC=pipe ;;
	unix | tcp) DC=sock ;;
	null | stdout-null | zero | stdout-zero) DC=chr ;;
	esac
	case $1 in
	file) SNAME=data ;; fifo) SNAME=fin ;; null | zero) SNAME=/dev/$1 ;;
	*) SNAME=- ;;
	esac
	case $2 in
	file) DNAME=got ;; fifo) DNAME=fout ;; null | zero) DNAME=/dev/$2 ;;
	*) DNAME=- ;;
	esac
}

kind_name() {
	case $1 in
	file) REPLY="regular file" ;;
	pipe) REPLY="pipe" ;;
	sock) REPLY="socket" ;;
	null | zero | chr) REPLY="character device" ;;
	esac
}

# The auto chain the design's table gives a pair of kinds.
chain_of() {
	case $1,$2 in
	file,file) REPLY="reflink, copy_file_range, sendfile, readwrite" ;;
	file,pipe) REPLY="splice, sendfile, readwrite" ;;
	file,sock | file,chr) REPLY="sendfile, splice, readwrite" ;;
	*) REPLY="splice, readwrite" ;;
	esac
}

# The methods the auto chain runs here, in order, the last one winning:
# FICLONE is EOPNOTSUPP on ext4, and /dev/null has no splice_read.
attempts_of() {
	case $1,$2 in
	file,file) REPLY="reflink copy_file_range" ;;
	file,pipe) REPLY="splice" ;;
	file,*) REPLY="sendfile" ;;
	null,*) REPLY="splice readwrite" ;;
	*) REPLY="splice" ;;
	esac
}

# Whether a forced method can serve a pair of kinds on this kernel.
method_works() {
	local m=$1 s=$2 d=$3

	case $m in
	auto | readwrite) return 0 ;;
	reflink) return 1 ;;		# ext4: EOPNOTSUPP; otherwise not files
	copy_file_range) [ "$s,$d" = file,file ] ;;
	# sendfile reads a file's (or /dev/zero's) pages into anything; a
	# socket splices into a pipe; pipes and /dev/null it cannot read.
	sendfile) [ "$s" = file ] || [ "$s" = zero ] ||
		[ "$s,$d" = sock,pipe ] ;;
	splice) [ "$s" != null ] ;;	# /dev/null has no splice_read
	esac
}

# The reason a refused forced method gives, as a regex.
refusal_of() {
	case $1 in
	reflink)
		if [ "$2,$3" = file,file ]; then
			REPLY="ioctl FICLONE: Operation not supported"
		else
			REPLY="both ends must be regular files"
		fi ;;
	*) REPLY="$1: Invalid argument" ;;
	esac
}

# has_line REGEX: some line of zcp's stderr matches REGEX (anchor it).
has_line() {
	local l
	while IFS= read -r l; do
		[[ $l =~ $1 ]] && return 0
	done <<< "$err"
	return 1
}

# tried: REPLY = the methods the trace shows attempts of, in order.
tried() {
	local l re='^zcp: trace: ([a-z_]+): '
	REPLY=
	while IFS= read -r l; do
		[[ $l =~ $re ]] || continue
		[ "${BASH_REMATCH[1]}" = sparse ] && continue
		REPLY+=${REPLY:+ }${BASH_REMATCH[1]}
	done <<< "$err"
}

# moved_by: REPLY = the method whose system call moved the first bytes,
# from strace's log (for /dev/zero, which never ends, so zcp never
# reports "done").  write(2, ...) is zcp's trace, not data; calls before
# its first trace line are not zcp's copy (a sanitizer's runtime writes
# its own files as the program starts).
moved_by() {
	local l re='^([0-9]+ +)?(splice|sendfile|copy_file_range|write)\(([0-9]+),.*\) += [1-9][0-9]*$'
	local traced=
	REPLY=
	while IFS= read -r l; do
		[[ $l =~ $re ]] || continue
		case ${BASH_REMATCH[2]},${BASH_REMATCH[3]},$traced in
		write,2,*) traced=1; continue ;;
		*,*,) continue ;;
		write,*) REPLY=readwrite ;;
		*) REPLY=${BASH_REMATCH[2]} ;;
		esac
		return 0
	done < sys
}

# run_pair SRC DST [OPTION...]: copy from a SRC spec to a DST spec with
# zcp OPTION...; sets rc (zcp's status) and err (its stderr), leaves what
# arrived in got; what should have is in the file $EXPECT.  Never hangs:
# writers and readers in the background are collected whatever zcp did.
# Call it as "run_pair ... || true": zcp's failures are for the caller.
run_pair() {
	local src=$1 dst=$2 sop dop sock= sr= in= out= pin= pout=
	local pre= wpid= rpid= idx=0 cmd
	shift 2
	classify "$src" "$dst"
	rm -f got err fin fout sys
	case $SC in
	null) EXPECT=empty ;;
	zero) EXPECT=zeros ;;
	*) EXPECT=data ;;
	esac
	case $src in
	file) sop=data ;;
	stdin-file) sop=-; in='< data' ;;
	pipe) sop=-; pin='cat data | ' ;;
	fifo) sop=fin; mkfifo fin ;;
	stdin-fifo) sop=-; in='< fin'; mkfifo fin ;;
	unix | tcp) sop=-; sock=$src; sr='-i data' ;;
	null | zero) sop=/dev/$src ;;
	stdin-*) sop=-; in="< /dev/${src#stdin-}" ;;
	esac
	case $dst in
	file) dop=got ;;
	stdout-file) dop=-; out='> got' ;;
	pipe) dop=-; pout=' | cat > got' ;;
	fifo) dop=fout; mkfifo fout ;;
	stdout-fifo) dop=-; out='> fout'; mkfifo fout ;;
	unix | tcp) dop=-; sock=$dst; sr="$sr -o got" ;;
	null | zero) dop=/dev/$dst ;;
	stdout-*) dop=-; out="> /dev/${dst#stdout-}" ;;
	esac
	if [ "$SC" = zero ]; then
		# Endless: the reader takes ZEROS bytes and goes away (SIGPIPE),
		# a file stops at ulimit -f, a device is stopped by timeout.
		# strace shows which call moved the bytes.
		pre="strace -f -qq -o sys -e trace=splice,sendfile,copy_file_range,write"
		case $DC in
		pipe) pout=${pout:+ | head -c $ZEROS > got} ;;
		sock) sr="-o /dev/stdout"; pout=" | head -c $ZEROS > got" ;;
		file) pre="trap '' XFSZ; ulimit -f $((ZEROS / 1024)); $pre" ;;
		# 2 s: one sendfile of 2 GiB can take most of a second on a
		# loaded machine, and a call cut short shows no bytes.
		chr) pre="$pre timeout 2" ;;
		esac
	fi
	[ -n "$sock" ] && sr="\"\$HELPERS/sockrun\" -t $sock $sr -- "
	[ -n "$pin" ] && idx=1
	# A subshell, so ulimit and the trap stay in it.
	cmd="$pin( $sr$pre \"\$ZCP\" \"\$@\" $sop $dop $in $out 2>err )$pout"
	if [ -e fin ]; then
		cat data > fin &
		wpid=$!
	fi
	if [ -e fout ]; then
		if [ "$SC" = zero ]; then
			head -c $ZEROS fout > got &
		else
			cat fout > got &
		fi
		rpid=$!
	fi
	eval "$cmd; rc=\${PIPESTATUS[$idx]}"
	# zcp has read to EOF, or failed: the writer is done or stuck in open.
	if [ -n "$wpid" ]; then
		kill "$wpid" 2>/dev/null || true
		wait "$wpid" 2>/dev/null || true
	fi
	# A reader still waiting in open() gets an EOF from a writer of ours:
	# opening a FIFO read-write never blocks, and costs a reader that is
	# still draining what zcp wrote nothing.
	if [ -n "$rpid" ]; then
		: <> fout
		wait "$rpid" || true
	fi
	err=$(< err)
	return 0
}

fail_pair() {
	echo "$1" >&2
	echo "--- zcp's stderr (status $rc):" >&2
	echo "$err" >&2
	return 1
}

# The bytes that arrived are the source's (a device keeps none to compare).
check_content() {
	[ "$DC" = chr ] && return 0
	cmp got "$EXPECT" || fail_pair "the copy differs from the source"
}

# check_run SRC DST METHOD: one forced (or auto) run, checked.
check_run() {
	local src=$1 dst=$2 m=$3 want line attempts winner bytes

	run_pair "$src" "$dst" --trace "--method=$m" || true

	# The pair line names both ends, their kinds and the chain.
	if [ "$m" = auto ]; then
		chain_of "$SC" "$DC"
		want="methods: $REPLY"
	else
		want="methods: $m"
	fi
	kind_name "$SC"
	line="zcp: trace: '$SNAME' -> '$DNAME': $REPLY -> "
	kind_name "$DC"
	line+="$REPLY; $want"
	[[ $'\n'$err$'\n' == *$'\n'"$line"$'\n'* ]] ||
		fail_pair "--method=$m: no trace line: $line"

	if ! method_works "$m" "$SC" "$DC"; then
		[ "$rc" -eq 1 ] || fail_pair "--method=$m should fail with 1"
		refusal_of "$m" "$SC" "$DC"
		has_line "^zcp: cannot copy '$SNAME' to '$DNAME' with --method=$m: $REPLY\$" ||
			fail_pair "--method=$m: no 'cannot copy' message"
		# Refused before any byte moved: nothing arrived.
		case $DC in
		file | pipe | sock) [ ! -s got ] ||
			fail_pair "--method=$m failed but wrote $(stat -c %s got) bytes" ;;
		esac
		return 0
	fi

	# It works: the bytes, the status, and which method moved them.
	if [ "$m" = auto ]; then
		attempts_of "$SC" "$DC"
		attempts=$REPLY
	else
		attempts=$m
	fi
	winner=${attempts##* }
	if [ "$SC" = zero ]; then
		check_zero_run "$dst" "$winner"
		return
	fi
	[ "$rc" -eq 0 ] || fail_pair "--method=$m should succeed"
	check_content
	tried
	[ "$REPLY" = "$attempts" ] ||
		fail_pair "--method=$m: methods tried: '$REPLY', not: $attempts"
	bytes=$SIZE
	[ "$SC" = null ] && bytes=0
	has_line "^zcp: trace: $winner: $bytes bytes? in [0-9]+ calls?, done" ||
		fail_pair "--method=$m: $winner should report $bytes bytes done"
	check_pages "$m" "$winner"
}

# splice and sendfile from a file into a pipe or socket say that the
# reader got page-cache pages; nothing else does.
check_pages() {
	local m=$1 winner=$2

	if [ "$SC" = file ] && { [ "$DC" = pipe ] || [ "$DC" = sock ]; } &&
	    { [ "$winner" = splice ] || [ "$winner" = sendfile ]; }; then
		has_line "^zcp: trace: $winner: .*done .*the reader was handed page-cache pages" ||
			fail_pair "--method=$m: the trace should say the reader shares page-cache pages"
	else
		[[ $err != *page-cache* ]] ||
			fail_pair "--method=$m: no page-cache sharing to report here"
	fi
}

# /dev/zero never ends: what arrived are zeros, and zcp stopped the way
# the destination stops it.
check_zero_run() {
	local dst=$1 winner=$2

	case $DC in
	file)
		[ "$rc" -eq 1 ] || fail_pair "ulimit -f should stop it with 1"
		has_line "^zcp: error writing '$DNAME': File too large\$" ||
			fail_pair "no 'error writing' message"
		has_line "^zcp: trace: $winner: .*EFBIG .*after $ZEROS bytes" ||
			fail_pair "$winner should report $ZEROS bytes before EFBIG" ;;
	pipe)
		[ "$rc" -eq 141 ] || fail_pair "a closed reader should end it by SIGPIPE" ;;
	sock)
		# TCP may answer a closed reader with a reset instead of EPIPE.
		[ "$rc" -eq 141 ] || { [ "$dst" = tcp ] && [ "$rc" -eq 1 ] &&
			has_line "^zcp: error writing '-': Connection reset by peer\$"; } ||
			fail_pair "a closed reader should end it by SIGPIPE" ;;
	chr)
		[ "$rc" -eq 124 ] ||
			fail_pair "it should copy until timeout stops it" ;;
	esac
	check_content
	moved_by
	[ "$REPLY" = "$winner" ] ||
		fail_pair "the bytes should be moved by $winner, not '$REPLY'"
}

# check_pair SRC DST: auto, then every forced method.
check_pair() {
	local m

	mkdata data $SIZE
	: > empty
	head -c $ZEROS /dev/zero > zeros
	for m in auto $METHODS; do
		check_run "$1" "$2" "$m"
	done
}

# --- regular file ->
@test "pair: file -> file" { check_pair file file; }
@test "pair: file -> stdout file" { check_pair file stdout-file; }
@test "pair: file -> stdout pipe" { check_pair file pipe; }
@test "pair: file -> fifo" { check_pair file fifo; }
@test "pair: file -> stdout fifo" { check_pair file stdout-fifo; }
@test "pair: file -> unix socket" { check_pair file unix; }
@test "pair: file -> tcp socket" { check_pair file tcp; }
@test "pair: file -> /dev/null" { check_pair file null; }
@test "pair: file -> stdout /dev/null" { check_pair file stdout-null; }
@test "pair: file -> /dev/zero" { check_pair file zero; }
@test "pair: file -> stdout /dev/zero" { check_pair file stdout-zero; }

# --- regular file on stdin ->
@test "pair: stdin file -> file" { check_pair stdin-file file; }
@test "pair: stdin file -> stdout file" { check_pair stdin-file stdout-file; }
@test "pair: stdin file -> stdout pipe" { check_pair stdin-file pipe; }
@test "pair: stdin file -> fifo" { check_pair stdin-file fifo; }
@test "pair: stdin file -> stdout fifo" { check_pair stdin-file stdout-fifo; }
@test "pair: stdin file -> unix socket" { check_pair stdin-file unix; }
@test "pair: stdin file -> tcp socket" { check_pair stdin-file tcp; }
@test "pair: stdin file -> /dev/null" { check_pair stdin-file null; }
@test "pair: stdin file -> stdout /dev/null" { check_pair stdin-file stdout-null; }
@test "pair: stdin file -> /dev/zero" { check_pair stdin-file zero; }
@test "pair: stdin file -> stdout /dev/zero" { check_pair stdin-file stdout-zero; }

# --- pipe on stdin ->
@test "pair: stdin pipe -> file" { check_pair pipe file; }
@test "pair: stdin pipe -> stdout file" { check_pair pipe stdout-file; }
@test "pair: stdin pipe -> stdout pipe" { check_pair pipe pipe; }
@test "pair: stdin pipe -> fifo" { check_pair pipe fifo; }
@test "pair: stdin pipe -> stdout fifo" { check_pair pipe stdout-fifo; }
@test "pair: stdin pipe -> unix socket" { check_pair pipe unix; }
@test "pair: stdin pipe -> tcp socket" { check_pair pipe tcp; }
@test "pair: stdin pipe -> /dev/null" { check_pair pipe null; }
@test "pair: stdin pipe -> stdout /dev/null" { check_pair pipe stdout-null; }
@test "pair: stdin pipe -> /dev/zero" { check_pair pipe zero; }
@test "pair: stdin pipe -> stdout /dev/zero" { check_pair pipe stdout-zero; }

# --- FIFO ->
@test "pair: fifo -> file" { check_pair fifo file; }
@test "pair: fifo -> stdout file" { check_pair fifo stdout-file; }
@test "pair: fifo -> stdout pipe" { check_pair fifo pipe; }
@test "pair: fifo -> fifo" { check_pair fifo fifo; }
@test "pair: fifo -> stdout fifo" { check_pair fifo stdout-fifo; }
@test "pair: fifo -> unix socket" { check_pair fifo unix; }
@test "pair: fifo -> tcp socket" { check_pair fifo tcp; }
@test "pair: fifo -> /dev/null" { check_pair fifo null; }
@test "pair: fifo -> stdout /dev/null" { check_pair fifo stdout-null; }
@test "pair: fifo -> /dev/zero" { check_pair fifo zero; }
@test "pair: fifo -> stdout /dev/zero" { check_pair fifo stdout-zero; }

# --- FIFO on stdin ->
@test "pair: stdin fifo -> file" { check_pair stdin-fifo file; }
@test "pair: stdin fifo -> stdout file" { check_pair stdin-fifo stdout-file; }
@test "pair: stdin fifo -> stdout pipe" { check_pair stdin-fifo pipe; }
@test "pair: stdin fifo -> fifo" { check_pair stdin-fifo fifo; }
@test "pair: stdin fifo -> stdout fifo" { check_pair stdin-fifo stdout-fifo; }
@test "pair: stdin fifo -> unix socket" { check_pair stdin-fifo unix; }
@test "pair: stdin fifo -> tcp socket" { check_pair stdin-fifo tcp; }
@test "pair: stdin fifo -> /dev/null" { check_pair stdin-fifo null; }
@test "pair: stdin fifo -> stdout /dev/null" { check_pair stdin-fifo stdout-null; }
@test "pair: stdin fifo -> /dev/zero" { check_pair stdin-fifo zero; }
@test "pair: stdin fifo -> stdout /dev/zero" { check_pair stdin-fifo stdout-zero; }

# --- AF_UNIX socket on stdin ->
@test "pair: unix socket -> file" { check_pair unix file; }
@test "pair: unix socket -> stdout file" { check_pair unix stdout-file; }
@test "pair: unix socket -> stdout pipe" { check_pair unix pipe; }
@test "pair: unix socket -> fifo" { check_pair unix fifo; }
@test "pair: unix socket -> stdout fifo" { check_pair unix stdout-fifo; }
@test "pair: unix socket -> unix socket" { check_pair unix unix; }
@test "pair: unix socket -> /dev/null" { check_pair unix null; }
@test "pair: unix socket -> stdout /dev/null" { check_pair unix stdout-null; }
@test "pair: unix socket -> /dev/zero" { check_pair unix zero; }
@test "pair: unix socket -> stdout /dev/zero" { check_pair unix stdout-zero; }

# --- TCP socket on stdin ->
@test "pair: tcp socket -> file" { check_pair tcp file; }
@test "pair: tcp socket -> stdout file" { check_pair tcp stdout-file; }
@test "pair: tcp socket -> stdout pipe" { check_pair tcp pipe; }
@test "pair: tcp socket -> fifo" { check_pair tcp fifo; }
@test "pair: tcp socket -> stdout fifo" { check_pair tcp stdout-fifo; }
@test "pair: tcp socket -> tcp socket" { check_pair tcp tcp; }
@test "pair: tcp socket -> /dev/null" { check_pair tcp null; }
@test "pair: tcp socket -> stdout /dev/null" { check_pair tcp stdout-null; }
@test "pair: tcp socket -> /dev/zero" { check_pair tcp zero; }
@test "pair: tcp socket -> stdout /dev/zero" { check_pair tcp stdout-zero; }

# --- /dev/null (a character device that is empty) ->
@test "pair: /dev/null -> file" { check_pair null file; }
@test "pair: /dev/null -> stdout file" { check_pair null stdout-file; }
@test "pair: /dev/null -> stdout pipe" { check_pair null pipe; }
@test "pair: /dev/null -> fifo" { check_pair null fifo; }
@test "pair: /dev/null -> stdout fifo" { check_pair null stdout-fifo; }
@test "pair: /dev/null -> unix socket" { check_pair null unix; }
@test "pair: /dev/null -> tcp socket" { check_pair null tcp; }
@test "pair: /dev/null -> /dev/zero" { check_pair null zero; }
@test "pair: /dev/null -> stdout /dev/zero" { check_pair null stdout-zero; }

# --- /dev/null on stdin ->
@test "pair: stdin /dev/null -> file" { check_pair stdin-null file; }
@test "pair: stdin /dev/null -> stdout file" { check_pair stdin-null stdout-file; }
@test "pair: stdin /dev/null -> stdout pipe" { check_pair stdin-null pipe; }
@test "pair: stdin /dev/null -> fifo" { check_pair stdin-null fifo; }
@test "pair: stdin /dev/null -> stdout fifo" { check_pair stdin-null stdout-fifo; }
@test "pair: stdin /dev/null -> unix socket" { check_pair stdin-null unix; }
@test "pair: stdin /dev/null -> tcp socket" { check_pair stdin-null tcp; }
@test "pair: stdin /dev/null -> /dev/zero" { check_pair stdin-null zero; }
@test "pair: stdin /dev/null -> stdout /dev/zero" { check_pair stdin-null stdout-zero; }

# --- /dev/zero (a character device that never ends) ->
@test "pair: /dev/zero -> file (ulimit -f)" { check_pair zero file; }
@test "pair: /dev/zero -> stdout file (ulimit -f)" { check_pair zero stdout-file; }
@test "pair: /dev/zero -> stdout pipe" { check_pair zero pipe; }
@test "pair: /dev/zero -> fifo" { check_pair zero fifo; }
@test "pair: /dev/zero -> stdout fifo" { check_pair zero stdout-fifo; }
@test "pair: /dev/zero -> unix socket" { check_pair zero unix; }
@test "pair: /dev/zero -> tcp socket" { check_pair zero tcp; }
@test "pair: /dev/zero -> /dev/null" { check_pair zero null; }
@test "pair: /dev/zero -> stdout /dev/null" { check_pair zero stdout-null; }

# --- /dev/zero on stdin ->
@test "pair: stdin /dev/zero -> file (ulimit -f)" { check_pair stdin-zero file; }
@test "pair: stdin /dev/zero -> stdout file (ulimit -f)" { check_pair stdin-zero stdout-file; }
@test "pair: stdin /dev/zero -> stdout pipe" { check_pair stdin-zero pipe; }
@test "pair: stdin /dev/zero -> fifo" { check_pair stdin-zero fifo; }
@test "pair: stdin /dev/zero -> stdout fifo" { check_pair stdin-zero stdout-fifo; }
@test "pair: stdin /dev/zero -> unix socket" { check_pair stdin-zero unix; }
@test "pair: stdin /dev/zero -> tcp socket" { check_pair stdin-zero tcp; }
@test "pair: stdin /dev/zero -> /dev/null" { check_pair stdin-zero null; }
@test "pair: stdin /dev/zero -> stdout /dev/null" { check_pair stdin-zero stdout-null; }

# --- the shapes scripts use, end to end ---

@test "pipeline: producer | zcp - - | consumer" {
	mkdata data $SIZE
	run bash -c 'cat data | "$ZCP" - - | sha256sum'
	assert_success
	assert_output "$(sha256sum < data)"
}

@test "pipeline: zcp - out < file; zcp f - > file; zcp - - < f > g" {
	mkdata data $SIZE
	zcp - a < data
	cmp a data
	zcp data - > b
	cmp b data
	zcp - - < data > c
	cmp c data
}

@test "pipeline: sockrun -t tcp -i f -- zcp - out; zcp f - over tcp" {
	mkdata data $SIZE
	"$HELPERS/sockrun" -t tcp -i data -- "$ZCP" - out
	cmp out data
	"$HELPERS/sockrun" -t tcp -o back -- "$ZCP" out -
	cmp back data
}

@test "pipeline: zcp fifo out with a writer in the background" {
	mkdata data $SIZE
	mkfifo ff
	cat data > ff &
	timeout 10 "$ZCP" ff out
	wait
	cmp out data
}

@test "non-blocking sockets (sockrun -n) both ways" {
	mkdata data $SIZE
	"$HELPERS/sockrun" -n -i data -o out -- "$ZCP" - -
	cmp out data
	"$HELPERS/sockrun" -n -t tcp -i data -o out2 -- "$ZCP" - -
	cmp out2 data
}

# splice_ends SYS: check that every splice(2) in the strace log SYS has
# the pipe pipe2(2) made at one end (RELAY=1), or that there is no such
# pipe and every splice goes from fd 0 straight to fd 1 (RELAY=0).
splice_ends() {
	awk -v relay="$RELAY" '
	/^pipe2\(\[/ { split($0, p, /[][, ]+/); r = p[2]; w = p[3]; pipes++ }
	/^splice\(/ {
		split($0, a, /[(, ]+/); n++
		if (relay && a[2] != r && a[4] != w) bad++
		if (!relay && (a[2] != 0 || a[4] != 1)) bad++
	}
	END {
		if (n < 3) { print "only " n " splice calls"; exit 1 }
		if (relay && pipes != 1) { print pipes + 0 " pipes made"; exit 1 }
		if (!relay && pipes) { print "a pipe was made"; exit 1 }
		if (bad) { print bad " splice calls at the wrong ends"; exit 1 }
	}' "$1"
}

@test "splice: pipe <-> regular file through zcp's own pipe, pipe -> pipe directly" {
	mkdata data $SIZE
	# file -> pipe: in-splice into the private pipe, out of it to stdout.
	strace -qq -o sys -e trace=pipe2,splice "$ZCP" data - | cat > out
	cmp out data
	RELAY=1 splice_ends sys
	# pipe -> file.
	cat data | strace -qq -o sys -e trace=pipe2,splice "$ZCP" - out2
	cmp out2 data
	RELAY=1 splice_ends sys
	# pipe -> pipe: one splice a chunk, no pipe of its own.
	cat data | strace -qq -o sys -e trace=pipe2,splice "$ZCP" - - | cat > out3
	cmp out3 data
	RELAY=0 splice_ends sys
}
