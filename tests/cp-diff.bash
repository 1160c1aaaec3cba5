# Differential harness: run one command line with GNU cp and with zcp on
# two identical fixtures and compare everything a user can observe.
# Loaded by tests/cp-diff.bats after common.bash.
#
#   diffcase [FLAGS...] FIXTURE [--] ARGS...
#
# builds FIXTURE (the shell function fx_FIXTURE, or FIXTURE itself) in
# $W/cp and in $W/zcp, runs `cp ARGS` in the first and `$ZCP ARGS` in the
# second with the same umask, environment and standard input, and
# compares exit status, stdout, stderr and a listing of each tree.
# FLAGS:
#   --stdin=TEXT    feed TEXT (printf %b escapes) on standard input
#                   (default: empty)
#   --umask=MASK    umask for building the fixture and running (default 022)
#   --user          run both programs as uid/gid 65534 with no groups
#                   (setpriv); $W is then a fresh 0755 directory in /tmp
#   --env=NAME=VAL  put NAME=VAL in the environment of both programs
#   --sparse        record sparse/dense for regular files of 128 KiB or
#                   more (implied by a --sparse* argument)
#   --sort-output   compare stdout and stderr as sorted lines: cp's order
#                   within a directory is inode order, which depends on the
#                   file system rather than on anything cp promises
# In ARGS, {D} stands for the absolute path of the run directory; in
# every output the run directory is written back as {D} before comparing.
#
# Checking the harness itself: with ZCP pointing at GNU cp under zcp's
# name every differential case must pass, run after run:
#   #!/bin/bash
#   set -o pipefail
#   rename='s/(^|\? )cp: /\1zcp: /g; s/'"'"'cp --help'"'"'/'"'"'zcp --help'"'"'/g'
#   { cp "$@" 2>&1 >&3 3>&- | sed -u -E "$rename" >&2 3>&-; } 3>&1
# saved as /tmp/fakezcp (mode 0755, somewhere uid 65534 can run it), then
# ZCP=/tmp/fakezcp bats tests/cp-diff.bats (not the -j files: cp has no
# -j); only the zcp-only
# --keep-directory-symlink cases ("kds: --keep...") fail that way.
#
# Outputs are compared after the program naming itself is replaced by
# PROG: "cp: " or "zcp: " at the start of a line or right after a
# prompt's "? " (prompts end without a newline), and "Try 'cp --help'".
#
# The tree listing has one line per path below the run directory, sorted
# bytewise, names quoted with printf %q:
#   PATH TYPE MODE NLINK UID:GID [SIZE SHA256 | -> TARGET | dev MAJ:MIN]
#        [hl=FIRST-PATH-WITH-THE-SAME-INODE] mtime=... [sparse|dense]
# then, when the file system takes user xattrs, one line per path that
# has any:  xattr PATH: user.NAME="VALUE"...
# and, when it takes ACLs, one line per path with an extended or default
# ACL (numeric ids):  acl PATH: user::rw- user:65534:r-- ... default:...
# MODE is octal with the setuid/setgid/sticky bits; hl= names the first
# path (sorted) of each hard-link group, so grouping is compared, not
# only counts.  mtime is exact when it predates 2020 -- every fixture
# stamp does, so a preserved timestamp is compared to the nanosecond --
# and "new" when the file was written during the run, by either tool.
# atime and ctime never count.  Directory sizes are left out (they depend
# on the history of the directory, not on what is in it).

DIFF_T0=@1000000000.123456789		# the fixture stamp (2001-09-09)
DIFF_NEW=1600000000			# mtimes from here on are "new"
DIFF_UNPRIV="setpriv --reuid=65534 --regid=65534 --clear-groups"
DIFF_TIMEOUT=60

