# Fault injection: tests/helpers/faultshim.so makes FICLONE,
# copy_file_range, sendfile, splice, read and write fail, come back short
# or return 0 on chosen calls (see the comment at the top of
# tests/helpers/faultshim.c).  Every case ends with identical bytes and
# exit 0, or with exit 1 and a message naming the files; every case also
# checks in the shim's log that its fault really fired, so a fault that
# never happens cannot pass for one that was handled.
#
# "First call" cases fault a method before it moved a byte; "mid-copy"
# ones after it moved some: copy_file_range and sendfile (which move a
# whole file in one call) are first cut short to 7 bytes so that their
# second call is a mid-copy one, and the fallback must go on from byte 7.

setup() { load common; cd "$BATS_TEST_TMPDIR"; }
teardown() { loopfs_cleanup; }

SIZE=8388608		# 8 MiB: many splice and read/write calls

# Before any byte moved these mean "try the next method".
UNSUPPORTED="ENOSYS ENOTTY EOPNOTSUPP EINVAL EBADF EXDEV ETXTBSY EPERM EACCES ENOENT"
# Never "unsupported", not even from FICLONE.
REAL="EIO ENOSPC EDQUOT ENOMEM"
# Retried, waited out, looped over.
TRANSIENT="EINTR EAGAIN short"

# ext4 and tmpfs refuse FICLONE anyway; say so explicitly, so that the
# file -> file cases test the same chain wherever $BATS_TEST_TMPDIR is.
NOCLONE=ficlone:EOPNOTSUPP:1

strerror() {
	case $1 in
	ENOSYS) echo "Function not implemented" ;;
	ENOTTY) echo "Inappropriate ioctl for device" ;;
	EOPNOTSUPP) echo "Operation not supported" ;;
	EINVAL) echo "Invalid argument" ;;
	EBADF) echo "Bad file descriptor" ;;
	EXDEV) echo "Invalid cross-device link" ;;
	ETXTBSY) echo "Text file busy" ;;
	EPERM) echo "Operation not permitted" ;;
	EACCES) echo "Permission denied" ;;
	ENOENT) echo "No such file or directory" ;;
	EIO) echo "Input/output error" ;;
	ENOSPC) echo "No space left on device" ;;
	EDQUOT) echo "Disk quota exceeded" ;;
	ENOMEM) echo "Cannot allocate memory" ;;
	*) echo "strerror: $1 not in the table" >&2; return 1 ;;
	esac
}

# re TEXT: an extended regular expression matching TEXT literally.
re() { printf '%s' "$1" | sed 's/[][\.*^$(){}?+|/]/\\&/g'; }

# errre ERRNO: how a trace line shows ERRNO, as a regular expression.
errre() { printf '%s %s' "$1" "$(re "($(strerror "$1"))")"; }

flog() { printf '%s' "$BATS_TEST_TMPDIR/faults.log"; }

# logline NAME:ACTION:FROM[:COUNT]: the log line of the first fault it injects.
logline() {
	local name action from
	IFS=: read -r name action from _ <<<"$1"
	printf '%s %s #%s' "$name" "$action" "$from"
}

# fresh CASE: start a case: name it for failure messages, no outputs left.
fresh() {
	CASE=$1
	rm -f b out "$(flog)"
}

# zf SPEC ARG...: zcp ARG... under the fault shim.
zf() {
	local spec=$1
	shift
	FAULT_LOG=$(flog) with_faults "$spec" "$ZCP" "$@"
}

# zf_to_pipe SPEC ARG...: standard output a pipe whose reader saves what
# it gets in 'out'; the status is zcp's.
zf_to_pipe() {
	zf "$@" | cat > out
	return "${PIPESTATUS[0]}"
}

# zf_from_pipe SPEC ARG...: standard input a pipe that carries 'a'.
zf_from_pipe() {
	cat a | zf "$@"
	return "${PIPESTATUS[1]}"
}

# zf_pipe_pipe SPEC ARG...: standard input a pipe that carries 'a',
# standard output a pipe whose reader saves what it gets in 'out'.
zf_pipe_pipe() {
	cat a | zf "$@" | cat > out
	return "${PIPESTATUS[1]}"
}

# zf_to_file SPEC ARG...: standard output the regular file 'out'.
zf_to_file() {
	zf "$@" > out
}

sockrun() {
	local bin=$HELPERS/sockrun
	if [ ! -x "$bin" ]; then
		bin=$BATS_TEST_TMPDIR/sockrun
		[ -x "$bin" ] || cc -o "$bin" "$SRCDIR/tests/helpers/sockrun.c" ||
			skip "cannot build tests/helpers/sockrun"
	fi
	"$bin" "$@"
}

# zf_sock SOCKRUN-OPTION... -- SPEC ARG...: zcp with a socket for its
# standard input and/or output; only zcp gets the shim.
zf_sock() {
	local opts=() spec
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	spec=$2
	shift 2
	sockrun "${opts[@]}" -- env ZCP_FAULT="$spec" ZCP_FAULT_LOG="$(flog)" \
	    LD_PRELOAD="$HELPERS/faultshim.so${LD_PRELOAD:+:$LD_PRELOAD}" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$ZCP" "$@"
}

# --- checks: each names $CASE when it fails -------------------------------

says() {
	fail "$CASE: $1
--- zcp's output:
$output
--- fault log:
$(cat "$(flog)" 2>/dev/null)"
}

expect_status() {
	[ "$status" -eq "$1" ] || says "exit status $status, expected $1"
}

# expect_fired LINE...: the shim logged each of these faults.
expect_fired() {
	local l
	for l; do
		grep -Fxq -- "$l" "$(flog)" 2>/dev/null ||
			says "the fault '$l' never fired"
	done
}

