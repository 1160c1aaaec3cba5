# Shared by every .bats file: paths, assertions, and small fixtures.
# ZCP, HELPERS and SRCDIR come from make check (AM_TESTS_ENVIRONMENT);
# running bats by hand from the top of a built tree works too.

: "${ZCP:=$PWD/src/zcp}"
: "${HELPERS:=$PWD/tests/helpers}"
: "${SRCDIR:=$PWD}"
export ZCP HELPERS SRCDIR
export LC_ALL=C

bats_load_library bats-support 2>/dev/null ||
	load /usr/lib/bats/bats-support/load.bash
bats_load_library bats-assert 2>/dev/null ||
	load /usr/lib/bats/bats-assert/load.bash
bats_load_library bats-file 2>/dev/null ||
	load /usr/lib/bats/bats-file/load.bash

# assert_num LHS OP RHS: the integer test [ LHS OP RHS ], OP one of -eq
# -ne -lt -le -gt -ge, as bats-assert would: on failure both sides show.
assert_num() {
	case $2 in
	-eq | -ne | -lt | -le | -gt | -ge) ;;
	*) fail "assert_num: '$2' is not an integer comparison"; return ;;
	esac
	[ "$1" "$2" "$3" ] && return 0
	batslib_print_kv_single 5 'left' "$1" 'op' "$2" 'right' "$3" |
		batslib_decorate 'integer comparison does not hold' |
		fail
}

# zcp [ARGS...]: the binary under test.
zcp() { "$ZCP" "$@"; }

# LeakSanitizer cannot run under ptrace: an ASan build of zcp traced by
# strace would die at exit with "LeakSanitizer has encountered a fatal
# error".  A strace first on PATH turns leak checking off for what it
# traces (also when a helper such as sockrun runs it); everything else
# ASan checks still runs.
real_strace=$(command -v strace)
if [ -n "$real_strace" ] && [ -n "${BATS_TEST_TMPDIR:-}" ] &&
    [ "$real_strace" != "$BATS_TEST_TMPDIR/bin/strace" ]; then
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\nASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" exec %s "$@"\n' \
	    "$real_strace" > "$BATS_TEST_TMPDIR/bin/strace"
	chmod +x "$BATS_TEST_TMPDIR/bin/strace"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
fi

# tmux's server and socket: this test's own, not the user's default server.
if [ -n "${BATS_TEST_TMPDIR:-}" ]; then
	export TMUX_TMPDIR=$BATS_TEST_TMPDIR
	unset TMUX
fi

# mkdata FILE SIZE: SIZE bytes of incompressible data (SIZE as for head -c).
mkdata() { head -c "$2" /dev/urandom > "$1"; }

# with_faults SPEC CMD...: run CMD with the fault-injection shim.
# SPEC is NAME:ACTION:FROM[:COUNT][,...] (see tests/helpers/faultshim.c);
# injected faults are logged to $FAULT_LOG.
with_faults() {
	local spec=$1; shift
	FAULT_LOG=${FAULT_LOG:-$BATS_TEST_TMPDIR/faults.log}
	ZCP_FAULT=$spec ZCP_FAULT_LOG=$FAULT_LOG \
	    LD_PRELOAD="$HELPERS/faultshim.so${LD_PRELOAD:+:$LD_PRELOAD}" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    "$@"
}

# need_root: skip unless running as root (loop mounts, chattr, ...).
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (loop mounts)"
}

# need_root_for WHAT: skip, saying why, unless root.
need_root_for() { [ "$(id -u)" -eq 0 ] || skip "needs root to $1"; }

# shared_tmpdir NAME: make SHARED_DIR=$BATS_TEST_TMPDIR/NAME (mode 0755),
# a directory uid 65534 can reach, for tests that run zcp as another user.
# bats makes its own directories private: each one from BATS_TEST_TMPDIR
# up to BATS_RUN_TMPDIR gets search permission for others (o+x, no
# listing).  Skips, saying why, when a directory above those is closed.
shared_tmpdir() {
	local p=$BATS_TEST_TMPDIR
	SHARED_DIR=$BATS_TEST_TMPDIR/$1
	mkdir -m 0755 "$SHARED_DIR" || return 1
	while chmod o+x "$p" && [ "$p" != "${BATS_RUN_TMPDIR:-}" ]; do
		case $p in "${BATS_RUN_TMPDIR:-/nowhere}"/*) p=${p%/*} ;; *) break ;; esac
	done
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$SHARED_DIR" ||
		skip "uid 65534 cannot reach $SHARED_DIR (a directory above bats' is closed to others)"
}

# loopfs TYPE SIZE DIR: mount a fresh TYPE filesystem of SIZE on DIR from
# a loop image, or skip saying why.  Unmounted by loopfs_cleanup.
loopfs() {
	local type=$1 size=$2 dir=$3
	local img=$BATS_TEST_TMPDIR/$type.img mkfs
	need_root
	case $type in
	xfs) mkfs="mkfs.xfs -q -m reflink=1" ;;
	btrfs) mkfs="mkfs.btrfs -q" ;;
	ext4) mkfs="mkfs.ext4 -q -F" ;;
	*) mkfs="mkfs.$type" ;;
	esac
	command -v "${mkfs%% *}" >/dev/null ||
		skip "${mkfs%% *} not installed"
	truncate -s "$size" "$img"
	$mkfs "$img" >/dev/null 2>&1 || skip "$mkfs failed"
	mkdir -p "$dir"
	mount -o loop "$img" "$dir" 2>/dev/null ||
		skip "cannot mount a $type loop image here"
	echo "$dir" >> "$BATS_TEST_TMPDIR/.mounts"
}

loopfs_cleanup() {
	local m
	[ -f "$BATS_TEST_TMPDIR/.mounts" ] || return 0
	while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done < "$BATS_TEST_TMPDIR/.mounts"
	rm -f "$BATS_TEST_TMPDIR/.mounts"
}

# wait_stopped PID: until PID is stopped (state T), as the fault shim's
# "stop" action leaves it; false after 10 s.
wait_stopped() {
	local state
	for _ in $(seq 1000); do
		state=$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)
		[ "$state" = T ] && return 0
		sleep 0.01
	done
	return 1
}