# ZCP_JOBS=N: every zcp these cases run gets -jN first; unset or empty,
# zcp runs with its default.  make check runs the cases three times:
# cp-diff.bats as it is, and through the symlinks cp-diff-j1.bats and
# cp-diff-j4.bats, whose names set ZCP_JOBS (an environment's ZCP_JOBS
# wins), so that -j1, -j4 and the default must all give cp's results.
# Those two skip the differential cases with neither a tree nor three
# operands (see diff_many): one file is one work item, which no -j can
# reorder, and the run with the default -j has them.
DIFF_ONLY_MANY=
if [ -z "${ZCP_JOBS+set}" ]; then
	case ${BATS_TEST_FILENAME##*/} in
	cp-diff-j*.bats)
		ZCP_JOBS=${BATS_TEST_FILENAME##*-j}
		ZCP_JOBS=${ZCP_JOBS%.bats}
		DIFF_ONLY_MANY=1
		;;
	esac
fi
ZCP_J=(${ZCP_JOBS:+"-j$ZCP_JOBS"})
zcp() { "$ZCP" "${ZCP_J[@]}" "$@"; }

# ---- helpers for fixtures --------------------------------------------------
# Fixtures run in a subshell inside the run directory, once per tool, with
# DIFF_USER set (non-empty) when the case runs as 65534.

# dat FILE SIZE [SKIP]: SIZE bytes of the case's random pool from SKIP on,
# the same bytes in both fixture copies (SIZE + SKIP <= 3 MiB).
dat() {
	tail -c +"$(( ${3:-0} + 1 ))" "$DIFF_POOL" | head -c "$2" > "$1"
}

# at DATE PATH...: give PATH the mtime DATE (touch -d syntax) after the
# whole fixture has been stamped with $DIFF_T0.
at() {
	local d=$1 p; shift
	for p; do printf '%s\0%s\0' "$d" "$p"; done >> "$DIFF_ATFILE"
}

# mksparse FILE SIZE: a SIZE-byte file, a hole but for 4 KiB at 1 MiB.
mksparse() {
	truncate -s "$2" "$1"
	dd if="$DIFF_POOL" of="$1" bs=4096 count=1 seek=256 conv=notrunc \
	    status=none
}

# mkzeros FILE SIZE: SIZE bytes of written (allocated) zeros.
mkzeros() { head -c "$2" /dev/zero > "$1"; }

# nobody_owns PATH...: chown to 65534 (only meaningful in --user cases).
nobody_owns() { chown -h 65534:65534 "$@"; }

# is_root: the harness runs as root (mknod, chown, mount).
is_root() { [ "$(id -u)" -eq 0 ]; }

# xattrs: setfattr/getfattr from the attr package, else python3.
xattr_set() {	# xattr_set PATH NAME VALUE
	if command -v setfattr >/dev/null; then
		setfattr -n "$2" -v "$3" -- "$1"
	elif command -v python3 >/dev/null; then
		python3 -c 'import os,sys
os.setxattr(os.fsencode(sys.argv[1]), sys.argv[2], sys.argv[3].encode())' \
		    "$1" "$2" "$3"
	else
		return 1
	fi
}
# xattr_ok: user xattrs can be set where the cases run.
xattr_ok() {
	local f=$BATS_TEST_TMPDIR/.xattr-probe rc
	: > "$f"
	if xattr_set "$f" user.probe 1 2>/dev/null; then rc=0; else rc=1; fi
	rm -f "$f"
	return $rc
}
need_xattr() {
	xattr_ok || skip "no user xattrs here (or no setfattr/python3)"
}

# ACLs: setfacl/getfacl from the acl package.
# acl_ok: ACLs can be set where the cases run.
acl_ok() {
	local f=$BATS_TEST_TMPDIR/.acl-probe rc
	command -v setfacl >/dev/null && command -v getfacl >/dev/null ||
		return 1
	: > "$f"
	if setfacl -m u:65534:r -- "$f" 2>/dev/null; then rc=0; else rc=1; fi
	rm -f "$f"
	return $rc
}
need_acl() {
	acl_ok || skip "no ACLs here (or no setfacl/getfacl: the acl package)"
}

# need_user: setpriv to uid 65534 works.
need_user() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to uid 65534"
	command -v setpriv >/dev/null || skip "no setpriv"
	$DIFF_UNPRIV true 2>/dev/null || skip "setpriv to uid 65534 fails here"
}

# tmpfs_at DIR: mount a small tmpfs on DIR; unmounted by diff_teardown.
tmpfs_at() {
	mkdir -p "$1" &&
	mount -t tmpfs -o size=4m,mode=0755 zcp-diff "$1" &&
	(cd "$1" && pwd) >> "$BATS_TEST_TMPDIR/.mounts"
}
need_tmpfs() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a tmpfs"
	local d=$BATS_TEST_TMPDIR/.tmpfs-probe
	mkdir -p "$d"
	mount -t tmpfs -o size=1m zcp-diff "$d" 2>/dev/null ||
		skip "cannot mount a tmpfs here"
	umount "$d"
	rmdir "$d"
}