# expect_same [COPY [ORIGINAL]]: COPY (b) has the bytes of ORIGINAL (a).
expect_same() {
	cmp -s -- "${2:-a}" "${1:-b}" ||
		says "'${1:-b}' differs from '${2:-a}': $(cmp -- "${2:-a}" "${1:-b}" 2>&1)"
}

# expect_prefix N [FILE]: FILE (b) holds the first N bytes of 'a', no more.
expect_prefix() {
	local f=${2:-b} size
	size=$(stat -c %s -- "$f" 2>/dev/null) || size=missing
	[ "$size" = "$1" ] ||
		says "'$f' has $size bytes, expected the first $1 of 'a'"
	cmp -s -n "$1" -- a "$f" || says "'$f' is not the first $1 bytes of 'a'"
}

expect_line() {
	grep -Eq -- "$1" <<<"$output" || says "no line matches /$1/"
}

expect_no_line() {
	! grep -Eq -- "$1" <<<"$output" || says "a line matches /$1/"
}

# trace_bytes REGEX: the number REGEX captures in the first line it matches.
trace_bytes() {
	local line
	while IFS= read -r line; do
		if [[ $line =~ $1 ]]; then
			printf '%s' "${BASH_REMATCH[1]}"
			return 0
		fi
	done <<<"$output"
	says "no line matches /$1/"
}

# expect_error ERRNO [SRC DST]: one of cp's messages for a real error.
# Running out of room is the destination's fault when that is a file.
expect_error() {
	local e=$1 s=${2:-a} d=${3:-b} msg
	msg=$(re "$(strerror "$e")")
	if [ "$d" != - ] && { [ "$e" = ENOSPC ] || [ "$e" = EDQUOT ]; }; then
		expect_line "^zcp: error writing '$d': $msg\$"
	else
		expect_line "^zcp: error (copying '$s' to '$d'|reading '$s'|writing '$d'): $msg\$"
	fi
}

# fellback METHOD ERRNO BYTES CALLS NEXT: METHOD refused with ERRNO after
# BYTES in CALLS calls and handed over to NEXT.
fellback() {
	expect_line "^zcp: trace: $1: $(errre "$2") after $3 bytes? in $4 calls?(, [^;]*)?; falling back to $5\$"
}

# finished METHOD BYTES: METHOD moved BYTES and the copy was done.
finished() {
	expect_line "^zcp: trace: $1: $2 bytes in [0-9]+ calls?, done"
}

# gaveup METHOD CALL ERRNO [BYTES]: METHOD failed for real (after BYTES);
# nothing ran after it.
gaveup() {
	local re="^zcp: trace: $1: $2: $(errre "$3") after ${4:-[0-9]+} bytes? in [0-9]+ calls?; giving up\$"
	expect_line "$re"
	RE=$re awk 'found && /^zcp: trace: / { bad = 1 }
	    $0 ~ ENVIRON["RE"] { found = 1 } END { exit bad }' <<<"$output" ||
		says "something was tried after $1 gave up"
	expect_no_line "^zcp: trace: [a-z_]+: [0-9]+ bytes? in [0-9]+ calls?, done"
}

# --- the shim itself ----------------------------------------------------------

@test "shim: counts calls per name and per fd, fires in its window, logs, passes the rest" {
	command -v cc >/dev/null || skip "no C compiler"
	cat > probe.c <<-'EOF'
	#define _GNU_SOURCE
	#include <sys/ioctl.h>
	#include <linux/fs.h>
	#include <errno.h>
	#include <stdio.h>
	#include <string.h>
	#include <unistd.h>
	static void
	r(const char *what, long rc, int err)
	{
		printf("%s %ld %s\n", what, rc, rc == -1 ? strerrorname_np(err) : "-");
	}
	#define R(what, call) do { long rc_ = (call); r(what, rc_, errno); } while (0)
	/* Descriptors the specs can name, whatever bats keeps open. */
	#define RD 20
	#define WR 21
	int
	main(void)
	{
		char buf[64];
		int p[2], n = -1;
		if (pipe(p) == -1 || dup2(p[0], RD) != RD || dup2(p[1], WR) != WR)
			return 2;
		close(p[0]);
		close(p[1]);
		R("write", write(WR, "0123456789abcdef", 16));
		R("write", write(WR, "0123456789abcdef", 16));
		close(WR);	/* the last read sees the end */
		R("read", read(RD, buf, 10));
		R("read", read(RD, buf, 10));
		R("read", read(RD, buf, 10));
		R("ioctl FIONREAD", ioctl(RD, FIONREAD, &n));
		printf("in pipe %d\n", n);
		R("ioctl FICLONE", ioctl(RD, FICLONE, RD));
		R("ioctl FICLONE", ioctl(RD, FICLONE, RD));
		R("read", read(RD, buf, 10));
		R("read", read(RD, buf, 10));
		R("read", read(RD, buf, 10));
		return 0;
	}
	EOF
	cc -o probe probe.c
	# FIONREAD passes through even while every FICLONE fails; write@20
	# never fires, as nothing writes to descriptor 20.
	CASE="no ZCP_FAULT"
	run with_faults "" ./probe
	expect_status 0
	assert_output "write 16 -
write 16 -
read 10 -
read 10 -
read 10 -
ioctl FIONREAD 0 -
in pipe 2
ioctl FICLONE -1 EINVAL
ioctl FICLONE -1 EINVAL
read 2 -
read 0 -
read 0 -"
	[ ! -s "$(flog)" ] || says "faults logged with no ZCP_FAULT"

	CASE="a spec of each kind"
	run with_faults "write@21:short:2,write@20:EIO:1:0,read:EINTR:2:2,ficlone:EXDEV:1:0,read:zero:5,read:EACCES:6" ./probe
	expect_status 0
	assert_output "write 16 -
write 7 -
read 10 -
read -1 EINTR
read -1 EINTR
ioctl FIONREAD 0 -
in pipe 13
ioctl FICLONE -1 EXDEV
ioctl FICLONE -1 EXDEV
read 10 -
read 0 -
read -1 EACCES"
	run cat "$(flog)"
	assert_output "write@21 short #2
read EINTR #2
read EINTR #3
ficlone EXDEV #1
ficlone EXDEV #2
read zero #5
read EACCES #6"
}

