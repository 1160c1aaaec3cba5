# ACLs and the set-ID and sticky bits under -p, -a and --no-preserve=mode,
# against GNU cp 9.1: each case is a differential one (tests/cp-diff.bash),
# whose tree listing has a line for every path with an extended or a
# default ACL.  Every case failed before zcp set ACLs through libacl as
# cp does, unless its comment says it guards what already matched.

setup() {
	load common
	load cp-diff
	cd "$BATS_TEST_TMPDIR"
	need_acl
}

teardown() { diff_teardown; }

# ---- fixtures ---------------------------------------------------------------

# tree: src/ as cp -a meets it: f (0640), x (0755), sub/g, sub/deep/h.
tree() {
	mkdir -p src/sub/deep
	printf 'f\n' > src/f
	chmod 0640 src/f
	printf 'x\n' > src/x
	chmod 0755 src/x
	printf 'g\n' > src/sub/g
	printf 'h\n' > src/sub/deep/h
	chmod 0750 src/sub
}

# inherit: the tree, and P/ whose default ACL new files inherit.
fx_inherit() {
	tree
	mkdir P
	[ -z "$DIFF_USER" ] || nobody_owns src P
	setfacl -m d:u:65534:rwx,d:g:100:r-x,d:o::r-x P
}

# owned: src/ with ACLs of its own: a file with an extended ACL, a
# directory with a default ACL (and a file that inherited it), a FIFO
# with an extended ACL; out/ an empty directory without ACLs.
fx_owned() {
	mkdir -p src out
	printf 'acl\n' > src/acl
	chmod 0640 src/acl
	setfacl -m u:65534:rw,g:100:r src/acl
	mkdir src/dd
	setfacl -m u:65534:rx,d:u:65534:rwx,d:m::rx src/dd
	printf 'in\n' > src/dd/in
	mkfifo src/fifo
	setfacl -m u:65534:r src/fifo
	printf 'suid\n' > src/suid
	chmod 4750 src/suid
	setfacl -m u:65534:r src/suid
}

# existing: dst/e, a file with an extended ACL of its own, for src/f.
fx_existing() {
	tree
	mkdir dst
	printf 'old contents\n' > dst/e
	setfacl -m u:65534:rwx dst/e
}

# ---- -p and -a into a directory with a default ACL --------------------------

@test "-p: a file copied into a directory with a default ACL has the source's" {
	diffcase inherit -- -p src/f P
}

@test "-p: a directory copied into a directory with a default ACL has the source's" {
	diffcase inherit -- -rp src P
}

@test "-a: a tree under a default ACL gets no default: entries anywhere" {
	diffcase --sort-output inherit -- -av src P/copy
}

@test "--preserve=mode alone: the source's mode as the whole ACL" {
	diffcase inherit -- -r --preserve=mode src P
}

@test "without -p: a copy keeps the ACL it inherited (guards what matched)" {
	diffcase inherit -- -r src P
}

@test "--no-preserve=mode: the umask's mode as the whole ACL; directories keep the inherited default" {
	diffcase inherit -- -r --no-preserve=mode src P
}

@test "--no-preserve=mode of a file into a directory with a default ACL" {
	diffcase inherit -- --no-preserve=mode src/f P/f
}

@test "--parents -p: each parent made gets its source's ACLs" {
	diffcase inherit -- -p --parents src/sub/deep/h P
}

# ---- a source's own ACLs ----------------------------------------------------

# The source's own ACLs into a directory without a default ACL: zcp
# copied them as raw xattrs before, with the same result; these cases
# guard what matched.

@test "-p: a file's extended ACL is kept" {
	diffcase owned -- -p src/acl out
}

@test "without -p: a file's extended ACL is not kept (guards what matched)" {
	diffcase owned -- src/acl out
}

@test "-a: a directory's default ACL is kept, and its file's ACL" {
	diffcase owned -- -a src/dd out
}

@test "-p: a set-user-ID file's extended ACL is kept, and the bit" {
	diffcase owned -- -p src/suid out
}

@test "-a: a FIFO's extended ACL is kept" {
	diffcase owned -- -a src/fifo out
}

@test "-a: ACLs of the whole tree into a directory with a default ACL" {
	fx_both() { fx_owned; mkdir P; setfacl -m d:u:1:rwx P; }
	diffcase --sort-output both -- -a src P
}

@test "-p onto an existing file with an extended ACL: the source's replaces it" {
	diffcase existing -- -p src/f dst/e
}

# Not differential: cp has no --atomic.  Its temporary inherits dst's
# default ACL; cp's written-through file has an ACL of its own: -p
# replaces either with the source's.
@test "-p --atomic onto an existing file with an ACL: as cp -p leaves it" {
	local t
	for t in cp zcp; do
		mkdir "$t"
		(cd "$t" && fx_existing && setfacl -m d:u:1:rx dst)
	done
	(cd cp && cp -p src/f dst/e)
	(cd zcp && zcp -p --atomic src/f dst/e)
	run diff <(cd cp && getfacl -R -p -n dst) \
	    <(cd zcp && getfacl -R -p -n dst)
	assert_success
	assert_equal "$(stat -c %a zcp/dst/e)" "$(stat -c %a cp/dst/e)"
}

@test "without -p onto an existing file: its extended ACL stays (guards what matched)" {
	diffcase existing -- src/f dst/e
}