diff_teardown() {
	loopfs_cleanup
	# Fixtures have read-only directories: as another user than root,
	# bats could not remove them.
	chmod -R u+rwX "$BATS_TEST_TMPDIR" 2>/dev/null || true
}

# ---- the tree listing ------------------------------------------------------

# listing DIR: the sorted description of every path below DIR, then the
# user.* xattrs of the paths that have any (when DIFF_XATTR is set).
listing() {
	local -
	set +e
	local dir=$1 y m s n o i t b p l q line h
	local -A rec=() ino=() first=() sum=()
	local -a paths=()
	while IFS= read -r -d '' line; do
		h=${line%%  *}
		sum[${line#*  }]=$h
	done < <(cd "$dir" && find . -mindepth 1 -type f -printf '%P\0' |
	    xargs -0r sha256sum -z --)
	while IFS= read -r -d '' y && IFS= read -r -d '' m &&
	    IFS= read -r -d '' s && IFS= read -r -d '' n &&
	    IFS= read -r -d '' o && IFS= read -r -d '' i &&
	    IFS= read -r -d '' t && IFS= read -r -d '' b &&
	    IFS= read -r -d '' p && IFS= read -r -d '' l; do
		paths+=("$p")
		printf -v q '%q' "$p"
		line="$q $y $m $n $o"
		case $y in
		f) line+=" $s ${sum[$p]-unreadable}" ;;
		l) printf -v q '%q' "$l"; line+=" -> $q" ;;
		c|b) line+=" dev $(stat -c '%t:%T' -- "$dir/$p")" ;;
		esac
		[ "$y" = d ] || [ "$n" -le 1 ] || ino[$p]=$i
		line+=" @HL@"
		if [ "${t%%.*}" -lt "$DIFF_NEW" ]; then
			line+=" mtime=$t"
		else
			line+=" mtime=new"
		fi
		if [ -n "$DIFF_SPARSE" ] && [ "$y" = f ] &&
		    [ "$s" -ge 131072 ]; then
			if [ $(( b * 512 * 2 )) -lt "$s" ]; then
				line+=" sparse"
			else
				line+=" dense"
			fi
		fi
		rec[$p]=$line
	done < <(find "$dir" -mindepth 1 -printf \
	    '%y\0%m\0%s\0%n\0%U:%G\0%D:%i\0%T@\0%b\0%P\0%l\0')
	[ ${#paths[@]} -gt 0 ] || return 0
	while IFS= read -r -d '' p; do
		line=${rec[$p]}
		if [ -n "${ino[$p]+set}" ]; then
			i=${ino[$p]}
			[ -n "${first[$i]+set}" ] || first[$i]=$p
			printf -v q '%q' "${first[$i]}"
			line=${line/ @HL@/ hl=$q}
		else
			line=${line/ @HL@/}
		fi
		printf '%s\n' "$line"
	done < <(printf '%s\0' "${paths[@]}" | sort -z)
	[ -z "$DIFF_XATTR" ] || (cd "$dir" && xattr_dump_tree)
	[ -z "$DIFF_ACL" ] || (cd "$dir" && acl_dump_tree)
}

# acl_dump_tree: every path below . with more than the base ACL entries
# (or a default ACL), as "acl PATH: ENTRY..." lines sorted; owner and
# group are the listing's, symlinks are not followed.
acl_dump_tree() {
	getfacl -R -s -P -n -E . 2>/dev/null |
	awk 'BEGIN { RS = ""; FS = "\n" }
	     { line = ""
	       for (i = 1; i <= NF; i++)
		       if ($i ~ /^# file: /) name = substr($i, 9)
		       else if ($i !~ /^#/) line = line " " $i
	       print "acl " name ":" line }' | LC_ALL=C sort
}

# xattr_dump_tree: every path below . with user.* xattrs, and them, as
# "xattr PATH: NAME=VALUE..." lines sorted (symlinks not followed).
xattr_dump_tree() {
	if command -v getfattr >/dev/null; then
		# blocks "# file: NAME\nuser.x=...\n" separated by blank lines
		getfattr -R -P -h -d -m '^user\.' . 2>/dev/null |
		awk 'BEGIN { RS = ""; FS = "\n" }
		     { sub(/^# file: /, "", $1); line = "xattr " $1 ":"
		       for (i = 2; i <= NF; i++) line = line " " $i
		       print line }' | LC_ALL=C sort
	else
		python3 -c 'import os
out = []
for top, ds, fs in os.walk(b"."):
    for n in ds + fs:
        p = os.path.join(top, n)
        try: ns = sorted(a for a in os.listxattr(p, follow_symlinks=False) if a.startswith("user."))
        except OSError: ns = []
        if ns:
            out.append("xattr %r: %s" % (p, " ".join("%s=%r" % (a, os.getxattr(p, a, follow_symlinks=False)) for a in ns)))
print("\n".join(sorted(out)), end="\n" if out else "")'
	fi
}

# ---- normalising outputs ---------------------------------------------------

# norm PROG DIR < RAW > NORMAL
norm() {
	local prog=$1 esc
	esc=$(printf '%s' "$2" | sed 's/[][\\.*^$|]/\\&/g')
	sed -E -e "s|$esc|{D}|g" \
	    -e "s/(^|\\? )$prog: /\\1PROG: /g" \
	    -e "s/'$prog --help'/'PROG --help'/g"
}

# ---- the case runner -------------------------------------------------------

# diff_many ARGS...: cp's ARGS copy a tree (-r, -R, -a) or name three
# operands or more (option arguments such as -S's count too: more cases
# run, never fewer).
diff_many() {
	local a n=0
	for a; do
		case $a in
		--recursive | --archive | -[rRa]* | -[!-]*[rRa]*) return 0 ;;
		-*) ;;
		*) n=$((n + 1)) ;;
		esac
	done
	[ "$n" -ge 3 ]
}

diffcase() {
	# bats runs tests under set -e: here every failure is checked by
	# hand instead (a diff that finds differences must not end the case
	# half-reported), but fixtures run under set -e of their own.
	local -
	set +e
	local stdin='' um=022 user='' sortout='' fixture tool dir a p rc
	local -a envs=() args=() prefix=() cmd=()
	DIFF_SPARSE='' DIFF_XATTR='' DIFF_ACL=''
	xattr_ok && DIFF_XATTR=1
	acl_ok && DIFF_ACL=1
	while [ $# -gt 0 ]; do
		case $1 in
		--stdin=*) stdin=${1#*=} ;;
		--umask=*) um=${1#*=} ;;
		--user) user=1 ;;
		--env=*) envs+=("${1#*=}") ;;
		--sparse) DIFF_SPARSE=1 ;;
		--sort-output) sortout=1 ;;
		-*) echo "diffcase: unknown flag $1"; return 2 ;;
		*) break ;;
		esac
		shift
	done
	fixture=$1; shift
	[ "${1-}" != -- ] || shift
	for a; do case $a in --sparse*) DIFF_SPARSE=1 ;; esac; done
	[ -z "$DIFF_ONLY_MANY" ] || diff_many "$@" ||
		skip "one work item: -j changes nothing (cp-diff.bats runs it)"
	declare -F "fx_$fixture" >/dev/null && fixture=fx_$fixture
	declare -F "$fixture" >/dev/null ||
		{ echo "diffcase: no fixture '$fixture'"; return 2; }

	if [ -n "$user" ]; then
		need_user
		rm -rf "$BATS_TEST_TMPDIR/wu"
		shared_tmpdir wu
		W=$SHARED_DIR
		prefix=($DIFF_UNPRIV)
	else
		W=$BATS_TEST_TMPDIR/w
		rm -rf "$W"
		mkdir "$W"
	fi
	mkdir "$W/out" || return 2
	DIFF_POOL=$W/out/pool
	head -c 3145728 /dev/urandom > "$DIFF_POOL"
	printf '%b' "$stdin" > "$W/out/stdin"

	for tool in cp zcp; do
		dir=$W/$tool
		mkdir -m 0755 "$dir" || return 2
		DIFF_ATFILE=$W/out/at.$tool
		: > "$DIFF_ATFILE"
		# not in a condition, so that set -e holds inside
		(
			set -e
			cd "$dir"
			umask "$um"
			DIFF_USER=$user "$fixture"
			find . -mindepth 1 -exec touch -h -d "$DIFF_T0" {} +
			while IFS= read -r -d '' a && IFS= read -r -d '' p; do
				touch -h -d "$a" -- "$p"
			done < "$DIFF_ATFILE"
		)
		rc=$?
		[ $rc -eq 0 ] ||
			{ echo "diffcase: fixture $fixture failed in $dir"; return 2; }
		[ -z "$user" ] || chown 65534:65534 "$dir"
	done

	for tool in cp zcp; do
		dir=$W/$tool
		if [ $tool = cp ]; then cmd=(cp); else cmd=("$ZCP" "${ZCP_J[@]}"); fi
		args=() rc=0
		for a; do args+=("${a//\{D\}/$dir}"); done
		(
			cd "$dir" && umask "$um" &&
			exec env "${envs[@]}" timeout -k 5 "$DIFF_TIMEOUT" \
			    "${prefix[@]}" "${cmd[@]}" "${args[@]}"
		) < "$W/out/stdin" > "$W/out/$tool.rawout" \
		    2> "$W/out/$tool.rawerr" || rc=$?
		echo "$rc" > "$W/out/$tool.rc"
		norm "$tool" "$dir" < "$W/out/$tool.rawout" > "$W/out/$tool.out"
		norm "$tool" "$dir" < "$W/out/$tool.rawerr" > "$W/out/$tool.err"
		if [ -n "$sortout" ]; then
			sort -o "$W/out/$tool.out" "$W/out/$tool.out"
			sort -o "$W/out/$tool.err" "$W/out/$tool.err"
		fi
		listing "$dir" | norm "$tool" "$dir" > "$W/out/$tool.tree"
	done

	diff_compare "$@"
}