@test "shim: a spec that does not parse stops the program with status 125" {
	local spec
	for spec in nosuch:EIO:1 read:EBOGUS:1 read:EIO:0 read:EIO read:EIO:1:x \
	    ficlone:short:1 read@x:EIO:1 read:EIO:1:2:3; do
		CASE=$spec
		run with_faults "$spec" "$ZCP" --version
		expect_status 125
		expect_line "^faultshim: bad ZCP_FAULT spec '$(re "$spec")'"
	done
}

# --- unsupported errnos, auto chain: fall back, identical bytes -------------

@test "FICLONE: each unsupported errno on the first call falls back to copy_file_range" {
	local e
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		fresh "ficlone:$e:1"
		run zf "ficlone:$e:1" --trace a b
		expect_fired "ficlone $e #1"
		expect_status 0
		expect_same
		fellback reflink $e 0 1 copy_file_range
		finished copy_file_range $SIZE
	done
}

# FICLONE is one call for the whole file: its "middle" is the retry
# after an EINTR.
@test "FICLONE: EINTR is retried, and an unsupported errno on the retry falls back" {
	local e
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		fresh "ficlone:EINTR:1,ficlone:$e:2"
		run zf "ficlone:EINTR:1,ficlone:$e:2" --trace a b
		expect_fired "ficlone EINTR #1" "ficlone $e #2"
		expect_status 0
		expect_same
		fellback reflink $e 0 2 copy_file_range
		finished copy_file_range $SIZE
	done
}

@test "copy_file_range: each unsupported errno on the first call: sendfile copies" {
	local e spec
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		spec=$NOCLONE,copy_file_range:$e:1
		fresh "$spec"
		run zf "$spec" --trace a b
		expect_fired "copy_file_range $e #1"
		expect_status 0
		expect_same
		fellback copy_file_range $e 0 1 sendfile
		finished sendfile $SIZE
	done
}

@test "copy_file_range: each unsupported errno mid-copy: sendfile goes on from byte 7" {
	local e spec
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		spec=$NOCLONE,copy_file_range:short:1,copy_file_range:$e:2
		fresh "$spec"
		run zf "$spec" --trace a b
		expect_fired "copy_file_range short #1" "copy_file_range $e #2"
		expect_status 0
		expect_same
		fellback copy_file_range $e 7 2 sendfile
		finished sendfile $((SIZE - 7))
	done
}

@test "sendfile: each unsupported errno on the first call: readwrite copies" {
	local e spec
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		spec=$NOCLONE,copy_file_range:EXDEV:1,sendfile:$e:1
		fresh "$spec"
		run zf "$spec" --trace a b
		expect_fired "copy_file_range EXDEV #1" "sendfile $e #1"
		expect_status 0
		expect_same
		fellback sendfile $e 0 1 readwrite
		finished readwrite $SIZE
	done
}

@test "sendfile: each unsupported errno mid-copy: readwrite goes on from byte 7" {
	local e spec
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		spec=$NOCLONE,copy_file_range:EXDEV:1,sendfile:short:1,sendfile:$e:2
		fresh "$spec"
		run zf "$spec" --trace a b
		expect_fired "sendfile short #1" "sendfile $e #2"
		expect_status 0
		expect_same
		fellback sendfile $e 7 2 readwrite
		finished readwrite $((SIZE - 7))
	done
}

@test "mid-copy fallbacks in a row: copy_file_range, sendfile, then readwrite from byte 14" {
	local spec=$NOCLONE,copy_file_range:short:1,copy_file_range:EXDEV:2,sendfile:short:1,sendfile:EINVAL:2
	mkdata a $SIZE
	fresh "$spec"
	run zf "$spec" --trace a b
	expect_fired "copy_file_range EXDEV #2" "sendfile EINVAL #2"
	expect_status 0
	expect_same
	fellback copy_file_range EXDEV 7 2 sendfile
	fellback sendfile EINVAL 7 2 readwrite
	finished readwrite $((SIZE - 14))
}

@test "splice file -> pipe: each unsupported errno on the first call: sendfile copies" {
	local e
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		fresh "splice:$e:1 (a -> pipe)"
		run zf_to_pipe "splice:$e:1" --trace a -
		expect_fired "splice $e #1"
		expect_status 0
		expect_same out
		fellback splice $e 0 1 sendfile
		finished sendfile $SIZE
	done
}

@test "splice file -> pipe: each unsupported errno mid-copy: sendfile goes on" {
	local e n
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		fresh "splice:$e:3 (a -> pipe)"
		run zf_to_pipe "splice:$e:3" --trace a -
		expect_fired "splice $e #3"
		expect_status 0
		expect_same out
		n=$(trace_bytes "^zcp: trace: splice: $(errre $e) after ([0-9]+) bytes in 3 calls; falling back to sendfile\$")
		[ "$n" -gt 0 ] || says "splice moved nothing before call 3"
		finished sendfile $((SIZE - n))
	done
}