@test "-p onto an existing directory with a default ACL: cp drops it" {
	fx_dirs() { tree; mkdir -p dst/src; setfacl -m d:u:1:rx dst/src; }
	diffcase dirs -- -rp src dst
}

# ---- as an unprivileged user ------------------------------------------------

@test "--user: -a into a directory with a default ACL" {
	diffcase --user --sort-output inherit -- -a src P
}

@test "--user: -p keeps a file's extended ACL (guards what matched)" {
	fx_mine() { fx_owned; nobody_owns -R src out; }
	diffcase --user mine -- -p src/acl src/dd out
}

# ---- the set-ID and sticky bits ---------------------------------------------
# cp gives copy_acl the source's mode, without its set-ID and sticky bits
# if it could not give the copy the source's owner; copy_acl sets those
# bits with chmod only when some are left, and otherwise sets the ACL
# alone, which keeps the ones the copy has: the sticky bit a directory
# was made with, the set-group-ID bit it inherited, an existing one's.
# A copy on the command line took that path already; one inside a tree
# was chmod'ed to the mode, losing them.

# bits (for --user cases, built by root): src/ with root's directories
# s1777/, s1755/ and s0755/ (each with a file) and root's files f4755,
# f2755 and f1755; out/ is 65534's, and so are out/D (0755) and out/G
# (1755).
fx_bits() {
	local d
	mkdir src
	for d in 1777 1755 0755; do
		mkdir "src/s$d"
		printf '%s\n' "$d" > "src/s$d/in"
		chmod "$d" "src/s$d"
	done
	for d in 4755 2755 1755; do
		printf '%s\n' "$d" > "src/f$d"
		chmod "$d" "src/f$d"
	done
	mkdir -p out/D out/G
	chmod 1755 out/G
	nobody_owns out out/D out/G
}

@test "--user: -a of a tree keeps the sticky bits of root's directories" {
	diffcase --user --sort-output bits -- -av src out/copy
}

@test "--user: -a of root's 1777 directory keeps its sticky bit" {
	diffcase --user bits -- -a src/s1777 out
}

@test "--user: -a of root's set-ID files drops those bits (guards what matched)" {
	diffcase --user bits -- -a src/f4755 src/f2755 src/f1755 out
}

# What keeping S_ISVTX in the mode would get wrong: cp leaves it off.
@test "--user: -a into an existing directory does not add root's sticky bit (guards what matched)" {
	diffcase --user bits -- -a src/s1777/. out/D
}

@test "--user: -a into an existing sticky directory keeps its sticky bit" {
	diffcase --user bits -- -a src/s0755/. out/G
}

# sgid_dirs: src/ (0755, with sub/ 0700 and sub/in), sg/ (2775, group
# 100) to copy it into, and dd/ (1755) for src/'s contents.
fx_sgid_dirs() {
	mkdir -p src/sub sg dd
	printf 'f\n' > src/f
	printf 'in\n' > src/sub/in
	chmod 0700 src/sub
	chgrp 100 sg
	chmod 2775 sg
	chmod 1755 dd
}

@test "-rp into a set-group-ID directory: new directories keep the bit" {
	need_root_for "chgrp to another group"
	diffcase sgid_dirs -- -rp src sg
}

@test "-rp onto an existing sticky directory keeps its sticky bit" {
	need_root_for "chgrp to another group"
	diffcase sgid_dirs -- -rp src/. dd
}

@test "-a into a set-group-ID directory under a default ACL" {
	need_root_for "chgrp to another group"
	fx_sgid() { fx_inherit; mkdir P/sg; chgrp 100 P/sg; chmod 2775 P/sg; }
	diffcase sgid -- -a src P/sg
}

# ---- a file system without ACLs ---------------------------------------------

# noacl (root): owned's src/ with plain/ (no ACL) and donly/ (a default
# ACL only), and in rf/ a ramfs: no xattrs, so no ACLs; rf/f is a file
# there, P/ a directory with a default ACL.
fx_noacl() {
	fx_owned
	rm src/fifo
	mkdir src/plain src/donly rf P
	printf 'p\n' > src/plain/p
	setfacl -m d:u:65534:rwx src/donly
	mount -t ramfs zcp-acl rf
	(cd rf && pwd) >> "$BATS_TEST_TMPDIR/.mounts"
	printf 'f\n' > rf/f
	setfacl -m d:u:65534:rwx P
}
need_ramfs() {
	need_root_for "mount a ramfs"
	local d=$BATS_TEST_TMPDIR/.ramfs-probe
	mkdir -p "$d"
	mount -t ramfs zcp-acl "$d" 2>/dev/null ||
		skip "cannot mount a ramfs here"
	umount "$d"
	rmdir "$d"
}

@test "no ACLs there: a source without an extended ACL is copied silently (guards what matched)" {
	need_ramfs
	diffcase noacl -- -a src/plain src/donly rf
}

@test "no ACLs there: -p of a file with an extended ACL says it is lost" {
	need_ramfs
	diffcase noacl -- -p src/acl rf
}

@test "no ACLs there: -a of extended ACLs says so, set-ID bits kept" {
	need_ramfs
	diffcase noacl -- -a src/suid src/acl src/dd rf/
}

@test "no ACLs on the source's file system: its mode as the whole ACL" {
	need_ramfs
	diffcase noacl -- -p rf/f P
}