# diff_compare ARGS...: report every difference between the two runs.
diff_compare() {
	local -
	set +e
	local o=$W/out bad='' what z="zcp${ZCP_J[*]:+ ${ZCP_J[*]}}"
	if ! cmp -s "$o/cp.rc" "$o/zcp.rc"; then
		bad+=" status"
		echo "exit status: cp $(cat "$o/cp.rc"), $z $(cat "$o/zcp.rc")"
	fi
	for what in out:stdout err:stderr tree:tree; do
		cmp -s "$o/cp.${what%%:*}" "$o/zcp.${what%%:*}" && continue
		bad+=" ${what#*:}"
		echo "--- ${what#*:} differs:"
		diff -u --label "cp ${what#*:}" --label "$z ${what#*:}" \
		    "$o/cp.${what%%:*}" "$o/zcp.${what%%:*}"
	done
	[ -n "$bad" ] || return 0
	printf 'command: cp'
	printf ' %q' "$@"
	printf '\nmismatch:%s\n' "$bad"
	echo "--- cp: status $(cat "$o/cp.rc"), stderr:"
	cat "$o/cp.err"
	return 1
}

# ---- the fixture library ---------------------------------------------------
# Each builds in the current directory.  Sources carry the stamp $DIFF_T0
# unless `at` says otherwise; ownership 1234:5678 appears only as root.