@test "splice pipe -> file: each unsupported errno, first call and mid-copy: readwrite goes on" {
	local e n at
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		for at in 1 3; do
			fresh "splice:$e:$at (pipe -> b)"
			run zf_from_pipe "splice:$e:$at" --trace - b
			expect_fired "splice $e #$at"
			expect_status 0
			expect_same
			n=$(trace_bytes "^zcp: trace: splice: $(errre $e) after ([0-9]+) bytes? in $at calls?(, [^;]*)?; falling back to readwrite\$")
			if [ $at = 1 ]; then
				[ "$n" -eq 0 ] || says "$n bytes before the first call"
			else
				[ "$n" -gt 0 ] || says "splice moved nothing before call 3"
			fi
			finished readwrite $((SIZE - n))
		done
	done
}

@test "splice pipe -> pipe: each unsupported errno, first call and mid-copy: readwrite goes on" {
	local e n at
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		for at in 1 3; do
			fresh "splice:$e:$at (pipe -> pipe)"
			run zf_pipe_pipe "splice:$e:$at" --trace - -
			expect_fired "splice $e #$at"
			expect_status 0
			expect_same out
			n=$(trace_bytes "^zcp: trace: splice: $(errre $e) after ([0-9]+) bytes? in $at calls?(, [^;]*)?; falling back to readwrite\$")
			if [ $at = 1 ]; then
				[ "$n" -eq 0 ] || says "$n bytes before the first call"
			else
				[ "$n" -gt 0 ] || says "splice moved nothing before call 3"
			fi
			finished readwrite $((SIZE - n))
		done
	done
}

# CMD...: standard output 'out', 6 bytes into it.
after_header() { { printf header; "$@"; } > out; }
# CMD...: standard input 'a', 100 bytes into it (dd reads exactly that).
after_100() { { dd bs=100 count=1 of=/dev/null status=none; "$@"; } < a; }

@test "inherited offsets: a mid-copy fallback goes on from the descriptors' own offsets" {
	local spec
	mkdata a $SIZE
	{ printf header; cat a; } > want_out
	tail -c +101 a > want_b
	for spec in $NOCLONE,copy_file_range:short:1,copy_file_range:EXDEV:2 \
	    $NOCLONE,copy_file_range:EXDEV:1,sendfile:short:1,sendfile:EINVAL:2; do
		fresh "$spec, standard output at offset 6"
		run after_header zf "$spec" --trace a -
		expect_fired "$(logline "${spec##*,}")"
		expect_status 0
		expect_same out want_out

		# dd reads exactly 100 bytes of a, leaving the offset there.
		fresh "$spec, standard input at offset 100"
		run after_100 zf "$spec" --trace - b
		expect_fired "$(logline "${spec##*,}")"
		expect_status 0
		expect_same b want_b
	done
}

# socket -> file goes through zcp's own pipe: splice #1 fills it from the
# socket, #2 empties it into b, and so on.
@test "splice socket -> pipe -> file: each unsupported errno on the in-splice, first and mid-copy" {
	local e n at
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		for at in 1 3; do
			fresh "splice:$e:$at (socket -> b)"
			run zf_sock -i a -- "splice:$e:$at" --trace - b
			expect_fired "splice $e #$at"
			expect_status 0
			expect_same
			expect_line "^zcp: trace: '-' -> 'b': socket -> regular file; methods: splice, readwrite\$"
			n=$(trace_bytes "^zcp: trace: splice: $(errre $e) after ([0-9]+) bytes? in $at calls?(, [^;]*)?; falling back to readwrite\$")
			if [ $at = 1 ]; then
				[ "$n" -eq 0 ] || says "$n bytes before the first call"
			else
				[ "$n" -gt 0 ] || says "splice moved nothing before call 3"
			fi
			finished readwrite $((SIZE - n))
		done
	done
}

@test "splice socket -> pipe -> file: the out-splice refused: what is in the pipe is rescued" {
	local e n spec
	mkdata a $SIZE
	for spec in $(for e in $UNSUPPORTED; do echo "splice:$e:2"; done) \
	    splice:short:2,splice:EINVAL:3; do
		e=${spec##*splice:}
		e=${e%%:*}
		fresh "$spec (socket -> b)"
		run zf_sock -i a -- "$spec" --trace - b
		expect_fired "splice $e #${spec##*:}"
		expect_status 0
		expect_same
		n=$(trace_bytes "^zcp: trace: splice: $(errre $e) after ([0-9]+) bytes in [0-9]+ calls; falling back to readwrite\$")
		[ "$n" -gt 0 ] || says "the bytes in the pipe were not counted"
		finished readwrite $((SIZE - n))
	done
}

@test "splice file -> pipe -> socket: sendfile refused, then the out-splice: rescued, readwrite goes on" {
	local n spec=sendfile:EINVAL:1,splice:EINVAL:4
	mkdata a $SIZE
	fresh "$spec (a -> socket)"
	run zf_sock -o out -- "$spec" --trace a -
	expect_fired "sendfile EINVAL #1" "splice EINVAL #4"
	expect_status 0
	expect_same out
	expect_line "^zcp: trace: 'a' -> '-': regular file -> socket; methods: sendfile, splice, readwrite\$"
	fellback sendfile EINVAL 0 1 splice
	n=$(trace_bytes "^zcp: trace: splice: $(errre EINVAL) after ([0-9]+) bytes in [0-9]+ calls; falling back to readwrite\$")
	[ "$n" -gt 0 ] || says "splice moved nothing"
	finished readwrite $((SIZE - n))
}

@test "--method=splice file -> file: the out-splice refused: the bytes in the pipe reach b, then exit 1" {
	local n spec
	mkdata a $SIZE
	for spec in splice:EINVAL:2 splice:short:2,splice:EINVAL:3 \
	    splice:EINVAL:4; do
		fresh "--method=splice $spec"
		run zf "$spec" --trace --method=splice a b
		expect_fired "splice EINVAL #${spec##*:}"
		expect_status 1
		n=$(trace_bytes "^zcp: trace: splice: $(errre EINVAL) after ([0-9]+) bytes in [0-9]+ calls; no other method to try\$")
		[ "$n" -gt 0 ] || says "the bytes in the pipe were not counted"
		expect_line "^zcp: cannot copy 'a' to 'b' with --method=splice after $n bytes: splice: Invalid argument\$"
		# Every byte taken from a is in b: none was lost in the pipe.
		expect_prefix "$n"
	done

	# A file that fits in the pipe: all of it was in the pipe, all of it
	# reaches b; the forced method still failed, and says so.
	mkdata a 100000
	fresh "--method=splice splice:EINVAL:2, a fits in the pipe"
	run zf splice:EINVAL:2 --method=splice a b
	expect_fired "splice EINVAL #2"
	expect_status 1
	expect_line "^zcp: cannot copy 'a' to 'b' with --method=splice after 100000 bytes: splice: Invalid argument\$"
	expect_same
}

@test "splice through zcp's pipe: a failure while rescuing the pipe's bytes is a real error" {
	local spec n
	mkdata a $SIZE
	# The rescue reads zcp's pipe and writes b: read #1, write #1, ...
	spec=splice:EINVAL:2,write:ENOSPC:2
	fresh "--method=splice $spec"
	run zf "$spec" --trace --method=splice a b
	expect_fired "splice EINVAL #2" "write ENOSPC #2"
	expect_status 1
	expect_line "^zcp: error writing 'b': No space left on device\$"
	gaveup splice write ENOSPC
	n=$(trace_bytes "^zcp: trace: splice: write: $(errre ENOSPC) after ([0-9]+) bytes")
	expect_prefix "$n"

	spec=splice:EINVAL:2,write:ENOSPC:1
	fresh "$spec (socket -> b, auto chain: nothing may run after it)"
	run zf_sock -i a -- "$spec" --trace - b
	expect_fired "splice EINVAL #2" "write ENOSPC #1"
	expect_status 1
	expect_line "^zcp: error writing 'b': No space left on device\$"
	gaveup splice write ENOSPC 0
	expect_prefix 0
}

@test "splice through zcp's pipe: a failing read while rescuing the pipe's bytes is named a read" {
	local spec n
	mkdata a $SIZE
	# The rescue reads zcp's pipe and writes b: read #1, write #1, read #2.
	spec=splice:EINVAL:2,read:EIO:2
	fresh "--method=splice $spec"
	run zf "$spec" --trace --method=splice a b
	expect_fired "splice EINVAL #2" "read EIO #2"
	expect_status 1
	expect_line "^zcp: error (copying 'a' to 'b'|reading 'a'|writing 'b'): Input/output error\$"
	gaveup splice read EIO
	n=$(trace_bytes "^zcp: trace: splice: [a-z]+: $(errre EIO) after ([0-9]+) bytes")
	expect_prefix "$n"
}

@test "sparse source: a mid-copy fallback inside a data extent keeps bytes and holes" {
	local spec=$NOCLONE,copy_file_range:short:1,copy_file_range:EXDEV:2
	truncate -s 16M a
	head -c 1M /dev/urandom | dd of=a bs=1M seek=2 conv=notrunc status=none
	head -c 1M /dev/urandom | dd of=a bs=1M seek=9 conv=notrunc status=none
	[ "$(($(stat -c %b a) * 512))" -lt 16777216 ] ||
		skip "this filesystem keeps no holes"
	fresh "$spec (sparse a)"
	run zf "$spec" --trace a b
	expect_fired "copy_file_range short #1" "copy_file_range EXDEV #2"
	expect_status 0
	expect_same
	fellback copy_file_range EXDEV 7 2 sendfile
	expect_line "^zcp: trace: sendfile: $((1048576 - 7)) bytes in [0-9]+ calls?, done\$"
	expect_line "^zcp: trace: sparse: 2 data extents, 2097152 bytes of 16777216; holes kept\$"
	[ "$(($(stat -c %b b) * 512))" -lt 16777216 ] ||
		says "b lost its holes: it uses $(($(stat -c %b b) * 512)) bytes"
}

# --- forced methods: no fallback --------------------------------------------

@test "--method=M: an unsupported errno is an error, on the first call and mid-copy" {
	local m e at spec after call size
	mkdata a $SIZE
	for m in reflink copy_file_range sendfile splice; do
		case $m in
		reflink) call="ioctl FICLONE" ;;
		*) call=$m ;;
		esac
		for e in $UNSUPPORTED; do
			for at in first mid; do
				case $m/$at in
				reflink/first) spec=ficlone:$e:1 ;;
				reflink/mid) spec=ficlone:EINTR:1,ficlone:$e:2 ;;
				splice/first) spec=splice:$e:1 ;;
				# in-splice 7 bytes, out-splice them, in-splice fails
				splice/mid) spec=splice:short:1,splice:$e:3 ;;
				*/first) spec=$m:$e:1 ;;
				*/mid) spec=$m:short:1,$m:$e:2 ;;
				esac
				fresh "--method=$m $spec"
				run zf "$spec" --method=$m a b
				expect_fired "$(logline "${spec##*,}")"
				expect_status 1
				after= size=0
				if [ $at = mid ] && [ $m != reflink ]; then
					after=" after 7 bytes" size=7
				fi
				expect_line "^zcp: cannot copy 'a' to 'b' with --method=$m$after: $call: $(re "$(strerror $e)")\$"
				expect_prefix $size
			done
		done
	done
}