# files: plain operands for single-file and SOURCE... DIRECTORY cases.
#   a b empty big  regular files (6 B, 5000 B, 0 B, 1 MiB + 17 B)
#   existing       0640, old content: an existing destination
#   link-a -> a, link-d -> d, dangling -> nowhere
#   h1 h2          hard links of one inode
#   d/             empty directory; dir/ with dir/x: a non-empty one
fx_files() {
	printf 'alpha\n' > a
	dat b 5000
	: > empty
	dat big 1048593 333
	printf 'old\n' > existing
	chmod 0640 existing
	mkdir d dir
	dat dir/x 100 5
	ln -s a link-a
	ln -s d link-d
	ln -s nowhere dangling
	dat h1 1234 77
	ln h1 h2
	if is_root; then chown 1234:5678 a b; fi
}

# tree: a source tree src/ with one of everything cp -r meets, plus an
# empty directory d/ and a regular file f as destinations.
fx_tree() {
	mkdir -p src/sub/deep src/sticky src/setgid src/ro d
	: > src/empty
	printf 'hello\n' > src/small
	dat src/medium 70000 1
	dat src/big 1048593 2
	mksparse src/sparse 4194304
	dat src/sub/f 3000 3
	dat src/sub/deep/g 5000 4
	ln -s small src/link-file
	ln -s sub src/link-dir
	ln -s nowhere src/dangling
	ln -s ../small src/sub/up
	dat src/hard1 2000 5
	ln src/hard1 src/sub/hard2
	mkfifo src/fifo
	dat src/mode600 10 6; chmod 0600 src/mode600
	dat src/mode755 10 7; chmod 0755 src/mode755
	dat src/suid 10 8; chmod 4755 src/suid
	dat src/sticky/in 10 9; chmod 1777 src/sticky
	dat src/setgid/in 10 10; chmod 2755 src/setgid
	dat src/ro/in 10 11; chmod 0555 src/ro
	printf 'sp\n' > 'src/with space'
	printf 'nl\n' > $'src/new\nline'
	printf 'sq\n' > "src/it's"
	printf 'dq\n' > 'src/dq"q'
	printf 'bad\n' > $'src/bad\xff'
	printf 'x\n' > src/xattr
	xattr_set src/xattr user.test hello 2>/dev/null || true
	if is_root; then
		chown 1234:5678 src/small src/sub src/sub/f src/suid
		chown -h 1234:5678 src/link-file
		chmod 4755 src/suid	# chown cleared it
	fi
	printf 'file\n' > f
}