@test "--method=splice, one end a pipe: an unsupported errno mid-copy is an error after N bytes" {
	local e n
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		fresh "--method=splice splice:$e:3 (a -> pipe)"
		run zf_to_pipe "splice:$e:3" --method=splice a -
		expect_fired "splice $e #3"
		expect_status 1
		n=$(trace_bytes "^zcp: cannot copy 'a' to '-' with --method=splice after ([0-9]+) bytes: splice: $(re "$(strerror $e)")\$")
		expect_prefix "$n" out

		fresh "--method=splice splice:$e:3 (pipe -> b)"
		run zf_from_pipe "splice:$e:3" --method=splice - b
		expect_fired "splice $e #3"
		expect_status 1
		n=$(trace_bytes "^zcp: cannot copy '-' to 'b' with --method=splice after ([0-9]+) bytes: splice: $(re "$(strerror $e)")\$")
		expect_prefix "$n"
	done
}

@test "--reflink=always: an unsupported errno from FICLONE fails the copy" {
	local e
	mkdata a $SIZE
	for e in $UNSUPPORTED; do
		fresh "--reflink=always ficlone:$e:1"
		run zf "ficlone:$e:1" --reflink=always a b
		expect_fired "ficlone $e #1"
		expect_status 1
		expect_line "^zcp: failed to clone 'b' from 'a': $(re "$(strerror $e)")\$"
		expect_prefix 0
	done
}

# --- errors that are never "unsupported": exit 1, no fallback ----------------

@test "EIO ENOSPC EDQUOT ENOMEM from FICLONE: exit 1, no fallback" {
	local e
	mkdata a $SIZE
	for e in $REAL; do
		fresh "ficlone:$e:1"
		run zf "ficlone:$e:1" --trace a b
		expect_fired "ficlone $e #1"
		expect_status 1
		expect_error $e
		gaveup reflink "ioctl FICLONE" $e 0
		expect_prefix 0
	done
}

@test "EIO ENOSPC EDQUOT ENOMEM from copy_file_range, first call and mid-copy: exit 1, no fallback" {
	local e spec
	mkdata a $SIZE
	for e in $REAL; do
		spec=$NOCLONE,copy_file_range:$e:1
		fresh "$spec"
		run zf "$spec" --trace a b
		expect_fired "copy_file_range $e #1"
		expect_status 1
		expect_error $e
		gaveup copy_file_range copy_file_range $e 0
		expect_prefix 0

		spec=$NOCLONE,copy_file_range:short:1,copy_file_range:$e:2
		fresh "$spec"
		run zf "$spec" --trace a b
		expect_fired "copy_file_range short #1" "copy_file_range $e #2"
		expect_status 1
		expect_error $e
		gaveup copy_file_range copy_file_range $e 7
		expect_prefix 7
	done
}

@test "EIO ENOSPC EDQUOT ENOMEM from sendfile, first call and mid-copy: exit 1, no fallback" {
	local e spec
	mkdata a $SIZE
	for e in $REAL; do
		spec=$NOCLONE,copy_file_range:EXDEV:1,sendfile:$e:1
		fresh "$spec"
		run zf "$spec" --trace a b
		expect_fired "sendfile $e #1"
		expect_status 1
		expect_error $e
		gaveup sendfile sendfile $e 0
		expect_prefix 0

		spec=$NOCLONE,copy_file_range:EXDEV:1,sendfile:short:1,sendfile:$e:2
		fresh "$spec"
		run zf "$spec" --trace a b
		expect_fired "sendfile short #1" "sendfile $e #2"
		expect_status 1
		expect_error $e
		gaveup sendfile sendfile $e 7
		expect_prefix 7
	done
}

@test "EIO ENOSPC EDQUOT ENOMEM from splice file -> pipe and pipe -> file, first call and mid-copy: exit 1" {
	local e at n
	mkdata a $SIZE
	for e in $REAL; do
		for at in 1 3; do
			fresh "splice:$e:$at (a -> pipe)"
			run zf_to_pipe "splice:$e:$at" --trace a -
			expect_fired "splice $e #$at"
			expect_status 1
			expect_error $e a -
			gaveup splice splice $e
			n=$(trace_bytes "^zcp: trace: splice: splice: $(errre $e) after ([0-9]+) bytes")
			expect_prefix "$n" out

			fresh "splice:$e:$at (pipe -> b)"
			run zf_from_pipe "splice:$e:$at" --trace - b
			expect_fired "splice $e #$at"
			expect_status 1
			expect_error $e - b
			gaveup splice splice $e
			n=$(trace_bytes "^zcp: trace: splice: splice: $(errre $e) after ([0-9]+) bytes")
			expect_prefix "$n"
		done
	done
}

@test "EIO ENOSPC EDQUOT ENOMEM from splice through zcp's pipe, either splice: exit 1" {
	local e spec n
	mkdata a $SIZE
	for e in $REAL; do
		# in-splices (a -> pipe) are #1, #3; out-splices (pipe -> b) #2, #4.
		for spec in splice:$e:1 splice:$e:2 splice:$e:3 splice:$e:4; do
			case $spec:$e in
			*[13]:ENOSPC | *[13]:EDQUOT)
				continue ;;	# a pipe has room
			esac
			fresh "--method=splice $spec"
			run zf "$spec" --trace --method=splice a b
			expect_fired "splice $e #${spec##*:}"
			expect_status 1
			expect_error $e
			gaveup splice splice $e
			n=$(trace_bytes "^zcp: trace: splice: splice: $(errre $e) after ([0-9]+) bytes")
			expect_prefix "$n"
		done
	done
}

@test "readwrite: a failing read is an error whatever the errno, first call and mid-copy" {
	local e at n
	mkdata a $SIZE
	for e in EIO ENOMEM $UNSUPPORTED; do
		for at in 1 3; do
			fresh "--method=readwrite read:$e:$at"
			run zf "read:$e:$at" --trace --method=readwrite a b
			expect_fired "read $e #$at"
			expect_status 1
			expect_line "^zcp: error reading 'a': $(re "$(strerror $e)")\$"
			gaveup readwrite read $e
			n=$(trace_bytes "^zcp: trace: readwrite: read: $(errre $e) after ([0-9]+) bytes")
			[ $at = 1 ] && [ "$n" -ne 0 ] && says "$n bytes before the first read"
			[ $at = 3 ] && [ "$n" -eq 0 ] && says "nothing before the third read"
			expect_prefix "$n"
		done
	done
}

@test "readwrite: a failing write is an error whatever the errno, first call and mid-copy" {
	local e at n
	mkdata a $SIZE
	for e in $REAL $UNSUPPORTED; do
		for at in 1 3; do
			fresh "--method=readwrite write:$e:$at"
			run zf "write:$e:$at" --trace --method=readwrite a b
			expect_fired "write $e #$at"
			expect_status 1
			expect_line "^zcp: error writing 'b': $(re "$(strerror $e)")\$"
			gaveup readwrite write $e
			n=$(trace_bytes "^zcp: trace: readwrite: write: $(errre $e) after ([0-9]+) bytes")
			[ $at = 1 ] && [ "$n" -ne 0 ] && says "$n bytes before the first write"
			[ $at = 3 ] && [ "$n" -eq 0 ] && says "nothing before the third write"
			expect_prefix "$n"
		done
	done
}

@test "readwrite at the end of the auto chain: ENOSPC on a write is an error" {
	local n spec=$NOCLONE,copy_file_range:EXDEV:1,sendfile:EINVAL:1,write:ENOSPC:2
	mkdata a $SIZE
	fresh "$spec"
	run zf "$spec" --trace a b
	expect_fired "copy_file_range EXDEV #1" "sendfile EINVAL #1" "write ENOSPC #2"
	expect_status 1
	expect_line "^zcp: error writing 'b': No space left on device\$"
	expect_line "^zcp: trace: readwrite: write: $(errre ENOSPC) after [0-9]+ bytes in [0-9]+ calls; giving up\$"
	n=$(trace_bytes "^zcp: trace: readwrite: write: $(errre ENOSPC) after ([0-9]+) bytes")
	expect_prefix "$n"
}

@test "readwrite to standard output: write@1 EIO is an error writing '-'" {
	local n
	mkdata a $SIZE
	fresh "write@1:EIO:2 (a -> stdout, a file)"
	run zf_to_file write@1:EIO:2 --trace --method=readwrite a -
	expect_fired "write@1 EIO #2"
	expect_status 1
	expect_line "^zcp: error writing ('-'|'standard output'|standard output): Input/output error\$"
	n=$(trace_bytes "^zcp: trace: readwrite: write: $(errre EIO) after ([0-9]+) bytes")
	[ "$n" -gt 0 ] || says "nothing before the second write"
	expect_prefix "$n" out
}

# --- EINTR, EAGAIN, short counts: retried, waited out, looped ----------------