# tree_nodangling: tree without the dangling symlink (cp -rL succeeds).
fx_tree_nodangling() { fx_tree; rm src/dangling; }

# update: src/ and an existing dst/ for -u, -n, -i and backups.
#   older   dst's copy is older than src's  (-u copies)
#   newer   dst's copy is newer             (-u keeps dst's)
#   same    same mtime, other content       (-u keeps dst's)
#   only-src, dst/only-dst, sub/x (dst's older), sub/y (new in src)
fx_update() {
	mkdir -p src/sub dst/sub
	for f in older newer same only-src sub/x sub/y; do
		printf 'src %s\n' "$f" > "src/$f"
	done
	for f in older newer same only-dst sub/x; do
		printf 'dst %s, longer\n' "$f" > "dst/$f"
	done
	chmod 0600 dst/older
	at @800000000 dst/older dst/sub/x
	at @1400000000 dst/newer
}

# sparse: big files whose allocation differs.
#   sparse  4 MiB, all hole but 4 KiB;  zeros  512 KiB of written zeros;
#   dense   512 KiB of data;  mixed  data, 512 KiB of zeros, data
fx_sparse() {
	mkdir d
	mksparse sparse 4194304
	mkzeros zeros 524288
	dat dense 524288 12
	{ head -c 65536 "$DIFF_POOL"; head -c 524288 /dev/zero
	  head -c 65536 "$DIFF_POOL"; } > mixed
}

# special (root): src/ with a character device (like /dev/null), a FIFO
# and a file; special_nofifo leaves out the FIFO (for --copy-contents).
fx_special_nofifo() {
	mkdir src
	mknod src/null c 1 3
	chmod 0640 src/null
	printf 'f\n' > src/file
}
fx_special() { fx_special_nofifo; mkfifo src/fifo; }

# mnt (root): src/ with a tmpfs mounted at src/mnt (for -x).
fx_mnt() {
	mkdir src
	printf 'a\n' > src/a
	tmpfs_at src/mnt || return 1
	mkdir src/mnt/sub
	printf 'in\n' > src/mnt/inner
	printf 'x\n' > src/mnt/sub/x
	printf 'z\n' > src/z
}

# perm (for --user cases, built by root): what uid 65534 may and may not do.
#   src/a src/b      readable;  src/secret 0600 root: unreadable
#   src/locked/      0700 root: cannot be entered
#   src/ro/          0555 with ro/in: copies, then stays read-only
#   src/mine         owned by 65534
#   out/             writable by 65534;  out/prot 0644 root in it
#   rodir/           0755 root: not writable by 65534
fx_perm() {
	mkdir -p src/locked src/ro out rodir
	printf 'a\n' > src/a
	printf 'b\n' > src/b
	printf 'secret\n' > src/secret
	chmod 0600 src/secret
	printf 'l\n' > src/locked/in
	chmod 0700 src/locked
	printf 'ro\n' > src/ro/in
	chmod 0555 src/ro
	printf 'mine\n' > src/mine
	nobody_owns src/mine out
	printf 'prot\n' > out/prot
	chmod 0644 out/prot
}