# transients METHOD OUT SPEC... -- RUNNER ARG...: for each of EINTR,
# EAGAIN and short ({T} in each SPEC), the copy into OUT is identical and
# exits 0, METHOD alone moved every byte, and the faults of the last
# comma-separated part of SPEC all fired.
transients() {
	local method=$1 out=$2 specs=() t s spec last name from count i
	shift 2
	while [ "$1" != -- ]; do
		specs+=("$1")
		shift
	done
	shift
	for t in $TRANSIENT; do
		for s in "${specs[@]}"; do
			spec=${s//"{T}"/$t}
			fresh "$spec ($*)"
			run "$@" "$spec"
			last=${spec##*,}
			IFS=: read -r name _ from count <<<"$last"
			for ((i = from; i < from + ${count:-1}; i++)); do
				expect_fired "$name $t #$i"
			done
			expect_status 0
			expect_same "$out"
			finished "$method" $SIZE
		done
	done
}

# RUNNER OPTION... SPEC: transients passes the spec last.
file_file() { zf "${@: -1}" --trace "${@:1:$#-1}" a b; }
file_pipe() { zf_to_pipe "${@: -1}" --trace "${@:1:$#-1}" a -; }
pipe_file() { zf_from_pipe "${@: -1}" --trace "${@:1:$#-1}" - b; }
file_stdout() { zf_to_file "${@: -1}" --trace "${@:1:$#-1}" a -; }
socket_file() { zf_sock -i a -- "${@: -1}" --trace "${@:1:$#-1}" - b; }

@test "copy_file_range: EINTR, EAGAIN, short counts on the first call and mid-copy" {
	mkdata a $SIZE
	transients copy_file_range b \
	    "$NOCLONE,copy_file_range:{T}:1:3" \
	    "$NOCLONE,copy_file_range:short:1,copy_file_range:{T}:2:3" \
	    -- file_file --method=auto
}

@test "sendfile: EINTR, EAGAIN, short counts on the first call and mid-copy" {
	mkdata a $SIZE
	transients sendfile b "sendfile:{T}:1:3" \
	    "sendfile:short:1,sendfile:{T}:2:3" \
	    -- file_file --method=sendfile
}

@test "splice file -> pipe: EINTR, EAGAIN, short counts on the first call and mid-copy" {
	mkdata a $SIZE
	transients splice out "splice:{T}:1:3" "splice:{T}:3:3" -- file_pipe
}

@test "splice pipe -> file: EINTR, EAGAIN, short counts on the first call and mid-copy" {
	mkdata a $SIZE
	transients splice b "splice:{T}:1:3" "splice:{T}:3:3" -- pipe_file
}

@test "splice through zcp's pipe: EINTR, EAGAIN, short counts on either splice" {
	mkdata a $SIZE
	transients splice b "splice:{T}:1:3" "splice:{T}:4:3" \
	    -- file_file --method=splice
}

@test "read: EINTR, EAGAIN, short counts on the first call and mid-copy" {
	mkdata a $SIZE
	transients readwrite b "read:{T}:1:3" "read:{T}:3:3" \
	    -- file_file --method=readwrite
}

@test "write: EINTR, EAGAIN, short counts on the first call and mid-copy" {
	mkdata a $SIZE
	transients readwrite b "write:{T}:1:3" "write:{T}:3:3" \
	    -- file_file --method=readwrite
}

@test "read from standard input (read@0): EINTR, EAGAIN, short counts" {
	mkdata a $SIZE
	transients readwrite b "read@0:{T}:1:3" "read@0:{T}:3:3" \
	    -- pipe_file --method=readwrite
}

@test "rescuing zcp's pipe: EINTR, EAGAIN, short counts on its writes" {
	local t n spec
	mkdata a $SIZE
	for t in $TRANSIENT; do
		# splice #2 (the first out-splice) refuses; writes #1-#3 are
		# the rescue's, from the pipe to b.
		spec=splice:EINVAL:2,write:$t:1:3
		fresh "$spec (socket -> b)"
		run socket_file "$spec"
		expect_fired "splice EINVAL #2" "write $t #1" "write $t #2" "write $t #3"
		expect_status 0
		expect_same
		n=$(trace_bytes "^zcp: trace: splice: $(errre EINVAL) after ([0-9]+) bytes in [0-9]+ calls; falling back to readwrite\$")
		[ "$n" -gt 0 ] || says "the bytes in the pipe were not counted"
		finished readwrite $((SIZE - n))
	done
}

@test "write to standard output (write@1): EINTR, EAGAIN, short counts" {
	mkdata a $SIZE
	transients readwrite out "write@1:{T}:1:3" "write@1:{T}:3:3" \
	    -- file_stdout --method=readwrite
}

# --- a 0 at the start of a file ----------------------------------------------

@test "a 0 from the first call on a non-empty file means: try the next method" {
	local spec
	mkdata a $SIZE

	spec=$NOCLONE,copy_file_range:zero:1
	fresh "$spec"
	run zf "$spec" --trace a b
	expect_fired "copy_file_range zero #1"
	expect_status 0
	expect_same
	expect_line "^zcp: trace: copy_file_range: returned 0 at the start of a source that may hold more; 0 bytes in 1 call; falling back to sendfile\$"
	finished sendfile $SIZE

	spec=$NOCLONE,copy_file_range:EXDEV:1,sendfile:zero:1
	fresh "$spec"
	run zf "$spec" --trace a b
	expect_fired "sendfile zero #1"
	expect_status 0
	expect_same
	expect_line "^zcp: trace: sendfile: returned 0 at the start of a source that may hold more; 0 bytes in 1 call; falling back to readwrite\$"
	finished readwrite $SIZE

	fresh "splice:zero:1 (a -> pipe)"
	run zf_to_pipe splice:zero:1 --trace a -
	expect_fired "splice zero #1"
	expect_status 0
	expect_same out
	expect_line "^zcp: trace: splice: returned 0 at the start of a source that may hold more; 0 bytes in 1 call; falling back to sendfile\$"
	finished sendfile $SIZE
}

@test "--method=M: a 0 at the start of a non-empty file is an error, not an empty copy" {
	local m
	mkdata a $SIZE
	for m in copy_file_range sendfile splice; do
		fresh "--method=$m $m:zero:1"
		run zf "$m:zero:1" --method=$m a b
		expect_fired "$m zero #1"
		expect_status 1
		expect_line "^zcp: cannot copy 'a' to 'b' with --method=$m: $m returned 0 before the end of the source\$"
		expect_prefix 0
	done
	fresh "--method=readwrite write:zero:1"
	run zf write:zero:1 --method=readwrite a b
	expect_fired "write zero #1"
	expect_status 1
	expect_line "^zcp: error writing 'b': "
	expect_prefix 0
}

# --- where FICLONE works for real --------------------------------------------

@test "XFS: FICLONE EINTR is retried, refusals fall back to copy_file_range, real errors stop" {
	local e
	loopfs xfs 512M mnt
	mkdata mnt/a $SIZE

	fresh "ficlone:EINTR:1 on XFS"
	run zf ficlone:EINTR:1 --trace mnt/a mnt/b
	expect_fired "ficlone EINTR #1"
	expect_status 0
	expect_same mnt/b mnt/a
	expect_line "^zcp: trace: reflink: $SIZE bytes in 2 calls, done\$"

	for e in $UNSUPPORTED; do
		fresh "ficlone:$e:1 on XFS"
		rm -f mnt/b
		run zf "ficlone:$e:1" --trace mnt/a mnt/b
		expect_fired "ficlone $e #1"
		expect_status 0
		expect_same mnt/b mnt/a
		fellback reflink $e 0 1 copy_file_range
		finished copy_file_range $SIZE
	done
	for e in $REAL; do
		fresh "ficlone:$e:1 on XFS"
		rm -f mnt/b
		run zf "ficlone:$e:1" --trace mnt/a mnt/b
		expect_fired "ficlone $e #1"
		expect_status 1
		expect_error $e mnt/a mnt/b
		gaveup reflink "ioctl FICLONE" $e 0
		[ ! -s mnt/b ] || says "mnt/b is not empty: $(stat -c %s mnt/b) bytes"
	done
}
